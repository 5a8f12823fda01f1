"""`voucher-server` commands of the holders' shop list: set a shop's public details (category, opening hours,
listed) and print a campaign's list as holders see it (JSON with --json). The console's page writes the same way."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from voucher_core.timeutil import utc_now

from .common import add_parser, database


def cmd_shop_details(args: argparse.Namespace) -> None:
    from ..services import shops as svc

    with database(args) as db, db.writing() as s:
        now = svc.details_of(s, args.merchant)
        category = args.category if args.category is not None else (now.category if now else "")
        hours = "\n".join(args.hours) if args.hours is not None else (now.opening_hours if now else "")
        listed = (not args.hidden) if (args.hidden or args.listed) else (now.listed if now else True)
        try:
            row = svc.set_details(s, args.merchant, category, hours, listed, args.by, utc_now())
        except svc.DetailsError as exc:
            sys.exit(f"{exc.field}: {exc.reason}")
        out = {"merchant_id": row.merchant_id, "category": row.category,
               "opening_hours": row.opening_hours.splitlines(), "listed": row.listed}
    print(json.dumps(out, ensure_ascii=False))


def cmd_shops(args: argparse.Namespace) -> None:
    from ..services.shops import campaign_shops

    with database(args) as db, db.reading() as s:
        found = campaign_shops(s, args.campaign, args.q, args.town)
    if found is None:
        sys.exit(f"unknown campaign {args.campaign}")
    if args.json:
        print(json.dumps({"campaign_id": found.campaign_id, "total": found.total,
                          "shops": [{**asdict(x), "opening_hours": list(x.opening_hours), "geo_uri": x.geo_uri}
                                    for x in found.shops]}, ensure_ascii=False))
        return
    print(f"{found.campaign_name}: {len(found.shops)} / {found.total}")
    for x in found.shops:
        print(f"{x.merchant_id}  {x.name}  [{x.category}]  {x.street}, {x.post_code} {x.town}"
              + (f"  ({'; '.join(x.opening_hours)})" if x.opening_hours else ""))


def register(sub: Any) -> None:
    p = add_parser(sub, "shop-details", cmd_shop_details,
                   help="a shop's public details for holders: category, opening hours, listed")
    p.add_argument("merchant", help="merchant id, e.g. M0001")
    p.add_argument("--category", help="kind of shop, e.g. Boulangerie ('' clears it)")
    p.add_argument("--hours", action="append", help="a line of opening hours; repeat for more")
    p.add_argument("--no-hours", dest="hours", action="store_const", const=[], help="clear the opening hours")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--hidden", action="store_true", help="take the shop off the holders' list")
    shown.add_argument("--listed", action="store_true", help="show the shop on the holders' list again")
    p.add_argument("--by", default="cli", help="who makes the change (kept with it)")
    p = add_parser(sub, "shops", cmd_shops, help="a campaign's shops as holders see them (searched like the page)")
    p.add_argument("campaign")
    p.add_argument("--q", default="", help="name, kind of shop or town holds this")
    p.add_argument("--town", default="", help="this town only")
    p.add_argument("--json", action="store_true")

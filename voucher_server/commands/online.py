"""`voucher-server` commands of the online sale: let the payment provider sell a campaign, the limits per buyer
and per day, refund an order, record the provider's payout, and the provider's settlement (JSON with --json)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from voucher_core.money import format_cents
from voucher_core.timeutil import utc_now

from .common import add_parser, database


def _mode(text: str) -> Any:
    from ..payments.base import Mode

    mode = Mode(text)
    if mode is Mode.OFF:
        sys.exit("--provider stripe or test")
    return mode


def cmd_sell_online(args: argparse.Namespace) -> None:
    from ..services.online_sales import sell_online

    with database(args) as db, db.writing() as s:
        pid = sell_online(s, args.campaign, _mode(args.provider))
    print(pid)


def _limit(text: str | None) -> int | None:
    return None if text in (None, "", "none") else int(text)  # type: ignore[arg-type]


def cmd_online_limits(args: argparse.Namespace) -> None:
    from ..services.online_sales import set_limits

    with database(args) as db, db.writing() as s:
        row = set_limits(s, args.campaign, _limit(args.per_buyer), _limit(args.per_day), args.by, utc_now())
        out = {"campaign_id": row.campaign_id, "per_buyer": row.per_buyer, "per_day": row.per_day}
    print(json.dumps(out))


def cmd_refund_order(args: argparse.Namespace) -> None:
    from ..payments.base import PaySettings
    from ..public.purchase import build_provider
    from ..services.online_sales import OrderRefused, refund_order

    provider = build_provider(PaySettings.from_env())
    if provider is None:
        sys.exit("no payment provider configured (VOUCHER_SERVER_PAYMENTS / Stripe keys)")
    with database(args) as db:
        try:
            ref = refund_order(db, provider, args.order, utc_now())
        except OrderRefused as exc:
            words = {"already_used": "Remboursement refusé : au moins un bon de cette commande a déjà été utilisé. "
                                     "/ Refund refused: at least one voucher of this order has already been used.",
                     "already_refunded": "Commande déjà remboursée. / Order already refunded.",
                     "not_paid": "Commande non payée : rien à rembourser. / Order not paid: nothing to refund.",
                     "no_order": "Commande introuvable. / No such order."}
            sys.exit(words.get(exc.reason.value, exc.reason.value))
    print(json.dumps({"refunded": True, "refund": ref}))


def cmd_mail_order(args: argparse.Namespace) -> None:
    from ..public.purchase import mail_order

    with database(args) as db:
        if not mail_order(db, args.order, args.base_url):
            sys.exit("e-mail not sent (see the log line above) / e-mail non envoyé")
    print(json.dumps({"mailed": True}))


def cmd_record_payout(args: argparse.Namespace) -> None:
    from ..services.online_settlement import record_payout
    from ..services.periods import Period

    period = Period(date.fromisoformat(args.start), date.fromisoformat(args.end))
    with database(args) as db, db.writing() as s:
        try:
            row = record_payout(s, args.provider_id, args.reference, date.fromisoformat(args.day), period,
                                args.gross_cents, args.fee_cents, args.by, utc_now())
        except ValueError as exc:
            sys.exit(str(exc))
        print(json.dumps({"reference": row.reference, "gross_cents": row.gross_cents, "fee_cents": row.fee_cents,
                          "net_cents": row.net_cents}))


def cmd_provider_settlement(args: argparse.Namespace) -> None:
    from ..services.online_settlement import provider_settlement
    from ..services.periods import Period

    period = Period(date.fromisoformat(args.start), date.fromisoformat(args.end))
    with database(args) as db, db.reading() as s:
        st = provider_settlement(s, args.provider_id, period)
    if args.json:
        print(json.dumps(st.as_json(), ensure_ascii=False, indent=1))
    else:
        print(f"{st.name}: encaissé {format_cents(st.collected_cents)}, versé {format_cents(st.paid_out_net_cents)}"
              f" (brut {format_cents(st.paid_out_gross_cents)}, frais {format_cents(st.fee_cents)}), "
              f"à venir {format_cents(st.outstanding_cents)}")


def register(sub: Any) -> None:
    p = add_parser(sub, "sell-online", cmd_sell_online, "let the payment provider sell a campaign online")
    p.add_argument("--campaign", required=True)
    p.add_argument("--provider", default="stripe", choices=["stripe", "test"])
    p = add_parser(sub, "online-limits", cmd_online_limits, "vouchers per buyer, and per buyer per day, online")
    p.add_argument("--campaign", required=True)
    p.add_argument("--per-buyer", default=None, help="a number, or none")
    p.add_argument("--per-day", default=None, help="a number, or none")
    p.add_argument("--by", default="cli")
    p = add_parser(sub, "refund-order", cmd_refund_order, "refund an online order whose vouchers are unused")
    p.add_argument("--order", required=True,
                   help="the order's token (the end of its link); new ones never start with -, an older one "
                        "that does is given as --order=TOKEN")
    p = add_parser(sub, "mail-order", cmd_mail_order, "send an online order's e-mail again (its PDF and link)")
    p.add_argument("--order", required=True,
                   help="the order's token (the end of its link); new ones never start with -, an older one "
                        "that does is given as --order=TOKEN")
    p.add_argument("--base-url", required=True, help="the public site, e.g. https://bons.example.fr")
    p = add_parser(sub, "record-payout", cmd_record_payout, "a payout the payment provider made (gross, fees)")
    p.add_argument("--provider-id", default="STRIPE")
    p.add_argument("--reference", required=True)
    p.add_argument("--day", required=True, help="YYYY-MM-DD the money reached the bank")
    p.add_argument("--from", dest="start", required=True)
    p.add_argument("--to", dest="end", required=True)
    p.add_argument("--gross-cents", type=int, required=True)
    p.add_argument("--fee-cents", type=int, required=True)
    p.add_argument("--by", default="cli")
    p = add_parser(sub, "provider-settlement", cmd_provider_settlement, "what the provider collected, paid, kept")
    p.add_argument("--provider-id", default="STRIPE")
    p.add_argument("--from", dest="start", required=True)
    p.add_argument("--to", dest="end", required=True)
    p.add_argument("--json", action="store_true")

"""Till commands: configure, check, redeem, sell, void, sync (issue: redeeming and selling)."""

from __future__ import annotations

import argparse

from . import not_yet


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("configure", help="set the central API URL (token on stdin or POS_APP_TOKEN)")
    p.add_argument("--server", required=True, metavar="URL")
    p.set_defaults(func=lambda a: not_yet("configure"))
    for name, text in (("check", "check a voucher"), ("redeem", "redeem a voucher"), ("sell", "sell a voucher")):
        p = sub.add_parser(name, help=text)
        p.add_argument("code", metavar="CODE")
        p.set_defaults(func=lambda a, n=name: not_yet(n))
    p = sub.add_parser("void", help="void the last redemption (or sale) within the void window")
    p.set_defaults(func=lambda a: not_yet("void"))
    p = sub.add_parser("sync", help="push the outbox and refresh the offline cache")
    p.set_defaults(func=lambda a: not_yet("sync"))

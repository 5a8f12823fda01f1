"""`voucher-server` command line. Each command lives in ``voucher_server/commands/<area>.py`` (a ``register(sub)``
function per area, listed in ``commands.AREAS``). Every command that opens the database first upgrades it to the
latest migration."""

from __future__ import annotations

import sys

from .commands import build_parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())

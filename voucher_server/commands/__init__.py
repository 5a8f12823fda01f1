"""The `voucher-server` sub-commands, one module per area. Each module has ``register(sub)`` that adds its
sub-parsers (with ``set_defaults(func=...)``); add a new area's module to ``AREAS``."""

from __future__ import annotations

import argparse
from types import ModuleType

from . import (
    books,
    commission,
    console,
    deploy,
    money,
    online,
    operator_setup,
    printing,
    serving,
    shops,
    statement,
    terminals,
)

AREAS: tuple[ModuleType, ...] = (serving, operator_setup, terminals, printing, console, money, statement,
                                  commission, deploy, online, shops, books)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="voucher-server", description="Reference central voucher API")
    sub = parser.add_subparsers(dest="command", required=True)
    for area in AREAS:
        area.register(sub)
    return parser

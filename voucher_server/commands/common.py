"""What every command shares: the database URL, the key-encryption secret, an upgraded database."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..config import DEFAULT_DB
from ..db import Database
from ..upgrades import migrate

DB_HELP = "sqlite:///FILE (default) or postgresql+psycopg://user@host/db"


def db_url(args: argparse.Namespace) -> str:
    return str(args.db or os.environ.get("VOUCHER_SERVER_DB") or DEFAULT_DB)


def secret(required: bool = True) -> str | None:
    value = os.environ.get("VOUCHER_SERVER_SECRET")
    if not value and required:
        sys.exit("VOUCHER_SERVER_SECRET must be set (it encrypts the campaigns' private keys)")
    return value


@contextmanager
def database(args: argparse.Namespace) -> Iterator[Database]:
    """The command's database, upgraded to the latest migration first (under the migrators' lock, so an admin
    command run while the migrate unit starts does not race it), disposed of afterwards."""
    url = db_url(args)
    migrate(url)
    db = Database(url)
    try:
        yield db
    finally:
        db.dispose()


def add_parser(sub: Any, name: str, func: Any, help: str | None = None) -> argparse.ArgumentParser:
    """A sub-command with the ``--db`` option every command takes."""
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help)
    parser.add_argument("--db", help=DB_HELP)
    parser.set_defaults(func=func)
    return parser

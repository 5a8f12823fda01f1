"""The console's command: add-operator (a console account; the password is read from standard input)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from .common import add_parser, database


def _password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != password:
        sys.exit("add-operator: the passwords differ")
    return password


def cmd_add_operator(args: argparse.Namespace) -> int:
    from ..console.auth import add_operator
    from ..console.models import OperatorRole

    password = _password()
    try:
        with database(args) as db, db.writing() as s:
            add_operator(s, args.email, password, OperatorRole(args.role))
    except ValueError as exc:
        sys.exit(f"add-operator: {exc}")
    print(f"operator {args.email.strip().lower()} ({args.role})")
    return 0


def register(sub: Any) -> None:
    s = add_parser(sub, "add-operator", cmd_add_operator,
                   help="a console account (password on standard input); run again to reset a password or role")
    s.add_argument("email")
    s.add_argument("--role", choices=["admin", "accountant"], default="admin")

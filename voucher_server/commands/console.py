"""The console's commands: add-operator (a console account; the password is read from standard input),
disable-operator and enable-operator."""

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


def cmd_operator_enabled(args: argparse.Namespace) -> int:
    from ..console.auth import set_operator_enabled

    try:
        with database(args) as db, db.writing() as s:
            set_operator_enabled(s, args.email, args.command == "enable-operator")
    except ValueError as exc:
        sys.exit(f"{args.command}: {exc}")
    print(f"{args.command}: {args.email.strip().lower()}")
    return 0


def register(sub: Any) -> None:
    s = add_parser(sub, "add-operator", cmd_add_operator,
                   help="a console account (password on standard input); run again to reset a password or role")
    s.add_argument("email")
    s.add_argument("--role", choices=["admin", "accountant"], default="admin")
    for name, what in (("disable-operator", "a console account can no longer sign in; its sessions end at once"),
                       ("enable-operator", "a disabled console account may sign in again")):
        s = add_parser(sub, name, cmd_operator_enabled, help=what)
        s.add_argument("email")

"""Till commands: configure, check, redeem, sell, void, sync (headless, same services as the app).

Exit codes: 0 accepted / done, 1 refused, 2 usage or configuration error (and local storage errors).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from . import print_json, speak

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def _open(args: argparse.Namespace) -> Any:
    from ..services.till import Till

    return Till.open(args.home)


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"pos-app: {message}", file=sys.stderr)
    return code


def _words(args: argparse.Namespace, till: Any = None) -> Any:
    """The words table in the language asked (--lang), else the till's, else French."""
    from ..store.settings import UiSetting

    lang = getattr(args, "lang", None) or (till.settings.get(UiSetting.LANG) if till is not None else None)
    return speak(lang)


def _guard(fn: Any) -> Any:
    """Run a command; turn configuration, token and storage errors into a clear message and exit 2."""

    def run(args: argparse.Namespace) -> int:
        from ..api.tokens import TokenError
        from ..services.till import ConfigError
        from ..store.db import StoreError

        try:
            return int(fn(args) or 0)
        except ConfigError as exc:
            return _fail(_words(args).say_error(exc))
        except TokenError as exc:
            return _fail(_words(args).say_error(exc))
        except StoreError as exc:
            message = _words(args).say_error(exc)
            print_json({"error": exc.code, "message": message})
            return _fail(message)

    return run


def _configure(args: argparse.Namespace) -> int:
    token = os.environ.get("POS_APP_TOKEN") or ("" if sys.stdin.isatty() else sys.stdin.readline().strip())
    if not token:
        return _fail("jeton d'accès manquant : donnez-le sur l'entrée standard ou dans POS_APP_TOKEN.")
    till = _open(args)
    try:
        me = till.configure(args.server, token)
        report = till.sync.sync_once()
    finally:
        till.close()
    print_json({"configured": True, "server": args.server.rstrip("/"), "merchant": me.get("merchant", {}).get("name"),
                "terminal": me.get("terminal", {}).get("name"), "roles": me.get("roles", []),
                "sync": report.as_dict()})
    return EXIT_OK


def _verdict_line(code: str, detail: Any, words: Any, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "verdict": detail.verdict.value, "mode": detail.mode.value,
            "amount_cents": detail.amount_cents, "message": words.verdict_sentence(detail), "serial": detail.serial,
            "campaign_id": detail.campaign_id, "reason": detail.reason,
            "redeemed_at": detail.redeemed_at.isoformat() if detail.redeemed_at else None,
            "redeemed_by": detail.redeemed_by, **(extra or {})}


def _needs_config(till: Any) -> None:
    from ..services.till import ConfigError, ConfigProblem

    if not till.configured:
        raise ConfigError(ConfigProblem.NOT_CONFIGURED)


def _check(args: argparse.Namespace) -> int:
    till = _open(args)
    try:
        _needs_config(till)
        detail = till.redemptions.check(args.code)
        words = _words(args, till)
    finally:
        till.close()
    print_json(_verdict_line(args.code, detail, words))
    return EXIT_OK if detail.accepted else EXIT_REFUSED


def _redeem(args: argparse.Namespace) -> int:
    till = _open(args)
    try:
        _needs_config(till)
        out = till.redemptions.redeem(args.code)
        words = _words(args, till)
    finally:
        till.close()
    print_json(_verdict_line(args.code, out.verdict, words, {"ledger_seq": out.ledger_seq,
                                                      "idempotency_key": out.idempotency_key}))
    return EXIT_OK if out.verdict.accepted else EXIT_REFUSED


def _sell(args: argparse.Namespace) -> int:
    till = _open(args)
    try:
        _needs_config(till)
        out = till.sales.sell(args.code)
        words = _words(args, till)
    finally:
        till.close()
    message = words.say(out.verdict) + (" — " + words.say(out.reason) if out.reason else "")
    print_json({"code": args.code, "verdict": out.verdict, "mode": out.mode, "amount_cents": out.face_value_cents,
                "price_cents": out.price_cents, "topup_cents": out.topup_cents, "message": message,
                "reason": out.reason,
                "serial": out.serial, "ledger_seq": out.ledger_seq})
    return EXIT_OK if out.ok else EXIT_REFUSED


def _void(args: argparse.Namespace) -> int:
    till = _open(args)
    try:
        _needs_config(till)
        words = _words(args, till)
        if args.sale:
            s = till.sales.void_last()
            said = words.say(s.verdict) + (" — " + words.say(s.reason) if s.reason else "")
            ok, line = s.ok, {"voided": s.ok, "serial": s.serial, "amount_cents": s.face_value_cents,
                              "message": said, "code": s.verdict, "reason": s.reason, "mode": s.mode}
        else:
            v = till.redemptions.void_last()
            said = words.say(v.code.value, {"window_min": (v.window_s or 0) // 60})
            ok, line = v.ok, {"voided": v.ok, "serial": v.serial, "amount_cents": v.amount_cents,
                              "message": said + (" " + words.say(v.error) if v.error else ""),
                              "code": v.code.value, "error": v.error}
    finally:
        till.close()
    print_json(line)
    return EXIT_OK if ok else EXIT_REFUSED


def _sync(args: argparse.Namespace) -> int:
    till = _open(args)
    try:
        _needs_config(till)
        report = till.sync.sync_once()
        status = till.sync.status()
    finally:
        till.close()
    print_json({**report.as_dict(), "outbox_pending": status.outbox_count, "cached_vouchers": status.cached_vouchers,
                "mode": status.mode})
    return EXIT_OK if report.ok else EXIT_REFUSED


def _reset_pin(args: argparse.Namespace) -> int:
    """Forget the owner's PIN on this machine: the next opening of Gestion asks for a new one (logged)."""
    from voucher_core.ledger import EntryKind

    from ..ui import pin

    till = _open(args)
    try:
        had = pin.reset_pin(till.settings)
        till.append(EntryKind.CONFIG_CHANGE, data={"owner_pin": "reset"})
    finally:
        till.close()
    print_json({"pin_reset": True, "had_pin": had})
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("configure", help="set the central API URL (token on stdin or POS_APP_TOKEN)")
    p.add_argument("--server", required=True, metavar="URL")
    p.set_defaults(func=_guard(_configure))
    for name, text, fn in (("check", "check a voucher", _check), ("redeem", "redeem a voucher", _redeem),
                           ("sell", "sell a voucher", _sell)):
        p = sub.add_parser(name, help=text)
        p.add_argument("code", metavar="CODE")
        p.set_defaults(func=_guard(fn))
    p = sub.add_parser("void", help="void the last redemption (or sale) within the void window")
    p.add_argument("--sale", action="store_true", help="void the last sale instead of the last redemption")
    p.set_defaults(func=_guard(_void))
    p = sub.add_parser("reset-pin", help="forget the owner's PIN: the next opening of Gestion asks for a new one")
    p.set_defaults(func=_guard(_reset_pin))
    p = sub.add_parser("sync", help="push the outbox and refresh the offline cache")
    p.set_defaults(func=_guard(_sync))

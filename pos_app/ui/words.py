"""The one table from the codes the services, the API and the books return to the words a person reads.

Services speak in stable codes and facts (``VerdictDetail.reason``, ``SaleOutcome.verdict``, ``VoidOutcome.code``,
``ApiError.code``, ``BooksError.code``, ``ConfigError.code``, ``TokenError.code``; exceptions carry English
messages for developers only); this module alone turns them into sentences, through
Qt's translations (English source, French in resources/translations/fr.ts). To add a code: add one line to
``WORDS`` (English, with ``{named}`` facts), then run lupdate and fill_fr.py. An unknown code still gets a
translated sentence that names it, never the bare code.

Only QtCore: the CLI uses it too, through a translator of its own (:func:`use_translator`) and no
QCoreApplication, so a command run inside another program (a test) leaves that program's Qt alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale, QTranslator

from voucher_core.money import format_cents
from voucher_core.timeutil import paris_text
from voucher_core.verdicts import Mode, Verdict, VerdictDetail

CONTEXT = "Words"

WORDS: dict[str, object] = {  # object: what QT_TRANSLATE_NOOP is typed to return
    # --- verdicts (core.verdicts.Verdict) and the server's refusal codes -------------------------------------
    "accepted": QT_TRANSLATE_NOOP("Words", "accepted"),
    "already_redeemed": QT_TRANSLATE_NOOP("Words", "already redeemed"),
    "expired": QT_TRANSLATE_NOOP("Words", "expired"),
    "not_yet_valid": QT_TRANSLATE_NOOP("Words", "not valid yet"),
    "not_activated": QT_TRANSLATE_NOOP("Words", "not activated: this voucher was never sold"),
    "unknown": QT_TRANSLATE_NOOP("Words", "unknown voucher"),
    "forged": QT_TRANSLATE_NOOP("Words", "forged: the signature is wrong"),
    "not_accepted_here": QT_TRANSLATE_NOOP("Words", "not accepted in this shop"),
    "blocked": QT_TRANSLATE_NOOP("Words", "blocked by the operator"),
    "malformed": QT_TRANSLATE_NOOP("Words", "unreadable code: scan or type it again"),
    "offline_refused": QT_TRANSLATE_NOOP("Words", "offline: cannot accept it now"),
    "already_sold": QT_TRANSLATE_NOOP("Words", "already sold"),
    "already_voided": QT_TRANSLATE_NOOP("Words", "already cancelled"),
    "voucher_spent": QT_TRANSLATE_NOOP("Words", "the voucher was already spent: the sale cannot be cancelled"),
    "wrong_price": QT_TRANSLATE_NOOP("Words", "wrong sale price"),
    "refused": QT_TRANSLATE_NOOP("Words", "refused by the central server"),
    "not_found": QT_TRANSLATE_NOOP("Words", "not found on the central server"),
    "unauthorized": QT_TRANSLATE_NOOP("Words", "access token missing or refused by the central server"),
    "forbidden": QT_TRANSLATE_NOOP("Words", "this till is not allowed to do that"),
    "rate_limited": QT_TRANSLATE_NOOP("Words", "too many requests: try again in a moment"),
    "idempotency_key_reused": QT_TRANSLATE_NOOP("Words", "this operation was already sent with other details"),
    "invalid_request": QT_TRANSLATE_NOOP("Words", "the central server did not understand the request"),
    "invalid_json": QT_TRANSLATE_NOOP("Words", "the central server did not understand the request"),
    "payload_too_large": QT_TRANSLATE_NOOP("Words", "request too large"),
    "internal": QT_TRANSLATE_NOOP("Words", "internal error of the central server"),
    "ledger_head_regressed": QT_TRANSLATE_NOOP("Words", "this till's journal went back since the last sync"),
    # --- offline claims the server refuses afterwards (core.claims.ClaimRefusal) ------------------------------
    "claim_in_future": QT_TRANSLATE_NOOP("Words", "refused: the till's clock is ahead"),
    "claim_too_old": QT_TRANSLATE_NOOP("Words", "refused: offline operation too old"),
    "claim_before_sale": QT_TRANSLATE_NOOP("Words", "refused: voucher used before it was sold"),
    "offline_limit_reached": QT_TRANSLATE_NOOP("Words", "refused: daily offline limit exceeded"),
    # --- the network (pos_app.api) ---------------------------------------------------------------------------
    "timeout": QT_TRANSLATE_NOOP("Words", "the central server does not answer in time"),
    "connection": QT_TRANSLATE_NOOP("Words", "the central server cannot be reached"),
    "network": QT_TRANSLATE_NOOP("Words", "network error"),
    "tls": QT_TRANSLATE_NOOP("Words", "secure connection refused: the server's certificate is not valid"),
    "bad_response": QT_TRANSLATE_NOOP("Words", "unreadable answer from the central server"),
    "order": QT_TRANSLATE_NOOP("Words", "an operation must reach the central server before its cancellation"),
    # --- the access token's keyring (api.tokens.TokenProblem) --------------------------------------------------
    "no_keyring": QT_TRANSLATE_NOOP("Words", "no secure keyring is available on this computer: the access token "
                                             "cannot be stored (enable the system keyring, or set POS_APP_TOKEN)"),
    "keyring_unreadable": QT_TRANSLATE_NOOP("Words", "the system keyring cannot be read ({kind})"),
    "keyring_write_failed": QT_TRANSLATE_NOOP("Words", "the access token cannot be stored in the system keyring "
                                                       "({kind})"),
    "token_from_env": QT_TRANSLATE_NOOP("Words", "POS_APP_TOKEN is set: the token comes from the environment, "
                                                 "nothing is stored"),
    # --- offline policy (services.policy.OfflineRefusal) -----------------------------------------------------
    "auth_blocked": QT_TRANSLATE_NOOP("Words", "the central server refused this till's access token: no offline "
                                               "acceptance until it accepts it again"),
    "offline_not_allowed": QT_TRANSLATE_NOOP("Words", "offline acceptance is not allowed"),
    "cache_never_synced": QT_TRANSLATE_NOOP("Words", "the offline list was never downloaded"),
    "cache_too_old": QT_TRANSLATE_NOOP("Words", "the offline list is older than {max_hours} h"),
    "offline_daily_cap": QT_TRANSLATE_NOOP("Words", "today's offline limit is reached ({cap_cents})"),
    # --- typed numbers (core.codes.CodeError.reason) ---------------------------------------------------------
    "empty": QT_TRANSLATE_NOOP("Words", "type the voucher's number"),
    "not_digits": QT_TRANSLATE_NOOP("Words", "the number has digits only"),
    "too_short": QT_TRANSLATE_NOOP("Words", "the number is too short"),
    "too_long": QT_TRANSLATE_NOOP("Words", "the number is too long"),
    "bad_check_digit": QT_TRANSLATE_NOOP("Words", "wrong number: a digit is wrong or two are swapped"),
    # --- the camera (scanning.scanner.ScanStatus) ----------------------------------------------------------------
    "several_vouchers": QT_TRANSLATE_NOOP("Words", "One voucher at a time"),
    # --- selling cards (services.sale) -----------------------------------------------------------------------
    "not_seller": QT_TRANSLATE_NOOP("Words", "this till is not allowed to sell vouchers"),
    "not_in_cache": QT_TRANSLATE_NOOP("Words", "card unknown to this till: synchronise (F5) and try again"),
    "campaign_ended": QT_TRANSLATE_NOOP("Words", "its campaign is over: it cannot be sold"),
    "sold_or_not_in_cache": QT_TRANSLATE_NOOP("Words", "already sold, or unknown to the offline list"),
    "bad_signature": QT_TRANSLATE_NOOP("Words", "forged card: the signature is wrong"),
    "sold_offline": QT_TRANSLATE_NOOP("Words", "sold here offline: active for the shops after the next sync"),
    "nothing": QT_TRANSLATE_NOOP("Words", "no sale to cancel"),
    "voided_offline": QT_TRANSLATE_NOOP("Words", "cancelled here, sent to the central server at the next sync"),
    # --- undoing a redemption (services.redemption.VoidResult) -----------------------------------------------
    "voided": QT_TRANSLATE_NOOP("Words", "Cancelled."),
    "voided_queued": QT_TRANSLATE_NOOP("Words", "Redemption cancelled (it will be sent to the central server)."),
    "nothing_to_void": QT_TRANSLATE_NOOP("Words", "No redemption to cancel."),
    "void_window_passed": QT_TRANSLATE_NOOP("Words", "Too late to cancel (the limit is {window_min} min)."),
    "void_not_found_upstream": QT_TRANSLATE_NOOP("Words", "The central server has no trace of this redemption: "
                                                          "it cannot be cancelled."),
    "void_refused": QT_TRANSLATE_NOOP("Words", "Cancellation refused by the central server."),
    # --- configuration (services.till.ConfigProblem) ---------------------------------------------------------
    "not_configured": QT_TRANSLATE_NOOP("Words", "the till is not configured: run “pos-app configure --server "
                                                 "URL”"),
    "no_token": QT_TRANSLATE_NOOP("Words", "the till has no access token: configure it again"),
    "empty_token": QT_TRANSLATE_NOOP("Words", "the access token is empty"),
    "bad_server_url": QT_TRANSLATE_NOOP("Words", "the server address must start with https://"),
    "invalid_url": QT_TRANSLATE_NOOP("Words", "invalid server address: it must start with https://"),
    "insecure_url": QT_TRANSLATE_NOOP("Words", "address refused: the central server must be reached with https:// "
                                               "(http:// only on this machine, 127.0.0.1 or localhost)"),
    "token_refused": QT_TRANSLATE_NOOP("Words", "the central server refused this access token"),
    "server_unreachable": QT_TRANSLATE_NOOP("Words", "the central server cannot be reached or is failing"),
    # --- the till's file (store.db.StoreProblem) --------------------------------------------------------------
    "disk_full": QT_TRANSLATE_NOOP("Words", "disk full: nothing was saved. Free some space, then try again"),
    "read_only": QT_TRANSLATE_NOOP("Words", "the till's file is read-only: nothing was saved"),
    "locked": QT_TRANSLATE_NOOP("Words", "the till's file is busy: try again in a moment"),
    "corrupt": QT_TRANSLATE_NOOP("Words", "the till's file is damaged: call for support"),
    "too_new": QT_TRANSLATE_NOOP("Words", "this till's file comes from a newer version of the application"),
    "io": QT_TRANSLATE_NOOP("Words", "local storage error: nothing was saved ({detail})"),
    # --- books (services.books.BooksError) -------------------------------------------------------------------
    "already_closed": QT_TRANSLATE_NOOP("Words", "the period {period} is already closed"),
    "future": QT_TRANSLATE_NOOP("Words", "the day {period} has not started yet"),
    "later_closed": QT_TRANSLATE_NOOP("Words", "a later day ({day}) is already closed"),
    "earlier_open": QT_TRANSLATE_NOOP("Words", "close the earlier days first: {days}"),
    "not_over": QT_TRANSLATE_NOOP("Words", "the period {period} is not over yet (last day: {last_day})"),
    "days_open": QT_TRANSLATE_NOOP("Words", "days of this period not closed yet: {days}"),
    "bad_range": QT_TRANSLATE_NOOP("Words", "the end date is before the start date"),
    # --- reconciliation notes (services.books.reconcile_lines) -----------------------------------------------
    "not_synced": QT_TRANSLATE_NOOP("Words", "not sent yet"),
    "missing_on_server": QT_TRANSLATE_NOOP("Words", "sent, but the server has no trace of it"),
    "amount_differs": QT_TRANSLATE_NOOP("Words", "the amounts differ"),
    "void_differs": QT_TRANSLATE_NOOP("Words", "cancelled on one side only"),
    "confirmed_on_server": QT_TRANSLATE_NOOP("Words", "confirmed by the server"),
    # --- the facts under a verdict (verdict_facts) -----------------------------------------------------------
    "fact.redeemed_on": QT_TRANSLATE_NOOP("Words", "on {when}"),
    "fact.last_valid_day": QT_TRANSLATE_NOOP("Words", "last valid day: {day}"),
    "fact.valid_from": QT_TRANSLATE_NOOP("Words", "valid from {day}"),
    "fact.topup_ended": QT_TRANSLATE_NOOP("Words", "top-up over (last day {day}): worth the price paid"),
    "fact.checked_online": QT_TRANSLATE_NOOP("Words", "(checked online)"),
    "fact.checked_offline": QT_TRANSLATE_NOOP("Words", "(checked offline)"),
}
UNKNOWN_CODE = QT_TRANSLATE_NOOP("Words", "unexpected answer (code “{code}”): tell the operator if it lasts")
UNEXPECTED_ERROR = QT_TRANSLATE_NOOP("Words", "unexpected error ({kind})")


_headless: QTranslator | None = None  # the CLI's translation, used while no Qt application runs


def use_translator(translator: QTranslator | None) -> None:
    """Speak through ``translator`` while no QCoreApplication exists (the headless commands); None: English."""
    global _headless
    _headless = translator


def _tr(source: object) -> str:
    text = str(source)
    if QCoreApplication.instance() is None:
        return (_headless.translate(CONTEXT, text) if _headless is not None else "") or text
    return QCoreApplication.translate(CONTEXT, text)


class _Facts(dict[str, str]):
    """Missing facts show as "?" rather than breaking the sentence."""

    def __missing__(self, key: str) -> str:
        return "?"


def lang() -> str:
    """The language the installed translation speaks (``i18n.install_language`` sets the default locale)."""
    return "fr" if QLocale().language() == QLocale.Language.French else "en"


def fact_text(key: str, value: object) -> str:
    """One fact as a person reads it: cents as money, times in Paris time, dates as dd/mm/yyyy."""
    if isinstance(value, int) and key.endswith("_cents"):
        return format_cents(value, lang())
    if isinstance(value, datetime):
        return paris_text(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(fact_text(key, v) for v in value)
    return str(value)


def known(code: str | None) -> bool:
    return code in WORDS


def say(code: str | None, facts: Mapping[str, object] | None = None) -> str:
    """The words for ``code`` in the installed language, with its facts filled in."""
    if code is None:
        return ""
    values = _Facts({k: fact_text(k, v) for k, v in (facts or {}).items()})
    if code in WORDS:
        return _tr(WORDS[code]).format_map(values)
    return _tr(UNKNOWN_CODE).format_map(_Facts(code=code))


def say_error(exc: BaseException) -> str:
    """Words for an exception from a service: its code (with its facts) when it has one, else a generic sentence."""
    code = getattr(exc, "code", None)
    if isinstance(code, str):
        facts = {"error": getattr(exc, "error", None) or "", **(getattr(exc, "facts", None) or {})}
        return say(code, facts)
    return _tr(UNEXPECTED_ERROR).format(kind=type(exc).__name__)


def verdict_facts(detail: VerdictDetail) -> str:
    """The line under a verdict's headline: when and where, since when, or why; then how it was decided."""
    v, parts = detail.verdict, []
    if v is Verdict.ALREADY_REDEEMED and detail.redeemed_at is not None:
        parts.append(say("fact.redeemed_on", {"when": detail.redeemed_at})
                     + (f" — {detail.redeemed_by}" if detail.redeemed_by else ""))
    elif v is Verdict.EXPIRED and detail.valid_until is not None:
        parts.append(say("fact.last_valid_day", {"day": detail.valid_until}))
    elif v is Verdict.NOT_YET_VALID and detail.valid_from is not None:
        parts.append(say("fact.valid_from", {"day": detail.valid_from}))
    if detail.reason and v is not Verdict.ALREADY_REDEEMED:
        parts.append(say(detail.reason, detail.reason_data))
    if detail.topup_ended_on is not None and v in (Verdict.ACCEPTED, Verdict.OFFLINE_REFUSED):
        parts.append(say("fact.topup_ended", {"day": detail.topup_ended_on}))
    if v is Verdict.MALFORMED:  # decided here from the typing alone: no lookup was made
        return " · ".join(parts)
    mode = say("fact.checked_online" if detail.mode is Mode.ONLINE else "fact.checked_offline")
    return " ".join(p for p in (" · ".join(parts), mode) if p)


def verdict_sentence(detail: VerdictDetail) -> str:
    """One sentence for a verdict (the CLI's "message"): the verdict's words, then its facts."""
    facts = verdict_facts(detail)
    head = say(detail.verdict.value)
    return f"{head[:1].upper()}{head[1:]}" + (f" · {facts}" if facts else "")

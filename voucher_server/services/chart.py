"""The chart of accounts the FEC export books on: one account per role, dated versions, append-only.

Version 0 is the defaults below (docs/books.md); each change writes a new version holding every role, so an
export that names its version can be made again byte for byte whatever changed since.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models_books import ChartVersion


class Role(StrEnum):
    """What an account holds in the scheme's books."""

    HOLDERS = "holders"  # the buyers' money in vouchers sold and not spent
    SHOPS = "shops"  # shops and tobacconists (auxiliary account per merchant)
    TOPUP_ACCRUED = "topup_accrued"  # top-up spent, not yet invoiced (auxiliary per campaign)
    FUNDERS = "funders"  # top-up invoiced to funders (auxiliary per funder)
    BUYERS = "buyers"  # bulk orders' buyers (auxiliary per order)
    BANK = "bank"
    CASH = "cash"
    COMMISSION = "commission"
    VAT = "vat"
    BREAKAGE = "breakage"
    OPERATOR_COST = "operator_cost"  # top-up no funder covers, discounts below the sale price
    BANK_FEES = "bank_fees"  # the payment provider's fees kept on online sales' payouts


DEFAULTS: dict[Role, tuple[str, str]] = {
    Role.HOLDERS: ("4675", "Porteurs de bons d'achat"),
    Role.SHOPS: ("467", "Commerces et buralistes"),
    Role.TOPUP_ACCRUED: ("4411", "Abondements à facturer"),
    Role.FUNDERS: ("441", "Financeurs - abondements facturés"),
    Role.BUYERS: ("411", "Acheteurs de bons en nombre"),
    Role.BANK: ("512", "Banque"),
    Role.CASH: ("530", "Caisse"),
    Role.COMMISSION: ("706", "Commissions sur remboursements"),
    Role.VAT: ("44571", "TVA collectée"),
    Role.BREAKAGE: ("7718", "Bons non utilisés"),
    Role.OPERATOR_COST: ("658", "Abondements à la charge de l'opérateur"),
    Role.BANK_FEES: ("627", "Services bancaires et assimilés"),
}


class ChartError(ValueError):
    """A refused change of accounts; ``code`` is stable (chart_bad_number, chart_bad_label, chart_unknown)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Chart:
    version: int
    accounts: dict[Role, tuple[str, str]]
    set_at: datetime | None = None
    set_by: str = ""

    def number(self, role: Role) -> str:
        return self.accounts[role][0]

    def label(self, role: Role) -> str:
        return self.accounts[role][1]

    def as_json(self) -> dict[str, object]:
        return {"version": self.version, "set_at": self.set_at.isoformat() if self.set_at else None,
                "set_by": self.set_by,
                "accounts": [{"role": r.value, "number": n, "label": lab} for r, (n, lab) in self.accounts.items()]}


DEFAULT_CHART = Chart(0, dict(DEFAULTS))


def _chart(row: ChartVersion) -> Chart:
    stored = json.loads(row.accounts)
    accounts = {r: (str(stored[r.value][0]), str(stored[r.value][1])) if r.value in stored else DEFAULTS[r]
                for r in Role}
    return Chart(row.id, accounts, row.set_at, row.set_by)


def chart_version(session: Session, version: int) -> Chart:
    """Version ``version`` of the chart (0: the defaults); ChartError chart_unknown when there is none."""
    if version == 0:
        return DEFAULT_CHART
    row = session.get(ChartVersion, version)
    if row is None:
        raise ChartError("chart_unknown", f"no chart version {version}")
    return _chart(row)


def current_chart(session: Session) -> Chart:
    """The chart in force: the latest version, or the defaults."""
    last = session.scalar(select(func.max(ChartVersion.id)))
    return DEFAULT_CHART if last is None else chart_version(session, int(last))


def check_account(number: str, label: str) -> None:
    """An account number is 3 to 20 digits starting 1..8 (the PCG's classes); a label is 1..100 characters."""
    if not (number.isdigit() and 3 <= len(number) <= 20 and number[0] in "12345678"):
        raise ChartError("chart_bad_number", "account number: 3 to 20 digits, class 1 to 8")
    if not label.strip() or len(label) > 100 or "\t" in label:
        raise ChartError("chart_bad_label", "account label: 1 to 100 characters, no tab")


def set_accounts(session: Session, changes: dict[Role, tuple[str, str]], by: str, now: datetime) -> Chart:
    """A new version of the chart: the current accounts with ``changes`` applied. Past exports keep theirs."""
    for number, label in changes.values():
        check_account(number, label)
    if not by.strip():
        raise ChartError("chart_bad_label", "who changes the accounts must be named")
    accounts = {**current_chart(session).accounts, **changes}
    row = ChartVersion(accounts=json.dumps({r.value: list(v) for r, v in accounts.items()}, ensure_ascii=False,
                                           sort_keys=True), set_at=now, set_by=by.strip())
    session.add(row)
    session.flush()
    return _chart(row)


def chart_history(session: Session) -> list[Chart]:
    """Every version, newest first, the defaults last."""
    rows = session.scalars(select(ChartVersion).order_by(ChartVersion.id.desc())).all()
    return [*(_chart(r) for r in rows), DEFAULT_CHART]

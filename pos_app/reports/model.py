"""Report models (filled by pos_app.services.books, rendered by html/pdf/csv). No Qt, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.carryover import Regularisation
from ..core.closing import Closing
from ..core.daybook import VoucherLine


@dataclass
class ReconItem:
    """One reconciliation finding: ``kind`` matched | only_here | only_server | conflict."""

    kind: str
    serial: str
    campaign_id: str
    amount_cents: int
    what: str  # redemption | sale
    note: str = ""
    line_seq: int | None = None
    server_id: Any = None
    terminal: str = ""


@dataclass
class Reconciliation:
    """The day's till lines against the server's /ledger of the same business day."""

    day: str
    items: list[ReconItem]
    server_totals: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out = {"matched": 0, "only_here": 0, "only_server": 0, "conflict": 0}
        for item in self.items:
            out[item.kind] += 1
        return out

    def of(self, kind: str) -> list[ReconItem]:
        return [i for i in self.items if i.kind == kind]


@dataclass
class DayReport:
    """Everything a day report shows; rendered by pos_app.reports (html, pdf, csv)."""

    day: str
    shop: str
    siret: str
    till_id: str
    campaigns: list[str]
    generated_utc: str
    lines: list[VoucherLine]
    totals: dict[str, Any]
    closing: Closing | None = None
    reconciliation: Reconciliation | None = None
    key_fingerprint: str = ""
    changed_since_closing: list[VoucherLine] = field(default_factory=list)  # carried by the next closing
    regularisations: list[Regularisation] = field(default_factory=list)  # carried by this day's closing
    shop_statement: dict[str, Any] | None = None  # the server's statement of the shop for the day, if fetched
    recon_error: str = ""  # why the reconciliation could not be made (the server did not answer)


@dataclass
class MonthReport:
    """The monthly summary for the operator's reimbursement claim (or the seller's remittance)."""

    month: str
    shop: str
    siret: str
    till_id: str
    generated_utc: str
    days: list[tuple[str, dict[str, Any], Closing | None]]  # (day, totals, its closing)
    totals: dict[str, Any]
    closing: Closing | None = None
    key_fingerprint: str = ""

"""The operator's commission on a shop's reimbursements for a period: the entry point every view uses.

``shop_commission`` reads the shop statement's own lines (``services.statement.statement_lines``), so its face
value is exactly the statement's ``reimbursement_cents``; the terms and the rounding live in
``services.commission_rules`` (which the statement imports to show the same figures).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..models_commission import CommissionMode
from .commission_rules import (
    DEFAULT_TERMS,
    CommissionError,
    CommissionLine,
    CommissionProblem,
    CommissionTerms,
    ShopCommission,
    commission_lines,
    commission_terms,
    half_up,
    set_commission,
    terms_history,
)
from .periods import Period
from .statement import statement_lines

__all__ = ["DEFAULT_TERMS", "CommissionError", "CommissionLine", "CommissionMode", "CommissionProblem",
           "CommissionTerms", "ShopCommission", "commission_terms", "half_up", "set_commission", "shop_commission",
           "terms_history"]


def shop_commission(session: Session, merchant_id: str, period: Period) -> ShopCommission:
    """``merchant_id``'s commission for ``period``: face value redeemed (confirmed, not voided, value of the
    day), commission HT, VAT, TTC, what is deducted and what the operator pays, by campaign and in total."""
    lines = statement_lines(session, merchant_id, period.start, period.end)
    return ShopCommission(merchant_id, period, commission_lines(session, lines))

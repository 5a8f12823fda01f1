"""Campaign changes made from the console, each with its audit event. The rules: amounts and the first day change
only while nothing is sold; the last day may always move later (extension); shops and sellers join and leave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from voucher_core.campaigns import Activity as Kind

from .. import admin
from ..models import Activity, Campaign, CampaignMerchant, CampaignSeller, Merchant, Voucher
from ..models_money import CampaignFunder, Funder
from .audit import AuditAction, changed, record
from .auth import SignedIn
from .validation import FieldError, FormErrors


class MemberKind(StrEnum):
    SHOP = "shop"  # accepts the campaign's vouchers
    SELLER = "seller"  # sells them


@dataclass(frozen=True, slots=True)
class CampaignTerms:
    """What the campaign form edits."""

    name: str
    face_value_cents: int
    sale_price_cents: int
    valid_from: date
    valid_until: date
    topup_until: date | None = None  # the top-up ends before the voucher (temporary top-up)

    def check(self) -> None:
        errors = []
        if self.sale_price_cents > self.face_value_cents:
            errors.append(FieldError("sale_price_cents", "err_price_above_face"))
        if self.valid_until < self.valid_from:
            errors.append(FieldError("valid_until", "err_end_before_start"))
        elif self.topup_until is not None and not self.valid_from <= self.topup_until <= self.valid_until:
            errors.append(FieldError("topup_until", "err_topup_outside"))
        if errors:
            raise FormErrors(errors)


def snapshot(c: Campaign) -> dict[str, Any]:
    return {"name": c.name, "face_value_cents": c.face_value_cents, "sale_price_cents": c.sale_price_cents,
            "topup_cents": c.topup_cents, "valid_from": c.valid_from.isoformat(),
            "valid_until": c.valid_until.isoformat(),
            "topup_until": c.topup_until.isoformat() if c.topup_until else None}


def has_sales(s: Session, campaign_id: str) -> bool:
    """True once any voucher of the campaign was ever sold (even if the sale was voided since)."""
    return bool(s.scalar(select(exists().where(Activity.campaign_id == campaign_id,
                                               Activity.kind == Kind.ACTIVATE.value))))


def issued_count(s: Session, campaign_id: str) -> int:
    return s.scalar(select(func.count()).select_from(Voucher).where(Voucher.campaign_id == campaign_id)) or 0


def create(s: Session, who: SignedIn, campaign_id: str, terms: CampaignTerms, secret: str | None) -> Campaign:
    terms.check()
    if not (campaign_id.isascii() and campaign_id.isalnum() and campaign_id.isupper() and len(campaign_id) <= 16):
        raise FieldError("campaign_id", "err_campaign_id")
    if s.get(Campaign, campaign_id) is not None:
        raise FieldError("campaign_id", "err_campaign_exists")
    if not secret:
        raise FieldError("campaign_id", "err_no_secret")
    camp = admin.create_campaign(s, campaign_id, terms.name, terms.face_value_cents, terms.sale_price_cents,
                                 terms.valid_from, terms.valid_until, secret, topup_until=terms.topup_until)
    record(s, who.operator_id, who.email, AuditAction.CAMPAIGN_CREATE, f"campaign:{campaign_id}", None,
           snapshot(camp))
    return camp


def edit(s: Session, who: SignedIn, camp: Campaign, terms: CampaignTerms) -> None:
    """Change everything while nothing is sold; afterwards only the name and a later last day."""
    terms.check()
    before = snapshot(camp)
    if has_sales(s, camp.id):
        moved = (terms.face_value_cents != camp.face_value_cents or terms.sale_price_cents != camp.sale_price_cents
                   or terms.valid_from != camp.valid_from)
        if moved:
            raise FieldError("face_value_cents", "err_already_sold")
        if terms.valid_until < camp.valid_until:
            raise FieldError("valid_until", "err_not_later", current=camp.valid_until.isoformat())
    camp.name, camp.valid_from, camp.valid_until = terms.name, terms.valid_from, terms.valid_until
    camp.face_value_cents, camp.sale_price_cents = terms.face_value_cents, terms.sale_price_cents
    camp.topup_until = terms.topup_until
    camp.topup_cents = terms.face_value_cents - terms.sale_price_cents
    old, new = changed(before, snapshot(camp))
    if new:
        record(s, who.operator_id, who.email, AuditAction.CAMPAIGN_EDIT, f"campaign:{camp.id}", old, new)


def extend(s: Session, who: SignedIn, camp: Campaign, new_end: date) -> None:
    if new_end <= camp.valid_until:
        raise FieldError("new_end", "err_not_later", current=camp.valid_until.isoformat())
    before = {"valid_until": camp.valid_until.isoformat()}
    camp.valid_until = new_end
    record(s, who.operator_id, who.email, AuditAction.CAMPAIGN_EXTEND, f"campaign:{camp.id}", before,
           {"valid_until": new_end.isoformat()})


def set_member(s: Session, who: SignedIn, camp: Campaign, merchant_id: str, kind: MemberKind, present: bool) -> None:
    """Add or remove a participating shop or a selling tobacconist (takes effect within the API's cache delay)."""
    m = s.get(Merchant, merchant_id)
    if m is None:
        raise FieldError(f"{kind.value}_id", "err_unknown_merchant")
    if (kind is MemberKind.SHOP and not m.is_merchant) or (kind is MemberKind.SELLER and not m.is_seller):
        raise FieldError(f"{kind.value}_id", "err_wrong_role")
    table = CampaignMerchant if kind is MemberKind.SHOP else CampaignSeller
    there = s.get(table, (camp.id, merchant_id)) is not None
    if present and not there:
        s.add(table(campaign_id=camp.id, merchant_id=merchant_id))
    elif not present and there:
        s.execute(delete(table).where(table.campaign_id == camp.id, table.merchant_id == merchant_id))
    else:
        return
    action = AuditAction.CAMPAIGN_MEMBER_ADD if present else AuditAction.CAMPAIGN_MEMBER_REMOVE
    record(s, who.operator_id, who.email, action, f"campaign:{camp.id}", {"member": merchant_id, "kind": kind.value,
           "present": there}, {"member": merchant_id, "kind": kind.value, "present": present})


def funders_of(s: Session, campaign_id: str) -> list[tuple[str, str, int]]:
    """(funder id, name, share in basis points) of the campaign's top-up."""
    rows = s.execute(select(Funder.id, Funder.name, CampaignFunder.share_bp)
                     .join(CampaignFunder, CampaignFunder.funder_id == Funder.id)
                     .where(CampaignFunder.campaign_id == campaign_id).order_by(Funder.name)).all()
    return [(fid, name, int(bp)) for fid, name, bp in rows]


def members(s: Session, campaign_id: str) -> tuple[list[Merchant], list[Merchant]]:
    """(participating shops, selling tobacconists), by name."""
    shops = s.scalars(select(Merchant).join(CampaignMerchant, CampaignMerchant.merchant_id == Merchant.id)
                      .where(CampaignMerchant.campaign_id == campaign_id).order_by(Merchant.name)).all()
    sellers = s.scalars(select(Merchant).join(CampaignSeller, CampaignSeller.merchant_id == Merchant.id)
                        .where(CampaignSeller.campaign_id == campaign_id).order_by(Merchant.name)).all()
    return list(shops), list(sellers)

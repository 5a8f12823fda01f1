"""Operator commands: campaigns, merchants, terminals, issuing vouchers, and the demo seed."""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from voucher_core.campaigns import Activity as Kind
from voucher_core.campaigns import VoucherState
from voucher_core.codes import make_serial, new_serial, sign_code
from voucher_core.timeutil import business_day, utc_now

from . import crypto
from .db import Database
from .models import (
    Activity,
    Campaign,
    CampaignKey,
    CampaignMerchant,
    CampaignSeller,
    Counter,
    Merchant,
    Terminal,
    Voucher,
)


def change_stamp(session: Session) -> int:
    """The change number for every voucher this transaction changes (the /changes feed's order).

    PostgreSQL: this transaction's id. Concurrent writers never queue on a shared row for it, and /changes
    only hands out changes of transactions older than every one of this database still running (see
    ``services.changes.horizon``), so a
    reader that got past a number can never later miss a change below it. Rows changed by one transaction
    share the number and are ordered by serial.
    SQLite: a counter row, bumped once per transaction; SQLite has a single writer, so numbers are handed out in
    commit order anyway.
    """
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one()
    return session.execute(
        update(Counter).where(Counter.name == "change_seq").values(value=Counter.value + 1).returning(Counter.value)
    ).scalar_one()


def stamp_change(session: Session, serial: str) -> None:
    """Mark the voucher as changed by this transaction (see change_stamp)."""
    session.execute(update(Voucher).where(Voucher.serial == serial).values(change_seq=change_stamp(session)))


def create_campaign(session: Session, campaign_id: str, name: str, face_value_cents: int, sale_price_cents: int,
                    valid_from: date, valid_until: date, secret: str, key_id: str = "K1",
                    private_key: Ed25519PrivateKey | None = None, merchant_ids: list[str] | None = None,
                    seller_ids: list[str] | None = None, topup_until: date | None = None) -> Campaign:
    """A campaign with its first signing key; ``topup_until`` ends the top-up before the voucher (None: never)."""
    if not (campaign_id.isascii() and campaign_id.isalnum() and campaign_id.isupper() and len(campaign_id) <= 16):
        raise ValueError("campaign id: up to 16 upper-case letters and digits")
    if not 0 <= sale_price_cents <= face_value_cents or face_value_cents <= 0:
        raise ValueError("face value must be positive and at least the sale price")
    if valid_until < valid_from:
        raise ValueError("campaign ends before it starts")
    if topup_until is not None and not valid_from <= topup_until <= valid_until:
        raise ValueError("top-up end outside the campaign's validity")
    private_key = private_key or Ed25519PrivateKey.generate()
    camp = Campaign(id=campaign_id, name=name, face_value_cents=face_value_cents, sale_price_cents=sale_price_cents,
                    topup_cents=face_value_cents - sale_price_cents, valid_from=valid_from, valid_until=valid_until,
                    next_number=1)
    if topup_until is not None:  # left unset otherwise: the column is NULL, and older schemas lack it
        camp.topup_until = topup_until
    session.add(camp)
    session.add(CampaignKey(campaign_id=campaign_id, key_id=key_id, public_key=crypto.raw_public(private_key),
                            private_key_enc=crypto.encrypt_private(private_key, secret), created_at=utc_now()))
    session.flush()
    for mid in merchant_ids or []:
        session.add(CampaignMerchant(campaign_id=campaign_id, merchant_id=mid))
    for sid in seller_ids or []:
        session.add(CampaignSeller(campaign_id=campaign_id, merchant_id=sid))
    return camp


def next_merchant_id(session: Session) -> str:
    count = session.scalar(select(func.count()).select_from(Merchant)) or 0
    return f"M{count + 1:04d}"


def add_merchant(session: Session, name: str, siret: str = "", address: str = "", merchant: bool = True,
                 seller: bool = False, merchant_id: str | None = None, campaigns: list[str] | None = None) -> Merchant:
    """A shop (merchant role) and/or a tobacconist (seller role), joined to ``campaigns`` in its roles."""
    m = Merchant(id=merchant_id or next_merchant_id(session), name=name, siret=siret, address=address,
                 is_merchant=merchant, is_seller=seller)
    session.add(m)
    session.flush()
    for cid in campaigns or []:
        if merchant:
            session.add(CampaignMerchant(campaign_id=cid, merchant_id=m.id))
        if seller:
            session.add(CampaignSeller(campaign_id=cid, merchant_id=m.id))
    return m


def add_terminal(session: Session, merchant_id: str, name: str, token: str | None = None) -> tuple[Terminal, str]:
    """A terminal and its token (returned once; only the hash is stored)."""
    token = token or crypto.new_token()
    t = Terminal(merchant_id=merchant_id, name=name, token_hash=crypto.token_hash(token), enabled=True,
                 offline_allowed=True, max_offline_total_cents_per_day=60000, max_cache_age_seconds=86400,
                 ledger_head_seq=0, ledger_head_hash="")
    session.add(t)
    session.flush()
    return t, token


def fresh_serials(session: Session, count: int, draw: Callable[[int], int] = secrets.randbelow) -> list[str]:
    """``count`` new random serials (core.codes.new_serial) no voucher has: drawn, not counted up, so a serial
    says nothing about its neighbours. A repeat (odds ~ issued / 10^18 per draw) is simply drawn again.
    ``draw`` is the random source: the OS's cryptographic one, except for the fixed demo."""
    drawn: dict[str, None] = {}  # keeps the draw order (a set's order would vary from run to run)
    while len(drawn) < count:
        batch = dict.fromkeys(new_serial(draw) for _ in range(count - len(drawn)))
        for chunk in _chunks(list(batch), 5000):
            for taken in session.scalars(select(Voucher.serial).where(Voucher.serial.in_(chunk))):
                batch.pop(taken, None)
        drawn.update(batch)
    return list(drawn)


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def issue(session: Session, campaign_id: str, count: int, secret: str | None = None,
          private_key: Ed25519PrivateKey | None = None, *, legacy_first_number: int | None = None,
          draw: Callable[[int], int] = secrets.randbelow) -> list[str]:
    """Issue ``count`` vouchers (state issued) with random serials and signed codes; returns their serials.

    ``legacy_first_number`` issues 12-digit sequential serials instead, as vouchers were printed before random
    serials: only for the demo's old campaign and for tests of those vouchers.
    """
    camp = session.get(Campaign, campaign_id)
    if camp is None:
        raise ValueError(f"no campaign {campaign_id}")
    key = session.scalars(select(CampaignKey).where(CampaignKey.campaign_id == campaign_id)
                          .order_by(CampaignKey.created_at.desc())).first()
    if key is None:
        raise ValueError("campaign has no key")
    if private_key is None:
        if not secret:
            raise ValueError("VOUCHER_SERVER_SECRET is needed to sign vouchers")
        private_key = crypto.decrypt_private(key.private_key_enc, secret)
    if legacy_first_number is None:
        serials = fresh_serials(session, count, draw)
    else:
        serials = [make_serial(legacy_first_number + i) for i in range(count)]
    stamp = change_stamp(session)
    now = utc_now()
    rows, acts = [], []
    for serial in serials:
        code = sign_code(campaign_id, key.key_id, serial, private_key)
        rows.append({"serial": serial, "campaign_id": campaign_id, "key_id": key.key_id, "code": code,
                     "state": VoucherState.ISSUED.value, "change_seq": stamp})
        acts.append({"kind": Kind.ISSUE.value, "serial": serial, "campaign_id": campaign_id, "amount_cents": 0,
                     "sale_price_cents": 0, "topup_cents": 0, "server_time": now, "business_time": now,
                     "offline": False})
    for chunk in range(0, count, 5000):
        session.execute(insert(Voucher), rows[chunk:chunk + 5000])
        session.execute(insert(Activity), acts[chunk:chunk + 5000])
    return serials


def activate_batch(session: Session, serials: list[str], seller_id: str, terminal_id: int | None) -> None:
    """Operator-side bulk activation (demo stock sold before the demo starts), at the campaign's price: what the
    buyer paid is left NULL, which means that price (and keeps this usable on a schema before migration 0009)."""
    if not serials:
        return
    stamp = change_stamp(session)
    now = utc_now()
    vouchers = session.scalars(select(Voucher).where(Voucher.serial.in_(serials))).all()
    camps = {c.id: c for c in session.scalars(select(Campaign)).all()}
    for v in sorted(vouchers, key=lambda v: v.serial):
        camp = camps[v.campaign_id]
        act = Activity(kind=Kind.ACTIVATE.value, serial=v.serial, campaign_id=v.campaign_id, terminal_id=terminal_id,
                       merchant_id=seller_id, amount_cents=camp.face_value_cents,
                       sale_price_cents=camp.sale_price_cents, topup_cents=camp.topup_cents, server_time=now,
                       business_time=now, offline=False, business_day=business_day(now))
        session.add(act)
        session.flush()
        v.state = VoucherState.ACTIVE.value
        v.sale_id = act.id
        v.sold_at = now
        v.change_seq = stamp


def set_blocked(session: Session, serial: str, blocked: bool) -> str:
    """Operator block / unblock of a voucher (lost or stolen stock); returns the new state.

    Unblocking returns the voucher to the state it had before (the core's lifecycle rule).
    """
    from voucher_core.campaigns import TransitionError, next_state

    v = session.get(Voucher, serial, with_for_update=True)
    if v is None:
        raise ValueError(f"no voucher {serial}")
    state = VoucherState(v.state)
    before = VoucherState(v.state_before_block) if v.state_before_block else None
    kind = Kind.BLOCK if blocked else Kind.UNBLOCK
    try:
        new = next_state(state, kind, before)
    except TransitionError as exc:
        raise ValueError(str(exc)) from None
    now = utc_now()
    session.add(Activity(kind=kind.value, serial=serial, campaign_id=v.campaign_id, server_time=now,
                         business_time=now, offline=False))
    v.state_before_block = state.value if blocked else None
    v.state = new.value
    session.flush()
    stamp_change(session, serial)
    return new.value


# --- demo ------------------------------------------------------------------------------------------------

DEMO_CAMPAIGN = "BOOST24"
DEMO_EXPIRED = "PRINTEMPS"
DEMO_MERCHANTS = [
    # id, name, siret, address, merchant, seller, in BOOST24, terminals
    ("M0001", "Boulangerie Martin", "12345678900015", "3 rue de la République, 69001 Lyon", True, False, True, 2),
    ("M0002", "Librairie du Centre", "23456789100010", "12 place Bellecour, 69002 Lyon", True, False, True, 1),
    ("M0003", "Garage Dupuis", "34567891200014", "45 avenue Jean Jaurès, 69007 Lyon", True, False, False, 1),
    ("M0004", "Tabac de la Gare", "45678912300019", "1 place de la Gare, 69003 Lyon", False, True, True, 1),
]


def seed_demo(db: Database, secret: str, today: date | None = None, *, legacy_serials: bool = False) -> None:
    """Create the demo data (once). Dates are relative to today so the demo always works.

    ``legacy_serials`` issues every voucher with a 12-digit sequential serial, as before random serials (for
    tests of a database upgraded from then).
    """
    today = today or utc_now().date()
    with db.writing() as s:
        if s.get(Campaign, DEMO_CAMPAIGN) is not None:
            return
        for mid, name, siret, address, is_m, is_s, _in, nterm in DEMO_MERCHANTS:
            add_merchant(s, name, siret, address, merchant=is_m, seller=is_s, merchant_id=mid)
            for n in range(1, nterm + 1):
                add_terminal(s, mid, f"Caisse {n}", token=crypto.demo_token(mid, n))
        boost_key = crypto.demo_private_key(DEMO_CAMPAIGN, "K1")
        create_campaign(s, DEMO_CAMPAIGN, "Chèques Booster", 1200, 1000, today - timedelta(days=10),
                        today + timedelta(days=97), secret, private_key=boost_key,
                        merchant_ids=[m[0] for m in DEMO_MERCHANTS if m[4] and m[6]],
                        seller_ids=[m[0] for m in DEMO_MERCHANTS if m[5] and m[6]])
        old_key = crypto.demo_private_key(DEMO_EXPIRED, "K1")
        create_campaign(s, DEMO_EXPIRED, "Printemps des commerces (terminée)", 1000, 1000,
                        today - timedelta(days=200), today - timedelta(days=30), secret, private_key=old_key,
                        merchant_ids=[m[0] for m in DEMO_MERCHANTS if m[4]],
                        seller_ids=[m[0] for m in DEMO_MERCHANTS if m[5]])
        # The demo's vouchers are the same on every machine (fixed keys, tokens and draws): its printed samples
        # and the bundled selftest image stay valid. Real issues draw from the OS's cryptographic source.
        boost = issue(s, DEMO_CAMPAIGN, 400, private_key=boost_key, draw=random.Random(DEMO_CAMPAIGN).randrange,
                      legacy_first_number=4200 if legacy_serials else None)
        # The ended campaign's vouchers were printed before random serials: 12-digit ones, still valid.
        old = issue(s, DEMO_EXPIRED, 20, private_key=old_key, legacy_first_number=100)
        seller_term = s.scalars(select(Terminal).where(Terminal.merchant_id == "M0004")).first()
        activate_batch(s, boost[:300] + old, "M0004", seller_term.id if seller_term else None)


def demo_json(db: Database) -> dict[str, Any]:
    """The demo's tokens, vouchers and campaigns as seed-demo writes them (tokens are the demo's fixed ones)."""
    with db.reading() as s:
        merchants = {m.id: m for m in s.scalars(select(Merchant)).all()}
        terminals = []
        for mid, _name, _siret, _addr, is_m, _is_s, in_campaign, nterm in DEMO_MERCHANTS:
            m = merchants[mid]
            for n in range(1, nterm + 1):
                terminals.append({"role": "merchant" if is_m else "seller", "merchant": m.name, "merchant_id": mid,
                                  "terminal": f"Caisse {n}", "token": crypto.demo_token(mid, n),
                                  "in_campaign": in_campaign})
        camps = s.scalars(select(Campaign).order_by(Campaign.id)).all()
        members = s.execute(select(CampaignMerchant.campaign_id, CampaignMerchant.merchant_id)).all()
        sellers = s.execute(select(CampaignSeller.campaign_id, CampaignSeller.merchant_id)).all()
        keys = s.scalars(select(CampaignKey)).all()
        campaigns = []
        import base64
        for c in camps:
            campaigns.append({
                "id": c.id, "name": c.name, "face_value_cents": c.face_value_cents,
                "sale_price_cents": c.sale_price_cents, "topup_cents": c.topup_cents,
                "valid_from": c.valid_from.isoformat(), "valid_until": c.valid_until.isoformat(),
                "merchant_ids": sorted(mid for cid, mid in members if cid == c.id),
                "seller_ids": sorted(mid for cid, mid in sellers if cid == c.id),
                "keys": [{"key_id": k.key_id, "public_key": base64.b64encode(k.public_key).decode()}
                         for k in keys if k.campaign_id == c.id]})
        face = {c.id: c.face_value_cents for c in camps}
        vouchers = [{"code": v.code, "serial": v.serial, "state": v.state, "campaign": v.campaign_id,
                     "face_value_cents": face[v.campaign_id]}
                    for v in s.scalars(select(Voucher).order_by(Voucher.campaign_id, Voucher.serial)).all()]
    return {"terminals": terminals, "vouchers": vouchers, "campaigns": campaigns}

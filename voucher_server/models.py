"""SQLAlchemy 2 models. The activity log is append-only; voucher rows carry the derived current state."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SERIAL_LEN = 20  # a serial's text: 20 digits (12 for vouchers printed before random serials)

# BigInteger that is still an autoincrement rowid on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Counter(Base):
    """Named counters. ``change_seq`` orders voucher changes for /changes on SQLite (see admin.change_stamp)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class Merchant(Base):
    __tablename__ = "merchants"
    id: Mapped[str] = mapped_column(String(8), primary_key=True)  # M0001
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    siret: Mapped[str] = mapped_column(String(14), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    is_merchant: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    is_seller: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Electronic form, no spaces. A server default only, so inserts made with these models still work on a
    # database not yet upgraded (the upgrade test seeds the first schema with them).
    iban: Mapped[str] = mapped_column(String(34), nullable=False, server_default="")
    # Optional in SEPA inside the EEA; same server default (migration 0004).
    bic: Mapped[str] = mapped_column(String(11), nullable=False, server_default="")

    # Nor a RETURNING of that default after an insert (same reason).
    __mapper_args__ = {"eager_defaults": False}  # noqa: RUF012 - SQLAlchemy reads it as a class attribute


class Campaign(Base):
    __tablename__ = "campaigns"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # BOOST24
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    face_value_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    sale_price_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    topup_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date] = mapped_column(Date, nullable=False)
    # Last day the top-up counts (core Campaign.value_on); NULL: as long as the voucher. Not part of the default
    # SELECT nor of an INSERT that leaves it unset, so code that never uses it runs on a schema from before
    # migration 0004 (the upgrade test seeds one); readers load it with undefer(Campaign.topup_until).
    topup_until: Mapped[date | None] = mapped_column(Date, nullable=True, server_default=FetchedValue(),
                                                     deferred=True)
    next_number: Mapped[int] = mapped_column(BigInteger, nullable=False, default=1)

    __mapper_args__ = {"eager_defaults": False}  # noqa: RUF012 - nor read back after an insert


class CampaignMerchant(Base):
    """A merchant that accepts the campaign's vouchers."""

    __tablename__ = "campaign_merchants"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), primary_key=True)


class CampaignSeller(Base):
    """A seller (tobacconist) that sells the campaign's vouchers."""

    __tablename__ = "campaign_sellers"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), primary_key=True)


class CampaignKey(Base):
    """An Ed25519 signing key. The private key is encrypted at rest (crypto.py); the public key is published."""

    __tablename__ = "campaign_keys"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)
    private_key_enc: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Terminal(Base):
    """One till. The token is shown once; only its SHA-256 is stored."""

    __tablename__ = "terminals"
    __mapper_args__ = {"eager_defaults": False}  # noqa: RUF012 - no RETURNING of last_online_at (older schemas)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    offline_allowed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    max_offline_total_cents_per_day: Mapped[int] = mapped_column(Integer, nullable=False, default=60000)
    max_cache_age_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=86400)
    ledger_head_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    ledger_head_hash: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    ledger_head_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The last request that was not an offline upload (noted at most every minute per server process): offline
    # claims are judged against it (voucher_core.claims).
    # Server default and deferred: left out of the ORM's INSERTs and SELECTs, so seeding works on a database at
    # an older migration (the upgrade test); read when used (offline claims only).
    last_online_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True,
                                                            server_default=FetchedValue(), deferred=True)
    # The terminal's latest outage (core.claims.Outage): its offline claims are judged from its start while it
    # ended recently, whatever online calls came first. Deferred with a server default, like last_online_at.
    outage_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True,
                                                          server_default=FetchedValue(), deferred=True)
    outage_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True,
                                                          server_default=FetchedValue(), deferred=True)
    # Set when the till sent a ledger head that does not extend the acknowledged chain (tampering, or a till file
    # restored from a backup): the operator's console shows it; cleared by the operator only. Deferred with a
    # server default, like last_online_at: seeding works on a database at an older migration.
    ledger_alarm: Mapped[str | None] = mapped_column(String(40), nullable=True, server_default=FetchedValue(),
                                                     deferred=True)
    ledger_alarm_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True, server_default=FetchedValue(),
                                                         deferred=True)
    ledger_alarm_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True,
                                                             server_default=FetchedValue(), deferred=True)


class Voucher(Base):
    """Current state of a voucher, derived from the activity log and updated in the same transaction."""

    __tablename__ = "vouchers"
    serial: Mapped[str] = mapped_column(String(SERIAL_LEN), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), nullable=False)
    key_id: Mapped[str] = mapped_column(String(8), nullable=False)
    code: Mapped[str] = mapped_column(String(200), nullable=False)  # the signed VC1 payload (printed, not secret)
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    state_before_block: Mapped[str | None] = mapped_column(String(16), nullable=True)
    change_seq: Mapped[int] = mapped_column(BigInteger, nullable=False)  # see admin.change_stamp
    redemption_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    redeemed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    redeemed_by: Mapped[str | None] = mapped_column(ForeignKey("merchants.id"), nullable=True)
    sale_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    sold_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # What its buyer paid (core Campaign.value_on): set at each sale (the campaign's price at a tobacconist, the
    # order's unit price in a bulk order); NULL: sold before migration 0009, so the campaign's sale price.
    # Deferred with a server default, as Campaign.topup_until, for databases seeded at an older migration.
    paid_cents: Mapped[int | None] = mapped_column(Integer, nullable=True, server_default=FetchedValue(),
                                                   deferred=True)

    # /changes pages through one campaign in (change_seq, serial) order. Kept to this one extra index: every
    # redemption rewrites change_seq, and each index on it is one more write per redemption.
    __table_args__ = (Index("ix_vouchers_campaign_change", "campaign_id", "change_seq", "serial"),)


class Activity(Base):
    """Append-only log: issue, activate, sale_void, redeem, void, block, unblock. Never updated."""

    __tablename__ = "activities"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    serial: Mapped[str] = mapped_column(String(SERIAL_LEN), nullable=False, index=True)
    campaign_id: Mapped[str] = mapped_column(String(16), nullable=False)
    terminal_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    merchant_id: Mapped[str | None] = mapped_column(String(8), nullable=True)
    amount_cents: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    sale_price_cents: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    topup_cents: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    client_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    server_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    business_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    offline: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    ref_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # The business day the till booked it on (Paris calendar day), checked by the server: every per-day view
    # (the shop's /ledger, its statement) uses it, so till and server agree on the day of each operation.
    business_day: Mapped[date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (
        # A redemption or a sale is voided at most once, even under concurrent requests.
        UniqueConstraint("kind", "ref_id", name="uq_activities_kind_ref"),
        Index("ix_activities_merchant_time", "merchant_id", "business_time"),
        Index("ix_activities_merchant_day", "merchant_id", "business_day"),
    )


class TerminalClosing(Base):
    """A day a till has closed, as the till reported it: no operation written after it may be booked on it."""

    __tablename__ = "terminal_closings"
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ledger_seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    ledger_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    reimbursement_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    remittance_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class IdempotentRequest(Base):
    """Every keyed mutating request with its fingerprint and the exact response, for replay (success or refusal)."""

    __tablename__ = "idempotent_requests"
    terminal_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    response_status: Mapped[int] = mapped_column(Integer, nullable=False)
    response_body: Mapped[str] = mapped_column(Text, nullable=False)
    activity_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class UnknownLookup(Base):
    """Unknown voucher numbers asked by a terminal, per Paris day: guessing shows up here for the operator."""

    __tablename__ = "unknown_lookups"
    terminal_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    refused: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # of which refused as a burst (429)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class TerminalLedgerEntry(Base):
    """The link of one entry of a till's hash-chained ledger, as the till uploaded it at a sync: enough to check
    that every later head extends what was acknowledged (services/ledger_heads.py), not the entry's content."""

    __tablename__ = "terminal_ledger_entries"
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

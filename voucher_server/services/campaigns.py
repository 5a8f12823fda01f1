"""Campaigns with their members and keys, cached: they change rarely, vouchers often."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.orm import undefer

from voucher_core import campaigns as core_campaigns

from ..db import Database
from ..models import Campaign, CampaignKey, CampaignMerchant, CampaignSeller


@dataclass(frozen=True, slots=True)
class CampaignInfo:
    core: core_campaigns.Campaign
    name: str
    topup_cents: int
    seller_ids: frozenset[str]


class CampaignCache:
    """Campaigns with members and keys, reloaded every few seconds."""

    TTL = 2.0

    def __init__(self, db: Database) -> None:
        self.db = db
        self._at = -1e9
        self._data: dict[str, CampaignInfo] = {}
        self._lock = threading.Lock()

    async def current(self) -> dict[str, CampaignInfo]:
        """The campaigns, without blocking the event loop: a stale cache is reloaded in a worker thread."""
        if time.monotonic() - self._at <= self.TTL:
            return self._data
        return await anyio.to_thread.run_sync(self.get)

    def get(self) -> dict[str, CampaignInfo]:
        with self._lock:
            if time.monotonic() - self._at > self.TTL:
                self._data = self._load()
                self._at = time.monotonic()
            return self._data

    def _load(self) -> dict[str, CampaignInfo]:
        with self.db.reading() as s:
            camps = s.scalars(select(Campaign).options(undefer(Campaign.topup_until))).all()
            members = s.execute(select(CampaignMerchant.campaign_id, CampaignMerchant.merchant_id)).all()
            sellers = s.execute(select(CampaignSeller.campaign_id, CampaignSeller.merchant_id)).all()
            keys = s.scalars(select(CampaignKey)).all()
        out = {}
        for c in camps:
            core = core_campaigns.Campaign(
                id=c.id, name=c.name, face_value_cents=c.face_value_cents, sale_price_cents=c.sale_price_cents,
                valid_from=c.valid_from, valid_until=c.valid_until, topup_until=c.topup_until,
                merchant_ids=frozenset(m for cid, m in members if cid == c.id),
                public_keys={k.key_id: bytes(k.public_key) for k in keys if k.campaign_id == c.id})
            out[c.id] = CampaignInfo(core, c.name, c.topup_cents, frozenset(m for cid, m in sellers if cid == c.id))
        return out

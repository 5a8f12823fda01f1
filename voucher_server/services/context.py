"""What every rule needs: the server's parts (Context) and the authenticated terminal (Caller)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ..config import Settings
from ..db import Database
from ..store import Store
from .campaigns import CampaignCache, CampaignInfo
from .lookups import Guesses
from .terminals import Contacts


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated terminal and its merchant."""

    terminal_id: int
    terminal_name: str
    merchant_id: str
    merchant_name: str
    siret: str
    address: str
    is_merchant: bool
    is_seller: bool
    offline_allowed: bool
    max_offline_total_cents_per_day: int
    max_cache_age_seconds: int

    @property
    def roles(self) -> list[str]:
        return [r for r, on in (("merchant", self.is_merchant), ("seller", self.is_seller)) if on]


@dataclass(frozen=True, slots=True)
class Context:
    """One per server process, built by ``app.create_app``."""

    settings: Settings
    db: Database
    store: Store
    campaigns: CampaignCache
    contacts: Contacts
    guesses: Guesses

    @property
    def void_window(self) -> timedelta:
        return timedelta(seconds=self.settings.void_window_seconds)

    def campaigns_of(self, who: Caller) -> list[str]:
        """The campaigns this terminal accepts or sells."""
        return campaigns_of(self.campaigns.get(), who)


def campaigns_of(data: dict[str, CampaignInfo], who: Caller) -> list[str]:
    return sorted(cid for cid, info in data.items()
                  if (who.is_merchant and who.merchant_id in info.core.merchant_ids)
                  or (who.is_seller and who.merchant_id in info.seller_ids))

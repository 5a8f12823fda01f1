"""Where to spend a voucher: a campaign's participating shops as holders see them (name, category, address, town,
opening hours), searched by name and town on the server; and the operator's edit of a shop's public details. The
public page, the console and the CLI all read and write through here."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Campaign, CampaignMerchant, Merchant
from ..models_books import PostalAddress
from ..models_public import CATEGORY_MAX, HOURS_MAX, ShopPublic

# "3 rue de la République, 69001 Lyon": the free-text address a shop had before structured ones.
_FREE_ADDRESS_RE = re.compile(r"^(?P<street>.*?)[,\s]*\b(?P<post>\d{5})\s+(?P<town>[^,\d][^,]*?)\s*$")


@dataclass(frozen=True, slots=True)
class ShopLine:
    """One shop on the list of where to spend a campaign's vouchers."""

    merchant_id: str
    name: str
    category: str
    street: str  # "3 rue de la République"
    post_code: str
    town: str
    opening_hours: tuple[str, ...]  # the shop's own lines, "Mar–Sam 7 h – 19 h"

    @property
    def maps_query(self) -> str:
        return ", ".join(p for p in (self.name, self.street, f"{self.post_code} {self.town}".strip()) if p)

    @property
    def geo_uri(self) -> str:
        """Opens the phone's own maps app on the shop's address (RFC 5870 with the q= search Android honours)."""
        return f"geo:0,0?q={quote(self.maps_query, safe='')}"

    @property
    def maps_search_url(self) -> str:
        """The same search for phones that do not handle geo: (iOS): opens the maps app installed, else the web."""
        return f"https://www.google.com/maps/search/?api=1&query={quote(self.maps_query, safe='')}"


@dataclass(frozen=True, slots=True)
class ShopList:
    campaign_id: str
    campaign_name: str
    shops: list[ShopLine]  # those matching the search, by town then name
    towns: list[str]  # every town of the campaign's listed shops, for the town choice
    total: int  # listed shops of the campaign, whatever the search


def fold(text: str) -> str:
    """Case- and accent-blind form for the search: "Librairie Écrit" and "ecrit" meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def split_address(free: str) -> tuple[str, str, str]:
    """(street, post code, town) out of a free-text French address; all in street when it has no post code."""
    m = _FREE_ADDRESS_RE.match(free.strip())
    if m is None:
        return free.strip(), "", ""
    return m["street"].strip(), m["post"], m["town"].strip()


def shop_line(m: Merchant, pa: PostalAddress | None, pub: ShopPublic | None) -> ShopLine:
    if pa is not None and (pa.street_name or pa.town_name):
        street = f"{pa.building_number} {pa.street_name}".strip()
        post, town = pa.post_code, pa.town_name
    else:
        street, post, town = split_address(m.address)
    hours = tuple(h.strip() for h in (pub.opening_hours if pub else "").splitlines() if h.strip())
    return ShopLine(m.id, m.name, pub.category if pub else "", street, post, town, hours)


def campaign_shops(s: Session, campaign_id: str, query: str = "", town: str = "") -> ShopList | None:
    """The listed participating shops of ``campaign_id`` whose name, category or town holds ``query`` and whose
    town is ``town`` (both accent- and case-blind, empty: all). None for an unknown campaign."""
    camp = s.get(Campaign, campaign_id)
    if camp is None:
        return None
    rows = s.execute(select(Merchant, PostalAddress, ShopPublic)
                     .join(CampaignMerchant, CampaignMerchant.merchant_id == Merchant.id)
                     .outerjoin(PostalAddress, PostalAddress.merchant_id == Merchant.id)
                     .outerjoin(ShopPublic, ShopPublic.merchant_id == Merchant.id)
                     .where(CampaignMerchant.campaign_id == campaign_id, Merchant.is_merchant.is_(True))).all()
    listed = [shop_line(m, pa, pub) for m, pa, pub in rows if pub is None or pub.listed]
    listed.sort(key=lambda x: (fold(x.town), fold(x.name), x.merchant_id))
    q, tw = fold(query), fold(town)
    shops = [x for x in listed
             if (not q or q in fold(x.name) or q in fold(x.category) or q in fold(x.town))
             and (not tw or fold(x.town) == tw)]
    towns = sorted({x.town for x in listed if x.town}, key=fold)
    return ShopList(camp.id, camp.name, shops, towns, len(listed))


class DetailsError(ValueError):
    """A public detail the operator typed that cannot be kept: ``field`` names it, ``reason`` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


def set_details(s: Session, merchant_id: str, category: str, opening_hours: str, listed: bool, by: str,
                now: datetime) -> ShopPublic:
    """Write a shop's public details (the console's page and ``voucher-server shop-details`` both call this)."""
    if s.get(Merchant, merchant_id) is None:
        raise DetailsError("merchant_id", "unknown")
    category = " ".join(category.split())
    hours = "\n".join(" ".join(line.split()) for line in opening_hours.splitlines() if line.strip())
    if len(category) > CATEGORY_MAX:
        raise DetailsError("category", "too_long")
    if len(hours) > HOURS_MAX:
        raise DetailsError("opening_hours", "too_long")
    row = s.get(ShopPublic, merchant_id)
    if row is None:
        row = ShopPublic(merchant_id=merchant_id)
        s.add(row)
    row.category, row.opening_hours, row.listed = category, hours, listed
    row.updated_at, row.updated_by = now, by
    s.flush()
    return row


def details_of(s: Session, merchant_id: str) -> ShopPublic | None:
    return s.get(ShopPublic, merchant_id)

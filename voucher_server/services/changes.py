"""The change feed (/changes): every voucher change of the terminal's campaigns, in commit order, paged."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, select, text, tuple_

from ..db import is_sqlite
from ..errors import ApiError
from ..models import Merchant, Voucher
from .common import dumps, ts
from .context import Caller, Context

CURSOR_RE = re.compile(r"^[0-9]{1,32}$")
MAX_SEQ = 2**63 - 1  # change_seq is a signed 64-bit column
SERIAL_SPAN = 10**12  # a /changes cursor is change_seq * SERIAL_SPAN + serial: one monotonic decimal number


def horizon(ctx: Context) -> ColumnElement[bool] | None:
    """Only changes of transactions older than every one still running (see admin.change_stamp); SQLite has one
    writer, whose numbers are in commit order already."""
    if is_sqlite(ctx.db.url):
        return None
    return text("change_seq < pg_snapshot_xmin(pg_current_snapshot())::text::bigint")  # type: ignore[return-value]


def decode_cursor(cursor: str | None) -> tuple[int, str]:
    """(change_seq, serial) after which the page starts."""
    if cursor and not CURSOR_RE.match(cursor):
        raise ApiError(422, "invalid_request", "cursor invalide.", fields=["cursor"])
    after_seq, after_number = divmod(int(cursor), SERIAL_SPAN) if cursor else (0, -1)
    if after_seq > MAX_SEQ:  # no change number is that high: a forged cursor, not a page to serve
        raise ApiError(422, "invalid_request", "cursor invalide.", fields=["cursor"])
    return after_seq, f"{after_number:012d}" if after_number >= 0 else ""


def _rows(ctx: Context, campaign_ids: list[str], after: tuple[int, str], limit: int) -> list[Any]:
    # One ordered index range scan of (campaign_id, change_seq, serial) per campaign, merged here: the cost of a
    # page stays the page, whatever the planner's statistics say.
    rows: list[Any] = []
    limit_to = horizon(ctx)
    with ctx.db.reading() as s:
        for cid in campaign_ids:
            query = (select(Voucher.serial, Voucher.campaign_id, Voucher.state, Voucher.redeemed_at,
                            Merchant.name, Voucher.change_seq)
                     .outerjoin(Merchant, Merchant.id == Voucher.redeemed_by)
                     .where(Voucher.campaign_id == cid, tuple_(Voucher.change_seq, Voucher.serial) > after)
                     .order_by(Voucher.change_seq, Voucher.serial).limit(limit + 1))
            if limit_to is not None:
                query = query.where(limit_to)
            rows.extend(s.execute(query).all())
    if len(campaign_ids) > 1:
        rows.sort(key=lambda r: (r[5], r[0]))
    return rows


def changes_page(ctx: Context, who: Caller, cursor: str | None, limit: int) -> str:
    """One page of the feed as JSON text."""
    after = decode_cursor(cursor)
    mine = ctx.campaigns_of(who)
    rows = _rows(ctx, mine, after, limit) if mine else []
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1][5] * SERIAL_SPAN + int(rows[-1][0]) if rows else (int(cursor) if cursor else 0)
    # Serialised here: FastAPI's generic encoder walks every value of a 5 000-row page again.
    return dumps({"changes": [{"serial": r[0], "campaign_id": r[1], "state": r[2],
                               "redeemed_at": ts(r[3]), "redeemed_by": r[4]} for r in rows],
                  "next_cursor": str(next_cursor), "has_more": has_more})

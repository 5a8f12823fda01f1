"""The change feed (/changes): every voucher change of the terminal's campaigns, in commit order, paged."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select, text, tuple_
from sqlalchemy.orm import Session

from voucher_core.codes import is_valid_serial

from ..db import is_sqlite
from ..errors import ApiError
from ..models import Merchant, Voucher
from .common import dumps, ts
from .context import Caller, Context

CURSOR_RE = re.compile(r"^[0-9]{1,32}$")
MAX_SEQ = 2**63 - 1  # change_seq is a signed 64-bit column
# A /changes cursor is one monotonic decimal number: change_seq * CURSOR_SPAN + the last serial, a 20-digit serial
# marked by + NEW_SERIAL_MARK so that it decodes back to the same text as a 12-digit legacy one (both sort as text).
CURSOR_SPAN = 10**21
NEW_SERIAL_MARK = 10**20


# The lowest transaction id still running in THIS database (or the next id to be handed out): every change
# below it is committed and visible to the next statement's snapshot. Transaction ids are cluster-wide, so the
# snapshot's own xmin would wait for writers in every other database on the server too; those are dropped here,
# but only when positively identified (a backend or a prepared transaction of another database): an id whose
# owner cannot be seen (a role without pg_read_all_stats sees no other role's backend_xid) is kept, which only
# delays, never skips. xid8 ids are compared with the 32-bit backend_xid modulo 2^32.
_PG_HORIZON = text("""
WITH snap AS (SELECT pg_current_snapshot() AS s),
running AS (
    SELECT x::text::bigint AS xid FROM snap, pg_snapshot_xip(snap.s) AS x
),
elsewhere AS (
    SELECT backend_xid::text::bigint AS xid32 FROM pg_stat_activity
    WHERE backend_xid IS NOT NULL AND datname IS NOT NULL AND datname <> current_database()
    UNION ALL
    SELECT transaction::text::bigint FROM pg_prepared_xacts WHERE database <> current_database()
)
SELECT coalesce((SELECT min(xid) FROM running WHERE xid % 4294967296 NOT IN (SELECT xid32 FROM elsewhere)),
                (SELECT pg_snapshot_xmax(s)::text::bigint FROM snap))
""")


def horizon(ctx: Context, s: Session) -> int | None:
    """The change number below which the feed may hand changes out; None on SQLite (one writer, whose numbers
    are in commit order already). Must run before the page's query, in its own statement: that query's
    snapshot is then taken after every transaction below the horizon has ended (see admin.change_stamp)."""
    if is_sqlite(ctx.db.url):
        return None
    return int(s.execute(_PG_HORIZON).scalar_one())


def encode_cursor(change_seq: int, serial: str) -> int:
    """The cursor after the change (change_seq, serial)."""
    return change_seq * CURSOR_SPAN + (NEW_SERIAL_MARK if len(serial) > 12 else 0) + int(serial)


def decode_cursor(cursor: str | None) -> tuple[int, str]:
    """(change_seq, serial) after which the page starts; 422 for a cursor this feed never handed out.

    A cursor of the layout before 20-digit serials (change_seq * 10^12 + serial) is refused too unless it decodes
    to change 0; the till then starts a full snapshot again (harmless, the cache upserts), never skipping a change.
    """
    if cursor and not CURSOR_RE.match(cursor):
        raise ApiError(422, "invalid_request", "cursor invalide.", fields=["cursor"])
    if not cursor:
        return 0, ""
    after_seq, rest = divmod(int(cursor), CURSOR_SPAN)
    if rest >= NEW_SERIAL_MARK:
        serial = f"{rest - NEW_SERIAL_MARK:020d}"
        forged = not is_valid_serial(serial)
    else:
        # A 12-digit part is not checked: plain change numbers of the oldest layout ("357") decode to change 0.
        serial = f"{rest:012d}"
        forged = rest >= 10**12
    if forged or after_seq > MAX_SEQ:  # no serial is that, no change number is that high: not a page to serve
        raise ApiError(422, "invalid_request", "cursor invalide.", fields=["cursor"])
    return after_seq, serial


def _rows(ctx: Context, campaign_ids: list[str], after: tuple[int, str], limit: int) -> list[Any]:
    # One ordered index range scan of (campaign_id, change_seq, serial) per campaign, merged here: the cost of a
    # page stays the page, whatever the planner's statistics say.
    rows: list[Any] = []
    with ctx.db.reading() as s:
        limit_to = horizon(ctx, s)
        for cid in campaign_ids:
            query = (select(Voucher.serial, Voucher.campaign_id, Voucher.state, Voucher.redeemed_at,
                            Merchant.name, Voucher.change_seq, Voucher.paid_cents)
                     .outerjoin(Merchant, Merchant.id == Voucher.redeemed_by)
                     .where(Voucher.campaign_id == cid, tuple_(Voucher.change_seq, Voucher.serial) > after)
                     .order_by(Voucher.change_seq, Voucher.serial).limit(limit + 1))
            if limit_to is not None:
                query = query.where(Voucher.change_seq < limit_to)
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
    next_cursor = encode_cursor(rows[-1][5], rows[-1][0]) if rows else (int(cursor) if cursor else 0)
    # Serialised here: FastAPI's generic encoder walks every value of a 5 000-row page again.
    return dumps({"changes": [{"serial": r[0], "campaign_id": r[1], "state": r[2],
                               "redeemed_at": ts(r[3]), "redeemed_by": r[4], "paid_cents": r[6]} for r in rows],
                  "next_cursor": str(next_cursor), "has_more": has_more})

"""The idempotency engine: each (terminal, key) is answered once, then replayed byte for byte."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from voucher_core.timeutil import utc_now

from .. import admin
from ..errors import ApiError
from ..models import IdempotentRequest
from ..store import StoredAnswer
from .common import Answer, dumps
from .context import Caller, Context

Action = Callable[[Session, datetime], tuple[int, dict[str, Any], int | None]]
"""``action(session, now) -> (status, body, activity_id)``; raises ApiError to refuse."""

# Refusals stored for replay (the till books them as conflicts); other errors are answered and forgotten.
STORED_STATUSES = (404, 409, 422)
NOT_STORED_CODES = ("idempotency_key_reused", "invalid_request")


def replay(prior: StoredAnswer, fp: str) -> Answer:
    """The stored answer, if it was given to this very request; the same key for another request is 422."""
    if not hmac.compare_digest(prior.fingerprint, fp):
        raise ApiError(422, "idempotency_key_reused")
    return Answer(prior.status, prior.body)


def is_stored(exc: ApiError) -> bool:
    return exc.status in STORED_STATUSES and exc.code not in NOT_STORED_CODES


def _stored(s: Session, who: Caller, key: str, fp: str) -> Answer | None:
    rec = s.get(IdempotentRequest, (who.terminal_id, key))
    if rec is None:
        return None
    return replay(StoredAnswer(rec.fingerprint, rec.response_status, rec.response_body), fp)


def _once(ctx: Context, who: Caller, key: str, fp: str, action: Action) -> Answer:
    with ctx.db.writing() as s:
        answered = _stored(s, who, key, fp)
        if answered is not None:
            return answered
        now = utc_now()
        try:
            with s.begin_nested():  # a refusal found after an insert must leave nothing behind
                status, body, activity_id = action(s, now)
        except ApiError as exc:
            if not is_stored(exc):
                raise
            status, body, activity_id = exc.status, exc.body(), None
        text = dumps(body)
        s.add(IdempotentRequest(terminal_id=who.terminal_id, idempotency_key=key, fingerprint=fp,
                                response_status=status, response_body=text, activity_id=activity_id,
                                created_at=now))
        s.flush()
        if activity_id is not None:
            admin.stamp_change(s, body["serial"])
    return Answer(status, text)


def run_idempotent(ctx: Context, who: Caller, key: str, fp: str, action: Action) -> Answer:
    """Run ``action`` once per (terminal, key) in one write transaction, with its answer stored.

    Concurrent retries race on the primary key of idempotent_requests: the loser rolls back and replays.
    """
    for _attempt in range(3):
        try:
            return _once(ctx, who, key, fp, action)
        except IntegrityError:
            # Another transaction won (same key, same void, or the voucher changed under our conditional
            # update): everything was rolled back. Replay its answer, or judge again on the new state.
            with ctx.db.reading() as s:
                answered = _stored(s, who, key, fp)
            if answered is not None:
                return answered
    raise RuntimeError("idempotent request still conflicting after 3 attempts")

"""A terminal's contacts note its latest outage (voucher_server.services.terminals.Contacts), on a real SQLite
file with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from voucher_core.claims import OUTAGE_GAP
from voucher_server import admin
from voucher_server.db import Database, aware, upgrade
from voucher_server.models import Terminal
from voucher_server.services.terminals import Contacts

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_a_silence_longer_than_the_gap_is_noted_as_the_latest_outage(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    upgrade(url)
    db = Database(url)
    try:
        with db.writing() as s:
            merchant = admin.add_merchant(s, "Boulangerie", "", "", merchant=True, seller=False)
            terminal, _token = admin.add_terminal(s, merchant.id, "Caisse 1")
            tid = terminal.id
        contacts = Contacts(db)

        def state() -> tuple[datetime | None, datetime | None, datetime | None]:
            with db.reading() as s:
                t = s.get(Terminal, tid)
                assert t is not None
                return aware(t.last_online_at), aware(t.outage_since), aware(t.outage_until)

        contacts._write(tid, T0)
        assert state() == (T0, None, None)  # a first contact is no outage
        contacts._write(tid, T0 + OUTAGE_GAP)
        assert state() == (T0 + OUTAGE_GAP, None, None)  # a silence of the gap itself is not one either
        back = T0 + OUTAGE_GAP + timedelta(hours=30)
        contacts._write(tid, back)
        assert state() == (back, T0 + OUTAGE_GAP, back)
        contacts._write(tid, back + timedelta(minutes=1))
        assert state() == (back + timedelta(minutes=1), T0 + OUTAGE_GAP, back)  # kept until the next outage
    finally:
        db.dispose()

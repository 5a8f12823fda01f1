"""The till's books cut or rewritten on disk, each way the issue found unnoticed: detected by the till
(verify-ledger, against the server's copy when reachable) and by the server at the next sync (head refused with a
stable code, the terminal flagged for the operator). Real SQLite files edited with sqlite3, the real server."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests

from pos_app.cli import main
from pos_app.services.sync_records import SyncError, SyncStage
from pos_app.services.till import Till
from voucher_core.ledger import EntryKind


@pytest.fixture
def synced(till_factory, vouchers, server, monkeypatch) -> tuple[Till, str]:
    """A till with two confirmed redemptions and its head acknowledged by the server."""
    t = till_factory("merchant", 1)
    for _ in range(2):
        assert t.redemptions.redeem(vouchers.take()["code"]).verdict.accepted
    report = t.sync.sync_once()
    assert report.ok and report.head_acked == t.ledger.head()[0], report
    token = server.token("merchant", 1)
    monkeypatch.setenv("POS_APP_TOKEN", token)
    return t, token


def tamper(till: Till, *sql: tuple[str, tuple[Any, ...]]) -> None:
    """What someone with the file does: the append-only triggers go first."""
    conn = sqlite3.connect(till.db.path)
    conn.execute("DROP TRIGGER IF EXISTS ledger_no_update")
    conn.execute("DROP TRIGGER IF EXISTS ledger_no_delete")
    for statement, args in sql:
        conn.execute(statement, args)
    conn.commit()
    conn.close()


def seqs(till: Till, kind: str) -> list[int]:
    return [e.seq for e in till.ledger.entries() if e.kind == kind]


def verify_cli(till: Till, capsys) -> tuple[int, str]:
    code = main(["--home", str(till.home), "verify-ledger"])
    out = capsys.readouterr()
    return code, out.out + out.err


def server_alarm(server, token: str) -> tuple[str | None, int | None]:
    body = requests.get(f"{server.url}/api/v1/terminals/me/ledger-head", timeout=10,
                        headers={"Authorization": f"Bearer {token}"}).json()
    return body["alarm"], body["alarm_seq"]


def sync_refused(till: Till, code: str, seq: int) -> None:
    report = till.sync.sync_once()
    assert report.errors == [SyncError(SyncStage.LEDGER, code, seq)], report.errors


def test_an_intact_ledger_verifies_against_the_server(synced, capsys) -> None:
    t, _token = synced
    code, out = verify_cli(t, capsys)
    assert code == 0 and "matches the server's copy" in out, out


def test_edited_amount(synced, server, capsys) -> None:
    t, token = synced
    first = seqs(t, "redemption")[0]
    tamper(t, ("UPDATE ledger SET amount_cents = 99900 WHERE seq = ?", (first,)))
    code, out = verify_cli(t, capsys)
    assert code == 1 and f"entry {first}" in out, out
    sync_refused(t, "ledger_broken_on_till", first)
    assert server_alarm(server, token) == ("ledger_broken_on_till", first)


def test_middle_entry_deleted(synced, server, capsys) -> None:
    t, token = synced
    gone = seqs(t, "redemption_confirmed")[0]
    tamper(t, ("DELETE FROM ledger WHERE seq = ?", (gone,)))
    code, out = verify_cli(t, capsys)
    assert code == 1 and f"BROKEN at entry {gone}" in out, out
    sync_refused(t, "ledger_broken_on_till", gone)
    assert server_alarm(server, token) == ("ledger_broken_on_till", gone)


def test_tail_deleted_with_its_acknowledgements(synced, server, capsys) -> None:
    t, token = synced
    head = t.ledger.head()[0]
    tamper(t, ("DELETE FROM ledger WHERE seq >= ?", (head - 1,)), ("DELETE FROM ledger_acks", ()))
    assert t.ledger.verify().ok  # the file alone looks fine: only the server's copy shows the cut
    code, out = verify_cli(t, capsys)
    assert code == 1 and f"BROKEN at entry {head - 1}" in out and "acknowledged by the server" in out, out
    sync_refused(t, "ledger_head_regressed", head - 1)
    assert server_alarm(server, token) == ("ledger_head_regressed", head - 1)


def _append_forged(t: Till, with_outbox: bool) -> int:
    """A redemption and its confirmation, correctly chained after the head (and, by a more thorough forger, the
    outbox row the till writes with them)."""
    seq, prev = t.ledger.head()
    opening = t.entry(EntryKind.REDEMPTION, voucher="12345678901234567888", campaign_id="BOOST24",
                      amount_cents=1200, mode="online", idempotency_key="forged-key-0001").sealed(seq + 1, prev)
    confirmed = t.entry(EntryKind.REDEMPTION_CONFIRMED, voucher=opening.voucher, campaign_id="BOOST24",
                        amount_cents=1200, ref_seq=opening.seq,
                        data={"redemption_id": 987654, "redeemed_at": opening.ts_utc}).sealed(seq + 2, opening.hash)
    from pos_app.store.ledger import _INSERT, _entry_to_row

    sql = [(_INSERT, _entry_to_row(opening)), (_INSERT, _entry_to_row(confirmed))]
    if with_outbox:
        sql.append(("INSERT INTO outbox(idempotency_key, kind, serial, payload, created_utc, state, ledger_seq,"
                    " result) VALUES ('forged-key-0001', 'redeem', ?, '{}', ?, 'done', ?, ?)",
                    (opening.voucher, opening.ts_utc, opening.seq, json.dumps({"redemption_id": 987654}))))
    tamper(t, *sql)
    return opening.seq


def test_forged_entries_appended_correctly_chained(synced, server, capsys) -> None:
    t, token = synced
    forged = _append_forged(t, with_outbox=False)
    assert t.ledger.verify().ok  # the chain is intact
    code, out = verify_cli(t, capsys)
    assert code == 1 and f"BROKEN at entry {forged}" in out and "outbox" in out, out
    sync_refused(t, "ledger_broken_on_till", forged)
    assert server_alarm(server, token) == ("ledger_broken_on_till", forged)


def test_forged_entries_with_forged_outbox_rows_are_refused_by_the_server(synced, server, capsys) -> None:
    t, token = synced
    forged = _append_forged(t, with_outbox=True)
    code, out = verify_cli(t, capsys)  # the file is consistent: the server's rules catch it (nothing acknowledged)
    assert code == 1 and f"BROKEN at entry {forged + 1}" in out and "ledger_entry_unknown" in out, out
    sync_refused(t, "ledger_entry_unknown", forged + 1)
    assert server_alarm(server, token) == ("ledger_entry_unknown", forged + 1)


def test_amount_edited_and_whole_chain_recomputed(synced, server, capsys) -> None:
    t, token = synced
    entries = list(t.ledger.entries())
    first = seqs(t, "redemption")[0]
    sql, prev = [], entries[first - 2].hash
    for e in entries[first - 1:]:
        changed = replace(e, amount_cents=99900) if e.seq == first else e
        sealed = changed.sealed(e.seq, prev)
        sql.append(("UPDATE ledger SET amount_cents = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                    (sealed.amount_cents, sealed.prev_hash, sealed.hash, e.seq)))
        prev = sealed.hash
    tamper(t, *sql, ("DELETE FROM ledger_acks", ()))
    assert t.ledger.verify().ok  # a perfect chain, 999 € in it
    code, out = verify_cli(t, capsys)
    assert code == 1 and f"BROKEN at entry {first}" in out and "differs from the copy" in out, out
    sync_refused(t, "ledger_chain_broken", first)
    assert server_alarm(server, token) == ("ledger_chain_broken", first)


def test_sync_cli_exits_non_zero_when_the_server_refuses_the_head(synced, capsys) -> None:
    t, _token = synced
    head = t.ledger.head()[0]
    tamper(t, ("DELETE FROM ledger WHERE seq = ?", (head,)), ("DELETE FROM ledger_acks", ()))
    t.close()
    assert main(["--home", str(t.home), "sync"]) == 1
    assert "ledger:ledger_head_regressed" in capsys.readouterr().out
    reopened = Till.open(Path(t.home))
    reopened.close()


def test_a_server_that_lost_the_links_gets_the_chain_again_from_entry_1(synced, server) -> None:
    """The server's copy was reset (the operator's reset-till-ledger, a restored database): the till's acks say more
    than the server holds, so it sends its chain from the first entry and the head is acknowledged again."""
    t, token = synced
    server.reset_ledger(token)
    t.set_owner_policy(offline_allowed=True)  # one more entry (a configuration change)
    report = t.sync.sync_once()
    assert report.ok and report.head_acked == t.ledger.head()[0], report
    assert server_alarm(server, token) == (None, None)

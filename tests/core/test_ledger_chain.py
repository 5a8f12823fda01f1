"""The ledger's hash chain: any edited, deleted, inserted or reordered entry fails at the right seq."""

from __future__ import annotations

from dataclasses import fields, replace

from hypothesis import given, settings
from hypothesis import strategies as st

from voucher_core.ledger import GENESIS_HASH, EntryKind, LedgerEntry, verify_chain


def _entry(i: int) -> LedgerEntry:
    return LedgerEntry(seq=0, ts_utc=f"2026-11-23T14:{i % 60:02d}:00.000000Z", business_day="2026-11-23",
                       kind=EntryKind.REDEMPTION.value, till_id="T1", cashier="Léa", voucher=f"{i:012d}",
                       campaign_id="BOOST24", amount_cents=1200 + i, price_cents=0, topup_cents=0, mode="online",
                       idempotency_key=f"key-{i:08d}", ref_seq=None, data={"client_time": i, "note": "é"})


def chain(n: int) -> list[LedgerEntry]:
    out, prev = [], GENESIS_HASH
    for i in range(1, n + 1):
        sealed = _entry(i).sealed(i, prev)
        out.append(sealed)
        prev = sealed.hash
    return out


def _changed(value: object) -> object:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, dict):
        return {**value, "extra": 1}
    return "x"  # None -> something


FIELDS = [f.name for f in fields(LedgerEntry)]


def test_intact_chain_verifies() -> None:
    entries = chain(20)
    report = verify_chain(entries)
    assert report.ok and report.checked == 20 and report.head_seq == 20 and report.head_hash == entries[-1].hash
    assert verify_chain([]).ok and verify_chain([]).head_hash == GENESIS_HASH
    assert verify_chain(entries, acknowledged=(20, entries[-1].hash)).ok
    assert verify_chain(entries, acknowledged=(7, entries[6].hash)).ok


def test_canonical_form_is_sorted_compact_json_without_hash() -> None:
    e = chain(1)[0]
    text = e.canonical()
    assert '"hash"' not in text and ", " not in text and text.startswith('{"amount_cents":1201,')
    assert '"note":"é"' in text
    assert len(e.hash) == 64 and e.hash == e.computed_hash()


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 12), st.data())
def test_every_edited_field_fails_at_that_entry(n: int, data: st.DataObject) -> None:
    entries = chain(n)
    k = data.draw(st.integers(0, n - 1))
    for name in FIELDS:  # every field, the hash and prev_hash included
        edited = list(entries)
        edited[k] = replace(entries[k], **{name: _changed(getattr(entries[k], name))})
        report = verify_chain(edited)
        assert not report.ok, name
        assert report.bad_seq == k + 1, (name, report)
        assert report.checked == k and report.head_seq == k


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 12), st.data())
def test_a_resealed_edit_still_breaks_the_next_entry(n: int, data: st.DataObject) -> None:
    # An attacker who recomputes the edited entry's hash is caught by the entry after it.
    entries = chain(n)
    k = data.draw(st.integers(0, n - 2))
    forged = replace(entries[k], amount_cents=1).sealed(k + 1, entries[k].prev_hash)
    report = verify_chain([*entries[:k], forged, *entries[k + 1:]])
    assert not report.ok and report.bad_seq == k + 2


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 12), st.data())
def test_deleted_entry_fails_at_its_seq(n: int, data: st.DataObject) -> None:
    entries = chain(n)
    k = data.draw(st.integers(0, n - 2))  # not the last: see the tail test
    report = verify_chain(entries[:k] + entries[k + 1:])
    assert not report.ok and report.bad_seq == k + 1
    assert f"entry {k + 1}" in report.reason


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.data())
def test_inserted_entry_fails_where_it_was_inserted(n: int, data: st.DataObject) -> None:
    entries = chain(n)
    k = data.draw(st.integers(0, n))
    kind = data.draw(st.sampled_from(["copy", "resealed", "renumbered"]))
    if kind == "copy":  # a duplicate of an existing entry
        j = data.draw(st.integers(0, n - 1))
        intruder = entries[j]
        rest = entries[k:]
    elif kind == "resealed":  # a well-formed entry sealed after the previous one, without renumbering the rest
        prev = entries[k - 1].hash if k else GENESIS_HASH
        intruder = _entry(99).sealed(k + 1, prev)
        rest = entries[k:]
    else:  # a well-sealed entry, the following ones renumbered to make room
        prev = entries[k - 1].hash if k else GENESIS_HASH
        intruder = _entry(99).sealed(k + 1, prev)
        rest = [replace(e, seq=e.seq + 1) for e in entries[k:]]
    report = verify_chain([*entries[:k], intruder, *rest])
    if kind == "copy":
        # A copy put just before its original is indistinguishable from it: the original is then the intruder.
        assert not report.ok and report.bad_seq == (k + 2 if j == k else k + 1)
    elif k == n:
        # Appending a well-sealed entry at the end is a legitimate append: nothing to detect.
        assert report.ok
    else:
        assert not report.ok and report.bad_seq == k + 2  # the first original entry after the intruder


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 12), st.data())
def test_reordered_entries_fail_at_the_first_moved_one(n: int, data: st.DataObject) -> None:
    entries = chain(n)
    i = data.draw(st.integers(0, n - 2))
    j = data.draw(st.integers(i + 1, n - 1))
    swapped = list(entries)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    report = verify_chain(swapped)
    assert not report.ok and report.bad_seq == i + 1
    # Swapping contents but keeping the seq numbers in place is caught at the same entry.
    kept = list(entries)
    kept[i], kept[j] = replace(entries[j], seq=i + 1), replace(entries[i], seq=j + 1)
    report = verify_chain(kept)
    assert not report.ok and report.bad_seq == i + 1


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 12), st.data())
def test_deleted_tail_is_caught_with_an_acknowledged_head(n: int, data: st.DataObject) -> None:
    entries = chain(n)
    ack = data.draw(st.integers(1, n))
    keep = data.draw(st.integers(0, ack - 1))
    head = (ack, entries[ack - 1].hash)
    assert verify_chain(entries[:keep]).ok  # without the acknowledgement a shorter chain looks fine
    report = verify_chain(entries[:keep], acknowledged=head)
    assert not report.ok and report.bad_seq == keep + 1 and report.head_seq == keep
    # A chain rebuilt from the tail onwards differs from the acknowledged head.
    rebuilt = [*entries[:ack - 1], replace(entries[ack - 1], amount_cents=0).sealed(ack, entries[ack - 1].prev_hash)]
    report = verify_chain(rebuilt, acknowledged=head)
    assert not report.ok and report.bad_seq == ack

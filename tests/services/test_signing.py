"""The till's signing key (services/signing.py): made once, private, the one that signs its closings'
fingerprint and its archives."""

from __future__ import annotations

import stat

from pos_app.reports.archive import verify_archive
from pos_app.services.signing import KEY_FILENAME, canonical_json, fingerprint, load_or_create_key, public_key_raw

from .conftest import Clock, Shop, utc


def test_the_key_is_made_once_and_kept_private(shop: Shop) -> None:
    home = shop.till.home
    key = load_or_create_key(home)
    path = home / KEY_FILENAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert public_key_raw(load_or_create_key(home)) == public_key_raw(key)
    assert len(public_key_raw(key)) == 32


def test_closings_and_archives_name_the_same_key(shop: Shop, clock: Clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for code in shop.vouchers(2):
        shop.redeem(code)
    clock.now = utc(2026, 11, 23, 19, 0)
    books = shop.books()
    closing = books.close_day("2026-11-23")
    expected = fingerprint(public_key_raw(load_or_create_key(shop.till.home)))
    entry = next(e for e in shop.till.ledger.entries() if e.seq == closing.ledger_seq)
    assert entry.data["key_fingerprint"] == expected == books.key_fingerprint()
    books.export_archive("2026-11-23", "2026-11-23", tmp_path / "archive.zip")
    check = verify_archive(tmp_path / "archive.zip")
    assert check.ok, check.problems
    assert (check.key_fingerprint, check.entries) == (expected, closing.ledger_seq)
    export = next(e for e in shop.till.ledger.entries() if e.kind == "archive_export")
    assert export.seq == closing.ledger_seq + 1 and export.data["file"] == "archive.zip"


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": ["é", {"d": 2, "c": None}]}) == '{"a":["é",{"c":null,"d":2}],"b":1}'.encode()

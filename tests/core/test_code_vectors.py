"""The test vectors of docs/voucher-codes.md, checked against voucher_core.codes (the doc and the code agree)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from voucher_core import codes

DOC = Path(__file__).resolve().parents[2] / "docs" / "voucher-codes.md"

# The same vectors as the document, written out here: the doc cannot change without this test noticing.
SEEDS = {"K1": bytes(range(32)), "K2": bytes(range(32, 64))}
PUBLIC = {
    "K1": "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8",
    "K2": "29acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc9322966dd7",
}
SERIALS = {0: "000000000098", 1: "000000000195", 4269: "000000426995", 1234567890: "123456789092",
           9999999999: "999999999951"}
RANDOM = {0: "00000000000000000098", 123456789012345678: "12345678901234567888",
          907218465530291847: "90721846553029184781", 999999999999999999: "99999999999999999928"}
SIGNED = [
    ("K1", "VC1:BOOST24:K1:000000426995:H7E5OV3ZGHZJQH2XR7BQRAIHDN2YDQCOM22SM2IQ3QPWL7SLM5LTZFP4C6JMCYA7KD3ULWEFQ"
           "JRL44THPRQ3MMKD5GI757YKS6NRQBQ"),
    ("K2", "VC1:BOOST24:K2:000000426995:KAOYMJG62XI3WHN62QAXMWHX4QZKYVAH65OYLED5JDCVQTMNSBXK5YX5PHBBHO7VW3NPP55BS"
           "UAIWARP5QSGOM7EDUD3AH76KVIGQDY"),
    ("K1", "VC1:CCI2026:K1:123456789092:IZ5PSD5BHDYGY22AMNUFT5KBGTXKKHOEATLGR4AJX4HNHSWES7DXRURNK5GXAEXE2BRFNV7TT"
           "4LAW5ZVGIIKETOAPHLXFKSDH4RRSBQ"),
    ("K1", "VC1:ABCDEFGHIJKLMNOP:KEY00001:999999999951:4QUBWPKHZXDRX56Q2FAHRCQIDH3RH5HXDYPNOEUP7JL7Z5RSR5STCVWHX"
           "J5VCXK4L4JUDL35RQA6XNQFDIEXWHFR3NAWXLOOKZNZ6BA"),
    ("K1", "VC1:BOOST24:K1:90721846553029184781:7QIQGIJBXIBGSSRKFEUPFI5MRSPB43II4DT4PBPHQUS2ROETLXFWF5FRPWWOYRL5S6L6"
           "RKQNVJXLXUBUQWL23YOSATHZEOZFSTGIWDA"),
]


def _doc_block() -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"^## 4\. Test vectors.*?^```text\n(.*?)^```", text, re.S | re.M)
    assert match, "docs/voucher-codes.md lost its test-vector block"
    return [line.split(None, 2) for line in match.group(1).splitlines() if line.strip()]


def _private(kid: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(SEEDS[kid])


def _public_raw(kid: str) -> bytes:
    return _private(kid).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_doc_lists_exactly_the_vectors_of_this_test() -> None:
    rows = _doc_block()
    keys = {(kid, rest.split()[0]): rest.split()[1] for kind, kid, rest in rows if kind == "key"}
    assert keys == {**{(k, "seed"): v.hex() for k, v in SEEDS.items()}, **{(k, "public"): v for k, v in PUBLIC.items()}}
    assert {int(a): b.strip() for kind, a, b in rows if kind == "serial"} == SERIALS
    assert {int(a): b.strip() for kind, a, b in rows if kind == "random"} == RANDOM
    assert [(kid, payload.strip()) for kind, kid, payload in rows if kind == "signed"] == SIGNED


def test_public_keys_derive_from_seeds() -> None:
    for kid in SEEDS:
        assert _public_raw(kid).hex() == PUBLIC[kid]


@pytest.mark.parametrize(("number", "serial"), sorted(SERIALS.items()))
def test_serial_vectors(number: int, serial: str) -> None:
    assert codes.make_serial(number) == serial
    assert codes.is_valid_serial(serial)
    assert codes.parse_code(serial) == codes.SerialCode(serial)


@pytest.mark.parametrize(("body", "serial"), sorted(RANDOM.items()))
def test_random_serial_vectors(body: int, serial: str) -> None:
    assert codes.new_serial(lambda bound: body) == serial
    assert codes.is_valid_serial(serial) and codes.parse_code(serial) == codes.SerialCode(serial)


@pytest.mark.parametrize(("kid", "payload"), SIGNED)
def test_signed_vectors(kid: str, payload: str) -> None:
    _, campaign, key_id, serial, _ = payload.split(":")
    assert key_id == kid or key_id == "KEY00001"
    # Ed25519 is deterministic: signing again gives the same text, byte for byte.
    assert codes.sign_code(campaign, key_id, serial, _private(kid)) == payload
    parsed = codes.parse_code(payload)
    assert isinstance(parsed, codes.SignedCode)
    assert parsed.text == payload
    assert parsed.signed_bytes == f"VC1:{campaign}:{key_id}:{serial}".encode("ascii")
    assert codes.verify_signed(parsed, {key_id: _public_raw(kid)})
    other = "K2" if kid == "K1" else "K1"
    assert not codes.verify_signed(parsed, {key_id: _public_raw(other)})


def test_doc_parse_and_refusal_vectors() -> None:
    rows = _doc_block()
    parses = [(a, b) for kind, a, b in rows if kind == "parses"]
    refused = [(a, b.strip()) for kind, a, b in rows if kind == "refused"]
    assert len(parses) >= 6 and len(refused) >= 4
    for expected, given in parses:
        assert _text(codes.parse_code(given)) == expected, given
    for reason, given in refused:
        with pytest.raises(codes.CodeError) as info:
            codes.parse_code(given)
        assert info.value.reason == reason, given


def _text(code: codes.ParsedCode) -> str:
    return code.text if isinstance(code, codes.SignedCode) else code.serial


@pytest.mark.parametrize(("kid", "payload"), SIGNED)
def test_qr_is_alphanumeric_and_at_most_version_10_at_level_m(kid: str, payload: str) -> None:
    qr = segno.make(payload, error="m", micro=False, boost_error=False)
    assert qr.mode == "alphanumeric"
    assert qr.error == "M"
    assert qr.version <= 10
    # What the document states: version 6 at M, even for the longest payload (146 characters).
    assert qr.version == 6


def test_longest_payload_is_154_characters() -> None:
    assert max(len(p) for _, p in SIGNED) == 4 + 16 + 1 + 8 + 1 + 12 + 1 + 103 == 146
    longest = codes.sign_code("ABCDEFGHIJKLMNOP", "KEY00001", RANDOM[999999999999999999], _private("K1"))
    assert len(longest) == 154
    assert segno.make(longest, error="m", micro=False, boost_error=False).version == 6

"""Property tests of voucher codes: serial check digits, signed payloads, tolerant parsing, strict validity."""

from __future__ import annotations

import base64
import string

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voucher_core import codes
from voucher_core.codes import CodeError, SerialCode, SignedCode, parse_code, verify_signed

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32, 64)))


def _raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


PUB, OTHER_PUB = _raw(KEY), _raw(OTHER_KEY)
numbers = st.integers(min_value=0, max_value=10**10 - 1)
campaign_ids = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=16)
key_ids = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=8)
# What a US-layout scanner produces on an AZERTY till, for every character a code may hold.
_TO_AZERTY = {meant: typed for typed, meant in codes._US_ON_AZERTY.items()}


def scramble(text: str) -> str:
    return "".join(_TO_AZERTY.get(ch, ch) for ch in text)


# --- serials -----------------------------------------------------------------------------------------

@settings(deadline=None)  # no timing in tests: the machine is shared and loaded
@given(numbers)
def test_serial_is_12_digits_and_valid(number: int) -> None:
    serial = codes.make_serial(number)
    assert len(serial) == 12 and serial.isdigit()
    assert serial[:10] == f"{number:010d}"
    assert 2 <= int(serial[10:]) <= 98
    assert int(serial) % 97 == 1
    assert codes.is_valid_serial(serial)
    assert parse_code(serial) == SerialCode(serial)


@settings(deadline=None)  # no timing in tests: the machine is shared and loaded
@given(numbers)
def test_every_single_digit_substitution_is_detected(number: int) -> None:
    serial = codes.make_serial(number)
    for pos in range(12):  # exhaustive over positions and replacement digits
        for digit in string.digits:
            if digit == serial[pos]:
                continue
            typo = serial[:pos] + digit + serial[pos + 1:]
            assert not codes.is_valid_serial(typo), typo
            with pytest.raises(CodeError) as info:
                parse_code(typo)
            assert info.value.reason == "bad_check_digit"


@settings(deadline=None)  # no timing in tests: the machine is shared and loaded
@given(numbers)
def test_every_adjacent_transposition_is_detected(number: int) -> None:
    serial = codes.make_serial(number)
    for pos in range(11):
        if serial[pos] == serial[pos + 1]:
            continue  # swapping equal digits changes nothing
        swapped = serial[:pos] + serial[pos + 1] + serial[pos] + serial[pos + 2:]
        assert not codes.is_valid_serial(swapped), swapped
        with pytest.raises(CodeError) as info:
            parse_code(swapped)
        assert info.value.reason == "bad_check_digit"


@settings(deadline=None)  # no timing in tests: the machine is shared and loaded
@given(numbers, st.integers(0, 11), st.characters(codec="utf-8"))
def test_substitution_by_any_character_never_gives_another_voucher(number: int, pos: int, ch: str) -> None:
    serial = codes.make_serial(number)
    typo = serial[:pos] + ch + serial[pos + 1:]
    try:
        parsed = parse_code(typo)
    except CodeError:
        return
    # Only a harmless spelling of the same voucher may parse (e.g. "0" -> "0").
    assert parsed == SerialCode(serial)


@settings(deadline=None)  # no timing in tests: the machine is shared and loaded
@given(numbers, st.integers(0, 11))
def test_deleted_or_doubled_digit_is_refused(number: int, pos: int) -> None:
    serial = codes.make_serial(number)
    with pytest.raises(CodeError) as info:
        parse_code(serial[:pos] + serial[pos + 1:])
    assert info.value.reason == "too_short"
    with pytest.raises(CodeError) as info:  # 13 digits: on the way to a 20-digit serial
        parse_code(serial[:pos] + serial[pos] + serial[pos:])
    assert info.value.reason == "too_short"


def test_unissued_check_digits_are_refused() -> None:
    # 00, 01 and 99 also satisfy "mod 97 == 1" for some bodies; make_serial never writes them.
    seen = set()
    for number in range(2000):
        body = f"{number:010d}"
        for alt in ("00", "01", "99"):
            if int(body + alt) % 97 == 1:
                seen.add(alt)
                assert not codes.is_valid_serial(body + alt)
                assert codes.serial_problem(body + alt).reason == "bad_check_digit"
    assert seen == {"00", "01", "99"}


def test_serial_problem_reasons() -> None:
    assert codes.serial_problem("").reason == "empty"
    assert codes.serial_problem("12a").reason == "not_digits"
    assert codes.serial_problem("١٢٣٤٥٦٧٨٩٠١٢").reason == "not_digits"  # non-ASCII digits
    problem = codes.serial_problem("0000 0042 69")
    assert problem.reason == "too_short" and "10 chiffre" in str(problem) and "2 sur un ancien" in str(problem)
    assert codes.serial_problem("0000000426995").reason == "too_short"  # 13 digits: a 20-digit one being typed
    assert codes.serial_problem("0" * 21).reason == "too_long"
    assert codes.serial_problem("0000-0042-6995") is None
    with pytest.raises(ValueError):
        codes.make_serial(10**10)
    with pytest.raises(ValueError):
        codes.make_serial(-1)
    with pytest.raises(ValueError):
        codes.check_digits("12a")


# --- signed payloads ---------------------------------------------------------------------------------

signed_inputs = st.tuples(campaign_ids, key_ids, numbers)


def _signed(campaign: str, kid: str, number: int, key: Ed25519PrivateKey = KEY) -> str:
    return codes.sign_code(campaign, kid, codes.make_serial(number), key)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(signed_inputs)
def test_signed_code_round_trips_and_verifies(args: tuple[str, str, int]) -> None:
    campaign, kid, number = args
    text = _signed(campaign, kid, number)
    code = parse_code(text)
    assert isinstance(code, SignedCode)
    assert (code.campaign_id, code.key_id, code.serial) == (campaign, kid, codes.make_serial(number))
    assert code.text == text
    assert verify_signed(code, {kid: PUB})


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(signed_inputs)
def test_flipping_any_bit_of_the_signature_never_verifies(args: tuple[str, str, int]) -> None:
    campaign, kid, number = args
    code = parse_code(_signed(campaign, kid, number))
    for bit in range(512):  # exhaustive over the signature's bits
        sig = bytearray(code.signature)
        sig[bit // 8] ^= 1 << (bit % 8)
        forged = SignedCode(code.campaign_id, code.key_id, code.serial, bytes(sig))
        assert not verify_signed(forged, {kid: PUB})
        # Through the printed text too: it parses (well-formed) but never verifies.
        assert not verify_signed(parse_code(forged.text), {kid: PUB})


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(signed_inputs, campaign_ids, key_ids, numbers)
def test_changing_campaign_key_id_or_serial_never_verifies(
        args: tuple[str, str, int], campaign2: str, kid2: str, number2: int) -> None:
    campaign, kid, number = args
    code = parse_code(_signed(campaign, kid, number))
    keys = {kid: PUB, kid2: PUB}  # even when the other key id names the very same key
    if campaign2 != campaign:
        assert not verify_signed(SignedCode(campaign2, kid, code.serial, code.signature), keys)
    if kid2 != kid:
        assert not verify_signed(SignedCode(campaign, kid2, code.serial, code.signature), keys)
    if number2 != number:
        assert not verify_signed(SignedCode(campaign, kid, codes.make_serial(number2), code.signature), keys)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(signed_inputs)
def test_wrong_key_unknown_key_id_or_bad_key_bytes_never_verify(args: tuple[str, str, int]) -> None:
    campaign, kid, number = args
    code = parse_code(_signed(campaign, kid, number))
    assert not verify_signed(code, {kid: OTHER_PUB})
    assert not verify_signed(code, {})
    assert not verify_signed(code, {kid + "X" if len(kid) < 8 else "Z": PUB})
    assert not verify_signed(code, {kid: PUB[:31]})  # a truncated key is refused, not a crash
    # Signed by another key but naming this key id: a forgery.
    assert not verify_signed(parse_code(_signed(campaign, kid, number, OTHER_KEY)), {kid: PUB})


def test_every_character_substitution_of_a_signed_payload_is_refused_or_unverifiable() -> None:
    text = _signed("BOOST24", "K1", 4269)
    keys = {"K1": PUB, "K2": PUB}
    alphabet = string.ascii_uppercase + string.digits + ":"
    for pos in range(len(text)):  # exhaustive: every position, every character of the QR alphabet
        for ch in alphabet:
            if ch == text[pos]:
                continue
            altered = text[:pos] + ch + text[pos + 1:]
            try:
                code = parse_code(altered)
            except CodeError:
                continue
            assert isinstance(code, SignedCode)
            assert not verify_signed(code, keys), altered


def test_non_canonical_last_signature_character_is_refused() -> None:
    text = _signed("BOOST24", "K1", 4269)
    sig = text.rsplit(":", 1)[1]
    assert sig[-1] in "AIQY"  # three unused low bits, all zero
    for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567":
        if ch == sig[-1]:
            continue
        altered = text[:-1] + ch
        if base64.b32decode(altered.rsplit(":", 1)[1] + "=") == base64.b32decode(sig + "="):
            # Same bytes for a lenient decoder: that is exactly the spelling we must refuse.
            with pytest.raises(CodeError):
                parse_code(altered)


def test_sign_code_refuses_text_outside_the_code_alphabet() -> None:
    serial = codes.make_serial(1)
    for campaign, kid, ser in [("boost", "K1", serial), ("B:X", "K1", serial), ("B", "", serial),
                               ("B" * 17, "K1", serial), ("B", "K" * 9, serial), ("B", "K1", "000000000001")]:
        with pytest.raises(ValueError):
            codes.sign_code(campaign, kid, ser, KEY)


@pytest.mark.parametrize("text", [
    "", "   ", "VC1", "VC1:A:B:C", "VC2:BOOST24:K1:000000426995:" + "A" * 103,
    "VC1:BOOST24:K1:000000426995:" + "A" * 102, "VC1:BOOST24:K1:000000426995:" + "1" * 103,
    "VC1:BOOST-24:K1:000000426995:" + "A" * 103, "VC1::K1:000000426995:" + "A" * 103,
    "VC1:BOOST24:K1:000000426959:" + "A" * 103, "hello", "12", "x" * 513, "]C0",
])
def test_malformed_inputs_raise_code_error(text: str) -> None:
    with pytest.raises(CodeError) as info:
        parse_code(text)
    assert info.value.reason in {"empty", "too_long", "malformed", "bad_check_digit", "too_short", "not_digits"}


def test_non_text_is_malformed() -> None:
    with pytest.raises(CodeError):
        parse_code(None)  # type: ignore[arg-type]
    with pytest.raises(CodeError):
        parse_code(b"000000426995")  # type: ignore[arg-type]


# --- tolerant parsing --------------------------------------------------------------------------------

AIM = st.sampled_from(["]C0", "]C1", "]Q1", "]Q3", "]E0", "]I0", "]d2", "]e0"])
padding = st.text(alphabet=" \t\r\n", max_size=3)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(numbers, AIM, padding, padding)
def test_aim_prefix_and_whitespace_give_the_same_serial(number: int, aim: str, before: str, after: str) -> None:
    serial = codes.make_serial(number)
    assert parse_code(before + aim + serial + after) == SerialCode(serial)
    assert parse_code(f"{serial[:4]} {serial[4:8]} {serial[8:]}") == SerialCode(serial)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(signed_inputs, AIM, padding, st.booleans())
def test_aim_prefix_case_and_whitespace_give_the_same_signed_code(
        args: tuple[str, str, int], aim: str, after: str, lower: bool) -> None:
    text = _signed(*args)
    given_text = aim + (text.lower() if lower else text) + after
    code = parse_code(given_text)
    assert code.text == text
    assert verify_signed(code, {args[1]: PUB})


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(numbers, st.one_of(st.just(""), AIM))
def test_us_scanner_on_azerty_serial_parses_to_the_same_code(number: int, aim: str) -> None:
    serial = codes.make_serial(number)
    typed = scramble(aim + serial)
    assert not any(ch.isdigit() for ch in typed if ch.isascii())
    assert parse_code(typed) == SerialCode(serial)
    assert parse_code(typed + "\r\n") == SerialCode(serial)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(signed_inputs, st.one_of(st.just(""), AIM))
def test_us_scanner_on_azerty_signed_code_parses_to_the_same_code(args: tuple[str, str, int], aim: str) -> None:
    text = _signed(*args)
    code = parse_code(scramble(aim + text))
    assert code.text == text
    assert verify_signed(code, {args[1]: PUB})


def test_known_scrambles() -> None:
    assert parse_code("àààààà'é-çç(") == SerialCode("000000426995")
    assert codes.unscramble_us_on_azerty("&é\"'(-è_çà") == "1234567890"


@settings(deadline=None)  # no timing in tests: the machine is shared and loaded
@given(numbers)
def test_mixed_scrambled_and_real_digits_are_not_repaired(number: int) -> None:
    serial = codes.make_serial(number)
    half = scramble(serial[:6]) + serial[6:]
    with pytest.raises(CodeError):
        parse_code(half)


def test_serial_of() -> None:
    text = _signed("BOOST24", "K1", 4269)
    assert codes.serial_of(text) == codes.serial_of("000000426995") == "000000426995"

"""Property tests of the 20-digit random serials: check digits catch every single wrong digit and every adjacent
swap, grouping and tolerant parsing, and the numbers really are drawn at random (no sequence)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voucher_core import codes
from voucher_core.codes import CodeError, SerialCode, parse_code

bodies = st.integers(min_value=0, max_value=10**codes.RANDOM_DIGITS - 1)


def _serial(body: int) -> str:
    return codes.new_serial(lambda bound: body)


@settings(deadline=None)  # no timing in tests: the machine is shared and loaded
@given(bodies)
def test_a_new_serial_is_20_digits_with_iso_7064_check_digits(body: int) -> None:
    serial = _serial(body)
    assert len(serial) == 20 and serial.isascii() and serial.isdigit()
    assert serial[:18] == f"{body:018d}" and 2 <= int(serial[18:]) <= 98 and int(serial) % 97 == 1
    assert codes.is_valid_serial(serial) and parse_code(serial) == SerialCode(serial)


@settings(deadline=None)
@given(bodies)
def test_every_single_wrong_digit_and_every_adjacent_swap_is_caught(body: int) -> None:
    serial = _serial(body)
    for pos in range(20):  # exhaustive over positions and replacement digits
        for digit in string.digits.replace(serial[pos], ""):
            typo = serial[:pos] + digit + serial[pos + 1:]
            with pytest.raises(CodeError) as info:
                parse_code(typo)
            assert info.value.reason == "bad_check_digit", typo
    for pos in range(19):
        if serial[pos] != serial[pos + 1]:
            swapped = serial[:pos] + serial[pos + 1] + serial[pos] + serial[pos + 2:]
            assert not codes.is_valid_serial(swapped), swapped


def test_the_swap_luhn_misses_is_caught() -> None:
    # Luhn accepts 09 <-> 90; ISO 7064 MOD 97-10 does not.
    serial = _serial(90_0000_0000_0000_0000)
    assert serial.startswith("90")
    assert not codes.is_valid_serial("09" + serial[2:])


@settings(deadline=None)
@given(bodies, st.sampled_from([" ", "-", ".", "  ", " - "]))
def test_shown_in_groups_of_4_and_typed_with_any_separator(body: int, sep: str) -> None:
    serial = _serial(body)
    shown = codes.format_serial(serial)
    assert shown.split(" ") == [serial[i:i + 4] for i in range(0, 20, 4)]
    assert parse_code(shown) == SerialCode(serial)
    assert parse_code(sep.join(shown.split(" "))) == SerialCode(serial)
    assert codes.format_serial(codes.make_serial(4269)) == "0000 0042 6995"  # old vouchers group the same way


@settings(deadline=None)
@given(bodies)
def test_a_us_scanner_on_an_azerty_till_still_reads_it(body: int) -> None:
    serial = _serial(body)
    scrambled = "".join("&é\"'(-è_çà"["1234567890".index(d)] for d in serial)
    assert parse_code(scrambled) == SerialCode(serial)
    assert parse_code("]C0" + serial) == SerialCode(serial)


@settings(deadline=None)
@given(bodies, st.integers(0, 19))
def test_a_missing_or_extra_digit_says_so(body: int, pos: int) -> None:
    serial = _serial(body)
    assert codes.serial_problem(serial[:pos] + serial[pos + 1:]).reason == "too_short"
    assert codes.serial_problem(serial[:pos] + serial[pos] + serial[pos:]).reason == "too_long"
    assert "1 chiffre" in str(codes.serial_problem(serial[:-1]))


def test_signed_payloads_carry_new_serials() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    serial = _serial(123_456_789_012_345_678)
    code = parse_code(codes.sign_code("BOOST24", "K1", serial, key))
    assert isinstance(code, codes.SignedCode) and code.serial == serial


def test_serials_are_drawn_at_random() -> None:
    """10 000 fresh serials: all distinct, and the bodies are spread like uniform draws (not a sequence): each
    digit position holds every digit about 1 000 times (a chi-square far below what any sequence gives)."""
    serials = [codes.new_serial() for _ in range(10_000)]
    assert len(set(serials)) == len(serials)
    for pos in range(codes.RANDOM_DIGITS):
        counts = [0] * 10
        for s in serials:
            counts[int(s[pos])] += 1
        chi2 = sum((c - 1000) ** 2 / 1000 for c in counts)
        assert chi2 < 45, (pos, counts)  # 9 degrees of freedom: p < 1e-6 of failing by chance

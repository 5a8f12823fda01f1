"""The cashier types a voucher number: 20 digits today, 12 on vouchers printed before; every length in between
is "still typing", and only a complete number that fails its check digits (or too many digits) is an error."""

from __future__ import annotations

import pytest

from pos_app.scanning.manual import EntryState, check_typed
from voucher_core.codes import format_serial, is_valid_serial, make_serial, new_serial

OLD = make_serial(31337)  # a printed 12-digit voucher
# A 20-digit number whose first 12 digits do not check (most of them), and one whose first 12 happen to.
NEW = new_serial(lambda _: 402_719_355_810_664_291)
NEW_ON_OLD = new_serial(lambda _: int(OLD + "123456"))


def one_digit_wrong(serial: str, at: int) -> str:
    return serial[:at] + str((int(serial[at]) + 1) % 10) + serial[at + 1:]


def test_the_numbers_are_what_the_test_says() -> None:
    assert len(NEW) == 20 and is_valid_serial(NEW) and not is_valid_serial(NEW[:12])
    assert is_valid_serial(NEW_ON_OLD) and NEW_ON_OLD[:12] == OLD and is_valid_serial(OLD)


@pytest.mark.parametrize("typed", [NEW, format_serial(NEW), NEW.replace("", " ").strip(), OLD, format_serial(OLD)])
def test_complete_numbers_that_check_are_valid(typed: str) -> None:
    st = check_typed(typed)
    assert st.state is EntryState.VALID and st.serial == typed.replace(" ", "") and st.reason == ""


def test_typing_a_20_digit_number_digit_by_digit() -> None:
    seen = []
    for n in range(1, 21):
        st = check_typed(format_serial(NEW[:n]))
        seen.append(st.state)
        if n < 20:
            assert st.state is EntryState.INCOMPLETE and st.reason == "too_short", n
            assert st.missing == 20 - n and st.missing_legacy == max(0, 12 - n), n
    assert seen[11] is EntryState.INCOMPLETE  # 12 digits that do not check: not an error, 8 to go
    assert seen[-1] is EntryState.VALID


def test_an_old_number_is_valid_at_12_and_typing_goes_on_to_20() -> None:
    assert check_typed(NEW_ON_OLD[:12]).state is EntryState.VALID
    st = check_typed(NEW_ON_OLD[:13])
    assert st.state is EntryState.INCOMPLETE and st.missing == 7 and st.missing_legacy == 0
    assert check_typed(NEW_ON_OLD).state is EntryState.VALID


@pytest.mark.parametrize("at", [0, 7, 12, 19])
def test_a_complete_20_digit_number_with_a_wrong_digit_is_invalid(at: int) -> None:
    st = check_typed(one_digit_wrong(NEW, at))
    assert st.state is EntryState.INVALID and st.reason == "bad_check_digit"


def test_two_swapped_digits_are_invalid() -> None:
    i = next(i for i in range(19) if NEW[i] != NEW[i + 1])
    swapped = NEW[:i] + NEW[i + 1] + NEW[i] + NEW[i + 2:]
    assert check_typed(swapped).state is EntryState.INVALID


def test_an_old_number_with_a_wrong_digit_is_still_being_typed() -> None:
    st = check_typed(one_digit_wrong(OLD, 3))  # 12 digits that do not check: could be a 20-digit number's start
    assert st.state is EntryState.INCOMPLETE and st.missing == 8


@pytest.mark.parametrize(("typed", "reason"), [(NEW + "1", "too_long"), (NEW + "00000", "too_long"),
                                               (NEW[:10] + "x", "not_digits"), ("", "empty")])
def test_too_long_and_not_digits(typed: str, reason: str) -> None:
    st = check_typed(typed)
    assert st.reason == reason
    assert st.state is (EntryState.EMPTY if reason == "empty" else EntryState.INVALID)

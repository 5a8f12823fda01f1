"""Money parsing/formatting, campaign validity on Paris days, the lifecycle, `judge` order and verdict messages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voucher_core import timeutil
from voucher_core.campaigns import Activity, Campaign, TransitionError, Validity, VoucherState, next_state
from voucher_core.money import MAX_CENTS, NBSP, NNBSP, MoneyError, format_cents, format_plain, parse_cents
from voucher_core.verdicts import Mode, Verdict, VerdictDetail, judge

# --- money -------------------------------------------------------------------------------------------

cents = st.integers(min_value=0, max_value=MAX_CENTS)


@settings(deadline=None)  # no timing in tests: the machine is shared and loaded
@given(cents, st.sampled_from(["fr", "en"]))
def test_format_then_parse_round_trips(amount: int, lang: str) -> None:
    assert parse_cents(format_cents(amount, lang)) == amount


@settings(deadline=None)  # no timing in tests: the machine is shared and loaded
@given(cents)
def test_plain_and_simple_forms_round_trip(amount: int) -> None:
    assert parse_cents(format_plain(amount)) == amount
    units, frac = divmod(amount, 100)
    assert parse_cents(f"{units}.{frac:02d}") == amount
    assert parse_cents(f"{units},{frac:02d} €") == amount


def test_formats() -> None:
    assert format_cents(1200) == f"12,00{NBSP}€"
    assert format_cents(123456) == f"1{NNBSP}234,56{NBSP}€"
    assert format_cents(123456, "en") == "€1,234.56"
    assert format_cents(-5) == f"-0,05{NBSP}€"
    assert format_plain(123456) == "1234,56"
    with pytest.raises(TypeError):
        format_cents(True)
    with pytest.raises(TypeError):
        format_cents(12.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 1200), ("12,5", 1250), ("12,50 €", 1250), ("12.50", 1250), ("1 234,56", 123456),
    ("€12.50", 1250), (" 12,50€ ", 1250), ("1\u202f234,56\u00a0€", 123456), ("€1,234.56", 123456),
    ("1.234,56", 123456), ("12€50", 1250), ("0,05", 5), ("12 EUR", 1200), ("+12", 1200), ("12,", 1200),
    ("1'234.50", 123450), ("0", 0),
])
def test_parse_accepts_what_a_cashier_types(text: str, expected: int) -> None:
    assert parse_cents(text) == expected


@pytest.mark.parametrize(("text", "code"), [
    ("-12", "negative"), ("−12", "negative"), ("-12,50 €", "negative"), ("€-12", "negative"),
    ("12,345", "too_precise"), ("12.505", "too_precise"), ("1,234", "too_precise"),
    ("", "empty"), ("   ", "empty"), ("€", "empty"),
    ("abc", "not_an_amount"), ("12 50", "not_an_amount"), ("1,234,56", "not_an_amount"), ("12..5", "not_an_amount"),
    ("1e3", "not_an_amount"), ("0x10", "not_an_amount"), ("١٢", "not_an_amount"), ("douze", "not_an_amount"),
    ("12,5,0", "not_an_amount"), ("nan", "not_an_amount"),
    ("100000001", "too_large"), ("9" * 5000, "too_large"),
])
def test_parse_refuses_with_a_stable_code(text: str, code: str) -> None:
    with pytest.raises(MoneyError) as info:
        parse_cents(text)
    assert info.value.code == code
    assert str(info.value)  # a French message for the cashier


def test_parse_refuses_non_text() -> None:
    with pytest.raises(MoneyError) as info:
        parse_cents(12)  # type: ignore[arg-type]
    assert info.value.code == "not_text"


@settings(deadline=None)  # no timing in tests: the machine is shared and loaded
@given(st.text(max_size=20))
def test_parse_either_returns_cents_or_raises_money_error(text: str) -> None:
    try:
        value = parse_cents(text)
    except MoneyError as exc:
        assert exc.code in {"not_text", "empty", "negative", "too_precise", "not_an_amount", "too_large"}
    else:
        assert isinstance(value, int) and 0 <= value <= MAX_CENTS


# --- campaigns ---------------------------------------------------------------------------------------

def _campaign(**kw) -> Campaign:
    args = dict(id="BOOST24", name="Chèques Booster", face_value_cents=1200, sale_price_cents=1000,
                valid_from=date(2026, 11, 14), valid_until=date(2027, 2, 28), merchant_ids=frozenset({"M1"}))
    args.update(kw)
    return Campaign(**args)


def _utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


def test_topup_and_campaign_checks() -> None:
    assert _campaign().topup_cents == 200
    for bad in ({"face_value_cents": 0}, {"sale_price_cents": -1}, {"sale_price_cents": 1300},
                {"valid_until": date(2026, 11, 13)}):
        with pytest.raises(ValueError):
            _campaign(**bad)
    assert _campaign().accepts_merchant("M1") and not _campaign().accepts_merchant("M2")


@pytest.mark.parametrize(("moment", "expected"), [
    # Winter: Paris is UTC+1. 00:30 Paris on the first day is 23:30 UTC the day before: already valid.
    (_utc(2026, 11, 13, 22, 59, 59), Validity.NOT_YET_VALID),
    (_utc(2026, 11, 13, 23, 0, 0), Validity.VALID),
    (_utc(2026, 11, 13, 23, 30), Validity.VALID),
    # The last day counts in full: 23:30 and 23:59:59 Paris on 28 February are valid...
    (_utc(2027, 2, 28, 22, 30), Validity.VALID),
    (_utc(2027, 2, 28, 22, 59, 59, 999999), Validity.VALID),
    # ...and 00:30 Paris on 1 March is expired although UTC still says 28 February.
    (_utc(2027, 2, 28, 23, 0, 0), Validity.EXPIRED),
    (_utc(2027, 2, 28, 23, 30), Validity.EXPIRED),
])
def test_validity_is_judged_on_the_paris_day(moment: datetime, expected: Validity) -> None:
    assert _campaign().validity(moment) is expected


def test_validity_in_summer_time_and_across_dst() -> None:
    summer = _campaign(valid_from=date(2026, 6, 1), valid_until=date(2026, 7, 31))
    assert summer.validity(_utc(2026, 7, 31, 21, 59, 59)) is Validity.VALID  # 23:59:59 Paris (UTC+2)
    assert summer.validity(_utc(2026, 7, 31, 22, 0)) is Validity.EXPIRED  # 00:00 Paris on 1 August
    assert summer.validity(_utc(2026, 5, 31, 22, 0)) is Validity.VALID
    # A campaign ending on the day clocks go back (25-hour day): valid to its last Paris minute.
    dst = _campaign(valid_from=date(2026, 10, 1), valid_until=date(2026, 10, 25))
    start, end = timeutil.day_bounds_utc(date(2026, 10, 25))
    assert end - start == timedelta(hours=25)
    assert dst.validity(end - timedelta(microseconds=1)) is Validity.VALID
    assert dst.validity(end) is Validity.EXPIRED


def test_validity_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        _campaign().validity(datetime(2026, 12, 1, 12, 0))


def test_time_helpers() -> None:
    moment = _utc(2026, 11, 23, 14, 5, 9, 123456)
    text = timeutil.to_utc_text(moment)
    assert text == "2026-11-23T14:05:09.123456Z"
    assert timeutil.parse_utc_text(text) == moment
    assert timeutil.parse_utc_text("2026-11-23T15:05:09.123456+01:00") == moment
    assert timeutil.paris_text(moment) == "23/11/2026 15:05"
    with pytest.raises(ValueError):
        timeutil.to_utc_text(datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        timeutil.parse_utc_text("2026-11-23T14:05:09")
    spring = timeutil.day_bounds_utc(date(2026, 3, 29))
    assert spring[1] - spring[0] == timedelta(hours=23)


# --- lifecycle ---------------------------------------------------------------------------------------

S, A = VoucherState, Activity
ALLOWED = {
    (None, A.ISSUE): S.ISSUED,
    (S.ISSUED, A.ACTIVATE): S.ACTIVE,
    (S.ACTIVE, A.SALE_VOID): S.ISSUED,
    (S.ACTIVE, A.REDEEM): S.REDEEMED,
    (S.REDEEMED, A.VOID): S.ACTIVE,
    (S.ISSUED, A.BLOCK): S.BLOCKED,
    (S.ACTIVE, A.BLOCK): S.BLOCKED,
}


@pytest.mark.parametrize("state", [None, *VoucherState])
@pytest.mark.parametrize("activity", [a for a in Activity if a is not Activity.UNBLOCK])
def test_every_transition_is_allowed_or_refused(state: VoucherState | None, activity: Activity) -> None:
    if (state, activity) in ALLOWED:
        assert next_state(state, activity) is ALLOWED[(state, activity)]
    else:
        with pytest.raises(TransitionError):
            next_state(state, activity)


def test_unblock_returns_to_the_state_before_the_block() -> None:
    assert next_state(S.BLOCKED, A.UNBLOCK, S.ACTIVE) is S.ACTIVE
    assert next_state(S.BLOCKED, A.UNBLOCK, S.ISSUED) is S.ISSUED
    for state, before in [(S.BLOCKED, None), (S.BLOCKED, S.BLOCKED), (S.BLOCKED, S.REDEEMED), (S.ACTIVE, S.ACTIVE)]:
        with pytest.raises(TransitionError):
            next_state(state, A.UNBLOCK, before)


def test_the_design_path() -> None:
    state = None
    for activity in (A.ISSUE, A.ACTIVATE, A.REDEEM, A.VOID, A.REDEEM):
        state = next_state(state, activity)
    assert state is S.REDEEMED
    with pytest.raises(TransitionError):
        next_state(state, A.REDEEM)  # used once, for its full value


# --- judge and verdicts ------------------------------------------------------------------------------

NOW = _utc(2026, 12, 1, 12, 0)


def test_judge_order() -> None:
    camp = _campaign()
    expired = _campaign(valid_from=date(2026, 1, 1), valid_until=date(2026, 1, 31))
    future = _campaign(valid_from=date(2027, 1, 1), valid_until=date(2027, 1, 31))
    assert judge(None, camp, "M1", NOW) is Verdict.UNKNOWN
    assert judge(S.ACTIVE, None, "M1", NOW) is Verdict.UNKNOWN
    # Blocked wins over everything else that is known.
    assert judge(S.BLOCKED, expired, "M9", NOW) is Verdict.BLOCKED
    assert judge(S.ISSUED, expired, "M9", NOW) is Verdict.NOT_ACTIVATED
    assert judge(S.REDEEMED, expired, "M9", NOW) is Verdict.ALREADY_REDEEMED
    assert judge(S.ACTIVE, expired, "M9", NOW) is Verdict.NOT_ACCEPTED_HERE
    assert judge(S.ACTIVE, expired, "M1", NOW) is Verdict.EXPIRED
    assert judge(S.ACTIVE, future, "M1", NOW) is Verdict.NOT_YET_VALID
    assert judge(S.ACTIVE, camp, "M1", NOW) is Verdict.ACCEPTED


def test_detail_carries_facts_not_words() -> None:
    done = VerdictDetail(Verdict.ALREADY_REDEEMED, Mode.ONLINE, redeemed_at=NOW, redeemed_by="Boulangerie")
    ok = VerdictDetail(Verdict.ACCEPTED, Mode.OFFLINE, amount_cents=1200)
    assert ok.accepted and ok.reason is None and dict(ok.reason_data) == {}
    assert not done.accepted

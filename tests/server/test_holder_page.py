"""A voucher's public page (/v/<code>): its own value, dates and state; one answer for every code that does not
name a voucher; a bucket per address. On SQLite and PostgreSQL, through the real app."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest

from voucher_core.codes import check_digits, new_serial, page_url
from voucher_core.timeutil import business_day, utc_now

from .conftest import Api

P = "/api/v1"


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    a = Api(db_url, public_burst=1000.0)
    yield a
    a.close()


def valid_until(api: Api, campaign_id: str) -> date:
    """The campaign's last day as the seed made it (relative to the day the test runs)."""
    from voucher_server.db import Database
    from voucher_server.models import Campaign

    db = Database(api.db_url)
    try:
        with db.reading() as s:
            camp = s.get(Campaign, campaign_id)
            assert camp is not None
            return camp.valid_until
    finally:
        db.dispose()


def page(api: Api, code: str, **params: str) -> tuple[int, str]:
    r = api.client.get(f"/v/{code}", params=params)
    assert r.headers["referrer-policy"] == "no-referrer"  # the URL holds the code
    assert "script" not in r.text.lower()
    return r.status_code, r.text


def test_an_active_voucher_shows_its_value_and_end_and_nothing_else(api: Api) -> None:
    vouchers = api.vouchers("active")
    v = vouchers[0]
    end = valid_until(api, "BOOST24")
    for asked in (v["code"], v["serial"], page_url("https://bons.example.fr", v["code"]).rsplit("/", 1)[1]):
        status, html = page(api, asked)
        assert status == 200, html
        assert 'data-state="valid"' in html and "Valable" in html
        assert 'data-value="1200"' in html and "12,00\u00a0€" in html
        assert f'data-until="{end.isoformat()}"' in html and f"{end:%d/%m/%Y}" in html
        assert v["serial"][-4:] in html and v["serial"] not in html  # the end of its number only
        assert not any(o["serial"][-8:] in html for o in vouchers[1:])
        assert "/p/BOOST24/shops" in html
    # As the upper-case QR spells it, and in English.
    r = api.client.get(page_url("http://testserver", v["code"]).replace("HTTP://TESTSERVER", ""),
                       params={"lang": "en"})
    assert r.status_code == 200 and "Worth today" in r.text and "€12.00" in r.text and 'lang="en"' in r.text


def test_a_used_voucher_says_when_and_where(api: Api) -> None:
    v = api.vouchers("active")[1]
    r = api.client.post(f"{P}/vouchers/{v['code']}/redeem", headers=api.h(api.token()),
                        json={"idempotency_key": "holder-page-redeem-1"})
    assert r.status_code == 200, r.text
    status, html = page(api, v["serial"])
    assert status == 200 and 'data-state="used"' in html
    assert "Boulangerie Martin" in html and re.search(r"Utilisé le \d\d/\d\d/\d{4} \d\d:\d\d", html)
    assert "data-value" not in html  # no value left to spend


def test_expired_blocked_and_unsold_vouchers(api: Api) -> None:
    from voucher_server import admin
    from voucher_server.db import Database

    expired = api.vouchers("active", "PRINTEMPS")[0]
    status, html = page(api, expired["code"])
    assert status == 200 and 'data-state="expired"' in html
    assert f"{valid_until(api, 'PRINTEMPS'):%d/%m/%Y}" in html
    unsold = api.vouchers("issued")[0]
    assert 'data-state="not_activated"' in page(api, unsold["serial"])[1]
    blocked = api.vouchers("active")[2]
    db = Database(api.db_url)
    with db.writing() as s:
        admin.set_blocked(s, blocked["serial"], True)
    db.dispose()
    status, html = page(api, blocked["code"])
    assert status == 200 and 'data-state="blocked"' in html and "data-value" not in html


def test_the_value_after_the_top_up(api: Api) -> None:
    from sqlalchemy import update

    from voucher_server.db import Database
    from voucher_server.models import Campaign

    today = business_day(utc_now())
    db = Database(api.db_url)
    with db.writing() as s:
        s.execute(update(Campaign).where(Campaign.id == "BOOST24").values(topup_until=today))
    db.dispose()
    api.app.state.ctx.campaigns._at = -1e9  # reload now rather than in 2 s
    html = page(api, api.vouchers("active")[3]["code"])[1]
    assert 'data-value="1200"' in html
    assert f"Jusqu&#39;au {today:%d/%m/%Y} il vaut 12,00\u00a0€" in html and "10,00\u00a0€" in html


def _forged(code: str) -> str:
    head, sig = code.rsplit(":", 1)
    return f"{head}:{'A' if sig[10] != 'A' else 'B'}{sig[1:10]}{sig[0]}{sig[11:]}"


def test_every_code_that_names_no_voucher_gets_the_same_answer(api: Api) -> None:
    v = api.vouchers("active")[4]
    other_campaign = api.vouchers("active", "PRINTEMPS")[1]
    body = v["serial"][:-2]
    wrong_check = body + f"{(int(check_digits(body)) + 1) % 100:02d}"
    unknown = new_serial()
    sig = v["code"].rsplit(":", 1)[1]
    answers = {page(api, c) for c in (
        wrong_check, unknown, _forged(v["code"]),
        other_campaign["code"].replace("PRINTEMPS", "BOOST24"),  # a real signature of another campaign's text
        f"VC1:BOOST24:K1:{unknown}:{sig}",  # a real signature over another serial
        "000000426995",  # a 12-digit serial: a sequence number, never enough for a page
        "bonjour", "x" * 600)}
    assert len(answers) == 1
    status, html = answers.pop()
    assert status == 404 and "Bon introuvable" in html


def test_pages_are_rate_limited_per_address(db_url: str) -> None:
    a = Api(db_url, public_burst=3.0, public_rate=0.001)
    try:
        code = a.vouchers("active")[0]["code"]
        assert [a.client.get(f"/v/{code}").status_code for _ in range(3)] == [200, 200, 200]
        r = a.client.get(f"/v/{new_serial()}")
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0 and "Trop de demandes" in r.text
        assert a.client.get(f"/v/{code}").status_code == 429  # a guesser's bucket is its own, good codes too
        # The tills' API is not behind that bucket.
        assert a.client.get(f"{P}/vouchers/{code}", headers=a.h(a.token())).status_code == 200
    finally:
        a.close()


def test_the_language_follows_the_phone_unless_the_holder_chose(api: Api) -> None:
    code = api.vouchers("active")[5]["code"]
    en = api.client.get(f"/v/{code}", headers={"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"}).text
    assert 'lang="en"' in en and "Worth today" in en and 'href="?lang=fr"' in en
    fr = api.client.get(f"/v/{code}", headers={"Accept-Language": "de-DE,fr;q=0.8,en;q=0.7"}).text
    assert 'lang="fr"' in fr and "Vaut aujourd" in fr and 'href="?lang=en"' in fr
    chosen = api.client.get(f"/v/{code}", params={"lang": "fr"}, headers={"Accept-Language": "en"}).text
    assert 'lang="fr"' in chosen
    assert 'lang="fr"' in api.client.get(f"/v/{code}", headers={"Accept-Language": "de"}).text
    unknown = api.client.get("/v/bonjour", headers={"Accept-Language": "en"})
    assert unknown.status_code == 404 and "Voucher not found" in unknown.text


def test_one_bucket_per_ipv4_address_and_per_ipv6_64() -> None:
    from voucher_server.public.web import address_key
    from voucher_server.services.lookups import AddressBuckets

    assert address_key("203.0.113.7") == "203.0.113.7"
    assert address_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:ffff:1:2:3") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    b = AddressBuckets(rate=1.0, burst=2.0)
    key = address_key("2001:db8:1:2::1")
    assert [b.take(key, now=0.0), b.take(address_key("2001:db8:1:2::99"), now=0.0)] == [None, None]
    assert b.take(address_key("2001:db8:1:2:dead::beef"), now=0.0) == 1.0  # the same /64: wait a second
    assert b.take(address_key("198.51.100.1"), now=0.0) is None  # another client is not slowed down
    assert b.take(key, now=1.0) is None  # refilled at the rate

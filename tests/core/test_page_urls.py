"""The QR of a voucher printed since public pages carries its page's URL; parse_code takes the code back out, so
tills read new and old vouchers alike."""

from __future__ import annotations

import pytest
import segno

from voucher_core import codes

SIGNED = ("VC1:BOOST24:K1:90721846553029184781:7QIQGIJBXIBGSSRKFEUPFI5MRSPB43II4DT4PBPHQUS2ROETLXFWF5FRPWWOYRL5S6L6"
          "RKQNVJXLXUBUQWL23YOSATHZEOZFSTGIWDA")


@pytest.mark.parametrize("text", [
    f"https://bons.example.fr/v/{SIGNED}",
    f"HTTPS://BONS.EXAMPLE.FR/V/{SIGNED}",
    f"https://bons.example.fr/cheques/v/{SIGNED}/",
    f"http://127.0.0.1:8000/v/{SIGNED.replace(':', '%3A')}",
    f"]Q1https://bons.example.fr/v/{SIGNED.lower()}",
    codes.page_url("https://bons.example.fr/", SIGNED),
])
def test_a_page_url_gives_the_signed_code(text: str) -> None:
    parsed = codes.parse_code(text)
    assert isinstance(parsed, codes.SignedCode)
    assert parsed.text == SIGNED


def test_a_page_url_with_a_serial_gives_the_serial() -> None:
    assert codes.parse_code("https://bons.example.fr/v/90721846553029184781") == \
        codes.SerialCode("90721846553029184781")


@pytest.mark.parametrize("text,reason", [
    (f"https://bons.example.fr/v/{SIGNED[:-1]}R", "malformed"),  # non-canonical signature text, still refused
    ("https://bons.example.fr/v/90721846553029184782", "bad_check_digit"),
    (f"https://bons.example.fr/w/{SIGNED}", "malformed"),  # not a voucher page
    (f"ftp://bons.example.fr/v/{SIGNED}", "malformed"),
    (f"https://bons.example.fr/v/{SIGNED}?x=1", "malformed"),
])
def test_a_url_is_no_shortcut_past_the_checks(text: str, reason: str) -> None:
    with pytest.raises(codes.CodeError) as err:
        codes.parse_code(text)
    assert err.value.reason == reason


def test_the_printed_url_stays_a_small_alphanumeric_qr() -> None:
    url = codes.page_url("https://bons.example.fr", SIGNED)
    assert url == f"HTTPS://BONS.EXAMPLE.FR/V/{SIGNED}"
    qr = segno.make(url, error="m", micro=False, boost_error=False)
    assert qr.mode == "alphanumeric"
    assert qr.version <= 10  # what docs/voucher-codes.md requires of the printed QR
    # A path after the host keeps its case (a web server may care): byte mode, still within version 10.
    with_path = codes.page_url("https://www.example.fr/Bons", SIGNED)
    assert with_path == f"https://www.example.fr/Bons/v/{SIGNED}"
    assert segno.make(with_path, error="m", micro=False, boost_error=False).version <= 10


def test_a_page_url_typed_by_a_us_layout_scanner_on_an_azerty_till() -> None:
    url = codes.page_url("https://bons.example.fr", SIGNED)
    us_keys_on_azerty = {v: k for k, v in codes._US_ON_AZERTY.items() if k != "$"}
    scrambled = "".join(us_keys_on_azerty.get(ch, ch) for ch in url)
    assert scrambled.startswith("HTTPSM!!BONS:EXQ?PLE:FR!V!VC&M")
    parsed = codes.parse_code(scrambled)
    assert isinstance(parsed, codes.SignedCode) and parsed.text == SIGNED

"""Fast checks of the console's words and input rules (no browser, no server)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from voucher_core.campaigns import Activity as Kind
from voucher_core.campaigns import VoucherState
from voucher_server.console.audit import AuditAction
from voucher_server.console.i18n import TEXTS, Lang, translator
from voucher_server.console.models import OperatorRole
from voucher_server.console.validation import FieldError, clean_cents, clean_iban, clean_siret

TEMPLATES = Path(__file__).resolve().parents[2] / "voucher_server" / "console" / "templates"


def test_every_word_in_both_languages() -> None:
    used = set()
    for page in TEMPLATES.glob("*.html"):
        # Keys built in the template ("a_" ~ action) end with "_": their ends are checked below.
        used |= {k for k in re.findall(r"""\bt\(["']([a-z0-9_]+)["']""", page.read_text(encoding="utf-8"))
                 if not k.endswith("_")}
    used |= {f"a_{a.value}" for a in AuditAction} | {f"st_{s.value}" for s in VoucherState}
    used |= {f"k_{k.value}" for k in Kind} | {f"role_{r.value}" for r in OperatorRole}
    assert not used - set(TEXTS), "missing words"
    assert all(fr and en for fr, en in TEXTS.values())
    assert translator(Lang.EN)("err_iban_length", country="FR") == "Wrong length for a FR IBAN."


def test_siret_luhn_and_la_poste() -> None:
    assert clean_siret("siret", "732 829 320 00074") == "73282932000074"
    assert clean_siret("siret", "") == ""
    assert clean_siret("siret", "35600000000048") == "35600000000048"  # La Poste's head office: Luhn
    assert clean_siret("siret", "35600000012341") == "35600000012341"  # an office of La Poste: digit sum / 5
    for bad, key in (("73282932000075", "err_siret_check"), ("7328293200007", "err_siret_format"),
                     ("35600000012342", "err_siret_check")):
        with pytest.raises(FieldError) as err:
            clean_siret("siret", bad)
        assert err.value.key == key


def test_iban_mod_97() -> None:
    assert clean_iban("iban", "fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert clean_iban("iban", "DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    for bad, key in (("FR76 3000 6000 0112 3456 7890 188", "err_iban_check"),
                     ("FR76 3000 6000 0112 3456 7890 18", "err_iban_length"), ("12345", "err_iban_format")):
        with pytest.raises(FieldError) as err:
            clean_iban("iban", bad)
        assert err.value.key == key


@pytest.mark.parametrize(("typed", "key"), [("12,00", "err_cents_not_euros"), ("12.5", "err_cents_not_euros"),
                                            ("12 €", "err_cents_not_euros"), ("-100", "err_negative"),
                                            ("12", "err_cents_too_small"), ("douze", "err_cents_format"),
                                            ("", "err_required")])
def test_face_value_in_cents_only(typed: str, key: str) -> None:
    with pytest.raises(FieldError) as err:
        clean_cents("face_value_cents", typed, minimum=100)
    assert err.value.key == key


def test_cents_accepted() -> None:
    assert clean_cents("face_value_cents", " 1 200 ", minimum=100) == 1200
    assert clean_cents("sale_price_cents", "0") == 0

"""Every code an exception or a use case of the till can give has words, in French and in English: a new code
without its line in ``pos_app/ui/words.py`` (and its French in fill_fr.py) fails here."""

from __future__ import annotations

from enum import StrEnum

from pos_app.api.errors import ClientCode
from pos_app.api.tokens import TokenProblem
from pos_app.api.urls import UrlProblem
from pos_app.services.books import BooksProblem
from pos_app.services.policy import OfflineRefusal
from pos_app.services.till import ConfigProblem
from pos_app.store.db import StoreProblem
from pos_app.ui import i18n, words
from voucher_core.claims import ClaimRefusal
from voucher_core.verdicts import Verdict

CODE_SETS: list[type[StrEnum]] = [ClientCode, UrlProblem, TokenProblem, BooksProblem, ConfigProblem, OfflineRefusal,
                                  ClaimRefusal, Verdict, StoreProblem]


def _codes() -> list[str]:
    return [code.value for codes in CODE_SETS for code in codes]


def test_every_code_has_words() -> None:
    assert [code for code in _codes() if not words.known(code)] == []


def test_every_code_is_said_in_french_and_in_english(qapp) -> None:
    previous = words.lang()
    try:
        i18n.install_language("en")
        english = {code: words.say(code) for code in _codes()}
        i18n.install_language("fr")
        french = {code: words.say(code) for code in _codes()}
    finally:
        i18n.install_language(previous)
    assert [code for code in _codes() if french[code] == english[code] or not english[code]] == []


def test_an_exception_is_said_with_its_facts(qapp) -> None:
    from datetime import date

    from pos_app.services.books import BooksError

    previous = words.lang()
    try:
        i18n.install_language("fr")
        refused = BooksError(BooksProblem.EARLIER_OPEN, "close the earlier days first",
                             days=[date(2026, 11, 2), date(2026, 11, 3)])
        said = words.say_error(refused)
    finally:
        i18n.install_language(previous)
    assert said == "clôturez d'abord les journées précédentes : 02/11/2026, 03/11/2026"

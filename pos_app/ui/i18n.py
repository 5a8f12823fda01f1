"""Qt Linguist translations: English source strings, French first. Switching swaps the QTranslator;
widgets get a LanguageChange event and retranslate themselves (no restart)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from .resources import resources_dir

log = logging.getLogger(__name__)
LANGS = ("fr", "en")
_installed: list[QTranslator] = []


def load_translator(lang: str) -> QTranslator | None:
    """Our translation for ``lang`` without a running application (the headless commands), the default locale
    set to it; None for English (the source language) or when the .qm file is missing."""
    if lang not in LANGS or lang == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English))
        return None
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    translator = QTranslator()
    qm = resources_dir() / "translations" / f"{lang}.qm"
    if translator.load(str(qm)):
        return translator
    log.warning("translation %s missing (run python -m pos_app.i18n_build)", qm)
    return None


def install_language(lang: str) -> bool:
    """Install ``lang`` (fr or en) on the running app; True when a translation was loaded (en needs none)."""
    app = QCoreApplication.instance()
    if app is None:
        return False
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    if lang not in LANGS or lang == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English))
        return True
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    ok = True
    ours = QTranslator(app)
    qm = resources_dir() / "translations" / f"{lang}.qm"
    if ours.load(str(qm)):
        app.installTranslator(ours)
        _installed.append(ours)
    else:
        log.warning("translation %s missing (run python -m pos_app.i18n_build)", qm)
        ok = False
    qt = QTranslator(app)  # Qt's own dialogs (print, file) in French too
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    return ok

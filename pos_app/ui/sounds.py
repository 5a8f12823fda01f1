"""Accepted / refused sounds. QtMultimedia or an audio device may be missing: the app runs silently then."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QUrl

from .resources import resources_dir

log = logging.getLogger(__name__)


class Sounds(QObject):
    """``play("accepted" | "refused" | "warning")``; failures are logged once and then ignored."""

    def __init__(self, enabled: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self.available = False
        self.played: list[str] = []  # what was asked for (tests check the right sound was chosen)
        self._effects: dict[str, Any] = {}
        self._warned = False
        self._loaded = False

    def load(self) -> None:
        """Load QtMultimedia and the WAV files (deferred after the window shows: it costs start-up time)."""
        if self._loaded or not self.enabled:
            return
        self._loaded = True
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError as exc:  # QtMultimedia not shipped or its libraries missing
            self._warn(f"QtMultimedia indisponible, sons coupés : {exc}")
            return
        try:
            for name in ("accepted", "refused", "warning"):
                effect = QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(resources_dir() / "sounds" / f"{name}.wav")))
                effect.setVolume(0.8)
                self._effects[name] = effect
            self.available = True
        except Exception as exc:
            self._warn(f"son indisponible : {exc}")

    def _warn(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            log.warning(message)

    def play(self, name: str) -> None:
        self.played.append(name)
        self.load()
        effect = self._effects.get(name)
        if effect is None:
            return
        try:
            effect.play()
        except Exception as exc:
            self._warn(f"lecture du son impossible : {exc}")

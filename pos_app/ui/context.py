"""What every screen shares: the till, its books, the worker pool, the sounds and the language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pos_app.store.settings import UiSetting

from .sounds import Sounds
from .workers import WorkerRunner


@dataclass
class AppContext:
    till: Any
    books: Any
    runner: WorkerRunner
    sounds: Sounds
    lang: str = "fr"
    demo: bool = False

    @property
    def auto_redeem(self) -> bool:
        return bool(self.till.settings.get(UiSetting.AUTO_REDEEM, False))

    @property
    def void_window_s(self) -> int:
        """The operator's void window, shortened by the owner's setting when smaller."""
        server = int(self.till.identity.void_window_s)
        owner = self.till.settings.get(UiSetting.VOID_WINDOW_S)
        return min(server, int(owner)) if owner not in (None, "", 0) else server

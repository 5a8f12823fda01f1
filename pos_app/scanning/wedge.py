"""Keyboard-wedge (USB) scanner detection: a pure state machine, no Qt.

A scanner "types" its code much faster than a person (a few ms per key) and ends it with Enter or Tab.
Feed every printable key with :meth:`WedgeDetector.key` and the terminator with :meth:`WedgeDetector.end`;
the detector tells the caller whether to hold the key back (it may be part of a scan), to let held keys go
(it was typing) or that a scan completed. Timing only, no content rule: the caller parses the text
(``voucher_core.codes.parse_code`` undoes US-on-AZERTY).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class WedgeAction(Enum):
    HOLD = "hold"        # keep the key back: it may belong to a scan burst
    RELEASE = "release"  # not a scan: replay ``keys`` (held keys, then this one) as typing
    PASS = "pass"        # nothing held; let this key through untouched
    SCAN = "scan"        # a scan completed: ``text``; swallow the terminator


@dataclass
class WedgeResult:
    action: WedgeAction
    text: str = ""
    keys: list[str] = field(default_factory=list)


class WedgeDetector:
    """Tells scanner bursts from human typing by inter-key gaps.

    ``max_gap_ms``: largest gap between two keys of a burst; ``min_len``: shorter bursts are ignored
    (released as typing); ``max_len`` bounds the buffer.
    """

    def __init__(self, max_gap_ms: float = 30.0, min_len: int = 3, max_len: int = 512) -> None:
        self.max_gap_ms = max_gap_ms
        self.min_len = min_len
        self.max_len = max_len
        self._buf: list[str] = []
        self._last_ms: float | None = None
        self._typing = False  # the current run of keys is human typing: pass keys until a pause

    @property
    def holding(self) -> bool:
        """True while keys are held back waiting to know whether they are a scan."""
        return bool(self._buf)

    def key(self, char: str, t_ms: float) -> WedgeResult:
        """A printable key arrived at ``t_ms``."""
        gap = None if self._last_ms is None else t_ms - self._last_ms
        self._last_ms = t_ms
        fast = gap is not None and gap <= self.max_gap_ms
        if self._typing and fast:
            # a person typing fast for one keystroke does not become a scanner mid-word
            return WedgeResult(WedgeAction.PASS, keys=[char])
        if self._buf and not fast:
            # the held keys were typing after all: release them; this key may start a new burst
            held = self._buf
            self._buf = [char]
            self._typing = False
            return WedgeResult(WedgeAction.RELEASE, keys=held)
        self._typing = False
        self._buf.append(char)
        if len(self._buf) > self.max_len:
            held, self._buf = self._buf, []
            self._typing = True
            return WedgeResult(WedgeAction.RELEASE, keys=held)
        return WedgeResult(WedgeAction.HOLD)

    def end(self, t_ms: float) -> WedgeResult:
        """Enter or Tab arrived at ``t_ms``: a scan if a fast enough, long enough burst is held."""
        gap = None if self._last_ms is None else t_ms - self._last_ms
        self._last_ms = None
        held, self._buf = self._buf, []
        self._typing = False
        if len(held) >= self.min_len and gap is not None and gap <= self.max_gap_ms:
            return WedgeResult(WedgeAction.SCAN, text="".join(held))
        if held:
            return WedgeResult(WedgeAction.RELEASE, keys=held)  # caller replays them, then the terminator
        return WedgeResult(WedgeAction.PASS)

    def timeout(self, t_ms: float) -> WedgeResult:
        """Called by the caller's timer: held keys older than ``max_gap_ms`` were typing; release them."""
        if self._buf and self._last_ms is not None and t_ms - self._last_ms > self.max_gap_ms:
            held, self._buf = self._buf, []
            self._typing = len(held) == 1
            return WedgeResult(WedgeAction.RELEASE, keys=held)
        return WedgeResult(WedgeAction.PASS)

"""Debounce: one scan event per voucher held in view (Electrum's validator idea, made time-aware).

A code is *present* while it is read in some frame not older than ``absent_s`` (a few missed decodes of a
code still in view do not count as leaving). An event fires when a code appears; it fires again for the
same text only after it left the view, or after ``pause_s`` of continuous presence (a cashier who keeps
the voucher up on purpose). Two different vouchers in a row give two events.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class _Seen:
    first_ms: float
    last_ms: float
    fired_ms: float


class Debouncer:
    """Feed it every decoded frame with :meth:`feed`; it returns the texts that make a new scan event."""

    def __init__(self, pause_s: float = 3.0, absent_s: float = 0.6, confirm_frames: int = 1) -> None:
        # confirm_frames > 1 asks for the same text in that many frames before firing (extra guard against
        # phantom reads); 1 is enough with zxing-cpp's checksums and costs no latency.
        self.pause_ms = pause_s * 1000.0
        self.absent_ms = absent_s * 1000.0
        self.confirm_frames = max(1, confirm_frames)
        self._present: dict[str, _Seen] = {}
        self._pending: dict[str, int] = {}

    def feed(self, texts: list[str] | tuple[str, ...] | set[str], t_ms: float) -> list[str]:
        """Texts read in the frame taken at ``t_ms``; returns those that are new scan events, in order."""
        events: list[str] = []
        # forget codes not seen for absent_ms: they left the view
        for text in [k for k, s in self._present.items() if t_ms - s.last_ms > self.absent_ms]:
            del self._present[text]
        for text in [k for k in self._pending if k not in texts]:
            del self._pending[text]
        for text in dict.fromkeys(texts):
            seen = self._present.get(text)
            if seen is None:
                count = self._pending.get(text, 0) + 1
                if count < self.confirm_frames:
                    self._pending[text] = count
                    continue
                self._pending.pop(text, None)
                self._present[text] = _Seen(t_ms, t_ms, t_ms)
                events.append(text)
                continue
            seen.last_ms = t_ms
            if self.pause_ms > 0 and t_ms - seen.fired_ms >= self.pause_ms:
                seen.fired_ms = t_ms
                events.append(text)
        return events

    def hold(self, texts: list[str] | tuple[str, ...] | set[str], t_ms: float) -> None:
        """A frame not to act on (two vouchers in view): codes already present stay present, so the one acted on
        before the other came is not scanned again once the other leaves; nothing new is taken in."""
        for text in dict.fromkeys(texts):
            seen = self._present.get(text)
            if seen is not None and t_ms - seen.last_ms <= self.absent_ms:
                seen.last_ms = t_ms
        self._pending.clear()

    def reset(self) -> None:
        """Forget everything (e.g. after the camera changed)."""
        self._present.clear()
        self._pending.clear()

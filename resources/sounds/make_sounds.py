"""Generate the accepted/refused beeps (run once; the WAV files are committed)."""

import math
import struct
import wave
from pathlib import Path

RATE = 22050


def tone(notes: list[tuple[float, float]], path: Path, volume: float = 0.5) -> None:
    frames = bytearray()
    for freq, secs in notes:
        n = int(RATE * secs)
        for i in range(n):
            env = min(1.0, i / 200, (n - i) / 400)  # short fade in/out: no clicks
            frames += struct.pack("<h", int(32767 * volume * env * math.sin(2 * math.pi * freq * i / RATE)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(frames))


if __name__ == "__main__":
    here = Path(__file__).parent
    tone([(880, 0.09), (1320, 0.14)], here / "accepted.wav")  # rising, bright
    tone([(330, 0.18), (0.001, 0.05), (220, 0.30)], here / "refused.wav")  # falling, low
    tone([(660, 0.12), (660, 0.12)], here / "warning.wav")

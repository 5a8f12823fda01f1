"""The shared barcode photo sets (zxing-cpp's test samples): which image expects which text.

Used by the tests and bench/decode.py; no decoding here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".pgm", ".tif", ".tiff"}


@dataclass(frozen=True)
class Sample:
    path: Path
    set_name: str
    expected: bytes | None  # None: must decode nothing (falsepositives-*)

    @property
    def symbology(self) -> str:
        return self.set_name.rsplit("-", 1)[0]

    def matches(self, text: str) -> bool:
        """True when a decoded text is this sample's expected content."""
        if self.expected is None:
            return False
        return text.encode("utf-8") == self.expected or text.encode("latin-1", "replace") == self.expected


def sample_sets(root: Path) -> list[str]:
    """Names of the sets under ``root`` (folders like qrcode-2)."""
    return sorted(p.name for p in root.iterdir() if p.is_dir() and "-" in p.name)


def iter_samples(root: Path, set_name: str) -> Iterator[Sample]:
    """The images of one set that have an expected result (or all images of a falsepositives set)."""
    folder = root / set_name
    negative = set_name.startswith("falsepositives")
    for img in sorted(folder.iterdir()):
        if img.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        if negative:
            yield Sample(img, set_name, None)
            continue
        txt, binf = img.with_suffix(".txt"), img.with_suffix(".bin")
        if txt.exists():
            yield Sample(img, set_name, txt.read_bytes())
        elif binf.exists():
            yield Sample(img, set_name, binf.read_bytes())
        # else: e.g. qrcode-7 structured-append parts, whose text no single image holds

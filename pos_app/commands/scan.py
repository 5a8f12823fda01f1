"""``pos-app decode``: decode barcode images or videos, one JSON line each (image) or per scan event (video)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

VIDEO_SUFFIXES = {".avi", ".mp4", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("decode", help="decode barcodes in images or videos, one JSON line each")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.set_defaults(func=decode)


def _codes(codes) -> list[dict[str, str]]:
    return [{"text": c.text, "symbology": c.symbology} for c in codes]


def decode(args: argparse.Namespace) -> int:
    """Print one JSON line per image (or per scan event of a video); exit 1 if a file could not be read."""
    from pos_app.scanning.decoders import decode_image, load_image
    from pos_app.scanning.scanner import scan_video

    status = 0
    for path in args.files:
        name = str(path)
        if path.suffix.lower() in VIDEO_SUFFIXES:
            try:
                for ev in scan_video(path):
                    print(json.dumps({"file": name, "frame": ev.frame_index, "t_ms": round(ev.t_ms, 1),
                                      "codes": [{"text": ev.text, "symbology": ev.symbology}]},
                                     ensure_ascii=False), flush=True)
            except ValueError as exc:
                print(json.dumps({"file": name, "error": str(exc)}, ensure_ascii=False), flush=True)
                status = 1
            continue
        try:
            img = load_image(path)
        except (ValueError, OSError) as exc:
            print(json.dumps({"file": name, "codes": [], "error": str(exc)}, ensure_ascii=False), flush=True)
            status = 1
            continue
        t0 = time.perf_counter()
        codes = decode_image(img)
        ms = (time.perf_counter() - t0) * 1000.0
        print(json.dumps({"file": name, "codes": _codes(codes), "ms": round(ms, 2)}, ensure_ascii=False), flush=True)
    sys.stdout.flush()
    return status

"""Decoding benchmark: prints figures (no assertion). Run: .venv/bin/python bench/decode.py [--quick]

1. Real photos (../shared/samples/barcodes): per family, the files read with the exact text of their .txt (every
   file that has one), wrong texts, and the 46 false-positive images that must stay silent; our ``decode_image``
   beside raw pyzbar.
2. Motion: a voucher waved in front of a webcam (pos_app.scanning.synth_motion: 12 frames per symbology and seed,
   QR, Code 128 and EAN-13, blur of 6-25 px in any direction 0-180 degrees, whole frame or card only, sensor noise,
   then MJPEG at quality 70-90, on a cluttered counter), read by the live FramePipeline cold (no memory of the last
   frame). One table by angle band x symbology and one by blur length band x symbology, for the project's seeds
   (PROJECT_SEEDS, the ones tuned on) and then for the held-out seeds (HELD_OUT_SEEDS, never looked at while
   tuning: run here only, reported as they are). Wrong texts ("phantom reads") are counted in every table.
3. Silent frames: empty counters (plain, noisy, dark) and a printed card without a code moved across the counter;
   then the generated webcam-like stills (pos_app.scanning.synth: small, rotated, tilted, blurred, dark, glare,
   noisy, heavy JPEG) read by kind.
4. Speed: median ms per 720p frame with a code and per 720p frame with no code, for our pipeline and raw pyzbar
   timed interleaved in the same run (the machine's load average is printed beside them). "Cold" is a frame with
   no region-of-interest memory; "steady" the same frame again and again, as a still camera gives it.
5. Latency from the code being wholly in view to the scan event, through the real Scanner thread reading a 30 fps
   video in real time (as a camera).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pos_app.scanning import synth, synth_motion  # noqa: E402
from pos_app.scanning.capture import FrameSource  # noqa: E402
from pos_app.scanning.decoders import decode_image, load_image, to_gray  # noqa: E402
from pos_app.scanning.pipeline import FramePipeline  # noqa: E402
from pos_app.scanning.samples import iter_samples, sample_sets  # noqa: E402
from pos_app.scanning.scanner import Scanner  # noqa: E402
from voucher_core.codes import make_serial  # noqa: E402

SAMPLES = REPO.parent / "shared" / "samples" / "barcodes"
LENGTH_BANDS = ((6, 12), (12, 18), (18, 25))  # px; a band holds lo <= length < hi (the last one includes 25)
SYM_NAMES = {"QRCode": "QR", "Code128": "Code 128", "EAN13": "EAN-13"}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min) {five:.1f} (5 min) on {os.cpu_count()} cores"


def raw_pyzbar() -> tuple[Callable, list[int]]:
    """pyzbar exactly as a naive caller uses it (all symbologies, no guard): counts its ValueErrors."""
    from pyzbar import pyzbar

    orig = getattr(__import__("pos_app.scanning.decoders", fromlist=["x"]), "_ORIG_ORIENTATION", None)
    errors = [0]

    def decode(gray):
        saved = pyzbar.ZBarOrientation
        if orig is not None:
            pyzbar.ZBarOrientation = orig  # undo our guard for the raw measurement
        try:
            return [r.data.decode("utf-8", "replace") for r in pyzbar.decode(gray)]
        except ValueError:
            errors[0] += 1
            return []
        finally:
            pyzbar.ZBarOrientation = saved

    return decode, errors


def bench_samples() -> None:
    print("== Real photos:", SAMPLES)
    print("   per family: files read with the exact text of their .txt / files with a .txt; wrong: files where"
          " a text other than the expected one was read")
    raw, raw_errors = raw_pyzbar()
    decs = {"ours": lambda g: [c.text for c in decode_image(g)], "pyzbar(raw)": raw}
    fam: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))  # hits, n, wrong
    silent: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # images with a read, images
    ms: dict[str, list[float]] = defaultdict(list)
    wrong_files: list[str] = []
    for set_name in sample_sets(SAMPLES):
        for s in iter_samples(SAMPLES, set_name):
            if s.expected is not None and not s.path.with_suffix(".txt").exists():
                continue  # a .bin (binary content) is not a text to compare with
            try:
                gray = to_gray(load_image(s.path))
            except ValueError:
                gray = None
            for k, fn in decs.items():
                t0 = time.perf_counter()
                texts = fn(gray) if gray is not None else []
                ms[k].append((time.perf_counter() - t0) * 1000)
                if s.expected is None:
                    silent[k][0] += bool(texts)
                    silent[k][1] += 1
                    continue
                cell = fam[s.symbology][k]
                cell[0] += any(s.matches(t) for t in texts)
                cell[1] += 1
                wrong = [t for t in texts if not s.matches(t)]
                cell[2] += bool(wrong)
                if wrong and k == "ours":
                    wrong_files.append(f"{set_name}/{s.path.name}: read {wrong!r}"
                                       f"{' beside the right text' if len(wrong) < len(texts) else ''}")
    print(f"  {'family':12s} " + "  ".join(f"{k + ' hits':>16s} {'wrong':>6s}" for k in decs))
    tot = {k: [0, 0, 0] for k in decs}
    for sym in sorted(fam):
        cells = []
        for k in decs:
            h, n, w = fam[sym][k]
            tot[k] = [tot[k][0] + h, tot[k][1] + n, tot[k][2] + w]
            cells.append(f"{h:>10d}/{n:<5d} {w:>6d}")
        print(f"  {sym:12s} " + "  ".join(cells))
    print(f"  {'all':12s} " + "  ".join(f"{tot[k][0]:>10d}/{tot[k][1]:<5d} {tot[k][2]:>6d}" for k in decs))
    for k in decs:
        print(f"  {k}: false reads on the false-positive images {silent[k][0]}/{silent[k][1]};"
              f" median {statistics.median(ms[k]):.1f} ms, p95 {pct(ms[k], .95):.1f} ms per photo")
    for line in wrong_files:
        print(f"  ours, wrong text: {line}")
    print(f"  raw pyzbar ValueError (ZBarOrientation) on the photos: {raw_errors[0]}")


def _band(value: float, bands: tuple[tuple[int, int], ...]) -> int:
    for i, (lo, hi) in enumerate(bands):
        if lo <= value < hi:
            return i
    return len(bands) - 1


def bench_motion(seeds: tuple[int, ...], label: str) -> None:
    """The motion tables for one seed range: our pipeline cold, raw pyzbar beside it."""
    raw, _ = raw_pyzbar()
    pipe = FramePipeline()
    by_angle: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # hits, n, wrong
    by_length: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    totals = {"ours": [0, 0, 0], "pyzbar(raw)": [0, 0, 0]}
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for seed in seeds:
        for s in synth_motion.motion_scenes(synth_motion.motion_texts(12, make_serial), seed=seed):
            gray = to_gray(s.image)
            pipe.reset()
            found = [c.text for c in pipe.decode(gray)]
            hit, wrong = s.text in found, any(t != s.text for t in found)
            for table, band in ((by_angle, _band(s.angle, synth_motion.ANGLE_BANDS)),
                                (by_length, _band(s.length, LENGTH_BANDS))):
                cell = table[(band, s.symbology)]
                cell[0] += hit
                cell[1] += 1
                cell[2] += wrong
            kind = "whole frame" if s.whole_frame else "card only"
            kinds[kind][0] += hit
            kinds[kind][1] += 1
            for name, texts in (("ours", found), ("pyzbar(raw)", raw(gray))):
                totals[name][0] += s.text in texts
                totals[name][1] += 1
                totals[name][2] += any(t != s.text for t in texts)
    print(f"\n== Motion, {label} seeds {seeds[0]}-{seeds[-1]}: {totals['ours'][1]} frames (12 per symbology and"
          f" seed), our FramePipeline cold; cells: read/frames (wrong text)")

    def table(title: str, bands: tuple[tuple[int, int], ...], cells: dict, unit: str) -> None:
        syms = synth_motion.MOTION_SYMBOLOGIES
        print(f"  {title:14s} " + "".join(f"{SYM_NAMES[s]:>16s}" for s in syms))
        for i, (lo, hi) in enumerate(bands):
            row = "".join(f"{cells[(i, s)][0]:>9d}/{cells[(i, s)][1]:<3d}({cells[(i, s)][2]})" for s in syms)
            print(f"  {f'{lo}-{hi}{unit}':14s} {row}")

    table("angle (deg)", synth_motion.ANGLE_BANDS, by_angle, "")
    table("blur (px)", LENGTH_BANDS, by_length, "")
    for name, (h, n, w) in totals.items():
        print(f"  {name:12s} {h}/{n} read, phantom reads (wrong text) {w}")
    print("  " + ", ".join(f"{k} {h}/{n}" for k, (h, n) in sorted(kinds.items())))


def bench_silent() -> None:
    """Frames that must stay silent: empty counters (plain, noisy, dark) and a printed card moved across one."""
    raw, _ = raw_pyzbar()
    pipe = FramePipeline()
    sets = {"empty counter": [b.image for b in synth.blank_scenes(9, seed=117)],
            "moving clutter": synth_motion.blurred_clutter_scenes(9, seed=217)}
    print("\n== Silent frames (phantom reads must be 0)")
    for label, images in sets.items():
        ours = sum(bool(pipe.reset() or pipe.decode(img)) for img in images)
        zbar = sum(bool(raw(to_gray(img))) for img in images)
        print(f"  {label} ({len(images)} frames): ours {ours}, pyzbar(raw) {zbar}")


def webcam_texts() -> list[str]:
    return [f"VC1:DEMO:K1:{make_serial(1000 + i)}:" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 3 + "ABCDEFG"
            for i in range(4)] + [make_serial(5000 + i) for i in range(2)]


def bench_webcam() -> None:
    """The generated webcam-like still scenes (small, rotated, tilted, blurred, dark, glare, noisy, heavy JPEG)."""
    raw, _ = raw_pyzbar()
    pipe = FramePipeline()
    scenes = synth.webcam_scenes(webcam_texts(), seed=7)
    hits: dict[str, dict[str, int]] = {"ours": defaultdict(int), "pyzbar(raw)": defaultdict(int)}
    wrong = {"ours": 0, "pyzbar(raw)": 0}
    for s in scenes:
        pipe.reset()
        for name, texts in (("ours", [c.text for c in pipe.decode(s.image)]), ("pyzbar(raw)", raw(to_gray(s.image)))):
            hits[name][s.kind] += s.text in texts
            wrong[name] += any(t != s.text for t in texts)
    n = len(scenes) // len(synth.SCENE_KINDS)
    print(f"\n== Webcam-like 720p stills: {len(scenes)} frames ({n} codes x {len(synth.SCENE_KINDS)} kinds), cold")
    for name, by in hits.items():
        print(f"  {name:12s} {sum(by.values())}/{len(scenes)} read, wrong text {wrong[name]}: "
              + ", ".join(f"{k} {by[k]}/{n}" for k in synth.SCENE_KINDS))


def bench_speed(repeats: int) -> None:
    """Median ms per 720p frame, ours and raw pyzbar timed interleaved (each frame: ours, then pyzbar)."""
    raw, _ = raw_pyzbar()
    pipe = FramePipeline()
    with_code = [s.image for s in synth.webcam_scenes(webcam_texts(), seed=7)]
    with_code += [s.image for s in synth_motion.motion_scenes(synth_motion.motion_texts(12, make_serial), seed=1)]
    empty = [b.image for b in synth.blank_scenes(9, seed=100)]
    clutter = synth_motion.blurred_clutter_scenes(9, seed=200)
    print(f"\n== Speed per 720p frame ({load()} at the start), best of {repeats} per frame, ours and raw pyzbar"
          " interleaved")
    sets = (("with a code", with_code), ("no code: empty counter", empty),
            ("no code: a printed card without a code moved across", clutter), ("no code: both", empty + clutter))
    for label, images in sets:
        cold: dict[str, list[float]] = {"ours": [], "pyzbar(raw)": []}
        steady: list[float] = []
        for img in images:
            best = {"ours": float("inf"), "pyzbar(raw)": float("inf")}
            for _ in range(repeats):
                t0 = time.perf_counter()
                pipe.reset()
                pipe.decode(img)
                best["ours"] = min(best["ours"], (time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                raw(to_gray(img))
                best["pyzbar(raw)"] = min(best["pyzbar(raw)"], (time.perf_counter() - t0) * 1000)
            for k in cold:
                cold[k].append(best[k])
            pipe.reset()
            per_frame = []
            for _ in range(10):  # a still camera: the same frame again
                t0 = time.perf_counter()
                pipe.decode(img)
                per_frame.append((time.perf_counter() - t0) * 1000)
            steady.append(statistics.mean(per_frame[1:]))
        print(f"  {label} ({len(images)} frames): ours cold median {statistics.median(cold['ours']):.1f} ms"
              f" (p95 {pct(cold['ours'], .95):.1f}),"
              f" steady (mean of 9 repeats) median {statistics.median(steady):.1f} ms"
              f" | pyzbar(raw) median {statistics.median(cold['pyzbar(raw)']):.1f} ms"
              f" (p95 {pct(cold['pyzbar(raw)'], .95):.1f})")
    print(f"  ({load()} at the end)")


def bench_latency(n_vouchers: int) -> None:
    print(f"\n== Latency, code wholly in view -> scan event, Scanner thread on a real-time 30 fps video "
          f"({n_vouchers} vouchers)")
    texts = [f"VC1:DEMO:K1:{make_serial(7000 + i)}:" + "QRSTUVWXYZ234567ABCDEFGHIJKLMNOP" * 3 + "QRSTUVW"
             for i in range(n_vouchers)]
    with tempfile.TemporaryDirectory() as d:
        plan = synth.voucher_video(Path(d) / "lat.avi", texts, fps=30, slide_s=0.6, rest_s=1.0, gap_s=0.6, seed=11)
        src = FrameSource(plan.path, realtime=True)
        got: dict[str, tuple[float, int]] = {}
        done = threading.Event()

        def on_scan(ev):
            got.setdefault(ev.text, (time.monotonic(), ev.frame_index))

        sc = Scanner(src, on_scan, on_preview=lambda p: None,
                     on_status=lambda s: s in ("ended", "stopped") and done.set())
        sc.start()
        done.wait(120)
        sc.stop()
        t0 = src.start_monotonic
        lat = []
        for text, first, _last in plan.in_view:
            if text not in got or t0 is None:
                print(f"  voucher {text[12:24]}: NO EVENT")
                continue
            wall, frame = got[text]
            in_view_at = t0 + first / plan.fps  # frame n is available at t0 + n/fps
            ms = (wall - in_view_at) * 1000
            lat.append(ms)
            print(f"  voucher {text[12:24]}: in view at frame {first}, event from frame {frame}, latency {ms:.0f} ms")
        if lat:
            print(f"  latency median {statistics.median(lat):.0f} ms, max {max(lat):.0f} ms;"
                  f" frames decoded {sc.frames_decoded}/{plan.frames},"
                  f" mean decode {sc.decode_ms_total / max(1, sc.frames_decoded):.1f} ms/frame")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer seeds and repeats")
    ap.add_argument("--skip-samples", action="store_true")
    ap.add_argument("--motion-only", action="store_true", help="only the motion tables")
    args = ap.parse_args()
    print(load())
    project, held_out = synth_motion.PROJECT_SEEDS, synth_motion.HELD_OUT_SEEDS
    if args.quick:
        project, held_out = project[:2], held_out[:2]
    if not (args.skip_samples or args.motion_only):
        bench_samples()
    bench_motion(project, "project's")
    bench_motion(held_out, "held-out")
    if args.motion_only:
        return
    bench_silent()
    bench_webcam()
    bench_speed(1 if args.quick else 3)
    bench_latency(2 if args.quick else 4)


if __name__ == "__main__":
    main()

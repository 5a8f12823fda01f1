"""Decoding benchmark: prints figures (no assertion). Run: .venv/bin/python bench/decode.py [--quick]

1. Real photos (../shared/samples/barcodes): per set and per symbology, hit rate and median / p95 ms per image,
   for raw pyzbar, zxing-cpp alone and our ``decode_image`` (zxing-cpp, then pyzbar when zxing-cpp found nothing).
   Raw pyzbar ``ValueError: ... ZBarOrientation`` are counted.
2. Generated webcam-like 1280x720 scenes (pos_app.scanning.synth: small, rotated, tilted, blurred, motion-blurred,
   dark, glare, noisy, heavy JPEG): raw pyzbar vs the live FramePipeline (cold: no region-of-interest memory),
   timed interleaved in the same run; and empty counter frames.
3. Motion: a voucher moved across the camera (pos_app.scanning.synth_motion: 12 frames per symbology, QR, Code 128
   and EAN-13, blur of 15-25 px within 60 degrees of horizontal, cluttered counter), raw pyzbar, zxing-cpp (its
   thorough options) and the FramePipeline side by side, timed interleaved; false reads counted.
4. Latency from the code being wholly in view to the scan event, through the real Scanner thread reading a 30 fps
   video in real time (as a camera).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pos_app.scanning import synth, synth_motion  # noqa: E402
from pos_app.scanning.capture import FrameSource  # noqa: E402
from pos_app.scanning.decoders import CombinedDecoder, ZxingDecoder, load_image, to_gray  # noqa: E402
from pos_app.scanning.pipeline import FramePipeline  # noqa: E402
from pos_app.scanning.samples import iter_samples, sample_sets  # noqa: E402
from pos_app.scanning.scanner import Scanner  # noqa: E402
from voucher_core.codes import make_serial  # noqa: E402

SAMPLES = REPO.parent / "shared" / "samples" / "barcodes"


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def raw_pyzbar():
    """pyzbar exactly as a naive caller uses it (all symbologies, no guard): counts its ValueErrors."""
    from pyzbar import pyzbar

    orig = getattr(__import__("pos_app.scanning.decoders", fromlist=["x"]), "_ORIG_ORIENTATION", None)
    errors = [0]

    def decode(gray):
        saved = pyzbar.ZBarOrientation
        if orig is not None:
            pyzbar.ZBarOrientation = orig  # undo our guard for the raw measurement
        try:
            return [(r.data.decode("utf-8", "replace"), r.type) for r in pyzbar.decode(gray)]
        except ValueError:
            errors[0] += 1
            return []
        finally:
            pyzbar.ZBarOrientation = saved

    return decode, errors


def bench_samples() -> None:
    print("== Real photos:", SAMPLES)
    raw, raw_errors = raw_pyzbar()
    zx = ZxingDecoder(try_rotate=True, try_downscale=True, try_invert=True)
    comb = CombinedDecoder()
    decs = {"pyzbar(raw)": lambda g: [t for t, _ in raw(g)],
            "zxing-cpp": lambda g: [c.text for c in zx.decode(g)],
            "ours": lambda g: [c.text for c in comb.decode(g)]}
    per_sym: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    print(f"{'set':18s} {'n':>4s}  " + "  ".join(f"{k:>22s}" for k in decs))
    for set_name in sample_sets(SAMPLES):
        samples = list(iter_samples(SAMPLES, set_name))
        if not samples:
            continue
        res: dict[str, list[tuple[bool, float]]] = {k: [] for k in decs}
        for s in samples:
            try:
                gray = to_gray(load_image(s.path))
            except ValueError:
                for k in decs:
                    res[k].append((s.expected is None, 0.0))
                continue
            for k, fn in decs.items():
                t0 = time.perf_counter()
                texts = fn(gray)
                ms = (time.perf_counter() - t0) * 1000
                ok = (not texts) if s.expected is None else any(s.matches(t) for t in texts)
                res[k].append((ok, ms))
        sym = samples[0].symbology
        cells = []
        for k in decs:
            hits = sum(ok for ok, _ in res[k])
            mss = [ms for _, ms in res[k]]
            per_sym[sym][k] += res[k]
            cells.append(f"{hits:3d}/{len(samples):<3d} {statistics.median(mss):5.1f}/{pct(mss, .95):6.1f}ms")
        label = "silent" if set_name.startswith("false") else "hits"
        print(f"{set_name:18s} {len(samples):4d}  " + "  ".join(f"{c:>22s}" for c in cells) + f"  ({label})")
    print("-- per symbology (hits/n, median/p95 ms per image):")
    for sym, by in sorted(per_sym.items()):
        cells = []
        for k in decs:
            hits = sum(ok for ok, _ in by[k])
            mss = [ms for _, ms in by[k]]
            cells.append(f"{k} {hits}/{len(by[k])} ({100 * hits / len(by[k]):.0f}%) "
                         f"{statistics.median(mss):.1f}/{pct(mss, .95):.1f}ms")
        print(f"  {sym:15s} " + " | ".join(cells))
    print(f"raw pyzbar ValueError (ZBarOrientation) on the photos: {raw_errors[0]}")


def bench_scenes(n_qr: int, n_1d: int, repeats: int) -> None:
    texts = [f"VC1:DEMO:K1:{make_serial(1000 + i)}:" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 3 + "ABCDEFG"
             for i in range(n_qr)] + [make_serial(5000 + i) for i in range(n_1d)]
    scenes = synth.webcam_scenes(texts, seed=7)
    print(f"\n== Webcam-like 1280x720 scenes: {len(texts)} codes ({n_qr} QR vouchers, {n_1d} Code 128 tickets) "
          f"x {len(synth.SCENE_KINDS)} kinds = {len(scenes)} frames, best of {repeats} timings per frame")
    raw, _ = raw_pyzbar()
    pipe = FramePipeline()
    hits = {"pyzbar(raw)": defaultdict(list), "ours": defaultdict(list)}
    times = {"pyzbar(raw)": [], "ours": []}
    stages: dict[str, int] = defaultdict(int)
    for s in scenes:
        gray_in = s.image
        for name in ("pyzbar(raw)", "ours"):
            best = float("inf")
            found: list[str] = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                if name == "ours":
                    pipe.reset()
                    found = [c.text for c in pipe.decode(gray_in)]
                else:
                    found = [t for t, _ in raw(to_gray(gray_in))]
                best = min(best, (time.perf_counter() - t0) * 1000)
            times[name].append(best)
            hits[name][s.kind].append(s.text in found)
        stages[pipe.stats.stage] += 1
    print(f"{'kind':10s} " + "  ".join(f"{k:>12s}" for k in hits))
    for kind in synth.SCENE_KINDS:
        print(f"{kind:10s} " + "  ".join(f"{sum(hits[k][kind]):>5d}/{len(hits[k][kind]):<6d}" for k in hits))
    for k in hits:
        tot = sum(sum(v) for v in hits[k].values())
        n = sum(len(v) for v in hits[k].values())
        print(f"  {k:12s} hit rate {tot}/{n} = {100 * tot / n:.1f}%   median {statistics.median(times[k]):.1f} ms"
              f"   p95 {pct(times[k], .95):.1f} ms")
    print(f"  our pipeline: stage that answered: {dict(stages)}")

    blanks = synth.blank_scenes(9)
    cold = {"pyzbar(raw)": [], "ours": []}
    phantom = {"pyzbar(raw)": 0, "ours": 0}
    warm: list[float] = []
    for b in blanks:
        best = {"pyzbar(raw)": float("inf"), "ours": float("inf")}
        for _ in range(3):
            t0 = time.perf_counter()
            pipe.reset()
            phantom["ours"] += bool(pipe.decode(b.image))
            best["ours"] = min(best["ours"], (time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            phantom["pyzbar(raw)"] += bool(raw(to_gray(b.image)))
            best["pyzbar(raw)"] = min(best["pyzbar(raw)"], (time.perf_counter() - t0) * 1000)
        for k in cold:
            cold[k].append(best[k])
        # steady state: the same empty counter, 30 frames in a row, as a camera gives them
        pipe.reset()
        per_frame = []
        for _ in range(30):
            t0 = time.perf_counter()
            phantom["ours"] += bool(pipe.decode(b.image))
            per_frame.append((time.perf_counter() - t0) * 1000)
        warm.append(statistics.median(per_frame))
    print(f"  empty 720p counter frames ({len(blanks)} scenes: plain, noisy, dark), best of 3 per scene:")
    for k, v in cold.items():
        print(f"    {k:12s} cold: median {statistics.median(v):.1f} ms  max {max(v):.1f} ms")
    print(f"    {'ours':12s} steady (30 frames of the same scene, median per scene): median over scenes"
          f" {statistics.median(warm):.1f} ms/frame, worst scene {max(warm):.1f} ms/frame")
    print(f"    phantom reads: pyzbar(raw) {phantom['pyzbar(raw)']}, ours {phantom['ours']}")


def bench_motion(n: int, repeats: int, seed: int = 17) -> None:
    scenes = synth_motion.motion_scenes(synth_motion.motion_texts(n, make_serial), seed=seed)
    print(f"\n== Motion-blurred 1280x720 scenes (seed {seed}): {n} per symbology, blur 15-25 px at -60..60 degrees,"
          f" best of {repeats} timings per frame")
    raw, _ = raw_pyzbar()
    zx = ZxingDecoder(try_rotate=True, try_downscale=True, try_invert=True)
    pipe = FramePipeline()

    def ours(g):
        pipe.reset()  # cold: no region-of-interest memory from the previous frame
        return [c.text for c in pipe.decode(g)]

    decs = {"pyzbar(raw)": lambda g: [t for t, _ in raw(g)], "zxing-cpp": lambda g: [c.text for c in zx.decode(g)],
            "ours": ours}
    hits: dict[str, dict[str, int]] = {k: defaultdict(int) for k in decs}
    false: dict[str, int] = defaultdict(int)
    times: dict[str, list[float]] = {k: [] for k in decs}
    for s in scenes:
        gray = to_gray(s.image)
        for name, fn in decs.items():
            best, found = float("inf"), []
            for _ in range(repeats):
                t0 = time.perf_counter()
                found = fn(gray)
                best = min(best, (time.perf_counter() - t0) * 1000)
            times[name].append(best)
            hits[name][s.symbology] += s.text in found
            false[name] += any(t != s.text for t in found)
    print(f"{'kind':10s} " + "  ".join(f"{k:>12s}" for k in decs))
    for sym in synth_motion.MOTION_SYMBOLOGIES:
        print(f"{sym:10s} " + "  ".join(f"{hits[k][sym]:>5d}/{n:<6d}" for k in decs))
    for k in decs:
        tot = sum(hits[k].values())
        print(f"  {k:12s} hit rate {tot}/{len(scenes)} = {100 * tot / len(scenes):.1f}%   false reads {false[k]}"
              f"   median {statistics.median(times[k]):.1f} ms   p95 {pct(times[k], .95):.1f} ms")
    ratio = statistics.median(times["ours"]) / statistics.median(times["pyzbar(raw)"])
    print(f"  ours / raw pyzbar median time: {ratio:.2f}")
    bench_silent(decs, repeats, seed)


def bench_silent(decs, repeats: int, seed: int) -> None:
    """Frames that must stay silent, timed like the motion scenes: empty counters (plain, noisy, dark) and a
    printed card without a code moved across the counter (the motion path's worst case: it looks blurred)."""
    sets = {"empty counter": [b.image for b in synth.blank_scenes(9, seed=100 + seed)],
            "moving clutter": synth_motion.blurred_clutter_scenes(9, seed=200 + seed)}
    for label, images in sets.items():
        cells = []
        for name, fn in decs.items():
            times, phantom = [], 0
            for img in images:
                gray = to_gray(img)
                best = float("inf")
                for _ in range(repeats):
                    t0 = time.perf_counter()
                    phantom += bool(fn(gray))
                    best = min(best, (time.perf_counter() - t0) * 1000)
                times.append(best)
            cells.append(f"{name} median {statistics.median(times):.1f} ms max {max(times):.1f} ms"
                         f" false {phantom}")
        print(f"  {label} ({len(images)} frames, cold): " + " | ".join(cells))


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
    ap.add_argument("--quick", action="store_true", help="fewer scenes and repeats")
    ap.add_argument("--skip-samples", action="store_true")
    ap.add_argument("--motion-only", action="store_true", help="only the motion-blurred scenes")
    ap.add_argument("--seed", type=int, default=17, help="seed of the motion-blurred scenes")
    args = ap.parse_args()
    if args.motion_only:
        bench_motion(12, 1 if args.quick else 3, args.seed)
        return
    if not args.skip_samples:
        bench_samples()
    if args.quick:
        bench_scenes(4, 2, 1)
        bench_motion(12, 1, args.seed)
        bench_latency(2)
    else:
        bench_scenes(12, 6, 3)
        bench_motion(12, 3, args.seed)
        bench_latency(4)


if __name__ == "__main__":
    main()

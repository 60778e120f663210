"""Benchmark: decoding ahead in a background thread while a model works (VideoReader.iter_strided).

The pose engine decodes a frame, then runs the model on it, then decodes the next. PyAV releases
Python's lock while FFmpeg decodes, so a thread can decode the next frames on the other core while
the model runs. This script measures, on the same video in the same run:

- decode only (every frame decoded, every ``stride``-th converted to RGB with its thumbnail, as the
  pose engine asks), without and with decoding ahead;
- a stand-in for the model alone: single-threaded float32 matrix products, which release the lock
  as a model's native code does, calibrated to ``--model-ms`` per frame (issue 14 measured the two
  BlazePose models at about 6 + 8 ms a frame);
- decode + model in turn (``prefetch=0``, the baseline) against decode ahead with ``prefetch`` 1,
  2 and 4 frames, printing each one's speed-up over the baseline, and the bound
  ``(decode + model) / max(decode, model)`` that perfect overlap would give;
- the peak resident memory of each run above the memory before it (Linux: the high-water mark is
  reset through ``/proc/self/clear_refs`` before each run); decoding ahead keeps at most
  ``prefetch`` frames waiting, so it costs a few frames' worth, whatever the video's length.

``--mediapipe`` adds the same comparison with the real MediaPipe pose model.

Timings are the best of ``--repeat`` runs, interleaved, because the machine is shared; the load
average is printed with them, and so is each best run's CPU time over its wall time (the cores it
kept busy: overlap can only pay when a second core is free). The CPU time of the caller's thread
(where the model runs) shows, whatever the load, how much of the decoding work left that thread.

Usage::

    python benchmarks/video_prefetch.py                 # 720p, 20 s, stride 1
    python benchmarks/video_prefetch.py --stride 2 --height 480
"""

from __future__ import annotations

import os

# One BLAS thread: the stand-in model uses one core, like a model given one thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import contextlib
import importlib.util
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guru_form.video import VideoReader  # noqa: E402

THUMB = 32


def _make_video() -> Callable[..., Path]:
    """``make_video`` of benchmarks/frames.py (a panning textured scene with an index strip)."""
    spec = importlib.util.spec_from_file_location("bench_frames", ROOT / "benchmarks" / "frames.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    make: Callable[..., Path] = module.make_video
    return make


class StandInModel:
    """Single-threaded float32 matrix products taking about ``ms`` milliseconds per frame."""

    name = "stand-in"

    def __init__(self, ms: float) -> None:
        rng = np.random.default_rng(0)
        self._a = rng.random((256, 256), dtype=np.float32)
        self._b = rng.random((256, 256), dtype=np.float32)
        self._rounds = 1
        start = time.perf_counter()
        for _ in range(50):
            self._work(1)
        one = (time.perf_counter() - start) / 50
        self._rounds = max(1, round(ms / 1000 / one))

    def _work(self, rounds: int) -> None:
        a = self._a
        for _ in range(rounds):
            a = np.tanh(a @ self._b)

    def estimate(self, image: np.ndarray, time_ms: float) -> None:
        self._work(self._rounds)

    def close(self) -> None:
        pass


def _mediapipe_model() -> object:
    from guru_form.pose.mediapipe_backend import MediaPipeEstimator

    return MediaPipeEstimator()


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak_rss() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def run(
    path: Path,
    stride: int,
    prefetch: int,
    make_model: Callable[[], object] | None,
    threads: bool,
) -> tuple[float, int, float, float, float]:
    """Seconds, frames handed on, peak RSS growth (MB), CPU seconds of the process and of the
    caller's thread, for one pass.

    The model is made before the clock starts and closed after it stops.
    """
    model = make_model() if make_model is not None else None
    estimate = getattr(model, "estimate", None)
    try:
        with VideoReader(path, threads=threads) as reader:
            _reset_peak_rss()
            before = _rss_mb("VmRSS")
            cpu = time.process_time()
            own = time.thread_time()
            start = time.perf_counter()
            n = 0
            frames = reader.iter_strided(stride, prefetch=prefetch, thumbnail_size=THUMB)
            with contextlib.closing(frames):
                for frame in frames:
                    if estimate is not None:
                        estimate(frame.image, frame.time_ms)
                    n += 1
            seconds = time.perf_counter() - start
            cpu = time.process_time() - cpu
            own = time.thread_time() - own
            peak = _rss_mb("VmHWM") - before
    finally:
        close = getattr(model, "close", None)
        if close is not None:
            close()
    return seconds, n, peak, cpu, own


def model_alone(path: Path, stride: int, make_model: Callable[[], object]) -> float:
    """Seconds the model takes over the same frames, decoded beforehand (not timed)."""
    with VideoReader(path) as reader:
        images = [(f.image, f.time_ms) for f in reader.iter_strided(stride, thumbnail_size=THUMB)]
    model = make_model()
    estimate = model.estimate  # type: ignore[attr-defined]
    try:
        start = time.perf_counter()
        for image, t in images:
            estimate(image, t)
        return time.perf_counter() - start
    finally:
        model.close()  # type: ignore[attr-defined]


def compare(
    path: Path, stride: int, repeat: int, label: str, make_model: Callable[[], object]
) -> None:
    configs: list[tuple[str, int, Callable[[], object] | None, bool]] = [
        ("decode only, prefetch 0", 0, None, True),
        ("decode only, prefetch 2", 2, None, True),
        ("decode + model, prefetch 0 (baseline)", 0, make_model, True),
        ("decode + model, prefetch 1", 1, make_model, True),
        ("decode + model, prefetch 2", 2, make_model, True),
        ("decode + model, prefetch 4", 4, make_model, True),
        ("decode + model, prefetch 0, FFmpeg 1 thread", 0, make_model, False),
        ("decode + model, prefetch 2, FFmpeg 1 thread", 2, make_model, False),
    ]
    best: dict[str, tuple[float, int, float, float, float]] = {}
    alone = float("inf")
    for _ in range(repeat):  # interleaved, so a burst of load hits every configuration alike
        alone = min(alone, model_alone(path, stride, make_model))
        for name, prefetch, make, threads in configs:
            result = run(path, stride, prefetch, make, threads)
            if name not in best or result[0] < best[name][0]:
                best[name] = result
    decode = best["decode only, prefetch 0"][0]
    baseline = best["decode + model, prefetch 0 (baseline)"][0]
    n = best["decode only, prefetch 0"][1]
    print(f"\n{label}: {n} frames handed on (stride {stride}); best of {repeat}")
    print(f"  model alone: {alone:6.2f} s ({1000 * alone / n:.1f} ms/frame)")
    for name, _, _, _ in configs:
        seconds, frames, peak, cpu, own = best[name]
        ratio = f"{baseline / seconds:5.2f}x vs baseline" if "model" in name else ""
        print(
            f"  {name:<46} {seconds:6.2f} s {frames / seconds:6.1f} fps  "
            f"{cpu / seconds:4.2f} cores  caller's thread {own:5.2f} s CPU  "
            f"peak RSS +{peak:5.1f} MB  {ratio}"
        )
    bound = (decode + alone) / max(decode, alone)
    print(f"  perfect overlap would give at most {bound:.2f}x (sum / max of decode and model)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--height", type=int, default=720, choices=(480, 720, 1080))
    parser.add_argument("--gop", type=int, default=60)
    parser.add_argument("--stride", type=int, default=1)
    parser.add_argument("--model-ms", type=float, default=14.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mediapipe", action="store_true")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "guru_form_bench"
    )
    args = parser.parse_args()
    width = {480: 854, 720: 1280, 1080: 1920}[args.height]
    args.cache.mkdir(parents=True, exist_ok=True)
    name = f"prefetch_{args.seconds}s_{args.height}p_gop{args.gop}.mp4"
    path = _make_video()(args.cache / name, args.seconds, width, args.height, args.gop)
    print(
        f"video: {width}x{args.height}, 30 fps, {args.seconds} s, keyframe every {args.gop}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start"
    )
    stand_in = StandInModel(args.model_ms)  # calibrated once, stateless: shared by every run
    compare(
        path,
        args.stride,
        args.repeat,
        f"stand-in model, {args.model_ms:.0f} ms/frame",
        lambda: stand_in,
    )
    if args.mediapipe:
        compare(path, args.stride, args.repeat, "MediaPipe pose (real model)", _mediapipe_model)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

"""Which executor should the local server run analysis jobs in by default?

The pose engine's work is: decode frames (a thread decoding ahead), run the pose estimator on
each, compute angles. This script runs that workload (the default estimator, our BlazePose
pipeline on LiteRT, on the first frames of a real clip; a fresh estimator per job, as each
analysis makes one) as several jobs, and prints wall time for

- serial (the baseline: one job after another in this process),
- a ThreadPoolExecutor with 2 threads,
- a ProcessPoolExecutor with 2 spawned processes, cold (start-up and model loading included) and warm.

Usage::

    python benchmarks/server_executor.py VIDEO [--jobs 4] [--frames 60]
    python benchmarks/server_executor.py VIDEO --pose-threads 1   # 1 LiteRT thread per model
    python benchmarks/server_executor.py VIDEO --estimator mediapipe  # MediaPipe, to compare

(VIDEO: a real clip with a person in it, e.g. ``tests/footage/squat_side_01.mp4``.)
Needs the ``pose`` extra (``mediapipe`` for ``--estimator mediapipe``).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import multiprocessing
import os
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def pose_job(video: str, frames: int, estimator: str) -> int:
    """Run ``estimator`` over the first ``frames`` frames of ``video``; frames with a person."""
    from guru_form.pose.estimator import DECODE_AHEAD, make_estimator
    from guru_form.video import VideoReader

    model = make_estimator(estimator)
    found = 0
    try:
        with VideoReader(video) as reader:
            decoded = reader.iter_strided(1, prefetch=DECODE_AHEAD)
            with contextlib.closing(decoded):
                for frame in itertools.islice(decoded, frames):
                    found += model.estimate(frame.image, frame.time_ms) is not None
    finally:
        model.close()
    return found


def _cpu_seconds() -> float:
    """CPU time of this process and its live children (the pool's workers)."""
    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += sum(child.cpu_times()[:2])
    return total


def timed(
    executor: Executor | None, video: str, jobs: int, frames: int, estimator: str
) -> tuple[float, float]:
    """Wall time and CPU time (all processes) of running the jobs."""
    job = partial(pose_job, frames=frames, estimator=estimator)
    cpu = _cpu_seconds()
    started = time.perf_counter()
    if executor is None:
        for _ in range(jobs):
            job(video)
    else:
        list(executor.map(job, [video] * jobs))
    return time.perf_counter() - started, _cpu_seconds() - cpu


def main() -> None:
    """Parse the command line, time the executors, print the table."""
    from guru_form.pose.blazepose.runtime import THREADS_ENV, default_threads
    from guru_form.pose.estimator import DEFAULT_ESTIMATOR, ESTIMATORS

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("video")
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--estimator", choices=sorted(ESTIMATORS), default=DEFAULT_ESTIMATOR)
    parser.add_argument(
        "--pose-threads",
        type=int,
        help=f"LiteRT threads per model (sets ${THREADS_ENV}; default {default_threads()})",
    )
    args = parser.parse_args()
    if args.pose_threads:
        os.environ[THREADS_ENV] = str(args.pose_threads)  # spawned workers inherit it
    video, jobs, frames, estimator = args.video, args.jobs, args.frames, args.estimator
    print(f"{jobs} jobs x {frames} frames of {Path(video).name}, estimator {estimator!r}")
    if estimator == "blazepose":
        print(f"LiteRT threads per model: {default_threads()}")

    if pose_job(video, 2, estimator) == 0:  # imports and loads here first: serial is warm
        raise SystemExit(f"{video}: no person found on its first frames (or it cannot be read)")
    print(f"machine: {psutil.cpu_count()} cores, load average {psutil.getloadavg()[0]:.1f}")
    print("                          wall     vs serial   CPU s   CPU/wall")
    serial, serial_cpu = timed(None, video, jobs, frames, estimator)
    _row("serial (baseline)", serial, serial, serial_cpu)

    with ThreadPoolExecutor(2) as threads:
        threaded = timed(threads, video, jobs, frames, estimator)
    _row("2 threads", threaded[0], serial, threaded[1])
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=context) as processes:
        cold = timed(processes, video, jobs, frames, estimator)
        warm = timed(processes, video, jobs, frames, estimator)
    _row("2 processes, cold start", cold[0], serial, cold[1])
    _row("2 processes, warm", warm[0], serial, warm[1])


def _row(label: str, wall: float, serial: float, cpu: float) -> None:
    print(f"{label:<25} {wall:6.2f} s   {serial / wall:5.2f}x   {cpu:6.1f}   {cpu / wall:5.2f}")


if __name__ == "__main__":
    main()

"""Which executor should the local server run analysis jobs in by default?

The pose engine's work is: decode frames with OpenCV, run MediaPipe pose on each, compute angles. This
script runs that workload (MediaPipe pose, model_complexity=1, on the first frames of a real clip) as
several jobs, and prints wall time for

- serial (the baseline: one job after another in this process),
- a ThreadPoolExecutor with 2 threads (one model per thread),
- a ProcessPoolExecutor with 2 spawned processes, cold (start-up and model loading included) and warm.

Usage: python benchmarks/server_executor.py VIDEO [--jobs 4] [--frames 60]
(VIDEO: a real clip with a person in it, e.g. a side-view squat video.)
Needs the 'pose' extra (mediapipe).
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import psutil

_local = threading.local()


def pose_job(video: str, frames: int) -> int:
    """Decode ``frames`` frames and run MediaPipe pose on each; returns frames with a person."""
    import cv2
    import mediapipe as mp

    pose = getattr(_local, "pose", None)
    if pose is None:
        pose = mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1)
        _local.pose = pose
    capture = cv2.VideoCapture(video)
    found = 0
    try:
        for _ in range(frames):
            ok, frame = capture.read()
            if not ok:
                break
            result = pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            found += result.pose_landmarks is not None
    finally:
        capture.release()
    return found


def _cpu_seconds() -> float:
    """CPU time of this process and its live children (the pool's workers)."""
    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += sum(child.cpu_times()[:2])
    return total


def timed(executor: Executor | None, video: str, jobs: int, frames: int) -> tuple[float, float]:
    """Wall time and CPU time (all processes) of running the jobs."""
    cpu = _cpu_seconds()
    started = time.perf_counter()
    if executor is None:
        for _ in range(jobs):
            pose_job(video, frames)
    else:
        list(executor.map(pose_job, [video] * jobs, [frames] * jobs))
    return time.perf_counter() - started, _cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video")
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--frames", type=int, default=60)
    args = parser.parse_args()
    video, jobs, frames = args.video, args.jobs, args.frames
    print(f"{jobs} jobs x {frames} frames of {Path(video).name}")

    if pose_job(video, 2) == 0:  # also loads the model here first: the serial baseline is warm
        raise SystemExit(f"{video}: no person found on its first frames (or it cannot be read)")
    print(f"machine: {psutil.cpu_count()} cores, load average {psutil.getloadavg()[0]:.1f}")
    print("                          wall     vs serial   CPU s   CPU/wall")
    serial, serial_cpu = timed(None, video, jobs, frames)
    _row("serial (baseline)", serial, serial, serial_cpu)

    with ThreadPoolExecutor(2) as threads:
        threaded = timed(threads, video, jobs, frames)
    _row("2 threads", threaded[0], serial, threaded[1])
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=context) as processes:
        cold = timed(processes, video, jobs, frames)
        warm = timed(processes, video, jobs, frames)
    _row("2 processes, cold start", cold[0], serial, cold[1])
    _row("2 processes, warm", warm[0], serial, warm[1])


def _row(label: str, wall: float, serial: float, cpu: float) -> None:
    print(f"{label:<25} {wall:6.2f} s   {serial / wall:5.2f}x   {cpu:6.1f}   {cpu / wall:5.2f}")


if __name__ == "__main__":
    main()

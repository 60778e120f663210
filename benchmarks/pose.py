"""Pose engine: accuracy on the sample videos' ground truth, and speed against the raw model.

Run from the repository root (needs the ``pose`` extra)::

    python benchmarks/pose.py                         # accuracy (stride 1 and 2) and speed
    python benchmarks/pose.py --quick                 # 4 s speed clips instead of 10 s
    python benchmarks/pose.py --speed-only --repeat 3  # best of 3 timings (a busy machine)
    python benchmarks/pose.py --accuracy-only --cache /tmp/pose-cache   # reuse model runs

Accuracy: per sample video and stride, the engine's rep count, per-frame knee/hip/elbow angle
MAE against ``<name>.truth.csv`` and rep-boundary errors in frames, through the engine's own side
choice; then, per rep, the error of every analysis scalar the engine reports (the values a coach
reads, e.g. a rep's smallest knee angle) against the truth's value for that rep: mean absolute
error, largest error and mean signed error (engine minus truth) over the reps, and for the
velocity that signed error relative to the true value. ``--cache DIR`` keeps the model's raw
output per (video, stride) in ``DIR`` so that later runs skip the model.

Speed: synthetic squat clips at 640x480 and 1280x720, 30 frames/s (rendered once into a temporary
folder), at stride 1 and 2. Timed in the same run, each from before its model is made (start-up
included) to after the last frame:

- ``raw models``: the baseline, our two models alone on frames already decoded to RGB in memory
  (the detector once, then the landmark model on every analysed frame through the tracker's
  region of interest): what the engine could reach if decoding and everything else were free;
- ``engine``: ``guru_form.pose.analyze_video`` end to end with the default backend (decoding in
  a background thread, the model, person choice, side choice, filtering, segmentation, analyses);
- ``MediaPipe engine``: the same with ``estimator="mediapipe"`` (needs the ``mediapipe`` extra;
  skipped without it).

Everything is warmed up once before timing (imports, model files in the page cache). With
``--repeat N`` each is timed N times, in turn, and the best and the median are kept. Reported:
analysed frames per second, the real-time factor (seconds of video per second of work; above 1
is faster than real time), the engine's time over the raw models' and the MediaPipe engine's
time over ours. The machine may be shared: run under ``nice -n -5`` where allowed, and repeat.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from guru_form.pose.accuracy import Accuracy
    from guru_form.pose.estimator import RawPose

VELOCITY = "MEAN_CONCENTRIC_VELOCITY_BH_PER_S"


def _raw_pose(name: str, stride: int, cache: Path | None) -> RawPose:
    """The model's raw output for sample ``name`` at ``stride``, from ``cache`` when it is there."""
    from guru_form import samples
    from guru_form.pose.estimator import estimate_video

    target = None if cache is None else cache / f"{name}_stride{stride}.pkl"
    if target is not None and target.exists():
        raw: RawPose = pickle.loads(target.read_bytes())
        return raw
    raw = estimate_video(samples.sample_path(name), stride=stride)
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pickle.dumps(raw))
    return raw


def accuracy(cache: Path | None = None) -> None:
    """Print the engine's accuracy on every sample video at stride 1 and 2.

    Parameters
    ----------
    cache
        A folder where the model's raw output is kept between runs (None: run the model each
        time).
    """
    from guru_form import samples
    from guru_form.pose.accuracy import accuracy_against_truth
    from guru_form.pose.analysis import analyze_track
    from guru_form.pose.people import choose_person
    from guru_form.pose.track import build_track

    print("Accuracy on the sample videos (engine's own side choice)")
    header = (
        f"{'sample':<12} {'stride':>6} {'reps':>6} {'knee°':>6} {'hip°':>6} {'elbow°':>7} "
        f"{'start':>6} {'mid':>5} {'end':>5}   (angle MAE per frame; boundary error, frames)"
    )
    print(header)
    results: dict[tuple[str, int], Accuracy] = {}
    for name in samples.sample_names():
        for stride in (1, 2):
            raw = choose_person(_raw_pose(name, stride, cache), name)
            analysis = analyze_track(build_track(raw, name))
            acc = accuracy_against_truth(
                analysis, samples.sample_truth(name), samples.sample_analysis(name)
            )
            results[name, stride] = acc
            mae, b = acc.angle_mae, acc.boundary_error_frames
            print(
                f"{name:<12} {stride:>6} {acc.reps_found:>3}/{acc.reps_true:<2} "
                f"{mae['knee_angle']:>6.1f} {mae['hip_angle']:>6.1f} {mae['elbow_angle']:>7.1f} "
                f"{b['start']:>6.0f} {b['mid']:>5.0f} {b['end']:>5.0f}"
            )
    print()
    print(
        "Per-rep analyses against the truth's value for the same rep: mean absolute error "
        "(largest) and mean signed error, engine - truth; degrees, velocity in body heights/s "
        "(and its mean signed error relative to the true value)"
    )
    print(f"{'sample':<12} {'analysisType':<34} {'stride 1':>22} {'stride 2':>22}")
    for name in samples.sample_names():
        for analysis_type in results[name, 1].analysis_error:
            cells = []
            for stride in (1, 2):
                acc = results[name, stride]
                if analysis_type not in acc.analysis_error:
                    cells.append(f"{'-':>22}")
                    continue
                digits = 3 if analysis_type == VELOCITY else 1
                cells.append(
                    f"{acc.analysis_error[analysis_type]:>6.{digits}f} "
                    f"({acc.analysis_max_error[analysis_type]:>5.{digits}f}) "
                    f"{acc.analysis_bias[analysis_type]:>+7.{digits}f}"
                )
            label = analysis_type.removesuffix("_DEGREES")
            line = f"{name:<12} {label:<34} {cells[0]:>22} {cells[1]:>22}"
            if analysis_type == VELOCITY:
                rel = [results[name, s].analysis_relative_bias.get(VELOCITY) for s in (1, 2)]
                line += "   (" + " / ".join(f"{100 * r:+.0f} %" for r in rel if r is not None) + ")"
            print(line)
        missing = sorted({m for s in (1, 2) for m in results[name, s].analysis_missing})
        if missing:
            print(f"{name:<12} missing from some reps: {', '.join(missing)}")
    print()


def _decode(path: Path) -> list[npt.NDArray[np.uint8]]:
    """Every frame of ``path`` as an RGB array, in memory (the raw models' input)."""
    from guru_form.video import VideoReader

    with VideoReader(path) as reader:
        return [f.image for f in reader.iter_strided()]


def _raw_models_seconds(frames: list[npt.NDArray[np.uint8]], stride: int) -> float:
    """Seconds our two models alone take over ``frames[::stride]``, their start-up included.

    The detector reads the first frame; the landmark model then reads every analysed frame
    through the region the previous frame's landmarks give (as tracking does, with no
    re-detection, no smoothing and no guard).
    """
    from guru_form.pose.blazepose.detector import PersonDetector
    from guru_form.pose.blazepose.landmarks import LandmarkModel
    from guru_form.pose.blazepose.roi import roi_from_alignment

    start = time.perf_counter()
    detector, landmarks = PersonDetector(), LandmarkModel()
    roi = None
    for image in frames[::stride]:
        if roi is None:
            found = detector.detect(image)
            if not found:
                continue
            roi = found[0].roi()
        reading = landmarks.read(image, roi)
        roi = roi_from_alignment(*reading.alignment)
    return time.perf_counter() - start


def _engine_seconds(path: Path, stride: int, estimator: str) -> float:
    from guru_form.pose.analysis import analyze_video

    start = time.perf_counter()
    analyze_video(path, "squat", stride=stride, estimator=estimator)
    return time.perf_counter() - start


def _cell(times: list[float], amount: float) -> str:
    """``amount`` per second at the best and the median of ``times``: ``best (median)``."""
    return f"{amount / min(times):>7.1f} ({amount / statistics.median(times):>6.1f})"


def _has_mediapipe() -> bool:
    import importlib.util

    return importlib.util.find_spec("mediapipe") is not None


def speed(seconds: float, repeat: int = 1) -> None:
    """Print the engine's, the raw models' and the MediaPipe engine's speed on synthetic clips.

    Parameters
    ----------
    seconds
        Length of each clip (rendered at 480p and 720p, 30 frames/s).
    repeat
        Time each this many times, in turn, and print the best and the median.
    """
    import os

    from guru_form.pose.blazepose.runtime import default_threads
    from guru_form.synthetic import render_video

    mediapipe = _has_mediapipe()
    print(
        f"Speed on {seconds:.0f} s synthetic squat clips (30 frames/s), start-up included, "
        f"{repeat} run(s) each: best (median); {os.cpu_count()} CPUs, LiteRT threads "
        f"{default_threads()}, nice {os.nice(0)}"
    )
    header = (
        f"{'size':<6} {'stride':>6} {'raw models fps':>16} {'engine fps':>16} "
        f"{'real-time x':>16} {'engine/raw':>11}"
    )
    if mediapipe:
        header += f" {'MediaPipe engine fps':>21} {'MP/ours time':>13}"
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for size in ((640, 480), (1280, 720)):
            path = Path(tmp) / f"squat_{size[1]}p.mp4"
            render_video(path, "squat", size=size, duration_s=seconds, seed=1)
            frames = _decode(path)
            _raw_models_seconds(frames[:10], 1)  # warm up: imports, the model files
            _engine_seconds(path, 4, "blazepose")
            if mediapipe:
                _engine_seconds(path, 4, "mediapipe")
            for stride in (1, 2):
                analysed = len(frames[::stride])
                raw: list[float] = []
                ours: list[float] = []
                theirs: list[float] = []
                for _ in range(repeat):
                    raw.append(_raw_models_seconds(frames, stride))
                    ours.append(_engine_seconds(path, stride, "blazepose"))
                    if mediapipe:
                        theirs.append(_engine_seconds(path, stride, "mediapipe"))

                line = (
                    f"{size[1]}p{'':<2} {stride:>6} {_cell(raw, analysed):>16} "
                    f"{_cell(ours, analysed):>16} {_cell(ours, seconds):>16} "
                    f"{min(ours) / min(raw):>11.2f}"
                )
                if mediapipe:
                    line += f" {_cell(theirs, analysed):>21} {min(theirs) / min(ours):>13.2f}"
                print(line, flush=True)
            del frames


def main() -> None:
    """Parse the command line and run the benchmarks it asks for."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter speed clips")
    parser.add_argument("--speed-only", action="store_true")
    parser.add_argument("--accuracy-only", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="time each N times (best, median)")
    parser.add_argument(
        "--cache", type=Path, help="keep the model's raw output on the samples in this folder"
    )
    args = parser.parse_args()
    if not args.speed_only:
        accuracy(args.cache)
    if not args.accuracy_only:
        speed(4.0 if args.quick else 10.0, max(1, args.repeat))


if __name__ == "__main__":
    main()

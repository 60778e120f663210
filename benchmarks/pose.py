"""Pose engine: accuracy on the sample videos' ground truth, and speed against the raw model.

Run from the repository root (needs the ``pose`` extra)::

    python benchmarks/pose.py            # accuracy (stride 1 and 2) and speed
    python benchmarks/pose.py --quick    # 4 s speed clips instead of 10 s

Accuracy: per sample video, the engine's rep count, per-frame knee/hip/elbow angle MAE against
``<name>.truth.csv`` and rep-boundary errors in frames, through the engine's own side choice.

Speed: synthetic squat clips at 640x480 and 1280x720 (rendered once into a temporary folder).
The baseline, measured in the same run, is the raw model alone: MediaPipe ``Pose.process`` on
frames already decoded to RGB in memory. The engine is ``guru_form.pose.analyze_video`` end to end
(decoding, the model, side choice, filtering, segmentation, analyses). Reported: analysed frames
per second, the real-time factor (seconds of video per second of work; above 1 is faster than
real time) and the engine's time per analysed frame as a ratio of the raw model's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def accuracy() -> None:
    from guru_form import samples
    from guru_form.pose.accuracy import accuracy_against_truth
    from guru_form.pose.analyze import analyze_track
    from guru_form.pose.estimator import estimate_video
    from guru_form.pose.track import build_track

    print("Accuracy on the sample videos (engine's own side choice)")
    header = (
        f"{'sample':<12} {'stride':>6} {'reps':>6} {'knee°':>6} {'hip°':>6} {'elbow°':>7} "
        f"{'start':>6} {'mid':>5} {'end':>5} {'vel BH/s':>9}   (angle MAE per frame; boundary "
        "error, frames; mean concentric velocity error)"
    )
    print(header)
    for name in samples.sample_names():
        for stride in (1, 2):
            raw = estimate_video(samples.sample_path(name), stride=stride)
            analysis = analyze_track(build_track(raw, name))
            acc = accuracy_against_truth(
                analysis, samples.sample_truth(name), samples.sample_analysis(name)
            )
            mae, b = acc.angle_mae, acc.boundary_error_frames
            print(
                f"{name:<12} {stride:>6} {acc.reps_found:>3}/{acc.reps_true:<2} "
                f"{mae['knee_angle']:>6.1f} {mae['hip_angle']:>6.1f} {mae['elbow_angle']:>7.1f} "
                f"{b['start']:>6.0f} {b['mid']:>5.0f} {b['end']:>5.0f} "
                f"{acc.analysis_error.get('MEAN_CONCENTRIC_VELOCITY_BH_PER_S', float('nan')):>9.3f}"
            )
    print()


def _decode(path: Path) -> list:  # type: ignore[type-arg]
    from guru_form.pose.video import iter_frames

    return [f.image for f in iter_frames(path)]


def _raw_model_seconds(frames: list, stride: int) -> float:  # type: ignore[type-arg]
    from guru_form.pose.mediapipe_backend import load_mediapipe_pose

    mp_pose = load_mediapipe_pose()
    with mp_pose.Pose(static_image_mode=False, model_complexity=1, smooth_landmarks=False) as pose:
        pose.process(frames[0])  # the first frame loads the graph: not counted
        start = time.perf_counter()
        for image in frames[stride::stride]:
            pose.process(image)
        return time.perf_counter() - start


def speed(seconds: float) -> None:
    from guru_form.pose.analyze import analyze_video
    from guru_form.synthetic import render_video

    print(f"Speed on {seconds:.0f} s synthetic squat clips (30 frames/s)")
    print(
        f"{'size':<10} {'stride':>6} {'raw model fps':>14} {'engine fps':>11} "
        f"{'real-time x':>12} {'engine/raw':>11}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in ((640, 480), (1280, 720)):
            path = Path(tmp) / f"squat_{size[1]}p.mp4"
            render_video(path, "squat", size=size, duration_s=seconds, seed=1)
            frames = _decode(path)
            n = len(frames)
            for stride in (1, 2):
                analysed = len(range(0, n, stride)) - 1
                raw_s = _raw_model_seconds(frames, stride)
                analyze_video(path, "squat", stride=stride)  # warm caches and imports
                start = time.perf_counter()
                analyze_video(path, "squat", stride=stride)
                engine_s = time.perf_counter() - start
                raw_fps = analysed / raw_s
                engine_fps = (analysed + 1) / engine_s
                print(
                    f"{size[1]}p{'':<6} {stride:>6} {raw_fps:>14.1f} {engine_fps:>11.1f} "
                    f"{seconds / engine_s:>12.2f} {raw_fps / engine_fps:>11.2f}"
                )
            del frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter speed clips")
    parser.add_argument("--speed-only", action="store_true")
    args = parser.parse_args()
    if not args.speed_only:
        accuracy()
    speed(4.0 if args.quick else 10.0)


if __name__ == "__main__":
    main()

"""Render the bundled sample videos and their ground truth into ``sample_videos/``.

Each sample is a synthetic side-view set (640x480, 30 frames/s, H.264) drawn so that the pose
estimator finds the athlete on every frame, with its exact ground truth beside it:
``<name>.json`` (Guru analysis JSON, ``guru_form.Analysis.load``) and ``<name>.truth.csv``
(per-frame true landmarks and angles). Seeds are fixed, so the output is the same every run.

Usage::

    python scripts/render_sample_videos.py            # all samples into sample_videos/
    python scripts/render_sample_videos.py --only squat --out /tmp/samples
    python scripts/render_sample_videos.py --overlays docs/samples   # + pose check PNGs
    python scripts/render_sample_videos.py --overlays /tmp/mp --estimator mediapipe

``--overlays`` (needs the ``pose`` extra) runs the pose estimator (the default, our BlazePose
pipeline; ``--estimator mediapipe`` for MediaPipe 0.10.21, the ``mediapipe`` extra) over each
new video and saves, per sample, a PNG of a frame at rest and one at the first rep's turning
point with the estimator's skeleton (both sides, as ``guru_form.frames.draw_people`` draws it) over the true near-side joints
(green), and prints the detection rate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from guru_form.pose.estimator import (  # noqa: E402
    DEFAULT_ESTIMATOR,
    ESTIMATORS,
    make_estimator,
)
from guru_form.testing.synthetic import SyntheticVideo, render_video  # noqa: E402

#: name -> keyword arguments of ``render_video``.
SAMPLES: dict[str, dict[str, Any]] = {
    "squat": {"activity": "squat", "reps": 4, "seed": 11, "facing": "right"},
    "push_up": {"activity": "push_up", "reps": 5, "seed": 12, "facing": "left"},
    "deadlift": {"activity": "deadlift", "reps": 4, "seed": 13, "facing": "right"},
    "bench_press": {"activity": "bench_press", "reps": 4, "seed": 14, "facing": "left"},
}
COMMON: dict[str, Any] = {"size": (640, 480), "fps": 30.0, "crf": 26, "preset": "slow"}


def main(argv: list[str] | None = None) -> int:
    """Render the samples the command line asks for (see the module docs).

    Parameters
    ----------
    argv
        The arguments (default: ``sys.argv[1:]``): ``--out``, ``--only`` (repeatable),
        ``--overlays``, ``--estimator``.

    Returns
    -------
    int
        The exit status, 0.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "sample_videos")
    parser.add_argument("--only", choices=sorted(SAMPLES), action="append")
    parser.add_argument("--overlays", type=Path, help="write pose check PNGs here")
    parser.add_argument(
        "--estimator",
        choices=sorted(ESTIMATORS),
        default=DEFAULT_ESTIMATOR,
        help="the pose backend of --overlays",
    )
    args = parser.parse_args(argv)
    for name in args.only or SAMPLES:
        spec = SAMPLES[name]
        video = render_video(
            args.out / f"{name}.mp4", **spec, **COMMON, write_truth=True, progress=True
        )
        assert video.path is not None
        size_kb = video.path.stat().st_size / 1024
        seconds = video.frame_times_s[-1] + 1 / COMMON["fps"]
        print(
            f"{name}: {video.n_frames} frames, {seconds:.1f} s, {len(video.rep_frames)} reps, "
            f"{size_kb:.0f} KiB -> {video.path}"
        )
        if args.overlays:
            target = args.overlays / f"{name}_{args.estimator}.png"
            rate = write_overlay(video, target, args.estimator)
            print(f"  {args.estimator} found the athlete on {rate:.1%} of frames -> {target}")
    return 0


def write_overlay(video: SyntheticVideo, target: Path, estimator: str = DEFAULT_ESTIMATOR) -> float:
    """Run a pose estimator over the written video; save rest + turning-point frames with joints.

    Returns the share of frames on which the estimator found the athlete.
    """
    import contextlib

    import cv2

    from guru_form.frames.people import draw_people
    from guru_form.video import VideoReader

    start, mid, _ = video.rep_frames[0]
    keep: dict[int, np.ndarray] = {}
    found = 0
    model = make_estimator(estimator)
    assert video.path is not None
    try:
        with (
            VideoReader(video.path) as reader,
            contextlib.closing(reader.iter_strided(1)) as frames,
        ):
            for i, frame in enumerate(frames):
                joints = model.estimate(frame.image, frame.time_ms)
                found += joints is not None
                if i in (start, mid):
                    drawn = frame.image.copy()
                    if joints is not None:
                        draw_people(drawn, [joints])
                    for joint in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle"):
                        x, y = video.projected.points[f"near_{joint}"][i]
                        cv2.circle(drawn, (round(x), round(y)), 4, (40, 220, 40), -1, cv2.LINE_AA)
                    keep[i] = drawn
    finally:
        model.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet = np.hstack(
        [keep[start], np.full((keep[start].shape[0], 6, 3), 255, np.uint8), keep[mid]]
    )
    cv2.imwrite(str(target), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    return found / video.n_frames


if __name__ == "__main__":
    raise SystemExit(main())

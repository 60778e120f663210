"""Render the bundled sample videos and their ground truth into ``sample_videos/``.

Each sample is a synthetic side-view set (640x480, 30 frames/s, H.264) drawn so that MediaPipe
Pose finds the athlete on every frame, with its exact ground truth beside it:
``<name>.json`` (Guru analysis JSON, ``guru_form.Analysis.load``) and ``<name>.truth.csv``
(per-frame true landmarks and angles). Seeds are fixed, so the output is the same every run.

Usage::

    python scripts/render_sample_videos.py            # all samples into sample_videos/
    python scripts/render_sample_videos.py --only squat --out /tmp/samples
    python scripts/render_sample_videos.py --overlays docs/samples   # + MediaPipe check PNGs

``--overlays`` (needs the ``pose`` extra) runs MediaPipe Pose over each new video and saves, per
sample, a PNG of a frame at rest and one at the first rep's turning point with MediaPipe's
landmarks (white/blue) over the true near-side joints (green), and prints the detection rate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

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
        ``--overlays``.

    Returns
    -------
    int
        The exit status, 0.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "sample_videos")
    parser.add_argument("--only", choices=sorted(SAMPLES), action="append")
    parser.add_argument("--overlays", type=Path, help="write MediaPipe check PNGs here")
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
            rate = write_overlay(video, args.overlays / f"{name}_mediapipe.png")
            print(f"  MediaPipe found the athlete on {rate:.1%} of frames")
    return 0


def write_overlay(video: SyntheticVideo, target: Path) -> float:
    """Run MediaPipe over the written video; save rest + turning-point frames with landmarks."""
    import av
    import cv2
    import mediapipe as mp

    start, mid, _ = video.rep_frames[0]
    keep: dict[int, np.ndarray] = {}
    found = 0
    pose = mp.solutions.pose.Pose(model_complexity=1, static_image_mode=False)
    assert video.path is not None
    with av.open(str(video.path)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            image = frame.to_ndarray(format="rgb24")
            result = pose.process(image)
            found += result.pose_landmarks is not None
            if i in (start, mid):
                drawn = image.copy()
                if result.pose_landmarks is not None:
                    mp.solutions.drawing_utils.draw_landmarks(
                        drawn, result.pose_landmarks, mp.solutions.pose.POSE_CONNECTIONS
                    )
                for joint in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle"):
                    x, y = video.projected.points[f"near_{joint}"][i]
                    cv2.circle(drawn, (round(x), round(y)), 4, (40, 220, 40), -1, cv2.LINE_AA)
                keep[i] = drawn
    pose.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet = np.hstack(
        [keep[start], np.full((keep[start].shape[0], 6, 3), 255, np.uint8), keep[mid]]
    )
    cv2.imwrite(str(target), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    return found / video.n_frames


if __name__ == "__main__":
    raise SystemExit(main())

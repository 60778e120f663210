"""Render the bundled sample videos and their ground truth into ``sample_videos/``.

Each sample is a synthetic side-view set (640x480, 30 frames/s, H.264) drawn so that MediaPipe
Pose finds the athlete on every frame, with its exact ground truth beside it:
``<name>.json`` (Guru analysis JSON, ``guru_form.Analysis.load``) and ``<name>.truth.csv``
(per-frame true landmarks and angles). Seeds are fixed, so the output is the same every run.

Usage::

    python scripts/render_sample_videos.py            # all samples into sample_videos/
    python scripts/render_sample_videos.py --only squat --out /tmp/samples
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from guru_form.synthetic import render_video  # noqa: E402

#: name -> keyword arguments of ``render_video``.
SAMPLES: dict[str, dict[str, Any]] = {
    "squat": {"activity": "squat", "reps": 4, "seed": 11, "facing": "right"},
    "push_up": {"activity": "push_up", "reps": 5, "seed": 12, "facing": "left"},
    "deadlift": {"activity": "deadlift", "reps": 4, "seed": 13, "facing": "right"},
    "bench_press": {"activity": "bench_press", "reps": 4, "seed": 14, "facing": "left"},
}
COMMON: dict[str, Any] = {"size": (640, 480), "fps": 30.0, "crf": 26, "preset": "slow"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "sample_videos")
    parser.add_argument("--only", choices=sorted(SAMPLES), action="append")
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

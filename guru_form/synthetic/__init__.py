"""Synthetic workout videos with exact ground truth, for tests, benchmarks and the sample videos.

A 2-D articulated athlete (adult proportions, clothed and shaded, face in profile, near and far
limbs, floor shadow) does squats, deadlifts, bench presses or push-ups along known joint-angle
trajectories; every frame carries its index as text and as a machine-readable strip; the ground
truth comes from the figure's exact joints through :mod:`guru_form.kinematics`.

- :func:`synthesize` — a set in memory: frames on demand, ``analysis()``, ``truth()``;
- :func:`render_video` — the same written to an H.264 MP4 (optionally with its ground truth);
- :func:`render_vfr_video`, :func:`render_rotated_video` — variable frame rate and rotated files;
- :func:`draw_frame_code` / :func:`read_frame_code` — the frame-index strip.

Examples
--------
>>> from guru_form.synthetic import synthesize
>>> video = synthesize("push_up", size=(320, 240), reps=2, seed=1)
>>> video.frame(0).shape
(240, 320, 3)
>>> [r.mid_ms for r in video.analysis().reps]
[1633, 3633]
"""

from guru_form.synthetic.frame_code import draw_frame_code, read_frame_code
from guru_form.synthetic.motion import Motion, RepSpec, plan_reps, simulate
from guru_form.synthetic.truth import ground_truth, truth_table
from guru_form.synthetic.video import (
    SyntheticVideo,
    render_rotated_video,
    render_vfr_video,
    render_video,
    synthesize,
    write_mp4,
)

__all__ = [
    "Motion",
    "RepSpec",
    "SyntheticVideo",
    "draw_frame_code",
    "ground_truth",
    "plan_reps",
    "read_frame_code",
    "render_rotated_video",
    "render_vfr_video",
    "render_video",
    "simulate",
    "synthesize",
    "truth_table",
    "write_mp4",
]

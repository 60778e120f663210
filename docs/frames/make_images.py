"""Regenerate the images of docs/frames/ from the sample videos.

    python docs/frames/make_images.py           # squat and push-up sheets, one annotated frame
    python docs/frames/make_images.py --all     # a sheet for every sample

The skeleton drawn here comes from the samples' ground-truth joints (``<name>.truth.csv``), put in
the pose-track layout that the local pose engine attaches to an analysis; with a real engine the
call is the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import guru_form as gf  # noqa: E402
from guru_form.frames import save_image  # noqa: E402

OUT = Path(__file__).resolve().parent
JOINTS = ("nose", "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")

#: Example coaching targets; the package itself has no built-in thresholds.
THRESHOLDS = {
    "squat": {"HIP_KNEE_ANGLE_DEGREES": gf.Threshold(high=0)},
    "push_up": {
        "ELBOW_ANGLE_DEGREES": gf.Threshold(high=90),
        "BODY_LINE_ANGLE_DEGREES": gf.Threshold(-10, 10),
    },
    "deadlift": {"LOCKOUT_HIP_ANGLE_DEGREES": gf.Threshold(low=170)},
    "bench_press": {"ELBOW_ANGLE_DEGREES": gf.Threshold(high=90)},
}


def truth_pose_track(name: str) -> pd.DataFrame:
    """The ground-truth joints of the side facing the camera, as pose-track columns."""
    truth = gf.sample_truth(name)
    track = pd.DataFrame({"frame": truth["frame"], "time_ms": truth["time_ms"]})
    for joint in JOINTS:
        src = "nose" if joint == "nose" else f"near_{joint}"
        track[f"{joint}_x"] = truth[f"{src}_x"]
        track[f"{joint}_y"] = truth[f"{src}_y"]
        track[f"{joint}_visibility"] = 1.0
    return track


def main() -> None:
    names = gf.sample_names() if "--all" in sys.argv else ["squat", "push_up"]
    for name in names:
        analysis = gf.sample_analysis(name)
        analysis.pose_track = truth_pose_track(name)
        gf.contact_sheet_for(
            gf.sample_path(name),
            analysis,
            thresholds=THRESHOLDS.get(name),
            path=OUT / f"{name}_contact_sheet.png",
        )
    squat = gf.sample_analysis("squat")
    squat.pose_track = truth_pose_track("squat")
    # Rep 3 is the first shallow one: its depth shows red against the "at or below parallel" target.
    (frame,) = gf.extract_rep_frames(
        gf.sample_path("squat"), squat, phases=("mid",), reps=[3], thresholds=THRESHOLDS["squat"]
    )
    save_image(frame.image, OUT / "annotated_frame.png")
    print("wrote", ", ".join(sorted(p.name for p in OUT.glob("*.png"))))


if __name__ == "__main__":
    main()

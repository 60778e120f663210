"""Regenerate the images of docs/frames/ from the sample videos and the real clips.

    python docs/frames/make_images.py           # squat and push-up sheets, one annotated frame
    python docs/frames/make_images.py --all     # a sheet for every sample
    python docs/frames/make_images.py --real    # also the real clips (needs the pose extra)

The skeleton drawn on the samples comes from their ground-truth joints (``<name>.truth.csv``), put
in the pose-track layout that the local pose engine attaches to an analysis; with a real engine
the call is the same. ``--real`` analyses ``tests/footage/squat_side_01.mp4`` and
``pushup_side_01.mp4`` with the local pose engine (every frame) and draws from its pose track: the
squat's bottom frame with its depth reference, and the push-up sheet whose middle column is the
frame of each rep's smallest elbow angle. ``--analyses DIR`` keeps those analyses in DIR (with
their pose tracks) and reuses them.
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


FOOTAGE = ROOT / "tests" / "footage"


def real_analysis(name: str, activity: str, folder: Path | None) -> gf.Analysis:
    """``tests/footage/<name>.mp4`` analysed by the local pose engine, kept in ``folder``."""
    from guru_form import pose

    saved = None if folder is None else folder / f"{name}.json"
    if saved is not None and saved.exists():
        return gf.Analysis.load(saved)
    analysis = pose.analyze_video(FOOTAGE / f"{name}.mp4", activity, progress=True)
    if saved is not None:
        analysis.save(saved)
    return analysis


def real_images(folder: Path | None) -> None:
    squat = real_analysis("squat_side_01", "squat", folder)
    (bottom,) = gf.extract_rep_frames(
        FOOTAGE / "squat_side_01.mp4",
        squat,
        phases=("mid",),
        reps=[1],
        thresholds=THRESHOLDS["squat"],
    )
    save_image(bottom.image, OUT / "squat_bottom_depth_reference.png")
    push = real_analysis("pushup_side_01", "push_up", folder)
    gf.contact_sheet_for(
        FOOTAGE / "pushup_side_01.mp4",
        push,
        thresholds=THRESHOLDS["push_up"],
        reps=[1, 2, 9, 10],
        cell_width=360,
        path=OUT / "pushup_side_01_sheet.png",
    )


def main() -> None:
    if "--real" in sys.argv:
        folder = None
        if "--analyses" in sys.argv:
            folder = Path(sys.argv[sys.argv.index("--analyses") + 1])
            folder.mkdir(parents=True, exist_ok=True)
        real_images(folder)
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

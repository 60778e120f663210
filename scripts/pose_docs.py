"""Write the pose engine's documentation pictures to docs/pose/ (needs the ``pose`` extra).

    python scripts/pose_docs.py                  # everything
    python scripts/pose_docs.py --samples-only   # only the sample sheets

- ``<clip>_reps.png``: the measured side's skeleton (plain OpenCV) on each rep's turning point of
  the real clips in tests/footage/ (the first four reps), with the engine's angle at that frame.
- ``sample_<name>.png``: the same on the sample videos' turning points, the ground-truth skeleton
  drawn thin in white beside the engine's; the caption gives the angle on that frame and, below
  it, the rep's key per-rep value (the scalar a coach reads) beside the truth's for that rep.
- ``squat_side_01_series.png``: the knee angle and hip height over time with the reps found.

The polished overlays are ``guru_form.frames``'; these are for checking the engine by eye.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from guru_form import samples  # noqa: E402
from guru_form.pose import analyze_video  # noqa: E402
from guru_form.video import VideoReader  # noqa: E402

OUT = ROOT / "docs" / "pose"
BONES = [
    ("nose", "shoulder"),
    ("shoulder", "elbow"),
    ("elbow", "wrist"),
    ("shoulder", "hip"),
    ("hip", "knee"),
    ("knee", "ankle"),
    ("ankle", "heel"),
    ("heel", "foot_index"),
    ("ankle", "foot_index"),
]
#: The per-rep analysisType captioned on the sample sheets.
KEY_ANALYSIS = {
    "squat": "KNEE_ANGLE_DEGREES",
    "deadlift": "LOCKOUT_HIP_ANGLE_DEGREES",
    "bench_press": "ELBOW_ANGLE_DEGREES",
    "push_up": "ELBOW_ANGLE_DEGREES",
}
KEY_ANGLE = {
    "squat": ("knee_angle", "knee"),
    "deadlift": ("hip_angle", "hip"),
    "bench_press": ("elbow_angle", "elbow"),
    "push_up": ("elbow_angle", "elbow"),
}


def _frames_at(path: Path, indices: list[int]) -> dict[int, np.ndarray]:
    with VideoReader(path) as reader:
        return {
            frame.index: cv2.cvtColor(frame.image, cv2.COLOR_RGB2BGR)
            for frame in reader.iter_frames_by_index(indices)
        }


def _point(row, joint: str, prefix: str = "") -> tuple[int, int] | None:
    x, y = row.get(f"{prefix}{joint}_x"), row.get(f"{prefix}{joint}_y")
    if x is None or y is None or not (np.isfinite(x) and np.isfinite(y)):
        return None
    return round(float(x)), round(float(y))


def _skeleton(image, row, color, width: int, prefix: str = "", nose: str = "nose") -> None:
    for a, b in BONES:
        pa = _point(row, nose if a == "nose" else a, "" if a == "nose" else prefix)
        pb = _point(row, b, prefix)
        if pa and pb:
            cv2.line(image, pa, pb, color, width, cv2.LINE_AA)
    for joint in {j for bone in BONES for j in bone} - {"nose"}:
        p = _point(row, joint, prefix)
        if p:
            cv2.circle(image, p, width + 2, color, -1, cv2.LINE_AA)


def _label(image, lines: list[str], scale: float) -> None:
    for i, text in enumerate(lines):
        org = (8, round((28 + 30 * i) * scale))
        font = cv2.FONT_HERSHEY_SIMPLEX
        cv2.putText(image, text, org, font, 0.8 * scale, (0, 0, 0), 5, cv2.LINE_AA)
        cv2.putText(image, text, org, font, 0.8 * scale, (255, 255, 255), 2, cv2.LINE_AA)


def rep_sheet(
    path: Path, activity: str, out: Path, *, truth=None, true_analysis=None, stride: int = 1
) -> None:
    """Write a sheet of the first four reps' turning points with the measured skeleton.

    ``truth`` (the per-frame truth table) adds the true skeleton and angle; ``true_analysis``
    (the true Analysis) adds the rep's key per-rep value beside the truth's.
    """
    analysis = analyze_video(path, activity, stride=stride)
    track = analysis.pose_track
    frame = track.frame
    angle, joint = KEY_ANGLE[activity]
    reps = analysis.reps[:4]  # at most four tiles: these pictures live in git
    rows = [frame.iloc[int(np.argmin(np.abs(frame["time_ms"] - r.mid_ms)))] for r in reps]
    images = _frames_at(path, [int(r["frame"]) for r in rows])
    tiles = []
    for i, row in enumerate(rows, 1):
        image = images[int(row["frame"])].copy()
        scale = min(image.shape[:2]) / 480
        width = max(2, round(3 * scale))
        if truth is not None:
            t = truth.set_index("frame").loc[int(row["frame"])]
            _skeleton(image, t, (255, 255, 255), max(1, width - 1), prefix="near_")
        _skeleton(image, row, (0, 200, 255), width)
        p = _point(row, joint)
        if p:
            cv2.circle(image, p, 4 * width, (0, 0, 255), width, cv2.LINE_AA)
        measured = f"{angle.replace('_angle', '')} {row[angle]:.0f} deg, {row['side']} side"
        if truth is not None:
            measured += f" (truth {t[angle]:.0f})"
        lines = [f"rep {i}  {row['time_ms'] / 1000:.2f} s", measured]
        if true_analysis is not None and true_analysis.reps:
            key = KEY_ANALYSIS[activity]
            rep = reps[i - 1]
            true_rep = min(true_analysis.reps, key=lambda r: abs(r.mid_ms - rep.mid_ms))
            if key in rep.analyses and key in true_rep.analyses:
                lines.append(
                    f"rep's {key.removesuffix('_DEGREES').lower()} {rep.analyses[key]:.0f} "
                    f"(truth {true_rep.analyses[key]:.0f})"
                )
        _label(image, lines, scale)
        height = 480 if image.shape[0] > image.shape[1] else 300
        tiles.append(cv2.resize(image, (round(image.shape[1] * height / image.shape[0]), height)))
    while len(tiles) % min(4, len(tiles)):
        tiles.append(np.zeros_like(tiles[0]))
    cols = min(4, len(tiles))
    grid = [np.hstack(tiles[i : i + cols]) for i in range(0, len(tiles), cols)]
    cv2.imwrite(str(out), np.vstack(grid), [cv2.IMWRITE_PNG_COMPRESSION, 9])
    print(f"wrote {out.relative_to(ROOT)} (first {len(rows)} of {len(analysis.reps)} reps)")


def series_chart(path: Path, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    analysis = analyze_video(path, "squat")
    f = analysis.pose_track.frame
    t = f["time_ms"] / 1000
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 5), sharex=True)
    ax1.plot(t, f["knee_angle"], color="tab:blue")
    ax1.set_ylabel("knee angle (deg)")
    ax2.plot(t, f["hip_y"], color="tab:green")
    ax2.invert_yaxis()
    ax2.set_ylabel("hip height (px, up)")
    ax2.set_xlabel("time (s)")
    for rep in analysis.reps:
        for ax in (ax1, ax2):
            ax.axvspan(rep.start_ms / 1000, rep.end_ms / 1000, color="tab:orange", alpha=0.2)
            ax.axvline(rep.mid_ms / 1000, color="tab:red", lw=1)
    ax1.set_title(f"{path.name}: {len(analysis.reps)} reps found (shaded; red line = bottom)")
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    print(f"wrote {out.relative_to(ROOT)}")


def main() -> None:
    """Write the pictures (``--samples-only``: only the sample sheets)."""
    OUT.mkdir(parents=True, exist_ok=True)
    if "--samples-only" not in sys.argv[1:]:
        footage = ROOT / "tests" / "footage"
        rep_sheet(footage / "squat_side_01.mp4", "squat", OUT / "squat_side_01_reps.png")
        rep_sheet(footage / "pushup_side_01.mp4", "push_up", OUT / "pushup_side_01_reps.png")
        series_chart(footage / "squat_side_01.mp4", OUT / "squat_side_01_series.png")
    for name in samples.sample_names():
        rep_sheet(
            samples.sample_path(name),
            name,
            OUT / f"sample_{name}.png",
            truth=samples.sample_truth(name),
            true_analysis=samples.sample_analysis(name),
        )


if __name__ == "__main__":
    main()

"""Check guru_form's pose interchange on a real clip against the other tools themselves.

Two steps, in two environments (movement and OpenSim need numpy 2, the pose extra numpy 1):

``python -m scripts.interop_check write CLIP ACTIVITY OUT`` (in ``.venv``, with the pose extra)
    runs the pose engine on CLIP and writes to OUT: the analysis (``NAME.json``, track beside it),
    the track as OpenSim files (``NAME_m.trc`` in metres for a 175 cm athlete, ``NAME_px.trc``,
    ``NAME.mot``), and the model's raw keypoints of both sides as a DeepLabCut CSV written by hand
    (``NAMEDLC.csv``: the source a DeepLabCut user would bring).

``python -m scripts.interop_check check OUT`` (in ``.venv-movement``, ``make test-movement``)
    reads every ``.trc`` and ``.mot`` with OpenSim and Pose2Sim, reads the tracks back into
    guru_form (``PoseTrack.from_trc``; the DeepLabCut CSV through movement's loader and
    ``PoseTrack.from_movement``), analyses them into reps and prints them beside the engine's.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

HEIGHT_CM = 175.0


def write(clip: Path, activity: str, out: Path) -> None:
    from guru_form.joints import JOINTS
    from guru_form.pose import analyze_track
    from guru_form.pose.estimator import estimate_video
    from guru_form.pose.track import build_track

    out.mkdir(parents=True, exist_ok=True)
    name = clip.stem
    raw = estimate_video(clip, stride=2)
    track = build_track(raw, activity)
    analysis = analyze_track(track)
    analysis.save(out / f"{name}.json")
    track.to_trc(out / f"{name}_m.trc", athlete_height_cm=HEIGHT_CM)
    track.to_trc(out / f"{name}_px.trc")
    track.to_mot(out / f"{name}.mot")
    with (out / f"{name}DLC.csv").open("w", newline="") as fh:
        rows = csv.writer(fh)
        rows.writerow(["scorer"] + ["guru_form_mediapipe"] * 3 * len(JOINTS))
        rows.writerow(["bodyparts"] + [j for j in JOINTS for _ in range(3)])
        rows.writerow(["coords"] + ["x", "y", "likelihood"] * len(JOINTS))
        for i, frame in enumerate(raw.landmarks):
            cells: list[object] = [i]
            for x, y, _depth, visibility in frame:
                cells += [x, y, visibility]
            rows.writerow(cells)
    (out / f"{name}.meta.json").write_text(
        json.dumps({"activity": activity, "fps": raw.video.fps, "stride": 2})
    )
    print(f"{name}: {analysis.rep_count} reps, {len(track)} frames -> {out}")


def _mids(analysis: object) -> list[float]:
    return [round(r.mid_ms / 1000, 2) for r in analysis.reps]  # type: ignore[attr-defined]


def check(out: Path) -> None:
    import opensim as osim
    from Pose2Sim.common import read_mot, read_trc

    from guru_form.models import Analysis
    from guru_form.pose import analyze_track
    from guru_form.pose_track import PoseTrack

    for meta_path in sorted(out.glob("*.meta.json")):
        name = meta_path.name.removesuffix(".meta.json")
        meta = json.loads(meta_path.read_text())
        engine = Analysis.load(out / f"{name}.json")
        print(f"\n{name} ({meta['activity']}): engine {engine.rep_count} reps at {_mids(engine)} s")
        for trc in (out / f"{name}_m.trc", out / f"{name}_px.trc"):
            table = osim.TimeSeriesTableVec3(str(trc))
            _, _, _, markers, _ = read_trc(str(trc))
            track = PoseTrack.from_trc(trc, activity=meta["activity"])
            again = analyze_track(track)
            print(
                f"  {trc.name}: OpenSim {table.getNumRows()} rows x {table.getNumColumns()} markers "
                f"({table.getTableMetaDataAsString('Units')}); Pose2Sim {len(markers)} markers; "
                f"read back: {again.rep_count} reps at {_mids(again)} s"
            )
        motion = osim.TimeSeriesTable(str(out / f"{name}.mot"))
        angles, _, _ = read_mot(str(out / f"{name}.mot"))
        print(
            f"  {name}.mot: OpenSim {motion.getNumRows()} rows x {motion.getNumColumns()} angles "
            f"(inDegrees={motion.getTableMetaDataAsString('inDegrees')}); Pose2Sim "
            f"{angles.shape[0]} rows x {angles.shape[1]} angles"
        )
        from movement.io import load_dataset

        ds = load_dataset(
            out / f"{name}DLC.csv", source_software="DeepLabCut", fps=meta["fps"] / meta["stride"]
        )
        theirs = analyze_track(PoseTrack.from_movement(ds, activity=meta["activity"]))
        print(
            f"  {name}DLC.csv via movement {ds.attrs.get('source_software')}: {theirs.rep_count} reps at "
            f"{_mids(theirs)} s (time from the frame rate, not the video's timestamps)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="step", required=True)
    w = sub.add_parser("write")
    w.add_argument("clip", type=Path)
    w.add_argument("activity")
    w.add_argument("out", type=Path)
    c = sub.add_parser("check")
    c.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.step == "write":
        write(args.clip, args.activity, args.out)
    else:
        check(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

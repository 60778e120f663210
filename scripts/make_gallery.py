"""Render every chart of guru_form.plots to docs/gallery/*.png.

Usage::

    python scripts/make_gallery.py [ANALYSIS.json ...] [--out docs/gallery] [--dpi 100]

With no files it renders the sample videos' analyses (``sample_videos/*.json``: squat, deadlift,
bench press and push-up), five charts each, and compares the sets on the metric they share
(mean concentric velocity) for the two session charts. Only when no analysis file is found do the
synthetic example sets of ``guru_form.tables.examples`` stand in. The thresholds below are the
gallery's coaching choices (parallel squat, 90 degree push-up and bench, 170 degree lockout, 20 %
velocity loss), passed explicitly.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib.pyplot as plt
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from guru_form import (
    Activity,
    Analysis,
    plots,
)
from guru_form import tables as gt
from guru_form.errors import InvalidInputError
from guru_form.metrics import ANALYSIS_TYPES, key_metric
from guru_form.plots._style import activity_name
from guru_form.tables.examples import example_analysis, example_sessions

ROOT = Path(__file__).resolve().parents[1]

# Per activity: (flagging function and limit, target band of the key metric)
DEPTH_LIMIT = {Activity.SQUAT: 0.0, Activity.PUSH_UP: 90.0, Activity.BENCH_PRESS: 90.0}
DEPTH_TARGET = {
    Activity.SQUAT: (-20.0, 0.0),
    Activity.PUSH_UP: (60.0, 90.0),
    Activity.BENCH_PRESS: (60.0, 90.0),
}
LOCKOUT_LIMIT = {Activity.DEADLIFT: 170.0}
LOCKOUT_TARGET = {Activity.DEADLIFT: (170.0, 182.0)}
TEMPO_TOLERANCE = 0.2
LOSS_THRESHOLD = 20.0
#: Metrics the session charts prefer when the sets are of different activities.
SHARED_METRICS = ("MEAN_CONCENTRIC_VELOCITY_M_PER_S", "MEAN_CONCENTRIC_VELOCITY_BH_PER_S")


def load_inputs(paths: list[Path]) -> dict[str, Analysis]:
    if not paths:
        paths = sorted((ROOT / "sample_videos").glob("*.json"))
    found: dict[str, Analysis] = {}
    for path in paths:
        try:
            analysis = Analysis.load(path)
        except InvalidInputError as exc:
            print(f"skipped {path}: {exc}")
            continue
        if not analysis.reps:
            print(f"skipped {path}: no reps ({analysis.status.value})")
            continue
        found[path.stem] = analysis
    if not found:
        print("no analysis files given or found: using the synthetic example sets")
        found = {
            "squat": example_analysis("squat", seed=3),
            "deadlift": example_analysis("deadlift", seed=1),
            "push_up": example_analysis("push_up", seed=2),
        }
    return found


def flagged(activity: Activity | None, frame: pd.DataFrame) -> pd.DataFrame:
    if activity in DEPTH_LIMIT:
        frame = gt.flag_depth(frame, DEPTH_LIMIT[activity])
    if activity in LOCKOUT_LIMIT:
        frame = gt.flag_lockout(frame, LOCKOUT_LIMIT[activity])
    return gt.flag_tempo(frame, TEMPO_TOLERANCE)


def target_for(activity: Activity | None) -> tuple[float, float] | None:
    if activity is None:
        return None
    return DEPTH_TARGET.get(activity) or LOCKOUT_TARGET.get(activity)


def save(fig: Any, out: Path, name: str, dpi: int) -> None:
    path = out / f"{name}.png"
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def render(analyses: dict[str, Analysis], out: Path, dpi: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, analysis in analyses.items():
        frame = flagged(analysis.activity, gt.reps_frame(analysis))
        target = target_for(analysis.activity)
        save(plots.plot_metric(frame, target=target).figure, out, f"{name}_metric", dpi)
        save(plots.plot_tempo(frame).figure, out, f"{name}_tempo", dpi)
        save(plots.plot_timeline(frame).figure, out, f"{name}_timeline", dpi)
        if any(c.startswith("MEAN_CONCENTRIC_VELOCITY") for c in frame.columns):
            ax = plots.plot_velocity(frame, loss_threshold=LOSS_THRESHOLD)
            save(ax.figure, out, f"{name}_velocity", dpi)
        save(plots.plot_dashboard(frame, target=target), out, f"{name}_dashboard", dpi)

    sessions, key, metric = comparison(analyses)
    combined = gt.combine(sessions, key=key)
    activities = {a.activity for a in sessions.values()}
    target = target_for(activities.pop()) if len(activities) == 1 else None
    ax = plots.plot_session_comparison(combined, metric, key=key, target=target)
    save(ax.figure, out, "sessions_box", dpi)
    ax = plots.plot_session_comparison(combined, metric, key=key, kind="line", target=target)
    save(ax.figure, out, "sessions_line", dpi)


def comparison(analyses: dict[str, Analysis]) -> tuple[dict[str, Analysis], str, str]:
    """What the session charts compare: ``(label -> analysis, key, metric)``.

    Two or more sets of one activity are compared on that activity's key metric (sessions of
    one athlete, say). Otherwise every set that has the first metric they share -- mean concentric
    velocity first, whose per-rep line shows how each set slowed -- is compared on it (the four
    sample videos). Only with nothing shared do the example weeks of squats stand in.
    """
    by_activity: dict[Activity | None, dict[str, Analysis]] = {}
    for name, analysis in analyses.items():
        by_activity.setdefault(analysis.activity, {})[name] = analysis
    same = next((group for group in by_activity.values() if len(group) >= 2), None)
    if same is not None:
        first = next(iter(same.values()))
        return same, "session", key_metric(gt.reps_frame(first))
    columns = {name: set(gt.reps_frame(a).columns) for name, a in analyses.items()}
    shared = set.intersection(*columns.values()) if len(columns) >= 2 else set()
    for metric in (*SHARED_METRICS, *sorted(shared)):
        if metric in shared and metric in ANALYSIS_TYPES:
            labelled = {activity_label(name, a): a for name, a in analyses.items()}
            return labelled, "set", metric
    print("no two analyses share a metric: the session charts use example weeks of squats")
    weeks = dict(example_sessions("squat"))
    return weeks, "session", key_metric(gt.reps_frame(next(iter(weeks.values()))))


def activity_label(name: str, analysis: Analysis) -> str:
    """``"Bench press"`` for the sample ``bench_press``; the file name for anything else."""
    if analysis.activity is not None and name == analysis.activity.value:
        return activity_name(analysis.activity)
    return name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="Analysis JSON files")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "gallery")
    parser.add_argument("--dpi", type=int, default=100)
    args = parser.parse_args(argv)
    render(load_inputs(args.files), args.out, args.dpi)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

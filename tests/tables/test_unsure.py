"""Values the engine is unsure of: the rep table, the flags, set figures, the report, the charts,
the cards, and the repeatability benchmark's pairing rule."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import matplotlib
import pandas as pd
import pytest

from guru_form import plots
from guru_form.frames.annotate import UNSURE_GREY, rep_card, scalar_rows
from guru_form.metrics import UNSURE, Threshold, unsure_of
from guru_form.models import Activity, Analysis, Rep, Status
from guru_form.plots.markers import UNSURE_COLOR
from guru_form.report.content import set_section
from guru_form.report.rules import apply_rules
from guru_form.tables import (
    combine,
    flag_depth,
    flag_velocity_loss,
    reps_frame,
    set_summary,
    set_velocity_loss,
    summarize,
)

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
LOST = "the wrist hidden, visibility 0.21"


def _bench(unsure_rep: int | None = 2) -> Analysis:
    """Four bench-press reps; rep ``unsure_rep``'s smallest elbow angle (8°, which would fail and
    drag the mean) and its velocity are unsure."""
    reps = []
    for k, (elbow, velocity) in enumerate([(70.0, 0.40), (8.0, 0.60), (75.0, 0.36), (72.0, 0.34)]):
        rep = Rep(
            2000 * k,
            2000 * k + 900,
            2000 * k + 1800,
            {
                "ELBOW_ANGLE_DEGREES": elbow,
                "LOCKOUT_ELBOW_ANGLE_DEGREES": 170.0,
                "MEAN_CONCENTRIC_VELOCITY_BH_PER_S": velocity,
            },
        )
        if k + 1 == unsure_rep:
            rep.unsure = {"ELBOW_ANGLE_DEGREES": LOST, "MEAN_CONCENTRIC_VELOCITY_BH_PER_S": LOST}
        reps.append(rep)
    return Analysis(None, Status.COMPLETE, activity=Activity.BENCH_PRESS, reps=reps)


def test_the_rep_table_lists_unsure_values_and_a_clean_set_has_no_column() -> None:
    frame = reps_frame(_bench())
    assert frame[UNSURE].tolist() == [
        None,
        f"ELBOW_ANGLE_DEGREES: {LOST}; MEAN_CONCENTRIC_VELOCITY_BH_PER_S: {LOST}",
        None,
        None,
    ]
    assert unsure_of(frame, "ELBOW_ANGLE_DEGREES").tolist() == [None, LOST, None, None]
    assert unsure_of(frame, "LOCKOUT_ELBOW_ANGLE_DEGREES").isna().all()
    assert UNSURE not in reps_frame(_bench(None)).columns
    # reps.csv keeps it as text, and reads back to the same column.
    back = pd.read_csv(pd.io.common.StringIO(frame.to_csv(index=False)))
    assert back[UNSURE].iloc[1] == frame[UNSURE].iloc[1]


def test_a_flag_on_an_unsure_value_is_neither_failed_nor_borderline_but_unsure() -> None:
    frame = reps_frame(_bench())
    flagged = flag_depth(frame, 60.0, margin=0)  # 70°, 75°, 72° fail; 8° would pass
    assert flagged["flag_shallow"].tolist() == [True, False, True, True]
    assert flagged["unsure_shallow"].tolist() == [False, True, False, False]
    near = flag_depth(frame, 10.0, margin=5.0)  # 8° would be borderline
    assert near["borderline_shallow"].tolist() == [False] * 4
    assert near["unsure_shallow"].tolist() == [False, True, False, False]
    # A set whose values are all sure gets no unsure column: as from the hosted API.
    assert "unsure_shallow" not in flag_depth(reps_frame(_bench(None)), 60.0, margin=0).columns


def test_set_figures_leave_unsure_values_out() -> None:
    frame = reps_frame(_bench())
    # Rep 2's unsure 0.60 would be the best: without it the best is rep 1's 0.40, the last 0.34.
    assert set_velocity_loss(frame) == pytest.approx(15.0)
    assert set_velocity_loss(reps_frame(_bench(None))) == pytest.approx(100 * (0.6 - 0.34) / 0.6)
    losses = flag_velocity_loss(frame, 20.0, margin=0)
    assert losses["unsure_velocity_loss"].tolist() == [False, True, False, False]
    summary = summarize(frame)
    assert summary.loc["ELBOW_ANGLE_DEGREES", "count"] == 3
    assert summary.loc["ELBOW_ANGLE_DEGREES", "mean"] == pytest.approx((70 + 75 + 72) / 3)
    assert summary.loc["ELBOW_ANGLE_DEGREES", "unsure"] == 1
    assert set_summary(frame).iloc[0]["velocity_unsure"] == 1
    # Sessions combined keep the marks: each session's loss leaves its own unsure rep out.
    both = combine({"Mon": _bench(), "Thu": _bench(None)}, wide=True)
    assert both[UNSURE].notna().tolist() == [False, True, False, False] + [False] * 4
    losses = set_velocity_loss(both, by="session")
    assert losses["Mon"] == pytest.approx(15.0)
    assert losses["Thu"] == pytest.approx(100 * (0.6 - 0.34) / 0.6)


def test_the_report_reads_unsure_pose_lost_and_says_what_it_left_out() -> None:
    thresholds = {"ELBOW_ANGLE_DEGREES": Threshold(high=60.0)}
    flagged, rules = apply_rules(reps_frame(_bench()), thresholds, velocity_loss_limit=20.0)
    depth = next(r for r in rules if r.flag == "flag_shallow")
    row = flagged.iloc[1]
    assert depth.why(row) == f"{depth.reason(row)}: unsure (pose lost: {LOST})"
    assert "unsure" not in str(depth.why(flagged.iloc[0]))  # 70° is judged as before
    section = set_section(_bench(), video=None, thresholds=thresholds, tempo_tolerance=None)
    rep2 = next(f for f in section.flagged if f.rep == 2)
    assert rep2.reasons == [] and rep2.borderline == []
    assert any(line.endswith(f"unsure (pose lost: {LOST})") for line in rep2.unsure)
    stats = {s.label: s for s in section.stats}
    assert "1 unsure" in stats["Reps"].detail
    assert "rep 2 (velocity unsure: pose lost)" in stats["Velocity loss"].detail
    assert section.reps is not None
    cells = section.reps.rows[1]
    assert any(c.style == "num unsure" for c in cells)
    assert "shallow (unsure)" in cells[-1].text
    # A clean rep reads as before.
    rep1 = next(f for f in section.flagged if f.rep == 1)
    assert rep1.unsure == [] and (rep1.reasons or rep1.borderline)


def test_charts_mark_an_unsure_rep_with_its_flags_shape_open_in_grey() -> None:
    frame = flag_depth(reps_frame(_bench()), 60.0, margin=0)
    ax = plots.plot_metric(frame, "ELBOW_ANGLE_DEGREES")
    unsure = [line for line in ax.get_lines() if "unsure" in str(line.get_label()).lower()]
    assert len(unsure) == 2
    lane = next(line for line in unsure if line.get_marker() == "v")
    assert (
        lane.get_mec() == UNSURE_COLOR and lane.get_label() == "Shallow, unsure: pose lost (1 rep)"
    )
    point = next(line for line in unsure if line.get_marker() == "o")  # the value itself, open grey
    assert point.get_mec() == UNSURE_COLOR and list(point.get_xdata()) == [2]
    bars = plots.plot_velocity(frame, loss_threshold=20, margin=0)
    legend = [t.get_text() for t in bars.get_legend().get_texts()]
    assert "Unsure: pose lost (1 rep, not judged)" in legend
    matplotlib.pyplot.close("all")


def test_cards_show_an_unsure_value_in_grey_without_a_verdict() -> None:
    (row,) = scalar_rows(
        {"ELBOW_ANGLE_DEGREES": 8.0},
        {"ELBOW_ANGLE_DEGREES": (None, 60.0)},
        unsure={"ELBOW_ANGLE_DEGREES": LOST},
    )
    assert row.color == UNSURE_GREY and row.missed == "unsure: pose lost"
    (sure,) = scalar_rows({"ELBOW_ANGLE_DEGREES": 8.0}, {"ELBOW_ANGLE_DEGREES": (None, 60.0)})
    assert sure.color != UNSURE_GREY and sure.missed is None
    card = rep_card(
        {"ELBOW_ANGLE_DEGREES": 8.0},
        title="Rep 2",
        width=300,
        height=160,
        thresholds={"ELBOW_ANGLE_DEGREES": (None, 60.0)},
        unsure={"ELBOW_ANGLE_DEGREES": LOST},
    )
    assert (card == UNSURE_GREY).all(axis=2).any()


def _load(relative: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(Path(relative).stem + "_script", ROOT / relative)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_repeatability_benchmark_pairs_only_values_both_runs_are_sure_of() -> None:
    bench = _load("benchmarks/repeatability.py")

    def run(values: list[float], unsure: list[str | None]) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "rep": [1, 2, 3],
                "mid_s": [1.0, 3.0, 5.0],
                "duration_s": [1.5, 1.5, 1.5],
                "ELBOW_ANGLE_DEGREES": values,
                UNSURE: unsure,
            }
        )

    a = run([70.0, 8.0, 72.0], [None, "ELBOW_ANGLE_DEGREES: the wrist hidden", None])
    b = run([71.0, 60.0, 70.0], [None, None, "ELBOW_ANGLE_DEGREES: the elbow angle jumped"])
    runs = {("original", 1): a, ("original", 2): b}
    sure, every, counts = bench.differences(runs, [(("original", 1), ("original", 2))])
    assert sure["ELBOW_ANGLE_DEGREES"] == [-1.0]  # rep 2 unsure in a, rep 3 unsure in b
    assert every["ELBOW_ANGLE_DEGREES"] == [-1.0, -52.0, 2.0]
    assert sure["duration_s"] == every["duration_s"] == [0.0, 0.0, 0.0]
    assert counts == [("original/stride 1", "original/stride 2", 3, 3, 3)]


def test_unsure_values_travel_from_a_server_over_http_into_the_clients_analysis(
    tmp_path: Path,
) -> None:
    import guru_form as gf
    from guru_form import GuruClient
    from guru_form.testing import LocalServer
    from tests.tables._unsure_engine import WHY

    engine = "tests.tables._unsure_engine:UnsureEngine"
    with LocalServer(tmp_path / "server", engine=engine) as server:
        client = GuruClient(**server.client_kwargs(), cache_dir=tmp_path / "cache")
        try:
            analysis = client.analyze(gf.sample_path("squat"), activity="squat", progress=False)
        finally:
            client.close()
    first = next(iter(analysis.reps[1].analyses))
    assert analysis.reps[1].unsure == {first: WHY}
    assert all(not rep.unsure for k, rep in enumerate(analysis.reps) if k != 1)
    frame = reps_frame(analysis)
    assert unsure_of(frame, first).tolist()[1] == WHY

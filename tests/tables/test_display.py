"""Notebook tables: headers in words with units, numbers at their unit's precision."""

from __future__ import annotations

import pandas as pd
import pytest

import guru_form as gf
from guru_form.errors import InvalidInputError
from guru_form.tables import flag_depth, readable, reps_frame, set_summary, summarize
from guru_form.tables.examples import example_analysis


def test_rep_table_reads_in_words_and_keeps_its_numbers() -> None:
    reps = flag_depth(reps_frame(example_analysis("squat", reps=3)), 0.0, margin=1.0)
    reps["MEAN_CONCENTRIC_VELOCITY_M_PER_S"] = [0.34, 0.3449, 0.2]
    shown = readable(reps)
    headers = list(shown.data.columns)
    assert headers[:5] == [
        "Rep",
        "Start (ms)",
        "Turning point (ms)",
        "End (ms)",
        "Rep duration (s)",
    ]
    assert "Squat depth (deg)" in headers and "HIP_KNEE_ANGLE_DEGREES" not in headers
    assert headers[-2:] == ["Shallow", "Shallow, borderline"]
    html = shown.to_html()
    assert ">0.34<" in html and ">0.3<" not in html  # 0.34 m/s is not rounded to 0.3
    assert list(reps.columns)[7] == "HIP_KNEE_ANGLE_DEGREES"  # the frame is unchanged
    api = readable(reps, names="api").data
    assert list(api.columns) == list(reps.columns)
    pd.testing.assert_frame_equal(api, reps)


def test_summary_rows_are_written_in_their_own_units() -> None:
    analysis = example_analysis("push_up", reps=4)
    shown = readable(summarize(analysis))
    assert shown.data.index.name == "Metric"
    assert "Elbow angle (deg)" in shown.data.index
    text = shown.to_string()
    velocity = next(line for line in text.splitlines() if line.startswith("Mean concentric"))
    mean = summarize(analysis).loc["MEAN_CONCENTRIC_VELOCITY_BH_PER_S", "mean"]
    assert f"{mean:.2f}" in velocity.split()
    assert "Time under tension (s)" in readable(set_summary(analysis)).data.columns


def test_readable_is_top_level_and_refuses_what_is_not_a_frame() -> None:
    assert gf.readable is readable
    with pytest.raises(InvalidInputError, match="DataFrame"):
        readable([1, 2])  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="names"):
        readable(pd.DataFrame({"rep": [1]}), names="nope")  # type: ignore[arg-type]

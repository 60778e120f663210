"""Frames for the chart tests: empty, one rep and many reps, flagged."""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from guru_form import Analysis
from guru_form.tables import flag_depth, flag_tempo, reps_frame
from guru_form.tables.examples import example_analysis

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _no_show_and_close(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a chart function called plt.show()")

    monkeypatch.setattr(plt, "show", refuse)
    yield
    plt.close("all")


def squat_frame(reps: int) -> pd.DataFrame:
    if reps == 0:
        return reps_frame(Analysis.from_json({"status": "Complete", "activity": "squat"}))
    frame = reps_frame(example_analysis("squat", reps=reps, seed=4))
    return flag_tempo(flag_depth(frame, 0.0), 0.2)


@pytest.fixture(params=[0, 1, 40], ids=["empty", "one-rep", "many-reps"])
def frame(request: pytest.FixtureRequest) -> pd.DataFrame:
    return squat_frame(int(request.param))

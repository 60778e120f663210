"""Reports built once per session from the squat sample (its ground truth and its video)."""

from __future__ import annotations

from pathlib import Path

import pytest

import guru_form as gf
from guru_form.report import build_report
from guru_form.tables.examples import example_sessions

#: Text a user might type that must never become markup.
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "Sam"'


@pytest.fixture(scope="session")
def squat_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The squat sample's report, with hostile title, athlete and notes."""
    out = tmp_path_factory.mktemp("report") / "squat.html"
    return build_report(
        gf.sample_analysis("squat"),
        gf.sample_path("squat"),
        out,
        title=f"Title {HOSTILE}",
        athlete=f"Athlete {HOSTILE}",
        notes=f"Line one\nNotes {HOSTILE}",
    )


@pytest.fixture(scope="session")
def sessions_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four weeks of example squat sessions, the second labelled with hostile text."""
    weeks = example_sessions("squat", sessions=4)
    labelled = {
        ("Week 2 " + HOSTILE if label == "Week 2" else label): a for label, a in weeks.items()
    }
    out = tmp_path_factory.mktemp("report") / "sessions.html"
    return build_report(labelled, path=out, athlete="Sam")

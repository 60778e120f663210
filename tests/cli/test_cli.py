"""The guru-form command, run as a user runs it (a new process, its own guru_form home)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from guru_form.cli import build_parser
from guru_form.tables import read_csv

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, home: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GURU_FORM_HOME": str(home), "MPLBACKEND": "Agg"}
    env.pop("GURU_CLIENT_ID", None)
    env.pop("GURU_CLIENT_SECRET", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "guru_form", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


@pytest.mark.slow
def test_demo_on_the_reference_engine_writes_results_that_match_the_truth(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _run("demo", "--engine", "reference", "--out", str(out), "--no-progress", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "engine: reference" in done.stdout
    assert f"results in {out.resolve()}" in done.stdout
    for name in ("squat", "push_up"):
        analysis = json.loads((out / name / "analysis.json").read_text())
        truth = json.loads((ROOT / "sample_videos" / f"{name}.json").read_text())
        assert analysis["status"] == "Complete"
        assert analysis["reps"] == truth["reps"]
        frame = read_csv(out / name / "reps.csv")
        assert len(frame) == len(truth["reps"])
        assert (out / name / "dashboard.png").stat().st_size > 10_000
    squat_line = next(line for line in done.stdout.splitlines() if line.startswith("squat"))
    assert "0 ms" in squat_line


def test_errors_exit_1_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    done = _run("demo", "--engine", "nonsense", "--out", str(tmp_path / "o"), home=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("guru-form: error:")
    assert "Traceback" not in done.stderr


def test_parser_knows_every_command() -> None:
    parser = build_parser()
    assert parser.parse_args(["serve", "--port", "0"]).port == 0
    assert parser.parse_args(["demo"]).engine == "auto"
    with pytest.raises(SystemExit):
        parser.parse_args(["frobnicate"])

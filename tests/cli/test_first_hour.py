"""A coach's first hour with ``guru-form analyze`` (issue 18): folders, an activity per video,
recognition, videos with no reps, the switches a coach expects, and one-line errors.

Each test runs the command as a user does (a new process with its own guru_form home). The
engine is ``tests.cli._engines:ActivityEngine``: it answers the sample videos as a pose engine
would, finding no reps when told the wrong activity.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import guru_form as gf

ROOT = Path(__file__).resolve().parents[2]
ENGINE = "tests.cli._engines:ActivityEngine"


def _run(
    *args: str, home: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "GURU_FORM_HOME": str(home), "MPLBACKEND": "Agg", **(env or {})}
    full.pop("GURU_CLIENT_ID", None)
    full.pop("GURU_CLIENT_SECRET", None)
    full["PYTHONPATH"] = os.pathsep.join([str(ROOT), full.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "guru_form", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=full,
        check=False,
        cwd=home,
    )


def _analyze(
    *args: str, home: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return _run("analyze", *args, "--engine", ENGINE, home=home, env=env)


@pytest.fixture
def footage(tmp_path: Path) -> Path:
    """A coach's folder: a squat set, a push-up set, two deadlift sets and their notes."""
    folder = tmp_path / "footage"
    folder.mkdir()
    for name, sample in (
        ("squats.mp4", "squat"),
        ("pushups.mp4", "push_up"),
        ("deadlift_set1.mp4", "deadlift"),
        ("deadlift_set2.mp4", "deadlift"),
    ):
        shutil.copy(gf.sample_path(sample), folder / name)
    (folder / "notes.txt").write_text("week 3")
    return folder


@pytest.mark.slow
def test_a_folder_with_its_activities_recognised(footage: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _analyze(str(footage), "--activity", "auto", "--out", str(out), home=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"{footage}/: 4 videos (skipped 1 file that is not a video: notes.txt)"
    assert "analysing 4 videos on the local server" in lines[1]
    assert "note: pushups.mp4: recognised as push-up (confidence 87 %)" in lines
    assert f"pushups.mp4: 5 reps (push-up) -> {out / 'pushups'}" in lines
    # The report across videos lists all four without comparing them; the deadlifts, two sets
    # of one activity, are compared in a report of their own.
    overview = (out / "report.html").read_text()
    assert "Sets in this report" in overview and "Progress across sessions" not in overview
    deadlifts = (out / "report-deadlift.html").read_text()
    assert "Progress across sessions" in deadlifts and "2 sessions of deadlift" in deadlifts
    assert not (out / "report-squat.html").exists()
    assert f"deadlift: {(out / 'report-deadlift.html').resolve()}" in lines
    assert lines[-1] == f"report: {(out / 'report.html').resolve()}"


@pytest.mark.slow
def test_the_wrong_activity_gives_no_reps_a_warning_and_exit_code_1(
    footage: Path, tmp_path: Path
) -> None:
    videos = [str(footage / "squats.mp4"), str(footage / "pushups.mp4")]
    done = _analyze(*videos, "--activity", "squat", "--out", str(tmp_path / "a"), home=tmp_path)
    assert done.returncode == 1
    assert "warning: pushups.mp4: no reps found as a squat. Check that it is a squat" in done.stderr
    assert "guru-form: no reps in pushups.mp4: give each video its activity" in done.stderr
    assert "Traceback" not in done.stderr
    allowed = _analyze(
        *videos, "--activity", "squat", "--allow-empty", "--out", str(tmp_path / "b"),
        home=tmp_path,
    )  # fmt: skip
    assert allowed.returncode == 0, allowed.stderr
    assert "warning: pushups.mp4: no reps found" in allowed.stderr
    fixed = _analyze(
        videos[0], f"{videos[1]}:push-ups", "--activity", "Squats", "--out",
        str(tmp_path / "c"), home=tmp_path,
    )  # fmt: skip
    assert fixed.returncode == 0, fixed.stderr
    assert "pushups.mp4: 5 reps (push-up)" in fixed.stdout
    overview = (tmp_path / "c" / "report.html").read_text()
    assert "Sets in this report" in overview  # a squat and a push-up set: not compared


@pytest.mark.slow
def test_switches_rep_count_height_no_cache_open(footage: Path, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > "{opened}"\n')
    browser.chmod(browser.stat().st_mode | stat.S_IEXEC)
    out = tmp_path / "out"
    done = _analyze(
        str(footage / "squats.mp4"), "--activity", "squat", "--rep-count", "6",
        "--athlete-height", "180", "--no-cache", "--open", "--out", str(out),
        home=tmp_path, env={"BROWSER": str(browser)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "warning: squats.mp4: found 4 reps, expected 6" in done.stderr
    report = (out / "squats" / "report.html").resolve()
    assert opened.read_text().strip() == report.as_uri()
    saved = json.loads((out / "squats" / "analysis.json").read_text())
    truth = gf.sample_analysis("squat")
    for rep, true in zip(saved["reps"], truth.reps, strict=True):
        values = {a["analysisType"]: a["analysisScalar"] for a in rep["analyses"]}
        assert "MEAN_CONCENTRIC_VELOCITY_BH_PER_S" not in values
        assert values["MEAN_CONCENTRIC_VELOCITY_M_PER_S"] == pytest.approx(
            true.analyses["MEAN_CONCENTRIC_VELOCITY_BH_PER_S"] * 1.8
        )
    assert not (tmp_path / "cache" / "analyses").exists()  # --no-cache: nothing recorded


def test_more_reps_than_expected_are_reported_not_cut(footage: Path, tmp_path: Path) -> None:
    """The pose engine reports at most a given repCount: the expected count is not sent."""
    done = _analyze(
        str(footage / "squats.mp4"), "--activity", "squat", "--rep-count", "3", home=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "warning: squats.mp4: found 4 reps, expected 3" in done.stderr
    assert "squats.mp4: 4 reps (squat)" in done.stdout


@pytest.mark.slow
def test_progress_names_the_file_and_says_the_limit(footage: Path, tmp_path: Path) -> None:
    done = _analyze(
        str(footage / "squats.mp4"), "--activity", "squat", "--out", str(tmp_path / "o"),
        home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "uploading squats.mp4" in done.stderr
    assert "analysing squats.mp4" in done.stderr and "s, limit 600 s" in done.stderr
    video_id = json.loads((tmp_path / "o" / "squats" / "analysis.json").read_text())["videoId"]
    assert video_id not in done.stderr + done.stdout


@pytest.mark.parametrize(
    ("args", "words", "code"),
    [
        (["{footage}/squats.mp4", "--activity", "sqaut"], "unknown activity 'sqaut'; did you mean squat?", 2),
        (["{footage}/squats.mp4:benchh"], "unknown activity 'benchh'; did you mean bench_press?", 1),
        (["{footage}/squats.mp4"], "no activity for squats.mp4: give --activity ACTIVITY", 1),
        (["{footage}/nope.mp4", "--activity", "squat"], "nope.mp4: no such file or folder", 1),
        (["{empty}", "--activity", "squat"], "empty: no videos in this folder", 1),
        (["{footage}/notes.txt", "--activity", "squat"], "notes.txt: cannot be read as a video", 1),
        (["{footage}/squats.mp4", "--activity", "squat", "--out", "{footage}/notes.txt"], "the output folder is a file; choose a folder", 1),
        (["{footage}/squats.mp4", "--activity", "squat", "--athlete-height", "1.8"], "the athlete's height in centimetres, such as 178, got '1.8'", 2),
        (["{footage}/squats.mp4", "--activity", "squat", "--rep-count", "0"], "must be 1 or more, got 0", 2),
    ],
)  # fmt: skip
def test_every_mistake_is_one_clean_line(
    args: list[str], words: str, code: int, footage: Path, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    filled = [a.format(footage=footage, empty=tmp_path / "empty") for a in args]
    done = _run("analyze", *filled, home=tmp_path)
    assert done.returncode == code, done.stderr
    assert words in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "server").exists()  # checked before any server started


@pytest.mark.parametrize("command", ["demo", "analyze", "serve", "backup"])
def test_every_command_has_help_with_an_example(command: str, tmp_path: Path) -> None:
    done = _run(command, "--help", home=tmp_path)
    assert done.returncode == 0
    assert "examples:" in done.stdout
    assert f"guru-form {command}" in done.stdout.split("examples:")[1]


def test_help_describes_demo_and_serve_options(tmp_path: Path) -> None:
    demo = _run("demo", "--help", home=tmp_path).stdout
    assert "Analyse the four sample videos" in demo
    serve = " ".join(_run("serve", "--help", home=tmp_path).stdout.split())
    assert "--host HOST address to listen on" in serve
    assert "--port PORT port to listen on (default: 8000)" in serve
    top = _run("--help", home=tmp_path).stdout
    assert "examples:" in top


def test_an_analysis_past_the_time_limit_says_how_to_give_it_longer(
    footage: Path, tmp_path: Path
) -> None:
    video = str(footage / "squats.mp4")
    done = _run(
        "analyze", video, "--activity", "squat", "--timeout", "1", "--no-progress",
        "--engine", "tests.cli._engines:SlowEngine", home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "squats.mp4: not analysed within 1 s, the time limit (video " in done.stderr
    assert "wait_for_analysis" not in done.stdout + done.stderr  # Python, not this command
    assert "run the command again, with a longer limit if need be (e.g. --timeout 2)" in done.stderr
    assert (
        "the local server finishes the analyses it has started before this command" in done.stderr
    )
    bad = _run("analyze", video, "--activity", "squat", "--timeout", "0", home=tmp_path)
    assert bad.returncode == 2
    assert "argument --timeout: seconds, more than 0, such as 1200, got '0'" in bad.stderr

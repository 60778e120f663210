"""The guru-form command, run as a user runs it (a new process, its own guru_form home)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from guru_form.cli import build_parser
from guru_form.errors import InvalidInputError
from guru_form.tables import read_csv
from guru_form.testing import KnownVideo, LocalServer

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
    assert "squat: 4 reps (squat) -> " in done.stdout  # as each sample is done
    squat_line = next(line for line in done.stdout.splitlines() if line.startswith("squat "))
    assert "0 ms" in squat_line
    # Every number with its unit, every measure by its label.
    assert "Knee angle (smallest) 0.0°" in squat_line
    assert "Mean concentric velocity 0.00 BH/s" in squat_line
    assert "KNEE_ANGLE_DEGREES" not in done.stdout
    for name in ("squat", "push_up", "deadlift", "bench_press"):
        sheet = cv2.imread(str(out / name / "contact_sheet.png"))
        assert sheet is not None and sheet.shape[0] > 300
        assert "Flagged reps" in (out / name / "report.html").read_text()
    # It ends by printing the report of every sample.
    last = done.stdout.strip().splitlines()[-1]
    assert last == f"report: {(out / 'report.html').resolve()}"
    combined = (out / "report.html").read_text()
    assert combined.count('<section class="set"') == 4


def test_errors_exit_1_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    done = _run("demo", "--engine", "nonsense", "--out", str(tmp_path / "o"), home=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("guru-form: error:")
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_analyze_writes_everything_for_each_video_and_a_comparison(tmp_path: Path) -> None:
    out = tmp_path / "out"
    videos = [ROOT / "sample_videos" / "squat.mp4", tmp_path / "again" / "squat.mp4"]
    videos[1].parent.mkdir()
    videos[1].write_bytes(videos[0].read_bytes())
    done = _run(
        "analyze",
        *map(str, videos),
        "--activity",
        "squat",
        "--out",
        str(out),
        "--athlete",
        "<Sam>",
        "--engine",
        "reference",
        home=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "engine: reference" in done.stdout
    truth = json.loads((ROOT / "sample_videos" / "squat.json").read_text())
    for label in ("squat", "squat-2"):
        folder = out / label
        names = sorted(p.name for p in folder.iterdir())
        assert names == [
            "analysis.json",
            "contact_sheet.png",
            "dashboard.png",
            "report.html",
            "reps.csv",
        ]
        assert json.loads((folder / "analysis.json").read_text())["reps"] == truth["reps"]
        assert len(read_csv(folder / "reps.csv")) == len(truth["reps"])
        assert "&lt;Sam&gt;" in (folder / "report.html").read_text()
    assert done.stdout.strip().splitlines()[-1] == f"report: {(out / 'report.html').resolve()}"
    assert "Progress across sessions" in (out / "report.html").read_text()
    assert "uploading" in done.stderr or "analysing" in done.stderr  # tqdm progress bars


def test_analyze_reports_a_failed_video_and_exits_1(tmp_path: Path) -> None:
    from guru_form.testing import make_video

    video = make_video(tmp_path / "unknown.mp4", seed=5)
    out = tmp_path / "out"
    done = _run(
        "analyze", str(video), "--activity", "squat", "--out", str(out), "--engine",
        "reference", "--no-progress", home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1
    assert f"guru-form: {video.name}: analysis of video" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (out / "unknown").exists()


def test_analyze_checks_its_input_before_starting_anything(tmp_path: Path) -> None:
    done = _run("analyze", str(tmp_path / "nope.mp4"), "--activity", "squat", home=tmp_path)
    assert done.returncode == 1
    assert "nope.mp4: no such file" in done.stderr
    assert not (tmp_path / "server").exists()  # no local server was started
    bad = _run("analyze", "x.mp4", "--activity", "curl", home=tmp_path)
    assert bad.returncode == 2 and "unknown activity 'curl'" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1  # one line, no usage dump


def test_parser_knows_every_command() -> None:
    parser = build_parser()
    assert parser.parse_args(["serve", "--port", "0"]).port == 0
    assert parser.parse_args(["demo"]).engine == "auto"
    args = parser.parse_args(["analyze", "a.mp4", "b.mp4", "--activity", "Push-ups"])
    assert (args.videos, args.activity, args.out) == (
        ["a.mp4", "b.mp4"],
        "push_up",
        "guru_form_output",
    )
    # Each video may name its own activity, so --activity is not required by the parser.
    assert parser.parse_args(["analyze", "a.mp4:squat"]).activity is None
    assert parser.parse_args(["analyze", "a.mp4", "--activity", "auto"]).activity == "auto"
    with pytest.raises(SystemExit):
        parser.parse_args(["frobnicate"])


@pytest.mark.slow
@pytest.mark.pose
def test_analyze_real_footage_offline_with_the_pose_engine(tmp_path: Path) -> None:
    """Issue 8's promise: `guru-form analyze my_squats.mp4 --activity squat` works offline, and
    the frames carry the skeleton (the pose track travels from the local server to the outputs)."""
    pytest.importorskip("ai_edge_litert")
    from guru_form import Analysis

    video = ROOT / "tests" / "footage" / "squat_side_01.mp4"
    out = tmp_path / "out"
    done = _run(
        "analyze",
        str(video),
        "--activity",
        "squat",
        "--engine",
        "pose",
        "--out",
        str(out),
        "--no-progress",
        home=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    folder = out / "squat_side_01"
    analysis = Analysis.load(folder / "analysis.json")
    assert analysis.rep_count == 2
    assert analysis.pose_track is not None  # saved beside the JSON as analysis.pose.parquet
    assert len(analysis.pose_track.frame) > 300
    assert len((folder / "reps.csv").read_text().splitlines()) == 1 + 2  # header, 2 reps
    for name in ("dashboard.png", "contact_sheet.png", "report.html"):
        assert (folder / name).stat().st_size > 10_000, name


DEMO_WITH_ECHO = """
import json, sys
from guru_form.demo import run_demo
result = run_demo(sys.argv[1], engine="tests.server._engines:EchoEngine", names=["squat"],
                  progress=False)
(sample,) = result.samples
print(json.dumps([a.analyses for a in [sample.analysis.reps[0]]][0]))
print(sample.comparison.found_count, sample.comparison.reference_count)
"""


@pytest.mark.slow
def test_demo_never_tells_the_engine_the_true_rep_count(tmp_path: Path) -> None:
    # The pose engine keeps at most rep_count reps: told the truth, it could never show an
    # over-count. EchoEngine reports the rep count it was given as its one rep's scalar.
    env = {**os.environ, "GURU_FORM_HOME": str(tmp_path), "MPLBACKEND": "Agg"}
    env.pop("GURU_CLIENT_ID", None)
    env.pop("GURU_CLIENT_SECRET", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", DEMO_WITH_ECHO, str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    analyses, counts = done.stdout.strip().splitlines()[-2:]
    assert json.loads(analyses) == {"REP_COUNT_SEEN": 0.0}
    truth = json.loads((ROOT / "sample_videos" / "squat.json").read_text())
    assert len(truth["reps"]) > 1
    assert counts == f"1 {len(truth['reps'])}"  # the engine's own count beside the truth's


STRIDE_ENGINE = "tests.server._engines:StrideEngine"


def test_every_command_takes_a_stride() -> None:
    parser = build_parser()
    for command in (["serve"], ["demo"], ["analyze", "a.mp4", "--activity", "squat"]):
        assert parser.parse_args(command).stride is None  # the engine's default: every frame
        assert parser.parse_args([*command, "--stride", "2"]).stride == 2
        assert parser.parse_args([*command, "--stride=1"]).stride == 1


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("0", "argument --stride: must be 1 or more, got 0"),
        ("-2", "argument --stride: must be 1 or more, got -2"),
        ("1.5", "argument --stride: must be a whole number, 1 or more, got '1.5'"),
        ("two", "argument --stride: must be a whole number, 1 or more, got 'two'"),
    ],
)
def test_a_bad_stride_is_a_usage_error(
    value: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = build_parser()
    for command in (["serve"], ["demo"], ["analyze", "a.mp4", "--activity", "squat"]):
        with pytest.raises(SystemExit) as caught:
            parser.parse_args([*command, f"--stride={value}"])
        assert caught.value.code == 2
        assert words in capsys.readouterr().err


def test_a_stride_for_an_engine_without_one_exits_1_and_starts_nothing(tmp_path: Path) -> None:
    squat = str(ROOT / "sample_videos" / "squat.mp4")
    for args in (
        ["analyze", squat, "--activity", "squat", "--engine", "reference", "--stride", "2"],
        ["demo", "--engine", "reference", "--stride", "2", "--out", str(tmp_path / "out")],
    ):
        done = _run(*args, home=tmp_path)
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith(
            "guru-form: error: the 'reference' analysis engine has no stride"
        ), done.stderr
        assert "Traceback" not in done.stderr
        assert not (tmp_path / "server").exists()  # no local server was started
    bad = _run("serve", "--stride", "0", home=tmp_path)
    assert bad.returncode == 2 and "argument --stride: must be 1 or more" in bad.stderr


@pytest.mark.slow
def test_analyze_runs_the_local_engine_at_the_stride_given(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _run(
        "analyze", str(ROOT / "sample_videos" / "squat.mp4"), "--activity", "squat",
        "--engine", STRIDE_ENGINE, "--stride", "3", "--out", str(out), "--no-progress",
        home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"(engine: {STRIDE_ENGINE}, stride 3)" in done.stdout
    (rep,) = json.loads((out / "squat" / "analysis.json").read_text())["reps"]
    assert rep["analyses"] == [{"analysisType": "STRIDE_USED", "analysisScalar": 3.0}]


@pytest.mark.slow
def test_demo_runs_the_local_engine_at_the_stride_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guru_form.demo import run_demo
    from guru_form.server.embedded import stop_local_server

    monkeypatch.setenv("GURU_FORM_HOME", str(tmp_path / "home"))
    lines: list[str] = []
    stop_local_server()
    try:
        result = run_demo(
            tmp_path / "out",
            engine=STRIDE_ENGINE,
            stride=2,
            names=["squat"],
            progress=False,
            log=lines.append,
        )
    finally:
        stop_local_server()
    assert f"(engine: {STRIDE_ENGINE}, stride 2, data in" in lines[0]
    (sample,) = result.samples
    assert sample.analysis.reps[0].analyses == {"STRIDE_USED": 2.0}


@pytest.mark.slow
def test_analyze_on_the_hosted_api_notes_that_the_stride_is_for_the_local_server(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    local_server: LocalServer,
    known_videos: dict[str, KnownVideo],
) -> None:
    from guru_form.batch_outputs import run_analyze

    # The "hosted API" here is a local server met through credentials, as a hosted one is.
    monkeypatch.setenv("GURU_FORM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GURU_CLIENT_ID", local_server.client_id)
    monkeypatch.setenv("GURU_CLIENT_SECRET", local_server.client_secret)
    monkeypatch.setenv("GURU_API_URL", local_server.url)
    monkeypatch.setenv("GURU_AUTH_URL", local_server.auth_url)
    monkeypatch.setenv("GURU_AUDIENCE", local_server.audience)
    lines: list[str] = []
    result = run_analyze(
        [known_videos["squat"].path],
        activity="squat",
        out_dir=tmp_path / "out",
        stride=2,
        progress=False,
        log=lines.append,
    )
    assert not result.failed
    assert lines[0] == f"note: --stride 2 applies to the local server only; using {result.where}"
    with pytest.raises(InvalidInputError, match="stride must be a whole number"):
        run_analyze([known_videos["squat"].path], activity="squat", stride=0)


def test_serve_takes_schemas_and_refuses_bad_ones_before_starting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from guru_form.cli import _schemas, main

    args = build_parser().parse_args(["serve", "--schema", "a=squat", "--schema", "b = DEADLIFT"])
    assert _schemas(args.schema) == {"a": "squat", "b": "DEADLIFT"}
    for bad, words in (("no-equals", "--schema takes ID=ACTIVITY"), ("x=moonwalk", "moonwalk")):
        code = main(["serve", "--port", "0", "--data-dir", str(tmp_path / "d"), "--schema", bad])
        assert code == 1 and words in capsys.readouterr().err

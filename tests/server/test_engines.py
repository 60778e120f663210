"""Engine selection, the reference engine, and the picklable job function."""

from __future__ import annotations

import multiprocessing
import pickle
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from guru_form.errors import EngineError, GuruError, InvalidInputError, MissingDependencyError
from guru_form.models import Activity
from guru_form.server import engines
from guru_form.server.config import ServerConfig
from guru_form.server.engines import EngineFailure, EngineSpec, load_engine, resolve_engine_name
from guru_form.server.jobs import run_analysis
from guru_form.server.reference import ReferenceEngine
from guru_form.server.testing import KnownVideo, LocalServer, make_reference_video, make_video

from .conftest import Api


def test_every_engine_raises_one_error_class() -> None:
    # The server's EngineFailure and the pose engine's EngineError are one class: an engine
    # that raises either is caught the same way, wherever the job runs.
    assert EngineFailure is EngineError and issubclass(EngineError, GuruError)
    error = pickle.loads(pickle.dumps(EngineFailure("no person found on 0 of 20 frames")))
    assert type(error) is EngineError
    assert error.reason == str(error) == "no person found on 0 of 20 frames"


def test_auto_is_pose_only_when_pose_and_its_runtime_are_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engines, "_module_exists", lambda name: True)
    assert resolve_engine_name("auto") == "pose"
    monkeypatch.setattr(engines, "_module_exists", lambda name: name != "guru_form.pose")
    assert resolve_engine_name("auto") == "reference"
    monkeypatch.setattr(engines, "_module_exists", lambda name: name != "ai_edge_litert")
    assert resolve_engine_name("auto") == "reference"


def test_pose_without_its_extra_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines, "_module_exists", lambda name: name != "guru_form.pose")
    with pytest.raises(MissingDependencyError) as caught:
        resolve_engine_name("pose")
    message = str(caught.value)
    assert "'pose' analysis engine (guru_form.pose.engine:PoseEngine)" in message
    assert "pip install 'guru-form[pose]'" in message


def test_loading_a_missing_pose_engine_names_it_and_its_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "guru_form.pose.engine", None)  # makes the import fail
    with pytest.raises(MissingDependencyError, match=r"PoseEngine.*guru-form\[pose\]"):
        load_engine(EngineSpec("pose"))
    video = make_video(tmp_path / "v.mp4")
    result = run_analysis(EngineSpec("pose"), str(video), None, None, None)
    assert result["status"] == "Failed"
    assert "pip install 'guru-form[pose]'" in result["reason"]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("magic", "unknown analysis engine 'magic'; use one of auto, pose, reference"),
        ("no_such_module_xyz:Engine", "module 'no_such_module_xyz' cannot be found"),
        (":Engine", "unknown analysis engine"),
    ],
)
def test_unknown_engine_names(name: str, words: str) -> None:
    with pytest.raises(InvalidInputError, match=words):
        resolve_engine_name(name)


def test_custom_engine_by_dotted_name() -> None:
    name = resolve_engine_name("tests.server._engines:RefusingEngine")
    engine = load_engine(EngineSpec(name))
    assert engine.name == "refusing"
    with pytest.raises(InvalidInputError, match="has no Nope"):
        load_engine(EngineSpec("tests.server._engines:Nope"))


def test_a_server_asked_for_a_missing_engine_does_not_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engines, "_module_exists", lambda name: name != "guru_form.pose")
    with pytest.raises(MissingDependencyError, match="guru-form"):
        LocalServer(tmp_path, engine="pose").start()


def test_reference_engine_matches_by_content_not_name(
    tmp_path: Path, known_videos: dict[str, KnownVideo]
) -> None:
    folder = tmp_path / "refs"
    known = make_reference_video(folder, "a", activity="deadlift", reps=3)
    engine = ReferenceEngine([folder])
    renamed = tmp_path / "whatever-name.mov"
    shutil.copy(known.path, renamed)
    result = engine.analyze(renamed, activity=None, domain=None, rep_count=None)
    assert result["status"] == "Complete" and result["activity"] == "deadlift"
    assert len(result["reps"]) == 3
    # same size, different bytes: not a match
    altered = tmp_path / "altered.mp4"
    data = bytearray(known.path.read_bytes())
    data[-1] ^= 0xFF
    altered.write_bytes(bytes(data))
    with pytest.raises(EngineFailure, match=r"knows only the 1 sample video\(s\)"):
        engine.analyze(altered, activity=Activity.DEADLIFT, domain=None, rep_count=None)


def test_reference_engine_sees_pairs_added_later_and_ignores_lonely_files(tmp_path: Path) -> None:
    engine = ReferenceEngine([tmp_path, tmp_path / "missing-folder"])
    assert engine.pairs() == []
    make_video(tmp_path / "no-sidecar.mp4", seed=3)
    (tmp_path / "notes.json").write_text("{}")
    assert engine.pairs() == []
    known = make_reference_video(tmp_path, "late")
    assert engine.find(known.path) == known.sidecar
    assert "late" not in repr(engine) and str(tmp_path) in repr(engine)


def test_reference_engine_reports_an_unreadable_sidecar(tmp_path: Path) -> None:
    known = make_reference_video(tmp_path, "broken")
    known.sidecar.write_text("{not json")
    with pytest.raises(EngineFailure, match=r"ground truth broken.json cannot be read"):
        ReferenceEngine([tmp_path]).analyze(known.path, activity=None, domain=None, rep_count=None)


def test_reference_engine_defaults_to_the_sample_videos() -> None:
    from guru_form.server._paths import sample_videos_dir

    assert ReferenceEngine().dirs == [sample_videos_dir()]
    assert sample_videos_dir().name in ("sample_videos", "_sample_videos")


def test_run_analysis_never_raises(tmp_path: Path) -> None:
    missing = run_analysis(EngineSpec("reference"), str(tmp_path / "gone.mp4"), "squat", None, None)
    assert missing["status"] == "Failed" and "not a readable video" in missing["reason"]
    assert missing["activity"] == "squat"


def test_the_job_is_picklable(known_videos: dict[str, KnownVideo], reference_dir: Path) -> None:
    spec = EngineSpec("reference", (str(reference_dir),))
    job = pickle.loads(pickle.dumps((run_analysis, spec)))
    result = job[0](job[1], str(known_videos["squat"].path), "squat", "weightlifting", 2)
    assert result["status"] == "Complete"


def test_jobs_run_in_a_spawned_process_pool(
    tmp_path: Path, known_videos: dict[str, KnownVideo], reference_dir: Path
) -> None:
    context = multiprocessing.get_context("spawn")
    with (
        ProcessPoolExecutor(max_workers=1, mp_context=context) as pool,
        LocalServer(tmp_path / "data", reference_dirs=[reference_dir], executor=pool) as server,
    ):
        api = Api(server)
        body = api.wait(api.submit(known_videos["push_up"].path), timeout=60)
        assert body["status"] == "Complete" and len(body["reps"]) == 3
        api.close()


def test_a_dead_worker_process_fails_the_analysis_with_a_reason(
    tmp_path: Path, known_videos: dict[str, KnownVideo]
) -> None:
    context = multiprocessing.get_context("spawn")
    with (
        ProcessPoolExecutor(max_workers=1, mp_context=context) as pool,
        LocalServer(
            tmp_path / "data", engine="tests.server._engines:ProcessKillingEngine", executor=pool
        ) as server,
    ):
        api = Api(server)
        body = api.wait(api.submit(known_videos["squat"].path), timeout=60)
        assert body["status"] == "Failed"
        assert "worker process died" in body["reason"]
        assert api.http.get("/health").status_code == 200
        api.close()


STRIDE_ENGINE = "tests.server._engines:StrideEngine"


def test_the_pose_engine_spec_carries_its_stride_and_pickles() -> None:
    spec = EngineSpec("pose", stride=2)
    assert pickle.loads(pickle.dumps(spec)) == spec and spec.stride == 2
    assert EngineSpec("pose").stride == 1  # the pose engine's default, said out loud
    assert EngineSpec("pose") == EngineSpec("pose", stride=1) != spec
    assert (spec.label, EngineSpec("pose").label) == ("pose, stride 2", "pose")
    assert EngineSpec("reference").stride is None
    assert EngineSpec("pose", stride=np.int64(3)).stride == 3  # a numpy integer is an int
    assert type(EngineSpec("pose", stride=np.int64(3)).stride) is int


def test_the_pose_engine_is_built_with_the_specs_stride() -> None:
    pytest.importorskip("guru_form.pose.engine")
    engine = load_engine(EngineSpec("pose", stride=2))
    assert engine.name == "pose" and getattr(engine, "stride", None) == 2
    assert getattr(load_engine(EngineSpec("pose")), "stride", None) == 1


@pytest.mark.parametrize("stride", [0, -2, 1.5, 2.0, "2", True, False])
def test_a_stride_that_is_not_a_positive_whole_number_is_refused(stride: object) -> None:
    words = r"stride must be a whole number of frames, 1 or more .*got"
    with pytest.raises(InvalidInputError, match=words):
        EngineSpec("pose", stride=stride)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=words):
        ServerConfig(data_dir=Path("unused"), engine="pose", stride=stride)  # type: ignore[arg-type]


def test_a_stride_for_an_engine_without_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(InvalidInputError, match="'reference' analysis engine has no stride"):
        EngineSpec("reference", stride=2)
    with pytest.raises(InvalidInputError, match="'reference' analysis engine has no stride"):
        ServerConfig(tmp_path / "data", engine="reference", stride=1).engine_spec()
    # A custom engine takes one only if its constructor has a 'stride' argument.
    echo = ServerConfig(tmp_path / "data", engine="tests.server._engines:EchoEngine", stride=2)
    with pytest.raises(InvalidInputError, match=r"EchoEngine' takes no stride"):
        echo.engine_spec()
    with pytest.raises(InvalidInputError, match=r"EchoEngine' takes no stride"):
        load_engine(EngineSpec("tests.server._engines:EchoEngine", stride=2))
    # 'auto' without the pose extra is the reference engine: the stride cannot be honoured.
    monkeypatch.setattr(engines, "_module_exists", lambda name: name != "ai_edge_litert")
    with pytest.raises(InvalidInputError, match=r"'auto' is the reference engine here.*\[pose\]"):
        ServerConfig(tmp_path / "data", engine="auto", stride=2).engine_spec()
    assert ServerConfig(tmp_path / "data", engine="auto").engine_spec().name == "reference"
    # Refused before the server opens anything.
    with pytest.raises(InvalidInputError, match="has no stride"):
        LocalServer(tmp_path / "server", stride=2).start()
    assert not (tmp_path / "server" / "signing.key").exists()
    assert not (tmp_path / "server" / "guru.sqlite3").exists()


def test_a_custom_engine_gets_the_stride_in_a_spawned_worker_process(
    tmp_path: Path, known_videos: dict[str, KnownVideo]
) -> None:
    spec = ServerConfig(tmp_path / "unused", engine=STRIDE_ENGINE, stride=3).engine_spec()
    assert (
        spec == EngineSpec(STRIDE_ENGINE, stride=3) and spec.label == f"{STRIDE_ENGINE}, stride 3"
    )
    context = multiprocessing.get_context("spawn")
    with (
        ProcessPoolExecutor(max_workers=1, mp_context=context) as pool,
        LocalServer(tmp_path / "data", engine=STRIDE_ENGINE, stride=3, executor=pool) as server,
    ):
        api = Api(server)
        assert api.http.get("/health").json() == {
            "status": "ok",
            "engine": STRIDE_ENGINE,
            "stride": 3,
        }
        body = api.wait(api.submit(known_videos["squat"].path), timeout=60)
        assert body["status"] == "Complete", body
        assert body["reps"][0]["analyses"] == [{"analysisType": "STRIDE_USED", "analysisScalar": 3}]
        api.close()

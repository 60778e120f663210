"""A job runs with the engine settings it was queued with, whatever the server restarts with."""

from __future__ import annotations

import importlib
import json
import shutil
import sqlite3
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from guru_form.testing import KnownVideo, LocalServer

from .conftest import Api

STRIDE_ENGINE = "tests.server._engines:StrideEngine"


def _stride_used(analysis: dict[str, Any]) -> float:
    (rep,) = analysis["reps"]
    (item,) = rep["analyses"]
    assert item["analysisType"] == "STRIDE_USED"
    return float(item["analysisScalar"])


def _queue_pending(data: Path, video: Path, *, engine: str, stride: int | None) -> tuple[str, str]:
    """Upload ``video`` to a server with ``engine``/``stride`` and stop it while the job is pending.

    Returns the video id and a token (tokens outlive the server, as the restart tests show).
    """
    with LocalServer(data, engine=engine, stride=stride) as server:
        api = Api(server)
        server.faults.slow_analysis(60)  # the outcome is held back: still Pending at the stop
        vid = api.submit(video)
        assert api.analysis(vid)["status"] == "Pending"
        video_json = api.request("GET", f"/videos/{vid}").json()
        assert video_json["analysisEngine"] == {"name": engine, "stride": stride}
        token = api.token()
        api.close()
    return vid, token


@pytest.mark.parametrize(
    ("engine", "stride"),
    [(STRIDE_ENGINE, 2), ("reference", None)],
    ids=["same-engine-stride-2", "reference-engine"],
)
def test_a_pending_job_runs_after_a_restart_with_the_stride_it_was_queued_with(
    tmp_path: Path,
    unknown_video: Path,
    known_videos: dict[str, KnownVideo],
    reference_dir: Path,
    engine: str,
    stride: int | None,
) -> None:
    data = tmp_path / "data"
    vid, token = _queue_pending(data, unknown_video, engine=STRIDE_ENGINE, stride=1)

    with LocalServer(data, engine=engine, stride=stride, reference_dirs=[reference_dir]) as server:
        api = Api(server)
        api._token = token
        body = api.wait(vid, timeout=10)
        assert body["status"] == "Complete", body
        assert _stride_used(body) == 1.0
        video = api.request("GET", f"/videos/{vid}").json()
        assert video["analysisEngine"] == {"name": STRIDE_ENGINE, "stride": 1}

        # New uploads get the settings the server was restarted with.
        assert api.request("GET", "/health").json()["stride"] == stride
        new = api.submit(known_videos["squat"].path)
        assert api.wait(new, timeout=10)["status"] == "Complete"
        new_video = api.request("GET", f"/videos/{new}").json()
        assert new_video["analysisEngine"] == {"name": engine, "stride": stride}
        if engine == STRIDE_ENGINE:
            assert _stride_used(api.analysis(new)) == 2.0
        api.close()


_ENGINE_WITH_STRIDE = """
from tests.server._engines import StrideEngine


class Engine(StrideEngine):
    name = "vanishing"
"""

_ENGINE_WITHOUT_STRIDE = """
from tests.server._engines import StrideEngine


class Engine(StrideEngine):
    name = "vanishing, now without a stride argument"

    def __init__(self) -> None:
        super().__init__(stride=1)
"""


@pytest.mark.parametrize(
    ("later_source", "problem"),
    [
        (None, "cannot be found"),
        (_ENGINE_WITHOUT_STRIDE, "takes no stride (its constructor has no 'stride' argument)"),
    ],
    ids=["module-gone", "no-stride-any-more"],
)
def test_a_pending_job_whose_engine_cannot_be_built_after_a_restart_fails_saying_so(
    tmp_path: Path,
    unknown_video: Path,
    monkeypatch: pytest.MonkeyPatch,
    later_source: str | None,
    problem: str,
) -> None:
    modules = tmp_path / "modules"
    modules.mkdir()
    module = f"guru_form_test_engine_{uuid.uuid4().hex}"
    source = modules / f"{module}.py"
    source.write_text(_ENGINE_WITH_STRIDE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(modules))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # a rewrite must not meet a stale .pyc
    engine = f"{module}:Engine"
    data = tmp_path / "data"
    vid, token = _queue_pending(data, unknown_video, engine=engine, stride=1)

    # The engine changes while the server is down: its module is removed, or rewritten.
    if later_source is None:
        source.unlink()
    else:
        source.write_text(later_source, encoding="utf-8")
    sys.modules.pop(module, None)
    importlib.invalidate_caches()

    with LocalServer(data, engine=STRIDE_ENGINE, stride=2) as server:
        api = Api(server)
        api._token = token
        body = api.wait(vid, timeout=10)
        assert body["status"] == "Failed" and body["reps"] == []
        reason = body["reason"]
        assert f"queued for analysis by engine '{engine}' at stride 1" in reason
        assert problem in reason
        assert f"guru-form serve --data-dir {data.resolve()} --engine {engine} --stride 1" in reason
        assert f"GuruClient.local(engine='{engine}'" in reason and "stride=1)" in reason
        assert "upload the video again" in reason

        new = api.submit(unknown_video)  # the server itself works with its own engine
        assert _stride_used(api.wait(new, timeout=10)) == 2.0
        api.close()


# The videos table as guru_form wrote it before uploads recorded their engine (schema version 1).
_SCHEMA_V1 = """
CREATE TABLE videos (
    id TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    size INTEGER NOT NULL,
    domain TEXT,
    activity TEXT,
    rep_count INTEGER,
    source TEXT,
    created_at REAL NOT NULL,
    content_path TEXT,
    uploaded_at REAL,
    upload_generation INTEGER NOT NULL DEFAULT 0,
    analysis_status TEXT NOT NULL DEFAULT 'Pending',
    analysis_json TEXT,
    analysis_reason TEXT,
    analysis_finished_at REAL
);
CREATE INDEX videos_pending ON videos (analysis_status, uploaded_at);
CREATE TABLE tokens (
    digest TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    issued_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
PRAGMA user_version = 1;
"""

_OLD_ANALYSIS = (
    '{"status": "Complete", "domain": "calisthenics", "activity": "push_up", "reps": '
    '[{"startTimestampMs": 0, "midTimestampMs": 5, "endTimestampMs": 9, "analyses": []}]}'
)


def test_a_data_folder_from_before_engines_were_recorded_opens_and_keeps_its_jobs(
    tmp_path: Path, known_videos: dict[str, KnownVideo], reference_dir: Path
) -> None:
    data = tmp_path / "data"
    (data / "videos").mkdir(parents=True)
    squat = known_videos["squat"].path
    content = data / "videos" / "pending.mp4"
    shutil.copyfile(squat, content)
    db = sqlite3.connect(data / "guru.sqlite3")
    db.executescript(_SCHEMA_V1)
    db.executemany(
        "INSERT INTO videos (id, filename, size, activity, domain, created_at, content_path, "
        "uploaded_at, upload_generation, analysis_status, analysis_json) "
        "VALUES (?, ?, ?, ?, ?, 1.0, ?, ?, ?, ?, ?)",
        [
            ("done", "done.mp4", 10, "push_up", "calisthenics", "/gone.mp4", 2.0, 1,
             "Complete", _OLD_ANALYSIS),
            ("pending", "pending.mp4", squat.stat().st_size, None, None, str(content), 3.0, 1,
             "Pending", None),
            ("created", "later.mp4", 5, None, None, None, None, 0, "Pending", None),
        ],
    )  # fmt: skip
    db.commit()
    db.close()

    with LocalServer(data, reference_dirs=[reference_dir]) as server:
        api = Api(server)
        body = api.wait("pending", timeout=10)  # analysed by the server's engine, as before
        assert body["status"] == "Complete"
        assert body["reps"] == [r.to_json() for r in known_videos["squat"].analysis.reps]
        assert api.analysis("done") == json.loads(_OLD_ANALYSIS)
        videos = {
            v: api.request("GET", f"/videos/{v}").json() for v in ("done", "pending", "created")
        }
        assert videos["done"]["analysisEngine"] is None  # not recorded then, not guessed now
        assert videos["pending"]["analysisEngine"] == {"name": "reference", "stride": None}
        assert videos["created"]["analysisEngine"] is None and videos["created"]["uri"] is None

        server.restart()  # the migrated folder opens again
        assert api.analysis("pending")["status"] == "Complete"
        assert api.request("GET", "/videos/created").json()["status"] == "Pending"
        api.close()

    db = sqlite3.connect(data / "guru.sqlite3")
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
        columns = [row[1] for row in db.execute("PRAGMA table_info(videos)")]
        assert columns.count("engine_spec") == 1
    finally:
        db.close()

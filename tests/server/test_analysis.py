"""Analysis outcomes over real HTTP: Complete, Failed with reasons, engine crashes, injected faults."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from guru_form.models import Analysis
from guru_form.server.testing import KnownVideo, LocalServer

from .conftest import Api


def test_known_video_completes_with_its_ground_truth(
    api: Api, known_videos: dict[str, KnownVideo]
) -> None:
    known = known_videos["push_up"]
    vid = api.submit(known.path, activity="push_up", repCount=3)
    body = api.wait(vid)
    assert body["status"] == "Complete"
    assert (body["domain"], body["activity"]) == ("calisthenics", "push_up")
    analysis = Analysis.from_json(body, video_id=vid)
    assert analysis.reps == known.analysis.reps
    assert len(analysis.reps) == 3
    assert "reason" not in body and "videoId" not in body


def test_unknown_video_fails_naming_the_missing_engine(api: Api, unknown_video: Path) -> None:
    vid = api.submit(unknown_video, activity="squat")
    body = api.wait(vid)
    assert body["status"] == "Failed"
    assert body["reps"] == [] and body["activity"] == "squat"
    assert "reference engine" in body["reason"]
    assert "pip install 'guru-form[pose]'" in body["reason"]
    assert "pose" in body["reason"]


@pytest.mark.parametrize(
    "content",
    [
        b"just some text, not a video",
        bytes(range(256)) * 40,
        b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500,
    ],
    ids=["text", "noise", "truncated-mp4"],
)
def test_a_file_that_is_not_a_video_fails_before_any_engine(
    api: Api, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "fake.mp4"
    path.write_bytes(content)
    body = api.wait(api.submit(path))
    assert body["status"] == "Failed"
    assert body["reason"].startswith("the uploaded file is not a readable video")


def _server(tmp_path: Path, engine: str) -> LocalServer:
    return LocalServer(tmp_path / "data", engine=engine)


def test_an_engine_crash_fails_the_analysis_not_the_server(
    tmp_path: Path, known_videos: dict[str, KnownVideo]
) -> None:
    with _server(tmp_path, "tests.server._engines:CrashingEngine") as server:
        api = Api(server)
        body = api.wait(api.submit(known_videos["squat"].path))
        assert body["status"] == "Failed"
        assert body["reason"] == (
            "the tests.server._engines:CrashingEngine engine crashed: "
            "ZeroDivisionError: the model divided by zero on frame 7"
        )
        # the server carries on
        assert api.wait(api.submit(known_videos["push_up"].path))["status"] == "Failed"
        assert api.http.get("/health").json()["status"] == "ok"
        api.close()


@pytest.mark.parametrize(
    ("engine", "reason"),
    [
        ("tests.server._engines:RefusingEngine", "no person found on 0 of 20 frames"),
        ("tests.server._engines:BrokenOutputEngine", "engine crashed"),
        ("tests.server._engines:NotAnEngine", "has no 'name' and 'analyze'"),
    ],
)
def test_engine_failures_carry_their_reason(
    tmp_path: Path, known_videos: dict[str, KnownVideo], engine: str, reason: str
) -> None:
    with _server(tmp_path, engine) as server:
        api = Api(server)
        body = api.wait(api.submit(known_videos["squat"].path))
        assert body["status"] == "Failed"
        assert reason in body["reason"]
        api.close()


def test_engine_output_is_made_json_and_gets_declared_activity(
    tmp_path: Path, known_videos: dict[str, KnownVideo]
) -> None:
    with _server(tmp_path, "tests.server._engines:EchoEngine") as server:
        api = Api(server)
        body = api.wait(api.submit(known_videos["squat"].path, activity="deadlift", repCount=4))
        assert body == {
            "status": "Complete",
            "domain": "weightlifting",
            "activity": "deadlift",
            "reps": [
                {
                    "startTimestampMs": 0,
                    "midTimestampMs": 100,
                    "endTimestampMs": 200,
                    "analyses": [{"analysisType": "REP_COUNT_SEEN", "analysisScalar": 4.0}],
                }
            ],
        }
        api.close()


def test_injected_failed_analysis(
    fresh_api: Api, fresh_server: LocalServer, known_videos: dict[str, KnownVideo]
) -> None:
    fresh_server.faults.fail_analysis("the GPU caught fire", times=1)
    path = known_videos["squat"].path
    first = fresh_api.wait(fresh_api.submit(path))
    assert (first["status"], first["reason"]) == ("Failed", "the GPU caught fire")
    assert fresh_api.wait(fresh_api.submit(path))["status"] == "Complete"


def test_injected_slow_analysis_stays_pending_then_completes(
    fresh_api: Api, fresh_server: LocalServer, known_videos: dict[str, KnownVideo]
) -> None:
    fresh_server.faults.slow_analysis(0.6)
    started = time.monotonic()
    vid = fresh_api.submit(known_videos["squat"].path)
    assert fresh_api.analysis(vid)["status"] == "Pending"
    time.sleep(0.3)
    assert fresh_api.analysis(vid)["status"] == "Pending"
    assert fresh_api.wait(vid)["status"] == "Complete"
    assert time.monotonic() - started >= 0.6


def test_new_known_videos_are_seen_without_restart(api: Api, make_known_video: object) -> None:
    assert callable(make_known_video)
    known: KnownVideo = make_known_video(activity="squat", reps=4)
    body = api.wait(api.submit(known.path))
    assert body["status"] == "Complete" and len(body["reps"]) == 4


def test_a_second_upload_during_a_slow_analysis_changes_nothing(
    fresh_api: Api, fresh_server: LocalServer, known_videos: dict[str, KnownVideo], tmp_path: Path
) -> None:
    good = known_videos["squat"].path
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x01" * good.stat().st_size)
    fresh_server.faults.slow_analysis(0.8)  # the job on the good content is slow...
    target = fresh_api.create(good)
    assert fresh_api.upload(target, good).status_code == 204
    second = fresh_api.upload(target, bad)  # ...and the form cannot be used to replace it
    assert second.status_code == 409 and second.json()["error"] == "upload_form_used"
    assert fresh_api.wait(target["id"])["status"] == "Complete"
    content = fresh_api.request("GET", f"/videos/{target['id']}/content").content
    assert content == good.read_bytes()

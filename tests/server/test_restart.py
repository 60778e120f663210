"""A restart loses nothing: pending jobs are re-queued, finished analyses stay, URLs stay valid."""

from __future__ import annotations

from pathlib import Path

import httpx

from guru_form.testing import KnownVideo, LocalServer

from .conftest import Api


def test_restart_with_a_job_pending_loses_nothing_and_uploads_once(
    fresh_api: Api, fresh_server: LocalServer, known_videos: dict[str, KnownVideo]
) -> None:
    done_before = fresh_api.submit(known_videos["push_up"].path)
    assert fresh_api.wait(done_before)["status"] == "Complete"
    not_uploaded = fresh_api.create(filename="later.mp4", size=5)["id"]

    fresh_server.faults.slow_analysis(60)  # the next job would take a minute
    pending = fresh_api.submit(known_videos["squat"].path)
    assert fresh_api.analysis(pending)["status"] == "Pending"
    url_before = fresh_server.url

    fresh_server.restart()

    assert fresh_server.url == url_before
    body = fresh_api.wait(pending, timeout=10)  # re-queued at start, no longer slowed
    assert body["status"] == "Complete"
    assert body["reps"] == [r.to_json() for r in known_videos["squat"].analysis.reps]
    assert fresh_api.analysis(done_before)["status"] == "Complete"
    assert fresh_api.request("GET", f"/videos/{not_uploaded}").json()["status"] == "Pending"
    assert fresh_server.faults.count(f"/uploads/{pending}", method="POST") == 1
    assert fresh_server.faults.count("/uploads/*", method="POST") == 2


def test_upload_forms_from_before_a_restart_stay_valid(
    fresh_api: Api, fresh_server: LocalServer, known_videos: dict[str, KnownVideo]
) -> None:
    path = known_videos["squat"].path
    target = fresh_api.create(path)
    fresh_server.restart()
    assert fresh_api.upload(target, path).status_code == 204
    assert fresh_api.wait(target["id"])["status"] == "Complete"


def test_a_new_server_on_the_same_data_dir_finds_everything(
    tmp_path: Path, known_videos: dict[str, KnownVideo], reference_dir: Path
) -> None:
    data = tmp_path / "data"
    with LocalServer(data, reference_dirs=[reference_dir]) as first:
        api = Api(first)
        first.faults.slow_analysis(60)
        vid = api.submit(known_videos["push_up"].path)
        token = api.token()
        api.close()
    assert (data / "videos").is_dir()  # a given data dir is kept
    with LocalServer(data, reference_dirs=[reference_dir]) as second:
        api = Api(second)
        api._token = token  # tokens are stored too
        assert api.wait(vid, timeout=10)["status"] == "Complete"
        video = api.request("GET", f"/videos/{vid}").json()
        assert (
            httpx.get(video["uri"], headers=api.auth()).content
            == known_videos["push_up"].path.read_bytes()
        )
        api.close()


def test_half_written_uploads_are_cleared_at_start(fresh_server: LocalServer) -> None:
    leftover = fresh_server.data_dir / "tmp" / "upload-dead.part"
    leftover.write_bytes(b"partial")
    fresh_server.restart()
    assert not leftover.exists()

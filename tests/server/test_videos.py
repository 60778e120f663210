"""Create, get, update and download videos, over real HTTP."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from guru_form.testing import KnownVideo, LocalServer

from .conftest import Api


def test_create_answers_id_upload_url_and_signed_fields(
    api: Api, local_server: LocalServer
) -> None:
    body = api.create(
        filename="workout.mp4",
        size=1234,
        domain="weightlifting",
        activity="squat",
        repCount=12,
        source="my-service",
    )
    assert set(body) == {"id", "url", "fields"}
    uuid.UUID(body["id"])
    assert body["url"] == f"{local_server.url}/uploads/{body['id']}"
    assert set(body["fields"]) == {"key", "expires", "size", "signature"}
    assert body["fields"]["key"] == f"videos/{body['id']}"
    assert body["fields"]["size"] == "1234"


def test_new_video_is_pending_with_its_metadata(api: Api) -> None:
    target = api.create(filename="w.mp4", size=10, activity="push_up", repCount=3, source="s")
    response = api.request("GET", f"/videos/{target['id']}")
    assert response.status_code == 200
    video = response.json()
    assert video["id"] == target["id"]
    assert video["status"] == "Pending" and video["uri"] is None
    assert (video["filename"], video["size"], video["repCount"], video["source"]) == (
        "w.mp4",
        10,
        3,
        "s",
    )
    assert (video["activity"], video["domain"]) == ("push_up", "calisthenics")
    assert video["createdAt"].endswith("Z") and video["uploadedAt"] is None
    analysis = api.analysis(target["id"])
    assert analysis == {
        "status": "Pending",
        "domain": "calisthenics",
        "activity": "push_up",
        "reps": [],
    }


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"size": 10}, "filename", "is required"),
        ({"filename": "a.mp4"}, "size", "is required"),
        ({"filename": "", "size": 10}, "filename", "non-empty string"),
        ({"filename": "a.mp4", "size": 0}, "size", "at least 1"),
        ({"filename": "a.mp4", "size": "10"}, "size", "whole number"),
        ({"filename": "a.mp4", "size": 10.5}, "size", "whole number"),
        ({"filename": "a.mp4", "size": True}, "size", "whole number"),
        ({"filename": "a.mp4", "size": 10**15}, "size", "more than this server accepts"),
        (
            {"filename": "a.mp4", "size": 10, "activity": "moonwalk"},
            "activity",
            "unknown activity 'moonwalk'",
        ),
        ({"filename": "a.mp4", "size": 10, "domain": "chess"}, "domain", "unknown domain 'chess'"),
        ({"filename": "a.mp4", "size": 10, "liftType": "MOONWALK"}, "activity", "'moonwalk'"),
        ({"filename": "a.mp4", "size": 10, "liftType": 3}, "liftType", "activity's name"),
        (
            {"filename": "a.mp4", "size": 10, "liftType": "DEADLIFT", "activity": "squat"},
            "liftType",
            "names 'DEADLIFT' but activity names 'squat'",
        ),
        ({"filename": "a.mp4", "size": 10, "schemaID": "x"}, "schemaID", "unknown field"),
        (
            {"filename": "a.mp4", "size": 10, "activity": "push_up", "domain": "weightlifting"},
            "domain",
            "belongs to domain 'calisthenics'",
        ),
        ({"filename": "a.mp4", "size": 10, "repCount": -1}, "repCount", "at least 0"),
        ({"filename": "a.mp4", "size": 10, "repCount": 2.5}, "repCount", "whole number"),
        ({"filename": "a.mp4", "size": 10, "rep_count": 3}, "rep_count", "unknown field"),
        ({"filename": "a.mp4", "size": 10, "source": 5}, "source", "non-empty string"),
        ([1, 2], "body", "JSON object"),
    ],
)
def test_create_rejects_bad_fields_naming_them(api: Api, body: Any, field: str, words: str) -> None:
    response = api.request("POST", "/videos", json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["error"] == "validation_error"
    assert error["field"] == field
    assert words in error["errors"][field][0]
    assert error["message"].startswith(f"{field}: ")


def test_guru_clients_fields_are_accepted_logged_and_not_used(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    body = {
        "filename": "test_squat.mp4",
        "size": 10,
        "schemaId": "a-schema-this-server-was-not-given",
        "inference": "local",
        "resolutionWidth": 720,
        "resolutionHeight": 1280,
        "source": "guru-api-test",
    }
    with caplog.at_level("INFO", logger="guru_form.server"):
        target = api.create(**body)
    video = api.request("GET", f"/videos/{target['id']}").json()
    assert video["activity"] is None and video["source"] == "guru-api-test"
    (line,) = [r.getMessage() for r in caplog.records if "ignored" in r.getMessage()]
    assert target["id"] in line
    assert "schemaId, inference, resolutionWidth, resolutionHeight" in line
    assert "a-schema-this-server" not in line  # names only, never values


def test_lift_type_names_the_activity(api: Api) -> None:
    target = api.create(filename="a.mp4", size=10, liftType="SQUAT")
    video = api.request("GET", f"/videos/{target['id']}").json()
    assert (video["activity"], video["domain"]) == ("squat", "weightlifting")


def test_a_configured_schema_names_the_activity(tmp_path: Any) -> None:
    with LocalServer(tmp_path / "server", schemas={"sq": "SQUAT"}) as server:
        api = Api(server)
        try:
            target = api.create(filename="a.mp4", size=10, schemaId="sq")
            video = api.request("GET", f"/videos/{target['id']}").json()
            assert video["activity"] == "squat"
            clash = api.request(
                "POST",
                "/videos",
                json={"filename": "a.mp4", "size": 10, "schemaId": "sq", "activity": "deadlift"},
            )
            assert clash.status_code == 400 and clash.json()["field"] == "schemaId"
            assert "schema 'sq' analyses 'squat'" in clash.json()["message"]
        finally:
            api.close()


def test_a_schema_with_an_unknown_activity_is_refused_before_the_server_starts(
    tmp_path: Any,
) -> None:
    from guru_form.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="unknown activity 'moonwalk'"):
        LocalServer(tmp_path / "data", schemas={"x": "moonwalk"})


def test_create_rejects_a_body_that_is_not_json(api: Api) -> None:
    response = api.request("POST", "/videos", content=b"filename=a.mp4")
    assert response.status_code == 400
    assert "JSON object" in response.json()["message"]


def test_update_changes_only_the_given_fields(api: Api) -> None:
    target = api.create(filename="w.mp4", size=10, activity="squat", repCount=5, source="s")
    vid = target["id"]
    response = api.request("PUT", f"/videos/{vid}", json={"repCount": 10})
    assert response.status_code == 200 and response.json() == {"id": vid}
    video = api.request("GET", f"/videos/{vid}").json()
    assert (video["repCount"], video["activity"], video["domain"], video["source"]) == (
        10,
        "squat",
        "weightlifting",
        "s",
    )
    api.request("PUT", f"/videos/{vid}", json={"activity": "push_up"})
    video = api.request("GET", f"/videos/{vid}").json()
    assert (video["activity"], video["domain"], video["repCount"]) == (
        "push_up",
        "calisthenics",
        10,
    )
    api.request("PUT", f"/videos/{vid}", json={"repCount": None})
    assert api.request("GET", f"/videos/{vid}").json()["repCount"] is None
    assert api.request("PUT", f"/videos/{vid}", json={}).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"domain": "weightlifting"}, "domain"),  # the stored activity is push_up
        ({"activity": "curl"}, "activity"),
        ({"repCount": -2}, "repCount"),
        ({"filename": "b.mp4"}, "filename"),
    ],
)
def test_update_validates(api: Api, body: dict[str, Any], field: str) -> None:
    vid = api.create(filename="w.mp4", size=10, activity="push_up")["id"]
    response = api.request("PUT", f"/videos/{vid}", json=body)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert api.request("GET", f"/videos/{vid}").json()["activity"] == "push_up"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/videos/{id}"),
        ("PUT", "/videos/{id}"),
        ("GET", "/videos/{id}/analysis"),
        ("GET", "/videos/{id}/content"),
    ],
)
def test_unknown_ids_are_404_with_json(api: Api, method: str, path: str) -> None:
    missing = str(uuid.uuid4())
    kwargs: dict[str, Any] = {"json": {"repCount": 1}} if method == "PUT" else {}
    response = api.request(method, path.format(id=missing), **kwargs)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert missing in response.json()["message"]


def test_upload_to_unknown_id_is_404(api: Api, known_videos: dict[str, KnownVideo]) -> None:
    target = api.create(known_videos["squat"].path)
    response = api.upload(target, known_videos["squat"].path, url=target["url"][:-4] + "0000")
    assert response.status_code == 404


def test_uri_downloads_the_uploaded_bytes(api: Api, known_videos: dict[str, KnownVideo]) -> None:
    path = known_videos["squat"].path
    vid = api.submit(path)
    video = api.request("GET", f"/videos/{vid}").json()
    assert video["status"] == "Success"
    assert video["uploadedAt"] is not None
    download = api.http.get(video["uri"], headers=api.auth())
    assert download.status_code == 200
    assert download.content == path.read_bytes()
    assert download.headers["content-type"] == "video/mp4"
    assert api.http.get(video["uri"]).status_code == 401


def test_content_before_upload_is_404(api: Api) -> None:
    vid = api.create(filename="w.mp4", size=10)["id"]
    response = api.request("GET", f"/videos/{vid}/content")
    assert response.status_code == 404
    assert "upload it first" in response.json()["message"]

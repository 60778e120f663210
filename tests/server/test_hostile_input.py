"""Hostile input never crashes the server: edge cases answer 4xx, and fuzzing every route finds no 5xx.

The fuzz tests send hypothesis-made JSON, forms, multipart bodies and paths to every route of a real
server on 127.0.0.1 and assert that each answer is JSON below 500. Each prints how many examples its
route got (``pytest -s``) and checks the route had them all.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guru_form.server.testing import KnownVideo, LocalServer

from .conftest import Api

EXAMPLES = 150
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SEEN: Counter[str] = Counter()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with LocalServer(tmp_path_factory.mktemp("hostile") / "data") as local:
        yield local


@pytest.fixture(scope="module")
def api(server: LocalServer) -> Iterator[Api]:
    client = Api(server)
    yield client
    client.close()


@pytest.fixture(scope="module")
def video(api: Api, known_videos: dict[str, KnownVideo]) -> dict[str, Any]:
    return api.create(known_videos["squat"].path)


def assert_handled(response: httpx.Response, route: str) -> None:
    """Below 500, JSON with an error code for a refusal, and counted for the route."""
    SEEN[route] += 1
    assert response.status_code < 500, (route, response.status_code, response.text)
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body.get("error"), str), body
    assert "Traceback" not in response.text


# --- the cases that crashed -----------------------------------------------------------------------


def test_a_rep_count_of_2_63_is_a_400_naming_the_field(api: Api) -> None:
    for body in (
        {"filename": "a.mp4", "size": 10, "repCount": 2**63},
        {"filename": "a.mp4", "size": 2**63},
        {"filename": "a.mp4", "size": 10, "repCount": -(2**63) - 1},
    ):
        response = api.request("POST", "/videos", json=body)
        assert response.status_code == 400, response.text
        assert response.json()["field"] in ("repCount", "size")
    vid = api.create(filename="a.mp4", size=10)["id"]
    response = api.request("PUT", f"/videos/{vid}", json={"repCount": 2**63})
    assert response.status_code == 400
    assert response.json()["field"] == "repCount"
    assert "at most 10000" in response.json()["message"]


def test_a_lone_surrogate_is_a_400(api: Api) -> None:
    raw = b'{"filename": "\\ud800.mp4", "size": 10}'
    response = api.http.post(
        "/videos", content=raw, headers={**api.auth(), "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "lone surrogate" in response.json()["message"]
    token = api.http.post(
        "/oauth/token",
        content=b'{"client_id": "\\udfff", "client_secret": "x", "audience": "a", '
        b'"grant_type": "client_credentials"}',
        headers={"content-type": "application/json"},
    )
    assert token.status_code == 400 and token.json()["error"] == "invalid_request"


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_json_nested_1000_deep_is_a_400(api: Api, method: str) -> None:
    path = (
        "/videos" if method == "POST" else f"/videos/{api.create(filename='a.mp4', size=1)['id']}"
    )
    for deep in (b"[" * 1000 + b"]" * 1000, b'{"a":' * 1000 + b"1" + b"}" * 1000):
        response = api.request(method, path, content=deep)
        assert response.status_code == 400, response.text
        assert "nested more than 32 levels deep" in response.json()["message"]


def test_a_multipart_boundary_over_70_characters_is_a_400(api: Api, video: dict[str, Any]) -> None:
    boundary = "b" * 300
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=key\r\n\r\nx\r\n--{boundary}--\r\n"
    )
    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    upload = httpx.post(video["url"], content=body.encode(), headers=headers)
    assert upload.status_code == 400
    assert "RFC 2046 allows 1 to 70" in upload.json()["message"]
    token = api.http.post("/oauth/token", content=body.encode(), headers=headers)
    assert token.status_code == 400 and token.json()["error"] == "invalid_request"


def test_a_secret_in_the_token_url_is_refused_saying_why(api: Api, server: LocalServer) -> None:
    response = api.http.post(
        "/oauth/token",
        params={"client_secret": server.client_secret},
        data={"client_id": server.client_id, "audience": server.audience},
    )
    assert response.status_code == 400
    assert "never in the URL" in response.json()["error_description"]
    assert server.client_secret not in response.text


def test_odd_video_ids_are_404(api: Api) -> None:
    for vid in ("%ED%A0%80", "x" * 5000, "..%2F..%2Fguru.sqlite3", "%00", "a%20b"):
        response = api.request("GET", f"/videos/{vid}")
        assert response.status_code == 404, (vid, response.text)
        assert len(response.text) < 400


def test_an_exception_in_a_handler_is_a_json_500_with_the_request_id(
    fresh_api: Api, fresh_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    records: list[logging.LogRecord] = []
    server_log = logging.getLogger("guru_form.server")
    monkeypatch.setattr(server_log, "disabled", False)  # whatever other tests configured
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    server_log.addHandler(handler)
    monkeypatch.setattr(server_log, "level", logging.DEBUG)
    fresh_api.token()
    runtime = fresh_server._runtime
    assert runtime is not None

    def broken(video_id: str) -> None:
        raise KeyError("the store broke")

    monkeypatch.setattr(runtime.store, "get_video", broken)
    response = fresh_api.request("GET", "/videos/some-id")
    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "server_error"
    assert body["requestId"] == response.headers["x-request-id"]
    assert body["requestId"] in body["message"]
    assert "Traceback" not in response.text and "KeyError" not in response.text
    # The server thread logs the failure after the answer has gone out: wait for the line.
    deadline = time.monotonic() + 10.0
    while time.monotonic() < deadline and not any(r.levelno == logging.DEBUG for r in records):
        time.sleep(0.02)
    server_log.removeHandler(handler)
    failures = [r for r in records if r.levelno == logging.ERROR]
    assert any(body["requestId"] in r.getMessage() for r in failures)
    assert all(r.exc_info is None for r in failures)  # one line, the traceback only at DEBUG
    assert any(r.levelno == logging.DEBUG and r.exc_info for r in records)


# --- fuzzing every route --------------------------------------------------------------------------

any_text = st.text(st.characters(exclude_categories=()), max_size=40)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | any_text
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)
FIELDS = ["filename", "size", "source", "domain", "activity", "repCount"]
field_values = (
    scalars
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.sampled_from(["squat", "deadlift", "weightlifting", "push_up", "a.mp4", ""])
    | json_values
)
video_bodies = st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, field_values))
bodies = (
    st.builds(lambda v: json.dumps(v).encode(), video_bodies | json_values)
    | st.binary(max_size=200)
    | st.builds(lambda depth: b"[" * depth + b"]" * depth, st.integers(0, 3000))
)
boundary_chars = st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=";,")
boundaries = st.text(boundary_chars, max_size=20) | st.text(
    boundary_chars, min_size=60, max_size=300
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "text/plain",
        "",
    ]
) | st.builds("multipart/form-data; boundary={}".format, boundaries)


def fuzz(route: str, test: Any) -> None:
    """Run a hypothesis test; check and print how many examples it sent to ``route``."""
    before = SEEN[route]
    test()
    sent = SEEN[route] - before
    print(f"fuzz {route}: {sent} examples, every answer below 500")
    assert sent >= EXAMPLES * 0.9, (route, sent)


def test_fuzz_create_video(api: Api) -> None:
    @FUZZ
    @given(body=bodies, content_type=content_types)
    def send(body: bytes, content_type: str) -> None:
        headers = {**api.auth(), "content-type": content_type}
        assert_handled(api.http.post("/videos", content=body, headers=headers), "POST /videos")

    fuzz("POST /videos", send)


def test_fuzz_update_video(api: Api, video: dict[str, Any]) -> None:
    @FUZZ
    @given(body=bodies, content_type=content_types)
    def send(body: bytes, content_type: str) -> None:
        headers = {**api.auth(), "content-type": content_type}
        response = api.http.put(f"/videos/{video['id']}", content=body, headers=headers)
        assert_handled(response, "PUT /videos/{id}")

    fuzz("PUT /videos/{id}", send)


token_fields = st.dictionaries(
    st.sampled_from(["grant_type", "client_id", "client_secret", "audience", "scope", "x"]),
    any_text,
)


def test_fuzz_token(api: Api) -> None:
    @FUZZ
    @given(
        fields=token_fields,
        as_json=st.booleans(),
        raw=st.none() | st.binary(max_size=100),
        raw_kind=content_types,
    )
    def send(fields: dict[str, str], as_json: bool, raw: bytes | None, raw_kind: str) -> None:
        if raw is not None:
            content, kind = raw, raw_kind
        elif as_json:
            content, kind = json.dumps(fields).encode(), "application/json"
        else:
            encoded = {k: v.encode("utf-8", "surrogatepass") for k, v in fields.items()}
            content = urllib.parse.urlencode(encoded).encode()
            kind = "application/x-www-form-urlencoded"
        headers = {"content-type": kind} if kind else {}
        response = api.http.post("/oauth/token", content=content, headers=headers)
        assert_handled(response, "POST /oauth/token")

    fuzz("POST /oauth/token", send)


form_values = st.text(max_size=30) | st.sampled_from(["videos/x", "9999999999", "1", ""])
# httpx encodes form fields itself, so they hold no lone surrogates (raw bodies cover those)
upload_fields = st.dictionaries(
    st.sampled_from(["key", "expires", "size", "signature", "file", "other"])
    | st.text(max_size=40),
    form_values,
    max_size=6,
)


def test_fuzz_upload(api: Api, server: LocalServer) -> None:
    @FUZZ
    @given(
        fields=upload_fields,
        use_real=st.booleans(),
        file=st.none() | st.binary(max_size=64),
        boundary=st.none() | boundaries,
        raw=st.none() | st.binary(max_size=300),
    )
    def send(
        fields: dict[str, str],
        use_real: bool,
        file: bytes | None,
        boundary: str | None,
        raw: bytes | None,
    ) -> None:
        target = api.create(filename="f.mp4", size=32)
        form = {**target["fields"], **fields} if use_real else fields
        if raw is not None or boundary is not None:
            kind = "multipart/form-data" + ("" if boundary is None else f"; boundary={boundary}")
            response = httpx.post(target["url"], content=raw or b"", headers={"content-type": kind})
        else:
            files = None if file is None else {"file": ("f.mp4", file, "video/mp4")}
            response = httpx.post(target["url"], data=form, files=files)
        assert_handled(response, "POST /uploads/{id}")

    fuzz("POST /uploads/{id}", send)
    leftovers = [
        p for p in (server.data_dir / "tmp").rglob("*") if p.is_file() and p.suffix != ".lock"
    ]
    assert leftovers == []  # no half-written upload stays behind


def test_fuzz_paths(api: Api) -> None:
    @FUZZ
    @given(
        segment=any_text,
        suffix=st.sampled_from(["", "/analysis", "/content", "/pose-track"]),
        method=st.sampled_from(["GET", "PUT", "POST", "DELETE"]),
    )
    def send(segment: str, suffix: str, method: str) -> None:
        quoted = urllib.parse.quote(segment.encode("utf-8", "surrogatepass"), safe="")
        response = api.http.request(method, f"/videos/{quoted}{suffix}", headers=api.auth())
        assert_handled(response, "/videos/{id}/...")
        body = segment.encode("utf-8", "surrogatepass")
        assert_handled(api.http.request(method, "/health", content=body), "/health")

    fuzz("/videos/{id}/...", send)
    assert SEEN["/health"] >= EXAMPLES * 0.9

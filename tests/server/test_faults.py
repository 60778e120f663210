"""Every injected fault is observable by a plain httpx client."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from guru_form.server.faults import Faults, compile_path_pattern
from guru_form.server.testing import KnownVideo, LocalServer

from .conftest import Api


def _video_rows(server: LocalServer) -> int:
    with sqlite3.connect(server.data_dir / "guru.sqlite3") as db:
        return int(db.execute("SELECT COUNT(*) FROM videos").fetchone()[0])


@pytest.mark.parametrize(("retry_after", "header"), [(2, "2"), (0.25, "0.25")])
def test_rate_limit_answers_429_with_retry_after(
    fresh_api: Api, fresh_server: LocalServer, retry_after: float, header: str
) -> None:
    fresh_server.faults.rate_limit("/videos", method="POST", retry_after=retry_after, times=2)
    body = {"filename": "a.mp4", "size": 10}
    first = fresh_api.request("POST", "/videos", json=body)
    second = fresh_api.request("POST", "/videos", json=body)
    third = fresh_api.request("POST", "/videos", json=body)
    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert first.headers["retry-after"] == header
    assert first.json()["error"] == "rate_limited"
    assert fresh_server.faults.count("/videos", method="POST") == 3
    assert fresh_server.faults.count("/videos", method="POST", status=429) == 2
    assert _video_rows(fresh_server) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors(fresh_api: Api, fresh_server: LocalServer, status: int) -> None:
    fresh_server.faults.fail("/videos/*/analysis", status)
    vid = fresh_api.create(filename="a.mp4", size=10)["id"]
    failed = fresh_api.request("GET", f"/videos/{vid}/analysis")
    assert failed.status_code == status
    assert failed.json()["error"] == "server_error"
    assert "retry-after" not in failed.headers
    assert fresh_api.request("GET", f"/videos/{vid}/analysis").status_code == 200


def test_503_may_carry_retry_after(fresh_api: Api, fresh_server: LocalServer) -> None:
    fresh_server.faults.fail("/oauth/token", 503, retry_after=1)
    response = fresh_api.token_response()
    assert response.status_code == 503 and response.headers["retry-after"] == "1"


def test_a_dropped_connection_raises_a_transport_error(
    fresh_api: Api, fresh_server: LocalServer
) -> None:
    fresh_api.token()
    fresh_server.faults.drop("/videos", method="POST")
    with pytest.raises(httpx.TransportError) as caught:
        fresh_api.request("POST", "/videos", json={"filename": "a.mp4", "size": 10})
    # closed (FIN: "without sending a response") or reset (RST), as real dropped connections are
    assert isinstance(caught.value, (httpx.RemoteProtocolError, httpx.ReadError))
    assert _video_rows(fresh_server) == 0  # dropped before the server acted
    record = fresh_server.faults.records[-1]
    assert (record.method, record.status, record.fault) == ("POST", None, "drop")
    assert (
        fresh_api.request("POST", "/videos", json={"filename": "a.mp4", "size": 10}).status_code
        == 200
    )


def test_a_drop_after_processing_loses_only_the_answer(
    fresh_api: Api, fresh_server: LocalServer
) -> None:
    fresh_api.token()
    fresh_server.faults.drop("/videos", method="POST", after_processing=True)
    with pytest.raises(httpx.TransportError):
        fresh_api.request("POST", "/videos", json={"filename": "a.mp4", "size": 10})
    assert _video_rows(fresh_server) == 1  # the video exists; its id never reached the client


def test_a_dropped_upload_sent_again_to_the_same_url_hears_it_arrived(
    fresh_api: Api, fresh_server: LocalServer, known_videos: dict[str, KnownVideo]
) -> None:
    path = known_videos["squat"].path
    target = fresh_api.create(path)
    fresh_server.faults.drop("/uploads/*", after_processing=True)
    with pytest.raises(httpx.TransportError):
        fresh_api.upload(target, path)
    again = fresh_api.upload(target, path)  # the form worked once: the file is there
    assert again.status_code == 409 and again.json()["error"] == "upload_form_used"
    assert fresh_api.wait(target["id"])["status"] == "Complete"
    assert fresh_server.faults.count("/uploads/*", method="POST") == 2
    assert _video_rows(fresh_server) == 1


def test_slow_responses(fresh_api: Api, fresh_server: LocalServer) -> None:
    fresh_api.token()
    fresh_server.faults.slow("/videos/*", 0.4, method="GET", times=2)
    with pytest.raises(httpx.ReadTimeout):
        fresh_api.http.get("/videos/x", headers=fresh_api.auth(), timeout=0.1)
    started = time.perf_counter()
    assert fresh_api.request("GET", "/videos/x").status_code == 404
    assert time.perf_counter() - started >= 0.4
    started = time.perf_counter()
    fresh_api.request("GET", "/videos/x")
    assert time.perf_counter() - started < 0.3


def test_faults_until_reset_and_method_filter(fresh_api: Api, fresh_server: LocalServer) -> None:
    fresh_server.faults.fail("/videos/*", 500, method="GET", times=None)
    statuses = [fresh_api.request("GET", "/videos/x").status_code for _ in range(3)]
    assert statuses == [500, 500, 500]
    assert fresh_api.request("PUT", "/videos/x", json={}).status_code == 404
    fresh_server.faults.reset()
    assert fresh_api.request("GET", "/videos/x").status_code == 404
    assert fresh_server.faults.count() == 1


def test_path_patterns() -> None:
    one_segment = compile_path_pattern("/videos/*")
    assert one_segment.fullmatch("/videos/abc")
    assert not one_segment.fullmatch("/videos/abc/analysis")
    assert not one_segment.fullmatch("/videos")
    assert compile_path_pattern("/videos/**").fullmatch("/videos/abc/analysis")
    assert compile_path_pattern("/videos/*/analysis").fullmatch("/videos/a.b/analysis")
    assert not compile_path_pattern("/videos/*/analysis").fullmatch("/videos/a/content")


def test_bad_fault_settings_are_refused() -> None:
    faults = Faults()
    with pytest.raises(ValueError, match="error status"):
        faults.fail("/videos", 200)
    with pytest.raises(ValueError, match="times"):
        faults.rate_limit("/videos", times=0)
    with pytest.raises(RuntimeError, match="TCP proxy"):
        faults.drop("/videos")
    assert repr(faults) == "Faults(active_rules=0, requests=0)"


def test_the_backend_down_looks_like_a_dropped_connection(fresh_server: LocalServer) -> None:
    fresh_server._stop_backend()
    try:
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{fresh_server.url}/health", timeout=5)
    finally:
        fresh_server._start_backend()
    assert httpx.get(f"{fresh_server.url}/health").status_code == 200


def test_requests_through_the_direct_url_skip_the_proxy(
    fresh_server: LocalServer, tmp_path: Path
) -> None:
    assert fresh_server.direct_url != fresh_server.url
    assert httpx.get(f"{fresh_server.direct_url}/health").json()["engine"] == "reference"

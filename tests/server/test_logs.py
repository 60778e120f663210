"""Log hygiene: no secret in any line of a whole run's log, no query strings, no floods."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from guru_form.server._logging import AccessLogPathFilter, RateLimitFilter
from guru_form.server.testing import KnownVideo, LocalServer

from ._serve_process import ServeProcess
from .conftest import Api


def test_a_whole_run_logs_no_secret_and_no_query_string(
    tmp_path: Path, known_videos: dict[str, KnownVideo]
) -> None:
    path = known_videos["squat"].path
    with ServeProcess(tmp_path / "data", log_level="trace") as server:
        form = server.token_form()
        secret = form["client_secret"]
        url = server.url
        http = httpx.Client(base_url=url, timeout=30)
        # refused: the secret in the URL, a wrong secret, a secret as the audience
        in_url = http.post("/oauth/token", params={"client_secret": secret}, data=form)
        assert in_url.status_code == 400
        assert http.post("/oauth/token", data={**form, "client_secret": "x" + secret}).is_error
        assert http.post("/oauth/token", data={**form, "grant_type": secret}).is_error
        token = http.post("/oauth/token", data=form).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        target = http.post(
            "/videos", json={"filename": path.name, "size": path.stat().st_size}, headers=auth
        ).json()
        signature = target["fields"]["signature"]
        tampered = {**target["fields"], "signature": "f" * 64}
        with path.open("rb") as handle:
            files = {"file": (path.name, handle, "video/mp4")}
            assert httpx.post(target["url"], data=tampered, files=files).status_code == 403
        with path.open("rb") as handle:
            files = {"file": (path.name, handle, "video/mp4")}
            upload = httpx.post(
                f"{target['url']}?signature={signature}&access_token={token}",
                data=target["fields"],
                files=files,
            )
            assert upload.status_code == 204
        vid = target["id"]
        for suffix in ("", "/analysis", "/content"):
            http.get(f"/videos/{vid}{suffix}", headers=auth, params={"access_token": token})
        http.get("/videos/none", headers={"Authorization": f"Bearer {token}x"})
        http.get(f"/nowhere?client_secret={secret}")
        http.close()
        assert server.stop() == 0
        log = server.log()
    key = (server.data_dir / "signing.key").read_text().strip()
    lines = log.splitlines()
    assert len(lines) > 20 and any(f"/videos/{vid}" in line for line in lines)
    for secret_value in (secret, token, signature, key):
        leaks = [line for line in lines if secret_value in line]
        assert leaks == [], leaks
    access = [line for line in lines if '"GET ' in line or '"POST ' in line]
    assert access and not [line for line in access if "?" in line]
    assert "Traceback" not in log


def test_the_access_log_filter_drops_the_query_only() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "POST", "/oauth/token?client_secret=s3cret", "1.1", 400),
        None,
    )
    assert AccessLogPathFilter().filter(record)
    assert record.getMessage() == '127.0.0.1:5 - "POST /oauth/token HTTP/1.1" 400'


def test_the_rate_limit_lets_bursts_through_and_counts_what_it_dropped() -> None:
    limiter = RateLimitFilter(burst=3, period_s=0.2)

    def record(msg: str, level: int = logging.ERROR) -> logging.LogRecord:
        return logging.LogRecord("x", level, __file__, 1, msg, None, None)

    passed = [limiter.filter(record("disk full")) for _ in range(10)]
    assert passed == [True] * 3 + [False] * 7
    assert limiter.filter(record("another kind"))
    assert all(limiter.filter(record("info", logging.INFO)) for _ in range(20))
    import time

    time.sleep(0.25)
    later = record("disk full")
    assert limiter.filter(later)
    assert "[7 more like this were not logged]" in later.getMessage()


def test_an_error_storm_logs_a_few_lines(
    fresh_api: Api, fresh_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    records: list[logging.LogRecord] = []
    server_log = logging.getLogger("guru_form.server")
    monkeypatch.setattr(server_log, "disabled", False)  # whatever other tests configured
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    server_log.addHandler(handler)
    fresh_api.token()
    runtime = fresh_server._runtime
    assert runtime is not None

    def broken(video_id: str) -> None:
        raise RuntimeError("storage is gone")

    monkeypatch.setattr(runtime.store, "get_video", broken)
    statuses = {fresh_api.request("GET", f"/videos/v{i}").status_code for i in range(300)}
    server_log.removeHandler(handler)
    assert statuses == {500}
    errors = [r for r in records if r.levelno >= logging.ERROR]
    assert 1 <= len(errors) <= 10, len(errors)

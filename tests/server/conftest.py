"""A thin raw-HTTP helper for the server's tests (the real client is tested in tests/client)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from guru_form.server.testing import LocalServer


class Api:
    """Speaks the Guru API to a LocalServer with plain httpx, so every status is visible."""

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.url, timeout=30)
        self._token: str | None = None

    def token_response(self, **overrides: str) -> httpx.Response:
        form = {
            "client_id": self.server.client_id,
            "client_secret": self.server.client_secret,
            "audience": self.server.audience,
            "grant_type": "client_credentials",
            **overrides,
        }
        return self.http.post("/oauth/token", data=form)

    def token(self, *, fresh: bool = False) -> str:
        if self._token is None or fresh:
            response = self.token_response()
            assert response.status_code == 200, response.text
            self._token = str(response.json()["access_token"])
        return self._token

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path, headers=self.auth(), **kwargs)

    def create(self, path: Path | None = None, **body: Any) -> dict[str, Any]:
        if path is not None:
            body = {"filename": path.name, "size": path.stat().st_size, **body}
        response = self.request("POST", "/videos", json=body)
        assert response.status_code == 200, response.text
        created: dict[str, Any] = response.json()
        return created

    def upload(
        self,
        target: dict[str, Any],
        path: Path,
        *,
        fields: dict[str, str] | None = None,
        url: str | None = None,
    ) -> httpx.Response:
        with path.open("rb") as handle:
            return httpx.post(
                url or target["url"],
                data=target["fields"] if fields is None else fields,
                files={"file": (path.name, handle, "video/mp4")},
                timeout=60,
            )

    def analysis(self, video_id: str) -> dict[str, Any]:
        response = self.request("GET", f"/videos/{video_id}/analysis")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def wait(self, video_id: str, timeout: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            body = self.analysis(video_id)
            if body["status"] != "Pending":
                return body
            if time.monotonic() > deadline:
                raise AssertionError(f"analysis of {video_id} still pending after {timeout} s")
            time.sleep(0.02)

    def submit(self, path: Path, **body: Any) -> str:
        target = self.create(path, **body)
        response = self.upload(target, path)
        assert response.status_code == 204, response.text
        return str(target["id"])

    def close(self) -> None:
        self.http.close()


@pytest.fixture(autouse=True)
def _fresh_log_rate_limits() -> None:
    """Each test sees every kind of warning from the first (the rate limit is per process)."""
    from guru_form.server._logging import reset_rate_limits

    reset_rate_limits()


@pytest.fixture
def api(local_server: LocalServer) -> Iterator[Api]:
    """Raw API access to the session server."""
    client = Api(local_server)
    yield client
    client.close()


@pytest.fixture
def fresh_api(fresh_server: LocalServer) -> Iterator[Api]:
    """Raw API access to this test's own server."""
    client = Api(fresh_server)
    yield client
    client.close()

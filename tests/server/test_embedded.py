"""The embedded per-process server used when no Guru credentials are set."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from guru_form.errors import GuruError, InvalidInputError
from guru_form.server.embedded import ensure_local_server, stop_local_server


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("GURU_FORM_HOME", str(tmp_path / "home"))
    stop_local_server()
    yield tmp_path / "home"
    stop_local_server()


def _token(server_url: str, **form: str) -> httpx.Response:
    return httpx.post(
        f"{server_url}/oauth/token", data={"grant_type": "client_credentials", **form}
    )


def test_one_server_per_process_in_guru_form_home(home: Path) -> None:
    server = ensure_local_server()
    assert ensure_local_server() is server
    assert server.url.startswith("http://127.0.0.1:")
    assert server.auth_url == f"{server.url}/oauth2/token"
    assert server.data_dir == (home / "server").resolve()
    assert server.engine in ("pose", "reference")
    response = _token(
        server.url,
        client_id=server.client_id,
        client_secret=server.client_secret,
        audience=server.audience,
    )
    assert response.status_code == 200
    assert httpx.get(f"{server.url}/health").json()["engine"] == server.engine
    assert server.client_kwargs()["base_url"] == server.url


def test_credentials_are_made_once_and_kept_private(home: Path) -> None:
    first = ensure_local_server()
    stored = home / "server" / "credentials.json"
    assert stored.stat().st_mode & 0o777 == 0o600
    assert (home / "server").stat().st_mode & 0o777 == 0o700
    assert json.loads(stored.read_text())["client_secret"] == first.client_secret
    assert first.client_secret not in repr(first)
    stop_local_server()
    second = ensure_local_server()
    assert (second.client_id, second.client_secret) == (first.client_id, first.client_secret)
    assert second.url == first.url  # the port of last time, when free


def test_a_taken_port_falls_back_to_another(home: Path) -> None:
    first = ensure_local_server()
    stop_local_server()
    import socket

    blocker = socket.socket()
    blocker.bind(("127.0.0.1", int(first.url.rsplit(":", 1)[1])))
    blocker.listen()
    try:
        second = ensure_local_server()
        assert second.url != first.url
        assert httpx.get(f"{second.url}/health").status_code == 200
    finally:
        blocker.close()


def test_asking_for_another_folder_while_running_is_an_error(home: Path, tmp_path: Path) -> None:
    ensure_local_server()
    with pytest.raises(GuruError, match="stop_local_server"):
        ensure_local_server(tmp_path / "elsewhere")
    with pytest.raises(GuruError, match="already runs engine"):
        ensure_local_server(engine="tests.server._engines:EchoEngine")
    stop_local_server()
    other = ensure_local_server(tmp_path / "elsewhere", engine="reference")
    assert other.data_dir == (tmp_path / "elsewhere").resolve()


def test_stopped_means_stopped(home: Path) -> None:
    server = ensure_local_server()
    stop_local_server()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{server.url}/health", timeout=2)
    stop_local_server()  # idempotent


STRIDE_ENGINE = "tests.server._engines:StrideEngine"


def test_a_server_at_one_stride_is_not_taken_for_another(home: Path) -> None:
    server = ensure_local_server(engine=STRIDE_ENGINE, stride=2)
    assert (server.engine, server.stride) == (STRIDE_ENGINE, 2)
    assert ensure_local_server(engine=STRIDE_ENGINE, stride=2) is server
    assert httpx.get(f"{server.url}/health").json()["stride"] == 2
    with pytest.raises(
        GuruError,
        match=r"already runs engine '.*StrideEngine, stride 2'; call stop_local_server\(\) before "
        r"asking for '.*StrideEngine, stride 3'",
    ):
        ensure_local_server(engine=STRIDE_ENGINE, stride=3)
    with pytest.raises(GuruError, match="already runs engine"):
        ensure_local_server(engine=STRIDE_ENGINE)  # no stride is the engine's own default
    stop_local_server()
    assert ensure_local_server(engine=STRIDE_ENGINE).stride is None


def test_a_bad_stride_starts_nothing(home: Path) -> None:
    with pytest.raises(InvalidInputError, match="stride must be a whole number"):
        ensure_local_server(stride=0)
    with pytest.raises(InvalidInputError, match="'reference' analysis engine has no stride"):
        ensure_local_server(engine="reference", stride=2)
    assert not home.exists()  # no folder, no credentials, no server
    from guru_form.server import embedded

    assert embedded._singleton.running is None

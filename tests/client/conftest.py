"""Fixtures of the client tests: small real videos, a fake Guru, and both clients behind one face.

``make_client`` is parametrised over the sync and the async client: a test written once in sync
style runs against both (the async client's coroutines run on an event loop in a portal thread).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio.from_thread
import cv2
import numpy as np
import pytest

from guru_form import AsyncGuruClient, GuruClient, RetryPolicy
from tests.client.fakeguru import CLIENT_ID, CLIENT_SECRET, FakeGuru
from tests.fakehttp import FakeServer

FAST_RETRY = RetryPolicy(max_retries=3, initial_delay=0.01, max_delay=0.05)


def serve_as_embedded(
    monkeypatch: pytest.MonkeyPatch, server: Any, data_dir: Path, engine: str
) -> None:
    """Make ``server`` (a running :class:`guru_form.testing.LocalServer`) the process' embedded
    local server, and clear the credentials, so that ``GuruClient()`` talks to it as to the
    embedded one (``client.is_local``)."""
    from guru_form.server import embedded

    info = embedded.EmbeddedServer(
        url=server.url,
        auth_url=server.auth_url,
        audience=server.audience,
        client_id=server.client_id,
        client_secret=server.client_secret,
        data_dir=data_dir,
        engine=engine,
    )
    monkeypatch.setattr(embedded, "ensure_local_server", lambda *_a, **_k: info)
    for var in ("GURU_CLIENT_ID", "GURU_CLIENT_SECRET", "GURU_API_URL", "GURU_AUTH_URL"):
        monkeypatch.delenv(var, raising=False)


def write_video(path: Path, seed: int, frames: int = 6) -> Path:
    """A tiny real MJPG AVI whose content depends on ``seed``."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    rng = np.random.default_rng(seed)
    for _ in range(frames):
        writer.write(rng.integers(0, 255, (48, 64, 3), dtype=np.uint8))
    writer.release()
    return path


@pytest.fixture(scope="session")
def video_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("videos")
    for i in range(12):
        write_video(folder / f"clip{i:02d}.avi", seed=i)
    return folder


@pytest.fixture
def video(video_dir: Path) -> Path:
    return video_dir / "clip00.avi"


@pytest.fixture
def fake() -> Iterator[FakeGuru]:
    with FakeServer() as server:
        yield FakeGuru(server)


class AsyncAsSync:
    """An AsyncGuruClient whose coroutine methods are called like sync ones (for parity tests)."""

    def __init__(self, client: AsyncGuruClient, portal: Any) -> None:
        self.inner = client
        self._portal = portal

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if inspect.iscoroutinefunction(attr):

            def call(*args: Any, **kwargs: Any) -> Any:
                return self._portal.call(functools.partial(attr, *args, **kwargs))

            return call
        return attr

    def close(self) -> None:
        self._portal.call(self.inner.aclose)


@pytest.fixture(params=["sync", "async"])
def make_client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """``make_client(**kwargs)`` -> a GuruClient, or an AsyncGuruClient behind a sync face."""
    made: list[Any] = []
    with anyio.from_thread.start_blocking_portal() as portal:

        def make(**kwargs: Any) -> Any:
            kwargs.setdefault("cache_dir", tmp_path / "cache")
            kwargs.setdefault("retry", FAST_RETRY)
            if request.param == "sync":
                client: Any = GuruClient(**kwargs)
            else:
                client = AsyncAsSync(AsyncGuruClient(**kwargs), portal)
            made.append(client)
            return client

        make.mode = request.param  # type: ignore[attr-defined]
        yield make
        for client in made:
            client.close()


@pytest.fixture
def fake_client(make_client: Callable[..., Any], fake: FakeGuru) -> Any:
    """A client of either mode talking to the fake Guru."""
    return make_client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url=fake.url,
        auth_url=fake.auth_url,
    )

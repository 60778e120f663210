"""Drive an UploadPanel without a browser: set its widgets, click, run the event loop, check state.

Each test runs its scenario in ``asyncio.run`` (as Jupyter's kernel runs a loop), against the real
local server of ``tests/conftest.py`` (reference engine: it knows the sample videos and the
``known_videos``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from guru_form.client import AsyncGuruClient
from guru_form.testing import LocalServer
from guru_form.widgets import UploadPanel

T = TypeVar("T")


def run(scenario: Awaitable[T]) -> T:
    return asyncio.run(scenario)  # type: ignore[arg-type]


def uploaded(name: str, content: bytes) -> dict[str, Any]:
    """One file as ipywidgets' FileUpload holds it after a browser upload."""
    return {
        "name": name,
        "type": "video/mp4",
        "size": len(content),
        "content": memoryview(content),
        "last_modified": dt.datetime.now(dt.timezone.utc),
    }


@pytest.fixture
def with_panel(
    local_server: LocalServer, tmp_path: Any
) -> Callable[[Callable[[UploadPanel], Awaitable[T]]], T]:
    """``with_panel(scenario)``: run ``await scenario(panel)`` with a panel on the local server,
    its uploads kept in ``tmp_path / "uploads"``; the panel and its client are closed after."""

    def go(scenario: Callable[[UploadPanel], Awaitable[T]]) -> T:
        async def main() -> T:
            # A cache of its own: results recorded by other tests are not this test's.
            client = AsyncGuruClient(**local_server.client_kwargs(), cache_dir=tmp_path / "cache")
            (tmp_path / "uploads").mkdir(exist_ok=True)
            panel = UploadPanel(client, upload_dir=tmp_path / "uploads")
            try:
                return await scenario(panel)
            finally:
                panel.close()
                await client.aclose()

        return run(main())

    return go

"""A lock on one result-cache entry, held across client objects, threads and processes.

The result cache promises that a video is never uploaded twice. One client object keeps that promise
with an in-process lock per entry; clients in other objects (a notebook that makes a client per cell),
threads or processes sharing the cache folder need more. :class:`EntryLock` is a lock file beside the
entries (``filelock``: ``flock`` on POSIX, ``msvcrt`` on Windows), held around the look-up, the
create-video call and the upload: whoever comes second finds the first one's entry and polls its
video. The operating system lets go of it when its holder dies, so a crash never leaves it held.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import anyio
from filelock import FileLock, Timeout

__all__ = ["EntryLock"]

_POLL_S = 0.05


class EntryLock:
    """An exclusive lock file, for ``with`` (blocking) or ``async with`` (polling, cancellable).

    Parameters
    ----------
    path
        The lock file (created, with its folder, when missing).
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = FileLock(path, thread_local=False)

    def __repr__(self) -> str:
        return f"EntryLock({str(self.path)!r}, held={self._lock.is_locked})"

    def __enter__(self) -> EntryLock:
        self._lock.acquire(poll_interval=_POLL_S)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._lock.release()

    async def __aenter__(self) -> EntryLock:
        while True:
            try:
                self._lock.acquire(blocking=False)
                return self
            except Timeout:
                await anyio.sleep(_POLL_S)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._lock.release()

"""Run an iterator ahead in a background thread, a bounded number of items ahead.

Decoding a video frame happens mostly in FFmpeg, which PyAV calls with the GIL released, so a
thread that decodes the next frames runs on another core while the caller's thread runs a model
on the current one. The queue holds at most ``depth`` items, so memory stays bounded whatever
the video's length.

The worker thread owns the source iterator: it is advanced, and closed, only there. Closing the
prefetching generator (or letting it be garbage-collected, or breaking out of a ``for`` loop over
it and dropping it) stops the worker and waits for it, so the source's ``finally`` blocks have
run when ``close()`` returns. An exception raised by the source is raised in the consumer, at the
item where it happened.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

__all__ = ["prefetched"]

T = TypeVar("T")

_ITEM, _END, _ERROR = 0, 1, 2
_POLL_S = 0.05  # how often a blocked worker looks whether it has been told to stop


class _Worker(Generic[T]):
    def __init__(self, source: Iterator[T], depth: int, name: str) -> None:
        self._source = source
        self._queue: queue.Queue[tuple[int, object]] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _put(self, message: tuple[int, object]) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(message, timeout=_POLL_S)
            except queue.Full:
                continue
            return True
        return False

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    item = next(self._source)
                except StopIteration:
                    self._put((_END, None))
                    return
                if not self._put((_ITEM, item)):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            self._put((_ERROR, exc))
        finally:
            close = getattr(self._source, "close", None)
            if close is not None:
                close()

    def get(self) -> tuple[int, object]:
        return self._queue.get()

    def stop(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            try:  # make room, so a worker blocked on a full queue sees the stop at once
                while True:
                    self._queue.get_nowait()
            except queue.Empty:
                pass
            self._thread.join(timeout=_POLL_S)


def prefetched(source: Iterator[T], depth: int, *, name: str = "guru_form-prefetch") -> Iterator[T]:
    """Yield the items of ``source``, produced by a background thread up to ``depth`` ahead.

    Parameters
    ----------
    source
        The iterator to run ahead; from now on only the worker thread touches it.
    depth
        At most this many items wait in the queue (1 or more).
    name
        The worker thread's name.

    Yields
    ------
    object
        The items of ``source``, in order.

    Raises
    ------
    ValueError
        ``depth`` is less than 1.
    BaseException
        Whatever ``source`` raises, at the point where it raised it.
    """
    if depth < 1:
        raise ValueError(f"depth must be 1 or more, got {depth}")
    worker = _Worker(source, depth, name)
    worker.start()
    try:
        while True:
            kind, value = worker.get()
            if kind == _END:
                return
            if kind == _ERROR:
                assert isinstance(value, BaseException)
                raise value
            yield value  # type: ignore[misc]
    finally:
        worker.stop()

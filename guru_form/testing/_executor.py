"""Slow and failing analyses for tests, injected where the server submits its analysis jobs.

:class:`FaultyExecutor` wraps the executor a server runs its jobs in (the server's ``executor``
setting). For each job it asks a :class:`~guru_form.testing.Faults` controller whether to hold the
outcome back or to fail it, so the server itself carries no test machinery.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, Protocol, TypeVar

from guru_form.server.jobs import run_analysis

__all__ = ["FaultyExecutor"]

T = TypeVar("T")

_RUN_ANALYSIS = inspect.signature(run_analysis)


class AnalysisFaults(Protocol):
    """Where the executor asks how to treat the next analysis (:class:`~guru_form.testing.Faults`)."""

    def take_analysis_fault(self) -> tuple[float, str | None]:
        """``(seconds to hold the outcome back, failure reason or None)`` for the next job."""
        ...


def _failed_analysis(reason: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The Guru JSON of a Failed analysis for the :func:`run_analysis` call ``args``/``kwargs``."""
    bound = _RUN_ANALYSIS.bind(*args, **kwargs).arguments
    return {
        "status": "Failed",
        "domain": bound.get("domain"),
        "activity": bound.get("activity"),
        "reps": [],
        "reason": reason,
    }


class FaultyExecutor(Executor):
    """An executor that runs analysis jobs in ``inner``, slowing or failing them on request.

    Parameters
    ----------
    inner
        Where the work runs (a thread pool, a process pool, a Dask executor...).
    faults
        Asked once per :func:`~guru_form.server.jobs.run_analysis` job, when it is submitted.
    owns_inner
        Shut ``inner`` down with this executor.

    Notes
    -----
    A slow job runs at once; its future completes ``seconds`` after submission at the earliest, so
    a held-back job keeps no worker busy. A failed job does not run: its future holds the Failed
    analysis JSON. :meth:`shutdown` cancels the futures still held back (their jobs stay pending
    on the server, as after any stop).
    """

    def __init__(
        self, inner: Executor, faults: AnalysisFaults, *, owns_inner: bool = False
    ) -> None:
        self.inner = inner
        self._faults = faults
        self._owns_inner = owns_inner
        self._lock = threading.Lock()
        self._held: dict[Future[Any], threading.Timer] = {}
        self._shutdown = False

    def __repr__(self) -> str:
        return f"FaultyExecutor({self.inner!r}, held_back={len(self._held)})"

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Run ``fn(*args, **kwargs)`` in the inner executor, with the next analysis fault if any."""
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
        if fn is not run_analysis:
            return self.inner.submit(fn, *args, **kwargs)
        delay, reason = self._faults.take_analysis_fault()
        ready_at = time.monotonic() + delay
        if reason is not None:
            failed: Future[Any] = Future()
            self._complete_at(failed, ready_at, lambda: _failed_analysis(reason, args, kwargs))
            return failed
        future: Future[T] = self.inner.submit(fn, *args, **kwargs)
        if delay <= 0:
            return future
        held: Future[T] = Future()
        future.add_done_callback(lambda done: self._complete_at(held, ready_at, done.result))
        return held

    def _complete_at(
        self, future: Future[Any], ready_at: float, outcome: Callable[[], Any]
    ) -> None:
        """Complete ``future`` with ``outcome()`` (its value or its exception) at ``ready_at``."""

        def complete() -> None:
            with self._lock:
                self._held.pop(future, None)
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(outcome())
            except BaseException as exc:
                future.set_exception(exc)

        remaining = ready_at - time.monotonic()
        if remaining <= 0:
            complete()
            return
        timer = threading.Timer(remaining, complete)
        timer.daemon = True
        with self._lock:
            if self._shutdown:
                future.cancel()
                return
            self._held[future] = timer
        timer.start()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Cancel the held-back futures; shut the inner executor down if this one owns it."""
        with self._lock:
            self._shutdown = True
            held, self._held = self._held, {}
        for future, timer in held.items():
            timer.cancel()
            future.cancel()
        if self._owns_inner:
            self.inner.shutdown(wait=wait, cancel_futures=cancel_futures)

"""The decisions of waiting for an analysis, shared by the sync and async clients.

After each poll the :class:`Poller` says what to do: return the analysis, raise
:class:`~guru_form.errors.AnalysisFailedError`, raise
:class:`~guru_form.errors.AnalysisTimeoutError`, or sleep this long and poll again. The interval
grows by half after every poll up to a cap, a server's ``Retry-After`` is honoured, and the last
poll happens at the deadline. A poll that fails for a passing reason (a dropped connection, 429,
5xx, even after the client's own retries) is tolerated a few times in a row: the video is
already uploaded, and losing it to a blip would be worse than waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from guru_form.client._progress import AnalysisProgress, PollReporter
from guru_form.errors import (
    AnalysisFailedError,
    AnalysisTimeoutError,
    APIConnectionError,
    GuruError,
    InvalidInputError,
    RateLimitError,
    ServerError,
)
from guru_form.models import Analysis, Status

__all__ = ["TRANSIENT_ERRORS", "Poller"]

TRANSIENT_ERRORS: tuple[type[GuruError], ...] = (APIConnectionError, RateLimitError, ServerError)
GROWTH = 1.5


class Poller:
    """What to do after each poll of one video's analysis.

    Parameters
    ----------
    video_id
        The video being waited for.
    timeout
        Seconds until :class:`AnalysisTimeoutError`.
    poll_interval
        The first wait between polls, in seconds; it grows by half each time up to
        ``max_poll_interval``.
    max_poll_interval
        The cap (never below ``poll_interval``).
    max_transient_failures
        Polls in a row that may fail for a passing reason before the error is raised.
    progress
        See :data:`~guru_form.client._progress.AnalysisProgress`.
    label
        The video's name on the progress bar (default: its id).
    clock
        Injected for tests.

    Examples
    --------
    >>> p = Poller("v1", timeout=60, poll_interval=1, max_poll_interval=2, clock=lambda: 0.0)
    >>> [p.after_poll(Analysis("v1", Status.PENDING)) for _ in range(3)]
    [1.0, 1.5, 2.0]
    """

    def __init__(
        self,
        video_id: str,
        *,
        timeout: float,
        poll_interval: float,
        max_poll_interval: float = 15.0,
        max_transient_failures: int = 5,
        progress: AnalysisProgress = None,
        label: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        for name, value in (
            ("timeout", timeout),
            ("poll_interval", poll_interval),
            ("max_poll_interval", max_poll_interval),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise InvalidInputError(f"{name} must be a number >= 0, got {value!r}")
        self.video_id = video_id
        self._clock = clock
        self._started = clock()
        self._deadline = self._started + float(timeout)
        self._interval = float(poll_interval)
        self._max_interval = max(float(max_poll_interval), float(poll_interval))
        self._max_failures = max_transient_failures
        self._failures = 0
        self._last_status: str | None = None
        self._reporter = PollReporter(
            progress, video_id=video_id, timeout=float(timeout), label=label
        )

    @property
    def elapsed(self) -> float:
        """Seconds since waiting began."""
        return self._clock() - self._started

    def after_poll(self, analysis: Analysis, retry_after: float | None = None) -> float | None:
        """Seconds to sleep before the next poll, or None when the analysis is complete.

        Raises
        ------
        AnalysisFailedError
            The analysis ended ``Failed`` (with the server's reason).
        AnalysisTimeoutError
            Still pending at the deadline. A status the API does not document (e.g.
            ``"Processing"``) counts as pending; the error's ``status`` keeps it.
        """
        self._failures = 0
        self._last_status = analysis.status_text
        self._reporter(analysis, self.elapsed)
        if analysis.status is Status.COMPLETE:
            return None
        if analysis.status is Status.FAILED:
            raise AnalysisFailedError(self.video_id, analysis.reason, analysis.reason_code)
        return self._next_delay(retry_after)

    def after_error(self, error: GuruError) -> float:
        """Seconds to sleep after a poll that failed for a passing reason; raises ``error`` when
        it has happened too often in a row (or the deadline has passed)."""
        self._failures += 1
        if self._failures > self._max_failures:
            raise error
        retry_after = error.retry_after if isinstance(error, RateLimitError) else None
        try:
            return self._next_delay(retry_after)
        except AnalysisTimeoutError as timeout:
            raise timeout from error

    def _next_delay(self, retry_after: float | None) -> float:
        remaining = self._deadline - self._clock()
        if remaining <= 0:
            raise AnalysisTimeoutError(self.video_id, self.elapsed, self._last_status)
        delay = max(self._interval, retry_after or 0.0)
        self._interval = min(self._interval * GROWTH, self._max_interval)
        return min(delay, remaining)

    def close(self) -> None:
        """Close the progress bar, if any."""
        self._reporter.close()

    def __enter__(self) -> Poller:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

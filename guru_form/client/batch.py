"""The result of analysing many videos at once, and running a batch from synchronous code.

:class:`BatchResult` holds what succeeded (``path -> Analysis``, in the order given) and a list of
what failed (:class:`BatchFailure`: the path and the error). Re-running the same batch resumes:
finished analyses come from the result cache and uploaded-but-unfinished videos are polled, so
nothing is uploaded twice.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from guru_form.errors import AnalysisFailedError, AnalysisTimeoutError, GuruError
from guru_form.models import Analysis

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BatchFailure", "BatchResult", "run_sync"]

T = TypeVar("T")


@dataclass(frozen=True)
class BatchFailure:
    """One video of a batch that did not produce an analysis.

    Attributes
    ----------
    path
        The video.
    error
        Why: a :class:`~guru_form.errors.GuruError` (e.g. ``InvalidVideoError``,
        ``AnalysisFailedError``, ``AnalysisTimeoutError``, ``ServerError``) or an ``OSError``.
        Any other exception is unexpected (a bug): it is kept as raised, with its traceback,
        and logged on the ``guru_form.client`` logger; the rest of the batch carries on.
    """

    path: Path
    error: Exception

    @property
    def video_id(self) -> str | None:
        """The video's id when it was uploaded before failing (poll it later with that id)."""
        if isinstance(self.error, (AnalysisFailedError, AnalysisTimeoutError)):
            return self.error.video_id
        return None

    @property
    def expected(self) -> bool:
        """False when the error is unexpected (not a ``GuruError`` or ``OSError``): a bug."""
        return isinstance(self.error, (GuruError, OSError))

    def __str__(self) -> str:
        if self.expected:
            return f"{self.path}: {type(self.error).__name__}: {self.error}"
        return (
            f"{self.path}: unexpected {type(self.error).__name__}: {self.error} (the other videos "
            "were not affected; run the batch again to retry this one, and report the traceback "
            "in failure.error if it happens again)"
        )


@dataclass
class BatchResult:
    """What a batch produced.

    Attributes
    ----------
    succeeded
        ``path -> Analysis`` for every video analysed, in the order the paths were given.
    failed
        Every video that was not, with its error, in the order the paths were given.

    Examples
    --------
    >>> result = BatchResult()
    >>> result.ok, len(result)
    (True, 0)
    """

    succeeded: dict[Path, Analysis] = field(default_factory=dict)
    failed: list[BatchFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every video was analysed."""
        return not self.failed

    @property
    def failed_paths(self) -> list[Path]:
        """The paths that failed; pass them to ``analyze_many`` again to retry just those.

        What a retry does depends on the error: a video still pending (``AnalysisTimeoutError``)
        is polled again, not uploaded again; one that never reached the server is uploaded; an
        ``InvalidVideoError`` fails again until the file is fixed. An analysis that ended
        ``Failed`` (``AnalysisFailedError``) is the server's verdict on that video and is reported
        again, without uploading the file under a second video id; to submit it afresh as a new
        video, call ``client.analyze(path, activity=..., cache=False)``.
        """
        return [f.path for f in self.failed]

    def __len__(self) -> int:
        return len(self.succeeded) + len(self.failed)

    def __repr__(self) -> str:
        return f"BatchResult(succeeded={len(self.succeeded)}, failed={len(self.failed)})"

    def summary(self) -> str:
        """A short text: counts, then one line per failure."""
        lines = [f"{len(self.succeeded)} analysed, {len(self.failed)} failed"]
        lines += [f"  {failure}" for failure in self.failed]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per video: ``path``, ``ok``, ``video_id``, ``activity``, ``reps``, ``error``."""
        import pandas as pd

        rows = [
            {
                "path": str(path),
                "ok": True,
                "video_id": a.video_id,
                "activity": None if a.activity is None else a.activity.value,
                "reps": len(a.reps),
                "error": None,
            }
            for path, a in self.succeeded.items()
        ]
        rows += [
            {
                "path": str(f.path),
                "ok": False,
                "video_id": f.video_id,
                "activity": None,
                "reps": None,
                "error": f"{type(f.error).__name__}: {f.error}",
            }
            for f in self.failed
        ]
        columns = ["path", "ok", "video_id", "activity", "reps", "error"]
        frame: pd.DataFrame = pd.DataFrame(rows, columns=columns)
        return frame

    def _repr_html_(self) -> str:
        head = html.escape(f"{len(self.succeeded)} analysed, {len(self.failed)} failed")
        if not self.failed:
            return f"<div><strong>{head}</strong></div>"
        items = "".join(
            f"<li><code>{html.escape(str(f.path))}</code>: {html.escape(type(f.error).__name__)}: "
            f"{html.escape(str(f.error))}</li>"
            for f in self.failed
        )
        return f"<div><strong>{head}</strong><ul>{items}</ul></div>"


def run_sync(make_coroutine: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion from synchronous code, even under a running event loop.

    With no event loop running in this thread (a script), the coroutine runs here in a new loop.
    With one running (a Jupyter notebook cell), blocking this thread on it would deadlock, so
    the coroutine runs in a worker thread with its own loop while this thread waits.

    Parameters
    ----------
    make_coroutine
        Called (in the thread that runs it) to create the coroutine.
    """

    async def main() -> T:
        return await make_coroutine()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="guru_form-batch") as pool:
        return pool.submit(asyncio.run, main()).result()

"""Turn a ``progress=`` argument into reports: a callback, a tqdm.auto bar, or nothing.

``progress=True`` shows a tqdm.auto bar (a widget in Jupyter, text in a terminal); a callable is
called with the numbers instead; ``False``/``None`` stays silent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from guru_form.models import Analysis

if TYPE_CHECKING:
    from tqdm.auto import tqdm as Tqdm  # noqa: N812

__all__ = [
    "AnalysisProgress",
    "AnalyzeProgress",
    "ByteProgress",
    "ByteReporter",
    "CountProgress",
    "CountReporter",
    "PollReporter",
]

ByteProgress = bool | Callable[[int, int], None] | None
"""``progress`` of an upload: True for a bar, or ``callback(bytes_sent, total_bytes)``."""

AnalysisProgress = bool | Callable[[Analysis], None] | None
"""``progress`` of a wait: True for a bar, or ``callback(analysis)`` after every poll."""

CountProgress = bool | Callable[[int, int], None] | None
"""``progress`` of a batch: True for a bar, or ``callback(videos_done, videos_total)``."""


@dataclass(frozen=True)
class AnalyzeProgress:
    """Where ``analyze`` reports its two steps, when bars (``progress=True``) will not do.

    Attributes
    ----------
    upload
        The upload's ``progress``: True for a bar, or ``callback(bytes_sent, total_bytes)``.
    wait
        The wait's ``progress``: True for a bar, or ``callback(analysis)`` after every poll.

    Examples
    --------
    >>> AnalyzeProgress.of(True)
    AnalyzeProgress(upload=True, wait=True)
    """

    upload: ByteProgress = None
    wait: AnalysisProgress = None

    @classmethod
    def of(cls, progress: bool | AnalyzeProgress | None) -> AnalyzeProgress:
        """``progress`` as given to ``analyze``: True or False for both steps, or as it is."""
        if isinstance(progress, AnalyzeProgress):
            return progress
        return cls(bool(progress), bool(progress))


def _bar(**kwargs: Any) -> Tqdm[Any]:
    from tqdm.auto import tqdm

    return tqdm(**kwargs)


class ByteReporter:
    """Reports bytes sent; a restarted upload (a retry) starts again from zero."""

    def __init__(self, progress: ByteProgress, *, total: int, desc: str) -> None:
        self._callback = progress if callable(progress) else None
        self._bar = (
            _bar(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=desc, leave=False)
            if progress is True
            else None
        )

    def __call__(self, sent: int, total: int) -> None:
        if self._callback is not None:
            self._callback(sent, total)
        if self._bar is not None:
            if sent < self._bar.n:
                self._bar.reset(total=total)
            self._bar.update(sent - self._bar.n)

    def close(self) -> None:
        """Close the bar, if any."""
        if self._bar is not None:
            self._bar.close()


class PollReporter:
    """Reports each poll of an analysis: the seconds waited, the time limit, and the status.

    The bar names the video by ``label`` (its file's name, when known), else by its id.
    """

    def __init__(
        self,
        progress: AnalysisProgress,
        *,
        video_id: str,
        timeout: float,
        label: str | None = None,
    ) -> None:
        self._callback = progress if callable(progress) else None
        self._desc = f"analysing {label or video_id}"
        self._bar = (
            _bar(
                total=round(timeout),
                unit="s",
                desc=self._desc,
                bar_format="{desc}: {n_fmt} s, limit {total_fmt} s",
                leave=False,
            )
            if progress is True
            else None
        )

    def __call__(self, analysis: Analysis, elapsed: float) -> None:
        if self._callback is not None:
            self._callback(analysis)
        if self._bar is not None:
            self._bar.set_description_str(f"{self._desc} ({analysis.status_text})")
            self._bar.update(max(0, round(elapsed) - self._bar.n))

    def close(self) -> None:
        """Close the bar, if any."""
        if self._bar is not None:
            self._bar.close()


class CountReporter:
    """Reports videos finished in a batch, with the number that failed so far."""

    def __init__(self, progress: CountProgress, *, total: int, desc: str) -> None:
        self._callback = progress if callable(progress) else None
        self._bar = (
            _bar(total=total, unit="video", desc=desc) if progress is True and total else None
        )
        self._total = total
        self._done = 0
        self._failed = 0

    def advance(self, *, failed: bool) -> None:
        """One more video finished (successfully or not)."""
        self._done += 1
        self._failed += int(failed)
        if self._callback is not None:
            self._callback(self._done, self._total)
        if self._bar is not None:
            if self._failed:
                self._bar.set_postfix(failed=self._failed, refresh=False)
            self._bar.update(1)

    def close(self) -> None:
        """Close the bar, if any."""
        if self._bar is not None:
            self._bar.close()

"""Which activity a pose track shows: the one place guru_form asks when no activity is given.

:func:`recognize_activity` answers with the activity and how sure it is, or None when it cannot
tell. No recogniser is built into it yet (issue 13): it cannot tell any track's activity, so it
answers None. Its callers then say so: :func:`guru_form.pose.analyze_track` raises, naming the
activities to pass instead, and the local server's pose engine ends the analysis ``Failed`` with
``LOW_QUALITY_POSE_ESTIMATE`` and a message that says to name the activity. A recogniser plugs in
here, and every caller follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from guru_form.errors import InvalidInputError
from guru_form.models import Activity
from guru_form.pose_track import PoseTrack

__all__ = ["RecognizedActivity", "recognize_activity"]


@dataclass(frozen=True)
class RecognizedActivity:
    """The activity a track shows, and how sure the recogniser is of it.

    Attributes
    ----------
    activity
        The activity.
    confidence
        From 0 (a guess) to 1 (certain).

    Raises
    ------
    InvalidInputError
        For a confidence outside 0..1.
    """

    activity: Activity
    confidence: float

    def __post_init__(self) -> None:
        if not (isinstance(self.confidence, (int, float)) and 0.0 <= self.confidence <= 1.0):
            raise InvalidInputError(f"confidence must be within 0..1, got {self.confidence!r}")

    def to_json(self) -> dict[str, object]:
        """``{"activity", "confidence"}``: what the local server's analysis says it chose."""
        return {"activity": self.activity.value, "confidence": round(float(self.confidence), 3)}


def recognize_activity(track: PoseTrack) -> RecognizedActivity | None:
    """The activity ``track`` shows, and how sure; None when it cannot tell.

    Parameters
    ----------
    track
        A pose track from any source, built without an activity.

    Returns
    -------
    RecognizedActivity or None
        None for every track for now: no recogniser is built in yet.
    """
    del track
    return None

"""What a coach should be told about one analysed video before looking at its numbers.

:func:`review` reads an analysis against what was asked of it and returns :class:`Notice` s:

- ``recognised``: the activity was left to the analysis to recognise; which it chose, how sure;
- ``no_reps``: no reps were found, with the likely cause read from the pose track when there is
  one (the athlete out of view on most frames, a posture that is not the activity's, another
  activity the track looks like) or else what to check;
- ``rep_count``: the reps found differ from the count expected.

The command line prints them, the upload panel shows them in a video's row. Nothing here sends,
writes or draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from guru_form import activities
from guru_form.metrics import format_value
from guru_form.models import RECOGNITION_FIELD, Activity, Analysis, Status

__all__ = [
    "RECOGNITION_FIELD",
    "Notice",
    "no_reps_cause",
    "recognised_activity",
    "review",
]


#: Below this share of analysed frames with a person, "out of view" is the likely cause.
MIN_PERSON_SHARE = 0.5
#: The trunk's lean from vertical (degrees) past which an upright exercise's athlete is "near
#: horizontal", and below which a horizontal one's is "upright".
NEAR_HORIZONTAL_DEG = 60.0
NEAR_UPRIGHT_DEG = 30.0

Kind = Literal["recognised", "no_reps", "rep_count"]


@dataclass(frozen=True)
class Notice:
    """One thing to tell about a video.

    Attributes
    ----------
    kind
        ``"recognised"``, ``"no_reps"`` or ``"rep_count"``.
    level
        ``"note"`` or ``"warning"``.
    text
        One sentence or two, without the video's name.
    """

    kind: Kind
    level: Literal["note", "warning"]
    text: str

    def __str__(self) -> str:
        return f"{self.level}: {self.text}"


def _label(activity: Activity | str | None) -> str:
    return activities.display_name(activity).lower() if activity is not None else "the activity"


def recognised_activity(analysis: Analysis) -> tuple[Activity | str, float | None] | None:
    """The activity the analysis says it recognised, and how sure (0..1, None if not said).

    None when it says nothing of recognition (see :attr:`Analysis.recognized_activity
    <guru_form.models.Analysis.recognized_activity>`, which this reads).

    Examples
    --------
    >>> a = Analysis.from_json(
    ...     {"status": "Complete", "activity": "push_up", "reps": [],
    ...      "x-guru-form": {"recognizedActivity": {"activity": "push_up", "confidence": 0.93}}}
    ... )
    >>> recognised_activity(a)
    (<Activity.PUSH_UP: 'push_up'>, 0.93)
    """
    return analysis.recognized_activity


def _recognition_note(analysis: Analysis) -> Notice:
    said = recognised_activity(analysis)
    if said is not None:
        activity, sure = said
        how = "" if sure is None else f" (confidence {format_value(100 * sure, '%')})"
        return Notice("recognised", "note", f"recognised as {_label(activity)}{how}")
    if analysis.activity is not None:
        return Notice("recognised", "note", f"analysed as {_label(analysis.activity)}")
    return Notice("recognised", "note", "the analysis did not say which activity it found")


def _other_activity(track: Any, asked: Activity) -> str | None:
    """What a recogniser says the track shows, when it can tell and it is not ``asked``."""
    try:
        from guru_form.pose.recognition import recognize_activity

        said: Any = recognize_activity(track)
    except Exception:  # recognition is optional: no answer is not an error here
        return None
    activity = getattr(said, "activity", said)
    if not isinstance(activity, Activity) or activity is asked:
        return None
    sure = getattr(said, "confidence", None)
    how = "" if sure is None else f" (confidence {format_value(100 * float(sure), '%')})"
    return f"it looks more like a {_label(activity)}{how} than a {_label(asked)}"


def no_reps_cause(analysis: Analysis, activity: Activity | None = None) -> str | None:
    """The likely reason an analysis found no reps, read from its pose track; None if unknown.

    Parameters
    ----------
    analysis
        A complete analysis with no reps; its ``pose_track`` (a local analysis) is read.
    activity
        The activity it was analysed as (default: the analysis's own).

    Returns
    -------
    str or None
        One clause: the athlete out of view on most frames, a posture that is not the
        activity's (lying or in a plank for an upright exercise, upright for a horizontal one),
        or another activity a recogniser sees; None without a track or a clear cause.
    """
    track: Any = analysis.pose_track
    act = activity or analysis.activity
    if track is None or act is None or not len(track):
        return None
    share = track.person_frames / len(track)
    if share < MIN_PERSON_SHARE:
        return (
            f"a person was found on only {format_value(100 * share, '%')} of the frames; "
            "keep the athlete in view for the whole set"
        )
    profile = activities.find(act)
    other = _other_activity(track, act)
    if other is not None:
        return other
    posture = profile.rule.posture if profile is not None else None
    if posture is None or "trunk_lean" not in track.frame:
        return None
    person = track.frame["person"].to_numpy(dtype=bool)
    lean = track.frame["trunk_lean"].to_numpy(dtype=np.float64)[person]
    lean = lean[np.isfinite(lean)]
    if not lean.size:
        return None
    median = float(np.median(lean))
    shown = format_value(median, "deg")
    if posture == "upright" and median > NEAR_HORIZONTAL_DEG:
        return (
            f"the athlete is near horizontal most of the time (median trunk lean {shown}), "
            f"not upright as in a {_label(act)}"
        )
    if posture == "horizontal" and median < NEAR_UPRIGHT_DEG:
        return (
            f"the athlete stays upright most of the time (median trunk lean {shown}), not "
            f"lying or in a plank as in a {_label(act)}"
        )
    return None


def review(
    analysis: Analysis,
    *,
    asked: Activity | None,
    rep_count: int | None = None,
) -> list[Notice]:
    """What to tell about one analysed video.

    Parameters
    ----------
    analysis
        The video's analysis.
    asked
        The activity it was sent with; None when it was left to be recognised.
    rep_count
        The reps expected, if known.

    Returns
    -------
    list of Notice
        In the order: recognised, no reps, rep count. A failed analysis gets none (its error
        says why).

    Examples
    --------
    >>> empty = Analysis.from_json({"status": "Complete", "activity": "squat", "reps": []})
    >>> [str(n) for n in review(empty, asked=Activity.SQUAT)]  # doctest: +NORMALIZE_WHITESPACE
    ['warning: no reps found as a squat. Check that it is a squat, that the whole body is in
      view, and that it is filmed from the side']
    """
    if analysis.status is not Status.COMPLETE:
        return []
    notices = []
    if asked is None:
        notices.append(_recognition_note(analysis))
    activity = analysis.activity or asked
    if not analysis.reps:
        cause = no_reps_cause(analysis, activity)
        if cause is not None:
            text = f"no reps found as a {_label(activity)}. Likely cause: {cause}"
        else:
            text = (
                f"no reps found as a {_label(activity)}. Check that it is a {_label(activity)}, "
                "that the whole body is in view, and that it is filmed from the side"
            )
        notices.append(Notice("no_reps", "warning", text))
    elif rep_count is not None and analysis.rep_count != rep_count:
        found = analysis.rep_count
        notices.append(
            Notice(
                "rep_count",
                "warning",
                f"found {found} rep{'s' if found != 1 else ''}, expected {rep_count}",
            )
        )
    return notices

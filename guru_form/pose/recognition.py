"""Which activity a pose track shows: not built yet (issue 13).

:func:`recognize_activity` is where :func:`guru_form.pose.analyze_track` turns when it is given no
activity. Until recognition exists it says so, and what to pass instead.
"""

from __future__ import annotations

from guru_form.errors import InvalidInputError
from guru_form.models import Activity
from guru_form.pose_track import PoseTrack

__all__ = ["recognize_activity"]


def recognize_activity(track: PoseTrack) -> Activity:
    """The activity the track shows.

    Parameters
    ----------
    track
        A pose track from any source.

    Returns
    -------
    Activity
        Not yet: recognition is still to be built.

    Raises
    ------
    InvalidInputError
        Always, for now: guru_form cannot recognise an activity yet; the message lists the
        activities to pass as ``activity=``.
    """
    names = ", ".join(a.value for a in Activity)
    source = f" ({track.source})" if track.source else ""
    raise InvalidInputError(
        f"guru_form cannot recognise the activity of a pose track{source} yet; pass "
        f"activity=... (one of {names})"
    )

"""Activity names as people type them: any case, spacing, hyphens or plural, and other names.

``"Push-ups"``, ``"pushup"`` and ``"push up"`` all name ``push_up``; ``"squats"`` and ``"Squat"``
name ``squat``; ``"bench"`` names ``bench_press`` because its profile lists it among its
``aliases``. A name that matches nothing gets a short "did you mean" from :mod:`difflib`.
"""

from __future__ import annotations

import difflib
import re

from guru_form.activities._registry import registered
from guru_form.errors import InvalidInputError
from guru_form.models import Activity

__all__ = ["match", "spellings"]

#: How close (0..1, :func:`difflib.get_close_matches`) a typed name must be to be suggested.
SUGGESTION_CUTOFF = 0.6
#: Names suggested besides the closest are at most this much less similar to what was typed.
SUGGESTION_SPREAD = 0.1


def _key(text: str) -> str:
    """``text`` lower-cased, with everything but letters and digits removed."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _singulars(key: str) -> list[str]:
    """``key`` and what it would be without a plural ending."""
    out = [key]
    if key.endswith("es"):
        out.append(key[:-2])
    if key.endswith("s"):
        out.append(key[:-1])
    return out


def spellings() -> dict[str, Activity]:
    """Every accepted spelling, reduced to letters and digits, and the activity it names.

    The API's names of all activities, and the label and aliases of each activity that has a
    profile.

    Examples
    --------
    >>> spellings()["pushup"], spellings()["bench"]
    (<Activity.PUSH_UP: 'push_up'>, <Activity.BENCH_PRESS: 'bench_press'>)
    """
    names = {_key(a.value): a for a in Activity}
    for profile in registered():
        for name in (profile.label, *profile.aliases):
            names.setdefault(_key(name), profile.activity)
    return names


def match(text: str | Activity) -> Activity:
    """The activity ``text`` names, forgiving case, spacing, hyphens, plurals and other names.

    Parameters
    ----------
    text
        What was typed (``"Push-ups"``, ``"dead lift"``, ``"bench"``), or an activity.

    Returns
    -------
    Activity

    Raises
    ------
    InvalidInputError
        When it names no activity: the message suggests the closest names (``did you mean
        squat?``), or lists the activities when none is close.

    Examples
    --------
    >>> [match(t).value for t in ("Squats", "push-ups", "pushup", "benchpress", "dead lift")]
    ['squat', 'push_up', 'push_up', 'bench_press', 'deadlift']
    >>> match("sqaut")
    Traceback (most recent call last):
    ...
    guru_form.errors.InvalidInputError: unknown activity 'sqaut'; did you mean squat?
    """
    if isinstance(text, Activity):
        return text
    if not isinstance(text, str):
        raise InvalidInputError(f"an activity is a name such as 'squat', not {type(text).__name__}")
    names = spellings()
    key = _key(text)
    for candidate in _singulars(key):
        if candidate in names:
            return names[candidate]
    close = difflib.get_close_matches(key, list(names), n=5, cutoff=SUGGESTION_CUTOFF)
    # Only the names about as close as the closest ("bnech": bench_press, not also punch).
    ratios = [difflib.SequenceMatcher(None, key, c).ratio() for c in close]
    close = [c for c, r in zip(close, ratios, strict=True) if r >= max(ratios) - SUGGESTION_SPREAD]
    suggested = list(dict.fromkeys(names[c].value for c in close))[:3]
    if suggested:
        hint = "did you mean " + " or ".join(suggested) + "?"
    else:
        hint = "the activities are " + ", ".join(a.value for a in Activity)
    shown = text if len(text) <= 40 else text[:37] + "..."
    raise InvalidInputError(f"unknown activity {shown!r}; {hint}")

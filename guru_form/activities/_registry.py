"""The registry of activity profiles: which activities guru_form can analyse locally.

Every public module of :mod:`guru_form.activities` (a file whose name does not start with ``_``)
holds one activity's profile as ``PROFILE``; the registry imports them on first use. Adding an
activity is adding such a file. :func:`register` adds a profile from elsewhere (a user's own).
"""

from __future__ import annotations

import importlib
import pkgutil
import threading

from guru_form.activities._profile import ActivityProfile
from guru_form.errors import InvalidInputError, UnsupportedActivityError
from guru_form.models import Activity, resolve_activity

__all__ = ["display_name", "find", "get", "register", "registered"]

_PROFILES: dict[Activity, ActivityProfile] = {}
_LOCK = threading.RLock()
_LOADED = threading.Event()


def _load_builtin() -> None:
    """Import the profile modules of this package once, registering their ``PROFILE``."""
    if _LOADED.is_set():
        return
    with _LOCK:
        if _LOADED.is_set():
            return
        package = importlib.import_module("guru_form.activities")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"guru_form.activities.{info.name}")
            profile = getattr(module, "PROFILE", None)
            if not isinstance(profile, ActivityProfile):
                raise TypeError(
                    f"guru_form.activities.{info.name} holds no ActivityProfile named PROFILE"
                )
            if profile.name != info.name:
                raise TypeError(
                    f"guru_form.activities.{info.name} holds the profile of {profile.name!r}; "
                    f"a profile's file is named after its activity"
                )
            _PROFILES.setdefault(profile.activity, profile)
        _LOADED.set()


def _parse(activity: Activity | str) -> Activity:
    act, _ = resolve_activity(activity)
    if act is None:  # pragma: no cover - resolve_activity returns None only for None
        raise InvalidInputError("an activity is needed")
    return act


def find(activity: Activity | str | None) -> ActivityProfile | None:
    """The profile of ``activity``, or None when it has none (or is None).

    For code that works without a profile, such as drawing and labelling: it falls back to
    something generic. Analysis code uses :func:`get`, which says what is missing.

    Parameters
    ----------
    activity
        An :class:`~guru_form.models.Activity` or its API name.

    Examples
    --------
    >>> find("deadlift").lowers_first, find(None)
    (False, None)
    """
    if activity is None:
        return None
    if isinstance(activity, str) and not isinstance(activity, Activity):
        try:
            activity = _parse(activity)
        except InvalidInputError:
            return None
    _load_builtin()
    return _PROFILES.get(activity)


def get(activity: Activity | str | None) -> ActivityProfile:
    """The profile of ``activity``, for code that cannot go on without it.

    Parameters
    ----------
    activity
        An :class:`~guru_form.models.Activity` or its API name.

    Raises
    ------
    UnsupportedActivityError
        When the activity has no profile (the message lists those that have one).
    InvalidInputError
        When ``activity`` is None or not an activity's name.

    Examples
    --------
    >>> get("push_up").label
    'Push-up'
    """
    if activity is None:
        names = ", ".join(p.name for p in registered())
        raise InvalidInputError(f"an activity is needed: one of {names}")
    act = _parse(activity)
    profile = find(act)
    if profile is None:
        raise UnsupportedActivityError(act.value, [p.name for p in registered()])
    return profile


def registered() -> tuple[ActivityProfile, ...]:
    """Every registered profile, in the order of :class:`~guru_form.models.Activity`.

    Examples
    --------
    >>> [p.name for p in registered()][:4]
    ['squat', 'deadlift', 'bench_press', 'push_up']
    """
    _load_builtin()
    order = {a: i for i, a in enumerate(Activity)}
    with _LOCK:
        profiles = list(_PROFILES.values())
    return tuple(sorted(profiles, key=lambda p: order[p.activity]))


def register(profile: ActivityProfile, *, replace: bool = False) -> ActivityProfile:
    """Add a profile, making its activity analysable locally.

    Parameters
    ----------
    profile
        The profile.
    replace
        Replace the activity's registered profile instead of refusing to.

    Returns
    -------
    ActivityProfile
        The profile, now registered.

    Raises
    ------
    InvalidInputError
        When the activity already has a profile and ``replace`` is false.
    """
    if not isinstance(profile, ActivityProfile):
        raise InvalidInputError(f"register takes an ActivityProfile, got {type(profile).__name__}")
    _load_builtin()
    with _LOCK:
        if profile.activity in _PROFILES and not replace:
            raise InvalidInputError(
                f"{profile.name!r} already has a profile; pass replace=True to replace it"
            )
        _PROFILES[profile.activity] = profile
    return profile


def display_name(activity: Activity | str) -> str:
    """An activity's name for people: its profile's label, else its API name made readable.

    Examples
    --------
    >>> display_name("push_up"), display_name("bench_press")
    ('Push-up', 'Bench press')
    """
    profile = find(activity)
    if profile is not None:
        return profile.label
    text = str(activity.value if isinstance(activity, Activity) else activity)
    text = text.replace("_", " ").strip()
    return text[:1].upper() + text[1:]

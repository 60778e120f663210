"""Moved to :mod:`guru_form.video.orientation`; this name warns and will be removed in the next
release."""

from __future__ import annotations

from typing import Any

from guru_form._deprecation import moved_attribute

_MOVED = {"Orientation": "guru_form.video"}


def __getattr__(name: str) -> Any:
    return moved_attribute(__name__, name, _MOVED)

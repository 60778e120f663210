"""Moved to :mod:`guru_form.video.reader`; these names warn and will be removed in the next release."""

from __future__ import annotations

from typing import Any

from guru_form._deprecation import moved_attribute

_MOVED = {
    name: "guru_form.video"
    for name in (
        "DecodedFrame",
        "PastEnd",
        "VideoInfo",
        "VideoReader",
        "VideoSource",
        "probe_video",
    )
}


def __getattr__(name: str) -> Any:
    return moved_attribute(__name__, name, _MOVED)

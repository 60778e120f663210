"""Frames of an analysed video: exact extraction at rep timestamps, overlays, sheets and clips.

One job per module:

- :mod:`~guru_form.frames.extract` -- :func:`extract_rep_frames` -> :class:`RepFrame` list.
- :mod:`~guru_form.frames.annotate` -- caption panel, scalars with units, :class:`Threshold`
  colouring.
- :mod:`~guru_form.frames.skeleton` -- skeleton, key-angle arc and a squat's depth reference
  from joint positions or a pose track.
- :mod:`~guru_form.frames.moments` -- where in a rep each of its numbers was measured.
- :mod:`~guru_form.frames.layout` -- :func:`contact_sheet`, :func:`contact_sheet_for`,
  :func:`show_frames`, :func:`save_frames`, :func:`save_image`.
- :mod:`~guru_form.frames.export` -- :func:`export_rep_clips`, :func:`export_annotated_video`
  (browser-playable H.264 via :class:`~guru_form.video.H264Writer`).
- :mod:`~guru_form.frames.people` -- :func:`show_people`: the people on a frame, numbered as
  ``person=`` counts them (needs the ``pose`` extra).

Videos are read with :class:`guru_form.video.VideoReader` (its docstring states which frame is
shown at a time, time zero and orientation), so a skeleton from the pose engine lands on the frame
it was measured on. ``VideoReader``, ``probe_video``, ``VideoInfo``, ``DecodedFrame``,
``Orientation`` and ``H264Writer``, and the modules ``frames.reader``, ``frames.writer`` and
``frames.orientation``, moved to :mod:`guru_form.video`; the old names still work for one
release, with a :class:`DeprecationWarning`.

Images are RGB ``uint8`` arrays ``(height, width, 3)`` everywhere in this package.

Examples
--------
>>> import guru_form as gf
>>> analysis = gf.Analysis.load("sample_videos/squat.json")  # doctest: +SKIP
>>> frames = gf.extract_rep_frames("sample_videos/squat.mp4", analysis)  # doctest: +SKIP
>>> gf.show_frames(frames)  # doctest: +SKIP
"""

from __future__ import annotations

import importlib

from guru_form._deprecation import alias_module, moved_names
from guru_form.frames.annotate import annotate_frame
from guru_form.frames.export import export_annotated_video, export_rep_clips
from guru_form.frames.extract import RepFrame, annotate_rep_frame, extract_rep_frames
from guru_form.frames.layout import (
    contact_sheet,
    contact_sheet_for,
    save_frames,
    save_image,
    show_frames,
)
from guru_form.frames.people import PeopleOnFrame, draw_people, people_at, show_people
from guru_form.frames.phases import PHASES, RepProgress, progress_at
from guru_form.frames.skeleton import (
    FRAME_ANGLE_LABEL,
    PoseJoints,
    activity_skeleton,
    draw_angle_arc,
    draw_depth_reference,
    draw_skeleton,
    joints_at,
)
from guru_form.metrics import Threshold

__all__ = [
    "FRAME_ANGLE_LABEL",
    "PHASES",
    "PeopleOnFrame",
    "PoseJoints",
    "RepFrame",
    "RepProgress",
    "Threshold",
    "activity_skeleton",
    "annotate_frame",
    "annotate_rep_frame",
    "contact_sheet",
    "contact_sheet_for",
    "draw_angle_arc",
    "draw_depth_reference",
    "draw_people",
    "draw_skeleton",
    "export_annotated_video",
    "export_rep_clips",
    "extract_rep_frames",
    "joints_at",
    "people_at",
    "progress_at",
    "save_frames",
    "save_image",
    "show_frames",
    "show_people",
]


def _key_angles() -> object:
    from guru_form.frames import skeleton

    return skeleton._key_angles()


def _from_video(name: str) -> tuple[str, object]:
    def load() -> object:
        return getattr(importlib.import_module("guru_form.video"), name)

    return f"guru_form.video.{name}", load


_VIDEO_NAMES = (
    "DecodedFrame",
    "H264Writer",
    "Orientation",
    "VideoInfo",
    "VideoReader",
    "probe_video",
)

# Deprecated: each activity's profile holds its key angle; videos are read and written by
# guru_form.video.
__getattr__ = moved_names(
    __name__,
    {
        "KEY_ANGLES": ("guru_form.activities.get(activity).key_angle", _key_angles),
        **{name: _from_video(name) for name in _VIDEO_NAMES},  # type: ignore[misc]
    },
)
for _module in ("reader", "writer", "orientation"):
    alias_module(f"guru_form.frames.{_module}", f"guru_form.video.{_module}")

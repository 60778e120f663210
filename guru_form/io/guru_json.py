"""An analysis as a file: the Guru API's JSON, with its pose track (if any) beside it.

:func:`to_guru_json` writes the JSON the server sent (:attr:`Analysis.raw`), so fields this
version of guru_form does not know survive, with ``videoId`` added and any field changed since
parsing written from the object; a pose track goes beside it as ``name.pose.parquet``
(:func:`guru_form.io.pose_parquet.sidecar_path`). :func:`from_guru_json` reads any file holding
the API's analysis JSON, and the track beside it when there is one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from guru_form.errors import InvalidInputError, SchemaError
from guru_form.io._files import existing_file, write_text_atomic
from guru_form.io.pose_parquet import from_pose_parquet, sidecar_path, to_pose_parquet
from guru_form.models import Analysis

__all__ = ["from_guru_json", "saved_json", "to_guru_json"]


def saved_json(analysis: Analysis) -> dict[str, Any]:
    """The JSON :func:`to_guru_json` writes: :attr:`Analysis.raw`, brought up to date.

    ``videoId`` is added, and every field that differs from what :attr:`~Analysis.raw` parses to
    (status, domain, activity, reps, reason) is taken from the object. A field the object could
    not read (an activity such as ``"lunge"`` that this version does not know) keeps the
    server's value.
    """
    own = analysis.to_json()
    try:
        sent = (
            Analysis.from_json(analysis.raw, video_id=analysis.video_id) if analysis.raw else None
        )
    except SchemaError:
        sent = None
    if sent is None:
        return own
    unchanged = {
        "status": sent.status is analysis.status,
        "domain": sent.domain is analysis.domain,
        "activity": sent.activity is analysis.activity,
        "reps": sent.reps == analysis.reps,
        "reason": sent.reason == analysis.reason,
    }
    saved = dict(analysis.raw)
    for key, value in own.items():
        if not unchanged.get(key, False):
            saved[key] = value
    return saved


def to_guru_json(analysis: Analysis, path: str | os.PathLike[str]) -> Path:
    """Write an analysis as JSON; its pose track, if any, goes beside it as ``.pose.parquet``.

    Parameters
    ----------
    analysis
        The analysis (:attr:`~Analysis.pose_track` is saved when set).
    path
        The JSON file (folders are created). Written whole or not at all.

    Returns
    -------
    Path
        The JSON file written.
    """
    target = write_text_atomic(path, json.dumps(saved_json(analysis), indent=2) + "\n")
    if analysis.pose_track is not None:
        to_pose_parquet(analysis.pose_track, sidecar_path(target))
    return target


def from_guru_json(path: str | os.PathLike[str]) -> Analysis:
    """Read an analysis written by :func:`to_guru_json` (or any file holding the API's JSON).

    The pose track beside it (``name.pose.parquet``), if there is one, is attached as
    :attr:`~Analysis.pose_track`.

    Raises
    ------
    InvalidInputError
        The file is missing or not JSON; :class:`~guru_form.errors.SchemaError` (a subclass)
        when its JSON breaks the API's schema (the message names the file and the field).
    """
    source = existing_file(path, "analysis")
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{source}: not valid JSON ({exc})") from None
    try:
        analysis = Analysis.from_json(data)
    except SchemaError as exc:
        raise SchemaError(f"{source}: {exc}", field=exc.field, problem=exc.problem) from None
    sidecar = sidecar_path(source)
    if sidecar.exists():
        analysis.pose_track = from_pose_parquet(sidecar)
    return analysis

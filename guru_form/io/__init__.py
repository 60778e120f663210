"""Saving and loading: analyses, pose tracks, tables, and the formats other tools use.

Every file guru_form reads or writes goes through this package; the rest of the library never
opens a file to parse it. One module per format, each with a ``from_<format>`` loader and a
``to_<format>`` writer, all registered in :mod:`guru_form.io.registry`:

=================  ==========  ==================  =================================================
format             holds       suffix              module
=================  ==========  ==================  =================================================
``guru-json``      analysis    ``.json``           :mod:`~guru_form.io.guru_json` (+ the track beside it)
``pose-parquet``   pose track  ``.pose.parquet``   :mod:`~guru_form.io.pose_parquet`
``csv``            table       ``.csv``            :mod:`~guru_form.io.tables` (units line)
``parquet``        table       ``.parquet``        :mod:`~guru_form.io.tables` (units in metadata)
``excel``          table       ``.xlsx``           :mod:`~guru_form.io.tables` (written only)
=================  ==========  ==================  =================================================

``load_analysis`` / ``save_analysis``, ``load_pose_track`` / ``save_pose_track`` and
``load_table`` / ``save_table`` choose the format from the file name (or ``format=``). The data
model's own methods (:meth:`Analysis.save <guru_form.models.Analysis.save>`,
:meth:`PoseTrack.to_parquet <guru_form.pose_track.PoseTrack.to_parquet>`, ``tables.to_csv``, ...)
call these.

This package sits above the data model (:mod:`guru_form.models`, :mod:`guru_form.pose_track`) and
below everything that uses files (pose, client, server, tables, report); it computes nothing.

Examples
--------
>>> import tempfile, pathlib
>>> from guru_form import io, models
>>> a = models.Analysis.from_json({"status": "Complete", "activity": "squat", "reps": []})
>>> path = io.save_analysis(a, pathlib.Path(tempfile.mkdtemp()) / "set.json")
>>> io.load_analysis(path).activity
<Activity.SQUAT: 'squat'>
"""

from __future__ import annotations

from guru_form.io.guru_json import from_guru_json, to_guru_json
from guru_form.io.pose_parquet import (
    POSE_TRACK_SUFFIX,
    from_pose_parquet,
    from_pose_parquet_bytes,
    sidecar_path,
    to_pose_parquet,
)
from guru_form.io.registry import (
    FORMATS,
    Format,
    format_for,
    load_analysis,
    load_pose_track,
    load_table,
    register,
    save_analysis,
    save_pose_track,
    save_table,
)
from guru_form.io.tables import from_csv, from_parquet, to_csv, to_excel, to_parquet

__all__ = [
    "FORMATS",
    "POSE_TRACK_SUFFIX",
    "Format",
    "format_for",
    "from_csv",
    "from_guru_json",
    "from_parquet",
    "from_pose_parquet",
    "from_pose_parquet_bytes",
    "load_analysis",
    "load_pose_track",
    "load_table",
    "register",
    "save_analysis",
    "save_pose_track",
    "save_table",
    "sidecar_path",
    "to_csv",
    "to_excel",
    "to_guru_json",
    "to_parquet",
    "to_pose_parquet",
]

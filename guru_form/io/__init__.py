"""Saving and loading: analyses, pose tracks, tables, and the formats other tools use.

Every file guru_form reads or writes goes through this package; the rest of the library never
opens a file to parse it. One module per format, each with a ``from_<format>`` loader and a
``to_<format>`` writer, all registered in :mod:`guru_form.io.registry`:

==================  ==========================  ==================  ===============================
format              reads / writes              suffix              module
==================  ==========================  ==================  ===============================
``guru-json``       analysis / analysis         ``.json``           :mod:`~guru_form.io.guru_json`
``pose-parquet``    pose track / pose track     ``.pose.parquet``   :mod:`~guru_form.io.pose_parquet`
``trc``             keypoints / pose track      ``.trc``            :mod:`~guru_form.io.opensim`
``mot``             table / pose track          ``.mot``, ``.sto``  :mod:`~guru_form.io.opensim`
``DeepLabCut``,     keypoints (via movement)    ``.h5``, ``.csv``,  :mod:`~guru_form.io.movement`
``SLEAP``, ...                                  ``.slp``, ``.nwb``
``csv``             table / table (units line)  ``.csv``            :mod:`~guru_form.io.tables`
``parquet``         table / table               ``.parquet``        :mod:`~guru_form.io.tables`
``excel``           - / table                   ``.xlsx``           :mod:`~guru_form.io.tables`
==================  ==========================  ==================  ===============================

In memory, :func:`to_movement` / :func:`from_movement` convert a pose track to and from
movement's xarray poses layout, and :func:`keypoints_from_movement` reads any movement dataset;
:mod:`~guru_form.io.keypoints` maps other tools' keypoint names (COCO-17, BlazePose-33,
HALPE-26, DeepLabCut-style labels) onto guru_form's joints.

``load_analysis`` / ``save_analysis``, ``load_pose_track`` / ``save_pose_track``,
``load_keypoints`` and ``load_table`` / ``save_table`` choose the format from the file name (or
``format=``). The data model's own methods (:meth:`Analysis.save
<guru_form.models.Analysis.save>`, :meth:`PoseTrack.to_parquet
<guru_form.pose_track.PoseTrack.to_parquet>`, ``PoseTrack.to_movement``, ``PoseTrack.to_trc``,
``tables.to_csv``, ...) call these.

This package sits above the data model (:mod:`guru_form.models`, :mod:`guru_form.pose_track`) and
below everything that uses files (pose, client, server, tables, report); it computes nothing:
choosing the measured side of another tool's keypoints is the pose engine's
(:func:`guru_form.pose.track.track_from_keypoints`).

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
from guru_form.io.keypoints import KeypointMatch, guru_joint, match_keypoints
from guru_form.io.movement import (
    from_movement,
    from_movement_file,
    keypoints_from_movement,
    to_movement,
)
from guru_form.io.opensim import from_mot, from_trc, to_mot, to_trc
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
    load_keypoints,
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
    "KeypointMatch",
    "format_for",
    "from_csv",
    "from_guru_json",
    "from_mot",
    "from_movement",
    "from_movement_file",
    "from_parquet",
    "from_pose_parquet",
    "from_pose_parquet_bytes",
    "from_trc",
    "guru_joint",
    "keypoints_from_movement",
    "load_analysis",
    "load_keypoints",
    "load_pose_track",
    "load_table",
    "match_keypoints",
    "register",
    "save_analysis",
    "save_pose_track",
    "save_table",
    "sidecar_path",
    "to_csv",
    "to_excel",
    "to_guru_json",
    "to_mot",
    "to_movement",
    "to_parquet",
    "to_pose_parquet",
    "to_trc",
]

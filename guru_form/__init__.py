"""guru_form: workout form analysis from video, for coaches and researchers in Jupyter.

Upload a video to the Guru fitness API (or to guru_form's own local server), wait for the analysis,
and turn its reps and joint-angle scalars into DataFrames, charts, annotated frames and reports.

The public names below are importable from ``guru_form`` directly. Heavy parts (OpenCV, matplotlib,
the HTTP client, the server) are imported on first use, so ``import guru_form`` stays quick.

Examples
--------
>>> import guru_form as gf
>>> gf.Activity("squat").domain.value
'weightlifting'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from guru_form._deprecation import alias_module
from guru_form._lazy import lazy_exports
from guru_form._version import __version__
from guru_form.errors import *  # noqa: F403
from guru_form.errors import __all__ as _error_names
from guru_form.models import (
    Activity,
    Analysis,
    Domain,
    Overlay,
    Rep,
    Status,
    UploadTarget,
    Video,
    resolve_activity,
)

# name -> module that defines it; imported on first attribute access.
_LAZY: dict[str, str] = {
    "ANALYSIS_TYPES": "guru_form.metrics",
    "unit_of": "guru_form.metrics",
    "GiosgClient": "guru_form.apis.giosg",
    "GuruKnowledgeClient": "guru_form.apis.guru_knowledge",
    "HelpSpotClient": "guru_form.apis.helpspot",
    "AsyncGuruClient": "guru_form.client",
    "BatchFailure": "guru_form.client",
    "BatchResult": "guru_form.client",
    "GuruClient": "guru_form.client",
    "RetryPolicy": "guru_form._http",
    "annotate_frame": "guru_form.frames",
    "annotate_rep_frame": "guru_form.frames",
    "contact_sheet": "guru_form.frames",
    "contact_sheet_for": "guru_form.frames",
    "export_annotated_video": "guru_form.frames",
    "export_rep_clips": "guru_form.frames",
    "extract_rep_frames": "guru_form.frames",
    "probe_video": "guru_form.video",
    "RepFrame": "guru_form.frames",
    "save_frames": "guru_form.frames",
    "show_frames": "guru_form.frames",
    "Threshold": "guru_form.metrics",
    "VideoReader": "guru_form.video",
    "PoseTrack": "guru_form.pose_track",
    "build_report": "guru_form.report",
    "sample_analysis": "guru_form.samples",
    "sample_names": "guru_form.samples",
    "sample_path": "guru_form.samples",
    "sample_truth": "guru_form.samples",
    "analyses_frame": "guru_form.tables",
    "column_units": "guru_form.tables",
    "combine": "guru_form.tables",
    "compare_reps": "guru_form.tables",
    "flag_depth": "guru_form.tables",
    "flag_drift": "guru_form.tables",
    "flag_lockout": "guru_form.tables",
    "flag_tempo": "guru_form.tables",
    "flag_threshold": "guru_form.tables",
    "flag_velocity_loss": "guru_form.tables",
    "field_markers_frame": "guru_form.tables",
    "readable": "guru_form.tables",
    "reps_frame": "guru_form.tables",
    "RepComparison": "guru_form.tables",
    "runner_progress_frame": "guru_form.tables",
    "strides_frame": "guru_form.tables",
    "set_summary": "guru_form.tables",
    "set_velocity_loss": "guru_form.tables",
    "summarize": "guru_form.tables",
    "velocity_loss": "guru_form.tables",
    "UploadPanel": "guru_form.widgets",
}

if TYPE_CHECKING:
    from guru_form._http import RetryPolicy
    from guru_form.apis.giosg import GiosgClient
    from guru_form.apis.guru_knowledge import GuruKnowledgeClient
    from guru_form.apis.helpspot import HelpSpotClient
    from guru_form.client import AsyncGuruClient, BatchFailure, BatchResult, GuruClient
    from guru_form.frames import (
        RepFrame,
        annotate_frame,
        annotate_rep_frame,
        contact_sheet,
        contact_sheet_for,
        export_annotated_video,
        export_rep_clips,
        extract_rep_frames,
        save_frames,
        show_frames,
    )
    from guru_form.metrics import ANALYSIS_TYPES, Threshold, unit_of
    from guru_form.pose_track import PoseTrack
    from guru_form.report import build_report
    from guru_form.samples import sample_analysis, sample_names, sample_path, sample_truth
    from guru_form.tables import (
        RepComparison,
        analyses_frame,
        column_units,
        combine,
        compare_reps,
        field_markers_frame,
        flag_depth,
        flag_drift,
        flag_lockout,
        flag_tempo,
        flag_threshold,
        flag_velocity_loss,
        readable,
        reps_frame,
        runner_progress_frame,
        set_summary,
        set_velocity_loss,
        strides_frame,
        summarize,
        velocity_loss,
    )
    from guru_form.video import VideoReader, probe_video
    from guru_form.widgets import UploadPanel

__all__ = [  # noqa: PLE0604
    "Activity",
    "Analysis",
    "Domain",
    "Overlay",
    "Rep",
    "Status",
    "UploadTarget",
    "Video",
    "__version__",
    "resolve_activity",
    *_error_names,
    *_LAZY,
]


# Renamed: the CLI's analyse-and-write-outputs job, guru_form.analyze, is guru_form.batch_outputs.
alias_module("guru_form.analyze", "guru_form.batch_outputs")
# Moved: the test server and its fault injection left the production server for guru_form.testing
# (aliased here, not in guru_form/server, so the server's modules carry no trace of them).
alias_module("guru_form.server.testing", "guru_form.testing")
alias_module("guru_form.server.faults", "guru_form.testing.faults")
# Moved: the synthetic-video renderer is a test tool, guru_form.testing.synthetic.
_SYNTHETIC_MODULES = ("", ".body", ".draw", ".frame_code", ".motion", ".movements", ".raster")
for _module in (*_SYNTHETIC_MODULES, ".scene", ".truth", ".video"):
    alias_module(f"guru_form.synthetic{_module}", f"guru_form.testing.synthetic{_module}")
del _module, _SYNTHETIC_MODULES

# Subpackages reachable as attributes (``gf.tables.to_csv``), imported on first access too.
_SUBMODULES = frozenset(
    {"activities", "analysis_types", "apis", "client", "frames", "io", "kinematics", "metrics"}
    | {"plots", "pose", "report", "samples", "server", "tables", "widgets"}
)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, submodules=_SUBMODULES)

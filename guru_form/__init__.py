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

from guru_form._version import __version__
from guru_form.errors import *  # noqa: F403
from guru_form.errors import __all__ as _error_names
from guru_form.models import (
    Activity,
    Analysis,
    Domain,
    Rep,
    Status,
    UploadTarget,
    Video,
    resolve_activity,
)

# name -> module that defines it; imported on first attribute access.
_LAZY: dict[str, str] = {
    "ANALYSIS_TYPES": "guru_form.analysis_types",
    "PoseTrack": "guru_form.pose.track",
    "unit_of": "guru_form.analysis_types",
    "sample_analysis": "guru_form.samples",
    "sample_names": "guru_form.samples",
    "sample_path": "guru_form.samples",
    "sample_truth": "guru_form.samples",
}

if TYPE_CHECKING:
    from guru_form.analysis_types import ANALYSIS_TYPES, unit_of  # noqa: F401
    from guru_form.pose.track import PoseTrack  # noqa: F401
    from guru_form.samples import (  # noqa: F401
        sample_analysis,
        sample_names,
        sample_path,
        sample_truth,
    )

__all__ = [  # noqa: PLE0604
    "Activity",
    "Analysis",
    "Domain",
    "Rep",
    "Status",
    "UploadTarget",
    "Video",
    "__version__",
    "resolve_activity",
    *_error_names,
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'guru_form' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

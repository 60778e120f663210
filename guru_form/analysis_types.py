"""Moved to :mod:`guru_form.metrics`: the analysis types, their definitions, units and labels.

``ANALYSIS_TYPES``, ``AnalysisType`` and ``unit_of`` still import from here, with a
:class:`DeprecationWarning`, for one release; the definitions themselves are in
:mod:`guru_form.metrics.analysis_types`, and ``guru_form.unit_of`` is
:func:`guru_form.metrics.unit_of`.

Examples
--------
>>> from guru_form import metrics
>>> metrics.unit_of("HIP_KNEE_ANGLE_DEGREES")
'deg'
"""

from __future__ import annotations

from typing import Any

from guru_form._deprecation import moved_names


def _load(name: str) -> Any:
    from guru_form.metrics import analysis_types

    return getattr(analysis_types, name)


__getattr__ = moved_names(
    __name__,
    {
        "ANALYSIS_TYPES": ("guru_form.metrics.ANALYSIS_TYPES", lambda: _load("ANALYSIS_TYPES")),
        "AnalysisType": ("guru_form.metrics.AnalysisType", lambda: _load("AnalysisType")),
        "unit_of": ("guru_form.metrics.unit_of", lambda: _load("unit_of")),
    },
)

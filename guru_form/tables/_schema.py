"""Moved to :mod:`guru_form.metrics`: the column schema, kept importable from here.

Modules of guru_form import these names from :mod:`guru_form.metrics`; this private module only
re-exports them (for code written against it before), and serves the per-activity tables that
moved to the activity profiles as deprecated aliases.

Examples
--------
>>> from guru_form.tables import _schema
>>> from guru_form import metrics
>>> _schema.column_units is metrics.column_units
True
"""

from __future__ import annotations

from guru_form._deprecation import moved_names
from guru_form.metrics.labels import axis_label
from guru_form.metrics.schema import (
    CONCENTRIC_S,
    DURATION_S,
    ECCENTRIC_S,
    END_MS,
    FLAG_PREFIX,
    LONG_COLUMNS,
    MID_MS,
    REP,
    REP_COLUMNS,
    SESSION_COLUMNS,
    START_MS,
    TIMING_COLUMNS,
    VELOCITY_COLUMNS,
    VELOCITY_LOSS,
    as_analysis,
    column_units,
    empty_rep_columns,
    frame_activity,
    require_columns,
)
from guru_form.models import Activity

__all__ = [
    "CONCENTRIC_S",
    "DURATION_S",
    "ECCENTRIC_S",
    "END_MS",
    "FLAG_PREFIX",
    "LONG_COLUMNS",
    "MID_MS",
    "REP",
    "REP_COLUMNS",
    "SESSION_COLUMNS",
    "START_MS",
    "TIMING_COLUMNS",
    "VELOCITY_COLUMNS",
    "VELOCITY_LOSS",
    "as_analysis",
    "axis_label",
    "column_units",
    "empty_rep_columns",
    "frame_activity",
    "require_columns",
]


def _per_activity(metric: str) -> dict[Activity, str]:
    from guru_form import activities

    return {
        p.activity: value
        for p in activities.registered()
        if (value := p.depth_metric if metric == "depth" else p.lockout_metric) is not None
    }


__getattr__ = moved_names(
    __name__,
    {
        "DEPTH_COLUMN": (
            "guru_form.activities.get(activity).depth_metric",
            lambda: _per_activity("depth"),
        ),
        "LOCKOUT_COLUMN": (
            "guru_form.activities.get(activity).lockout_metric",
            lambda: _per_activity("lockout"),
        ),
    },
)

"""How each flag looks, everywhere: one marker, one colour and one label per flag type.

A flag column (``flag_*``, see :mod:`guru_form.tables.flags`) is drawn with the same marker and
colour on every chart, in the dashboard and in the report, whatever else is on the chart and in
whatever order the flags were added. The flags guru_form makes by name have a row in
:data:`FLAG_MARKERS`; a drift flag (``flag_<column>_drift``) has the drift marker; any other flag
(``flag_threshold(..., name="flag_hip_sag")``) gets one of :data:`CUSTOM_MARKERS`, chosen from its
name, so it too looks the same on every chart.

A rep is marked in a lane above the chart's plotting area (one row per flag type, see
:func:`guru_form.plots._style.flag_lane`): a filled marker when the rep failed the check, an open
one when it is borderline (inside the measurement's repeatability of the limit, see
:mod:`guru_form.metrics.repeatability`), and the same shape open in :data:`UNSURE_COLOR` (grey)
when the pose engine is unsure of the value (the pose was lost where it was taken, see
:mod:`guru_form.pose.unsure`): not judged either way. Colours are Okabe & Ito's and Paul Tol's, chosen apart
from the colours of the data (blue points and bars, orange and sky-blue phases, the green target).

Examples
--------
>>> flag_marker("flag_shallow")
FlagMarker(label='Shallow', marker='v', color='#D55E00')
>>> flag_marker("flag_trunk_lean_degrees_drift").label
'Trunk lean drift'
>>> flag_marker("flag_hip_sag") == flag_marker("flag_hip_sag")
True
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from guru_form.metrics import BORDERLINE_PREFIX, FLAG_PREFIX, UNSURE_PREFIX

__all__ = [
    "CUSTOM_MARKERS",
    "DRIFT_MARKER",
    "FLAG_MARKERS",
    "UNSURE_COLOR",
    "FlagMarker",
    "flag_label",
    "flag_marker",
]


@dataclass(frozen=True)
class FlagMarker:
    """How one flag type is drawn and named.

    Attributes
    ----------
    label
        Its name in legends, tables and the report (``"Shallow"``).
    marker
        A matplotlib marker (``"v"``, ``"D"``, ...).
    color
        Its colour (hex).
    """

    label: str
    marker: str
    color: str


#: The flags guru_form makes, by column name.
FLAG_MARKERS: Mapping[str, FlagMarker] = MappingProxyType(
    {
        "flag_shallow": FlagMarker("Shallow", "v", "#D55E00"),  # Okabe-Ito vermillion
        "flag_soft_lockout": FlagMarker("Soft lockout", "^", "#CC79A7"),  # reddish purple
        "flag_tempo": FlagMarker("Tempo", "D", "#000000"),
        "flag_velocity_loss": FlagMarker("Velocity loss", "s", "#882255"),  # Tol's wine
    }
)
#: Every ``flag_<column>_drift`` column (its label names the column).
DRIFT_MARKER = FlagMarker("drift", "h", "#332288")  # Tol's indigo
#: Markers of other flags, one chosen from the flag's name.
CUSTOM_MARKERS: tuple[tuple[str, str], ...] = (
    ("o", "#117733"),  # Tol's green
    ("P", "#AA4499"),  # Tol's purple
    ("X", "#44AA99"),  # Tol's teal
    ("*", "#999933"),  # Tol's olive
    ("p", "#661100"),  # brown
)

#: The colour of a flag's marker, open, on a rep whose judged value the pose engine is unsure of,
#: and of that value on the chart: a neutral grey, apart from every flag's colour (a verdict not
#: given, rather than a verdict).
UNSURE_COLOR = "#8C8C8C"

#: Words of a flag's name that only say its unit.
_UNIT_WORDS = frozenset({"degrees", "percent", "m", "bh", "per", "s", "ms", "deg"})


def flag_label(column: str) -> str:
    """A flag column's name in words: ``"Shallow"``, ``"Trunk lean drift"``, ``"Hip sag"``.

    Parameters
    ----------
    column
        A ``flag_*`` column (or its ``borderline_*`` or ``unsure_*`` companion).

    Returns
    -------
    str
        The label of :data:`FLAG_MARKERS` for a flag guru_form makes, otherwise the name without
        its prefix and unit words.
    """
    column = _as_flag(column)
    known = FLAG_MARKERS.get(column)
    if known is not None:
        return known.label
    words = [
        w for w in column.removeprefix(FLAG_PREFIX).split("_") if w and w.lower() not in _UNIT_WORDS
    ]
    text = " ".join(words).lower()
    return text[:1].upper() + text[1:] if text else column


def _as_flag(column: str) -> str:
    for prefix in (BORDERLINE_PREFIX, UNSURE_PREFIX):
        if column.startswith(prefix):
            return FLAG_PREFIX + column.removeprefix(prefix)
    return column


def flag_marker(column: str) -> FlagMarker:
    """The marker, colour and label of a flag column, the same on every chart.

    Parameters
    ----------
    column
        A ``flag_*`` column (its ``borderline_*`` companion looks the same).

    Returns
    -------
    FlagMarker
        From :data:`FLAG_MARKERS`; :data:`DRIFT_MARKER` for a drift flag; else one of
        :data:`CUSTOM_MARKERS`, picked by a checksum of the name (stable across runs and
        machines).
    """
    column = _as_flag(column)
    known = FLAG_MARKERS.get(column)
    if known is not None:
        return known
    label = flag_label(column)
    if column.endswith("_drift"):
        return FlagMarker(label, DRIFT_MARKER.marker, DRIFT_MARKER.color)
    marker, color = CUSTOM_MARKERS[zlib.crc32(column.encode("utf-8")) % len(CUSTOM_MARKERS)]
    return FlagMarker(label, marker, color)

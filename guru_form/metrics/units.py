"""Units: which unit a column's name implies, how precisely a value in it is shown, and its sign.

Every numeric column of guru_form's tables, and every analysisType, names its unit in a suffix
(``_DEGREES``, ``_MS``, ``_s``, ``_percent``, ``_M_PER_S``, ...). This module holds the one list
of those suffixes, and for each unit the number of decimals a value is shown with and how the unit
is written after it (``"°"`` in text, ``" deg"`` where only ASCII can be drawn).

Examples
--------
>>> unit_from_suffix("BAR_PATH_DEVIATION_CM"), unit_from_suffix("duration_s")
('cm', 's')
>>> decimals_of("deg"), decimals_of("m/s"), decimals_of(None)
(1, 2, 2)
"""

from __future__ import annotations

__all__ = ["SUFFIX_UNITS", "UNIT_DECIMALS", "decimals_of", "unit_from_suffix", "unit_text"]

#: Name suffix -> unit, longest first where one suffix ends another (``_M_PER_S`` before ``_S``).
SUFFIX_UNITS: tuple[tuple[str, str], ...] = (
    ("_M_PER_S", "m/s"),
    ("_BH_PER_S", "BH/s"),
    ("_DEGREES", "deg"),
    ("_RADIANS", "rad"),
    ("_PERCENT", "%"),
    ("_MS", "ms"),
    ("_SECONDS", "s"),
    ("_S", "s"),
    ("_METERS", "m"),
    ("_CM", "cm"),
    ("_COUNT", "count"),
)

#: Decimals a value in each unit is shown with (before a threshold asks for more).
UNIT_DECIMALS: dict[str, int] = {
    "deg": 1,
    "rad": 2,
    "%": 0,
    "ms": 0,
    "s": 2,
    "m/s": 2,
    "BH/s": 2,
    "m": 2,
    "cm": 1,
    "count": 0,
    "flag": 0,
}
#: Decimals of a value without a unit, or in a unit not listed above.
DEFAULT_DECIMALS = 2

#: How a unit is written after a number in text (Unicode) where that differs from " <unit>".
_UNICODE_TEXT = {"deg": "°"}
#: Units a number never carries in text: a ``flag`` is 1 (yes) or 0 (no).
UNWRITTEN_UNITS = frozenset({"flag"})


def unit_from_suffix(name: str) -> str | None:
    """The unit a column or analysisType name implies by its suffix (any case), or None.

    Parameters
    ----------
    name
        A column's or an analysisType's name.

    Returns
    -------
    str or None
        ``"deg"``, ``"ms"``, ``"s"``, ``"%"``, ``"m/s"``, ``"BH/s"``, ``"cm"``, ... or None.
    """
    upper = name.upper()
    for suffix, unit in SUFFIX_UNITS:
        if upper.endswith(suffix):
            return unit
    return None


def decimals_of(unit: str | None) -> int:
    """How many decimals a value in ``unit`` is shown with.

    Parameters
    ----------
    unit
        A unit (``"deg"``, ``"s"``, ...) or None.

    Returns
    -------
    int
        From :data:`UNIT_DECIMALS`; :data:`DEFAULT_DECIMALS` for None or an unlisted unit.
    """
    return UNIT_DECIMALS.get(unit or "", DEFAULT_DECIMALS)


def unit_text(unit: str | None, *, ascii: bool = False) -> str:
    """What follows a number in ``unit``: ``"°"``, ``" s"``, ``" %"`` (``" deg"`` in ASCII).

    Parameters
    ----------
    unit
        The unit, or None (nothing follows).
    ascii
        For text drawn where only ASCII renders (OpenCV's fonts on frames).

    Returns
    -------
    str
        The unit with its leading space, or ``""`` (no unit, or a 0/1 ``flag``).
    """
    if not unit or unit in UNWRITTEN_UNITS:
        return ""
    if not ascii and unit in _UNICODE_TEXT:
        return _UNICODE_TEXT[unit]
    return f" {unit}"

"""Numbers as people read them: one formatter for the report, the frames, the charts and tables.

Rules, the same everywhere:

- a value is shown at its unit's precision (:data:`~guru_form.metrics.units.UNIT_DECIMALS`), with
  its unit (``"-5.9°"``, ``"0.52 m/s"``, ``"33 %"``), unless the caller puts the unit in a header;
- a value checked against a :class:`~guru_form.metrics.thresholds.Threshold` reads on the same
  side of it as the value itself: a value that fails never prints as its bound or inside the
  range (169.96 against ``>= 170`` prints ``"169.96°"``, never ``"170.0°"``), and one that passes
  never prints outside it; more decimals are shown until that holds;
- no negative zero: ``-0.001 s`` prints ``"0.00 s"``;
- a missing value (None, NaN, not a number) prints as an en dash, ``"n/a"`` in ASCII;
- a bound prints exactly: ``format_bound(169.96, "deg")`` is ``"169.96°"``, not ``"170.0°"``.

``ascii=True`` writes what OpenCV's fonts can draw (``"7.5 deg"``); otherwise the text is Unicode
(``"7.5°"``).

Examples
--------
>>> from guru_form.metrics.thresholds import Threshold
>>> format_value(169.96, "deg"), format_value(169.96, "deg", Threshold(low=170))
('170.0°', '169.96°')
>>> format_value(-0.001, "s"), format_value(float("nan"), "s"), format_value(7.46, "deg", ascii=True)
('0.00 s', '–', '7.5 deg')
>>> format_range(Threshold(low=170), "deg"), format_range(Threshold(-10, 10), "deg", ascii=True)
('≥ 170.0°', '-10.0 deg to 10.0 deg')
"""

from __future__ import annotations

import math

from guru_form.metrics.thresholds import Threshold
from guru_form.metrics.units import decimals_of, unit_text

__all__ = ["MISSING", "MISSING_ASCII", "format_bound", "format_range", "format_value"]

#: What a missing value prints as.
MISSING = "–"
#: ... where only ASCII can be drawn.
MISSING_ASCII = "n/a"

#: Most decimals a value or bound is ever shown with.
_MAX_DECIMALS = 12


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _fixed(number: float, decimals: int, signed: bool) -> str:
    text = f"{number:{'+' if signed else ''}.{decimals}f}"
    if not text.lstrip("+-").replace("0", "").replace(".", ""):
        return text.lstrip("+-")  # no "-0.00", no "+0.0"
    return text


def _digits(number: float, decimals: int, signed: bool, threshold: Threshold | None) -> str:
    """``number`` at ``decimals`` or more, so that it reads on the threshold's side it is on."""
    text = _fixed(number, decimals, signed)
    if threshold is None or math.isinf(number):
        return text
    verdict = threshold.passes(number)
    while threshold.passes(float(text)) is not verdict and decimals < _MAX_DECIMALS:
        decimals += 1
        text = _fixed(number, decimals, signed)
    if threshold.passes(float(text)) is not verdict:
        text = f"{number:+}" if signed else repr(number)
    return text


def format_value(
    value: object,
    unit: str | None = None,
    threshold: Threshold | None = None,
    *,
    signed: bool = False,
    with_unit: bool = True,
    ascii: bool = False,
) -> str:
    """A metric's value as text, by the rules in this module's docstring.

    Parameters
    ----------
    value
        The value (None, NaN or anything that is not a number prints as missing).
    unit
        Its unit (:func:`guru_form.metrics.unit_of` of its column), or None.
    threshold
        The range the value is judged against, when it is: the printed number then reads on
        the same side of it as the value.
    signed
        Write a ``+`` before positive values (changes, trends).
    with_unit
        Write the unit after the number; False where a header names it (the precision stays).
    ascii
        Only ASCII characters (``" deg"``, ``"n/a"``), for text drawn with OpenCV.

    Returns
    -------
    str

    Examples
    --------
    >>> from guru_form.metrics.thresholds import Threshold
    >>> format_value(20.015, "%"), format_value(20.015, "%", Threshold(high=20))
    ('20 %', '20.02 %')
    >>> format_value(3.5, "deg", signed=True), format_value(0.8, "s", with_unit=False)
    ('+3.5°', '0.80')
    """
    number = _number(value)
    if number is None:
        return MISSING_ASCII if ascii else MISSING
    text = _digits(number, decimals_of(unit), signed, threshold)
    return text + unit_text(unit, ascii=ascii) if with_unit else text


def format_bound(bound: float, unit: str | None = None, *, ascii: bool = False) -> str:
    """A threshold's bound with its unit, at the unit's precision or more, exactly.

    Parameters
    ----------
    bound
        The bound.
    unit
        Its unit, or None.
    ascii
        Only ASCII characters.

    Returns
    -------
    str
        ``format_bound(170, "deg")`` is ``"170.0°"``; ``format_bound(169.96, "deg")`` is
        ``"169.96°"``.
    """
    decimals = decimals_of(unit)
    while round(bound, decimals) != bound and decimals < _MAX_DECIMALS:
        decimals += 1
    text = _fixed(bound, decimals, False) if round(bound, decimals) == bound else repr(bound)
    return text + unit_text(unit, ascii=ascii)


def format_range(threshold: Threshold, unit: str | None = None, *, ascii: bool = False) -> str:
    """A threshold in words with units: ``"≥ 170.0°"``, ``"≤ 0.0°"``, ``"60.0° to 90.0°"``.

    Parameters
    ----------
    threshold
        The range.
    unit
        Its metric's unit, or None.
    ascii
        Only ASCII characters (``">= 170.0 deg"``).

    Returns
    -------
    str
    """
    low = None if threshold.low is None else format_bound(threshold.low, unit, ascii=ascii)
    high = None if threshold.high is None else format_bound(threshold.high, unit, ascii=ascii)
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"{'>=' if ascii else '≥'} {low}"
    return f"{'<=' if ascii else '≤'} {high}"

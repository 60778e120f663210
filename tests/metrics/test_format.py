"""One formatter: numbers read on the side of their threshold they are on, with units, no -0."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guru_form.metrics import Threshold, format_bound, format_range, format_value
from guru_form.metrics.units import UNIT_DECIMALS, unit_text

UNITS = [*UNIT_DECIMALS, None]
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _printed(text: str) -> float:
    (number,) = NUMBER.findall(text)
    return float(number)


@pytest.mark.parametrize(
    ("value", "unit", "threshold", "shown"),
    [
        (169.96, "deg", Threshold(low=170), "169.96°"),  # the report's old "170.0°"
        (169.96, "deg", None, "170.0°"),
        (20.015, "%", Threshold(high=20), "20.02 %"),  # "Velocity loss 20 % (limit 20 %)"
        (-0.001, "s", None, "0.00 s"),  # the summary's "-0.00 s"
        (-0.04, "deg", None, "0.0°"),
        (0.0001, "deg", Threshold(high=0), "0.0001°"),
        (9.96, "deg", Threshold(-10, 10), "10.0°"),  # passes: usual precision
        (0.2999, "m/s", Threshold(low=0.3), "0.2999 m/s"),
        (1234.4, "ms", None, "1234 ms"),
        (3.14159, None, None, "3.14"),
        (math.nan, "s", None, "–"),
        (None, "deg", None, "–"),
        ("n/a", "deg", None, "–"),
    ],
)
def test_known_cases(value: object, unit: str | None, threshold: Threshold | None, shown: str):
    assert format_value(value, unit, threshold) == shown


def test_ascii_signed_and_without_unit() -> None:
    assert format_value(7.46, "deg", Threshold(high=0), ascii=True) == "7.5 deg"
    assert format_value(math.nan, "deg", ascii=True) == "n/a"
    assert format_value(3.5, "deg", signed=True) == "+3.5°"
    assert format_value(-0.0004, "s", signed=True) == "0.00 s"
    assert format_value(0.8, "s", with_unit=False) == "0.80"
    assert format_value(20.3, "%", Threshold(-20, 20), signed=True) == "+20.3 %"


def test_bounds_print_exactly() -> None:
    assert format_bound(170, "deg") == "170.0°"
    assert format_bound(169.96, "deg") == "169.96°"
    assert format_bound(20, "%") == "20 %"
    assert format_range(Threshold(low=170), "deg") == "≥ 170.0°"
    assert format_range(Threshold(high=0), "deg", ascii=True) == "<= 0.0 deg"
    assert format_range(Threshold(60, 90.5), "deg") == "60.0° to 90.5°"


finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)


@st.composite
def checks(draw: st.DrawFn) -> tuple[float, Threshold]:
    """A value and a threshold with a bound near it: at it, or a rounding step off."""
    unit_step = 10.0 ** -draw(st.integers(0, 3))
    bound = round(draw(finite), draw(st.integers(0, 3)))
    offset = draw(st.sampled_from([0.0, 1.0, -1.0])) * draw(st.floats(min_value=0.0, max_value=1.0))
    value = bound + offset * unit_step
    kind = draw(st.sampled_from(["low", "high", "both"]))
    if kind == "low":
        return value, Threshold(low=bound)
    if kind == "high":
        return value, Threshold(high=bound)
    other = bound + draw(st.floats(min_value=0.0, max_value=50.0))
    return value, Threshold(bound, other)


@settings(max_examples=400, deadline=None)
@given(checks(), st.sampled_from(UNITS), st.booleans(), st.booleans())
def test_a_value_reads_on_the_side_of_its_threshold_it_is_on(
    check: tuple[float, Threshold], unit: str | None, signed: bool, ascii: bool
) -> None:
    value, threshold = check
    text = format_value(value, unit, threshold, signed=signed, ascii=ascii)
    printed = _printed(text)
    assert threshold.passes(printed) is threshold.passes(value), (value, threshold, text)
    assert text.endswith(unit_text(unit, ascii=ascii))
    assert not (text.startswith("-") and printed == 0.0)  # no negative zero


@settings(max_examples=200, deadline=None)
@given(finite, st.sampled_from(UNITS))
def test_no_negative_zero_and_the_unit_is_on_every_number(value: float, unit: str | None):
    text = format_value(value, unit)
    assert not (text.startswith("-") and _printed(text) == 0.0)
    assert text.endswith(unit_text(unit))
    assert abs(_printed(text) - value) <= 0.5 * 10.0 ** -UNIT_DECIMALS.get(unit or "", 2) + 1e-9


@settings(max_examples=200, deadline=None)
@given(finite, st.sampled_from(UNITS))
def test_a_bound_prints_as_itself(bound: float, unit: str | None) -> None:
    assert _printed(format_bound(bound, unit)) == bound
    assert _printed(format_bound(round(bound, 2), unit)) == round(bound, 2)

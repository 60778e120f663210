"""A report never prints a value that reads as meeting a threshold it failed, in any unit.

Each generated set has one metric per unit guru_form knows (degrees, percent, seconds, ms, m/s,
body heights/s, metres, cm, radians, counts), with reps a rounding step either side of their
thresholds' bounds, or on them. The report's flagged-rep reasons, its rep table and its list of
targets are read back from the HTML and every printed number is checked against its threshold.
"""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guru_form.metrics import Threshold, metric_label, unit_of
from guru_form.metrics.units import SUFFIX_UNITS
from guru_form.models import Analysis, Rep, Status
from guru_form.report import report_html

NUMBER = r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?"


def _columns() -> dict[str, str]:
    """``unit -> column name``, one column per distinct unit of :data:`SUFFIX_UNITS`."""
    out: dict[str, str] = {}
    for i, (suffix, unit) in enumerate(SUFFIX_UNITS):
        out.setdefault(unit, f"CHECK_{i}{suffix}")
    return out


#: One analysisType name per unit (the suffix gives the unit).
COLUMNS = _columns()


@st.composite
def metric(draw: st.DrawFn) -> tuple[Threshold, list[float]]:
    """A threshold as a coach would set one (bounds of up to 3 decimals) and three rep values:
    on a bound, or up to a rounding step either side of it."""
    bound = round(draw(st.floats(min_value=-500, max_value=500)), draw(st.integers(0, 3)))
    kind = draw(st.sampled_from(["low", "high", "both"]))
    if kind == "low":
        threshold = Threshold(low=bound)
    elif kind == "high":
        threshold = Threshold(high=bound)
    else:
        width = round(draw(st.floats(min_value=0.0, max_value=40.0)), draw(st.integers(0, 3)))
        threshold = Threshold(bound, bound + width)
    edges = [b for b in (threshold.low, threshold.high) if b is not None]
    values = []
    for _ in range(3):
        edge = draw(st.sampled_from(edges))
        step = 10.0 ** -draw(st.integers(0, 4))
        values.append(edge + draw(st.floats(min_value=-1.0, max_value=1.0)) * step)
    return threshold, values


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _part(page: str, name: str) -> str:
    start = page.index(f'data-part="{name}"')
    return page[start : page.index("</section>", start)]


def _rep_table(page: str) -> tuple[list[str], list[list[tuple[str, str]]]]:
    """The rep table's header names and, per row, ``(cell class, cell text)``."""
    part = _part(page, "reps")
    header = [_text(h.split("<span")[0]) for h in re.findall(r"<th scope=\"col\">(.*?)</th>", part)]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", part.split("<tbody>")[1], re.S):
        cells = re.findall(r'<t[hd][^>]*class="([^"]*)"[^>]*>(.*?)</t[hd]>', row, re.S)
        rows.append([(cls, _text(text)) for cls, text in cells])
    return header, rows


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.fixed_dictionaries({unit: metric() for unit in COLUMNS}))
def test_no_printed_value_reads_as_meeting_a_threshold_it_failed(
    metrics: dict[str, tuple[Threshold, list[float]]],
) -> None:
    reps = [
        Rep(
            start_ms=3000 * i,
            mid_ms=3000 * i + 1000,
            end_ms=3000 * i + 2000,
            analyses={COLUMNS[unit]: values[i] for unit, (_, values) in metrics.items()},
        )
        for i in range(3)
    ]
    analysis = Analysis("numbers", Status.COMPLETE, reps=reps)
    thresholds = {COLUMNS[unit]: threshold for unit, (threshold, _) in metrics.items()}
    page = report_html(analysis, thresholds=thresholds, tempo_tolerance=None)

    # The reasons of the flagged reps: each failing value reads as failing.
    flags = _part(page, "flags")
    reasons: dict[int, str] = {
        int(rep): _text(body)
        for rep, body in re.findall(
            r'<span class="rep-badge">Rep (\d+)</span>.*?<ul>(.*?)</ul>', flags, re.S
        )
    }
    header, rows = _rep_table(page)
    for unit, (threshold, values) in metrics.items():
        column = COLUMNS[unit]
        label = metric_label(column)
        assert unit_of(column) == unit
        position = header.index(label)
        for i, value in enumerate(values):
            failed = threshold.passes(value) is False
            said = re.search(rf"{re.escape(label)} ({NUMBER})", reasons.get(i + 1, ""))
            assert (said is not None) is failed, (label, value, threshold, reasons.get(i + 1))
            if said is not None:
                printed = float(said.group(1))
                assert threshold.passes(printed) is False, (label, value, threshold, said[0])
            style, cell = rows[i][position]
            assert threshold.passes(float(cell)) is threshold.passes(value), (label, value, cell)
            assert ("bad" in style) is failed
        # The list of targets states each bound exactly, with the unit.
        rules = _part(page, "flags").split('<div class="rules">')[1]
        (target,) = [
            text.removeprefix(f"{label}: ")
            for text in map(_text, re.findall(r"<li>(.*?)</li>", rules, re.S))
            if text.startswith(f"{label}: ")
        ]
        bounds = [float(b) for b in re.findall(NUMBER, target)]
        assert bounds == [b for b in (threshold.low, threshold.high) if b is not None]

"""What the panel shows for a result: the rep table's columns, alignment, flags and escaping."""

from __future__ import annotations

import re

import guru_form as gf
from guru_form.report.content import Cell, SetSection, Table, set_section
from guru_form.report.thresholds import as_thresholds
from guru_form.widgets._views import notice_html, rep_table_html, summary_html
from tests.report.page import Element, Page


def _parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def _align(element: Element) -> str:
    found = re.search(r"text-align:(\w+)", element.attrs.get("style", ""))
    assert found, f"{element.tag} {element.text!r} has no alignment of its own"
    return found.group(1)


def _squat_section() -> SetSection:
    analysis = gf.sample_analysis("squat")
    return set_section(analysis, video=None, thresholds=as_thresholds(None, analysis.activity))


def test_every_header_sits_over_its_values_and_names_a_column_once() -> None:
    section = _squat_section()
    assert section.reps is not None
    page = _parse(rep_table_html(section.reps))
    headers = page.find("th", scope="col")
    names = [h.text for h in headers]
    rows = [e for e in page.elements if e.tag == "tr" and "thead" not in e.parents]
    assert len(rows) == 4
    # One cell per header in every row, aligned as its header is.
    cells = [e for e in page.elements if e.tag in ("td", "th") and "tbody" in e.parents]
    assert len(cells) == 4 * len(headers)
    for i, cell in enumerate(cells):
        header = headers[i % len(headers)]
        assert _align(cell) == _align(header), (header.text, cell.text)
    # Each check is named once: one "Flags" column in words, no column per flag, no ⚑ headers.
    assert sum(1 for h in headers if h.text == "Flags") == 1 and headers[-1].text == "Flags"
    assert not any("⚑" in h.text for h in headers)
    assert sum(1 for h in headers if h.text.startswith("Velocity loss")) == 1
    assert len(set(names)) == len(names)
    flags = [cells[i].text for i in range(len(headers) - 1, len(cells), len(headers))]
    # rep 4's tempo is within the measured repeatability of its limit: borderline, said last
    assert flags == ["", "", "shallow, velocity loss", "shallow, velocity loss, tempo (borderline)"]
    assert _align(headers[0]) == "left" and _align(headers[1]) == "right"


def test_values_off_target_are_marked_and_text_is_escaped() -> None:
    table = Table(
        [("Rep", ""), ("<b>Depth</b>", "deg"), ("Flags", "")],
        [[Cell("1"), Cell("2.4", "num bad"), Cell("<script>x</script>", "tags bad")]],
    )
    html = rep_table_html(table)
    assert "<b>" not in html and "<script>" not in html
    assert "&lt;b&gt;Depth&lt;/b&gt;" in html and "&lt;script&gt;" in html
    page = _parse(html)
    bad = [e for e in page.find("td") if "font-weight:700" in e.attrs["style"]]
    assert [e.text for e in bad] == ["2.4", "<script>x</script>"]
    assert [_align(e) for e in page.find("td")] == ["right", "left"]


def test_the_summary_counts_flagged_reps_and_escapes_the_name() -> None:
    analysis = gf.sample_analysis("squat")
    section = _squat_section()
    text = summary_html("<i>set</i>.mp4", analysis, section)
    assert text == "<b>&lt;i&gt;set&lt;/i&gt;.mp4</b> · squat · 4 reps · 2 flagged"
    assert notice_html("no <reps>") == '<p style="color:#c14c00">no &lt;reps&gt;</p>'


def test_a_failed_analysis_line_keeps_the_apis_code_beside_its_words() -> None:
    from guru_form.errors import AnalysisFailedError
    from guru_form.widgets.upload import _friendly, _Job

    words = "no confident pose was found in the video"
    coded = AnalysisFailedError("v1", words, "LOW_QUALITY_POSE_ESTIMATE")
    line = _friendly(coded, _Job("squat.mp4"), None)
    assert line == f"the analysis failed: {words} (LOW_QUALITY_POSE_ESTIMATE)"
    code_only = AnalysisFailedError("v2", "LOW_QUALITY_POSE_ESTIMATE", "LOW_QUALITY_POSE_ESTIMATE")
    assert _friendly(code_only, _Job("a.mp4"), None).count("LOW_QUALITY_POSE_ESTIMATE") == 1
    uncoded = AnalysisFailedError("v3", "the file ended early")
    assert _friendly(uncoded, _Job("b.mp4"), None) == "the analysis failed: the file ended early"

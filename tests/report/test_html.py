"""The HTML report, read back as a browser reads it: sections, pictures, escaping, no fetches."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import guru_form as gf
from guru_form.errors import InvalidInputError, InvalidVideoError
from guru_form.models import Analysis, Status
from guru_form.report import build_report, report_html
from guru_form.tables.examples import example_analysis, example_sessions
from tests.report.conftest import HOSTILE
from tests.report.page import Page, decode_data_uri, read_page

SET_PARTS = ("summary", "flags", "charts", "frames", "reps", "metrics", "definitions")


def _page(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def test_a_set_report_has_every_section(squat_report: Path) -> None:
    page = read_page(squat_report)
    for part in SET_PARTS:
        page.part(part)
    assert len(page.find("section", class_="set")) == 1
    assert not page.parts("progress")
    summary = page.part("summary").text
    for label in ("Reps", "Mean rep time", "Time under tension", "Velocity loss"):
        assert label in summary


def test_pictures_are_embedded_and_decode_at_their_stated_size(squat_report: Path) -> None:
    page = read_page(squat_report)
    images = page.find("img")
    assert len(images) >= 5  # key metric, tempo, velocity, timeline, contact sheet
    kinds = set()
    for element in images:
        assert element.attrs["alt"], "every picture says what it shows"
        kind, image = decode_data_uri(element.attrs["src"])
        kinds.add(kind)
        assert image.shape[1] == int(element.attrs["width"])
        assert image.shape[0] == int(element.attrs["height"])
        assert image.std() > 5, "not a blank picture"
    assert kinds == {"image/png", "image/jpeg"}  # charts as PNG, frames as JPEG


def test_nothing_is_fetched_from_anywhere_and_there_is_no_script(
    squat_report: Path, sessions_report: Path
) -> None:
    for report in (squat_report, sessions_report):
        page = read_page(report)
        urls = page.fetched_urls()
        assert urls, "the pictures are there"
        assert all(u.startswith("data:") for u in urls), [u[:50] for u in urls if "data:" not in u]
        assert not page.find("script")
        assert not page.find("link")
        assert not page.find("iframe")
        assert "http://" not in report.read_text() and "https://" not in report.read_text()


def test_user_text_is_escaped_everywhere(squat_report: Path, sessions_report: Path) -> None:
    for report in (squat_report, sessions_report):
        raw = report.read_text()
        assert "<script>" not in raw
        assert "<img src=x" not in raw
        page = read_page(report)
        assert not page.find("script")
        assert not [e for e in page.find("img") if "onerror" in e.attrs]
        assert HOSTILE in page.text  # shown as text, exactly as typed
    page = read_page(squat_report)
    assert page.find("title")[0].text == f"Title {HOSTILE}"
    assert page.part("notes").text.strip().startswith("Coach's notes")


def test_flagged_reps_name_the_reason_and_the_target(squat_report: Path) -> None:
    # The squat sample: depth -5.9, -7.3, 2.4, 13.1 deg; rep times 1.97, 1.93, 2.17, 2.63 s;
    # velocity loss 0, 9, 33, 65 %.
    flags = read_page(squat_report).part("flags")
    items = [e for e in read_page(squat_report).elements if e.attrs.get("class") == "rep-badge"]
    assert [e.text for e in items] == ["Rep 3", "Rep 4"]
    assert "Squat depth (thigh vs horizontal) 13.1° (target ≤ 0.0°)" in flags.text
    assert "Rep time 2.63 s, +27 % off the set's median 2.07 s" in flags.text
    assert "Velocity loss 33 % (limit 20 %)" in flags.text
    assert "Targets" in flags.text


def test_the_rep_table_has_every_rep_and_marks_what_is_off_target(squat_report: Path) -> None:
    page = read_page(squat_report)
    table = [e for e in page.find("table") if e.attrs.get("class") == "reps"]
    assert len(table) == 1
    rows = [e for e in page.elements if e.tag == "tr" and "tbody" in e.parents]
    truth = gf.sample_analysis("squat")
    rep_rows = rows[: len(truth.reps)]
    for rep, row in zip(truth.reps, rep_rows, strict=True):
        depth = rep.analyses["HIP_KNEE_ANGLE_DEGREES"]
        assert f"{depth:.1f}" in row.text
        assert f"{rep.start_ms / 1000:.2f}" in row.text
    bad = [e.text for e in page.elements if e.tag == "td" and "bad" in e.attrs.get("class", "")]
    assert "13.1" in bad and "2.4" in bad and "-5.9" not in bad


def test_thresholds_can_be_given_or_turned_off() -> None:
    analysis = gf.sample_analysis("squat")
    custom = _page(report_html(analysis, thresholds={"HIP_KNEE_ANGLE_DEGREES": (None, 5.0)})).part(
        "flags"
    )
    assert "(target ≤ 5.0°)" in custom.text
    assert "2.4° (target" not in custom.text  # 2.4 is within 5
    none = _page(
        report_html(analysis, thresholds={}, tempo_tolerance=None, velocity_loss_limit=None)
    ).part("flags")
    assert "No targets were set" in none.text


def test_without_a_video_the_report_says_so_and_has_no_frames() -> None:
    page = _page(report_html(gf.sample_analysis("push_up")))
    assert "No video was given" in page.part("frames").text
    assert not [e for e in page.elements if e.attrs.get("class") == "sheets"]


def test_failed_pending_and_empty_analyses_make_a_report_that_says_why() -> None:
    failed = Analysis("v1", Status.FAILED, reason="no person was found in the video")
    page = _page(report_html(failed))
    assert "The analysis failed: no person was found in the video." in page.part("notice").text
    assert not page.parts("charts")
    pending = _page(report_html(Analysis("v2", Status.PENDING)))
    assert "still pending" in pending.part("notice").text
    empty = _page(report_html(Analysis("v3", Status.COMPLETE, activity=gf.Activity.SQUAT)))
    assert "found no reps" in empty.part("notice").text


def test_a_progress_report_compares_sessions_then_shows_each(sessions_report: Path) -> None:
    page = read_page(sessions_report)
    progress = page.part("progress")
    assert "Progress across sessions" in progress.text
    rows = [
        e
        for e in page.elements
        if e.tag == "tr" and "tbody" in e.parents and "section" in e.parents
    ]
    labels = ["Week 1", f"Week 2 {HOSTILE}", "Week 3", "Week 4"]
    overview_rows = rows[:4]
    for label, row in zip(labels, overview_rows, strict=True):
        assert row.text.strip().startswith(label)
    charts = [e for e in page.find("img")]
    assert len(charts) >= 4 + 4 * 4  # comparisons, then each week's own charts
    sets = page.find("section", class_="set")
    assert [s.text.strip().split("\n")[0].strip() for s in sets] == labels
    ids = [s.attrs["id"] for s in sets]
    assert len(set(ids)) == 4
    toc = [e.attrs["href"] for e in page.find("a")]
    assert toc == ["#progress", *[f"#{i}" for i in ids]]


def test_a_progress_report_of_different_movements_lists_them_without_comparing() -> None:
    mixed = {"Squat": example_analysis("squat"), "Deadlift": example_analysis("deadlift")}
    page = _page(report_html(mixed))
    progress = page.part("progress")
    assert "Sets in this report" in progress.text
    assert "squat" in progress.text and "deadlift" in progress.text
    assert not [e for e in page.find("img") if "session" in e.attrs["alt"]]


def test_a_list_of_analyses_is_labelled_in_order() -> None:
    page = _page(report_html(list(example_sessions(sessions=2).values())))
    sets = page.find("section", class_="set")
    assert [s.attrs["id"] for s in sets] == ["set-1", "set-2"]


def test_videos_of_a_progress_report_are_given_by_label(tmp_path: Path) -> None:
    analyses = {"Mon": gf.sample_analysis("squat"), "Thu": gf.sample_analysis("squat")}
    report = build_report(analyses, {"Thu": gf.sample_path("squat")}, tmp_path / "r.html")
    page = read_page(report)
    frames = page.parts("frames")
    assert "No video was given" in frames[0].text
    assert "No video was given" not in frames[1].text


@pytest.mark.parametrize(
    ("data", "video", "path", "error", "words"),
    [
        ("x", None, "r.html", InvalidInputError, "not an Analysis"),
        ({}, None, "r.html", InvalidInputError, "no analyses"),
        (None, None, "r.docx", InvalidInputError, "*.html or *.pdf"),
        (None, None, "report", InvalidInputError, "*.html or *.pdf"),
        (None, "missing.mp4", "r.html", InvalidVideoError, "no such file"),
        (None, {"a": "x.mp4"}, "r.html", InvalidInputError, "mapping but there is one"),
        ("many", "x.mp4", "r.html", InvalidInputError, "mapping label -> video"),
        ("many", {"Week 9": "x.mp4"}, "r.html", InvalidInputError, "no analysis"),
        (3, None, "r.html", InvalidInputError, "got int"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(
    tmp_path: Path, data: object, video: object, path: str, error: type, words: str
) -> None:
    if data is None:
        data = gf.sample_analysis("squat")
    elif data == "many":
        data = example_sessions(sessions=2)
    with pytest.raises(error, match=None) as caught:
        build_report(data, video, tmp_path / path)  # type: ignore[arg-type]
    assert words in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_the_file_is_replaced_whole_and_nothing_is_left_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    target.write_text("old")
    build_report(example_analysis("squat"), path=target)
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_the_page_is_made_for_phones_and_print(squat_report: Path) -> None:
    page = read_page(squat_report)
    viewport = [e for e in page.find("meta") if e.attrs.get("name") == "viewport"]
    assert viewport and "width=device-width" in viewport[0].attrs["content"]
    css = "".join(page.styles)
    assert "@media (max-width: 760px)" in css
    assert "@media print" in css and "@page" in css


def test_numbers_in_the_report_match_the_tables(squat_report: Path) -> None:
    summary = gf.set_summary(gf.sample_analysis("squat")).iloc[0]
    text = read_page(squat_report).part("summary").text
    assert f"{summary['mean_duration_s']:.2f} s" in text
    assert f"{summary['time_under_tension_s']:.2f} s" in text
    assert f"{summary['velocity_loss_percent']:.0f} %" in text
    assert not math.isnan(summary["velocity_loss_percent"])


def test_frames_with_an_angle_arc_say_whose_angle_it_is() -> None:
    # With a pose track the turning-point frames carry the key angle's arc ("81 deg here"),
    # which can differ from the rep's smallest angle on the card: the report says why.
    analysis = gf.sample_analysis("push_up")
    without = _page(report_html(analysis, gf.sample_path("push_up"))).part("frames").text
    assert "key number was measured on" not in without  # no track, no arc, nothing to explain
    truth = gf.sample_truth("push_up")
    track = truth[["frame", "time_ms"]].copy()
    for joint in ("shoulder", "elbow", "wrist"):
        track[f"{joint}_x"], track[f"{joint}_y"] = (
            truth[f"near_{joint}_x"],
            truth[f"near_{joint}_y"],
        )
        track[f"{joint}_visibility"] = 1.0
    analysis.pose_track = track
    text = _page(report_html(analysis, gf.sample_path("push_up"))).part("frames").text
    assert "The middle frame of each rep is the one its key number was measured on" in text
    assert "the angle drawn there is that number" in text


def test_the_velocity_loss_says_which_reps_it_leaves_out() -> None:
    analysis = example_analysis("squat")
    whole = _page(report_html(analysis)).part("summary").text
    assert "leaves out" not in whole
    object.__setattr__(analysis.reps[-1], "outlier", "runs_into_next_movement")  # the engine's mark
    text = _page(report_html(analysis)).part("summary").text
    count = len(analysis.reps)
    assert f"leaves out rep {count} (it ran into the next movement)" in text

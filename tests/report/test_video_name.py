"""A video kept under another name (an upload's temporary copy) is named in the report as the
coach knows it: the "Video" line, the contact sheet's title and its description."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import guru_form as gf
from guru_form.errors import InvalidInputError
from guru_form.report import build_report, content, report_html, write_set_outputs
from guru_form.tables.examples import example_sessions
from tests.report.conftest import HOSTILE
from tests.report.page import Page, read_page

TEMPORARY = "upload-001-0123456789ab.mp4"


@pytest.fixture
def temporary_copy(tmp_path: Path) -> Path:
    """The squat sample under a name like the upload panel's."""
    return Path(shutil.copy(gf.sample_path("squat"), tmp_path / TEMPORARY))


@pytest.fixture
def sheet_titles(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The titles the report's contact sheets are drawn with (each then drawn as given, see
    tests/frames/test_layout.py), recorded while the real sheets are made. Each sheet is drawn
    twice, in rows and stacked for a phone, under one title: recorded once, and checked equal."""
    titles: list[str] = []
    stacked: list[str] = []
    real = content.contact_sheet_for

    def recording(*args: Any, **kwargs: Any) -> Any:
        (stacked if kwargs.get("layout") == "stacked" else titles).append(kwargs["title"])
        return real(*args, **kwargs)

    monkeypatch.setattr(content, "contact_sheet_for", recording)
    yield titles
    assert stacked == titles


def _video_line(page: Page) -> list[str]:
    return [
        dd.text
        for dt, dd in zip(page.find("dt"), page.find("dd"), strict=False)
        if dt.text == "Video"
    ]


def test_the_video_is_named_as_given_not_by_its_file(
    temporary_copy: Path, sheet_titles: list[str], tmp_path: Path
) -> None:
    name = f"Sam {HOSTILE}.mp4"
    report = build_report(
        gf.sample_analysis("squat"), temporary_copy, tmp_path / "r.html", video_name=name
    )
    raw = report.read_text()
    assert "upload-001" not in raw
    assert "<script>" not in raw and "<img src=x" not in raw
    page = read_page(report)
    assert not page.find("script")
    assert sheet_titles == [f"{name} | reps 1-4 of 4"]
    (sheet,) = [e for e in page.find("img") if "turning point" in e.attrs["alt"]]
    assert sheet.attrs["alt"].startswith(f"{name}: start, turning point and end")
    assert _video_line(page) == [name]  # shown as text, exactly as given


def test_without_a_name_the_file_name_is_shown(
    temporary_copy: Path, sheet_titles: list[str]
) -> None:
    for name in (None, "  "):
        page = Page()
        page.feed(report_html(gf.sample_analysis("squat"), temporary_copy, video_name=name))
        assert _video_line(page) == [TEMPORARY]
    assert sheet_titles == [f"{TEMPORARY} | reps 1-4 of 4"] * 2


def test_sessions_name_their_videos_by_label(
    temporary_copy: Path, sheet_titles: list[str], tmp_path: Path
) -> None:
    analyses = {"Mon": gf.sample_analysis("squat"), "Thu": gf.sample_analysis("squat")}
    report = build_report(
        analyses,
        {"Mon": temporary_copy, "Thu": gf.sample_path("squat")},
        tmp_path / "r.html",
        video_name={"Mon": "monday <b>heavy</b>.mp4"},
    )
    page = read_page(report)
    videos = [
        dd.text
        for dt, dd in zip(page.find("dt"), page.find("dd"), strict=True)
        if dt.text == "Video"
    ]
    assert videos == ["monday <b>heavy</b>.mp4", "squat.mp4"]  # Thu: its own file's name
    assert sheet_titles == ["monday <b>heavy</b>.mp4 | reps 1-4 of 4", "squat.mp4 | reps 1-4 of 4"]
    assert "upload-001" not in report.read_text()


def test_a_set_folder_names_the_video_as_given(
    temporary_copy: Path, sheet_titles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guru_form.report import outputs

    names: list[object] = []
    real = outputs.contact_sheet_for

    def recording(*args: Any, **kwargs: Any) -> Any:
        names.append(kwargs.get("video_name"))
        return real(*args, **kwargs)

    monkeypatch.setattr(outputs, "contact_sheet_for", recording)
    out = write_set_outputs(
        gf.sample_analysis("squat"), tmp_path / "set", video=temporary_copy, video_name="Sam.mp4"
    )
    assert names == ["Sam.mp4"]  # the folder's contact_sheet.png (its title: see test_layout)
    assert sheet_titles == ["Sam.mp4 | reps 1-4 of 4"]  # the report's
    assert "upload-001" not in out.files["report"].read_text()


@pytest.mark.parametrize(
    ("many", "name", "words"),
    [
        (False, {"Mon": "a.mp4"}, "mapping but there is one analysis"),
        (True, "a.mp4", "mapping label -> name"),
        (True, {"Sun": "a.mp4"}, "labels with no analysis"),
        (False, 3, "must be text"),
    ],
)
def test_bad_video_names_are_refused_before_anything_is_written(
    tmp_path: Path, many: bool, name: object, words: str
) -> None:
    data = example_sessions(sessions=2) if many else gf.sample_analysis("squat")
    with pytest.raises(InvalidInputError) as caught:
        build_report(data, path=tmp_path / "r.html", video_name=name)  # type: ignore[arg-type]
    assert words in str(caught.value)
    assert list(tmp_path.iterdir()) == []

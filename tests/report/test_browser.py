"""The report in a real browser (headless Chromium): it loads whole, offline, on a phone and on a
desktop screen, with nothing wider than the phone's screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest

from tests.report.browser import DESKTOP, PHONE, Browser, find_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        find_chromium() is None,
        reason="chromium is not installed: apt-get install chromium (make test does it as root)",
    ),
]

MEASURE = """(() => {
  const wide = [...document.querySelectorAll("main *")].filter(
    (e) => e.getBoundingClientRect().right > window.innerWidth + 1 &&
           !e.closest(".table-wrap"));
  return {
    viewport: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    images: document.images.length,
    loaded: [...document.images].filter((i) => i.complete && i.naturalWidth > 0).length,
    chartColumns: getComputedStyle(document.querySelector(".charts"))
      .gridTemplateColumns.split(" ").length,
    wide: wide.slice(0, 5).map((e) => e.tagName + "." + e.className),
  };
})()"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as b:
        yield b


@pytest.mark.parametrize(("screen", "columns"), [(PHONE, 1), (DESKTOP, 2)])
def test_the_report_loads_whole_and_fits_the_screen(
    browser: Browser, squat_report: Path, screen: dict[str, object], columns: int
) -> None:
    browser.open(squat_report.as_uri(), **screen)  # type: ignore[arg-type]
    probe = browser.evaluate(MEASURE)
    assert probe["viewport"] == screen["width"]
    assert probe["images"] == probe["loaded"] and probe["images"] >= 5
    assert probe["scrollWidth"] == screen["width"], f"the page scrolls sideways: {probe['wide']}"
    assert probe["chartColumns"] == columns


PICTURES = """[...document.querySelectorAll("picture")].map((p) => {
  const img = p.querySelector("img");
  const narrow = img.currentSrc === p.querySelector("source").srcset;
  const natural = parseFloat(narrow ? p.dataset.narrowTextPx : p.dataset.textPx);
  return {
    kind: p.closest(".charts") ? "chart" : "sheet",
    narrow: narrow,
    text: natural * img.clientWidth / img.naturalWidth,
    right: img.getBoundingClientRect().right,
  };
})"""


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_charts_and_sheets_are_drawn_for_the_screen(
    browser: Browser, squat_report: Path, screen: dict[str, object]
) -> None:
    browser.open(squat_report.as_uri(), **screen)  # type: ignore[arg-type]
    pictures = browser.evaluate(PICTURES)
    charts = [p for p in pictures if p["kind"] == "chart"]
    sheets = [p for p in pictures if p["kind"] == "sheet"]
    assert len(charts) >= 4 and sheets
    phone = screen is PHONE
    assert all(p["narrow"] is phone for p in pictures), pictures
    assert all(p["right"] <= int(screen["width"]) for p in pictures)  # type: ignore[call-overload]
    if phone:
        # Chart labels at least 11 CSS pixels tall on a 390 px screen: the smallest text of
        # each chart (its size in the picture's pixels, written by the report) as shown.
        smallest = min(p["text"] for p in charts)
        assert smallest >= 11.0, charts


def test_screenshots_at_phone_and_desktop_widths_show_the_report(
    browser: Browser, squat_report: Path, tmp_path: Path
) -> None:
    for name, screen in (("phone", PHONE), ("desktop", DESKTOP)):
        browser.open(squat_report.as_uri(), **screen)  # type: ignore[arg-type]
        path = browser.screenshot(tmp_path / f"{name}.png")
        image = cv2.imread(str(path))
        assert image is not None
        width, height = int(screen["width"]), int(screen["height"])  # type: ignore[call-overload]
        scale = float(screen["scale"])  # type: ignore[arg-type]
        assert (image.shape[1], image.shape[0]) == (round(width * scale), round(height * scale))
        assert image.std() > 20  # text and charts, not a blank or error page


def test_print_media_shows_no_navigation_and_starts_sets_on_new_pages(
    browser: Browser, sessions_report: Path
) -> None:
    browser.open(sessions_report.as_uri(), **DESKTOP)  # type: ignore[arg-type]
    browser.call("Emulation.setEmulatedMedia", media="print")
    try:
        toc = browser.evaluate("getComputedStyle(document.querySelector('.toc')).display")
        breaks = browser.evaluate(
            "[...document.querySelectorAll('section.set')].map("
            "(s) => getComputedStyle(s).breakBefore)"
        )
    finally:
        browser.call("Emulation.setEmulatedMedia", media="")
    assert toc == "none"
    assert breaks == ["page"] * 4

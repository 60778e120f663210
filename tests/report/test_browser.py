"""The report in a real browser (headless Chromium): it loads whole, offline, at phone and desktop
widths, with nothing wider than a phone's screen."""

from __future__ import annotations

import json
import re
from pathlib import Path

import cv2
import pytest

from tests.report.browser import dump_dom, find_chromium, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        find_chromium() is None,
        reason="chromium is not installed: apt-get install chromium (make test does it as root)",
    ),
]

# Measures the page once it has loaded and writes the numbers into the DOM for --dump-dom.
PROBE = """
<script>
window.addEventListener("load", () => {
  const images = [...document.images];
  const wide = [...document.querySelectorAll("main *")].filter(
    (e) => e.getBoundingClientRect().right > window.innerWidth + 1 &&
           !e.closest(".table-wrap, .sheets"));
  const report = (data) => window.parent !== window
    ? window.parent.postMessage(data, "*") : document.body.setAttribute("data-probe", data);
  report(JSON.stringify({
    viewport: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    images: images.length,
    loaded: images.filter((i) => i.complete && i.naturalWidth > 0).length,
    chartColumns: getComputedStyle(document.querySelector(".charts")).gridTemplateColumns.split(" ").length,
    wide: wide.slice(0, 5).map((e) => e.tagName + "." + e.className),
  }));
});
</script>
"""


def _probe(report: Path, tmp_path: Path, width: int) -> dict[str, object]:
    probed = tmp_path / f"probe-{width}.html"
    probed.write_text(report.read_text().replace("</body>", PROBE + "</body>"))
    dom = dump_dom(probed, width=width, height=900)
    match = re.search(r'data-probe="([^"]*)"', dom)
    assert match, "the probe did not run"
    return dict(json.loads(match.group(1).replace("&quot;", '"')))


@pytest.mark.parametrize(("width", "columns"), [(390, 1), (1280, 2)])
def test_the_report_loads_whole_and_fits_the_screen(
    squat_report: Path, tmp_path: Path, width: int, columns: int
) -> None:
    probe = _probe(squat_report, tmp_path, width)
    assert probe["viewport"] == width
    assert probe["images"] == probe["loaded"] and probe["images"] >= 5
    assert probe["scrollWidth"] == width, f"the page scrolls sideways: {probe['wide']}"
    assert probe["chartColumns"] == columns


def test_screenshots_at_phone_and_desktop_widths_show_the_report(
    squat_report: Path, tmp_path: Path
) -> None:
    phone = screenshot(squat_report, tmp_path / "phone.png", width=390, height=1600, scale=2)
    desktop = screenshot(squat_report, tmp_path / "desktop.png", width=1280, height=1600)
    for path, size in ((phone, (780, 3200)), (desktop, (1280, 1600))):
        image = cv2.imread(str(path))
        assert image is not None
        assert (image.shape[1], image.shape[0]) == size
        assert image.std() > 20  # text, charts and frames, not a blank or error page

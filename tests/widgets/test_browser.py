"""The panel in a real browser: Voilà serves a notebook showing it, headless Chromium clicks its
buttons, and the kernel's work comes back to the page (progress, table, charts, frames, report)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import cv2
import pytest

import guru_form as gf
from tests.report.browser import DESKTOP, Browser, find_chromium
from tests.widgets.voila import Voila, panel_notebook

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        find_chromium() is None,
        reason="chromium is not installed: apt-get install chromium (make test does it as root)",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("voila") is None,
        reason="voila is not installed: pip install -e '.[dev]'",
    ),
]

CLICK = """(() => {
  const button = [...document.querySelectorAll("button")]
    .find((b) => b.innerText.trim() === %r);
  if (!button || button.disabled) return false;
  button.click();
  return true;
})()"""

STATE = """(() => ({
  text: document.body.innerText,
  images: [...document.querySelectorAll(".jupyter-widgets img, img.jupyter-widgets")]
    .filter((i) => i.complete && i.naturalWidth > 0).length,
  analyseDisabled: [...document.querySelectorAll("button")]
    .find((b) => b.innerText.trim() === "Analyse")?.disabled,
}))()"""


def test_clicking_analyse_and_save_in_the_browser(tmp_path: Path) -> None:
    report = tmp_path / "sam_report.html"
    notebook = panel_notebook(tmp_path / "panel.ipynb", gf.sample_path("squat"), report)
    with Voila(notebook, tmp_path) as voila, Browser(timeout=120) as browser:
        # A tall screen: Voilà's page scrolls inside its own box, so the page is one screen.
        browser.open(voila.url, **{**DESKTOP, "height": 2400}, wait=False)  # type: ignore[arg-type]
        browser.wait_for(CLICK % "Analyse", timeout=90)  # rendered, then clicked
        state = browser.wait_for(
            f"(() => {{ const s = {STATE}; return s.text.includes('1 of 1 analysed') && "
            "s.images >= 5 && !s.analyseDisabled ? s : false; })()",
            timeout=180,
        )  # 5 images: the report's four charts and the contact sheet
        assert "done: 4 reps" in state["text"]
        assert "squat.mp4 · squat · 4 reps" in state["text"]
        assert "Traceback" not in state["text"]
        browser.screenshot(tmp_path / "panel.png")
        assert browser.evaluate(CLICK % "Save report")
        saved = browser.wait_for(
            "document.body.innerText.includes('report saved:') && document.body.innerText",
            timeout=90,
        )
        assert str(report) in saved
    assert report.read_text().startswith("<!DOCTYPE html>")
    shot = cv2.imread(str(tmp_path / "panel.png"))
    assert shot is not None and shot.shape[0] > 1000 and shot.std() > 20

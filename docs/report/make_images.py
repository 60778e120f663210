"""Regenerate the screenshots in docs/report/ (needs Debian's chromium and the pdf extra).

    python docs/report/make_images.py              # every picture
    python docs/report/make_images.py --no-panel   # all but the upload panel (no Voila run)

Writes the squat sample's report as HTML and PDF, then renders with headless Chromium the page on
a desktop screen (1280 px), the whole page on an emulated phone (390 px at 2x, shown as three
columns cut where a section starts), the PDF's first page (pypdfium2), the top of a four-week
progress report, and the whole upload panel in Voilà after a click on Analyse. The skeleton in
the frames comes from the sample's ground-truth joints, as the local pose engine would attach it.
"""

from __future__ import annotations

import importlib.util
import itertools
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

import guru_form as gf  # noqa: E402
from guru_form.report import build_report  # noqa: E402
from guru_form.tables.examples import example_sessions  # noqa: E402
from tests.report.browser import DESKTOP, PHONE, Browser  # noqa: E402
from tests.widgets.voila import Voila, panel_notebook  # noqa: E402

OUT = Path(__file__).resolve().parent
NOTES = (
    "Week 3 of the strength block, 4 reps at 80 % of 1RM.\n"
    "Depth was good on the first two reps; the last two rose above parallel as the bar slowed."
)


def _truth_pose_track(name: str) -> object:
    spec = importlib.util.spec_from_file_location(
        "frames_images", ROOT / "docs/frames/make_images.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.truth_pose_track(name)


def _png(path: Path) -> None:
    """Re-encode at PNG's highest compression."""
    cv2.imwrite(str(path), cv2.imread(str(path)), [cv2.IMWRITE_PNG_COMPRESSION, 9])


#: The phone's page is cut into columns where these sections start.
PHONE_CUTS = ("charts", "reps")
#: The phone columns are shown at this fraction of the phone's 2x pixels.
PHONE_SCALE = 0.6


def _phone(browser: Browser, page: Path, out: Path) -> None:
    """The whole report on a phone, as columns side by side, each starting with a section."""
    browser.open(page.as_uri(), **PHONE)
    height = int(browser.evaluate("document.documentElement.scrollHeight"))
    browser.open(page.as_uri(), **{**PHONE, "height": height})  # one screen holds the page
    parts = ",".join(f"'{p}'" for p in PHONE_CUTS)
    tops = browser.evaluate(
        f"[{parts}].map((p) => document.querySelector(`[data-part=${{p}}]`)"
        ".closest('section.part').getBoundingClientRect().top)"
    )
    browser.screenshot(out)
    image = cv2.imread(str(out))
    scale = image.shape[0] / height
    cuts = [0, *(round((top - 12) * scale) for top in tops), image.shape[0]]
    columns = [image[a:b] for a, b in itertools.pairwise(cuts)]
    tallest = max(c.shape[0] for c in columns)
    gap = np.full((tallest, 24, 3), 255, np.uint8)
    padded = [
        np.vstack([c, np.full((tallest - c.shape[0], c.shape[1], 3), 244, np.uint8)])
        for c in columns
    ]
    strip = np.hstack([part for c in padded for part in (c, gap)][:-1])
    strip = cv2.resize(strip, None, fx=PHONE_SCALE, fy=PHONE_SCALE, interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(out), strip)


def _panel(work: Path) -> None:
    """The upload panel in Voilà after a click on Analyse (the whole panel)."""
    shutil.copy(gf.sample_path("squat"), work / "squat.mp4")  # typed as a coach would
    notebook = panel_notebook(work / "panel.ipynb", Path("squat.mp4"), Path("sam_squat.html"))
    with Voila(notebook, work) as voila, Browser(timeout=120) as browser:
        # Voilà's page scrolls inside its own box: a tall screen shows the panel whole.
        browser.open(voila.url, **{**DESKTOP, "height": 2600}, wait=False)
        browser.wait_for(
            "(() => { const b = [...document.querySelectorAll('button')]"
            ".find((b) => b.innerText.trim() === 'Analyse'); if (!b) return false;"
            " b.click(); return true; })()",
            timeout=90,
        )
        browser.wait_for(
            "document.body.innerText.includes('1 of 1 analysed') && "
            "document.querySelectorAll('img').length >= 5",
            timeout=180,
        )
        time.sleep(1)
        bottom = browser.evaluate(
            "Math.max(...[...document.querySelectorAll('.jupyter-widgets')]"
            ".map((e) => e.getBoundingClientRect().bottom))"
        )
        browser.screenshot(OUT / "upload_panel.png")
    shot = cv2.imread(str(OUT / "upload_panel.png"))
    cv2.imwrite(str(OUT / "upload_panel.png"), shot[: min(shot.shape[0], round(bottom) + 16)])


def main(panel: bool = True) -> None:
    import pypdfium2 as pdfium

    squat = gf.sample_analysis("squat")
    squat.pose_track = _truth_pose_track("squat")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        html = build_report(
            squat, gf.sample_path("squat"), work / "squat.html", athlete="Sam Rivera", notes=NOTES
        )
        pdf_path = build_report(
            squat, gf.sample_path("squat"), work / "squat.pdf", athlete="Sam Rivera", notes=NOTES
        )
        sessions = build_report(
            example_sessions("squat"), path=work / "sessions.html", athlete="Sam Rivera"
        )
        with Browser() as browser:
            browser.open(html.as_uri(), **{**DESKTOP, "height": 2300})
            browser.screenshot(OUT / "report_desktop.png")
            _phone(browser, html, OUT / "report_phone.png")
            browser.open(sessions.as_uri(), **{**DESKTOP, "height": 1250})
            browser.screenshot(OUT / "progress_desktop.png")
        if panel:
            _panel(work)
        pdf = pdfium.PdfDocument(pdf_path)
        try:
            pdf[0].render(scale=1.4).to_pil().convert("RGB").save(OUT / "report_pdf_page1.png")
        finally:
            pdf.close()
    for path in OUT.glob("*.png"):
        _png(path)
    print("wrote", ", ".join(sorted(p.name for p in OUT.glob("*.png"))))


if __name__ == "__main__":
    main(panel="--no-panel" not in sys.argv[1:])

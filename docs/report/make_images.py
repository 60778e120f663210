"""Regenerate the screenshots in docs/report/ (needs Debian's chromium and the pdf extra).

    python docs/report/make_images.py

Writes the squat sample's report as HTML and PDF, then renders with headless Chromium the page on
a desktop screen (1280 px) and an emulated phone (390 px at 2x), the PDF's first page (pypdfium2),
and the top of a four-week progress report, and the upload panel in Voilà after a click on Analyse. The skeleton in the frames comes from the sample's
ground-truth joints, as the local pose engine would attach it.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402

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


def _panel(work: Path) -> None:
    """The upload panel in Voilà after a click on Analyse (the top of the page)."""
    shutil.copy(gf.sample_path("squat"), work / "squat.mp4")  # typed as a coach would
    notebook = panel_notebook(work / "panel.ipynb", Path("squat.mp4"), work / "r.html")
    with Voila(notebook, work) as voila, Browser(timeout=120) as browser:
        browser.open(voila.url, **{**DESKTOP, "height": 1150}, wait=False)
        browser.wait_for(
            "(() => { const b = [...document.querySelectorAll('button')]"
            ".find((b) => b.innerText.trim() === 'Analyse'); if (!b) return false;"
            " b.click(); return true; })()",
            timeout=90,
        )
        browser.wait_for(
            "document.body.innerText.includes('1 of 1 analysed') && "
            "document.querySelectorAll('img').length >= 2",
            timeout=180,
        )
        time.sleep(1)
        browser.screenshot(OUT / "upload_panel.png")


def main() -> None:
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
            browser.open(html.as_uri(), **{**PHONE, "height": 1500})
            browser.screenshot(OUT / "report_phone.png")
            browser.open(sessions.as_uri(), **{**DESKTOP, "height": 1250})
            browser.screenshot(OUT / "progress_desktop.png")
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
    main()

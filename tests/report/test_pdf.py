"""The PDF report (WeasyPrint), and a clear error when WeasyPrint or Pango is missing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import guru_form as gf
from guru_form._install import install_command
from guru_form.errors import MissingDependencyError
from guru_form.report import build_report, pdf_available
from tests.report.conftest import HOSTILE

needs_pdf = pytest.mark.skipif(
    not pdf_available(),
    reason="WeasyPrint or the system's Pango is missing: pip install 'guru-form[pdf]' and "
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0 (make test does both)",
)


@needs_pdf
def test_the_pdf_has_the_reports_content_on_a4_pages(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    path = build_report(
        gf.sample_analysis("squat"),
        gf.sample_path("squat"),
        tmp_path / "squat.pdf",
        athlete=f"Sam {HOSTILE}",
    )
    assert path.read_bytes().startswith(b"%PDF-")
    pdf = pdfium.PdfDocument(path)
    try:
        assert len(pdf) >= 2
        width, height = pdf[0].get_size()
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).replace(
            "\r\n", " "
        )
        for words in ("Squat set, 4 reps", "Set summary", "Flagged reps", "Every rep", "Rep 4"):
            assert words.lower() in text.lower().replace("\n", " ")
        assert "<script>" in text  # the athlete's text, printed as typed
        first = pdf[0].render(scale=0.5).to_numpy()
        assert first.std() > 10  # not a blank page
        images = sum(
            1
            for i in range(len(pdf))
            for obj in pdf[i].get_objects()
            if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE
        )
        assert images >= 5  # the charts and the contact sheet
    finally:
        pdf.close()
    assert [p.name for p in tmp_path.iterdir()] == ["squat.pdf"]


MM = 72 / 25.4  # PDF points per millimetre
#: The report's print margins (report.css: @page margin 14mm 12mm 16mm).
TOP_MARGIN, BOTTOM_MARGIN = 14 * MM, 16 * MM


@needs_pdf
def test_the_pages_are_filled_and_the_charts_start_on_the_first(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    path = build_report(
        gf.sample_analysis("squat"),
        gf.sample_path("squat"),
        tmp_path / "squat.pdf",
        athlete="Sam Rivera",
        notes="Week 3 of the strength block, 4 reps at 80 % of 1RM.\n"
        "Depth was good on the first two reps; the last two rose above parallel.",
    )
    shown = (pdfium.raw.FPDF_PAGEOBJ_TEXT, pdfium.raw.FPDF_PAGEOBJ_IMAGE)
    pdf = pdfium.PdfDocument(path)
    try:
        fills, images, footers = [], [], []
        for i in range(len(pdf)):
            page = pdf[i]
            height = page.get_size()[1]
            objects = [o for o in page.get_objects() if o.type in shown]
            in_margin = [o for o in objects if o.get_bounds()[3] < BOTTOM_MARGIN]
            lowest = min(o.get_bounds()[1] for o in objects if o not in in_margin)
            fills.append((height - TOP_MARGIN - lowest) / (height - TOP_MARGIN - BOTTOM_MARGIN))
            images.append(sum(1 for o in objects if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE))
            footers.append(page.get_textpage().get_text_range().replace("\r\n", " "))
    finally:
        pdf.close()
    # The first charts fill the rest of page 1 after the flagged reps; no page but the last is
    # left a quarter empty by a section that would not split.
    assert images[0] >= 2, "the first row of charts belongs on page 1"
    assert all(fill > 0.8 for fill in fills[:-1]), fills
    assert len(fills) <= 3
    # The footer is in the last page's margin (never a page of its own), pages are numbered.
    assert "Made with guru_form" in footers[-1]
    assert all(f"{n} / {len(fills)}" in text for n, text in enumerate(footers, start=1))


@needs_pdf
def test_a_pdf_never_fetches_a_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from guru_form.report.pdf import write_pdf

    html = '<html><body><img src="http://127.0.0.1:9/x.png"><p>offline</p></body></html>'
    fetched: list[str] = []
    import urllib.request

    original = urllib.request.OpenerDirector.open

    def spy(self: object, url: object, *args: object, **kwargs: object) -> object:
        fetched.append(str(getattr(url, "full_url", url)))
        return original(self, url, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", spy)
    assert write_pdf(html, tmp_path / "x.pdf").stat().st_size > 0
    assert not [u for u in fetched if u.startswith("http")]


def test_without_weasyprint_the_error_says_which_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint -> ImportError
    assert not pdf_available()
    with pytest.raises(MissingDependencyError) as caught:
        build_report(gf.sample_analysis("squat"), path=tmp_path / "r.pdf")
    assert install_command("pdf") in str(caught.value)
    assert caught.value.extra == "pdf"
    assert list(tmp_path.iterdir()) == []


def test_without_pango_the_error_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # WeasyPrint loads Pango when it is imported and raises OSError when the library is missing.
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        "raise OSError(\"cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open "
        'shared object file: No such file or directory")\n'
    )
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.syspath_prepend(str(tmp_path / "fake"))
    with pytest.raises(MissingDependencyError) as caught:
        build_report(gf.sample_analysis("squat"), path=tmp_path / "r.pdf")
    message = str(caught.value)
    assert "libpango-1.0-0" in message
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in message
    assert "Traceback" not in message and "\n" not in message
    assert not (tmp_path / "r.pdf").exists()

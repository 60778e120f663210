"""The PDF report (WeasyPrint), and a clear error when WeasyPrint or Pango is missing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import guru_form as gf
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
    assert "pip install 'guru-form[pdf]'" in str(caught.value)
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

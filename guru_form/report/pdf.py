"""The report as a PDF, through WeasyPrint (the optional ``pdf`` extra).

WeasyPrint lays out the same HTML with the report's print styles (A4, each set on its own page). It
needs the system's Pango library; on Debian or Ubuntu ``apt-get install libpango-1.0-0
libpangoft2-1.0-0`` (``make test`` installs them when it can). Only ``data:`` URLs are fetched, so
making a PDF never touches the network.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from guru_form.errors import MissingDependencyError
from guru_form.report._files import write_atomically

__all__ = ["pdf_available", "write_pdf"]

FEATURE = "PDF reports"
PANGO_HINT = (
    "WeasyPrint is installed but could not load the system's Pango library ({error}); install "
    "it (Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0, which make demo "
    "does when run as root; macOS: brew install pango), or save the report as .html and print "
    "it from a browser"
)


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError:
        raise MissingDependencyError(FEATURE, "pdf") from None
    except OSError as error:  # the Python package is there, the C libraries are not
        raise MissingDependencyError(
            FEATURE, "pdf", reason=PANGO_HINT.format(error=str(error).splitlines()[0])
        ) from None
    return weasyprint


def pdf_available() -> bool:
    """True when PDF reports can be made here (WeasyPrint and Pango are installed)."""
    try:
        _weasyprint()
    except MissingDependencyError:
        return False
    return True


def _fetcher(weasyprint: Any) -> Any:
    """A URL fetcher that only reads ``data:`` URLs (WeasyPrint >= 68 has a class for it)."""
    if hasattr(weasyprint, "URLFetcher"):
        return weasyprint.URLFetcher(allowed_protocols=("data",))
    default = weasyprint.default_url_fetcher

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
        if not url.startswith("data:"):
            raise ValueError(f"a report fetches only data: URLs, not {url[:40]!r}")
        return default(url, *args, **kwargs)

    return fetch


def write_pdf(html: str, path: str | os.PathLike[str]) -> Path:
    """Lay out ``html`` with its print styles and write it as a PDF.

    Parameters
    ----------
    html
        A self-contained HTML document (pictures as ``data:`` URLs).
    path
        The PDF file to write (replaced atomically).

    Raises
    ------
    MissingDependencyError
        When WeasyPrint (``pip install 'guru-form[pdf]'``) or the system's Pango library is
        missing; the message says which and how to install it.
    """
    weasyprint = _weasyprint()
    target = Path(path)
    document = weasyprint.HTML(string=html, url_fetcher=_fetcher(weasyprint))
    # WeasyPrint warns (through logging) about CSS it does not support, such as the screen-only
    # scrolling hints; those are expected and say nothing about the PDF.
    quiet = logging.getLogger("weasyprint")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        data: bytes = document.write_pdf()
    finally:
        quiet.setLevel(level)
    return write_atomically(target, data)

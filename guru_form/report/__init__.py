"""Reports to hand to an athlete: one set, or progress across sessions, as HTML or PDF.

:func:`build_report` writes one self-contained file (charts and frames embedded, no external
requests) that reads well on a phone and prints cleanly: the set summary, the flagged reps and
why, the charts, a contact sheet of every rep, the full rep table, and what each number means.
Several analyses make a progress report across sessions. A ``.pdf`` path gives the same content as
a PDF (``pip install 'guru-form[pdf]'``).

One job per module:

- :mod:`~guru_form.report.builder` -- :func:`build_report`, :func:`report_html`.
- :mod:`~guru_form.report.thresholds` -- the default targets per activity.
- :mod:`~guru_form.report.rules` -- the checks run on every rep, with reasons in words.
- :mod:`~guru_form.report.content` -- the numbers, tables and pictures of each section.
- :mod:`~guru_form.report.charts` -- the charts (from :mod:`guru_form.plots`).
- :mod:`~guru_form.report.images` -- pictures as ``data:`` URIs.
- :mod:`~guru_form.report.render` -- the Jinja2 templates in ``templates/`` (autoescaped).
- :mod:`~guru_form.report.pdf` -- the PDF through WeasyPrint.
- :mod:`~guru_form.report.outputs` -- a folder of everything for one set (JSON, CSV, charts,
  contact sheet, report), as ``guru-form analyze`` and ``guru-form demo`` write it.

Examples
--------
>>> import guru_form as gf
>>> from guru_form.report import build_report
>>> path = build_report(
...     gf.sample_analysis("squat"), gf.sample_path("squat"), "squat.html", athlete="Sam"
... )
>>> path.name, path.stat().st_size > 100_000  # the charts and frames are in the file
('squat.html', True)
"""

from __future__ import annotations

from guru_form.report.builder import build_report, report_html
from guru_form.report.outputs import SetOutputs, write_set_outputs
from guru_form.report.pdf import pdf_available, write_pdf
from guru_form.report.thresholds import DEFAULT_THRESHOLDS, default_thresholds

__all__ = [
    "DEFAULT_THRESHOLDS",
    "SetOutputs",
    "build_report",
    "default_thresholds",
    "pdf_available",
    "report_html",
    "write_pdf",
    "write_set_outputs",
]

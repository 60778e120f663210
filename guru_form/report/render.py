"""Lay out a report's content with the Jinja2 templates shipped in ``guru_form/report/templates``.

Autoescaping is on for every template: anything a user typed (title, athlete, notes, session
labels, file names) is shown as text, never run as HTML or script.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import jinja2

from guru_form._version import __version__
from guru_form.report.content import ProgressSection, SetSection

__all__ = ["ReportPage", "render_html"]


@dataclass
class ReportPage:
    """Everything on the page: the header's text and the sections."""

    title: str
    generated: str
    sets: Sequence[SetSection]
    progress: ProgressSection | None = None
    athlete: str | None = None
    notes: str | None = None
    facts: Sequence[tuple[str, str]] = ()


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("guru_form.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )


def render_html(page: ReportPage) -> str:
    """The report as one HTML document (styles inline, pictures as ``data:`` URIs)."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=page.title,
        generated=page.generated,
        athlete=page.athlete,
        notes=page.notes,
        facts=list(page.facts),
        sets=list(page.sets),
        progress=page.progress,
        version=__version__,
    )

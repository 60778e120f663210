"""Lay out a report's content with the Jinja2 templates shipped in ``guru_form/report/templates``.

Autoescaping is on for every template: anything a user typed (title, athlete, notes, session
labels, file names) is shown as text, never run as HTML or script.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import jinja2
import markupsafe

from guru_form._version import __version__
from guru_form.report.content import ProgressSection, SetSection

__all__ = ["ReportPage", "keep_units", "render_html"]

#: A number with the unit after it, or the sign before it (``≤ 0.0°``, ``2.07 s``, ``±20 %``).
_NUMBER_WITH_UNIT = re.compile(r"(?:[≤≥] )?[-+±]?\d+(?:\.\d+)?(?:°| (?:%|s|ms|m/s|BH/s)(?![\w/]))?")


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


def keep_units(text: str) -> markupsafe.Markup:
    """``text`` escaped, with each number kept on one line with its unit and its ``≤``/``≥``.

    Examples
    --------
    >>> str(keep_units("Rep time 2.63 s, <b>27</b> % off"))
    'Rep time <span class="nowrap">2.63 s</span>, &lt;b&gt;27&lt;/b&gt; % off'
    """

    def wrap(match: re.Match[str]) -> str:
        found = match.group(0)
        return f'<span class="nowrap">{found}</span>' if " " in found else found

    return markupsafe.Markup(_NUMBER_WITH_UNIT.sub(wrap, str(markupsafe.escape(text))))


@functools.cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("guru_form.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    environment.filters["keep_units"] = keep_units
    return environment


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

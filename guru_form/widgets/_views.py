"""What the panel shows for one analysed video, as escaped HTML text.

The numbers, flags, charts and frames come from the report's own section of the set
(:func:`guru_form.report.content.set_section`), so the panel shows what the saved report will
show. This module only lays out its text parts for a widget, with inline styles (a notebook's own
table styles differ from one front end to another, and a widget cannot carry a style sheet of
its own).

Examples
--------
>>> from guru_form.report.content import Cell, Table
>>> table = Table([("Rep", ""), ("Depth", "deg"), ("Flags", "")],
...               [[Cell("1"), Cell("2.4", "num bad"), Cell("shallow", "tags bad")]])
>>> "shallow" in rep_table_html(table) and rep_table_html(table).count("<tr") == 2
True
"""

from __future__ import annotations

import html

from guru_form.activities import display_name
from guru_form.models import Analysis
from guru_form.report.content import OPINION_LABEL, Cell, SetSection, Table

__all__ = ["notice_html", "rep_table_html", "summary_html"]

INK, MUTED, LINE, BAD, BAD_BG = "#1d2330", "#5d6575", "#dde1e8", "#c14c00", "#fdf0e7"

_CELL = f"padding:4px 8px;border-bottom:1px solid {LINE};vertical-align:middle"
_HEAD = f"padding:4px 8px;border-bottom:2px solid {LINE};vertical-align:bottom;font-weight:600"


def summary_html(name: str, analysis: Analysis, section: SetSection) -> str:
    """One line about the result: file, activity, reps, how many were flagged and, when Guru
    rated the reps, its good and bad ratings (escaped).

    Parameters
    ----------
    name
        The video as the user knows it (the picked file's name, or the typed path's).
    analysis
        Its analysis.
    section
        The report's section of the set (its flagged reps and checks).
    """
    named = analysis.activity_text
    activity = display_name(named).lower() if named else "unknown"
    count = len(analysis.reps)
    parts = [
        f"<b>{html.escape(name)}</b>",
        html.escape(activity),
        f"{count} rep{'s' if count != 1 else ''}",
    ]
    if section.rules:
        flagged = sum(1 for rep in section.flagged if rep.reasons)
        parts.append(f"{flagged} flagged" if flagged else "none flagged")
    opinion = next((s for s in section.stats if s.label == OPINION_LABEL), None)
    if opinion is not None:
        parts.append(html.escape(f"Guru: {opinion.value}"))
    return " · ".join(parts)


def notice_html(text: str) -> str:
    """A set that has nothing to show (no reps, an analysis that did not complete), escaped."""
    return f'<p style="color:{BAD}">{html.escape(text)}</p>'


def _align(cell_style: str, first: bool) -> str:
    """The text alignment of a column, read from its cells' style (the header follows it)."""
    if first:
        return "left"
    return "left" if ("tags" in cell_style or "text" in cell_style) else "right"


def _cell(cell: Cell, align: str, tag: str) -> str:
    style = f"{_CELL};text-align:{align}"
    if "num" in cell.style:
        style += ";font-variant-numeric:tabular-nums;white-space:nowrap"
    if "bad" in cell.style:
        style += f";color:{BAD};font-weight:700;background:{BAD_BG}"
    return f'<{tag} style="{style}">{html.escape(cell.text)}</{tag}>'


def rep_table_html(table: Table) -> str:
    """The report's rep table as escaped HTML with inline styles.

    Each header holds its column's name with the unit on a line below, aligned as the column's
    values are (numbers right, words left); values off target are in the report's orange, and
    the last column names each rep's flags in words.

    Parameters
    ----------
    table
        The rep table of the set's report section (:attr:`SetSection.reps`).
    """
    first_row = table.rows[0] if table.rows else []
    aligns = [
        _align(first_row[i].style if i < len(first_row) else "num", i == 0)
        for i in range(len(table.header))
    ]
    head = []
    for (name, unit), align in zip(table.header, aligns, strict=True):
        unit_html = (
            f'<span style="display:block;font-weight:400;font-size:0.85em;color:{MUTED}">'
            f"{html.escape(unit)}</span>"
            if unit
            else ""
        )
        head.append(
            f'<th scope="col" style="{_HEAD};text-align:{align}">{html.escape(name)}{unit_html}</th>'
        )
    rows = []
    for row in table.rows:
        cells = [
            _cell(cell, align, "th" if i == 0 else "td")
            for i, (cell, align) in enumerate(zip(row, aligns, strict=True))
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<div style="overflow-x:auto"><table style="border-collapse:collapse;color:{INK};'
        f'font-size:0.9em;margin:6px 0 10px">'
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )

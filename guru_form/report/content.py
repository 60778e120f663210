"""What a report says, computed from analyses: numbers, flags with reasons, tables and pictures.

Everything here is plain data (text already formatted, pictures already encoded); the templates only
lay it out. User-supplied text (title, athlete, notes, session labels) stays raw here and is escaped
by the templates.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from guru_form import activities
from guru_form.frames import contact_sheet_for
from guru_form.frames.skeleton import activity_skeleton
from guru_form.metrics import (
    ANALYSIS_TYPES,
    CONCENTRIC_S,
    DURATION_S,
    ECCENTRIC_S,
    END_MS,
    MID_MS,
    OPINION_PREFIX,
    OUTLIER,
    OUTLIER_WORDS,
    REP,
    START_MS,
    UNSURE,
    VELOCITY_LOSS,
    Threshold,
    format_value,
    metric_label,
    unit_of,
    unsure_of,
)
from guru_form.metrics import key_metric as choose_key_metric
from guru_form.models import Activity, Analysis, Status
from guru_form.report.charts import progress_charts, set_charts
from guru_form.report.images import Picture, image_picture
from guru_form.report.rules import Rule, apply_rules
from guru_form.tables import combine, counted_reps, reps_frame, set_summary, summarize
from guru_form.tables.velocity import velocity_unsure_reps

__all__ = [
    "OPINION_LABEL",
    "Cell",
    "Definition",
    "FlaggedRep",
    "ProgressSection",
    "SetSection",
    "Stat",
    "Table",
    "progress_section",
    "set_section",
]

#: The label of the headline that counts Guru's good and bad ratings of the reps.
OPINION_LABEL = "Guru's opinion"
#: Reps per contact-sheet image: each image then fits on one printed page.
REPS_PER_SHEET = 5


@dataclass(frozen=True)
class Stat:
    """A headline number: ``label``, ``value`` and a smaller ``detail`` line."""

    label: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class Cell:
    """A table cell: its text and a style (``"num"``, ``"bad"``, ``"text"``)."""

    text: str
    style: str = "num"


@dataclass(frozen=True)
class Table:
    """A table: header cells (name, unit) and rows of cells."""

    header: list[tuple[str, str]]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class FlaggedRep:
    """A rep that failed a check, came within the measurement's repeatability of a limit, or
    could not be judged: its number, when it happened, why it failed (``reasons``), where it is
    borderline, and where the pose engine is unsure of the value (``unsure``: the pose was lost)."""

    rep: int
    at: str
    reasons: list[str]
    borderline: list[str] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Definition:
    """What a metric means, for the report's glossary."""

    label: str
    unit: str
    text: str


@dataclass
class SetSection:
    """Everything the report shows about one set."""

    anchor: str
    heading: str
    label: str | None
    facts: list[tuple[str, str]]
    notice: str | None = None
    stats: list[Stat] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    flagged: list[FlaggedRep] = field(default_factory=list)
    charts: list[Picture] = field(default_factory=list)
    sheets: list[Picture] = field(default_factory=list)
    sheet_note: str | None = None
    angle_note: str | None = None
    reps: Table | None = None
    metrics: Table | None = None
    definitions: list[Definition] = field(default_factory=list)


@dataclass
class ProgressSection:
    """The comparison of several sets: one row per set, and charts across them."""

    heading: str
    intro: str
    overview: Table
    charts: list[Picture] = field(default_factory=list)


def _anchor(text: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "set"
    anchor, n = base, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor


def _activity_name(activity: Activity | None) -> str:
    """``"squat"``, ``"push-up"``, ... as it reads inside a sentence or a table."""
    return activities.display_name(activity).lower() if activity is not None else "activity unknown"


def _key_metric(frame: pd.DataFrame) -> str | None:
    try:
        return choose_key_metric(frame)
    except ValueError:
        return None


def _left_out(frame: pd.DataFrame) -> str:
    """The reps the set's figures leave out, in words (empty when none)."""
    if OUTLIER not in frame.columns and UNSURE not in frame.columns:
        return ""
    left = frame.loc[~counted_reps(frame)].sort_values(REP)
    words = [
        f"rep {int(row[REP])} ({OUTLIER_WORDS.get(str(row[OUTLIER]), str(row[OUTLIER]))})"
        for _, row in left.iterrows()
    ]
    if UNSURE in frame.columns:
        lost = frame.loc[velocity_unsure_reps(frame)]
        words += [f"rep {int(rep)} (velocity unsure: pose lost)" for rep in sorted(lost[REP])]
    return f" · leaves out {', '.join(words)}" if words else ""


def _stats(
    frame: pd.DataFrame,
    key_metric: str | None,
    flagged: int,
    borderline: int = 0,
    velocity_loss_limit: float | None = None,
    unsure: int = 0,
) -> list[Stat]:
    summary = set_summary(frame).iloc[0]
    counts = [
        f"{flagged} flagged" if flagged else "",
        f"{borderline} borderline" if borderline else "",
        f"{unsure} unsure" if unsure else "",
    ]
    stats = [
        Stat("Reps", str(int(summary["rep_count"])), " · ".join(c for c in counts if c)),
        Stat(
            "Mean rep time",
            format_value(summary["mean_duration_s"], "s"),
            f"lowering {format_value(summary['mean_eccentric_s'], 's')} · "
            f"lifting {format_value(summary['mean_concentric_s'], 's')}"
            if not math.isnan(float(summary["mean_eccentric_s"]))
            else "",
        ),
        Stat(
            "Time under tension",
            format_value(summary["time_under_tension_s"], "s"),
            f"set lasted {format_value(summary['set_duration_s'], 's')}",
        ),
    ]
    if VELOCITY_LOSS in summary.index:
        stop = None if velocity_loss_limit is None else Threshold(high=velocity_loss_limit)
        stats.append(
            Stat(
                "Velocity loss",
                format_value(summary[VELOCITY_LOSS], "%", stop),
                "last rep against the fastest" + _left_out(frame),
            )
        )
    opinions = _opinion_counts(frame)
    if opinions is not None:
        good, bad = opinions
        stats.append(
            Stat(
                OPINION_LABEL,
                f"{good} good · {bad} bad",
                "its ratings of the reps' metrics (marked in the rep table)",
            )
        )
    if key_metric is not None:
        lost = unsure_of(frame, key_metric).notna() & frame[key_metric].notna()
        values = frame[key_metric].astype("float64").where(~lost).dropna()
        if not len(values) and lost.any():
            detail = "every rep's value unsure (pose lost): see the flagged reps"
            stats.append(Stat(metric_label(key_metric), "–", detail))
        if len(values):
            unit = unit_of(key_metric)
            left = sorted(int(r) for r in frame.loc[lost, REP])
            note = f" · leaves out rep{'s' if len(left) > 1 else ''} " + ", ".join(map(str, left))
            stats.append(
                Stat(
                    metric_label(key_metric),
                    format_value(values.mean(), unit),
                    f"mean · range {format_value(values.min(), unit)} "
                    f"to {format_value(values.max(), unit)}"
                    + (note + " (unsure: pose lost)" if left else ""),
                )
            )
    return stats


def _opinion_counts(frame: pd.DataFrame) -> tuple[int, int] | None:
    """How many ratings Guru gave as good and as bad, or None when it gave none."""
    columns = [c for c in frame.columns if str(c).startswith(OPINION_PREFIX)]
    if not columns:
        return None
    values = pd.concat([frame[c].astype("object") for c in columns]).dropna()
    return int((values == "good").sum()), int((values == "bad").sum())


def _flagged(frame: pd.DataFrame, rules: Sequence[Rule]) -> list[FlaggedRep]:
    out: list[FlaggedRep] = []
    for _, row in frame.iterrows():
        reasons = [rule.reason(row) for rule in rules if bool(row[rule.flag])]
        near = [
            why
            for rule in rules
            if bool(row.get(rule.borderline, False)) and (why := rule.why(row)) is not None
        ]
        unsure = [
            why
            for rule in rules
            if bool(row.get(rule.unsure, False)) and (why := rule.why(row)) is not None
        ]
        if reasons or near or unsure:
            at = format_value(float(row[START_MS]) / 1000.0, "s")
            out.append(FlaggedRep(int(row[REP]), at, reasons, near, unsure))
    return out


def _rep_table(frame: pd.DataFrame, rules: Sequence[Rule]) -> Table:
    metric_columns = [c for c in frame.columns if c in ANALYSIS_TYPES or c not in _FIXED]
    metric_columns = [
        c
        for c in metric_columns
        if pd.api.types.is_numeric_dtype(frame[c].dtype)
        and not pd.api.types.is_bool_dtype(frame[c].dtype)
    ]
    columns = [START_MS, DURATION_S, ECCENTRIC_S, CONCENTRIC_S, *metric_columns]
    header = [("Rep", "")] + [
        (
            _HEADERS.get(c, metric_label(c).split(" (")[0]),
            "s" if c == START_MS else unit_of(c) or "",
        )
        for c in columns
    ]
    if rules:
        header.append(("Flags", ""))
    marked: dict[str, list[Rule]] = {}
    for rule in rules:
        marked.setdefault(rule.column, []).append(rule)
    rows: list[list[Cell]] = []
    for _, row in frame.iterrows():
        cells = [Cell(str(int(row[REP])))]
        for column in columns:
            value = float(row[column]) / 1000.0 if column == START_MS else row[column]
            unit = "s" if column == START_MS else unit_of(column)
            failed = [rule for rule in marked.get(column, []) if bool(row[rule.flag])]
            near = [rule for rule in marked.get(column, []) if bool(row.get(rule.borderline))]
            lost = [rule for rule in marked.get(column, []) if bool(row.get(rule.unsure))]
            # A flagged value reads as failing its check; the unit is in the header, so the
            # cells stay short enough for a phone.
            check = failed[0].threshold if failed else _first_threshold(marked.get(column, []))
            text = format_value(value, unit, check, with_unit=False)
            bad = bool(failed)
            opinion = row.get(f"{OPINION_PREFIX}{column}")
            if isinstance(opinion, str):  # Guru's own rating of this rep on this metric
                text += f" ({opinion})"
                bad = bad or opinion == "bad"
            style = "num bad" if bad else "num near" if near else "num unsure" if lost else "num"
            cells.append(Cell(text, style))
        if rules:
            names = [rule.short for rule in rules if bool(row[rule.flag])]
            failed_any = bool(names)
            names += [
                f"{rule.short} (borderline)"
                for rule in rules
                if not bool(row[rule.flag]) and bool(row.get(rule.borderline))
            ]
            names += [f"{rule.short} (unsure)" for rule in rules if bool(row.get(rule.unsure))]
            cells.append(Cell(", ".join(names), "tags bad" if failed_any else "tags"))
        rows.append(cells)
    return Table(header, rows)


def _first_threshold(rules: Sequence[Rule]) -> Threshold | None:
    return next((rule.threshold for rule in rules if rule.threshold is not None), None)


_FIXED = frozenset({REP, START_MS, MID_MS, END_MS, DURATION_S, ECCENTRIC_S, CONCENTRIC_S})
_HEADERS = {
    START_MS: "Start",
    DURATION_S: "Rep time",
    ECCENTRIC_S: "Lowering",
    CONCENTRIC_S: "Lifting",
    VELOCITY_LOSS: "Velocity loss",
}


def _metric_table(frame: pd.DataFrame) -> Table:
    summary = summarize(frame.drop(columns=[c for c in frame.columns if c == VELOCITY_LOSS]))
    header = [
        ("Metric", ""),
        ("Mean", ""),
        ("SD", ""),
        ("Min", ""),
        ("Max", ""),
        ("Trend", "per rep"),
        ("First → last", "change"),
    ]
    ordered = frame.sort_values(REP)
    rows: list[list[Cell]] = []
    for metric, row in summary.iterrows():
        unit = unit_of(str(metric))
        if int(row["count"]) == 0:
            continue
        values = ordered[str(metric)].astype("float64").dropna()
        # A change in the metric's own unit: a percentage means nothing for an angle near 0.
        change = float(values.iloc[-1] - values.iloc[0]) if len(values) >= 2 else float("nan")
        rows.append(
            [
                Cell(_HEADERS.get(str(metric), metric_label(str(metric))), "text"),
                Cell(format_value(row["mean"], unit)),
                Cell(format_value(row["std"], unit)),
                Cell(format_value(row["min"], unit)),
                Cell(format_value(row["max"], unit)),
                Cell(format_value(row["slope_per_rep"], unit, signed=True)),
                Cell(format_value(change, unit, signed=True)),
            ]
        )
    return Table(header, rows)


def _definitions(frame: pd.DataFrame) -> list[Definition]:
    out = [
        Definition(
            "Rep time, lowering, lifting",
            "s",
            "A rep runs from leaving the rest position to returning to it; lowering (eccentric) "
            "and lifting (concentric) split it at the turning point.",
        )
    ]
    for column in frame.columns:
        known = ANALYSIS_TYPES.get(str(column))
        if known is not None:
            out.append(Definition(known.label, known.unit, " ".join(known.description.split())))
    if _opinion_counts(frame) is not None:
        out.append(
            Definition(
                OPINION_LABEL,
                "",
                "Guru's own rating of a rep on a metric, good or bad, shown after the value in "
                "the rep table (a bad one in red).",
            )
        )
    if VELOCITY_LOSS in frame.columns:
        out.append(
            Definition(
                "Velocity loss",
                "%",
                "How much slower a rep's lifting phase was than the fastest rep so far.",
            )
        )
    return out


def _sheets(
    video: Path, name: str, analysis: Analysis, thresholds: Mapping[str, Threshold]
) -> list[Picture]:
    """The contact sheets, :data:`REPS_PER_SHEET` reps each: one row per rep, and for a phone
    (``narrow``) each rep stacked, so that nothing scrolls sideways."""
    count = len(analysis.reps)
    pictures: list[Picture] = []
    for first in range(1, count + 1, REPS_PER_SHEET):
        reps = list(range(first, min(first + REPS_PER_SHEET, count + 1)))
        span = f"rep {first}" if len(reps) == 1 else f"reps {reps[0]}-{reps[-1]}"
        alt = f"{name}: start, turning point and end of {span}, with each rep's numbers"
        wide, narrow = (
            contact_sheet_for(
                video,
                analysis,
                thresholds=thresholds,
                reps=reps,
                cell_width=360,
                title=f"{name} | {span} of {count}",
                layout=layout,
            )
            for layout in ("rows", "stacked")
        )
        pictures.append(replace(image_picture(wide, alt), narrow=image_picture(narrow, alt)))
    return pictures


#: Under the contact sheets when their frames carry a skeleton: which frame the numbers are from.
_ANGLE_NOTE = (
    "The middle frame of each rep is the one its key number was measured on (a push-up's "
    "smallest elbow angle can come a moment before the shoulders are lowest), and the angle "
    "drawn there is that number; a squat's bottom frame shows the horizontal through the knee "
    "that its depth is measured against. The card says where each other number was measured."
)


def set_section(
    analysis: Analysis,
    *,
    video: str | os.PathLike[str] | None,
    thresholds: Mapping[str, Threshold],
    label: str | None = None,
    anchors: set[str] | None = None,
    tempo_tolerance: float | None = 0.2,
    velocity_loss_limit: float | None = 20.0,
    video_name: str | None = None,
) -> SetSection:
    """Compute the section of one set.

    Parameters
    ----------
    analysis
        The set's analysis.
    video
        Its video, for the contact sheet (None: no frames).
    video_name
        The video's name to show (the "Video" fact, the contact sheet's title and description)
        instead of the file's own name; raw text, escaped by the templates. None: the file's
        name.
    thresholds
        Targets each rep is checked against (analysisType -> range).
    label
        The set's label in a multi-set report (a session's name).
    anchors
        HTML ids already used in the page (the section's id is added).
    tempo_tolerance, velocity_loss_limit
        As in :func:`guru_form.report.rules.apply_rules`.
    """
    used = anchors if anchors is not None else set()
    activity = analysis.activity
    heading = label if label is not None else f"{_activity_name(activity).capitalize()} set"
    video_path = Path(video) if video is not None else None
    shown_name = video_path.name if video_path is not None else None
    if video_name is not None and video_name.strip():
        shown_name = video_name
    facts = [("Activity", _activity_name(activity))]
    if shown_name is not None:
        facts.append(("Video", shown_name))
    if analysis.video_id:
        facts.append(("Video id", analysis.video_id))
    section = SetSection(_anchor(heading, used), heading, label, facts)
    if analysis.status is not Status.COMPLETE:
        why = f": {analysis.reason}" if analysis.reason else ""
        code = f" [{analysis.reason_code}]" if analysis.reason_code else ""
        section.notice = (
            f"The analysis failed{why}{code}."
            if analysis.status is Status.FAILED
            else "The analysis was still pending when this report was made."
        )
        return section
    frame = reps_frame(analysis)
    if frame.empty:
        section.notice = "The analysis found no reps in this video."
        return section
    frame, rules = apply_rules(
        frame,
        thresholds,
        tempo_tolerance=tempo_tolerance,
        velocity_loss_limit=velocity_loss_limit,
    )
    key_metric = _key_metric(frame)
    section.flagged = _flagged(frame, rules)
    failed = sum(1 for f in section.flagged if f.reasons)
    near = sum(1 for f in section.flagged if f.borderline and not f.reasons)
    lost = sum(1 for f in section.flagged if f.unsure)  # reps with a value not judged
    section.stats = _stats(frame, key_metric, failed, near, velocity_loss_limit, lost)
    section.rules = [rule.text for rule in rules]
    section.charts = set_charts(
        frame, key_metric, thresholds, rules, velocity_loss_limit=velocity_loss_limit
    )
    if video_path is not None:
        section.sheets = _sheets(video_path, shown_name or video_path.name, analysis, thresholds)
        if analysis.pose_track is not None and activity_skeleton(activity)[1] is not None:
            section.angle_note = _ANGLE_NOTE
    else:
        section.sheet_note = "No video was given, so there are no frames to show."
    section.reps = _rep_table(frame, rules)
    section.metrics = _metric_table(frame)
    section.definitions = _definitions(frame)
    return section


def progress_section(
    analyses: Mapping[str, Analysis],
    thresholds: Mapping[str, Threshold],
    *,
    tempo_tolerance: float | None = 0.2,
    velocity_loss_limit: float | None = 20.0,
) -> ProgressSection:
    """Compute the comparison of several sets (sessions) of one athlete.

    Sets of one activity get charts across sessions; sets of different activities only the
    overview table (their metrics do not compare).
    """
    complete = {k: a for k, a in analyses.items() if a.status is Status.COMPLETE and a.reps}
    kinds = {a.activity for a in analyses.values()}
    same = len(kinds) == 1 and None not in kinds
    key_metric = None
    if same and complete:
        key_metric = _key_metric(reps_frame(next(iter(complete.values()))))
    header = [
        ("Session" if same else "Set", ""),
        ("Reps", ""),
        ("Flagged", ""),
        ("Rep time", "s"),
        ("Lowering", "s"),
        ("Lifting", "s"),
        ("Velocity loss", "%"),
    ]
    if not same:
        header.insert(1, ("Activity", ""))
    if key_metric is not None:
        header.append((metric_label(key_metric), unit_of(key_metric) or ""))
    rows: list[list[Cell]] = []
    for label, analysis in analyses.items():
        row = [Cell(str(label), "text")]
        if not same:
            row.append(Cell(_activity_name(analysis.activity), "text"))
        if label not in complete:
            status = "failed" if analysis.status is Status.FAILED else "no reps"
            row += [Cell(status, "text bad")] + [Cell("–") for _ in header[len(row) + 1 :]]
            rows.append(row)
            continue
        frame, rules = apply_rules(
            reps_frame(analysis),
            thresholds,
            tempo_tolerance=tempo_tolerance,
            velocity_loss_limit=velocity_loss_limit,
        )
        summary = set_summary(frame).iloc[0]
        flagged = int(frame[[r.flag for r in rules]].any(axis=1).sum()) if rules else 0
        row += [
            Cell(str(int(summary["rep_count"]))),
            Cell(str(flagged), "bad" if flagged else "num"),
            Cell(format_value(summary["mean_duration_s"], "s")),
            Cell(format_value(summary["mean_eccentric_s"], "s")),
            Cell(format_value(summary["mean_concentric_s"], "s")),
            Cell(format_value(summary.get(VELOCITY_LOSS, float("nan")), "%")),
        ]
        if key_metric is not None:
            value = frame[key_metric].mean() if key_metric in frame.columns else float("nan")
            row.append(Cell(format_value(value, unit_of(key_metric))))
        rows.append(row)
    charts: list[Picture] = []
    if same and len(complete) >= 2:
        charts = progress_charts(
            combine(complete, key="session", wide=True), key_metric, thresholds
        )
    if same:
        heading = "Progress across sessions"
        intro = (
            f"{len(analyses)} sessions of {_activity_name(next(iter(kinds)))}; "
            "each row is one set (means over its reps)."
        )
    else:
        heading = "Sets in this report"
        intro = f"{len(analyses)} sets of different movements; each has its own section below."
    return ProgressSection(heading, intro, Table(header, rows), charts)

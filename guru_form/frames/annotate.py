"""Overlays drawn on a frame with OpenCV: rep, phase, time and the rep's analyses, readable on any
background.

Text sits on a translucent dark panel, so it reads on white walls and black gyms alike; text drawn
straight on the picture (angle labels) gets a dark outline. Sizes follow the frame: every length is
proportional to the frame's shorter side (720 px is the reference), with a floor so small frames stay
legible.

Images are RGB ``uint8`` arrays (as :class:`guru_form.video.VideoReader` returns them); colours are RGB.

Thresholds are explicit: nothing is coloured unless you pass a
:class:`~guru_form.metrics.Threshold` for that analysis type. A value inside its range is drawn
green, outside red with the range it missed. Numbers are written by
:func:`guru_form.metrics.format_value` in its ASCII form (OpenCV's fonts draw nothing else).

Examples
--------
>>> import numpy as np
>>> img = np.zeros((720, 1280, 3), np.uint8)
>>> out = annotate_frame(
...     img, rep=3, phase="mid", time_ms=4270,
...     analyses={"HIP_KNEE_ANGLE_DEGREES": 7.5},
...     thresholds={"HIP_KNEE_ANGLE_DEGREES": Threshold(high=0)},
... )
>>> out.shape, bool((out != img).any())
((720, 1280, 3), True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from guru_form._deprecation import moved_names
from guru_form.errors import InvalidInputError
from guru_form.frames.phases import Phase, phase_label
from guru_form.metrics import (
    ANALYSIS_TYPES,
    Threshold,
    ThresholdLike,
    as_threshold,
    unit_of,
)
from guru_form.metrics import format_value as format_metric
from guru_form.models import Activity

__all__ = [
    "CORNERS",
    "Color",
    "ScalarRow",
    "Threshold",
    "ThresholdLike",
    "analysis_lines",
    "annotate_frame",
    "athlete_box",
    "clear_corner",
    "draw_outlined_text",
    "draw_text_panel",
    "format_clock",
    "overlay_scale",
    "panel_box",
    "rep_card",
    "rep_card_scale",
    "scalar_rows",
]

ImageArray = npt.NDArray[np.uint8]
Color = tuple[int, int, int]

WHITE: Color = (255, 255, 255)
MUTED: Color = (200, 205, 215)
PASS_GREEN: Color = (90, 225, 120)
FAIL_RED: Color = (255, 85, 85)
#: A value within its metric's measured repeatability of a target (the borderline rule).
BORDERLINE_AMBER: Color = (250, 190, 70)
#: A value the pose engine is unsure of (the pose was lost where it was taken): not judged; the
#: charts' grey (:data:`guru_form.plots.markers.UNSURE_COLOR`, #8C8C8C).
UNSURE_GREY: Color = (140, 140, 140)
PANEL: Color = (12, 14, 20)
CARD: Color = (30, 33, 42)
FONT = cv2.FONT_HERSHEY_DUPLEX


def overlay_scale(image: ImageArray) -> float:
    """The size factor for overlays on ``image``: shorter side / 720, at least 0.5.

    Parameters
    ----------
    image
        The frame, ``(height, width, 3)``.

    Returns
    -------
    float
        1.0 for a 720 px frame (1280x720 or 720x1280), 1.5 for 1080 px, 0.5 at the smallest.

    Examples
    --------
    >>> overlay_scale(np.zeros((1080, 1920, 3), np.uint8))
    1.5
    """
    return max(0.5, min(image.shape[0], image.shape[1]) / 720.0)


def _format_value(value: float, unit: str | None, threshold: Threshold | None = None) -> str:
    """Deprecated: ``guru_form.metrics.format_value(value, unit, threshold, ascii=True)``."""
    return format_metric(value, unit, threshold, ascii=True)


__getattr__ = moved_names(
    __name__,
    {
        "format_value": (
            "guru_form.metrics.format_value(value, unit, threshold, ascii=True)",
            lambda: _format_value,
        )
    },
)


def format_clock(time_ms: float) -> str:
    """A moment of the video as its panels write it: ``"0:04.27"`` (minutes, seconds).

    Parameters
    ----------
    time_ms
        The moment, in milliseconds from the video's start.

    Returns
    -------
    str

    Examples
    --------
    >>> format_clock(4270), format_clock(61500)
    ('0:04.27', '1:01.50')
    """
    seconds = time_ms / 1000.0
    minutes = int(seconds // 60)
    return f"{minutes}:{seconds - 60 * minutes:05.2f}"


def draw_outlined_text(
    image: ImageArray,
    text: str,
    origin: tuple[int, int],
    *,
    color: Color = WHITE,
    scale: float | None = None,
) -> None:
    """Draw ``text`` with a dark outline at ``origin`` (its baseline-left corner), in place.

    Used for text drawn straight on the picture (angle labels): the outline keeps it readable
    on light and dark backgrounds alike.

    Parameters
    ----------
    image
        RGB ``uint8`` frame, drawn on in place.
    text
        The text (OpenCV's Hershey font: ASCII only).
    origin
        ``(x, y)`` pixels of the text's baseline-left corner.
    color
        RGB colour of the text.
    scale
        Size factor; default :func:`overlay_scale` of the image.

    Returns
    -------
    None
        ``image`` is changed in place.
    """
    s = overlay_scale(image) if scale is None else scale
    font_scale = 0.6 * s
    thick = max(1, round(1.4 * s))
    cv2.putText(
        image,
        text,
        origin,
        FONT,
        font_scale,
        (0, 0, 0),
        thick + max(2, round(2.5 * s)),
        cv2.LINE_AA,
    )
    cv2.putText(image, text, origin, FONT, font_scale, color, thick, cv2.LINE_AA)


def draw_text_panel(
    image: ImageArray,
    lines: Sequence[tuple[str, Color, float]],
    *,
    corner: str = "top-left",
    opacity: float = 0.62,
    scale: float | None = None,
) -> tuple[int, int, int, int]:
    """Draw lines of text on a translucent dark panel in a corner of ``image``, in place.

    Parameters
    ----------
    lines
        ``(text, rgb colour, relative size)`` per line; size 1.0 is body text.
    corner
        ``"top-left"``, ``"top-right"``, ``"bottom-left"`` or ``"bottom-right"``.
    opacity
        Of the panel (0 transparent .. 1 opaque).
    scale
        Overrides :func:`overlay_scale`.

    Returns
    -------
    tuple
        The panel's ``(x0, y0, x1, y1)`` in pixels.
    """
    if corner not in ("top-left", "top-right", "bottom-left", "bottom-right"):
        raise InvalidInputError(f"unknown corner {corner!r}")
    if not lines:
        return (0, 0, 0, 0)
    s = overlay_scale(image) if scale is None else scale
    pad, gap, sizes = _panel_metrics(lines, s)
    height, width = image.shape[:2]
    x0, y0, x1, y1 = panel_box(lines, corner, width, height, scale=s)
    region = image[y0:y1, x0:x1]
    blended = region.astype(np.float32) * (1 - opacity) + np.asarray(PANEL, np.float32) * opacity
    region[...] = blended.round().astype(np.uint8)
    y = y0 + pad
    for (text, color, _), (_, h, base, font_scale, thick) in zip(lines, sizes, strict=True):
        y += h
        cv2.putText(image, text, (x0 + pad, y), FONT, font_scale, color, thick, cv2.LINE_AA)
        y += base + gap
    return (x0, y0, x1, y1)


def _panel_metrics(
    lines: Sequence[tuple[str, Color, float]], s: float
) -> tuple[int, int, list[tuple[int, int, int, float, int]]]:
    pad = round(12 * s)
    gap = round(9 * s)
    sizes = []
    for text, _, rel in lines:
        font_scale = 0.62 * s * rel
        thick = max(1, round(1.3 * s * rel))
        (w, h), base = cv2.getTextSize(text, FONT, font_scale, thick)
        sizes.append((w, h, base, font_scale, thick))
    return pad, gap, sizes


def panel_box(
    lines: Sequence[tuple[str, Color, float]],
    corner: str,
    width: int,
    height: int,
    *,
    scale: float,
) -> tuple[int, int, int, int]:
    """Where :func:`draw_text_panel` puts these lines in a ``width`` x ``height`` frame.

    Parameters
    ----------
    lines
        ``(text, rgb colour, relative size)`` per line, as for :func:`draw_text_panel`.
    corner
        ``"top-left"``, ``"top-right"``, ``"bottom-left"`` or ``"bottom-right"``.
    width, height
        The frame's size in pixels.
    scale
        Overlay size factor (see :func:`overlay_scale`).

    Returns
    -------
    tuple of int
        ``(x0, y0, x1, y1)`` in pixels; ``(0, 0, 0, 0)`` for no lines.
    """
    if not lines:
        return (0, 0, 0, 0)
    pad, gap, sizes = _panel_metrics(lines, scale)
    panel_w = max(w for w, *_ in sizes) + 2 * pad
    panel_h = sum(h + base for _, h, base, *_ in sizes) + gap * (len(lines) - 1) + 2 * pad
    margin = round(14 * scale)
    panel_w, panel_h = min(panel_w, width - 2 * margin), min(panel_h, height - 2 * margin)
    x0 = margin if corner.endswith("left") else width - margin - panel_w
    y0 = margin if corner.startswith("top") else height - margin - panel_h
    return x0, y0, x0 + panel_w, y0 + panel_h


#: The corners a text panel can go in, in the order they are preferred.
CORNERS: tuple[str, ...] = ("top-left", "top-right", "bottom-left", "bottom-right")

Box = tuple[float, float, float, float]


def athlete_box(joints: Mapping[str, tuple[float, float]], width: int, height: int) -> Box | None:
    """Where the athlete is in a frame: the box round the joints, widened to hold the body.

    Joints are centres of limbs, so the box is widened on every side by a quarter of the
    shoulder-hip distance (the torso's half-width and the feet), and above the nose by the
    nose-shoulder distance (the head), then kept inside the frame.

    Parameters
    ----------
    joints
        ``{joint: (x, y)}`` in pixels of the frame (e.g. from
        :func:`~guru_form.frames.skeleton.joints_at`).
    width, height
        The frame's size.

    Returns
    -------
    tuple or None
        ``(x0, y0, x1, y1)`` in pixels; None with fewer than two joints.
    """
    points = np.array(
        [p for p in joints.values() if np.isfinite(p[0]) and np.isfinite(p[1])], dtype=float
    )
    if len(points) < 2:
        return None
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)
    torso = (
        float(np.hypot(*np.subtract(joints["shoulder"], joints["hip"])))
        if "shoulder" in joints and "hip" in joints
        else 0.15 * float(max(x1 - x0, y1 - y0))
    )
    pad = 0.25 * torso
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    if "nose" in joints and "shoulder" in joints:
        head = float(np.hypot(*np.subtract(joints["nose"], joints["shoulder"])))
        nx, ny = joints["nose"]
        x0, x1 = min(x0, nx - head), max(x1, nx + head)
        y0 = min(y0, ny - head)
    return (max(0.0, x0), max(0.0, y0), min(float(width), x1), min(float(height), y1))


def _overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)


def clear_corner(
    lines: Sequence[tuple[str, Color, float]],
    avoid: Box | None,
    width: int,
    height: int,
    *,
    scale: float,
    corners: Sequence[str] = CORNERS,
) -> str:
    """The corner whose text panel covers least of ``avoid`` (the athlete), first in ``corners``
    on a tie.

    Parameters
    ----------
    lines
        The panel's lines, as for :func:`draw_text_panel`.
    avoid
        ``(x0, y0, x1, y1)`` to keep clear (:func:`athlete_box`), or None.
    width, height
        The frame's size.
    scale
        Overlay size factor.
    corners
        The corners to choose from, in order of preference.

    Returns
    -------
    str
        A corner name.
    """
    if avoid is None or not lines:
        return corners[0]
    covered = [
        _overlap(tuple(map(float, panel_box(lines, c, width, height, scale=scale))), avoid)  # type: ignore[arg-type]
        for c in corners
    ]
    return corners[int(np.argmin(covered))]


def _analysis_order(name: str) -> tuple[int, str]:
    known = list(ANALYSIS_TYPES)
    return (known.index(name), name) if name in known else (len(known), name)


@dataclass(frozen=True)
class ScalarRow:
    """One analysis scalar ready to print: label, value with unit, colour and missed target."""

    name: str
    label: str
    value: str
    color: Color
    missed: str | None  # "target <= 0" when a threshold failed, "borderline, ..." within its margin


def scalar_rows(
    analyses: Mapping[str, float],
    thresholds: Mapping[str, ThresholdLike] | None = None,
    *,
    include: Sequence[str] | None = None,
    margins: Mapping[str, float] | None = None,
    unsure: Mapping[str, str] | None = None,
) -> list[ScalarRow]:
    """A rep's scalars as printable rows, in :data:`ANALYSIS_TYPES` order (or ``include``'s).

    Labels come from :data:`~guru_form.metrics.ANALYSIS_TYPES` (unknown types keep their
    API name), units from :func:`~guru_form.metrics.unit_of`. With a threshold for a type,
    its value is judged by :meth:`Threshold.judge <guru_form.metrics.Threshold.judge>`: green
    inside the range, red outside (``missed`` says the range), amber within the type's margin
    of a bound (``missed`` says "borderline" and the margin). A value the pose engine is unsure
    of is not judged: grey, ``missed`` "unsure: pose lost".

    Parameters
    ----------
    analyses
        The rep's ``analysisType -> scalar``.
    thresholds
        ``analysisType -> Threshold`` (or ``(low, high)``).
    include
        Only these analysis types, in this order (names the rep lacks are skipped).
    margins
        ``analysisType -> margin`` of the borderline rule, in the type's unit (e.g.
        :func:`guru_form.metrics.margin_of` for the set's activity); none by default.
    unsure
        ``analysisType -> why`` of the values the pose engine is unsure of (``Rep.unsure``).

    Returns
    -------
    list of ScalarRow
        One per shown scalar; a failing value has enough decimals to read as failing (see
        :func:`guru_form.metrics.format_value`).

    Examples
    --------
    >>> (row,) = scalar_rows({"HIP_KNEE_ANGLE_DEGREES": 7.46}, {"HIP_KNEE_ANGLE_DEGREES": (None, 0)})
    >>> row.label, row.value, row.missed
    ('Squat depth (thigh vs horizontal)', '7.5 deg', 'target <= 0')
    >>> (row,) = scalar_rows(
    ...     {"HIP_KNEE_ANGLE_DEGREES": 0.6}, {"HIP_KNEE_ANGLE_DEGREES": (None, 0)},
    ...     margins={"HIP_KNEE_ANGLE_DEGREES": 0.8},
    ... )
    >>> row.missed
    'borderline, <= 0 +/-0.8 deg'
    >>> (row,) = scalar_rows(
    ...     {"HIP_KNEE_ANGLE_DEGREES": 9.0}, {"HIP_KNEE_ANGLE_DEGREES": (None, 0)},
    ...     unsure={"HIP_KNEE_ANGLE_DEGREES": "the knee hidden, visibility 0.21"},
    ... )
    >>> row.missed
    'unsure: pose lost'
    """
    checks = {k: as_threshold(v) for k, v in (thresholds or {}).items()}
    names = list(include) if include is not None else sorted(analyses, key=_analysis_order)
    rows: list[ScalarRow] = []
    for name in names:
        if name not in analyses:
            continue
        value = float(analyses[name])
        known = ANALYSIS_TYPES.get(name)
        color, missed = MUTED, None
        check = checks.get(name)
        if name in (unsure or {}):
            color, missed = UNSURE_GREY, "unsure: pose lost"
        elif check is not None:
            margin = float((margins or {}).get(name, 0.0))
            verdict = check.judge(value, margin)
            if verdict == "pass":
                color = PASS_GREEN
            elif verdict == "fail":
                color, missed = FAIL_RED, f"target {check.describe()}"
            elif verdict == "borderline":
                spread = format_metric(margin, unit_of(name), ascii=True)
                color, missed = (
                    BORDERLINE_AMBER,
                    f"borderline, {check.describe()} +/-{spread}",
                )
        label = known.label if known else name
        text = format_metric(value, unit_of(name), check, ascii=True)
        rows.append(ScalarRow(name, label, text, color, missed))
    return rows


def analysis_lines(
    analyses: Mapping[str, float],
    thresholds: Mapping[str, ThresholdLike] | None = None,
    *,
    include: Sequence[str] | None = None,
    margins: Mapping[str, float] | None = None,
    unsure: Mapping[str, str] | None = None,
) -> list[tuple[str, Color, float]]:
    """Panel lines (``label: value unit``) for :func:`draw_text_panel`; see :func:`scalar_rows`.

    Parameters
    ----------
    analyses, thresholds, include, margins, unsure
        As for :func:`scalar_rows`.

    Returns
    -------
    list of tuple
        ``(text, rgb colour, relative size)`` per scalar, a missed target in brackets.
    """
    lines = []
    for row in scalar_rows(analyses, thresholds, include=include, margins=margins, unsure=unsure):
        text = f"{row.label}: {row.value}" + (f"  ({row.missed})" if row.missed else "")
        lines.append((text, row.color, 0.85))
    return lines


def _card_lines(
    analyses: Mapping[str, float],
    title: str,
    thresholds: Mapping[str, ThresholdLike] | None,
    include: Sequence[str] | None,
    notes: Mapping[str, str] | None = None,
    margins: Mapping[str, float] | None = None,
    unsure: Mapping[str, str] | None = None,
) -> list[tuple[str, Color, float]]:
    rows = scalar_rows(analyses, thresholds, include=include, margins=margins, unsure=unsure)
    lines: list[tuple[str, Color, float]] = [(title, WHITE, 1.35)]
    for row in rows:
        note = (notes or {}).get(row.name)
        lines.append((f"{row.label}, {note}" if note else row.label, MUTED, 0.8))
        value = row.value + (f"  ({row.missed})" if row.missed else "")
        lines.append((value, row.color, 1.05))
    if not rows:
        lines.append(("no analyses", MUTED, 0.9))
    return lines


_CARD_GAP = 0.45 * 14  # gap between lines at text scale 1, in pixels


def _card_block(lines: Sequence[tuple[str, Color, float]]) -> tuple[float, float]:
    """Width and height of the card's text block at text scale 1."""
    widths, heights = [], []
    for text, _, rel in lines:
        (w, h), base = cv2.getTextSize(text, FONT, 0.62 * rel, max(1, round(1.3 * rel)))
        widths.append(w)
        heights.append(h + base)
    return float(max(widths)), sum(heights) + _CARD_GAP * (len(lines) - 1)


def rep_card_scale(
    analyses: Mapping[str, float],
    *,
    title: str,
    width: int,
    height: int,
    thresholds: Mapping[str, ThresholdLike] | None = None,
    include: Sequence[str] | None = None,
    notes: Mapping[str, str] | None = None,
    margins: Mapping[str, float] | None = None,
    unsure: Mapping[str, str] | None = None,
) -> float:
    """The text scale at which :func:`rep_card` fills a ``width`` x ``height`` card.

    Parameters
    ----------
    analyses, title, width, height, thresholds, include, notes, margins, unsure
        As for :func:`rep_card`.

    Returns
    -------
    float
        Text scale (1.0 is :func:`rep_card`'s body size at 720 px); at most 1.6. The smallest
        over several cards, passed back as ``text_scale``, sets them all in one size.
    """
    need_w, need_h = _card_block(
        _card_lines(analyses, title, thresholds, include, notes, margins, unsure)
    )
    return min(0.9 * width / need_w, 0.9 * height / need_h, 1.6)


def rep_card(
    analyses: Mapping[str, float],
    *,
    title: str,
    width: int,
    height: int,
    thresholds: Mapping[str, ThresholdLike] | None = None,
    include: Sequence[str] | None = None,
    text_scale: float | None = None,
    notes: Mapping[str, str] | None = None,
    margins: Mapping[str, float] | None = None,
    unsure: Mapping[str, str] | None = None,
) -> ImageArray:
    """A ``width`` x ``height`` RGB card listing a rep's scalars, text sized to fill it.

    Each scalar takes two lines: its label (with its note, such as where it was measured),
    then its value with unit (green/red against a threshold, with the missed target; amber
    within the borderline margin). Used as the last column of a contact sheet.

    Parameters
    ----------
    analyses
        The rep's ``analysisType -> scalar``.
    title
        The card's heading, e.g. ``"Rep 3"``.
    width, height
        Size of the card in pixels.
    thresholds
        ``analysisType -> Threshold`` (or ``(low, high)``) for green/red values.
    include
        Show only these analysis types, in this order.
    text_scale
        Text size; default :func:`rep_card_scale` of this card (the largest that fits). A
        contact sheet passes the smallest over its cards, so every card reads in one size.
    notes
        ``analysisType -> note`` written after its label (``"at 6.80 s"``, ``"frame shown"``);
        ASCII.
    margins
        ``analysisType -> margin`` of the borderline rule (see :func:`scalar_rows`).
    unsure
        ``analysisType -> why`` of the values the pose engine is unsure of: grey, not judged.

    Returns
    -------
    numpy.ndarray
        The card, RGB ``uint8`` of shape ``(height, width, 3)``.
    """
    card = np.empty((height, width, 3), np.uint8)
    card[...] = CARD
    lines = _card_lines(analyses, title, thresholds, include, notes, margins, unsure)
    # Measure at scale 1, then fit the block into the card.
    need_w, need_h = _card_block(lines)
    fit = min(0.9 * width / need_w, 0.9 * height / need_h, 1.6)
    scale = fit if text_scale is None else min(text_scale, fit)
    x = round(0.05 * width)
    y = (height - need_h * scale) / 2
    for text, color, rel in lines:
        font_scale = 0.62 * rel * scale
        thick = max(1, round(1.3 * rel * scale))
        (_, th), base = cv2.getTextSize(text, FONT, font_scale, thick)
        y += th
        cv2.putText(card, text, (x, round(y)), FONT, font_scale, color, thick, cv2.LINE_AA)
        y += base + _CARD_GAP * scale
    return card


def annotate_frame(
    image: ImageArray,
    *,
    rep: int | None = None,
    phase: Phase | str | None = None,
    time_ms: float | None = None,
    analyses: Mapping[str, float] | None = None,
    thresholds: Mapping[str, ThresholdLike] | None = None,
    activity: Activity | None = None,
    include: Sequence[str] | None = None,
    corner: str = "top-left",
    scale: float | None = None,
    copy: bool = True,
    avoid: Box | None = None,
    margins: Mapping[str, float] | None = None,
    unsure: Mapping[str, str] | None = None,
) -> ImageArray:
    """Draw the rep's caption and scalars on a frame.

    Parameters
    ----------
    image
        RGB ``uint8`` frame.
    rep, phase, time_ms
        Shown as the title (``"Rep 3 | bottom"``) and a clock line (``"t 0:04.27"``).
    analyses
        ``analysisType -> scalar``; each on its own line with label and unit.
    thresholds
        ``analysisType -> Threshold`` (or ``(low, high)``): colour the value green inside the range
        and red outside. Only the types given are coloured.
    activity
        Names the mid phase (``bottom`` or ``lockout``).
    include
        Show only these analysis types, in this order.
    corner
        Where the panel goes; ``"auto"``: the corner where it covers least of ``avoid``.
    scale
        Overlay size factor; default :func:`overlay_scale` of the image (1.0 at 720 px).
    copy
        Draw on a copy (default) rather than on ``image`` itself.
    avoid
        ``(x0, y0, x1, y1)`` of the athlete (:func:`athlete_box`), for ``corner="auto"``.
    margins
        ``analysisType -> margin`` of the borderline rule (see :func:`scalar_rows`): a value
        within it of a threshold's bound is amber and says "borderline".
    unsure
        ``analysisType -> why`` of the values the pose engine is unsure of: grey, not judged.

    Returns
    -------
    numpy.ndarray
        The annotated frame.
    """
    out = image.copy() if copy else image
    lines: list[tuple[str, Color, float]] = []
    title = []
    if rep is not None:
        title.append(f"Rep {rep}")
    if phase is not None:
        title.append(
            phase_label(phase, activity) if phase in ("start", "mid", "end") else str(phase)  # type: ignore[arg-type]
        )
    if title:
        lines.append((" | ".join(title), WHITE, 1.25))
    if time_ms is not None:
        lines.append((f"t {format_clock(time_ms)}", MUTED, 0.95))
    if analyses:
        lines.extend(
            analysis_lines(analyses, thresholds, include=include, margins=margins, unsure=unsure)
        )
    s = overlay_scale(out) if scale is None else scale
    if corner == "auto":
        corner = clear_corner(lines, avoid, out.shape[1], out.shape[0], scale=s)
    draw_text_panel(out, lines, corner=corner, scale=s)
    return out

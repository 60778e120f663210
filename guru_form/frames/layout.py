"""Arrange frames: contact sheets, notebook display, image files.

Every function accepts :class:`~guru_form.frames.extract.RepFrame`,
:class:`~guru_form.video.DecodedFrame` or plain RGB arrays, mixed freely.

Examples
--------
>>> import guru_form as gf
>>> frames = gf.extract_rep_frames("squat.mp4", analysis)  # doctest: +SKIP
>>> sheet = gf.contact_sheet(frames, columns=4)  # doctest: +SKIP
>>> gf.save_frames(frames, "out/frames")  # doctest: +SKIP
>>> ax = gf.show_frames(frames)  # in a notebook  # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import cv2
import numpy as np
import numpy.typing as npt

from guru_form.errors import InvalidInputError
from guru_form.frames._files import atomic_path, encode_image, staged_directory
from guru_form.frames.annotate import (
    PANEL,
    WHITE,
    Color,
    ThresholdLike,
    format_clock,
    overlay_scale,
    rep_card,
    rep_card_scale,
)
from guru_form.frames.extract import (
    MidFrame,
    RepFrame,
    _check_analysis,
    annotate_rep_frame,
    extract_rep_frames,
)
from guru_form.frames.moments import measured_at
from guru_form.frames.phases import Phase, check_phases, phase_label
from guru_form.metrics import format_value, margins_of
from guru_form.models import Analysis
from guru_form.video import DecodedFrame, PastEnd, VideoReader, VideoSource

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "FrameLike",
    "contact_sheet",
    "contact_sheet_for",
    "save_frames",
    "save_image",
    "show_frames",
]

ImageArray = npt.NDArray[np.uint8]

#: Anything the layout functions accept as a frame.
FrameLike = RepFrame | DecodedFrame | npt.NDArray[np.uint8]

BACKGROUND: Color = (22, 24, 30)


def _image_of(frame: FrameLike) -> ImageArray:
    image = frame.image if isinstance(frame, (RepFrame, DecodedFrame)) else frame
    array = np.asarray(image)
    if array.dtype != np.uint8 or array.ndim not in (2, 3):
        raise InvalidInputError(
            f"a frame must be an RGB uint8 image (H x W x 3), got {array.dtype} {array.shape}"
        )
    if array.ndim == 2:
        array = np.repeat(array[..., None], 3, axis=2)
    if array.shape[2] == 4:
        array = array[..., :3]
    return array


def _caption_of(frame: FrameLike, number: int) -> str:
    if isinstance(frame, RepFrame):
        return f"Rep {frame.rep} | {frame.caption} | {_seconds(frame.time_ms)}"
    if isinstance(frame, DecodedFrame):
        return f"frame {frame.index} | {_seconds(frame.time_ms)}"
    return f"#{number + 1}"


def _seconds(time_ms: float) -> str:
    return format_value(time_ms / 1000.0, "s", ascii=True)


@dataclass(frozen=True)
class _Grid:
    columns: int
    rows: int
    cell_w: int
    cell_h: int
    gap: int
    top: int  # height of the title band

    def box(self, i: int) -> tuple[int, int, int, int]:
        r, c = divmod(i, self.columns)
        x0 = self.gap + c * (self.cell_w + self.gap)
        y0 = self.top + self.gap + r * (self.cell_h + self.gap)
        return x0, y0, x0 + self.cell_w, y0 + self.cell_h

    @property
    def size(self) -> tuple[int, int]:
        width = self.gap + self.columns * (self.cell_w + self.gap)
        height = self.top + self.gap + self.rows * (self.cell_h + self.gap)
        return width, height


def _fit(image: ImageArray, width: int, height: int, background: Color) -> ImageArray:
    """Scale ``image`` to fit ``width`` x ``height``, centred on ``background``."""
    h, w = image.shape[:2]
    s = min(width / w, height / h)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(image, (nw, nh), interpolation=interp) if (nw, nh) != (w, h) else image
    cell = np.empty((height, width, 3), np.uint8)
    cell[...] = background
    y, x = (height - nh) // 2, (width - nw) // 2
    cell[y : y + nh, x : x + nw] = resized
    return cell


def _plan(
    images: Sequence[ImageArray], columns: int, cell_width: int | None, gap: int, title: bool
) -> _Grid:
    if columns < 1:
        raise InvalidInputError(f"columns must be at least 1, got {columns}")
    columns = min(columns, len(images))
    widest = max(im.shape[1] for im in images)
    cell_w = int(cell_width) if cell_width is not None else min(widest, 480)
    if cell_w < 16:
        raise InvalidInputError(f"cell_width must be at least 16 pixels, got {cell_width}")
    aspect = max(im.shape[0] / im.shape[1] for im in images)
    cell_h = round(cell_w * aspect)
    rows = math.ceil(len(images) / columns)
    top = round(44 * max(0.75, cell_w * columns / 1600)) if title else 0
    return _Grid(columns, rows, cell_w, cell_h, gap, top)


def contact_sheet(
    frames: Sequence[FrameLike],
    columns: int = 4,
    *,
    cell_width: int | None = None,
    gap: int = 6,
    captions: bool = False,
    title: str | None = None,
    background: Color = BACKGROUND,
) -> ImageArray:
    """Tile frames into one RGB image, row by row.

    Parameters
    ----------
    frames
        RepFrames, DecodedFrames or RGB arrays; sizes may differ (each is scaled to fit its cell,
        keeping its aspect ratio).
    columns
        Frames per row.
    cell_width
        Width of a cell in pixels (default: the widest frame, at most 480).
    gap
        Pixels between cells.
    captions
        Write ``"Rep 2 | mid | 3.20 s"`` (or the frame index) on each cell.
    title
        A heading above the grid.
    background
        RGB colour of gaps and letterboxing.

    Returns
    -------
    numpy.ndarray
        RGB ``uint8`` image.

    Examples
    --------
    >>> import numpy as np
    >>> tiles = [np.full((90, 160, 3), v, np.uint8) for v in (0, 80, 160, 240, 255)]
    >>> contact_sheet(tiles, columns=2, cell_width=160, gap=4).shape
    (286, 332, 3)
    """
    if len(frames) == 0:
        raise InvalidInputError("no frames to lay out; did the analysis have any reps?")
    images = [_image_of(f) for f in frames]
    grid = _plan(images, columns, cell_width, gap, title is not None)
    width, height = grid.size
    sheet = np.empty((height, width, 3), np.uint8)
    sheet[...] = background
    for i, (frame, image) in enumerate(zip(frames, images, strict=True)):
        x0, y0, x1, y1 = grid.box(i)
        cell = _fit(image, grid.cell_w, grid.cell_h, background)
        if captions:
            _caption(cell, _caption_of(frame, i))
        sheet[y0:y1, x0:x1] = cell
    if title is not None:
        _title(sheet, title, grid.top)
    return sheet


def _caption(cell: ImageArray, text: str) -> None:
    s = overlay_scale(cell)
    font_scale = 0.5 * s
    thick = max(1, round(1.2 * s))
    (_, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, font_scale, thick)
    pad = round(6 * s)
    h = th + base + 2 * pad
    band = cell[cell.shape[0] - h :]
    band[...] = (band.astype(np.float32) * 0.35 + np.asarray(PANEL, np.float32) * 0.65).astype(
        np.uint8
    )
    cv2.putText(
        cell,
        text,
        (pad, cell.shape[0] - pad - base),
        cv2.FONT_HERSHEY_DUPLEX,
        font_scale,
        WHITE,
        thick,
        cv2.LINE_AA,
    )


#: Typographic characters a file name often holds, as the ASCII that OpenCV's font can draw.
_ASCII_LOOKALIKES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u00df": "ss",
        "\u00e6": "ae",
        "\u00c6": "AE",
        "\u00f8": "o",
        "\u00d8": "O",
        "\u0153": "oe",
        "\u0152": "OE",
        "\u0142": "l",
        "\u0141": "L",
    }
)


def _drawable(text: str) -> str:
    """``text`` as OpenCV's Hershey font can draw it: ASCII, accents dropped, no control
    characters; a character with no ASCII likeness becomes ``?`` (one, not one per byte).

    Examples
    --------
    >>> _drawable("Übung – Sam’s squat\x07.mp4")
    "Ubung - Sam's squat.mp4"
    """
    text = unicodedata.normalize("NFKD", text.translate(_ASCII_LOOKALIKES))
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Mn" or category[0] == "C":  # accents; control and format characters
            continue
        out.append(ch if ch.isascii() else "?")
    return "".join(out)


#: The title's text is shrunk to this fraction of its band's size at most before it is cut.
_MIN_TITLE_SHRINK = 0.6


def _title(sheet: ImageArray, text: str, band: int) -> None:
    """Write ``text`` in the top ``band`` rows of ``sheet``, shrunk (then cut in its middle, where
    ``...`` stands for what is left out) so that it fits the sheet's width."""
    text = _drawable(text)
    left = round(band * 0.3)
    room = sheet.shape[1] - 2 * left
    font_scale = band / 44.0 * 0.8
    thick = max(1, round(band / 30))
    width = cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, font_scale, thick)[0][0]
    if width > room:
        font_scale *= max(_MIN_TITLE_SHRINK, room / width)
        full, keep = text, len(text)
        while keep > 1 and (
            cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, font_scale, thick)[0][0] > room
        ):
            keep -= 1
            head = (keep * 2) // 3  # the start names the video, the end says which reps
            text = f"{full[:head]}...{full[len(full) - (keep - head) :]}"
    (_, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, font_scale, thick)
    y = (band + th) // 2 + 2
    cv2.putText(
        sheet,
        text,
        (left, y),
        cv2.FONT_HERSHEY_DUPLEX,
        font_scale,
        WHITE,
        thick,
        cv2.LINE_AA,
    )


def show_frames(
    frames: Sequence[FrameLike],
    columns: int = 4,
    *,
    ax: Axes | None = None,
    titles: bool | None = None,
    cell_width: int | None = None,
    title: str | None = None,
) -> Axes:
    """Show frames in a notebook as one grid image on a matplotlib Axes.

    Parameters
    ----------
    frames
        RepFrames, DecodedFrames or RGB arrays.
    columns
        Frames per row.
    ax
        Axes to draw on; a new figure sized to the grid is made when None.
    titles
        Label each cell (rep, phase, time) with matplotlib text. Default: only when the frames are
        not already annotated.
    cell_width, title
        As in :func:`contact_sheet`.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on (``plt.show()`` is left to you; Jupyter shows it by itself).
    """
    import matplotlib.pyplot as plt

    if len(frames) == 0:
        raise InvalidInputError("no frames to show; did the analysis have any reps?")
    images = [_image_of(f) for f in frames]
    grid = _plan(images, columns, cell_width, 6, False)
    sheet = contact_sheet(frames, columns, cell_width=grid.cell_w, gap=grid.gap)
    if ax is None:
        width, height = grid.size
        inches = min(16.0, width / 110)
        _, ax = plt.subplots(figsize=(inches, inches * height / width + (0.4 if title else 0)))
    ax.imshow(sheet, interpolation="antialiased")
    ax.set_axis_off()
    if titles is None:
        titles = not all(isinstance(f, RepFrame) and f.annotated for f in frames)
    if titles:
        for i, frame in enumerate(frames):
            x0, y0, _, _ = grid.box(i)
            ax.text(
                x0 + 4,
                y0 + 4,
                _caption_of(frame, i),
                color="white",
                fontsize=8,
                va="top",
                ha="left",
                bbox={"facecolor": "black", "alpha": 0.6, "pad": 2, "linewidth": 0},
            )
    if title:
        ax.set_title(title)
    return ax


def _file_name(frame: FrameLike, i: int, prefix: str, suffix: str) -> str:
    if isinstance(frame, RepFrame):
        return f"{prefix}rep{frame.rep:02d}_{frame.phase}{suffix}"
    if isinstance(frame, DecodedFrame):
        return f"{prefix}frame{frame.index:06d}{suffix}"
    return f"{prefix}image{i:03d}{suffix}"


def save_image(image: FrameLike, path: str | os.PathLike[str]) -> Path:
    """Write one RGB image (PNG, JPEG or WebP by suffix) atomically.

    The file appears whole or not at all: it is written beside its target and renamed.

    Parameters
    ----------
    image
        A :class:`RepFrame`, :class:`DecodedFrame` or RGB ``uint8`` array (greyscale and RGBA
        are accepted too).
    path
        The file to write; its suffix picks the format (``.png`` when there is none). Missing
        folders are created.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InvalidInputError
        The image is not ``uint8`` with 2 or 3 dimensions.
    """
    target = Path(path)
    data = encode_image(_image_of(image), target.suffix or ".png")
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


def save_frames(
    frames: Sequence[FrameLike],
    directory: str | os.PathLike[str],
    *,
    format: str = "png",
    prefix: str = "",
) -> list[Path]:
    """Write each frame as an image file; all are written or, on failure, none.

    Files are named ``rep03_mid.png`` for RepFrames, ``frame000123.png`` for DecodedFrames and
    ``image004.png`` for arrays, after ``prefix``. Existing files of the same name are replaced.

    Parameters
    ----------
    frames
        :class:`RepFrame`, :class:`DecodedFrame` or RGB ``uint8`` arrays.
    directory
        Where to write; created when missing (and removed again if writing fails).
    format
        ``"png"`` (default), ``"jpg"`` or ``"webp"``.
    prefix
        Put before every file name, e.g. ``"squat_"``.

    Returns
    -------
    list of Path
        The files written, in the order of ``frames``.
    """
    suffix = "." + format.lower().lstrip(".")
    names = [_file_name(f, i, prefix, suffix) for i, f in enumerate(frames)]
    if len(set(names)) != len(names):
        raise InvalidInputError("two frames would get the same file name; pass distinct frames")
    encoded = [encode_image(_image_of(f), suffix) for f in frames]
    with staged_directory(directory) as stage:
        for name, data in zip(names, encoded, strict=True):
            (stage / name).write_bytes(data)
    final = Path(directory)
    return [final / name for name in names]


@dataclass(frozen=True)
class _CardSpec:
    """What a sheet's rep cards show."""

    thresholds: Mapping[str, ThresholdLike] | None
    include: Sequence[str] | None
    notes: Mapping[int, Mapping[str, str]]
    margins: Mapping[str, float] | None = None

    def scale(self, analysis: Analysis, reps: Sequence[int], width: int, height: int) -> float:
        """One text size for every rep's card: the largest at which the wordiest card fits."""
        return min(
            rep_card_scale(
                analysis.reps[number - 1].analyses,
                title=f"Rep {number}",
                width=width,
                height=height,
                thresholds=self.thresholds,
                include=self.include,
                notes=self.notes.get(number),
                margins=self.margins,
                unsure=analysis.reps[number - 1].unsure,
            )
            for number in reps
        )

    def draw(
        self, analysis: Analysis, rep: int, width: int, height: int, scale: float
    ) -> ImageArray:
        return rep_card(
            analysis.reps[rep - 1].analyses,
            title=f"Rep {rep}",
            width=width,
            height=height,
            thresholds=self.thresholds,
            include=self.include,
            text_scale=scale,
            notes=self.notes.get(rep),
            margins=self.margins,
            unsure=analysis.reps[rep - 1].unsure,
        )


def _annotated(
    frame: RepFrame,
    analysis: Analysis,
    wanted: Sequence[Phase],
    cell_width: int,
    legible: float,
    *,
    caption: bool = True,
) -> RepFrame:
    """``frame`` annotated at full size with overlays sized to read at ``cell_width`` pixels
    (``legible`` times the size :func:`overlay_scale` gives such a cell, at least 0.8); without
    its caption panel when ``caption`` is False."""
    height, width = frame.image.shape[:2]
    cell_height = round(cell_width * height / width)
    scale = max(0.8, legible * min(cell_width, cell_height) / 720.0) * (width / cell_width)
    # The key-angle arc only at the turning point: a near-straight joint at rest would cover the
    # athlete with a half circle that says little.
    arc = frame.phase == "mid" or "mid" not in wanted
    return annotate_rep_frame(
        frame, analysis, scalars=False, angle_arc=arc, scale=scale, caption=caption
    )


def _rows_sheet(
    raw: Sequence[RepFrame],
    analysis: Analysis,
    wanted: Sequence[Phase],
    card: _CardSpec | None,
    cell_width: int,
    title: str,
) -> ImageArray:
    cells: list[FrameLike] = []
    card_scale = 1.0
    if card is not None and raw:
        height, width = raw[0].image.shape[:2]
        reps = sorted({f.rep for f in raw})
        card_scale = card.scale(analysis, reps, cell_width, round(cell_width * height / width))
    for i, frame in enumerate(raw):
        cells.append(_annotated(frame, analysis, wanted, cell_width, 1.0))
        if card is not None and i % len(wanted) == len(wanted) - 1:
            height, width = frame.image.shape[:2]
            cell_height = round(cell_width * height / width)
            cells.append(card.draw(analysis, frame.rep, cell_width, cell_height, card_scale))
    columns = len(wanted) + (1 if card is not None else 0)
    return contact_sheet(cells, columns, cell_width=cell_width, title=title)


#: A stacked sheet is shown about this many times smaller than its pixels on a phone (two cells
#: of ``cell_width`` 360 across about 340 CSS pixels); its overlays and cards are drawn this
#: much larger than a row sheet's, so that they read as large.
_STACKED_LEGIBLE = 2.0
#: Height, in pixels at an 800-pixel-wide stacked sheet, of the caption band above each
#: half-width cell (its text about 11 CSS pixels tall at a phone's width).
_STACKED_CAPTION_BAND = 52


def _captioned(cell: ImageArray, text: str, band: int) -> ImageArray:
    """``cell`` with a ``band`` pixels tall strip above it holding ``text``."""
    strip = np.empty((band, cell.shape[1], 3), np.uint8)
    strip[...] = BACKGROUND
    _title(strip, text, band)
    return np.vstack([strip, cell])


def _stacked_sheet(
    raw: Sequence[RepFrame],
    analysis: Analysis,
    wanted: Sequence[Phase],
    card: _CardSpec | None,
    cell_width: int,
    title: str,
) -> ImageArray:
    gap = 6
    width = 2 * cell_width + gap
    blocks: list[ImageArray] = []
    reps = sorted({f.rep for f in raw})
    card_scale = 1.0
    if card is not None:
        # The card spans the sheet; its height follows its text, set as large as the widest
        # card allows (the cap of rep_card_scale), for every rep alike.
        probe = 10 * width
        card_scale = card.scale(analysis, reps, width, probe)
    for rep in reps:
        frames = [f for f in raw if f.rep == rep]
        top = [f for f in frames if f.phase == "mid"] or frames[:1]
        rest = [f for f in frames if f not in top]
        parts = [
            _fit(_annotated(f, analysis, wanted, width, _STACKED_LEGIBLE).image,
                 width, _height_at(f, width), BACKGROUND)
            for f in top
        ]  # fmt: skip
        for pair in (rest[i : i + 2] for i in range(0, len(rest), 2)):
            # Half-width cells are too small to hold a legible caption panel without covering
            # the athlete: their caption goes in a band above the picture.
            images = [
                _captioned(
                    _fit(_annotated(f, analysis, wanted, cell_width, _STACKED_LEGIBLE,
                                    caption=False).image,
                         cell_width, _height_at(f, cell_width), BACKGROUND),
                    f"{phase_label(f.phase, analysis.activity)} | {format_clock(f.time_ms)}",
                    round(_STACKED_CAPTION_BAND * max(0.75, width / 800)),
                )
                for f in pair
            ]  # fmt: skip
            row_h = max(im.shape[0] for im in images)
            row = np.empty((row_h, width, 3), np.uint8)
            row[...] = BACKGROUND
            for k, im in enumerate(images):
                x = k * (cell_width + gap)
                row[: im.shape[0], x : x + im.shape[1]] = im
            parts.append(row)
        if card is not None:
            need = _card_height(analysis, rep, card, width, card_scale)
            parts.append(card.draw(analysis, rep, width, need, card_scale))
        spaced: list[ImageArray] = []
        for part in parts:
            spaced += [part, np.full((gap, width, 3), BACKGROUND, np.uint8)]
        blocks.append(np.vstack(spaced))
    band = round(44 * max(0.75, width / 800) * _STACKED_LEGIBLE / 1.5)
    head = np.empty((band + gap, width, 3), np.uint8)
    head[...] = BACKGROUND
    sheet = np.vstack([head, *blocks])
    _title(sheet, title, band)
    framed = np.empty((sheet.shape[0], width + 2 * gap, 3), np.uint8)
    framed[...] = BACKGROUND
    framed[:, gap : gap + width] = sheet
    return framed


def _height_at(frame: RepFrame, width: int) -> int:
    height, frame_width = frame.image.shape[:2]
    return round(width * height / frame_width)


def _card_height(analysis: Analysis, rep: int, card: _CardSpec, width: int, scale: float) -> int:
    """The height at which rep ``rep``'s card holds its text at ``scale`` (with rep_card's
    margin)."""
    from guru_form.frames.annotate import _card_block, _card_lines

    lines = _card_lines(
        analysis.reps[rep - 1].analyses,
        f"Rep {rep}",
        card.thresholds,
        card.include,
        card.notes.get(rep),
        card.margins,
        analysis.reps[rep - 1].unsure,
    )
    return int(np.ceil(_card_block(lines)[1] * scale / 0.9)) + 2


def _where_measured(analysis: Analysis, rep: int, shown: int | None) -> dict[str, str]:
    """Per analysis type of the rep, where it was measured: ``"frame shown"`` when it was
    measured on the rep's middle cell, else the time of its frame as the cells' panels write it
    (``"at t 0:06.80"``)."""
    notes = {}
    for name in analysis.reps[rep - 1].analyses:
        moment = measured_at(analysis, rep, name)
        if moment is None:
            continue
        here = shown is not None and moment.frame_index == shown
        notes[name] = "frame shown" if here else f"at t {format_clock(moment.time_ms)}"
    return notes


def contact_sheet_for(
    video_path: VideoSource | VideoReader,
    analysis: Analysis | dict[str, Any],
    *,
    phases: Sequence[Phase] | Phase = ("start", "mid", "end"),
    cell_width: int = 400,
    scalars: bool = True,
    thresholds: Mapping[str, ThresholdLike] | None = None,
    include: Sequence[str] | None = None,
    reps: Sequence[int] | None = None,
    title: str | None = None,
    path: str | os.PathLike[str] | None = None,
    past_end: PastEnd = "error",
    video_name: str | None = None,
    mid: MidFrame = "key_metric",
    layout: Literal["rows", "stacked"] = "rows",
    borderline: bool = True,
) -> ImageArray:
    """A contact sheet of an analysed video's reps: one row per rep, one column per phase, and a
    last column listing the rep's scalars (or, ``layout="stacked"``, each rep stacked for a
    phone's narrow screen).

    Each frame cell shows rep, phase and time in the corner where the panel covers least of the
    athlete, and the skeleton when the analysis carries a pose track. The middle cell shows what
    the key metric is judged by: a squat's depth reference (the horizontal through the knee and
    the thigh's angle to it, the rep's depth), or the key angle's arc; by default it is the
    frame where the key metric was measured (``mid``), so the number drawn is the card's. The
    scalar card gives each analysis type's label and the rep's value with its unit, green or
    red against ``thresholds`` (with the target it missed), amber when borderline, and, with a pose track, where each
    value was measured: ``"frame shown"``, or the time of the frame it came from (a rep's
    smallest or largest angle is taken over all its frames).

    Parameters
    ----------
    video_path, analysis
        The video (path, open binary file or open :class:`~guru_form.video.VideoReader`, left
        open) and its analysis.
    phases
        Phases per rep (columns, in this order).
    cell_width
        Width of each cell in pixels.
    scalars
        Add the scalar card column.
    thresholds, include
        As in :func:`~guru_form.frames.extract.extract_rep_frames`.
    reps
        1-based rep numbers (default: all).
    title
        Heading; default ``"<video name> | <activity> | <n> reps"``. Drawn in OpenCV's font:
        accents are dropped, other non-ASCII characters shown as ``?``, and a title wider than
        the sheet is shrunk, then cut in its middle.
    path
        Also write the sheet there (PNG/JPEG by suffix), atomically.
    past_end
        As in :func:`~guru_form.frames.extract.extract_rep_frames`.
    video_name
        The video's name in the default title, as the user knows it (default: the file's
        name). Text only, never opened: for a video kept under another name, such as an
        upload's temporary copy.
    mid
        The middle column's frame: ``"key_metric"`` (default) where the rep's key metric was
        measured, or ``"turning_point"`` (see
        :func:`~guru_form.frames.extract.extract_rep_frames`).
    layout
        ``"rows"`` (default): one row per rep, ``cell_width`` per cell. ``"stacked"``: for a
        narrow screen, each rep one below the other, two cells wide: its middle frame across
        the whole width, the other phases side by side under it, then its card, with text
        sized to read at a phone's width (the sheet is shown at about 340 CSS pixels).
    borderline
        Judge the card's values by the borderline rule, as the flags and the report do: a value
        within its metric's measured repeatability of a target
        (:func:`guru_form.metrics.margin_of` for the analysis's activity) is amber and says
        "borderline" instead of failed or passed. False: green or red by the bounds alone.

    Returns
    -------
    numpy.ndarray
        The sheet, RGB.

    Examples
    --------
    >>> import guru_form as gf
    >>> sheet = gf.contact_sheet_for(
    ...     "sample_videos/squat.mp4", gf.Analysis.load("sample_videos/squat.json"),
    ...     thresholds={"HIP_KNEE_ANGLE_DEGREES": gf.Threshold(high=0)},
    ...     path="out/squat_sheet.png",
    ... )  # doctest: +SKIP

    An uploaded video saved under a temporary name, titled with the name the coach gave it:

    >>> sheet = gf.contact_sheet_for(
    ...     "/tmp/upload-001-3f9c0a1be27d.mp4", analysis, video_name="Sam, week 3.mp4"
    ... )  # doctest: +SKIP
    """
    analysis = _check_analysis(analysis, "contact_sheet_for")
    wanted = check_phases(phases)
    if not analysis.reps:
        raise InvalidInputError("the analysis has no reps, so there is nothing to show")
    if layout not in ("rows", "stacked"):
        raise InvalidInputError(f"layout must be 'rows' or 'stacked', not {layout!r}")
    raw = extract_rep_frames(
        video_path, analysis, phases=wanted, annotate=False, reps=reps, past_end=past_end, mid=mid
    )
    shown = {f.rep: f.frame_index for f in raw if f.phase == "mid"}
    notes = {
        number: _where_measured(analysis, number, shown.get(number))
        for number in sorted({f.rep for f in raw})
    }
    if title is None:
        if video_name is not None:
            name = str(video_name)
        elif isinstance(video_path, (str, os.PathLike)):
            name = Path(video_path).name
        elif isinstance(video_path, VideoReader) and video_path.info.file_name != "<file object>":
            name = video_path.info.file_name
        else:
            name = "video"
        activity = analysis.activity.value if analysis.activity is not None else "activity unknown"
        count = len(analysis.reps)
        title = f"{name} | {activity} | {count} rep{'s' if count != 1 else ''}"
    margins = margins_of(thresholds, analysis.activity) if borderline and thresholds else None
    card = _CardSpec(thresholds, include, notes, margins) if scalars else None
    if layout == "stacked":
        sheet = _stacked_sheet(raw, analysis, wanted, card, cell_width, title)
    else:
        sheet = _rows_sheet(raw, analysis, wanted, card, cell_width, title)
    if path is not None:
        save_image(sheet, path)
    return sheet

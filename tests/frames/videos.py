"""Small test videos made on the fly with PyAV, each frame carrying its index in a strip.

Every frame is drawn in *display* orientation (index strip along the bottom, a red marker in the
top-left corner) and then turned into the stored orientation that the file's display matrix undoes,
so a reader that applies rotation correctly sees the strip at the bottom and the marker top-left.
"""

from __future__ import annotations

import fractions
from collections.abc import Callable, Sequence
from pathlib import Path

import av
import numpy as np

from guru_form.models import Activity, Analysis, Rep, Status
from guru_form.testing.synthetic.frame_code import draw_frame_code

MARKER = (230, 30, 30)  # RGB, top-left corner of the displayed picture


def display_picture(index: int, width: int, height: int) -> np.ndarray:
    """The picture frame ``index`` should show: gradient, moving bar, marker, index strip."""
    x = np.linspace(0, 1, width, dtype=np.float32)
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    img = np.empty((height, width, 3), np.uint8)
    img[..., 0] = (60 + 120 * x + 0 * y).astype(np.uint8)
    img[..., 1] = (40 + 150 * y + 0 * x).astype(np.uint8)
    img[..., 2] = 110
    bar = (index * 7) % max(1, width - 24)
    img[height // 4 : height // 2, bar : bar + 24] = (250, 250, 120)
    img[: height // 10, : width // 8] = MARKER
    draw_frame_code(img, index)
    return img


def write_video(
    path: Path,
    n_frames: int,
    *,
    fps: float = 30.0,
    size: tuple[int, int] = (320, 240),
    times_ms: Sequence[float] | None = None,
    rotation: int = 0,
    hflip: bool = False,
    gop: int | None = None,
    picture: Callable[[int, int, int], np.ndarray] = display_picture,
) -> Path:
    """Write an H.264 MP4 whose frame ``i`` shows ``picture(i, w, h)`` when displayed.

    ``times_ms`` gives each frame's presentation time (variable frame rate); ``rotation`` is the
    counter-clockwise display rotation stored in the display matrix (PyAV's convention).
    """
    width, height = size
    container = av.open(str(path), "w")
    stream = container.add_stream("libx264", rate=fractions.Fraction(fps).limit_denominator(1001))
    turns = (rotation // 90) % 4
    stored_w, stored_h = (height, width) if turns % 2 else (width, height)
    stream.width, stream.height = stored_w, stored_h
    stream.pix_fmt = "yuv420p"
    stream.options = {"preset": "ultrafast", "crf": "18"}
    if gop is not None:
        stream.codec_context.gop_size = gop
    if times_ms is not None:
        stream.codec_context.time_base = fractions.Fraction(1, 1000)
    if rotation or hflip:
        stream.set_display_rotation(rotation, hflip=hflip)
    for i in range(n_frames):
        shown = picture(i, width, height)
        stored = shown[:, ::-1] if hflip else shown
        stored = np.ascontiguousarray(np.rot90(stored, -turns))
        frame = av.VideoFrame.from_ndarray(stored, format="rgb24")
        if times_ms is not None:
            frame.pts = round(times_ms[i])
            frame.time_base = fractions.Fraction(1, 1000)
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return path


def irregular_times(n_frames: int, seed: int = 7) -> list[float]:
    """Strictly increasing, irregular frame times in whole ms (15..70 ms apart)."""
    rng = np.random.default_rng(seed)
    steps = rng.integers(15, 71, n_frames - 1)
    return [0.0, *np.cumsum(steps).astype(float).tolist()]


def frame_times(path: Path) -> np.ndarray:
    """Presentation times (ms from the first frame) of every frame, by full sequential decode."""
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        pts = sorted(f.pts for f in c.decode(s))
        return (np.asarray(pts, float) - pts[0]) * float(s.time_base) * 1000


def analysis_for(
    times: Sequence[float],
    reps: Sequence[tuple[int, int, int]],
    *,
    activity: Activity | None = Activity.SQUAT,
    analyses: dict[str, float] | None = None,
) -> Analysis:
    """An analysis whose reps start/turn/end on the given frame indices (times rounded to ms)."""
    values = analyses or {"HIP_KNEE_ANGLE_DEGREES": -4.0, "KNEE_ANGLE_DEGREES": 71.5}
    return Analysis(
        video_id="test",
        status=Status.COMPLETE,
        domain=None if activity is None else activity.domain,
        activity=activity,
        reps=[
            Rep(round(times[s]), round(times[m]), round(times[e]), dict(values)) for s, m, e in reps
        ],
    )

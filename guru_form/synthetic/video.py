"""Synthetic workout videos with exact ground truth, written as H.264 MP4 with PyAV.

:func:`synthesize` plans and draws a set in memory; :func:`render_video` writes it to an MP4
that plays in browsers (H.264, yuv420p, ``+faststart``) at a constant frame rate. Two helpers
write the awkward files that real phones make, for the tests of the parts that read videos:

- :func:`render_vfr_video` — a variable frame rate (uneven presentation times);
- :func:`render_rotated_video` — frames stored turned, with a display matrix (the ``rotate``
  tag) telling players how to turn them upright. The frame-index strip reads correctly once a
  frame is turned to its display orientation.

Examples
--------
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     video = render_video(pathlib.Path(tmp) / "squat.mp4", "squat", size=(160, 120), reps=1)
...     video.n_frames, len(video.analysis().reps)
(130, 1)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from guru_form._deprecation import moved_names
from guru_form.errors import InvalidInputError
from guru_form.models import Activity, Analysis
from guru_form.synthetic.body import Body
from guru_form.synthetic.draw import STYLES, FrameDrawer, Look
from guru_form.synthetic.motion import Motion, RepSpec, simulate
from guru_form.synthetic.movements import movement, movements
from guru_form.synthetic.scene import Projected, fit_camera, project_motion
from guru_form.synthetic.truth import ground_truth, truth_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SyntheticVideo",
    "render_rotated_video",
    "render_vfr_video",
    "render_video",
    "synthesize",
    "write_mp4",
]


def _default_yaw() -> dict[Activity, float]:
    return {a: m.yaw_deg for a, m in movements().items()}


__getattr__ = moved_names(
    __name__,
    {
        "DEFAULT_YAW": (
            "guru_form.synthetic.movements.movement(activity).yaw_deg",
            _default_yaw,
        )
    },
)

Progress = Callable[[int, int], None]


@dataclass
class SyntheticVideo:
    """A synthetic set: its motion, its frames and its ground truth; and its file once written.

    Attributes
    ----------
    motion
        The athlete's motion and the rep plan.
    projected
        Every true landmark in image pixels (display orientation).
    drawer
        Draws any frame on demand.
    path
        The MP4 file, once written.
    rotation
        Clockwise degrees a player turns the stored frames for display (0 unless written by
        :func:`render_rotated_video`).
    """

    motion: Motion
    projected: Projected
    drawer: FrameDrawer
    path: Path | None = None
    rotation: int = 0

    @property
    def activity(self) -> Activity:
        """The movement."""
        return self.motion.activity

    @property
    def n_frames(self) -> int:
        """Number of frames."""
        return self.motion.n_frames

    @property
    def frame_times_s(self) -> npt.NDArray[np.float64]:
        """Presentation time of every frame, seconds."""
        return self.motion.times_s

    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)`` in display orientation."""
        return self.drawer.width, self.drawer.height

    @property
    def rep_frames(self) -> list[tuple[int, int, int]]:
        """``(start, mid, end)`` frame of every rep."""
        return self.motion.rep_frames

    def frame(self, index: int) -> npt.NDArray[np.uint8]:
        """Frame ``index`` as an RGB ``H x W x 3`` uint8 image (display orientation)."""
        if not 0 <= index < self.n_frames:
            raise IndexError(f"frame {index} out of range [0, {self.n_frames})")
        return self.drawer.draw(index)

    def frames(self) -> Iterator[npt.NDArray[np.uint8]]:
        """Every frame in order (see :meth:`frame`)."""
        for i in range(self.n_frames):
            yield self.drawer.draw(i)

    def analysis(self, *, athlete_height_cm: float | None = None) -> Analysis:
        """The ground-truth analysis (see :func:`guru_form.synthetic.truth.ground_truth`)."""
        return ground_truth(self.motion, self.projected, athlete_height_cm=athlete_height_cm)

    def truth(self) -> pd.DataFrame:
        """The per-frame truth table (see :func:`guru_form.synthetic.truth.truth_table`)."""
        return truth_table(self.motion, self.projected)

    def save_ground_truth(self, base: str | os.PathLike[str] | None = None) -> tuple[Path, Path]:
        """Write ``<base>.json`` (the analysis) and ``<base>.truth.csv`` (the truth table).

        ``base`` defaults to the video's path without its suffix.

        Returns
        -------
        tuple of Path
            The JSON file and the CSV file.
        """
        if base is None:
            if self.path is None:
                raise InvalidInputError(
                    "this video has no file yet; pass base= to name the outputs"
                )
            base = self.path.with_suffix("")
        stem = Path(base)
        json_path = self.analysis().save(stem.with_name(stem.name + ".json"))
        csv_path = stem.with_name(stem.name + ".truth.csv")
        self.truth().to_csv(csv_path, index=False, float_format="%.3f")
        return json_path, csv_path


def synthesize(
    activity: Activity | str,
    *,
    size: tuple[int, int] = (640, 480),
    fps: float = 30.0,
    reps: int | None = None,
    duration_s: float | None = None,
    frame_times_s: npt.ArrayLike | None = None,
    seed: int = 0,
    fatigue: bool = True,
    plan: list[RepSpec] | None = None,
    facing: str = "right",
    yaw_deg: float | None = None,
    style: str = "shaded",
    body: Body | None = None,
) -> SyntheticVideo:
    """Plan a set and prepare its frames, in memory.

    Parameters
    ----------
    activity
        ``"squat"``, ``"deadlift"``, ``"bench_press"`` or ``"push_up"``.
    size
        ``(width, height)`` in pixels, both even.
    fps
        Frame rate.
    reps, duration_s
        How many reps and/or how long (see :func:`guru_form.synthetic.motion.simulate`; neither
        given: 5 reps).
    frame_times_s
        Explicit frame times, for variable frame rates.
    seed
        Seeds the rep variation, the athlete's colours and the room; the same seed gives the same
        video.
    fatigue
        Slower, shallower reps in the second half of each set.
    plan
        An explicit rep plan instead of a seeded one.
    facing
        ``"right"`` or ``"left"``: which way the athlete faces (the near side is then the
        athlete's right or left).
    yaw_deg
        Camera yaw from a pure side view (default: the activity's movement's ``yaw_deg``).
    style
        ``"shaded"`` (detected by pose models) or ``"simple"`` (fast, for long benchmark
        videos).
    body
        The athlete's proportions.

    Raises
    ------
    InvalidInputError
        For an unknown activity, an odd or tiny size, a bad style or facing, or reps that do not
        fit the duration.
    """
    width, height = _check_size(size)
    if style not in STYLES:
        raise InvalidInputError(f"style must be one of {', '.join(STYLES)}; got {style!r}")
    if facing not in ("right", "left"):
        raise InvalidInputError(f"facing must be 'right' or 'left'; got {facing!r}")
    motion = simulate(
        activity,
        fps=fps,
        reps=reps,
        duration_s=duration_s,
        frame_times_s=frame_times_s,
        seed=seed,
        fatigue=fatigue,
        plan=plan,
        body=body,
    )
    # By default the camera stands a little behind the athlete: the far limbs stay tucked behind
    # the near ones (MediaPipe then follows the near side more faithfully: measured angle errors
    # about half those at +10°). Each movement sets its own (the deadlift's puts the near plate
    # in front of the legs rather than over them).
    yaw = movement(motion.activity).yaw_deg if yaw_deg is None else float(yaw_deg)
    camera = fit_camera(motion, width, height, yaw_deg=yaw, facing=facing)
    projected = project_motion(motion, camera)
    drawer = FrameDrawer(projected, motion.activity, Look.from_seed(seed), style=style, seed=seed)
    return SyntheticVideo(motion, projected, drawer)


def render_video(
    path: str | os.PathLike[str],
    activity: Activity | str,
    *,
    size: tuple[int, int] = (640, 480),
    fps: float = 30.0,
    reps: int | None = None,
    duration_s: float | None = None,
    seed: int = 0,
    fatigue: bool = True,
    plan: list[RepSpec] | None = None,
    facing: str = "right",
    yaw_deg: float | None = None,
    style: str = "shaded",
    crf: int = 23,
    preset: str | None = None,
    write_truth: bool = False,
    progress: bool | Progress | None = None,
) -> SyntheticVideo:
    """Render a synthetic set to an H.264 MP4 at a constant frame rate.

    Parameters
    ----------
    path
        The MP4 file to write (its folder is created).
    activity, size, fps, reps, duration_s, seed, fatigue, plan, facing, yaw_deg, style
        See :func:`synthesize`.
    crf, preset
        libx264 quality (lower is better, 18-28 sensible) and speed preset (default
        ``"ultrafast"`` for the simple style, ``"veryfast"`` otherwise).
    write_truth
        Also write ``<stem>.json`` and ``<stem>.truth.csv`` beside the video.
    progress
        True for a tqdm bar, or a callable ``(done, total)``.

    Returns
    -------
    SyntheticVideo
        The video, with its ``path``.

    Examples
    --------
    A five-minute 720p benchmark video in the fast style (about 40 s on one core)::

        render_video("long.mp4", "squat", size=(1280, 720), duration_s=300, style="simple")
    """
    video = synthesize(
        activity,
        size=size,
        fps=fps,
        reps=reps,
        duration_s=duration_s,
        seed=seed,
        fatigue=fatigue,
        plan=plan,
        facing=facing,
        yaw_deg=yaw_deg,
        style=style,
    )
    if preset is None:
        preset = "ultrafast" if style == "simple" else "veryfast"
    write_mp4(video, path, crf=crf, preset=preset, progress=progress)
    if write_truth:
        video.save_ground_truth()
    return video


def render_vfr_video(
    path: str | os.PathLike[str],
    activity: Activity | str = "squat",
    *,
    frame_times_s: npt.ArrayLike | None = None,
    size: tuple[int, int] = (320, 240),
    reps: int = 2,
    seed: int = 0,
    style: str = "shaded",
    crf: int = 23,
) -> SyntheticVideo:
    """Render a synthetic set with a variable frame rate: uneven gaps between frames.

    Parameters
    ----------
    path
        The MP4 file to write.
    activity, size, reps, seed, style, crf
        See :func:`render_video`.
    frame_times_s
        The presentation time of every frame, strictly increasing, in whole milliseconds
        (written exactly, in a 1/1000 s time base). Default: seeded gaps of 25 to 66 ms
        (15 to 40 frames/s, about 24 on average), long enough for ``reps`` reps.

    Returns
    -------
    SyntheticVideo
        Its ``frame_times_s`` are the times written; the ground truth uses them.
    """
    if frame_times_s is None:
        rng = np.random.default_rng([seed, 3])
        gaps = rng.choice(np.array([25, 33, 34, 40, 50, 66]), size=100_000)
        times_ms = np.concatenate([[0], np.cumsum(gaps)])
        plan_s = simulate(activity, reps=reps, seed=seed, fps=30.0).times_s[-1]
        times = times_ms[: int(np.searchsorted(times_ms, plan_s * 1000.0)) + 2] / 1000.0
    else:
        times = np.asarray(frame_times_s, dtype=np.float64)
        if not np.allclose(times * 1000.0, np.round(times * 1000.0), atol=1e-6):
            raise InvalidInputError("frame_times_s must be whole milliseconds")
    video = synthesize(activity, size=size, reps=reps, frame_times_s=times, seed=seed, style=style)
    write_mp4(video, path, crf=crf, time_base=Fraction(1, 1000))
    return video


def render_rotated_video(
    path: str | os.PathLike[str],
    activity: Activity | str = "squat",
    *,
    rotation: int = 90,
    size: tuple[int, int] = (240, 320),
    reps: int = 2,
    seed: int = 0,
    fps: float = 30.0,
    style: str = "shaded",
    crf: int = 23,
) -> SyntheticVideo:
    """Render a synthetic set the way phones store portrait video: turned, with a rotate tag.

    Parameters
    ----------
    path
        The MP4 file to write.
    rotation
        Clockwise degrees a player turns each stored frame to show it upright: 90, 180 or 270
        (the classic ``rotate`` tag; FFmpeg reports the display matrix as ``-rotation``
        counter-clockwise, and PyAV's ``VideoFrame.rotation`` reads it back that way).
    size
        ``(width, height)`` in display orientation; for 90 and 270 the stored frames are
        ``(height, width)``.
    activity, reps, seed, fps, style, crf
        See :func:`render_video`.

    Returns
    -------
    SyntheticVideo
        ``frame(i)`` and the ground truth are in display orientation; ``rotation`` is set.
    """
    if rotation not in (90, 180, 270):
        raise InvalidInputError(f"rotation must be 90, 180 or 270; got {rotation}")
    video = synthesize(activity, size=size, fps=fps, reps=reps, seed=seed, style=style)
    video.rotation = rotation
    write_mp4(video, path, crf=crf)
    return video


def write_mp4(
    video: SyntheticVideo,
    path: str | os.PathLike[str],
    *,
    crf: int = 23,
    preset: str = "veryfast",
    gop_s: float = 2.0,
    time_base: Fraction | None = None,
    progress: bool | Progress | None = None,
) -> Path:
    """Encode ``video``'s frames to ``path`` (H.264, yuv420p, faststart) and set ``video.path``.

    Frames are written at their ``frame_times_s``; with ``time_base`` given the times are
    written in that unit (variable frame rate), else at the constant rate they came from.
    ``video.rotation`` turns the stored frames and sets the display matrix.
    """
    import av

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    times = video.frame_times_s
    nominal = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 30.0
    rate = Fraction(nominal).limit_denominator(1001)
    width, height = video.size
    turns = video.rotation // 90
    if turns % 2:
        width, height = height, width
    bar = _progress_bar(progress, video.n_frames)
    tmp = target.with_name(target.name + ".tmp")
    with av.open(str(tmp), mode="w", format="mp4", options={"movflags": "+faststart"}) as out:
        stream: Any = out.add_stream("libx264", rate=rate)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": preset}
        stream.codec_context.gop_size = max(1, round(gop_s * nominal))
        if time_base is not None:
            stream.codec_context.time_base = time_base
        if video.rotation:
            stream.set_display_rotation(-video.rotation)
        for i, image in enumerate(video.frames()):
            stored = np.ascontiguousarray(np.rot90(image, turns)) if turns else image
            frame = av.VideoFrame.from_ndarray(stored, format="rgb24")
            if time_base is not None:
                frame.pts = round(float(times[i]) / time_base)
                frame.time_base = time_base
            else:
                frame.pts = i
                frame.time_base = 1 / rate
            for packet in stream.encode(frame):
                out.mux(packet)
            bar(i + 1)
        for packet in stream.encode():
            out.mux(packet)
    tmp.replace(target)
    bar(-1)
    video.path = target
    return target


def _check_size(size: tuple[int, int]) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in size)
    except (TypeError, ValueError):
        raise InvalidInputError(f"size must be (width, height); got {size!r}") from None
    if width < 64 or height < 64 or width % 2 or height % 2:
        raise InvalidInputError(
            f"size must be even and at least 64x64 (H.264 in yuv420p needs even sides); got {size}"
        )
    return width, height


def _progress_bar(progress: bool | Progress | None, total: int) -> Callable[[int], None]:
    """A ``done -> None`` callback; ``-1`` closes it."""
    if callable(progress):
        callback = progress

        def call(done: int) -> None:
            if done >= 0:
                callback(done, total)

        return call
    if not progress:
        return lambda done: None
    from tqdm.auto import tqdm

    bar = tqdm(total=total, unit="frame", desc="rendering")

    def update(done: int) -> None:
        if done < 0:
            bar.close()
        else:
            bar.update(done - bar.n)

    return update

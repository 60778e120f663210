"""Pose and frames read a video the same way: rep timestamps and drawn skeletons agree.

The pose engine finds the reps and measures the joints on the frames it decodes; ``frames``
decodes the frame shown at each rep's timestamp and draws the pose track's joints on it. Both go
through ``guru_form.video.VideoReader``, so on a mirrored video, a video rotated by its display
matrix, and videos whose first timestamp is not zero, the joints land on the figure, on the frame
the rep's timestamp names.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from guru_form.frames import annotate_rep_frame, extract_rep_frames, joints_at
from guru_form.pose import analyze_video
from guru_form.synthetic.frame_code import read_frame_code
from guru_form.video import VideoReader
from tests.frames.videos import write_video
from tests.video.disk_figure import (
    FPS,
    HEIGHT,
    WIDTH,
    DiskFigureEstimator,
    Rendering,
    find_disks,
    picture,
    rendering,
)

FRAME_MS = 1000.0 / FPS
#: The pose track's joints are filtered (zero-phase, 6 Hz); on a rep's turning points and in the
#: still start and end positions they stay within this of the measured disks.
JOINT_TOLERANCE_PX = 3.0


def _cut_mid_gop(source: Path, target: Path, first_packet: int) -> Path:
    """Copy ``source``'s packets from ``first_packet`` on (not a keyframe): a stream cut short
    at its head, whose first frames cannot be decoded and whose first timestamp is not zero."""
    with av.open(str(source)) as src, av.open(str(target), "w") as out:
        stream_in = src.streams.video[0]
        stream_out = out.add_stream_from_template(stream_in)
        packets = [p for p in src.demux(stream_in) if p.size]
        assert not packets[first_packet].is_keyframe
        for packet in packets[first_packet:]:
            packet.stream = stream_out
            out.mux(packet)
    return target


@pytest.fixture(scope="module")
def figure() -> Rendering:
    return rendering(n_reps=2)


@pytest.fixture(scope="module")
def cases(
    figure: Rendering, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Path, int]]:
    """name -> (video, the rendered frame shown first)."""
    root = tmp_path_factory.mktemp("agreement")
    draw = picture(figure)
    n = len(figure)
    size = (WIDTH, HEIGHT)
    upright = write_video(root / "upright.mp4", n, size=size, gop=30, picture=draw)
    return {
        "upright": (upright, 0),
        "mirrored": (write_video(root / "mirror.mp4", n, size=size, hflip=True, picture=draw), 0),
        "rotated": (write_video(root / "rot90.mp4", n, size=size, rotation=90, picture=draw), 0),
        "rotated_mirrored": (
            write_video(root / "rot270f.mp4", n, size=size, rotation=270, hflip=True, picture=draw),
            0,
        ),
        "starts_late": (
            write_video(
                root / "late.mp4",
                n,
                size=size,
                times_ms=[1500.0 + i * FRAME_MS for i in range(n)],
                picture=draw,
            ),
            0,
        ),
        # Packets 10-29 need the keyframe at 0: the video starts at the keyframe at 30.
        "cut_mid_gop": (_cut_mid_gop(upright, root / "cut.mp4", first_packet=10), 30),
    }


def _first_pts_is_not_zero(path: Path) -> bool:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        first = min(p.pts for p in container.demux(stream) if p.size)
        return float(first * stream.time_base) > 0.3


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["upright", "mirrored", "rotated", "rotated_mirrored", "starts_late", "cut_mid_gop"]
)
def test_rep_timestamps_and_drawn_skeletons_agree(
    figure: Rendering, cases: dict[str, tuple[Path, int]], name: str
) -> None:
    path, shown_first = cases[name]
    if name in ("starts_late", "cut_mid_gop"):
        assert _first_pts_is_not_zero(path)
    with VideoReader(path) as reader:
        assert (reader.info.width, reader.info.height) == (WIDTH, HEIGHT)
        assert reader.info.frame_count == len(figure) - shown_first

    analysis = analyze_video(path, "squat", estimator=DiskFigureEstimator)

    # Rep timestamps: the figure's turning points, in the video's own time (from its first frame).
    assert len(analysis.reps) == len(figure.reps)
    for rep, (_, bottom, _) in zip(analysis.reps, figure.reps, strict=True):
        assert rep.mid_ms == pytest.approx((bottom - shown_first) * FRAME_MS, abs=1.5 * FRAME_MS)

    track = analysis.pose_track
    assert track is not None
    frames = extract_rep_frames(path, analysis, phases=("start", "mid", "end"), annotate=False)
    assert len(frames) == 3 * len(figure.reps)
    for rep_frame in frames:
        # The frame frames decodes for the timestamp is the rendered frame pose measured there.
        rendered = read_frame_code(rep_frame.image)
        assert rendered == rep_frame.frame_index + shown_first
        assert abs(rep_frame.frame_time_ms - rep_frame.time_ms) <= FRAME_MS / 2 + 0.5

        # The pose track's joints for this frame land on the figure's disks in this picture.
        drawn = joints_at(track, frame_index=rep_frame.frame_index)
        seen = find_disks(rep_frame.image)
        assert len(drawn) == 9 and set(drawn) <= set(seen)
        for joint, (x, y) in drawn.items():
            sx, sy = seen[joint]
            assert np.hypot(x - sx, y - sy) <= JOINT_TOLERANCE_PX, (name, rep_frame, joint)
            tx, ty = figure.joints[joint][rendered]
            assert np.hypot(x - tx, y - ty) <= JOINT_TOLERANCE_PX, (name, rep_frame, joint)

        # And the skeleton annotate_rep_frame draws covers them.
        annotated = annotate_rep_frame(rep_frame, analysis, scalars=False).image
        for joint, (x, y) in drawn.items():
            cx, cy = round(x), round(y)
            changed = np.abs(
                annotated[cy, cx].astype(int) - rep_frame.image[cy, cx].astype(int)
            ).sum()
            assert changed > 60, (name, rep_frame.rep, rep_frame.phase, joint)


def test_the_cut_video_really_starts_with_frames_that_cannot_be_decoded(
    cases: dict[str, tuple[Path, int]],
) -> None:
    path, _ = cases["cut_mid_gop"]
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        packets = [p for p in container.demux(stream) if p.size]
        first_key = next(i for i, p in enumerate(packets) if p.is_keyframe)
    assert first_key == 20
    with VideoReader(path) as reader:
        # Frame 0 is the first frame a player can show: the rendered frame 30, at 0 ms.
        (first,) = reader.read_frames([0])
        assert read_frame_code(first.image) == 30 and first.time_ms == 0.0
        assert reader.frame_times_ms[1] == pytest.approx(FRAME_MS, abs=0.05)

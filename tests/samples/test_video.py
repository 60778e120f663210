"""Written videos: H.264 that browsers play, a strip every frame, VFR and rotation as claimed."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from guru_form.errors import InvalidInputError
from guru_form.testing.synthetic import (
    SyntheticVideo,
    read_frame_code,
    render_rotated_video,
    render_vfr_video,
    render_video,
    synthesize,
)
from guru_form.testing.synthetic.frame_code import strip_height


def decode(path: Path) -> list[av.VideoFrame]:
    with av.open(str(path)) as container:
        return list(container.decode(video=0))


def test_h264_yuv420p_constant_rate_faststart(small_squat: SyntheticVideo) -> None:
    assert small_squat.path is not None
    with av.open(str(small_squat.path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert (stream.width, stream.height) == (320, 240)
        assert stream.average_rate == 30
        frames = list(container.decode(stream))
    assert len(frames) == small_squat.n_frames
    times = np.array([f.time for f in frames])
    assert np.allclose(np.diff(times), 1 / 30, atol=1e-4)
    head = small_squat.path.read_bytes()[:200_000]
    assert head.index(b"moov") < head.index(b"mdat")  # playable while downloading


def test_every_frame_strip_decodes_to_its_index_after_h264(small_squat: SyntheticVideo) -> None:
    assert small_squat.path is not None
    indices = [read_frame_code(f.to_ndarray(format="rgb24")) for f in decode(small_squat.path)]
    assert indices == list(range(small_squat.n_frames))


def test_frame_index_is_written_in_the_top_left_corner() -> None:
    video = synthesize("squat", size=(320, 240), reps=1)
    img = video.frame(7).astype(int)
    box = img[:10, :40]
    assert (box > 240).all(axis=2).mean() > 0.5  # a white label box
    assert (img[:14, :60] < 60).all(axis=2).any()  # with dark text in it
    assert not np.array_equal(video.frame(7)[:14, :60], video.frame(8)[:14, :60])


def test_figure_and_floor_keep_clear_of_the_strip_and_label() -> None:
    for activity in ("squat", "deadlift", "bench_press", "push_up"):
        video = synthesize(activity, size=(320, 240), reps=2, seed=3)
        h = 240
        lowest = max(float(p[:, 1].max()) for p in video.projected.points.values())
        highest = min(float(p[:, 1].min()) for p in video.projected.points.values())
        assert lowest < h - strip_height(h) - 8
        assert highest > 20
        xs = np.concatenate([p[:, 0] for p in video.projected.points.values()])
        assert xs.min() > 0 and xs.max() < 320


def test_frames_repeat_exactly_for_a_seed() -> None:
    a = synthesize("push_up", size=(160, 120), reps=1, seed=9)
    b = synthesize("push_up", size=(160, 120), reps=1, seed=9)
    assert all(np.array_equal(a.frame(i), b.frame(i)) for i in (0, 20, 40))
    c = synthesize("push_up", size=(160, 120), reps=1, seed=10)
    assert not np.array_equal(a.frame(0), c.frame(0))


def test_simple_style_draws_the_same_motion(tmp_path: Path) -> None:
    video = render_video(tmp_path / "s.mp4", "deadlift", size=(320, 240), reps=1, style="simple")
    shaded = synthesize("deadlift", size=(320, 240), reps=1)
    assert video.rep_frames == shaded.rep_frames
    assert not np.array_equal(video.frame(30), shaded.frame(30))
    assert video.path is not None
    frames = decode(video.path)
    assert [read_frame_code(f.to_ndarray(format="rgb24")) for f in frames] == list(
        range(video.n_frames)
    )


def test_progress_callback_sees_every_frame(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    video = render_video(
        tmp_path / "p.mp4",
        "squat",
        size=(160, 120),
        reps=1,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen[-1] == (video.n_frames, video.n_frames) and len(seen) == video.n_frames


def test_vfr_file_has_uneven_presentation_times(tmp_path: Path) -> None:
    video = render_vfr_video(tmp_path / "vfr.mp4", "push_up", reps=2, seed=4)
    assert video.path is not None
    frames = decode(video.path)
    times = np.array([f.time for f in frames])
    assert len(frames) == video.n_frames
    assert np.allclose(times, video.frame_times_s, atol=5e-4)
    gaps = np.round(np.diff(times) * 1000).astype(int)
    assert len(set(gaps.tolist())) >= 4 and gaps.min() >= 25 and gaps.max() <= 66
    assert [read_frame_code(f.to_ndarray(format="rgb24")) for f in frames] == list(
        range(video.n_frames)
    )
    # the ground truth uses the real times
    truth = video.truth()
    assert np.array_equal(truth.time_ms.to_numpy(), np.round(times * 1000).astype(int))
    for rep, (start, mid, end) in zip(video.analysis().reps, video.rep_frames, strict=True):
        assert (rep.start_ms, rep.mid_ms, rep.end_ms) == tuple(
            int(truth.time_ms[i]) for i in (start, mid, end)
        )


def test_vfr_with_given_times(tmp_path: Path) -> None:
    times = np.cumsum(np.r_[0, np.tile([20, 50, 40], 60)]) / 1000
    video = render_vfr_video(tmp_path / "v.mp4", "squat", frame_times_s=times, reps=1)
    assert video.path is not None
    assert np.allclose([f.time for f in decode(video.path)], times, atol=5e-4)
    with pytest.raises(InvalidInputError, match="whole milliseconds"):
        render_vfr_video(tmp_path / "w.mp4", frame_times_s=times + 0.0004)


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_file_carries_a_display_matrix_and_reads_upright(
    tmp_path: Path, rotation: int
) -> None:
    video = render_rotated_video(tmp_path / f"r{rotation}.mp4", rotation=rotation, reps=1)
    assert video.path is not None and video.rotation == rotation
    with av.open(str(video.path)) as container:
        stream = container.streams.video[0]
        stored = (stream.width, stream.height)
        frames = list(container.decode(stream))
    assert stored == ((320, 240) if rotation % 180 else (240, 320))
    for i, frame in enumerate(frames):
        # PyAV reports the counter-clockwise turn that shows the frame upright
        assert frame.rotation % 360 == -rotation % 360
        upright = np.rot90(frame.to_ndarray(format="rgb24"), frame.rotation // 90)
        assert upright.shape[:2] == (320, 240)
        assert read_frame_code(upright) == i
    # OpenCV sees the same orientation tag (clockwise degrees, as ffprobe's "rotate")
    capture = cv2.VideoCapture(str(video.path))
    assert capture.get(cv2.CAP_PROP_ORIENTATION_META) == rotation
    capture.release()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"size": (321, 240)}, "even"),
        ({"size": (32, 32)}, "at least 64"),
        ({"style": "cartoon"}, "style"),
        ({"facing": "up"}, "facing"),
    ],
)
def test_bad_render_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        synthesize("squat", **kwargs)


def test_bad_rotation(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="90, 180 or 270"):
        render_rotated_video(tmp_path / "x.mp4", rotation=45)

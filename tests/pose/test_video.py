"""Decoding for pose estimation: orientation, times, stride, and files that are not videos."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guru_form.errors import InvalidVideoError
from guru_form.pose.video import iter_frames, probe_video
from tests.pose.conftest import write_video


def _marked_frames(n: int = 6, h: int = 32, w: int = 64) -> list[np.ndarray]:
    frames = []
    for _ in range(n):
        img = np.zeros((h, w, 3), np.uint8)
        img[:8, :8] = 255  # a white block in the top-left corner of the stored frame
        frames.append(img)
    return frames


def test_frames_come_out_display_oriented(tmp_path: Path) -> None:
    path = write_video(tmp_path / "rot.mp4", _marked_frames(), rotation=90)
    info = probe_video(path)
    assert (info.width, info.height, info.rotation) == (32, 64, 90)
    frame = next(iter_frames(path))
    assert frame.image.shape == (64, 32, 3)
    ys, xs = np.nonzero(frame.image[..., 0] > 200)
    # 90 degrees counter-clockwise: the stored top-left corner is shown bottom-left.
    assert ys.mean() > 48 and xs.mean() < 16


def test_stride_and_times(tmp_path: Path) -> None:
    path = write_video(tmp_path / "v.mp4", _marked_frames(10), fps=25)
    frames = list(iter_frames(path, stride=3))
    assert [f.index for f in frames] == [0, 3, 6, 9]
    assert [round(f.time_ms) for f in frames] == [0, 120, 240, 360]
    info = probe_video(path)
    assert info.fps == pytest.approx(25) and info.frame_count == 10


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "no such file"),
        (lambda p: (p.write_bytes(b""), p)[1], "empty"),
        (
            lambda p: (p.write_text("hello, not a video\n" * 50), p)[1],
            "not a video FFmpeg can read",
        ),
        (lambda p: (p.mkdir(), p)[1], "folder"),
    ],
    ids=["missing", "empty", "text", "folder"],
)
def test_not_a_video(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path / "clip.mp4")
    with pytest.raises(InvalidVideoError, match=message):
        probe_video(path)


@pytest.mark.parametrize("ext", [".png", ".jpg"])
def test_a_still_image_renamed_mp4(tmp_path: Path, ext: str) -> None:
    import cv2

    image = np.full((120, 160, 3), 128, np.uint8)
    ok, data = cv2.imencode(ext, image)
    assert ok
    path = tmp_path / "photo.mp4"
    path.write_bytes(data.tobytes())
    with pytest.raises(InvalidVideoError, match="still image"):
        probe_video(path)

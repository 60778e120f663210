"""One readability check: what it refuses, with which words, the same as the reader."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import pytest

from guru_form.errors import InvalidVideoError
from guru_form.video import VideoReader, check_readable
from tests.frames.videos import write_video


def _audio_only(path: Path) -> Path:
    with av.open(str(path), "w") as c:
        s = c.add_stream("aac", rate=8000)
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 1024), np.float32), format="fltp", layout="mono"
        )
        frame.sample_rate = 8000
        for p in s.encode(frame):
            c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def _still(ext: str):
    def make(path: Path) -> Path:
        import cv2

        ok, data = cv2.imencode(ext, np.full((120, 160, 3), 128, np.uint8))
        assert ok
        path.write_bytes(data.tobytes())
        return path

    return make


CASES = [
    ("missing", lambda p: p, "no such file"),
    ("empty", lambda p: (p.write_bytes(b""), p)[1], r"is empty \(0 bytes\)"),
    ("folder", lambda p: (p.mkdir(), p)[1], "is a folder"),
    ("text", lambda p: (p.write_text("not a video\n" * 50), p)[1], "cannot be read as a video"),
    ("png", _still(".png"), r"is a still image \(png\)"),
    ("jpg", _still(".jpg"), r"is a still image \(jpeg\)"),
    ("audio", _audio_only, "has no video stream"),
]


@pytest.mark.parametrize(("make", "match"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("opener", [check_readable, VideoReader], ids=["check", "reader"])
def test_what_is_not_a_video_is_refused_alike(tmp_path: Path, make, match: str, opener) -> None:
    path = make(tmp_path / "clip.mp4")
    with pytest.raises(InvalidVideoError, match=match) as info:
        opener(path)
    assert isinstance(info.value, ValueError)
    assert str(tmp_path) not in info.value.reason  # a server's storage path never reaches users


def test_a_closed_file_object(videos) -> None:
    fh = videos["cfr"].open("rb")
    fh.close()
    with pytest.raises(InvalidVideoError, match="closed file object"):
        check_readable(fh)


def test_a_video_passes_and_a_file_object_is_left_open(videos) -> None:
    check_readable(videos["rot90"])
    with videos["cfr"].open("rb") as fh:
        check_readable(fh)
        assert not fh.closed
        with VideoReader(fh) as reader:  # read again from its start
            assert reader.info.frame_count == 150


def test_a_file_whose_frames_cannot_be_decoded(tmp_path: Path) -> None:
    # The index (moov) survives, but the frames' data (the mdat box's payload) is zeroed.
    path = write_video(tmp_path / "clip.mp4", 30)
    data = bytearray(path.read_bytes())
    mdat = data.find(b"mdat")
    size = int.from_bytes(data[mdat - 4 : mdat], "big")
    data[mdat + 4 : mdat - 4 + size] = bytes(size - 8)
    broken = tmp_path / "zeroed.mp4"
    broken.write_bytes(bytes(data))
    for opener in (check_readable, VideoReader):
        with pytest.raises(InvalidVideoError, match="no frame of it can be decoded") as info:
            opener(broken)
        assert str(tmp_path) not in info.value.reason


class _CountingReads(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = super().readinto(buffer)
        self.bytes_read += n
        return n


def test_the_check_reads_only_the_start_of_a_long_video(tmp_path: Path) -> None:
    path = write_video(tmp_path / "long.mp4", 1500, size=(160, 120))
    data = path.read_bytes()
    checked = _CountingReads(data)
    check_readable(checked)
    indexed = _CountingReads(data)
    VideoReader(indexed).close()
    assert indexed.bytes_read >= len(data)  # the reader indexes every packet
    assert checked.bytes_read < 0.2 * len(data), (checked.bytes_read, len(data))

"""Strided iteration (how the pose engine reads a video): orientation, times, stride, decoding ahead."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from guru_form.errors import InvalidInputError, InvalidVideoError
from guru_form.testing.synthetic.frame_code import read_frame_code
from guru_form.video import VideoReader, probe_video
from tests.frames.videos import MARKER, irregular_times, write_video


def _codes(frames) -> list[int]:
    return [read_frame_code(f.image) for f in frames]


def _decode_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "guru_form-decode"]


@pytest.mark.parametrize("prefetch", [0, 3])
def test_every_strided_frame_with_its_index_time_and_picture(videos, prefetch: int) -> None:
    with VideoReader(videos["vfr"]) as reader:
        times = reader.frame_times_ms
        frames = list(reader.iter_strided(3, prefetch=prefetch))
    assert [f.index for f in frames] == list(range(0, 120, 3))
    assert _codes(frames) == list(range(0, 120, 3))
    np.testing.assert_allclose([f.time_ms for f in frames], times[::3])
    assert all(f.thumbnail is None for f in frames)


@pytest.mark.parametrize("name", ["rot90", "rot270", "hflip"])
def test_strided_frames_are_the_frames_random_access_gives(videos, name: str) -> None:
    with VideoReader(videos[name]) as reader:
        strided = list(reader.iter_strided(2, prefetch=2))
        again = reader.read_frames(reader.frame_times_ms[[0, 10, 38]])
    by_index = {f.index: f for f in strided}
    for f in again:
        np.testing.assert_array_equal(by_index[f.index].image, f.image)
    corner = strided[0].image[5:15, 5:25].reshape(-1, 3).mean(axis=0)
    np.testing.assert_allclose(corner, MARKER, atol=20)  # display orientation, mirror undone


def test_thumbnails_are_small_grey_pictures_of_the_frame(videos) -> None:
    with VideoReader(videos["cfr"]) as reader:
        frame = next(iter(reader.iter_strided(thumbnail_size=16)))
    assert frame.thumbnail is not None
    assert frame.thumbnail.shape == (16, 16) and frame.thumbnail.dtype == np.float32
    grey = frame.image.mean(axis=2) / 255.0
    assert frame.thumbnail.mean() == pytest.approx(grey.mean(), abs=0.01)


def test_stride_and_times_at_25_fps(tmp_path: Path) -> None:
    path = write_video(tmp_path / "v.mp4", 10, fps=25)
    with VideoReader(path) as reader:
        frames = list(reader.iter_strided(3))
    assert [f.index for f in frames] == [0, 3, 6, 9]
    assert [round(f.time_ms) for f in frames] == [0, 120, 240, 360]
    info = probe_video(path)
    assert info.fps == pytest.approx(25) and info.frame_count == 10
    assert info.duration_s == pytest.approx(0.4)


def test_a_consumer_slower_than_the_decoder_keeps_at_most_prefetch_frames_waiting(videos) -> None:
    made: list[int] = []
    with VideoReader(videos["cfr"]) as reader:
        original = reader._to_decoded

        def counting(*args, **kwargs):
            made.append(1)
            return original(*args, **kwargs)

        reader._to_decoded = counting  # type: ignore[method-assign]
        frames = reader.iter_strided(prefetch=2)
        first = next(frames)
        time.sleep(0.3)  # the worker fills the queue, then waits
        # one in the consumer's hands, two queued, one made and waiting to be queued
        assert len(made) <= 4
        frames.close()
    assert first.index == 0
    assert not _decode_threads()


def test_stopping_early_stops_the_decode_thread_and_frees_the_reader(videos) -> None:
    with VideoReader(videos["cfr"]) as reader:
        frames = reader.iter_strided(prefetch=4)
        with contextlib.closing(frames):
            for frame in frames:
                if frame.index == 5:
                    break
        assert not _decode_threads()
        (again,) = reader.read_frames([1000])
        assert again.index == 30 and read_frame_code(again.image) == 30


def test_closing_the_reader_stops_an_open_iteration(videos) -> None:
    reader = VideoReader(videos["cfr"])
    frames = reader.iter_strided(prefetch=2)
    next(frames)
    reader.close()
    assert not _decode_threads()
    with pytest.raises(StopIteration):
        next(frames)


def test_the_reader_refuses_other_reads_during_an_iteration(videos) -> None:
    with VideoReader(videos["cfr"]) as reader:
        frames = reader.iter_strided()
        next(frames)
        with pytest.raises(InvalidInputError, match="iter_strided"):
            reader.read_frames([100])
        with pytest.raises(InvalidInputError, match="iter_strided"):
            next(reader.iter_strided())
        assert len(list(frames)) == 149
        assert reader.read_frames([100])[0].index == 3


def test_a_decoding_error_reaches_the_consumer_through_the_thread(
    videos, monkeypatch: pytest.MonkeyPatch
) -> None:
    with VideoReader(videos["cfr"]) as reader:

        def broken(*args, **kwargs):
            raise InvalidVideoError("cfr.mp4", "cannot be decoded (a test)")

        monkeypatch.setattr(reader, "_to_decoded", broken)
        with pytest.raises(InvalidVideoError, match="a test"):
            list(reader.iter_strided(prefetch=2))
    assert not _decode_threads()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"stride": 0}, "stride must be a whole number, 1 or more"),
        ({"stride": 1.5}, "stride must be a whole number"),
        ({"prefetch": -1}, "prefetch must be a whole number, 0 or more"),
        ({"thumbnail_size": 0}, "thumbnail_size must be a whole number, 1 or more"),
    ],
)
def test_bad_arguments_are_refused_at_once(videos, kwargs, match: str) -> None:
    with VideoReader(videos["cfr"]) as reader, pytest.raises(InvalidInputError, match=match):
        reader.iter_strided(**kwargs)


#: Peak Python memory of a prefetched iteration over each video given, measured in a fresh
#: interpreter: tracemalloc counts every thread's allocations, and a test worker may hold other
#: tests' servers running in threads.
_PEAK_SCRIPT = """
import json, sys, tracemalloc
from guru_form.video import VideoReader

def peak(path):
    with VideoReader(path) as reader:
        tracemalloc.start()
        try:
            for _ in reader.iter_strided(prefetch=3, thumbnail_size=8):
                pass
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

print(json.dumps([peak(path) for path in sys.argv[1:]]))
"""


def test_memory_of_a_prefetched_iteration_does_not_grow_with_the_video(tmp_path: Path) -> None:
    short = write_video(tmp_path / "short.mp4", 60, size=(160, 120))
    long = write_video(tmp_path / "long.mp4", 600, size=(160, 120))
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_SCRIPT, str(short), str(short), str(long)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    _warm_up, short_peak, long_peak = json.loads(done.stdout)
    assert long_peak < 1.5 * short_peak + 100_000, (short_peak, long_peak)


def test_variable_frame_rate_times_come_from_the_file(tmp_path: Path) -> None:
    times = irregular_times(40, seed=11)
    path = write_video(tmp_path / "vfr.mp4", 40, times_ms=times)
    with VideoReader(path) as reader:
        frames = list(reader.iter_strided(5, prefetch=1))
    np.testing.assert_allclose([f.time_ms for f in frames], times[::5])

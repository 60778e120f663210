"""Memory stays flat in the length of the video."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from guru_form.frames import extract_rep_frames
from tests.frames.videos import analysis_for, write_video


def _small_picture(index: int, width: int, height: int) -> np.ndarray:
    from guru_form.synthetic.frame_code import draw_frame_code

    img = np.full((height, width, 3), 90, np.uint8)
    img[10:30, (index * 3) % (width - 20) :][:, :20] = 230
    draw_frame_code(img, index)
    return img


def _peak_bytes(path, n_frames: int) -> tuple[int, list[int]]:
    times = np.arange(n_frames) * 1000 / 30
    # five reps spread over the whole video, as a real session would be
    mids = np.linspace(20, n_frames - 20, 5).astype(int)
    analysis = analysis_for(times, [(m - 10, m, m + 10) for m in mids])
    tracemalloc.start()
    try:
        frames = extract_rep_frames(path, analysis, phases=("start", "mid", "end"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, [f.frame_index for f in frames]


@pytest.mark.slow
def test_peak_memory_of_extraction_does_not_grow_with_video_length(tmp_path):
    short = write_video(tmp_path / "short.mp4", 300, size=(320, 240), picture=_small_picture)
    long = write_video(tmp_path / "long.mp4", 3000, size=(320, 240), picture=_small_picture)
    _peak_bytes(short, 300)  # warm-up: first-use imports and caches
    short_peak, short_idx = _peak_bytes(short, 300)
    long_peak, long_idx = _peak_bytes(long, 3000)
    assert len(short_idx) == len(long_idx) == 15
    # 10x the frames; the only part that grows is the packet index (8-16 bytes a frame).
    assert long_peak < 1.25 * short_peak + 100_000, (short_peak, long_peak)

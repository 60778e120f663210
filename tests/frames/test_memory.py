"""Memory stays flat in the length of the video."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from guru_form.frames import extract_rep_frames
from tests.frames.videos import analysis_for, write_video


def _small_picture(index: int, width: int, height: int) -> np.ndarray:
    from guru_form.testing.synthetic.frame_code import draw_frame_code

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


_RSS_CHILD = """
import json, resource, sys
import numpy as np
from guru_form.frames import export_annotated_video, extract_rep_frames
from tests.frames.videos import analysis_for

path, n_frames, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
times = np.arange(n_frames) * 1000 / 30
mids = np.linspace(20, n_frames - 20, 5).astype(int)
analysis = analysis_for(times, [(m - 10, m, m + 10) for m in mids])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
extract_rep_frames(path, analysis, phases=("start", "mid", "end"))
export_annotated_video(path, analysis, out)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_kb": before, "after_kb": after}))
"""


def _peak_rss_kb(path, n_frames: int, out) -> int:
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", _RSS_CHILD, str(path), str(n_frames), str(out)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )
    return int(json.loads(done.stdout.strip().splitlines()[-1])["after_kb"])


@pytest.mark.slow
def test_peak_rss_of_extraction_and_annotated_export_does_not_grow_with_video_length(tmp_path):
    """Resident memory, native buffers included (FFmpeg, x264), in a fresh process per video.

    A decoder or writer that kept frames would grow by 230 kB per 320x240 frame: 310 MB more for
    the long video. What may grow is the packet index (a few bytes a frame).
    """
    short = write_video(tmp_path / "short.mp4", 150, size=(320, 240), picture=_small_picture)
    long = write_video(tmp_path / "long.mp4", 1500, size=(320, 240), picture=_small_picture)
    short_kb = _peak_rss_kb(short, 150, tmp_path / "short_annotated.mp4")
    long_kb = _peak_rss_kb(long, 1500, tmp_path / "long_annotated.mp4")
    assert (tmp_path / "long_annotated.mp4").stat().st_size > 0
    assert long_kb < short_kb + 40_000, (short_kb, long_kb)

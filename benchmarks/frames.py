"""Benchmark: mid frames of 20 reps from a 5-minute 720p video, seeking vs a sequential decode.

Baseline (same run, same decoder settings): decode the whole video front to back with PyAV and keep
the 20 wanted frames. Both must give identical pixels; the script checks, and reads each frame's
index strip too.

Also measures memory: peak RSS and peak traced (Python + numpy) allocation of extracting 3 frames
per rep from a 30-second and a 5-minute video, each in a fresh process.

Usage::

    python benchmarks/frames.py                # makes the test videos once, in a cache folder
    python benchmarks/frames.py --gop 250      # x264's default keyframe interval (8 s)

The videos are synthetic (a slowly panning textured scene, a moving block, the frame index
strip), H.264 at 30 fps, keyframe every ``--gop`` frames (default 60: 2 s, typical of phone
cameras).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guru_form.frames import extract_rep_frames  # noqa: E402
from guru_form.models import Activity, Analysis, Rep, Status  # noqa: E402
from guru_form.synthetic.frame_code import draw_frame_code, read_frame_code  # noqa: E402
from guru_form.video import VideoReader  # noqa: E402

FPS = 30


def make_video(path: Path, seconds: int, width: int, height: int, gop: int) -> Path:
    """A synthetic H.264 video, written once and reused."""
    if path.exists():
        return path
    tmp = path.with_suffix(".part.mp4")
    n = seconds * FPS
    rng = np.random.default_rng(0)
    # A textured scene that pans slowly, so frames cost what camera footage costs to decode.
    texture = rng.integers(0, 60, (height // 8, (width + 2 * n // 3) // 8 + 1, 3), dtype=np.uint8)
    texture = np.repeat(np.repeat(texture, 8, axis=0), 8, axis=1)
    ramp = np.linspace(40, 160, width, dtype=np.uint8)[None, :, None]
    with av.open(str(tmp), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "23"}
        stream.codec_context.gop_size = gop
        for i in range(n):
            pan = (2 * i) // 3
            img = texture[:, pan : pan + width] + ramp
            x = (i * 9) % (width - 120)
            y = int((height - 200) * (0.5 + 0.5 * np.sin(i / 25)))
            img[y : y + 160, x : x + 120] = (230, 120, 60)
            draw_frame_code(img, i)
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    tmp.rename(path)
    return path


def analysis_with_reps(duration_s: float, reps: int) -> Analysis:
    """``reps`` evenly spaced 2-second reps; mid timestamps rounded to whole ms like the API."""
    mids = np.linspace(2.0, duration_s - 2.0, reps)
    return Analysis(
        video_id="bench",
        status=Status.COMPLETE,
        activity=Activity.SQUAT,
        reps=[Rep(round((m - 1) * 1000), round(m * 1000), round((m + 1) * 1000)) for m in mids],
    )


def sequential(path: Path, wanted: set[int]) -> dict[int, np.ndarray]:
    """Baseline: decode every frame in order, convert the wanted ones."""
    out = {}
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        stream.codec_context.thread_type = "AUTO"
        for i, frame in enumerate(c.decode(stream)):
            if i in wanted:
                out[i] = frame.to_ndarray(format="rgb24")
    return out


def memory_child(path: str, seconds: float) -> None:
    """Run in a fresh process: extract start/mid/end of 20 reps, print peak memory as JSON."""
    analysis = analysis_with_reps(seconds, 20)
    baseline_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    frames = extract_rep_frames(path, analysis, phases=("start", "mid", "end"))
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "frames": len(frames),
                "traced_peak_mb": traced / 2**20,
                "rss_peak_mb": peak_rss / 1024,
                "rss_growth_mb": (peak_rss - baseline_rss) / 1024,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gop", type=int, default=60)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "guru_form_bench"
    )
    parser.add_argument("--memory-child", nargs=2, metavar=("VIDEO", "SECONDS"))
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child[0], float(args.memory_child[1]))
        return

    args.cache.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    long = make_video(args.cache / f"long_300s_720p_gop{args.gop}.mp4", 300, 1280, 720, args.gop)
    short = make_video(args.cache / f"short_30s_720p_gop{args.gop}.mp4", 30, 1280, 720, args.gop)
    print(
        f"videos ready in {time.perf_counter() - t0:.1f} s ({long.stat().st_size / 2**20:.0f} MB)"
    )

    analysis = analysis_with_reps(300.0, args.reps)
    mids = [r.mid_ms for r in analysis.reps]

    t0 = time.perf_counter()
    with VideoReader(long) as reader:
        t_open = time.perf_counter() - t0
        info = reader.info
        frames = reader.read_frames(mids)
        decoded, seeks = reader.frames_decoded, reader.seeks
    t_seek = time.perf_counter() - t0

    t0 = time.perf_counter()
    extracted = extract_rep_frames(long, analysis, annotate=False)
    t_extract = time.perf_counter() - t0

    t0 = time.perf_counter()
    reference = sequential(long, {f.index for f in frames})
    t_full = time.perf_counter() - t0

    same = all(np.array_equal(f.image, reference[f.index]) for f in frames)
    same &= all(np.array_equal(a.image, b.image) for a, b in zip(extracted, frames, strict=True))
    strips = all(read_frame_code(f.image) == f.index for f in frames)
    expected = [round(m * FPS / 1000) for m in mids]

    print(
        f"video: {info.width}x{info.height}, {info.frame_count} frames, "
        f"{info.duration_ms / 1000:.0f} s, keyframe every {args.gop} frames"
    )
    print(
        f"seeking reader : {t_seek:6.2f} s  ({args.reps} frames; index scan {t_open:.2f} s, "
        f"{decoded} frames decoded, {seeks} seeks)"
    )
    print(f"extract_rep_frames: {t_extract:6.2f} s")
    print(
        f"sequential full decode (baseline): {t_full:6.2f} s  ({info.frame_count} frames decoded)"
    )
    print(f"speed-up vs baseline: {t_full / t_seek:.1f}x")
    print(
        f"identical pixels: {same}; index strips match: {strips}; "
        f"frames are the nearest to each timestamp: {[f.index for f in frames] == expected}"
    )

    print("memory, extracting start/mid/end of 20 reps in a fresh process:")
    for label, path, seconds in (("30 s", short, 30), ("300 s", long, 300)):
        out = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(path), str(seconds)],
            capture_output=True,
            text=True,
            check=True,
        )
        m = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"  {label:>5} video: traced peak {m['traced_peak_mb']:6.1f} MB, "
            f"RSS peak {m['rss_peak_mb']:6.1f} MB (+{m['rss_growth_mb']:.1f} MB during extraction)"
        )
    if not (same and strips):
        raise SystemExit("MISMATCH between seeking and sequential decode")


if __name__ == "__main__":
    main()

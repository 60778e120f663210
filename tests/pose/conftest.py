"""Fixtures for the pose engine's tests: footage paths, a session cache of model runs, test videos."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from guru_form.pose.estimator import RawPose

FOOTAGE = Path(__file__).resolve().parents[1] / "footage"
LABELS: dict[str, Any] = {
    k: v for k, v in json.loads((FOOTAGE / "labels.json").read_text()).items() if k[0] != "_"
}
HAS_MEDIAPIPE = importlib.util.find_spec("mediapipe") is not None
HAS_LITERT = importlib.util.find_spec("ai_edge_litert") is not None

requires_mediapipe = pytest.mark.skipif(
    not HAS_MEDIAPIPE,
    reason="needs the 'mediapipe' extra (mediapipe 0.10.21, Python 3.12 or older)",
)
requires_litert = pytest.mark.skipif(
    not HAS_LITERT, reason="needs the 'pose' extra (ai-edge-litert)"
)


@pytest.fixture(scope="session")
def raw_pose() -> Callable[[Path, int], RawPose]:
    """Run the pose model over a video once per session and (path, stride)."""
    cache: dict[tuple[str, int], RawPose] = {}

    def get(path: Path, stride: int = 2) -> RawPose:
        from guru_form.pose.estimator import estimate_video

        key = (str(path), stride)
        if key not in cache:
            cache[key] = estimate_video(path, stride=stride)
        return cache[key]

    return get


def write_video(
    path: Path,
    frames: Sequence[np.ndarray] | np.ndarray,
    *,
    fps: int = 30,
    rotation: int = 0,
) -> Path:
    """Encode RGB frames (H x W x 3 uint8, even sizes) as H.264 MP4."""
    import av

    first = np.asarray(frames[0])
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.height, stream.width = first.shape[:2]
        stream.pix_fmt = "yuv420p"
        if rotation:
            stream.set_display_rotation(rotation)
        for image in frames:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture(scope="session")
def squat_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One squat rep (8-12.5 s of squat_side_01.mp4), downscaled to 304x540, 4.5 s."""
    import av
    import cv2

    source = FOOTAGE / "squat_side_01.mp4"
    frames = []
    with av.open(str(source)) as container:
        for frame in container.decode(video=0):
            if frame.time is not None and 8.0 <= frame.time < 12.5:
                frames.append(cv2.resize(frame.to_ndarray(format="rgb24"), (304, 540)))
    return write_video(tmp_path_factory.mktemp("clips") / "squat_one_rep.mp4", frames)


@pytest.fixture(scope="session")
def empty_room(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s of a gym-coloured gradient with a moving box: a video with no person in it."""
    h, w = 360, 640
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([x * 0.3, y * 0.4 + 40, (x + y) * 0.15], axis=2).astype(np.uint8)
    frames = []
    for i in range(90):
        img = base.copy()
        img[100:180, 50 + 4 * i : 130 + 4 * i] = (200, 60, 60)
        frames.append(img)
    return write_video(tmp_path_factory.mktemp("clips") / "empty_room.mp4", frames)


def side_by_side(path: Path, start_s: float = 8.0, end_s: float = 19.0) -> Path:
    """Two real clips side by side: squat_side_01 (left, 304x540) and pushup_side_01 (right).

    The push-up clip is scaled to 640x360 and set at the bottom of a 640x540 grey panel (the
    floor level of both), so two people work out at once: the squatter's 2 reps (bottoms at
    10.55 and 17.30 s in its clip) and 6 of the push-ups (bottoms 8.85 ... 18.70 s), from
    ``start_s`` to ``end_s`` of both clips; times in the result start at 0.
    """
    import av
    import cv2

    def frames_of(name: str) -> list[np.ndarray]:
        out = []
        with av.open(str(FOOTAGE / name)) as container:
            for frame in container.decode(video=0):
                if frame.time is not None and start_s <= frame.time < end_s:
                    out.append(frame.to_ndarray(format="rgb24"))
        return out

    left = [
        cv2.resize(f, (304, 540), interpolation=cv2.INTER_AREA)
        for f in frames_of("squat_side_01.mp4")
    ]
    right = [
        cv2.resize(f, (640, 360), interpolation=cv2.INTER_AREA)
        for f in frames_of("pushup_side_01.mp4")
    ]
    n = min(len(left), len(right))
    canvas = np.full((n, 540, 944, 3), 90, np.uint8)
    for i in range(n):
        canvas[i, :, :304] = left[i]
        canvas[i, 180:, 304:] = right[i]
    return write_video(path, canvas)


@pytest.fixture(scope="session")
def two_people(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """squat_side_01 beside pushup_side_01, 8-19 s of each (see :func:`side_by_side`)."""
    return side_by_side(tmp_path_factory.mktemp("clips") / "two_people.mp4")

"""The local server with its default engine, the pose engine, on videos it cannot use."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from guru_form.server.testing import LocalServer
from tests.pose.conftest import write_video

from .conftest import Api

pytestmark = [
    pytest.mark.pose,
    pytest.mark.skipif(
        importlib.util.find_spec("ai_edge_litert") is None,
        reason="needs the 'pose' extra (ai-edge-litert) for the server's pose engine",
    ),
]

FOOTAGE = Path(__file__).resolve().parents[1] / "footage"


def _empty_room(path: Path) -> Path:
    """2 s of a gym-coloured gradient with a moving box, and nobody in it."""
    h, w = 240, 320
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([x * 0.6, y * 0.8 + 40, (x + y) * 0.3], axis=2).astype(np.uint8)
    frames = []
    for i in range(60):
        image = base.copy()
        image[60:120, 20 + 4 * i : 70 + 4 * i] = (200, 60, 60)
        frames.append(image)
    return write_video(path, frames)


def _one_rep(path: Path) -> Path:
    """The first rep of squat_side_01.mp4 (8.0-12.5 s), at 152x270 and 15 frames/s."""
    import av
    import cv2

    frames = []
    with av.open(str(FOOTAGE / "squat_side_01.mp4")) as container:
        for n, frame in enumerate(container.decode(video=0)):
            if frame.time is not None and 8.0 <= frame.time < 12.5 and n % 2 == 0:
                frames.append(cv2.resize(frame.to_ndarray(format="rgb24"), (152, 270)))
    return write_video(path, frames, fps=15)


@pytest.mark.slow
def test_a_video_with_no_person_fails_and_the_server_keeps_serving(tmp_path: Path) -> None:
    with LocalServer(tmp_path / "data", engine="pose") as server:
        api = Api(server)
        empty = api.submit(_empty_room(tmp_path / "empty_room.mp4"), activity="squat")
        body = api.wait(empty, timeout=120)
        assert body["status"] == "Failed"
        assert body["reason"].startswith("no person was found on any of the 60 analysed frames;")
        assert "film the athlete's whole body from the side" in body["reason"]
        # The same server, and its analysis workers, carry on with the next video.
        assert api.http.get("/health").status_code == 200
        squat = api.submit(_one_rep(tmp_path / "one_rep.mp4"), activity="squat")
        body = api.wait(squat, timeout=120)
        assert body["status"] == "Complete", body
        (rep,) = body["reps"]
        assert rep["midTimestampMs"] / 1000 == pytest.approx(10.55 - 8.0, abs=0.3)
        assert api.analysis(empty)["status"] == "Failed"
        api.close()

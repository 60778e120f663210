"""A squatting figure drawn as coloured disks, and a pose "estimator" that finds the disks.

Each joint of the side facing the camera is a disk of its own colour on a dark background, at the
position ``tests.pose.figures.squat_figure`` gives it, in *display* pixels. The estimator measures
the disks in whatever picture it is handed, so its joints are only where the figure is if the
picture is turned the way a player shows it. Frame ``k`` of the rendering also carries ``k`` in
its bottom strip (``draw_frame_code``), so a test can tell which rendered frame a decoder gave.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from guru_form.pose.joints import JOINTS, SIDE_JOINTS, joint_index
from guru_form.synthetic.frame_code import draw_frame_code
from tests.pose.figures import squat_figure

#: Display size of the rendered video (portrait, like a phone held upright), and the figure's
#: scale from ``squat_figure``'s 640 x 720 canvas.
WIDTH, HEIGHT = 240, 360
SCALE = 0.5
FPS = 30.0
RADIUS = 4
BACKGROUND = 40

#: One saturated colour per joint of the near side (RGB).
PALETTE: dict[str, tuple[int, int, int]] = {
    "nose": (255, 255, 255),
    "shoulder": (255, 0, 0),
    "elbow": (0, 255, 0),
    "wrist": (0, 0, 255),
    "hip": (255, 255, 0),
    "knee": (255, 0, 255),
    "ankle": (0, 255, 255),
    "heel": (255, 128, 0),
    "foot_index": (128, 0, 255),
}
_COLOURS = np.asarray(list(PALETTE.values()), dtype=np.float32)
_NAMES = list(PALETTE)


@dataclass(frozen=True)
class Rendering:
    """Where every joint is on every frame, and when the reps are (frame indices)."""

    joints: dict[str, npt.NDArray[np.float64]]  # joint -> (n, 2) display pixels
    reps: list[tuple[int, int, int]]  # (start, bottom, end) frame indices

    def __len__(self) -> int:
        return len(self.joints["hip"])


def rendering(n_reps: int = 2) -> Rendering:
    """The figure's joints per frame (facing right, 30 fps) and its reps in frame indices."""
    fig, _, truth = squat_figure(n_reps=n_reps, fps=FPS, rest_s=1.0, rep_s=2.0)
    joints = {j: SCALE * np.asarray(p, dtype=np.float64) for j, p in fig.near_joints().items()}
    reps = [tuple(round(s * FPS) for s in rep) for rep in truth]
    return Rendering(joints, reps)  # type: ignore[arg-type]


def picture(render: Rendering):  # type: ignore[no-untyped-def]
    """A ``picture(index, width, height)`` for ``tests.frames.videos.write_video``."""
    import cv2

    def draw(index: int, width: int, height: int) -> npt.NDArray[np.uint8]:
        assert (width, height) == (WIDTH, HEIGHT)
        img = np.full((HEIGHT, WIDTH, 3), BACKGROUND, np.uint8)
        for name, colour in PALETTE.items():
            x, y = render.joints[name][index]
            # Sub-pixel centres (4 fractional bits), so the disks move smoothly.
            centre = (round(x * 16), round(y * 16))
            cv2.circle(img, centre, RADIUS * 16, colour, -1, cv2.LINE_8, shift=4)
        draw_frame_code(img, index)
        return img

    return draw


def find_disks(image: npt.NDArray[np.uint8]) -> dict[str, tuple[float, float]]:
    """The centre of each joint's disk in an RGB picture (joints not found are left out)."""
    body = image[: image.shape[0] - 20]  # above the frame-code strip
    ys, xs = np.nonzero((body > 150).any(axis=2))
    pixels = body[ys, xs].astype(np.float32)
    distance = np.linalg.norm(pixels[:, None, :] - _COLOURS[None, :, :], axis=2)
    label = distance.argmin(axis=1)
    close = distance[np.arange(len(label)), label] < 90
    found = {}
    for k, name in enumerate(_NAMES):
        mine = close & (label == k)
        if mine.sum() >= 12:
            found[name] = (float(xs[mine].mean()), float(ys[mine].mean()))
    return found


class DiskFigureEstimator:
    """Joints measured from the disks: the near side where they are, the far side a step behind.

    Which side is near follows from the picture: the toes point the way the figure faces.
    """

    name = "disk-figure"

    def estimate(self, image: npt.NDArray[np.uint8], time_ms: float) -> npt.NDArray[np.float64]:
        found = find_disks(image)
        out = np.full((len(JOINTS), 4), np.nan)
        if not {"heel", "foot_index"} <= found.keys():
            return out
        facing = 1.0 if found["foot_index"][0] > found["heel"][0] else -1.0
        near = "right" if facing > 0 else "left"
        far = "left" if facing > 0 else "right"
        if "nose" in found:
            out[joint_index(None, "nose")] = (*found["nose"], 0.0, 0.99)
        for joint in SIDE_JOINTS:
            if joint in found:
                x, y = found[joint]
                out[joint_index(near, joint)] = (x, y, -40.0, 0.9)  # type: ignore[arg-type]
                out[joint_index(far, joint)] = (x - 3.0 * facing, y, 40.0, 0.6)  # type: ignore[arg-type]
        return out

    def close(self) -> None:
        pass

"""Drawing the synthetic athlete and the room, frame by frame.

Two styles:

- ``"shaded"`` (default): a clothed, shaded figure with a face in profile, the far limbs darker
  and behind the body, a floor shadow and a furnished background, drawn so that MediaPipe Pose
  finds the athlete on every frame;
- ``"simple"``: flat limbs on a plain room, several times faster, for long benchmark videos where
  only the frames matter, not pose estimation.

Every frame carries its index as text in the top-left corner and as the machine-readable strip of
:mod:`guru_form.synthetic.frame_code` along the bottom edge, which the figure and floor never
reach.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from guru_form.models import Activity
from guru_form.synthetic.body import PLATE_RADIUS
from guru_form.synthetic.frame_code import draw_frame_code, strip_height
from guru_form.synthetic.movements import movement
from guru_form.synthetic.raster import Capsule, Ellipse, Polygon, paint, paint_flat
from guru_form.synthetic.scene import Projected

__all__ = ["STYLES", "FrameDrawer", "Look"]

FloatArray = npt.NDArray[np.float64]
Image = npt.NDArray[np.float32]
RGB = tuple[float, float, float]

#: The drawing styles.
STYLES = ("shaded", "simple")

_SKIN: list[RGB] = [
    (0.87, 0.69, 0.56),
    (0.78, 0.57, 0.42),
    (0.62, 0.43, 0.30),
    (0.45, 0.30, 0.21),
    (0.93, 0.76, 0.64),
]
_SHIRT: list[RGB] = [
    (0.16, 0.33, 0.68),
    (0.72, 0.16, 0.16),
    (0.10, 0.50, 0.46),
    (0.85, 0.52, 0.12),
    (0.42, 0.22, 0.55),
]
_SHORTS: list[RGB] = [(0.16, 0.17, 0.20), (0.24, 0.26, 0.33), (0.12, 0.22, 0.36)]
_HAIR: list[RGB] = [(0.16, 0.11, 0.08), (0.30, 0.20, 0.12), (0.08, 0.07, 0.07), (0.52, 0.38, 0.2)]
_SHOE: list[RGB] = [(0.92, 0.92, 0.90), (0.20, 0.20, 0.22), (0.75, 0.20, 0.18)]


@dataclass(frozen=True)
class Look:
    """The athlete's colours (RGB, 0..1)."""

    skin: RGB
    shirt: RGB
    shorts: RGB
    hair: RGB
    shoe: RGB

    @classmethod
    def from_seed(cls, seed: int) -> Look:
        """A look picked by ``seed`` from a few skin tones and clothing colours."""
        rng = np.random.default_rng([seed, 7])

        def pick(options: list[RGB]) -> RGB:
            return options[int(rng.integers(len(options)))]

        return cls(pick(_SKIN), pick(_SHIRT), pick(_SHORTS), pick(_HAIR), pick(_SHOE))


def _shade(c: RGB, k: float) -> RGB:
    return (c[0] * k, c[1] * k, c[2] * k)


def _unit(v: FloatArray) -> FloatArray:
    n = float(np.hypot(*v))
    return v / n if n > 0 else v


def _spline(points: FloatArray, per_segment: int = 5) -> FloatArray:
    """A closed Catmull-Rom curve through ``points``."""
    p = np.asarray(points, dtype=np.float64)
    n = len(p)
    t = np.linspace(0.0, 1.0, per_segment, endpoint=False)[:, None]
    out = []
    for i in range(n):
        p0, p1, p2, p3 = p[i - 1], p[i], p[(i + 1) % n], p[(i + 2) % n]
        out.append(
            0.5
            * (
                2 * p1
                + (-p0 + p2) * t
                + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
                + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3
            )
        )
    return np.concatenate(out)


# Torso outline in the trunk's frame: (along hip -> shoulder as a fraction of the trunk, towards
# the front in metres). The hip joint is at (0, 0), the shoulder joint at (1, 0).
_TORSO = np.array(
    [
        [1.10, 0.045],
        [0.95, 0.105],
        [0.75, 0.125],
        [0.50, 0.110],
        [0.28, 0.105],
        [0.08, 0.090],
        [-0.10, 0.060],
        [-0.22, 0.000],
        [-0.20, -0.090],
        [-0.04, -0.140],
        [0.30, -0.095],
        [0.62, -0.115],
        [0.88, -0.115],
        [1.06, -0.070],
        [1.14, -0.025],
    ]
)
# Head outline in the head's frame, in head radii: (towards the face, towards the crown).
_HEAD = np.array(
    [
        [-0.50, -0.78],
        [-0.80, -0.35],
        [-0.86, 0.12],
        [-0.70, 0.58],
        [-0.36, 0.90],
        [0.02, 1.00],
        [0.40, 0.90],
        [0.64, 0.62],
        [0.73, 0.32],
        [0.74, 0.17],
        [0.67, 0.06],
        [0.82, -0.04],
        [0.98, -0.12],
        [0.86, -0.21],
        [0.80, -0.26],
        [0.83, -0.36],
        [0.76, -0.44],
        [0.80, -0.51],
        [0.72, -0.62],
        [0.75, -0.74],
        [0.60, -0.87],
        [0.30, -0.82],
        [0.05, -0.70],
    ]
)
_HAIR_SHAPE = np.array(
    [
        [0.58, 0.72],
        [0.40, 0.95],
        [0.02, 1.06],
        [-0.40, 0.96],
        [-0.76, 0.62],
        [-0.92, 0.12],
        [-0.86, -0.30],
        [-0.58, -0.62],
        [-0.42, -0.30],
        [-0.38, 0.22],
        [-0.05, 0.50],
        [0.35, 0.60],
    ]
)


class FrameDrawer:
    """Draws the frames of one video.

    Parameters
    ----------
    projected
        The motion in image pixels.
    activity
        The activity; its movement (:mod:`guru_form.synthetic.movements`) decides the
        equipment and the drawing order.
    look
        The athlete's colours.
    style
        ``"shaded"`` or ``"simple"``.
    seed
        Seeds the room's details.
    """

    def __init__(
        self,
        projected: Projected,
        activity: Activity,
        look: Look,
        *,
        style: str = "shaded",
        seed: int = 0,
    ) -> None:
        if style not in STYLES:
            raise ValueError(f"style must be one of {STYLES}, got {style!r}")
        self.p = projected
        self.activity = activity
        self.movement = movement(activity)
        self.look = look
        self.style = style
        cam = projected.camera
        self.width, self.height = cam.width, cam.height
        self.m = cam.scale  # pixels per metre
        self.mirror = cam.mirror
        self._background = _room(cam.width, cam.height, cam.floor_y, seed)
        self._background_u8 = (self._background * 255 + 0.5).astype(np.uint8)

    # --- public -----------------------------------------------------------------------------------

    def draw(self, frame: int, *, label: int | None = None) -> npt.NDArray[np.uint8]:
        """The RGB image (``H x W x 3`` uint8) of ``frame``, with its index as text and strip.

        ``label`` is the index written on the frame (default: ``frame``).
        """
        if self.style == "simple":
            image = self._draw_simple(frame)
        else:
            canvas = self._background.copy()
            self._draw_shaded(canvas, frame)
            image = (np.clip(canvas, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)
        index = frame if label is None else label
        _label(image, index)
        draw_frame_code(image, index)
        return image

    # --- shaded -----------------------------------------------------------------------------------

    def _pt(self, name: str, f: int) -> FloatArray:
        return np.asarray(self.p.points[name][f], dtype=np.float64)

    def _front(self, up: FloatArray) -> FloatArray:
        """The image direction 90° clockwise (in the athlete's frame) from ``up``."""
        return np.array([up[1], -up[0]]) if self.mirror else np.array([-up[1], up[0]])

    def _draw_shaded(self, img: Image, f: int) -> None:
        self._floor_shadow(img, f)
        for layer in self.movement.layers:
            self._layer(img, f, layer)

    def _layer(self, img: Image, f: int, layer: str) -> None:
        """Draw one layer of :data:`~guru_form.synthetic.movements.LAYERS`."""
        if layer == "torso":
            self._torso(img, f)
        elif layer == "head":
            self._head(img, f)
        elif layer == "bench":
            self._bench(img)
        elif layer == "bar":
            self._bar(img, f)
        else:
            side, part = layer.split("_")
            {"leg": self._leg, "arm": self._arm, "plate": self._plate}[part](img, f, side)

    def _floor_shadow(self, img: Image, f: int) -> None:
        names = ["near_heel", "near_foot_index", "far_heel", "far_foot_index"]
        names += self.movement.shadow
        xs = np.array([self._pt(n, f)[0] for n in names])
        floor = self.p.camera.floor_y
        centre = np.array([(xs.min() + xs.max()) / 2, floor + 0.01 * self.m])
        half = (xs.max() - xs.min()) / 2 + 0.12 * self.m
        paint_flat(
            img,
            [Ellipse(centre, half, 0.035 * self.m)],
            (0.05, 0.04, 0.04),
            opacity=0.45,
            blur=0.03 * self.m,
        )

    def _leg(self, img: Image, f: int, side: str) -> None:
        k = 1.0 if side == "near" else 0.68
        m = self.m
        hip, knee = self._pt(f"{side}_hip", f), self._pt(f"{side}_knee", f)
        ankle = self._pt(f"{side}_ankle", f)
        skin, shorts = self.look.skin, self.look.shorts
        paint(img, [Capsule(hip, knee, 0.082 * m, 0.058 * m)], skin, softness=0.06 * m, shade=k)
        calf = knee + 0.3 * (ankle - knee)
        paint(
            img,
            [Capsule(knee, ankle, 0.056 * m, 0.036 * m), Capsule(knee, calf, 0.056 * m, 0.058 * m)],
            skin,
            softness=0.045 * m,
            shade=k,
        )
        hem = hip + 0.55 * (knee - hip)
        paint(img, [Capsule(hip, hem, 0.092 * m, 0.075 * m)], shorts, softness=0.07 * m, shade=k)
        self._shoe(img, f, side, k)

    def _shoe(self, img: Image, f: int, side: str, k: float) -> None:
        m = self.m
        heel, toe = self._pt(f"{side}_heel", f), self._pt(f"{side}_foot_index", f)
        ankle = self._pt(f"{side}_ankle", f)
        along = _unit(toe - heel)
        up = np.array([along[1], -along[0]])
        if float(up @ (ankle - heel)) < 0:
            up = -up
        sole = 0.018 * m
        outline = np.array(
            [
                heel - 0.012 * m * along - 0.004 * m * up,
                heel + 0.3 * (toe - heel) - 0.006 * m * up,
                toe + 0.030 * m * along - 0.004 * m * up,
                toe + 0.028 * m * along + 0.030 * m * up,
                toe - 0.030 * m * along + 0.052 * m * up,
                ankle + 0.050 * m * along - 0.004 * m * up,
                ankle + 0.012 * m * along - 0.012 * m * up,
                ankle - 0.045 * m * along - 0.006 * m * up,
                heel - 0.018 * m * along + 0.036 * m * up,
            ]
        )
        paint(img, [Polygon(_spline(outline, 3))], self.look.shoe, softness=0.03 * m, shade=k)
        strip = np.array(
            [
                heel - 0.012 * m * along - 0.004 * m * up,
                toe + 0.030 * m * along - 0.004 * m * up,
                toe + 0.030 * m * along + sole * 0.7 * up,
                heel - 0.014 * m * along + sole * up,
            ]
        )
        paint_flat(img, [Polygon(strip)], _shade((0.12, 0.12, 0.13), k))

    def _arm(self, img: Image, f: int, side: str) -> None:
        k = 1.0 if side == "near" else 0.68
        m = self.m
        shoulder, elbow = self._pt(f"{side}_shoulder", f), self._pt(f"{side}_elbow", f)
        wrist, index = self._pt(f"{side}_wrist", f), self._pt(f"{side}_index", f)
        skin, shirt = self.look.skin, self.look.shirt
        paint(
            img,
            [
                Capsule(shoulder, elbow, 0.050 * m, 0.040 * m),
                Capsule(elbow, wrist, 0.042 * m, 0.028 * m),
            ],
            skin,
            softness=0.04 * m,
            shade=k,
        )
        fist = self.movement.fist
        hand_r = 0.036 if fist else 0.028
        paint(
            img,
            [Capsule(wrist, index, 0.030 * m, hand_r * m)],
            skin,
            softness=0.03 * m,
            shade=k * 0.97,
        )
        sleeve = shoulder + 0.45 * (elbow - shoulder)
        paint(
            img,
            [Capsule(shoulder, sleeve, 0.066 * m, 0.054 * m)],
            shirt,
            softness=0.055 * m,
            shade=k,
        )

    def _torso(self, img: Image, f: int) -> None:
        m = self.m
        hip = (self._pt("near_hip", f) + self._pt("far_hip", f)) / 2
        shoulder = (self._pt("near_shoulder", f) + self._pt("far_shoulder", f)) / 2
        axis = shoulder - hip
        front = self._front(_unit(axis))
        outline = hip + _TORSO[:, :1] * axis + _TORSO[:, 1:] * m * front
        curve = _spline(outline)
        paint(img, [Polygon(curve)], self.look.shirt, softness=0.10 * m)
        pelvis = np.array([p for p in _TORSO if p[0] < 0.16])
        shorts_outline = hip + pelvis[:, :1] * axis + pelvis[:, 1:] * m * front * 1.02
        waist = hip + 0.16 * axis
        shorts_outline = np.vstack(
            [waist + 0.094 * m * front, shorts_outline, waist - 0.102 * m * front]
        )
        paint(img, [Polygon(_spline(shorts_outline, 4))], self.look.shorts, softness=0.09 * m)
        # the neck, from the top of the trunk to the base of the skull
        head = self._pt("head", f)
        up = self.p.head_up[f]
        r = self.p.head_radius
        neck_top = head - 0.45 * r * up - 0.15 * r * self._front(up)
        neck_base = hip + 1.02 * axis
        paint(
            img,
            [Capsule(neck_base, neck_top, 0.058 * m, 0.050 * m)],
            self.look.skin,
            softness=0.04 * m,
            shade=0.92,
        )

    def _head(self, img: Image, f: int) -> None:
        r = self.p.head_radius
        c = self._pt("head", f)
        up = self.p.head_up[f]
        front = self._front(up)

        def at(local: FloatArray) -> FloatArray:
            return np.asarray(c + r * (local[..., :1] * front + local[..., 1:] * up), np.float64)

        skin = self.look.skin
        paint(img, [Polygon(_spline(at(_HEAD), 4))], skin, softness=0.5 * r, ambient=0.5)
        # ear, eye, brow, mouth: at the projected landmark positions
        ear = self._pt("near_ear", f)
        ear_angle = math.atan2(up[1], up[0])
        paint(
            img,
            [Ellipse(ear, 0.30 * r, 0.18 * r, ear_angle)],
            _shade(skin, 0.88),
            softness=0.12 * r,
            ambient=0.55,
        )
        paint_flat(
            img,
            [Ellipse(ear + 0.03 * r * front, 0.14 * r, 0.07 * r, ear_angle)],
            _shade(skin, 0.55),
            opacity=0.8,
        )
        hair = at(_HAIR_SHAPE)
        paint(img, [Polygon(_spline(hair, 4))], self.look.hair, softness=0.35 * r, ambient=0.6)
        eye = self._pt("near_eye", f)
        paint_flat(
            img,
            [Ellipse(eye, 0.12 * r, 0.065 * r, math.atan2(front[1], front[0]))],
            (0.95, 0.94, 0.92),
        )
        paint_flat(img, [Ellipse(eye + 0.05 * r * front, 0.06 * r, 0.06 * r)], (0.12, 0.09, 0.07))
        brow0 = eye + 0.20 * r * up - 0.10 * r * front
        brow1 = eye + 0.22 * r * up + 0.08 * r * front
        paint_flat(img, [Capsule(brow0, brow1, 0.035 * r, 0.03 * r)], _shade(self.look.hair, 0.9))
        mouth = self._pt("near_mouth", f)
        paint_flat(
            img,
            [Capsule(mouth - 0.12 * r * front, mouth + 0.02 * r * front, 0.025 * r, 0.025 * r)],
            (0.45, 0.22, 0.20),
            opacity=0.8,
        )
        nose = self._pt("nose", f)
        nostril = nose - 0.14 * r * front - 0.05 * r * up
        paint_flat(img, [Ellipse(nostril, 0.05 * r, 0.03 * r)], _shade(skin, 0.6), opacity=0.7)

    def _bench(self, img: Image) -> None:
        m = self.m
        cam = self.p.camera
        sign = -1.0 if cam.mirror else 1.0

        def x_at(x: float) -> float:
            return cam.origin_x + sign * m * x * math.cos(math.radians(cam.yaw_deg))

        top, pad = cam.floor_y - 0.44 * m, 0.075 * m
        x0, x1 = sorted([x_at(-0.40), x_at(0.70)])
        for leg_x in (x0 + 0.10 * m, x1 - 0.10 * m):
            paint(
                img,
                [
                    Capsule(
                        np.array([leg_x, top + pad]),
                        np.array([leg_x, cam.floor_y - 0.01 * m]),
                        0.025 * m,
                        0.025 * m,
                    )
                ],
                (0.35, 0.36, 0.38),
                softness=0.02 * m,
                gloss=0.3,
            )
            foot = np.array(
                [
                    [leg_x - 0.14 * m, cam.floor_y - 0.025 * m],
                    [leg_x + 0.14 * m, cam.floor_y - 0.025 * m],
                    [leg_x + 0.14 * m, cam.floor_y],
                    [leg_x - 0.14 * m, cam.floor_y],
                ]
            )
            paint(img, [Polygon(foot)], (0.30, 0.30, 0.32), softness=0.01 * m)
        rail = np.array(
            [
                [x0 + 0.05 * m, top + pad],
                [x1 - 0.05 * m, top + pad],
                [x1 - 0.05 * m, top + pad + 0.05 * m],
                [x0 + 0.05 * m, top + pad + 0.05 * m],
            ]
        )
        paint(img, [Polygon(rail)], (0.33, 0.34, 0.36), softness=0.02 * m, gloss=0.2)
        cushion = np.array(
            [
                [x0, top + 0.01 * m],
                [x0 + 0.02 * m, top],
                [x1 - 0.02 * m, top],
                [x1, top + 0.01 * m],
                [x1, top + pad],
                [x0, top + pad],
            ]
        )
        paint(img, [Polygon(cushion)], (0.13, 0.12, 0.13), softness=0.04 * m, gloss=0.25)

    def _bar(self, img: Image, f: int) -> None:
        m = self.m
        near, far = self._pt("bar_near", f), self._pt("bar_far", f)
        paint(
            img,
            [Capsule(far, near, 0.014 * m, 0.014 * m)],
            (0.70, 0.71, 0.73),
            softness=0.012 * m,
            gloss=0.4,
            ambient=0.35,
        )
        for end in (far, near):
            centre = (near + far) / 2
            inner = centre + 0.60 * (end - centre)
            paint(
                img,
                [Capsule(inner, end, 0.025 * m, 0.025 * m)],
                (0.62, 0.63, 0.65),
                softness=0.02 * m,
                gloss=0.4,
                ambient=0.35,
            )

    def _plate(self, img: Image, f: int, side: str) -> None:
        m = self.m
        c = self._pt(f"plate_{side}", f)
        cam = self.p.camera
        squash = abs(math.cos(math.radians(cam.yaw_deg)))
        k = 1.0 if side == "near" else 0.7
        r = PLATE_RADIUS * m
        paint(
            img,
            [Ellipse(c, r * squash, r)],
            _shade((0.16, 0.16, 0.18), k),
            softness=0.05 * m,
            gloss=0.15,
        )
        paint(
            img,
            [Ellipse(c, 0.35 * r * squash, 0.35 * r)],
            _shade((0.55, 0.56, 0.58), k),
            softness=0.02 * m,
            gloss=0.3,
        )
        paint_flat(img, [Ellipse(c, 0.08 * r * squash, 0.08 * r)], (0.1, 0.1, 0.1))

    # --- simple -----------------------------------------------------------------------------------

    def _draw_simple(self, f: int) -> npt.NDArray[np.uint8]:
        img = self._background_u8.copy()
        m = self.m

        def c255(c: RGB, k: float = 1.0) -> tuple[int, int, int]:
            return (int(c[0] * k * 255), int(c[1] * k * 255), int(c[2] * k * 255))

        def ipt(name: str) -> tuple[int, int]:
            x, y = self.p.points[name][f]
            return (round(x), round(y))

        def limb(a: str, b: str, width: float, color: tuple[int, int, int]) -> None:
            cv2.line(img, ipt(a), ipt(b), color, max(1, round(width * m)), cv2.LINE_8)

        for side, k in (("far", 0.68), ("near", 1.0)):
            if side == "near":
                limb("far_hip", "far_shoulder", 0.24, c255(self.look.shirt))
                cv2.circle(
                    img, ipt("head"), max(2, round(self.p.head_radius)), c255(self.look.skin), -1
                )
            limb(f"{side}_hip", f"{side}_knee", 0.14, c255(self.look.skin, k))
            limb(f"{side}_knee", f"{side}_ankle", 0.10, c255(self.look.skin, k))
            limb(f"{side}_heel", f"{side}_foot_index", 0.05, c255(self.look.shoe, k))
            limb(f"{side}_shoulder", f"{side}_elbow", 0.09, c255(self.look.shirt, k))
            limb(f"{side}_elbow", f"{side}_wrist", 0.07, c255(self.look.skin, k))
        if "bar_near" in self.p.points:
            limb("bar_far", "bar_near", 0.03, (180, 180, 185))
        return img


def _label(image: npt.NDArray[np.uint8], index: int) -> None:
    """Write ``frame <index>`` in a white box in the top-left corner."""
    h = image.shape[0]
    scale = max(0.35, h / 900)
    thickness = max(1, round(h / 400))
    text = f"frame {index}"
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    pad = max(3, h // 120)
    cv2.rectangle(image, (0, 0), (tw + 2 * pad, th + base + 2 * pad), (255, 255, 255), -1)
    cv2.putText(
        image,
        text,
        (pad, pad + th),
        cv2.FONT_HERSHEY_SIMPLEX,
        scale,
        (0, 0, 0),
        thickness,
        cv2.LINE_AA,
    )


def _room(width: int, height: int, floor_y: float, seed: int) -> Image:
    """A plain gym room: a painted wall with a stripe, a skirting board, a window and a floor."""
    rng = np.random.default_rng([seed, 11])
    img = np.zeros((height, width, 3), np.float32)
    ys = np.arange(height, dtype=np.float32)[:, None]
    junction = int(floor_y - 0.11 * height)
    wall_top = np.array([0.84, 0.81, 0.76], np.float32)
    wall_bottom = np.array([0.72, 0.69, 0.64], np.float32)
    t = np.clip(ys / max(1, junction), 0, 1)[..., None]
    img[:] = wall_top * (1 - t) + wall_bottom * t
    stripe_colour = np.array(_SHIRT[int(rng.integers(len(_SHIRT)))], np.float32) * 0.55 + 0.35
    s0 = int(junction - 0.42 * height)
    img[s0 : s0 + max(2, height // 40)] = stripe_colour
    # a window on the side away from the middle of the frame
    wx = int(width * (0.04 if rng.random() < 0.5 else 0.78))
    wy, ww, wh = int(0.16 * height), int(0.18 * width), int(0.26 * height)
    img[wy : wy + wh, wx : wx + ww] = (0.93, 0.93, 0.90)
    pane = np.linspace(0.80, 0.92, wh, dtype=np.float32)[:, None, None] * np.array(
        [0.72, 0.84, 0.98], np.float32
    )
    b = max(2, height // 120)
    img[wy + b : wy + wh - b, wx + b : wx + ww - b] = pane[b : wh - b]
    img[wy + b : wy + wh - b, wx + ww // 2 - b // 2 : wx + ww // 2 + b // 2 + 1] = (0.93, 0.93, 0.9)
    # skirting board and floor
    board = max(3, height // 60)
    img[junction - board : junction] = (0.92, 0.91, 0.88)
    bottom = height - strip_height(height)
    fy = np.arange(junction, bottom, dtype=np.float32)
    depth = ((fy - junction) / max(1, bottom - junction))[:, None]
    floor_far = np.array([0.50, 0.38, 0.27], np.float32)
    floor_near = np.array([0.62, 0.48, 0.34], np.float32)
    img[junction:bottom] = (floor_far * (1 - depth) + floor_near * depth)[:, None, :]
    # plank seams, closer together towards the back
    for k in range(1, 12):
        y = junction + (bottom - junction) * (k / 12) ** 1.5
        if y < bottom - 1:
            img[int(y)] *= 0.88
    img[bottom:] = 0.0
    return img

"""Anti-aliased, softly shaded shapes on a float RGB canvas: the brushes of the renderer.

A *part* of the figure (a thigh, the torso, the head) is the union of a few shapes — tapered
capsules, ellipses, polygons — filled with one colour and shaded as a rounded solid: the
coverage mask is blurred and shifted towards the light, so that the side facing the light is
bright and the far edge falls into shade. This reads as a three-dimensional body to a person
and, more to the point, to a pose model, where flat shapes do not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

__all__ = ["Capsule", "Ellipse", "Polygon", "Shape", "paint", "paint_flat"]

FloatArray = npt.NDArray[np.float64]
Image = npt.NDArray[np.float32]
Grid = npt.NDArray[np.float32]

#: Direction the light comes from, in the image (x right, y down): the upper left.
LIGHT = np.array([-0.55, -0.83])


@dataclass(frozen=True)
class Capsule:
    """A segment ``p0 -> p1`` swept by a disc whose radius goes from ``r0`` to ``r1``."""

    p0: FloatArray
    p1: FloatArray
    r0: float
    r1: float

    def bounds(self) -> tuple[float, float, float, float]:
        """The shape's bounding box in image pixels.

        Returns
        -------
        tuple of float
            ``(x_min, y_min, x_max, y_max)``; it may extend past the image.
        """
        r = max(self.r0, self.r1)
        return (
            min(self.p0[0], self.p1[0]) - r,
            min(self.p0[1], self.p1[1]) - r,
            max(self.p0[0], self.p1[0]) + r,
            max(self.p0[1], self.p1[1]) + r,
        )

    def coverage(self, xs: Grid, ys: Grid, _origin: tuple[int, int]) -> Grid:
        """How much of each pixel of a crop of the image the shape covers.

        Parameters
        ----------
        xs, ys
            The x (a ``1 x W`` row) and y (an ``H x 1`` column) of the pixel centres of the
            crop, in image pixels.
        _origin
            ``(x, y)`` of the crop's top-left pixel in the image (unused: ``xs`` and ``ys`` already are image coordinates).

        Returns
        -------
        numpy.ndarray
            ``H x W`` float32 coverage, 0 (outside) to 1 (inside), anti-aliased over about one
            pixel at the edge.
        """
        dx, dy = float(self.p1[0] - self.p0[0]), float(self.p1[1] - self.p0[1])
        length2 = dx * dx + dy * dy
        px, py = xs - np.float32(self.p0[0]), ys - np.float32(self.p0[1])
        if length2 > 0:
            t = px * np.float32(dx / length2) + py * np.float32(dy / length2)
            np.clip(t, 0.0, 1.0, out=t)
        else:
            t = np.zeros(np.broadcast_shapes(px.shape, py.shape), np.float32)
        dist = np.hypot(px - t * np.float32(dx), py - t * np.float32(dy))
        cover: Grid = np.float32(self.r0 + 0.5) + np.float32(self.r1 - self.r0) * t - dist
        np.clip(cover, 0.0, 1.0, out=cover)
        return cover


@dataclass(frozen=True)
class Ellipse:
    """An ellipse with centre ``c``, semi-axes ``a`` (along ``angle``) and ``b``, angle in radians."""

    c: FloatArray
    a: float
    b: float
    angle: float = 0.0

    def bounds(self) -> tuple[float, float, float, float]:
        """The shape's bounding box in image pixels.

        Returns
        -------
        tuple of float
            ``(x_min, y_min, x_max, y_max)``; it may extend past the image.
        """
        r = max(self.a, self.b)
        return (self.c[0] - r, self.c[1] - r, self.c[0] + r, self.c[1] + r)

    def coverage(self, xs: Grid, ys: Grid, _origin: tuple[int, int]) -> Grid:
        """How much of each pixel of a crop of the image the shape covers.

        Parameters
        ----------
        xs, ys
            The x (a ``1 x W`` row) and y (an ``H x 1`` column) of the pixel centres of the
            crop, in image pixels.
        _origin
            ``(x, y)`` of the crop's top-left pixel in the image (unused: ``xs`` and ``ys`` already are image coordinates).

        Returns
        -------
        numpy.ndarray
            ``H x W`` float32 coverage, 0 (outside) to 1 (inside), anti-aliased over about one
            pixel at the edge.
        """
        ca, sa = math.cos(self.angle), math.sin(self.angle)
        dx, dy = xs - np.float32(self.c[0]), ys - np.float32(self.c[1])
        u = dx * np.float32(ca / self.a) + dy * np.float32(sa / self.a)
        v = dx * np.float32(-sa / self.b) + dy * np.float32(ca / self.b)
        # distance to the edge in pixels, approximately: scale by the smaller radius
        r = np.float32(min(self.a, self.b))
        cover: Grid = np.float32(0.5) + r - r * np.sqrt(u * u + v * v)
        np.clip(cover, 0.0, 1.0, out=cover)
        return cover


@dataclass(frozen=True)
class Polygon:
    """A closed polygon through ``points`` (``(n, 2)`` image pixels)."""

    points: FloatArray

    def bounds(self) -> tuple[float, float, float, float]:
        """The shape's bounding box in image pixels.

        Returns
        -------
        tuple of float
            ``(x_min, y_min, x_max, y_max)``; it may extend past the image.
        """
        p = self.points
        return (p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max())

    def coverage(self, xs: Grid, ys: Grid, origin: tuple[int, int]) -> Grid:
        """How much of each pixel of a crop of the image the shape covers.

        Parameters
        ----------
        xs, ys
            The x (a ``1 x W`` row) and y (an ``H x 1`` column) of the pixel centres of the
            crop, in image pixels.
        origin
            ``(x, y)`` of the crop's top-left pixel in the image (the polygon is filled in crop coordinates).

        Returns
        -------
        numpy.ndarray
            ``H x W`` float32 coverage, 0 (outside) to 1 (inside), anti-aliased over about one
            pixel at the edge.
        """
        mask = np.zeros((ys.shape[0], xs.shape[1]), np.uint8)
        shift = 4
        pts = np.round((self.points - np.array(origin)) * (1 << shift)).astype(np.int32)
        cv2.fillPoly(mask, [pts], (255,), lineType=cv2.LINE_AA, shift=shift)
        return mask.astype(np.float32) * np.float32(1.0 / 255.0)


Shape = Capsule | Ellipse | Polygon


def _crop(image: Image, shapes: Sequence[Shape], pad: float) -> tuple[int, int, int, int] | None:
    boxes = np.array([s.bounds() for s in shapes])
    h, w = image.shape[:2]
    x0 = max(0, math.floor(boxes[:, 0].min() - pad))
    y0 = max(0, math.floor(boxes[:, 1].min() - pad))
    x1 = min(w, math.ceil(boxes[:, 2].max() + pad) + 1)
    y1 = min(h, math.ceil(boxes[:, 3].max() + pad) + 1)
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1, y1


def _coverage(shapes: Sequence[Shape], box: tuple[int, int, int, int]) -> Grid:
    x0, y0, x1, y1 = box
    xs = (np.arange(x0, x1, dtype=np.float32) + np.float32(0.5))[None, :]
    ys = (np.arange(y0, y1, dtype=np.float32) + np.float32(0.5))[:, None]
    cover = shapes[0].coverage(xs, ys, (x0, y0))
    for shape in shapes[1:]:
        np.maximum(cover, shape.coverage(xs, ys, (x0, y0)), out=cover)
    return cover


def _blur(image: Grid, sigma: float) -> Grid:
    """Gaussian-like blur; stack blur (constant cost per pixel) for wide kernels."""
    if sigma <= 3.0:
        out = cv2.GaussianBlur(image, (0, 0), sigma)
    else:
        k = 2 * round(2.5 * sigma) + 1
        out = cv2.stackBlur(image, (k, k))
    return np.asarray(out, dtype=np.float32)


def _translate(image: Image, offset: FloatArray) -> Image:
    """``image`` moved by ``offset`` pixels (sub-pixel, zeros coming in)."""
    h, w = image.shape[:2]
    move = np.array([[1.0, 0.0, offset[0]], [0.0, 1.0, offset[1]]], dtype=np.float32)
    out = cv2.warpAffine(image, move, (w, h), borderMode=cv2.BORDER_CONSTANT, borderValue=(0,))
    return np.asarray(out, dtype=np.float32)


def paint(
    image: Image,
    shapes: Sequence[Shape],
    color: Sequence[float],
    *,
    softness: float,
    ambient: float = 0.42,
    gloss: float = 0.10,
    shade: float = 1.0,
) -> None:
    """Fill the union of ``shapes`` with ``color`` (RGB, 0..1), shaded as a rounded solid.

    Parameters
    ----------
    image
        ``H x W x 3`` float32 canvas, drawn on in place.
    shapes
        The shapes whose union is the part.
    color
        Base colour.
    softness
        Roughly the part's half-thickness in pixels: how far from the edge the shading reaches.
    ambient
        Brightness of the part's darkest, unlit edge relative to its lit middle.
    gloss
        Strength of a soft highlight towards the light.
    shade
        Overall brightness factor (far-side limbs are drawn darker).
    """
    soft = max(1.0, softness)
    box = _crop(image, shapes, 2 * soft)
    if box is None:
        return
    cover = _coverage(shapes, box)
    if not cover.any():
        return
    sigma = 0.55 * soft
    blurred = _blur(cover, sigma)
    shift = LIGHT * 0.55 * soft
    lit = _translate(blurred, shift)
    np.clip(lit, 0.0, 1.0, out=lit)
    light = np.float32(ambient) + np.float32(1.0 - ambient) * np.sqrt(lit)
    if gloss:
        highlight = _translate(blurred, 1.6 * shift)
        light += np.float32(gloss) * np.clip(highlight * 2.0 - 1.4, 0.0, 1.0)
    tone = np.asarray(color, np.float32) * np.float32(shade)
    x0, y0, x1, y1 = box
    region = image[y0:y1, x0:x1]
    alpha = cover[..., None]
    colour = light[..., None] * tone
    np.clip(colour, 0.0, 1.0, out=colour)
    region += alpha * (colour - region)


def paint_flat(
    image: Image,
    shapes: Sequence[Shape],
    color: Sequence[float],
    *,
    opacity: float = 1.0,
    blur: float = 0.0,
) -> None:
    """Fill the union of ``shapes`` with a flat colour, optionally softened (shadows, lines)."""
    box = _crop(image, shapes, 3 * blur + 1)
    if box is None:
        return
    cover = _coverage(shapes, box)
    if blur:
        cover = _blur(cover, blur)
    x0, y0, x1, y1 = box
    region = image[y0:y1, x0:x1]
    alpha = (cover * np.float32(opacity))[..., None]
    region += alpha * (np.asarray(color, np.float32) - region)

"""Display orientation: how a decoded picture must be turned to look the way a player shows it.

Phones store a portrait video as landscape pictures plus a *display matrix* (MP4 ``tkhd`` matrix,
FFmpeg's ``DISPLAYMATRIX`` side data) or, in older files, a ``rotate`` tag. Players apply it; so does
guru_form, following FFmpeg's own ``autorotate`` rules so that frames come out exactly as ``ffplay``,
browsers and OpenCV (``CAP_PROP_ORIENTATION_AUTO``) show them.

An :class:`Orientation` is a number of counter-clockwise quarter turns followed by an optional
vertical flip; together these express all eight rotations and mirrorings a display matrix can hold.
Rotations that are not a multiple of 90 degrees are rounded to the nearest quarter turn.

Examples
--------
>>> import numpy as np
>>> img = np.arange(6, dtype=np.uint8).reshape(2, 3)
>>> Orientation.from_rotate_tag("90").apply(img).shape  # 90 degrees clockwise
(3, 2)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from guru_form.errors import InvalidInputError

__all__ = ["Orientation"]

_FIXED_ONE = 65536.0  # display matrix entries 0, 1, 3, 4 are 16.16 fixed point


@dataclass(frozen=True)
class Orientation:
    """Quarter turns (counter-clockwise) then an optional vertical flip.

    Attributes
    ----------
    quarter_turns
        0..3 counter-clockwise quarter turns, applied first.
    flip
        Mirror top-to-bottom after turning.
    """

    quarter_turns: int = 0
    flip: bool = False

    @property
    def is_identity(self) -> bool:
        """True when the picture is shown as stored."""
        return self.quarter_turns % 4 == 0 and not self.flip

    @property
    def swaps_axes(self) -> bool:
        """True when width and height trade places (a portrait video stored landscape)."""
        return self.quarter_turns % 2 == 1

    @property
    def degrees_clockwise(self) -> int:
        """The turn as a player would describe it: 0, 90, 180 or 270 degrees clockwise."""
        return (-90 * self.quarter_turns) % 360

    def display_size(self, width: int, height: int) -> tuple[int, int]:
        """``(width, height)`` of a ``width`` x ``height`` picture once oriented.

        Parameters
        ----------
        width, height
            The stored picture's size in pixels.

        Returns
        -------
        tuple of int
            ``(width, height)`` as displayed: swapped by a quarter turn.
        """
        return (height, width) if self.swaps_axes else (width, height)

    def apply(self, image: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
        """The picture as displayed (a contiguous array; the input is not changed).

        Parameters
        ----------
        image
            The stored picture, ``(height, width, channels)``.

        Returns
        -------
        numpy.ndarray
            The picture turned and flipped for display.
        """
        out = np.rot90(image, self.quarter_turns % 4) if self.quarter_turns % 4 else image
        if self.flip:
            out = out[::-1]
        return np.ascontiguousarray(out)

    @classmethod
    def from_display_matrix(cls, matrix: Sequence[int]) -> Orientation:
        """Read FFmpeg's 3x3 display matrix (9 int32, row-major) the way ``ffmpeg`` does.

        Mirrors ``fftools``: the rotation is ``-av_display_rotation_get(matrix)`` degrees
        clockwise, and the sign of the matrix entries picks the transpose/flip variant.

        Parameters
        ----------
        matrix
            The 9 entries of the frame's display-matrix side data (16.16 fixed point).

        Returns
        -------
        Orientation
            The identity for a degenerate matrix.

        Raises
        ------
        InvalidInputError
            Not 9 entries.
        """
        m = [int(v) for v in matrix]
        if len(m) != 9:
            raise InvalidInputError(
                f"a display matrix has 9 entries, got {len(m)}; pass the frame's DISPLAYMATRIX "
                "side data as 9 int32"
            )
        a, b, c, d = (m[i] / _FIXED_ONE for i in (0, 1, 3, 4))
        scale_x, scale_y = math.hypot(a, c), math.hypot(b, d)
        if scale_x == 0.0 or scale_y == 0.0:
            return cls()
        # av_display_rotation_get() returns -atan2(b, a); fftools negates it again.
        theta = round(math.degrees(math.atan2(b / scale_y, a / scale_x)))
        theta -= 360 * math.floor(theta / 360 + 0.9 / 360)
        if abs(theta - 90) < 1:
            return cls(1, True) if m[3] > 0 else cls(3, False)
        if abs(theta - 180) < 1:
            hflip, vflip = m[0] < 0, m[4] < 0
            if hflip and vflip:
                return cls(2, False)
            if hflip:
                return cls(2, True)
            return cls(0, vflip)
        if abs(theta - 270) < 1:
            return cls(3, True) if m[3] < 0 else cls(1, False)
        if abs(theta) < 1 or abs(theta - 360) < 1:
            return cls(0, m[4] < 0)
        return cls._from_clockwise(theta)

    @classmethod
    def from_rotate_tag(cls, value: str | int | float) -> Orientation:
        """Read a legacy ``rotate`` metadata tag (degrees clockwise, as players apply it).

        Parameters
        ----------
        value
            The tag, e.g. ``"90"``; rounded to quarter turns.

        Returns
        -------
        Orientation
            The identity for a tag that is not a number.
        """
        try:
            degrees = float(value)
        except (TypeError, ValueError):
            return cls()
        return cls._from_clockwise(degrees)

    @classmethod
    def _from_clockwise(cls, degrees: float) -> Orientation:
        turns = round(degrees / 90.0)
        return cls((-turns) % 4, False)

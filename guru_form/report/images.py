"""Pictures for a report: matplotlib figures and RGB images as self-contained ``data:`` URIs.

A report is one file, so nothing it shows may live elsewhere: every chart and frame is encoded
into the page itself (base64), which also keeps it readable offline and by e-mail.

Examples
--------
>>> import numpy as np
>>> uri = image_data_uri(np.zeros((8, 8, 3), np.uint8))
>>> uri.startswith("data:image/jpeg;base64,")
True
"""

from __future__ import annotations

import base64
import io
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np
import numpy.typing as npt

from guru_form.errors import InvalidInputError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Picture",
    "figure_picture",
    "figure_png",
    "image_data_uri",
    "image_picture",
    "jpeg_bytes",
    "smallest_text_pt",
]

#: Charts are drawn at this resolution: sharp on a phone's high-density screen and in print.
CHART_DPI = 144


@dataclass(frozen=True)
class Picture:
    """An embedded picture: its ``data:`` URI, pixel size and alternative text.

    Attributes
    ----------
    src, width, height, alt
        The picture, its size in pixels and its text for screen readers.
    text_px
        The height in the picture's own pixels of its smallest text (a chart's font size in
        points times its dots per inch / 72), or None when unknown (a photograph).
    narrow
        The same content laid out for narrow screens (a phone), shown there instead; None for
        none.
    """

    src: str
    width: int
    height: int
    alt: str
    text_px: float | None = None
    narrow: Picture | None = None


def figure_png(figure: Figure, *, dpi: int = CHART_DPI) -> bytes:
    """The figure as PNG bytes (white background)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def smallest_text_pt(figure: Figure) -> float | None:
    """The size in points of the smallest visible text of a drawn figure (ticks, labels,
    legends, value labels), or None for a figure without text."""
    from matplotlib.text import Text

    sizes = [
        float(t.get_fontsize())
        for t in figure.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_figure() is not None
    ]
    return min(sizes, default=None)


def figure_picture(figure: Figure, alt: str, *, dpi: int = CHART_DPI) -> Picture:
    """A figure as an embedded PNG, with the pixel height of its smallest text."""
    data = figure_png(figure, dpi=dpi)
    # The size as written (PNG's IHDR chunk), not as computed: the renderer rounds its own way.
    width, height = struct.unpack(">II", data[16:24])
    smallest = smallest_text_pt(figure)
    text_px = None if smallest is None else smallest * dpi / 72.0
    return Picture(_data_uri(data, "image/png"), width, height, alt, text_px)


def image_data_uri(image: npt.NDArray[np.uint8], *, quality: int = 85) -> str:
    """An RGB ``uint8`` image as a JPEG ``data:`` URI (photographs compress far better as JPEG)."""
    return _data_uri(jpeg_bytes(image, quality), "image/jpeg")


def image_picture(image: npt.NDArray[np.uint8], alt: str, *, quality: int = 85) -> Picture:
    """An RGB image (a contact sheet, a frame) as an embedded JPEG."""
    return Picture(image_data_uri(image, quality=quality), image.shape[1], image.shape[0], alt)


def jpeg_bytes(image: npt.NDArray[np.uint8], quality: int = 85) -> bytes:
    """An RGB ``uint8`` image as JPEG bytes."""
    array = np.asarray(image)
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] != 3:
        raise InvalidInputError(f"expected an RGB uint8 image, got {array.dtype} {array.shape}")
    ok, data = cv2.imencode(
        ".jpg", np.ascontiguousarray(array[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, int(quality)]
    )
    if not ok:  # pragma: no cover - OpenCV gives no reason
        raise InvalidInputError(f"OpenCV could not encode a {array.shape} image as JPEG")
    return bytes(data.tobytes())


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"

"""Write files so that a failure leaves nothing half-written behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from guru_form._atomic import atomic_path
from guru_form.errors import InvalidInputError

__all__ = ["atomic_path", "encode_image", "ensure_directory", "staged_directory"]


def ensure_directory(directory: str | os.PathLike[str]) -> Path:
    """Create ``directory`` (and parents) if needed; reject a path that is a file."""
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise InvalidInputError(f"{path} is a file; pass a folder to write into")
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def staged_directory(directory: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a hidden staging folder inside ``directory``; move its files into ``directory`` on
    success, delete it on failure (so a batch is written whole or not at all).

    A ``directory`` that this call created is removed again when the batch fails, so a failed
    export leaves no empty folder behind.
    """
    created = not Path(directory).exists()
    final = ensure_directory(directory)
    stage = Path(tempfile.mkdtemp(prefix=".guru_form-", dir=final))
    try:
        yield stage
        for item in sorted(stage.iterdir()):
            item.replace(final / item.name)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if created:
            with contextlib.suppress(OSError):
                final.rmdir()  # only if empty: never removes what someone else put there
        raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def encode_image(image: npt.NDArray[np.uint8], suffix: str) -> bytes:
    """Encode an RGB (or grey) image as PNG/JPEG bytes, by file suffix."""
    ext = suffix.lower() if suffix.startswith(".") else f".{suffix.lower()}"
    if ext not in (".png", ".jpg", ".jpeg", ".webp"):
        raise InvalidInputError(f"cannot write images as {suffix!r}; use png, jpg or webp")
    bgr = image[..., ::-1] if image.ndim == 3 else image
    params = [cv2.IMWRITE_PNG_COMPRESSION, 9] if ext == ".png" else []
    ok, data = cv2.imencode(ext, np.ascontiguousarray(bgr), params)
    if not ok:  # pragma: no cover - OpenCV reports no reason
        raise InvalidInputError(f"OpenCV could not encode a {image.shape} image as {ext}")
    return bytes(data.tobytes())

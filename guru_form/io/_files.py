"""Small file helpers shared by the io modules: whole-or-nothing writes, clear missing-file errors."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from guru_form.errors import InvalidInputError

__all__ = ["existing_file", "target_path", "write_atomic", "write_text_atomic"]


def target_path(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path, its folder created."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def existing_file(path: str | os.PathLike[str], what: str) -> Path:
    """``path`` as a Path; :class:`InvalidInputError` naming ``what`` when it is not a file."""
    source = Path(path)
    if not source.is_file():
        problem = "is a folder, not a file" if source.is_dir() else "does not exist"
        raise InvalidInputError(f"{source}: no such {what} file ({problem})")
    return source


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Write a file whole or not at all: ``write(tmp)`` fills a temporary file that then replaces it.

    The temporary file is in the same folder with a unique name, so concurrent writers never
    share one; a writer that fails leaves the old file (if any) as it was.

    Returns
    -------
    Path
        The file written.
    """
    target = target_path(path)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text whole or not at all (see :func:`write_atomic`)."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))

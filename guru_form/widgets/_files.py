"""Uploaded videos on disk: safe temporary files and the names shown for them.

A browser sends a file's bytes with the name the user's machine gave it. That name is shown to
the user (cleaned of path parts and control characters) but never used to build a path: each
upload is written to a private temporary folder under a name made here (a counter, random hex and
a known video suffix), with exclusive creation, so nothing outside the folder is ever written or
overwritten.

Examples
--------
>>> display_name("../../etc/passwd.mp4", set())
'passwd.mp4'
>>> safe_suffix("clip.MOV"), safe_suffix("evil.sh"), safe_suffix("no_suffix")
('.mov', '', '')
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import unicodedata
import weakref
from pathlib import Path, PurePosixPath

__all__ = ["VIDEO_SUFFIXES", "UploadFolder", "display_name", "safe_suffix"]

#: Suffixes kept on an uploaded file's temporary copy (they help the decoder guess the format).
VIDEO_SUFFIXES = frozenset(
    {".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".3gp", ".wmv", ".ts"}
)
MAX_NAME_LENGTH = 80


def display_name(name: object, taken: set[str]) -> str:
    """A clean, unique name to show for an uploaded file (added to ``taken``).

    Path parts (``/`` and ``\\``), control and format characters are dropped and the name is cut
    to 80 characters; a name already in ``taken`` gets `` (2)``, `` (3)``, ...
    """
    text = str(name).replace("\\", "/")
    base = PurePosixPath(text).name if text.strip("/") else ""
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if base in ("", ".", ".."):
        base = "video"
    base = base[:MAX_NAME_LENGTH]
    unique, n = base, 2
    while unique in taken:
        unique, n = f"{base} ({n})", n + 1
    taken.add(unique)
    return unique


def safe_suffix(name: object) -> str:
    """The file's suffix in lower case if it is a known video suffix, else ``""``."""
    suffix = PurePosixPath(str(name).replace("\\", "/")).suffix.lower()
    return suffix if suffix in VIDEO_SUFFIXES else ""


class UploadFolder:
    """A private temporary folder for uploaded videos, removed by :meth:`cleanup` (or when the
    object is garbage-collected, or at exit).

    Parameters
    ----------
    parent
        Where to make the folder (default: the system's temporary folder).
    """

    def __init__(self, parent: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="guru_form-uploads-", dir=parent))
        self._count = 0
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)

    def write(self, content: bytes | memoryview, original_name: object) -> Path:
        """Write one upload's bytes to a new file; the original name only lends its suffix."""
        self._count += 1
        target = self.path / (
            f"upload-{self._count:03d}-{secrets.token_hex(6)}{safe_suffix(original_name)}"
        )
        with target.open("xb") as file:  # exclusive: never replaces anything
            file.write(content)
        return target

    def cleanup(self) -> None:
        """Remove the folder and everything in it."""
        self._finalizer()

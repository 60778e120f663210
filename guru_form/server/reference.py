"""The reference engine: exact answers for videos whose ground truth is known.

It reads folders of ``<name>.<video extension>`` + ``<name>.json`` pairs (the sidecar is a Guru analysis
JSON, as :meth:`guru_form.Analysis.load` reads it) and answers a video by its content: an upload that is
byte-for-byte one of those videos gets that video's ground truth. By default the folder is the bundled
``sample_videos``. Any other video ends ``Failed`` with a reason that says how to get real analysis.

The folders are rescanned when a video is not found, so pairs added while the server runs are seen;
hashes are cached by (path, size, modification time), and a video is hashed only when some known video
has its size.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from guru_form._install import install_command
from guru_form.errors import EngineError
from guru_form.models import Activity, Analysis, Domain
from guru_form.server._paths import sample_videos_dir

__all__ = ["VIDEO_SUFFIXES", "ReferenceEngine", "file_sha256"]

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")
_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's content, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ReferenceEngine:
    """Answers known videos with their ground-truth sidecar.

    Parameters
    ----------
    dirs
        Folders holding ``(video, JSON sidecar)`` pairs; None means the bundled sample videos.

    Examples
    --------
    >>> engine = ReferenceEngine(["sample_videos"])
    >>> engine.name
    'reference'
    """

    name = "reference"

    def __init__(self, dirs: Sequence[str | os.PathLike[str]] | None = None) -> None:
        self.dirs = [Path(d) for d in dirs] if dirs else [sample_videos_dir()]
        self._lock = threading.Lock()
        self._hashes: dict[tuple[Path, int, int], str] = {}

    def __repr__(self) -> str:
        return f"ReferenceEngine(dirs={[str(d) for d in self.dirs]!r})"

    def pairs(self) -> list[tuple[Path, Path]]:
        """Every ``(video, sidecar)`` pair in the folders, sorted by path."""
        found = []
        for folder in self.dirs:
            if not folder.is_dir():
                continue
            for video in sorted(folder.iterdir()):
                sidecar = video.with_suffix(".json")
                if video.suffix.lower() in VIDEO_SUFFIXES and sidecar.is_file():
                    found.append((video, sidecar))
        return found

    def _hash(self, path: Path, stat: os.stat_result) -> str:
        key = (path, stat.st_size, stat.st_mtime_ns)
        with self._lock:
            cached = self._hashes.get(key)
        if cached is None:
            cached = file_sha256(path)
            with self._lock:
                self._hashes[key] = cached
        return cached

    def find(self, video_path: Path) -> Path | None:
        """The sidecar of the known video with the same content as ``video_path``, or None."""
        size = video_path.stat().st_size
        candidates = []
        for video, sidecar in self.pairs():
            stat = video.stat()
            if stat.st_size == size:
                candidates.append((video, stat, sidecar))
        if not candidates:
            return None
        wanted = file_sha256(video_path)
        for video, stat, sidecar in candidates:
            if self._hash(video, stat) == wanted:
                return sidecar
        return None

    def analyze(
        self,
        video_path: Path,
        *,
        activity: Activity | None,
        domain: Domain | None,
        rep_count: int | None,
    ) -> dict[str, Any]:
        """The ground truth of a known video.

        Raises
        ------
        EngineError
            When the video is not one of the known videos, or its sidecar cannot be read.
        """
        sidecar = self.find(Path(video_path))
        if sidecar is None:
            known = len(self.pairs())
            where = ", ".join(str(d) for d in self.dirs)
            raise EngineError(
                f"the server runs the reference engine, which knows only the {known} sample "
                f"video(s) in {where} (matched by content), and this video is not one of them. "
                f"Real analysis of any video needs the local pose engine: "
                f"{install_command('pose')}, then restart the server with engine 'auto' or 'pose'"
            )
        try:
            truth = Analysis.load(sidecar)
        except ValueError as exc:
            raise EngineError(f"the ground truth {sidecar.name} cannot be read: {exc}") from exc
        body = truth.to_json()
        body.pop("videoId", None)
        body["status"] = "Complete"
        return body

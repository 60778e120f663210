"""The on-disk record of what was uploaded and analysed, so no video is uploaded twice.

An entry is keyed by the server (its base URL; for guru_form's embedded server its data folder,
engine and the engine's stride, so a stride-2 result never answers a stride-1 request), the video's
content (SHA-256) and the activity. It is *created* (a video was created for the content and its
upload began, but was not confirmed: a re-run asks the server whether the file arrived before
creating another video), *uploaded* (the video's id, analysis not collected yet: a re-run polls
that video instead of uploading again) or *complete* (the analysis itself: a re-run returns it
without any request). An analysis that ended ``Failed`` is not kept: the entry is dropped, so
analysing the video again submits it afresh.

Layout, under the cache directory::

    analyses/<server-key>/server.txt                    the server's identity (its base URL)
    analyses/<server-key>/<sha256>.<activity>.json      one entry
    analyses/<server-key>/locks/<sha256>.<activity>.lock  held while that video is being created
                                                        and uploaded (:meth:`ResultCache.lock`)

The directory is ``$GURU_FORM_HOME/cache`` when ``GURU_FORM_HOME`` is set, else the platform's
user cache directory (``~/.cache/guru_form`` on Linux, ``~/Library/Caches/guru_form`` on macOS,
``%LOCALAPPDATA%\\guru_form\\Cache`` on Windows). Files are written atomically; deleting the
directory only costs re-uploads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guru_form.client._entry_lock import EntryLock
from guru_form.errors import SchemaError
from guru_form.models import Activity, Analysis, Status

__all__ = ["CacheEntry", "ResultCache", "default_cache_dir", "file_sha256"]

logger = logging.getLogger("guru_form.client")

ENV_HOME = "GURU_FORM_HOME"
_CHUNK = 1024 * 1024


def default_cache_dir() -> Path:
    """``$GURU_FORM_HOME/cache``, else the platform's user cache directory for guru_form."""
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home).expanduser() / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("guru_form", appauthor=False))


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB chunks (memory stays flat)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class CacheEntry:
    """What the cache knows about one video on one server.

    Attributes
    ----------
    video_id
        The id it was uploaded as (or created as, when ``uploaded`` is False).
    analysis
        The finished analysis, or None while it is not collected yet.
    uploaded
        False when the video was created and its upload began but never was confirmed (the
        answer may have been lost after the server stored the file): ask the server.
    """

    video_id: str
    analysis: Analysis | None = None
    uploaded: bool = True


class ResultCache:
    """Uploads and finished analyses, per server, content and activity.

    Parameters
    ----------
    root
        The cache directory (see the module docs for the default).
    server
        The server's identity: its base URL, or for the embedded server
        :attr:`guru_form.server.embedded.EmbeddedServer.identity`.
    """

    def __init__(self, root: Path, server: str) -> None:
        self.root = Path(root)
        self.server = server
        self._dir = self.root / "analyses" / hashlib.sha256(server.encode()).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"ResultCache({str(self.root)!r}, server={self.server!r})"

    def key(
        self, content_sha256: str, activity: Activity | str | None, rep_count: int | None = None
    ) -> str:
        """The entry name for a video's content, activity and rep-count hint.

        An activity name guru_form does not know is kept, its characters other than letters,
        digits, ``_`` and ``-`` made ``_``. The analysis depends on the hint the server was
        given, so a hint makes its own entry (``<sha>.<activity>.reps<n>``).
        """
        name = "any" if activity is None else re.sub(r"[^A-Za-z0-9_-]", "_", str(activity))
        hint = "" if rep_count is None else f".reps{int(rep_count)}"
        return f"{content_sha256}.{name}{hint}"

    def _path(self, key: str) -> Path:
        return self._dir / f"{key}.json"

    def lock(self, key: str) -> EntryLock:
        """The lock to hold around reading ``key``'s entry, creating its video and uploading it.

        It excludes every other holder of the same entry's lock: in this client, in other client
        objects and threads, and in other processes using this cache folder.
        """
        return EntryLock(self._dir / "locks" / f"{key}.lock")

    def get(self, key: str) -> CacheEntry | None:
        """The entry for ``key``, or None (an unreadable entry counts as none)."""
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            video_id = str(data["video_id"])
            uploaded = data.get("state", "uploaded") != "created"
            raw = data.get("analysis")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("ignoring unreadable cache entry %s (%s)", path, exc)
            return None
        try:
            analysis = None if raw is None else Analysis.from_json(raw, video_id=video_id)
        except SchemaError as exc:
            # the video is known: poll it again rather than upload it under a second id
            logger.warning("ignoring the malformed analysis cached in %s (%s)", path, exc)
            analysis = None
        if analysis is not None and analysis.status is not Status.COMPLETE:
            analysis = None
        if analysis is not None and self._track_path(key).exists():
            analysis.pose_track = self._read_track(key)
        return CacheEntry(video_id=video_id, analysis=analysis, uploaded=uploaded)

    def _track_path(self, key: str) -> Path:
        from guru_form.io.pose_parquet import sidecar_path

        return sidecar_path(self._path(key))

    def _read_track(self, key: str) -> Any:
        from guru_form.io.pose_parquet import from_pose_parquet

        try:
            return from_pose_parquet(self._track_path(key))
        except (OSError, ValueError, ImportError) as exc:
            logger.warning("ignoring unreadable cached pose track of %s (%s)", key, exc)
            return None

    def record_created(self, key: str, video_id: str, *, source_path: Path) -> None:
        """Record that ``video_id`` was created for this content and its upload is starting."""
        self._write(key, {"video_id": video_id, "path": str(source_path), "state": "created"})

    def record_uploaded(self, key: str, video_id: str, *, source_path: Path) -> None:
        """Record that the video was uploaded as ``video_id`` (its analysis not collected yet)."""
        self._write(key, {"video_id": video_id, "path": str(source_path), "state": "uploaded"})

    def record_complete(self, key: str, analysis: Analysis, *, source_path: Path) -> None:
        """Record a finished analysis."""
        assert analysis.video_id is not None
        if analysis.pose_track is not None:
            from guru_form.io.pose_parquet import to_pose_parquet

            to_pose_parquet(analysis.pose_track, self._track_path(key))
        self._write(
            key,
            {
                "video_id": analysis.video_id,
                "path": str(source_path),
                "state": "complete",
                "analysis": analysis.raw,
            },
        )

    def forget(self, key: str) -> None:
        """Drop an entry (the server no longer knows the video, or its analysis failed)."""
        self._path(key).unlink(missing_ok=True)
        self._track_path(key).unlink(missing_ok=True)

    def _write(self, key: str, data: dict[str, Any]) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        marker = self._dir / "server.txt"
        if not marker.exists():
            marker.write_text(self.server + "\n", encoding="utf-8")
        data = {**data, "server": self.server, "written_at": time.time()}
        path = self._path(key)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{id(data)}.tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)

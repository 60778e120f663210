"""``guru-form backup DIR``: a consistent copy of a server's data folder, taken while it runs.

The database is copied with SQLite's online backup API, so the copy holds everything committed,
also what still sits in the WAL (copying ``guru.sqlite3`` alone would miss it), and is checked
(``PRAGMA quick_check``) before it replaces an older copy. Then the credentials, the signing key, the
uploaded videos and the analysis artifacts are copied; files a previous backup into the same folder
already holds (same size and time) are skipped. Videos stored after the database was copied are
copied too and simply unknown to that copy. Everything is owner-only.

Restore (README, "Backup and restore"): stop every server on the data folder, then copy the backup
back into it (``cp -a DIR/. DATA/``); or start a server on the backup folder itself.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from guru_form.errors import GuruError
from guru_form.server._paths import PRIVATE_FILE_MODE, ensure_private_dir
from guru_form.server.config import CREDENTIALS_NAME, DATABASE_NAME, SIGNING_KEY_NAME

__all__ = ["BackupResult", "backup_data_folder"]

_TREES = ("videos", "artifacts")


@dataclass(frozen=True)
class BackupResult:
    """What a backup copied.

    Attributes
    ----------
    folder
        The backup folder.
    videos
        How many video records the database copy holds.
    files_copied, bytes_copied
        Files (other than the database) copied this time, and their bytes.
    files_kept
        Files an earlier backup into the same folder already held.
    """

    folder: Path
    videos: int
    files_copied: int
    bytes_copied: int
    files_kept: int


def backup_data_folder(
    data_dir: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    *,
    progress: Callable[[int], object] | None = None,
) -> BackupResult:
    """Copy a server's data folder to ``dest``, consistently, while servers may be running on it.

    Parameters
    ----------
    data_dir
        The server's data folder.
    dest
        The backup folder (created if missing; an earlier backup there is brought up to date).
    progress
        Called with the bytes of each file as it is copied.

    Raises
    ------
    GuruError
        When ``data_dir`` holds no guru_form database, or ``dest`` is inside it (or it in
        ``dest``).
    """
    source = Path(data_dir).expanduser().resolve()
    target = Path(dest).expanduser().resolve()
    database = source / DATABASE_NAME
    if not database.is_file():
        raise GuruError(f"{source} is not a guru_form data folder: it has no {DATABASE_NAME}")
    if target == source or source in target.parents or target in source.parents:
        raise GuruError(
            f"the backup folder {target} must be outside the data folder {source} (and not hold it)"
        )
    ensure_private_dir(target)
    videos = _copy_database(database, target / DATABASE_NAME)
    copied = kept = size = 0
    for path in _files(source):
        relative = path.relative_to(source)
        destination = target / relative
        info = path.stat()
        if destination.is_file():
            there = destination.stat()
            if there.st_size == info.st_size and there.st_mtime_ns == info.st_mtime_ns:
                kept += 1
                continue
        ensure_private_dir(destination.parent)
        partial = destination.with_name(f".{destination.name}.partial")
        shutil.copy2(path, partial)
        partial.chmod(PRIVATE_FILE_MODE)
        partial.replace(destination)
        copied += 1
        size += info.st_size
        if progress is not None:
            progress(info.st_size)
    return BackupResult(target, videos, copied, size, kept)


def _files(source: Path) -> Iterator[Path]:
    for name in (CREDENTIALS_NAME, SIGNING_KEY_NAME):
        if (source / name).is_file():
            yield source / name
    for tree in _TREES:
        root = source / tree
        if root.is_dir():
            yield from sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _copy_database(database: Path, destination: Path) -> int:
    """Copy the live database with SQLite's backup API; how many videos the copy holds."""
    partial = destination.with_name(f".{destination.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    try:
        with closing(sqlite3.connect(database)) as live, closing(sqlite3.connect(partial)) as copy:
            live.execute("PRAGMA busy_timeout=5000")
            live.backup(copy)
            problem = copy.execute("PRAGMA quick_check").fetchone()[0]
            if problem != "ok":
                raise GuruError(f"the copy of {database} fails SQLite's check ({problem})")
            videos = int(copy.execute("SELECT count(*) FROM videos").fetchone()[0])
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        for stale in ("-wal", "-shm"):
            destination.with_name(destination.name + stale).unlink(missing_ok=True)
        partial.replace(destination)
    except sqlite3.DatabaseError as exc:
        raise GuruError(f"cannot back up {database}: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return videos

"""A data folder that several servers share safely, and that only its owner can read.

Several servers may run on one data folder at once (two notebooks, each with its embedded server,
or a ``guru-form serve`` beside them). What they share is made safe for it:

- the database: SQLite in WAL mode serialises writes across processes, and an upload form is
  claimed in one transaction, so it works once whichever server receives it;
- start-up (making the folder private, clearing what dead servers left, creating, checking or
  migrating the database, creating the signing key) runs under an exclusive lock on
  ``server.lock``: one server at a time;
- half-received uploads: each server writes them to a temporary folder of its own,
  ``tmp/<pid>-<random>/``, whose lock file ``tmp/<pid>-<random>.lock`` it holds while it runs. At
  start a server removes only the temporary folders whose lock is free (their server is gone),
  never a running server's;
- stored uploads (``videos/<id>.<ext>``) and analysis artifacts (``artifacts/<id>-<n>/``) have one
  name per video.

Each server analyses the uploads it received; a video that was pending when two servers started is
analysed by both, and the first result is kept.

Everything in the folder is owner-only (folders 0700, files 0600), whatever it was before: the folder
and what guru_form keeps there are made so at every start.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from guru_form.errors import GuruError
from guru_form.server._paths import (
    PRIVATE_FILE_MODE,
    ensure_private_dir,
    make_private_tree,
)

__all__ = ["DataFolder"]

START_LOCK_NAME = "server.lock"
TMP_NAME = "tmp"
SUBFOLDERS = ("videos", "artifacts", TMP_NAME)
_START_TIMEOUT_S = 60.0


class DataFolder:
    """The data folder of a server, and this server's own temporary folder in it.

    Parameters
    ----------
    path
        The data folder (created if missing).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tmp: Path | None = None
        self._tmp_lock: FileLock | None = None

    def __repr__(self) -> str:
        return f"DataFolder({str(self.path)!r})"

    @contextmanager
    def starting(self, timeout_s: float = _START_TIMEOUT_S) -> Iterator[None]:
        """Hold the start-up lock: one server at a time opens this folder.

        Raises
        ------
        GuruError
            When another server holds it for more than ``timeout_s`` seconds.
        """
        ensure_private_dir(self.path)
        lock = FileLock(self.path / START_LOCK_NAME, mode=PRIVATE_FILE_MODE, thread_local=False)
        try:
            lock.acquire(timeout=timeout_s)
        except Timeout:
            raise GuruError(
                f"another guru_form server has been starting on {self.path} for more than "
                f"{timeout_s:g} s; wait for it, or stop it"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def make_private(self, files: Iterable[str]) -> None:
        """Make the folder, its subfolders and the named files in it owner-only.

        A name ending in ``*`` stands for every file it begins (``guru.sqlite3*``: the database
        and its WAL files). Other files in the folder are left as they are.
        """
        ensure_private_dir(self.path)
        prefixes = tuple(name[:-1] for name in files if name.endswith("*"))
        exact = {name for name in files if not name.endswith("*")} | {START_LOCK_NAME}
        for entry in self.path.iterdir():
            if entry.name in SUBFOLDERS or (
                entry.name in exact or (prefixes and entry.name.startswith(prefixes))
            ):
                make_private_tree(entry)

    def holds_uploads(self) -> bool:
        """True when ``videos/`` holds any file: the database then has records to lose."""
        videos = self.path / "videos"
        return videos.is_dir() and any(videos.iterdir())

    def clear_stale_tmp(self) -> None:
        """Remove the temporary folders (and loose files) of servers that are gone.

        A folder whose lock another running server holds is left alone. Loose files directly in
        ``tmp/`` come from guru_form versions before per-server folders, and are removed.
        """
        root = self.path / TMP_NAME
        if not root.is_dir():
            return
        for entry in root.iterdir():
            if entry.suffix == ".lock" or entry.is_symlink():
                continue
            if entry.is_dir():
                self._remove_if_orphan(entry)
            else:
                entry.unlink(missing_ok=True)
        for lock_file in root.glob("*.lock"):
            if not lock_file.with_suffix("").exists():
                self._remove_if_orphan(lock_file.with_suffix(""))

    @staticmethod
    def _remove_if_orphan(folder: Path) -> None:
        lock_file = folder.with_name(f"{folder.name}.lock")
        lock = FileLock(lock_file, mode=PRIVATE_FILE_MODE, thread_local=False)
        try:
            lock.acquire(blocking=False)
        except Timeout:
            return  # its server is running
        try:
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            lock.release()
            lock_file.unlink(missing_ok=True)

    def claim_tmp(self) -> Path:
        """Create and lock this server's own temporary folder; return it."""
        if self._tmp is not None:
            return self._tmp
        root = ensure_private_dir(self.path / TMP_NAME)
        name = f"{os.getpid()}-{secrets.token_hex(4)}"
        lock = FileLock(root / f"{name}.lock", mode=PRIVATE_FILE_MODE, thread_local=False)
        lock.acquire(blocking=False)  # a new name: nobody else holds it
        self._tmp_lock = lock
        self._tmp = ensure_private_dir(root / name)
        return self._tmp

    @property
    def tmp(self) -> Path:
        """This server's temporary folder (see :meth:`claim_tmp`)."""
        if self._tmp is None:
            raise RuntimeError("the server has no temporary folder: it is not running")
        return self._tmp

    def release_tmp(self) -> None:
        """Remove this server's temporary folder and let go of its lock."""
        if self._tmp is None or self._tmp_lock is None:
            return
        shutil.rmtree(self._tmp, ignore_errors=True)
        lock_file = Path(self._tmp_lock.lock_file)
        self._tmp_lock.release()
        lock_file.unlink(missing_ok=True)
        self._tmp = self._tmp_lock = None

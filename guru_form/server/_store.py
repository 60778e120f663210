"""The server's state in SQLite: video records, their analyses, and issued tokens.

One connection, shared by the event loop and the job runner's callbacks behind a lock. SQLite in WAL
mode answers these small queries in well under a millisecond, so calling it from async handlers is
cheaper than a hop to a thread. Tokens are stored only as SHA-256 digests.

Schema versions (``PRAGMA user_version``), migrated forward when a data folder is opened:

1. videos and tokens.
2. ``videos.engine_spec``: the engine settings (name, stride, reference folders; JSON) an upload
   was queued with, so a restarted server analyses it with those, whatever it was started with.
   Rows from version 1 have none (NULL) and are analysed by the server's own engine, as before.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guru_form.errors import GuruError
from guru_form.server._paths import PRIVATE_FILE_MODE

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS videos (
    id TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    size INTEGER NOT NULL,
    domain TEXT,
    activity TEXT,
    rep_count INTEGER,
    source TEXT,
    created_at REAL NOT NULL,
    content_path TEXT,
    uploaded_at REAL,
    upload_generation INTEGER NOT NULL DEFAULT 0,
    analysis_status TEXT NOT NULL DEFAULT 'Pending',
    analysis_json TEXT,
    analysis_reason TEXT,
    analysis_finished_at REAL,
    engine_spec TEXT
);
CREATE INDEX IF NOT EXISTS videos_pending ON videos (analysis_status, uploaded_at);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    issued_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
"""

UPDATABLE_COLUMNS = frozenset({"rep_count", "domain", "activity"})

# Columns added after version 1, with their SQL type: added to an older database when it is opened.
_ADDED_VIDEO_COLUMNS = {"engine_spec": "TEXT"}


@dataclass(frozen=True)
class VideoRecord:
    """One row of the ``videos`` table."""

    id: str
    filename: str
    size: int
    domain: str | None
    activity: str | None
    rep_count: int | None
    source: str | None
    created_at: float
    content_path: str | None
    uploaded_at: float | None
    upload_generation: int
    analysis_status: str
    analysis_json: str | None
    analysis_reason: str | None
    engine_spec: dict[str, Any] | None = None
    """The engine settings the upload was queued with (see :meth:`EngineSpec.to_json
    <guru_form.server.engines.EngineSpec.to_json>`); None for uploads stored before they were
    recorded, and for videos not uploaded yet."""

    @property
    def uploaded(self) -> bool:
        """True once content has been uploaded."""
        return self.uploaded_at is not None

    def analysis(self) -> dict[str, Any]:
        """The analysis as the API returns it: Pending, Complete (with reps) or Failed (with reason)."""
        if self.analysis_status == "Complete" and self.analysis_json:
            stored: dict[str, Any] = json.loads(self.analysis_json)
            return stored
        body: dict[str, Any] = {
            "status": self.analysis_status,
            "domain": self.domain,
            "activity": self.activity,
            "reps": [],
        }
        if self.analysis_status == "Failed":
            body["reason"] = self.analysis_reason or "the analysis failed"
        return body


RESTORE_HINT = (
    "restore it from a backup: stop every server on this folder, then copy guru.sqlite3 from "
    "the folder 'guru-form backup' wrote into {folder} (README: 'Backup and restore'); or move "
    "{folder} away to start afresh"
)


class Store:
    """Lock-protected access to the server's SQLite database.

    Parameters
    ----------
    path
        The database file; created with its schema (owner-only) when missing.
    expect_data
        True when the data folder holds uploads, so a missing database means records were lost:
        then it is refused rather than created empty.

    Raises
    ------
    GuruError
        In one line naming the file and how to restore it, when the database is missing but
        expected, empty (zero bytes: guru_form never leaves it so), not a database, or fails
        SQLite's integrity check; or when another process keeps it locked.
    """

    def __init__(self, path: Path, *, expect_data: bool = False) -> None:
        self.path = path
        self._lock = threading.Lock()
        _check_present(path, expect_data)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            problem = self._db.execute("PRAGMA quick_check").fetchone()[0]
            if problem != "ok":
                raise sqlite3.DatabaseError(problem)
            self._db.executescript(_SCHEMA)  # idempotent; executescript manages its transaction
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise _refusal(path, exc) from None

    @staticmethod
    def create(path: Path) -> None:
        """Create an empty database at ``path`` (owner-only), whole or not at all."""
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.new")
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
        try:
            db = sqlite3.connect(tmp, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            finally:
                db.close()  # the last connection: checkpoints and removes the WAL
            tmp.replace(path)
        finally:
            for leftover in (
                tmp,
                tmp.with_name(f"{tmp.name}-wal"),
                tmp.with_name(f"{tmp.name}-shm"),
            ):
                leftover.unlink(missing_ok=True)

    def _migrate(self) -> None:
        """Add the columns an older data folder lacks; raise ``user_version`` to ours."""
        with self._transaction() as db:  # one opener at a time: a second sees the columns added
            present = {row["name"] for row in db.execute("PRAGMA table_info(videos)")}
            for column, sql_type in _ADDED_VIDEO_COLUMNS.items():
                if column not in present:
                    # Names and types come from _ADDED_VIDEO_COLUMNS, never from input.
                    db.execute(f"ALTER TABLE videos ADD COLUMN {column} {sql_type}")
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version < SCHEMA_VERSION:  # a newer guru_form's folder keeps its number
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        """Close the connection; later calls raise ``sqlite3.ProgrammingError``."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:  # SQLite ends it itself on some errors (disk full)
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _one(self, sql: str, params: tuple[Any, ...]) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._db.execute(sql, params).fetchone()
            return row

    # --- videos ---------------------------------------------------------------------------------

    def create_video(
        self,
        video_id: str,
        *,
        filename: str,
        size: int,
        domain: str | None,
        activity: str | None,
        rep_count: int | None,
        source: str | None,
    ) -> VideoRecord:
        """Insert a new video record (not uploaded, analysis Pending)."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO videos (id, filename, size, domain, activity, rep_count, source, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (video_id, filename, size, domain, activity, rep_count, source, time.time()),
            )
        record = self.get_video(video_id)
        assert record is not None
        return record

    def get_video(self, video_id: str) -> VideoRecord | None:
        """The record of ``video_id``, or None."""
        row = self._one("SELECT * FROM videos WHERE id = ?", (video_id,))
        return None if row is None else _record(row)

    def update_video(self, video_id: str, changes: Mapping[str, Any]) -> VideoRecord | None:
        """Set the given columns (``rep_count``, ``domain``, ``activity``); None if no such video."""
        unknown = set(changes) - UPDATABLE_COLUMNS
        if unknown:
            raise ValueError(f"not updatable: {sorted(unknown)}")
        with self._transaction() as db:
            if changes:
                assignments = ", ".join(f"{column} = ?" for column in changes)
                # Column names come from UPDATABLE_COLUMNS (checked above); values are bound.
                db.execute(
                    f"UPDATE videos SET {assignments} WHERE id = ?",
                    (*changes.values(), video_id),
                )
        return self.get_video(video_id)

    def claim_upload(
        self,
        video_id: str,
        content_path: str,
        *,
        engine_spec: Mapping[str, Any],
        place: Callable[[], object],
    ) -> int | None:
        """Record the content of a video not uploaded yet; returns its generation, or None.

        An upload form is single-use: this succeeds once per video. In one transaction (which
        excludes every other writer, in this process or another on the same database) it checks
        the video has no content yet, calls ``place`` (which moves the received file to
        ``content_path``), and records the content with its analysis Pending and ``engine_spec``
        (``EngineSpec.to_json()``, kept for a restart). None means the video already had its
        content: nothing was changed and ``place`` was not called.

        Raises
        ------
        KeyError
            When there is no such video.
        """
        with self._transaction() as db:
            row = db.execute(
                "SELECT uploaded_at, upload_generation FROM videos WHERE id = ?", (video_id,)
            ).fetchone()
            if row is None:
                raise KeyError(video_id)
            if row["uploaded_at"] is not None:
                return None
            place()
            db.execute(
                "UPDATE videos SET content_path = ?, uploaded_at = ?, "
                "upload_generation = upload_generation + 1, analysis_status = 'Pending', "
                "analysis_json = NULL, analysis_reason = NULL, analysis_finished_at = NULL, "
                "engine_spec = ? WHERE id = ?",
                (content_path, time.time(), json.dumps(dict(engine_spec)), video_id),
            )
        return int(row["upload_generation"]) + 1

    def adopt_engine_spec(
        self, video_id: str, generation: int, engine_spec: Mapping[str, Any]
    ) -> bool:
        """Record the engine settings of an upload stored without them; True if recorded.

        For a pending upload from before they were recorded (schema version 1), queued with the
        server's own engine: a later restart then keeps to that engine. Recorded settings are
        never replaced.
        """
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE videos SET engine_spec = ? WHERE id = ? AND upload_generation = ? "
                "AND engine_spec IS NULL",
                (json.dumps(dict(engine_spec)), video_id, generation),
            )
            return cursor.rowcount == 1

    def finish_analysis(
        self,
        video_id: str,
        generation: int,
        *,
        status: str,
        analysis: Mapping[str, Any] | None = None,
        reason: str | None = None,
    ) -> bool:
        """Store a job's outcome, unless the video was re-uploaded since; True if stored."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE videos SET analysis_status = ?, analysis_json = ?, analysis_reason = ?, "
                "analysis_finished_at = ? WHERE id = ? AND upload_generation = ? "
                "AND analysis_status = 'Pending'",
                (
                    status,
                    None if analysis is None else json.dumps(analysis),
                    reason,
                    time.time(),
                    video_id,
                    generation,
                ),
            )
            return cursor.rowcount == 1

    def pending_jobs(self) -> list[tuple[str, int]]:
        """``(video_id, generation)`` of every uploaded video whose analysis is still Pending."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, upload_generation FROM videos "
                "WHERE analysis_status = 'Pending' AND uploaded_at IS NOT NULL ORDER BY uploaded_at"
            ).fetchall()
        return [(str(r["id"]), int(r["upload_generation"])) for r in rows]

    # --- tokens ---------------------------------------------------------------------------------

    def add_token(self, digest: str, client_id: str, issued_at: float, expires_at: float) -> None:
        """Remember a token by its digest; drops tokens that expired long ago."""
        with self._transaction() as db:
            db.execute("DELETE FROM tokens WHERE expires_at < ?", (issued_at - 3600,))
            db.execute(
                "INSERT INTO tokens (digest, client_id, issued_at, expires_at) VALUES (?, ?, ?, ?)",
                (digest, client_id, issued_at, expires_at),
            )

    def token(self, digest: str) -> tuple[float, float] | None:
        """``(issued_at, expires_at)`` of a known token digest, or None."""
        row = self._one("SELECT issued_at, expires_at FROM tokens WHERE digest = ?", (digest,))
        return None if row is None else (float(row["issued_at"]), float(row["expires_at"]))


def _check_present(path: Path, expect_data: bool) -> None:
    """Create a missing database, unless records were expected; refuse an empty file."""
    folder = path.parent
    if not path.exists():
        if expect_data:
            raise GuruError(
                f"the database {path} is missing, but {folder / 'videos'} holds uploads whose "
                f"records it kept; {RESTORE_HINT.format(folder=folder)}"
            )
        Store.create(path)
    elif path.stat().st_size == 0:
        raise GuruError(
            f"the database {path} is empty (0 bytes), so every video record is gone (a "
            f"guru_form server never leaves it so: it was truncated or copied badly); "
            f"{RESTORE_HINT.format(folder=folder)}"
        )


def _refusal(path: Path, exc: sqlite3.DatabaseError) -> GuruError:
    """The one-line error for a database SQLite cannot open or check."""
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, sqlite3.OperationalError) and "locked" in detail:
        return GuruError(
            f"the database {path} is locked by another process ({detail}); try again, or stop "
            f"the process that holds it"
        )
    return GuruError(
        f"the database {path} is damaged ({detail}); {RESTORE_HINT.format(folder=path.parent)}"
    )


def _record(row: sqlite3.Row) -> VideoRecord:
    return VideoRecord(
        id=row["id"],
        filename=row["filename"],
        size=row["size"],
        domain=row["domain"],
        activity=row["activity"],
        rep_count=row["rep_count"],
        source=row["source"],
        created_at=row["created_at"],
        content_path=row["content_path"],
        uploaded_at=row["uploaded_at"],
        upload_generation=row["upload_generation"],
        analysis_status=row["analysis_status"],
        analysis_json=row["analysis_json"],
        analysis_reason=row["analysis_reason"],
        engine_spec=None if row["engine_spec"] is None else json.loads(row["engine_spec"]),
    )

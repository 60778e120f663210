"""The local server's settings, and the runtime they open: database, signer, tokens and job runner."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from guru_form.errors import InvalidInputError
from guru_form.server._auth import LOCAL_AUDIENCE, ClientCredentials, Tokens
from guru_form.server._datadir import DataFolder
from guru_form.server._limits import Limits
from guru_form.server._paths import ensure_private_dir
from guru_form.server._signing import UploadSigner
from guru_form.server._store import Store
from guru_form.server.engines import (
    AUTO,
    REFERENCE,
    EngineSpec,
    check_engine_spec,
    check_stride,
    resolve_engine_name,
)
from guru_form.server.faults import Faults
from guru_form.server.jobs import JobRunner

__all__ = ["ServerConfig", "ServerRuntime"]

DATABASE_NAME = "guru.sqlite3"
SIGNING_KEY_NAME = "signing.key"
CREDENTIALS_NAME = "credentials.json"
EMBEDDED_STATE_NAME = "embedded.json"
# What a server keeps directly in its data folder (``*``: every file whose name begins so).
PRIVATE_FILES = (f"{DATABASE_NAME}*", SIGNING_KEY_NAME, CREDENTIALS_NAME, EMBEDDED_STATE_NAME)


@dataclass
class ServerConfig:
    """Everything a local Guru-compatible server needs to know.

    Attributes
    ----------
    data_dir
        Where the database, uploaded videos, signing key and credentials live.
    engine
        ``"auto"``, ``"pose"``, ``"reference"`` or ``"package.module:Class"``.
    reference_dirs
        Folders of (video, ground-truth JSON) pairs for the reference engine; empty means the
        bundled sample videos.
    stride
        The pose engine analyses every ``stride``-th frame (2 is about 1.7x faster with the same
        accuracy on lifts); None means every frame. Checked here (a positive int); a stride for
        an engine that has none is refused by :meth:`engine_spec`.
    executor
        Where analysis jobs run; None means a small thread pool owned by the server.
    max_workers
        Size of the default thread pool (ignored when ``executor`` is given).
    credentials
        The one client allowed to get tokens; None loads (or creates) ``credentials.json`` in
        ``data_dir``.
    audience
        The audience the token endpoint accepts.
    token_ttl_s, upload_ttl_s
        Lifetime of access tokens and of upload forms, in seconds.
    max_upload_bytes
        The largest video size ``POST /videos`` accepts; an upload is then held to the size its
        create call declared.
    limits
        Body sizes per route, JSON depth, upload form limits, connection cap and timeouts (see
        :class:`~guru_form.server._limits.Limits`).
    public_url
        The base URL clients reach the server at, for upload and download URLs; None uses the
        address each request was sent to.
    """

    data_dir: Path
    engine: str = "auto"
    reference_dirs: Sequence[str | Path] = ()
    stride: int | None = None
    executor: Executor | None = None
    max_workers: int | None = None
    credentials: ClientCredentials | None = field(default=None, repr=False)
    audience: str = LOCAL_AUDIENCE
    token_ttl_s: float = 86400.0
    upload_ttl_s: float = 3600.0
    max_upload_bytes: int = 20 * 1024**3
    limits: Limits = field(default_factory=Limits)
    public_url: str | None = None

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).expanduser().resolve()
        self.stride = check_stride(self.stride)

    def engine_spec(self) -> EngineSpec:
        """The engine to run, with ``"auto"`` resolved.

        Raises
        ------
        MissingDependencyError
            For ``"pose"`` when the ``pose`` extra is not installed.
        InvalidInputError
            For an unknown engine, or a stride for an engine that has none (the reference engine,
            also when ``"auto"`` chose it, or a custom engine whose constructor takes no
            ``stride``).
        """
        name = resolve_engine_name(self.engine)
        if self.stride is not None and name == REFERENCE and self.engine.strip() == AUTO:
            raise InvalidInputError(
                f"a stride was given ({self.stride}), but engine {AUTO!r} is the reference "
                f"engine here, which has no stride: the pose extra is not installed (pip "
                f"install 'guru-form[pose]'); install it, or give no stride"
            )
        return check_engine_spec(
            EngineSpec(
                name,
                tuple(str(Path(d).expanduser().resolve()) for d in self.reference_dirs),
                stride=self.stride,
            )
        )

    def load_credentials(self) -> ClientCredentials:
        """The configured credentials, else those stored in (or newly created in) ``data_dir``."""
        if self.credentials is not None:
            return self.credentials
        ensure_private_dir(self.data_dir)
        return ClientCredentials.load_or_create(self.data_dir / CREDENTIALS_NAME)


class ServerRuntime:
    """The open state of a server: created by :meth:`open`, released by :meth:`close`.

    Parameters
    ----------
    config
        The server's settings.
    faults
        Injected faults (tests only).
    """

    def __init__(self, config: ServerConfig, faults: Faults | None = None) -> None:
        self.config = config
        self.faults = faults
        self.spec = config.engine_spec()
        self.folder = DataFolder(config.data_dir)
        self.videos_dir = config.data_dir / "videos"
        self._store: Store | None = None
        self._tokens: Tokens | None = None
        self._runner: JobRunner | None = None
        with self.folder.starting():
            self.credentials = config.load_credentials()
            self.signer = UploadSigner.load_or_create(config.data_dir / SIGNING_KEY_NAME)

    def __repr__(self) -> str:
        return f"ServerRuntime(data_dir={str(self.config.data_dir)!r}, engine={self.spec.label!r})"

    def open(self) -> None:
        """Open the data folder and database, and re-queue pending analyses.

        Under the folder's start-up lock (one server at a time): the folder is made owner-only,
        what servers that are gone left in ``tmp/`` is removed, this server's own temporary folder
        is made, and the database is created, or checked and migrated.

        Raises
        ------
        GuruError
            When the database is damaged, empty or missing while uploads exist (the message names
            the file and how to restore it), or another server holds the start-up lock too long.
        """
        artifacts = self.config.data_dir / "artifacts"
        with self.folder.starting():
            self.folder.make_private(PRIVATE_FILES)
            ensure_private_dir(self.videos_dir)
            ensure_private_dir(artifacts)
            self.folder.clear_stale_tmp()
            store = Store(
                self.config.data_dir / DATABASE_NAME, expect_data=self.folder.holds_uploads()
            )
            self.folder.claim_tmp()
        self._store = store
        self._tokens = Tokens(self._store)
        self._runner = JobRunner(
            self._store,
            self.spec,
            self.config.executor,
            faults=self.faults,
            max_workers=self.config.max_workers,
            artifacts_root=artifacts,
        )
        self._runner.start()

    def close(self) -> None:
        """Stop the job runner and close the database (pending jobs stay queued on disk)."""
        if self._runner is not None:
            self._runner.stop()
            self._runner = None
        if self._store is not None:
            self._store.close()
            self._store = self._tokens = None
        self.folder.release_tmp()

    @property
    def tmp_dir(self) -> Path:
        """This server's own folder for half-received uploads (see :class:`DataFolder`)."""
        return self.folder.tmp

    @property
    def store(self) -> Store:
        """The open database."""
        if self._store is None:
            raise RuntimeError("the server is not running")
        return self._store

    @property
    def runner(self) -> JobRunner:
        """The running job runner."""
        if self._runner is None:
            raise RuntimeError("the server is not running")
        return self._runner

    @property
    def tokens(self) -> Tokens:
        """Token issuing and checking over the open database."""
        if self._tokens is None:
            raise RuntimeError("the server is not running")
        return self._tokens

    @property
    def token_ttl_s(self) -> float:
        """Lifetime of newly issued tokens (a fault may shorten it)."""
        if self.faults is not None and self.faults.token_ttl_s is not None:
            return self.faults.token_ttl_s
        return self.config.token_ttl_s

    @property
    def revoked_before(self) -> float | None:
        """Tokens issued at or before this time are refused (set by a fault)."""
        return None if self.faults is None else self.faults.revoked_before

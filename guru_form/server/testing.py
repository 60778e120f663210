"""Test helpers: a real local server on an ephemeral port, with fault injection, and known videos.

:class:`LocalServer` runs the Guru-compatible app under uvicorn in a background thread, behind a small
TCP proxy on ``127.0.0.1`` (the proxy owns client sockets, so :meth:`Faults.drop` is a real dropped
connection, and it keeps the public port across :meth:`LocalServer.restart`).

>>> from guru_form.server.testing import LocalServer  # doctest: +SKIP
>>> with LocalServer() as server:  # doctest: +SKIP
...     server.faults.rate_limit("/videos", method="POST", retry_after=1)
...     client = GuruClient(**server.client_kwargs())

:func:`make_reference_video` writes a tiny real video and its ground-truth sidecar, so the reference
engine answers it with ``Complete``: each seed gives different bytes, hence a different video.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zlib
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from guru_form import activities
from guru_form.activities import SeriesMeasure
from guru_form.models import Activity, Analysis, Rep, Status
from guru_form.server._auth import LOCAL_AUDIENCE, ClientCredentials, client_kwargs
from guru_form.server._limits import Limits
from guru_form.server._proxy import TcpProxy
from guru_form.server._threaded import ThreadedUvicorn
from guru_form.server.app import create_app
from guru_form.server.config import ServerConfig, ServerRuntime
from guru_form.server.faults import Faults, RequestRecord

__all__ = [
    "Faults",
    "KnownVideo",
    "LocalServer",
    "RequestRecord",
    "make_reference_video",
    "make_video",
]


class LocalServer:
    """A local Guru-compatible server for tests, on ``127.0.0.1`` and an ephemeral port.

    Parameters
    ----------
    data_dir
        Where its state lives; None makes a temporary folder, removed by :meth:`stop`.
    engine
        The analysis engine (default ``"reference"``: deterministic answers for known videos).
    stride
        The engine's stride (see :class:`guru_form.server.config.ServerConfig`).
    reference_dirs
        Folders of known (video, sidecar) pairs; empty means the bundled sample videos.
    executor
        Where analysis jobs run (default: the server's own small thread pool).
    token_ttl_s, upload_ttl_s
        Lifetimes of access tokens and upload forms.
    audience
        The audience the token endpoint accepts.
    limits
        Body limits, connection cap and timeouts (default: the server's defaults).

    Attributes
    ----------
    faults
        The fault-injection controller and request record (kept across :meth:`restart`).

    Notes
    -----
    :meth:`restart` stops the app and starts a new one on the same data directory; :attr:`url` stays
    the same (the proxy keeps its port), so upload URLs handed out before stay valid.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        engine: str = "reference",
        stride: int | None = None,
        reference_dirs: Sequence[str | os.PathLike[str]] = (),
        executor: Executor | None = None,
        max_workers: int | None = None,
        token_ttl_s: float = 3600.0,
        upload_ttl_s: float = 3600.0,
        audience: str = LOCAL_AUDIENCE,
        limits: Limits | None = None,
    ) -> None:
        self._own_dir = data_dir is None
        self.data_dir = Path(
            tempfile.mkdtemp(prefix="guru-form-server-") if data_dir is None else data_dir
        ).resolve()
        self.config = ServerConfig(
            data_dir=self.data_dir,
            engine=engine,
            reference_dirs=[Path(d) for d in reference_dirs],
            stride=stride,
            executor=executor,
            max_workers=max_workers,
            audience=audience,
            token_ttl_s=token_ttl_s,
            upload_ttl_s=upload_ttl_s,
            limits=limits or Limits(),
        )
        self.credentials: ClientCredentials = self.config.load_credentials()
        self.faults = Faults()
        self._proxy: TcpProxy | None = None
        self._backend: ThreadedUvicorn | None = None
        self._runtime: ServerRuntime | None = None

    def __repr__(self) -> str:
        state = "running" if self._backend is not None else "stopped"
        where = self.url if self._proxy is not None else "-"
        return f"LocalServer({where}, {state}, data_dir={str(self.data_dir)!r})"

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> LocalServer:
        """Start the server; returns once it accepts connections."""
        if self._proxy is None:
            self._proxy = TcpProxy(backend_port=0)
            self._proxy.start()
            self.faults.attach_dropper(self._proxy.drop)
        if self._backend is None:
            self._start_backend()
        return self

    def _start_backend(self) -> None:
        assert self._proxy is not None
        runtime = ServerRuntime(self.config, self.faults)
        runtime.open()
        try:
            backend = ThreadedUvicorn(create_app(runtime), limits=self.config.limits)
            backend.start()
        except BaseException:
            runtime.close()
            raise
        self._runtime, self._backend = runtime, backend
        self._proxy.set_backend(backend.port)

    def _stop_backend(self) -> None:
        if self._backend is not None:
            self._backend.stop()
            self._backend = None
        if self._runtime is not None:
            self._runtime.close()
            self._runtime = None

    def restart(self) -> None:
        """Stop the app and start it again on the same data directory and the same URL.

        Queued analyses that had not finished are picked up again on start.
        """
        self._stop_backend()
        self._start_backend()

    def stop(self) -> None:
        """Stop the server (and remove its data directory if it made it)."""
        self._stop_backend()
        if self._proxy is not None:
            self.faults.attach_dropper(None)
            self._proxy.stop()
            self._proxy = None
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- where and how to connect ---------------------------------------------------------------

    @property
    def url(self) -> str:
        """The API base URL (through the proxy), e.g. ``http://127.0.0.1:54321``."""
        if self._proxy is None:
            raise RuntimeError("the server is not started; call start() or use 'with'")
        return f"http://127.0.0.1:{self._proxy.port}"

    @property
    def direct_url(self) -> str:
        """The app's own address, bypassing the proxy (changes on restart; drops do not work)."""
        if self._backend is None:
            raise RuntimeError("the server is not running")
        return f"http://127.0.0.1:{self._backend.port}"

    @property
    def auth_url(self) -> str:
        """The token endpoint."""
        return f"{self.url}/oauth/token"

    @property
    def audience(self) -> str:
        """The audience to ask tokens for."""
        return self.config.audience

    @property
    def client_id(self) -> str:
        """The client id the server accepts."""
        return self.credentials.client_id

    @property
    def client_secret(self) -> str:
        """The client secret the server accepts."""
        return self.credentials.client_secret

    def client_kwargs(self) -> dict[str, str]:
        """Keyword arguments for ``GuruClient(**server.client_kwargs())``."""
        return client_kwargs(self)

    def env(self) -> dict[str, str]:
        """The ``GURU_*`` environment variables that point a client at this server."""
        return {
            "GURU_CLIENT_ID": self.client_id,
            "GURU_CLIENT_SECRET": self.client_secret,
            "GURU_API_URL": self.url,
            "GURU_AUTH_URL": self.auth_url,
            "GURU_AUDIENCE": self.audience,
        }


# --- known videos ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownVideo:
    """A generated video and the analysis the reference engine answers for it."""

    path: Path
    sidecar: Path
    analysis: Analysis


def make_video(
    path: str | os.PathLike[str],
    *,
    seed: int = 0,
    frames: int = 20,
    fps: float = 10.0,
    size: tuple[int, int] = (64, 48),
) -> Path:
    """Write a tiny real MP4 (``mp4v``) whose bytes depend on ``seed``.

    Parameters
    ----------
    path
        Where to write it (parent folders are created).
    seed
        Different seeds give different content, so different content hashes.
    frames, fps, size
        Length, frame rate and ``(width, height)``.
    """
    import cv2
    import numpy as np

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    width, height = size
    writer = cv2.VideoWriter(str(target), cv2.VideoWriter.fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {target}")
    rng = np.random.default_rng(seed)
    try:
        for index in range(frames):
            frame = rng.integers(0, 255, size=(height, width, 3), dtype=np.uint8)
            cv2.putText(
                frame, str(index), (2, height - 4), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255)
            )
            writer.write(frame)
    finally:
        writer.release()
    return target


def make_reference_video(
    folder: str | os.PathLike[str],
    name: str,
    *,
    activity: Activity | str = Activity.SQUAT,
    reps: int = 2,
    seed: int | None = None,
    frames: int = 20,
    fps: float = 10.0,
) -> KnownVideo:
    """Write ``<folder>/<name>.mp4`` and its ground truth ``<name>.json`` for the reference engine.

    Parameters
    ----------
    folder
        A folder the server's reference engine reads (see ``reference_dirs``).
    name
        The file stem.
    activity
        The activity of the ground truth: one with a profile in :mod:`guru_form.activities`.
    reps
        How many evenly spaced reps it lists.
    seed
        Content seed; None derives one from ``name``, so different names give different videos.

    Examples
    --------
    >>> known = make_reference_video(tmp_path, "squat-a")  # doctest: +SKIP
    >>> known.analysis.rep_count  # doctest: +SKIP
    2
    """
    profile = activities.get(activity)
    act = profile.activity
    video = make_video(
        Path(folder) / f"{name}.mp4",
        seed=zlib.crc32(name.encode()) if seed is None else seed,
        frames=frames,
        fps=fps,
    )
    length_ms = round(frames / fps * 1000)
    span = length_ms // max(reps, 1)
    # A joint's smallest angle in the rep (a knee or an elbow): around 80 degrees is plausible.
    metric = next(
        m.analysis_type
        for m in profile.measures
        if isinstance(m, SeriesMeasure) and m.reduce == "smallest"
    )
    analysis = Analysis(
        video_id=None,
        status=Status.COMPLETE,
        domain=act.domain,
        activity=act,
        reps=[
            Rep(
                start_ms=i * span,
                mid_ms=i * span + span // 2,
                end_ms=(i + 1) * span - 1,
                analyses={metric: 80.0 + 5 * i},
            )
            for i in range(reps)
        ],
    )
    sidecar = analysis.save(video.with_suffix(".json"))
    return KnownVideo(video, sidecar, Analysis.load(sidecar))

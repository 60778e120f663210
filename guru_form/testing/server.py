"""The test server: a real local server on an ephemeral port, with faults injected from outside.

:class:`LocalServer` runs the production Guru-compatible app (:func:`guru_form.server.create_app`)
under uvicorn in a background thread (:class:`~guru_form.server._threaded.ThreadedUvicorn`, the
runner the embedded server uses), behind a small TCP proxy on ``127.0.0.1``: the proxy owns client
sockets, so :meth:`Faults.drop` is a real dropped connection, and it keeps the public port across
:meth:`LocalServer.restart`. The app knows nothing of faults; they come through hooks it offers
for any purpose: :class:`~guru_form.testing.faults.FaultMiddleware` is one of ``create_app``'s
``middleware``, analysis jobs run in a :class:`~guru_form.testing.FaultyExecutor` (the server's
``executor``), and token faults set the runtime's ``token_ttl_s`` and call its ``revoke_tokens``.

>>> from guru_form.testing import LocalServer  # doctest: +SKIP
>>> with LocalServer() as server:  # doctest: +SKIP
...     server.faults.rate_limit("/videos", method="POST", retry_after=1)
...     client = GuruClient(**server.client_kwargs())
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from types import TracebackType

from starlette.types import ASGIApp

from guru_form.server._auth import LOCAL_AUDIENCE, TOKEN_PATH, ClientCredentials, client_kwargs
from guru_form.server._limits import Limits
from guru_form.server._threaded import ThreadedUvicorn
from guru_form.server.app import create_app
from guru_form.server.config import ServerConfig, ServerRuntime
from guru_form.server.jobs import default_executor
from guru_form.testing._executor import FaultyExecutor
from guru_form.testing._proxy import TcpProxy
from guru_form.testing.faults import FaultMiddleware, Faults

__all__ = ["LocalServer"]


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
    schemas
        ``schemaId -> activity`` (see :class:`~guru_form.server.config.ServerConfig`).
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
        schemas: Mapping[str, str] | None = None,
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
            schemas=dict(schemas or {}),
            limits=limits or Limits(),
        )
        self.credentials: ClientCredentials = self.config.load_credentials()
        self.faults = Faults()
        self._proxy: TcpProxy | None = None
        self._backend: ThreadedUvicorn | None = None
        self._runtime: ServerRuntime | None = None
        self._executor: FaultyExecutor | None = None

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
        given = self.config.executor
        inner = given if given is not None else default_executor(self.config.max_workers)
        executor = FaultyExecutor(inner, self.faults, owns_inner=given is None)
        runtime = ServerRuntime(dataclasses.replace(self.config, executor=executor))
        try:
            runtime.open()
            app = create_app(runtime, middleware=[self._fault_middleware])
            backend = ThreadedUvicorn(app, limits=self.config.limits)
            self.faults.attach_server(runtime)
            backend.start()
        except BaseException:
            self.faults.attach_server(None)
            runtime.close()
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        self._runtime, self._backend, self._executor = runtime, backend, executor
        self._proxy.set_backend(backend.port)

    def _fault_middleware(self, app: ASGIApp) -> ASGIApp:
        return FaultMiddleware(app, self.faults)

    def _stop_backend(self) -> None:
        if self._backend is not None:
            self._backend.stop()
            self._backend = None
        if self._runtime is not None:
            self.faults.attach_server(None)
            self._runtime.close()
            self._runtime = None
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

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
        return f"{self.url}{TOKEN_PATH}"

    @property
    def audience(self) -> str:
        """The audience the token endpoint accepts, for clients that send one (Auth0-style)."""
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
        }

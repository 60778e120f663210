"""``guru-form serve``: run the local Guru-compatible server in the foreground.

:func:`run_server` is the command's work; the CLI only parses arguments into it. It prints where the
server listens and how to authenticate (never the secret itself: it names the file holding it) and
stops cleanly on Ctrl-C, leaving unfinished analyses queued on disk for the next start.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import TextIO

import uvicorn

from guru_form.errors import GuruError, MissingDependencyError
from guru_form.server._auth import TOKEN_PATH
from guru_form.server._connections import GuardedServer, uvicorn_options
from guru_form.server._limits import Limits
from guru_form.server._paths import default_server_dir
from guru_form.server._threaded import bind_socket
from guru_form.server.app import create_app
from guru_form.server.config import CREDENTIALS_NAME, ServerConfig, ServerRuntime

__all__ = ["banner", "dask_executor", "plain_http_warning", "run_server"]


def dask_executor(address: str) -> tuple[Executor, Callable[[], None]]:
    """A ``concurrent.futures`` executor running jobs on the Dask cluster at ``address``.

    Jobs are submitted as impure (``pure=False``): a re-uploaded video has the same arguments as its
    first upload but new content, and must be analysed again rather than served from Dask's cache.
    The workers must see the server's data directory at the same path (a shared file system) and
    have guru_form installed.

    Returns
    -------
    tuple
        The executor, and a function that closes the connection to the cluster.

    Raises
    ------
    MissingDependencyError
        When ``distributed`` is not installed (the ``dask`` extra).
    """
    try:
        from distributed import Client
    except ImportError as exc:
        raise MissingDependencyError("running analysis jobs on a Dask cluster", "dask") from exc
    client = Client(address)  # type: ignore[no-untyped-call]
    return client.get_executor(pure=False), client.close  # type: ignore[no-untyped-call]


def plain_http_warning(host: str) -> str | None:
    """The warning to show when ``host`` is not a loopback address, else None.

    Examples
    --------
    >>> plain_http_warning("127.0.0.1") is None
    True
    >>> "plain HTTP" in plain_http_warning("0.0.0.0")
    True
    """
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"warning: listening on {host}, reachable from other machines, and the API is plain "
        f"HTTP: access tokens, the client secret and videos cross the network unencrypted. "
        f"Put a TLS-terminating proxy in front of it, or bind 127.0.0.1."
    )


def run_server(
    host: str = "127.0.0.1",
    port: int = 8000,
    data_dir: str | os.PathLike[str] | None = None,
    engine: str = "auto",
    dask_scheduler: str | None = None,
    *,
    stride: int | None = None,
    workers: int | None = None,
    reference_dirs: Sequence[str | os.PathLike[str]] = (),
    token_ttl_s: float = 86400.0,
    upload_ttl_s: float = 3600.0,
    public_url: str | None = None,
    schemas: Mapping[str, str] | None = None,
    log_level: str = "info",
    out: TextIO | None = None,
    max_upload_bytes: int | None = None,
    limits: Limits | None = None,
) -> None:
    """Serve the Guru-compatible API until interrupted (Ctrl-C or SIGTERM).

    Parameters
    ----------
    host, port
        Where to listen (port 0: any free port; the URL printed is the real one). A host other than
        loopback prints a warning that the API is plain HTTP.
    data_dir
        Where state lives; None means the embedded server's folder (``$GURU_FORM_HOME/server``).
    engine
        ``"auto"``, ``"pose"``, ``"reference"`` or ``"package.module:Class"``.
    dask_scheduler
        Address of a Dask scheduler (e.g. ``tcp://10.0.0.5:8786``): analysis jobs run on that
        cluster instead of local threads.
    stride
        The pose engine analyses every ``stride``-th frame (2 is about 1.7x faster with the same
        accuracy on lifts); None means every frame.
    workers
        Threads for analysis jobs when no Dask scheduler is given.
    reference_dirs
        Extra folders of (video, ground-truth JSON) pairs for the reference engine.
    token_ttl_s, upload_ttl_s
        Lifetime of access tokens and of upload forms.
    public_url
        The base URL clients use, when it differs from ``http://host:port`` (behind a proxy).
    schemas
        ``schemaId -> activity``: uploads created with one of these ``schemaId`` values are
        analysed as that activity (see :class:`~guru_form.server.config.ServerConfig`).
    log_level
        uvicorn's log level.
    out
        Where the start-up banner goes (default: stderr).
    max_upload_bytes
        The largest video the server accepts (default: :class:`ServerConfig`'s, 20 GiB).
    limits
        Body limits, connection cap and timeouts (default: :class:`Limits`' defaults).

    Raises
    ------
    InvalidInputError
        For an unknown engine, or a bad stride (not a positive int, or given for an engine that
        has none), before anything starts.
    """
    stream = out if out is not None else sys.stderr
    config = ServerConfig(
        data_dir=Path(data_dir) if data_dir else default_server_dir(),
        engine=engine,
        reference_dirs=[Path(d) for d in reference_dirs],
        stride=stride,
        max_workers=workers,
        token_ttl_s=token_ttl_s,
        upload_ttl_s=upload_ttl_s,
        public_url=public_url,
        schemas=dict(schemas or {}),
        limits=limits or Limits(),
    )
    if max_upload_bytes is not None:
        config.max_upload_bytes = max_upload_bytes
    config.engine_spec()  # a bad engine or stride is refused before connecting to anything
    close_executor = None
    if dask_scheduler:
        config.executor, close_executor = dask_executor(dask_scheduler)
    try:
        runtime = ServerRuntime(config)
        try:
            sock = bind_socket(host, port)
        except OSError as exc:
            raise GuruError(
                f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another port"
            ) from exc
        bound_port = sock.getsockname()[1]
        url = public_url or f"http://{_url_host(host)}:{bound_port}"
        runtime.open()
        try:
            warning = plain_http_warning(host)
            if warning:
                print(warning, file=stream)
            jobs = f"Dask cluster at {dask_scheduler}" if dask_scheduler else "local threads"
            print(banner(url, runtime, jobs), file=stream, flush=True)
            server = _ForegroundServer(
                uvicorn.Config(
                    create_app(runtime),
                    log_level=log_level,
                    timeout_graceful_shutdown=5,
                    server_header=False,
                    **uvicorn_options(config.limits),
                )
            )
            server.run(sockets=[sock])
        finally:
            runtime.close()
            sock.close()
        print("guru-form server stopped; unfinished analyses resume at the next start", file=stream)
    finally:
        if close_executor is not None:
            close_executor()


def banner(url: str, runtime: ServerRuntime, jobs: str) -> str:
    """What ``guru-form serve`` prints on start: where to log in, and how (never the secret).

    Examples
    --------
    >>> print(banner("http://127.0.0.1:8000", runtime, "local threads"))  # doctest: +SKIP
    guru-form server on http://127.0.0.1:8000
      token endpoint  http://127.0.0.1:8000/oauth2/token  (Cognito-style: scope https://api.getguru.ai/default; ...)
    """
    config = runtime.config
    return (
        f"guru-form server on {url}\n"
        f"  token endpoint  {url}{TOKEN_PATH}  (Cognito-style: scope {config.scopes[0]}; "
        f"also {url}/oauth/token, audience {config.audience})\n"
        f"  client id       {runtime.credentials.client_id}\n"
        f"  client secret   in {config.data_dir / CREDENTIALS_NAME} (owner-only)\n"
        f"  API             {url}  ('Authorization: <token>' or 'Bearer <token>')\n"
        f"  guru_form       GURU_API_URL={url} GURU_AUTH_URL={url}{TOKEN_PATH} "
        f"(and GURU_CLIENT_ID, GURU_CLIENT_SECRET)\n"
        f"  Guru's clients  send their requests for api.getguru.ai and {_COGNITO_HOST} to {url} "
        f"(docs: guides/server, 'Guru's own clients')\n"
        f"  engine          {runtime.spec.label}; jobs run on {jobs}\n"
        f"  data            {config.data_dir}"
    )


_COGNITO_HOST = "customer-console-prod.auth.us-west-2.amazoncognito.com"


class _ForegroundServer(GuardedServer):
    """uvicorn's server, stopping on SIGINT/SIGTERM without re-raising the signal afterwards.

    uvicorn re-raises the captured signal once it has shut down; here that would turn a clean Ctrl-C
    into a KeyboardInterrupt traceback and skip closing the runtime on SIGTERM.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in _STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host

"""The embedded local server: what guru_form talks to when no Guru credentials are set.

:func:`ensure_local_server` starts, once per process, a Guru-compatible server in a daemon thread on
``127.0.0.1`` and returns where it is and the credentials to use. Its state lives in
``$GURU_FORM_HOME/server`` (default: the platform's user cache folder, e.g. ``~/.cache/guru_form/server``),
so analyses survive the process; the credentials are generated once and stored there, readable by the
owner only. It prefers the port it used last time, so upload URLs stay valid across sessions when
that port is free.

Two processes may each run one on the same folder (two notebooks, say): SQLite and the atomic file
writes keep that safe; at worst an analysis that was pending when both started runs twice.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from guru_form.errors import GuruError
from guru_form.server._auth import client_kwargs
from guru_form.server._paths import default_server_dir, write_private_file
from guru_form.server._threaded import ThreadedUvicorn
from guru_form.server.app import create_app
from guru_form.server.config import EMBEDDED_STATE_NAME, ServerConfig, ServerRuntime
from guru_form.server.engines import engine_label

__all__ = ["EmbeddedServer", "ensure_local_server", "stop_local_server"]

_STATE_NAME = EMBEDDED_STATE_NAME


@dataclass(frozen=True)
class EmbeddedServer:
    """Where the embedded server listens and how to authenticate (the secret is hidden from repr).

    Attributes
    ----------
    url, auth_url, audience, client_id, client_secret
        What a client needs (``base_url``, ``auth_url``, ``audience``, credentials).
    data_dir
        Where its state lives.
    engine
        The analysis engine it runs (``"pose"`` or ``"reference"``).
    stride
        The engine's stride (every ``stride``-th frame is analysed); None for an engine without
        one, such as the reference engine.
    """

    url: str
    auth_url: str
    audience: str
    client_id: str
    client_secret: str = field(repr=False)
    data_dir: Path = field(compare=False)
    engine: str = "reference"
    stride: int | None = None

    @property
    def engine_label(self) -> str:
        """The engine for messages: ``"pose"``, or ``"pose, stride 2"`` off the default stride."""
        return engine_label(self.engine, self.stride)

    @property
    def identity(self) -> str:
        """What results from this server are cached under: its data folder, engine and stride.

        Its port may change between sessions, so it is not part of it; the engine and a stride
        other than the engine's default are, since a result of one must not answer for another
        (a stride-1 result keeps the identity results had before strides could be chosen).

        Examples
        --------
        >>> server = EmbeddedServer("u", "a", "aud", "id", "s", Path("/d"), "pose", 2)
        >>> server.identity
        'guru-form-local:/d:pose:stride=2'
        """
        base = f"guru-form-local:{self.data_dir}:{self.engine}"
        label = self.engine_label
        return base if label == self.engine else f"{base}:stride={self.stride}"

    def client_kwargs(self) -> dict[str, str]:
        """Keyword arguments for ``GuruClient(**server.client_kwargs())``."""
        return client_kwargs(self)


class _Running:
    def __init__(
        self, runtime: ServerRuntime, backend: ThreadedUvicorn, info: EmbeddedServer
    ) -> None:
        self.runtime = runtime
        self.backend = backend
        self.info = info

    def stop(self) -> None:
        self.backend.stop()
        self.runtime.close()


class _Singleton:
    """The process' embedded server, if started."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: _Running | None = None


_singleton = _Singleton()


def _preferred_port(data_dir: Path) -> int:
    try:
        return int(json.loads((data_dir / _STATE_NAME).read_text(encoding="utf-8"))["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def _start_backend(runtime: ServerRuntime, port: int) -> ThreadedUvicorn:
    app = create_app(runtime)
    limits = runtime.config.limits
    try:
        backend = ThreadedUvicorn(app, port=port, limits=limits)
    except OSError:
        backend = ThreadedUvicorn(app, port=0, limits=limits)  # the preferred port is taken
    backend.start()
    return backend


def ensure_local_server(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    engine: str = "auto",
    stride: int | None = None,
) -> EmbeddedServer:
    """Start the embedded local server if this process has none; return how to reach it.

    Parameters
    ----------
    data_dir
        Where its state lives; None means :func:`guru_form.server._paths.default_server_dir`.
    engine
        The analysis engine: ``"auto"`` (pose when installed, else the sample-video reference).
    stride
        The pose engine analyses every ``stride``-th frame; None means the engine's default
        (every frame).

    Returns
    -------
    EmbeddedServer
        ``url``, ``auth_url``, ``audience``, ``client_id``, ``client_secret``.

    Raises
    ------
    InvalidInputError
        For a stride that is not a positive int, or one given for an engine that has none
        (checked before anything starts).
    GuruError
        When a server is already running in this process with another data folder, engine or
        stride.

    Examples
    --------
    >>> server = ensure_local_server()  # doctest: +SKIP
    >>> client = GuruClient(**server.client_kwargs())  # doctest: +SKIP
    """
    config = ServerConfig(
        data_dir=Path(data_dir) if data_dir else default_server_dir(), engine=engine, stride=stride
    )
    spec = config.engine_spec()
    with _singleton.lock:
        if _singleton.running is not None:
            current = _singleton.running.info
            alive = _singleton.running.backend.running
            if alive and current.data_dir == config.data_dir:
                if (current.engine, current.stride) != (spec.name, spec.stride):
                    raise GuruError(
                        f"the local server of this process already runs engine "
                        f"{current.engine_label!r}; call stop_local_server() before asking for "
                        f"{spec.label!r}"
                    )
                return current
            if alive:
                raise GuruError(
                    f"the local server of this process already uses {current.data_dir}; call "
                    f"stop_local_server() before starting one on {config.data_dir}"
                )
            _singleton.running.stop()
            _singleton.running = None
        runtime = ServerRuntime(config)
        runtime.open()
        try:
            backend = _start_backend(runtime, _preferred_port(config.data_dir))
        except BaseException:
            runtime.close()
            raise
        write_private_file(config.data_dir / _STATE_NAME, json.dumps({"port": backend.port}) + "\n")
        url = f"http://127.0.0.1:{backend.port}"
        info = EmbeddedServer(
            url=url,
            auth_url=f"{url}/oauth/token",
            audience=config.audience,
            client_id=runtime.credentials.client_id,
            client_secret=runtime.credentials.client_secret,
            data_dir=config.data_dir,
            engine=runtime.spec.name,
            stride=runtime.spec.stride,
        )
        _singleton.running = _Running(runtime, backend, info)
        return info


def stop_local_server() -> None:
    """Stop this process' embedded server, if any (pending analyses resume at the next start)."""
    with _singleton.lock:
        if _singleton.running is not None:
            _singleton.running.stop()
            _singleton.running = None


atexit.register(stop_local_server)

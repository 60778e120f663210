"""A Guru-compatible API server that runs on your own machine.

It implements the Guru fitness API (token exchange, create video, presigned multipart upload, get and
update video, get analysis) with state in SQLite and files under a data directory, and analyses videos
off the request path with a pluggable engine. It is the default when no Guru credentials are set
(:func:`guru_form.server.embedded.ensure_local_server`), what ``guru-form serve`` runs
(:func:`guru_form.server.serve.run_server`), and the peer every test talks to
(:class:`guru_form.testing.LocalServer`).

Heavy imports (Starlette, uvicorn) happen on first use of a name below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guru_form._lazy import lazy_exports

_LAZY: dict[str, str] = {
    "AnalysisEngine": "guru_form.server.engines",
    "EngineFailure": "guru_form.server.engines",
    "EngineSpec": "guru_form.server.engines",
    "Limits": "guru_form.server._limits",
    "ServerConfig": "guru_form.server.config",
    "create_app": "guru_form.server.app",
    "ensure_local_server": "guru_form.server.embedded",
    "run_server": "guru_form.server.serve",
}

if TYPE_CHECKING:
    from guru_form.server._limits import Limits
    from guru_form.server.app import create_app
    from guru_form.server.config import ServerConfig
    from guru_form.server.embedded import ensure_local_server
    from guru_form.server.engines import AnalysisEngine, EngineFailure, EngineSpec
    from guru_form.server.serve import run_server

__all__ = [
    "AnalysisEngine",
    "EngineFailure",
    "EngineSpec",
    "Limits",
    "ServerConfig",
    "create_app",
    "ensure_local_server",
    "run_server",
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

"""Test tools: a real local server with fault injection, known videos, and synthetic footage.

Nothing here is imported by ``import guru_form`` or by the production server; tests, benchmarks,
scripts and notebooks import it.

- :class:`LocalServer`: the production app on ``127.0.0.1`` (an ephemeral port) in a background
  thread, behind a TCP proxy, with :attr:`LocalServer.faults`, a :class:`Faults` controller that
  injects 429/5xx answers, dropped connections, slow responses, slow or failed analyses and token
  expiry, and records every request.
- :func:`make_video`, :func:`make_reference_video`: tiny real videos, with the ground truth the
  reference engine answers for them (:class:`KnownVideo`).
- :mod:`guru_form.testing.synthetic`: the renderer of synthetic workout videos with exact ground
  truth (the bundled sample videos were made with it; make your own to test an engine).

Names below are imported on first use, so ``guru_form.testing.synthetic`` does not start the
server's imports.

Examples
--------
>>> from guru_form.testing import LocalServer  # doctest: +SKIP
>>> with LocalServer() as server:  # doctest: +SKIP
...     server.faults.rate_limit("/videos", method="POST", retry_after=1)
...     client = GuruClient(**server.client_kwargs())
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guru_form._lazy import lazy_exports

_LAZY: dict[str, str] = {
    "FaultMiddleware": "guru_form.testing.faults",
    "Faults": "guru_form.testing.faults",
    "FaultyExecutor": "guru_form.testing._executor",
    "KnownVideo": "guru_form.testing.videos",
    "LocalServer": "guru_form.testing.server",
    "RequestRecord": "guru_form.testing.faults",
    "make_reference_video": "guru_form.testing.videos",
    "make_video": "guru_form.testing.videos",
}

if TYPE_CHECKING:
    from guru_form.testing._executor import FaultyExecutor
    from guru_form.testing.faults import FaultMiddleware, Faults, RequestRecord
    from guru_form.testing.server import LocalServer
    from guru_form.testing.videos import KnownVideo, make_reference_video, make_video

__all__ = [
    "FaultMiddleware",
    "Faults",
    "FaultyExecutor",
    "KnownVideo",
    "LocalServer",
    "RequestRecord",
    "make_reference_video",
    "make_video",
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

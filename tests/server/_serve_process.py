"""``run_server`` in a child process, for tests that watch the server process itself.

Its memory (psutil on its pid), its whole log (stdout and stderr go to a file) and its limits (a
``prelude`` of Python runs before the server starts, e.g. to lower ``RLIMIT_NOFILE``) are then the
server's alone, not the test runner's.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
AUDIENCE = "https://guru-form.local/api/"


class ServeProcess:
    """A ``guru-form serve`` equivalent in a child process on 127.0.0.1 and a free port.

    Parameters
    ----------
    data_dir
        The server's data folder.
    log_level
        uvicorn's log level (``"info"`` writes the access log).
    prelude
        Python statements run in the child before the server starts.
    command
        The command to run instead of ``python`` (e.g. ``["unshare", "-m", ...]``); the Python
        program is appended.
    **kwargs
        More keyword arguments of ``run_server``.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        log_level: str = "warning",
        prelude: str = "",
        command: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.data_dir = data_dir
        self.log_path = data_dir.parent / f"{data_dir.name}-server.log"
        options = "".join(f", {k}={v!r}" for k, v in kwargs.items())
        code = (
            f"{prelude}\n"
            "import sys\n"
            "from guru_form.server._limits import Limits\n"
            "from guru_form.server.serve import run_server\n"
            f"run_server('127.0.0.1', 0, {str(data_dir)!r}, 'reference', "
            f"log_level={log_level!r}, out=sys.stdout{options})\n"
        )
        self._argv = [*(command or []), sys.executable, "-c", code]
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def __enter__(self) -> ServeProcess:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(self._argv, cwd=ROOT, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 60
        while not self.url:
            match = re.search(r"guru-form server on (http://\S+)", self.log())
            if match:
                self.url = match.group(1)
            elif self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start:\n{self.log()}")
            else:
                time.sleep(0.02)
        while True:
            try:
                httpx.get(f"{self.url}/health", timeout=5)
                return self
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.02)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log(self) -> str:
        """Everything the server wrote so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def credentials(self) -> dict[str, str]:
        return dict(json.loads((self.data_dir / "credentials.json").read_text()))

    def token_form(self) -> dict[str, str]:
        return {
            **self.credentials(),
            "audience": AUDIENCE,
            "grant_type": "client_credentials",
        }

    def token(self) -> str:
        response = httpx.post(f"{self.url}/oauth/token", data=self.token_form())
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def client_kwargs(self) -> dict[str, str]:
        creds = self.credentials()
        return {
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "base_url": self.url,
            "auth_url": f"{self.url}/oauth/token",
            "audience": AUDIENCE,
        }

    def stop(self) -> int | None:
        """Stop the server (SIGINT, then SIGKILL after 20 s); its exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(2)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


class PeakRss:
    """The resident memory of a process: at entry (the baseline), and its peak until exit.

    >>> with PeakRss(server.pid) as memory:  # doctest: +SKIP
    ...     send_load()
    >>> memory.growth_mb  # doctest: +SKIP
    """

    def __init__(self, pid: int) -> None:
        import psutil

        self._process = psutil.Process(pid)
        self.baseline = self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _rss(self) -> int:
        return int(self._process.memory_info().rss)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(0.005)

    def __enter__(self) -> PeakRss:
        self.baseline = self.peak = self._rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def growth_mb(self) -> float:
        """The peak over the baseline, in MiB."""
        return (self.peak - self.baseline) / 2**20

"""Serve a notebook with Voilà (the widgets live in a real kernel, the page in a real browser).

Voilà runs the notebook in a kernel and serves its outputs as a page whose widgets talk to that
kernel over a websocket, as in JupyterLab: a click in the browser runs the panel's handler in the
kernel, and the panel's updates come back to the page.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]


def panel_notebook(path: Path, video: Path, report: Path, activity: str = "squat") -> Path:
    """A notebook that shows an UploadPanel with ``video`` typed into its path box."""
    source = f"""import guru_form as gf
from guru_form.widgets import UploadPanel

panel = UploadPanel()
panel.paths.value = {str(video)!r}
panel.activity.value = {activity!r}
panel.athlete.value = "Sam"
panel.report_path.value = {str(report)!r}
panel"""
    nb = new_notebook(
        cells=[new_code_cell(source)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    nbformat.write(nb, path)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Voila:
    """``voila NOTEBOOK`` on 127.0.0.1, with guru_form importable and a home of its own."""

    def __init__(self, notebook: Path, home: Path, *, timeout: float = 60.0) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        jupyter = home / "jupyter"
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            "GURU_FORM_HOME": str(home / "guru_form"),
            "MPLBACKEND": "Agg",
            "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
            "JUPYTER_DATA_DIR": str(jupyter / "data"),
            "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
        }
        for name in ("GURU_CLIENT_ID", "GURU_CLIENT_SECRET"):
            env.pop(name, None)
        self.log = home / "voila.log"
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "voila",
                    str(notebook),
                    f"--port={self.port}",
                    "--no-browser",
                    "--Voila.ip=127.0.0.1",
                ],
                cwd=notebook.parent,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait(timeout)
        except BaseException:
            self.close()
            raise

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"voila exited: {self.log.read_text()[-2000:]}")
            try:  # listening is enough: asking for the page would start the notebook's kernel
                with socket.create_connection(("127.0.0.1", self.port), timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"voila did not answer within {timeout} s")

    def close(self) -> None:
        """Stop the server (and with it the notebook's kernel)."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def __enter__(self) -> Voila:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

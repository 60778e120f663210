"""``run_server``: the foreground server behind ``guru-form serve``."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from guru_form.errors import GuruError, InvalidInputError
from guru_form.server.serve import plain_http_warning, run_server

ROOT = Path(__file__).resolve().parents[2]


def test_plain_http_warning_only_off_loopback() -> None:
    assert plain_http_warning("127.0.0.1") is None
    assert plain_http_warning("::1") is None
    assert plain_http_warning("localhost") is None
    for host in ("0.0.0.0", "::", "192.168.1.20", "coach-laptop.local"):
        warning = plain_http_warning(host)
        assert warning is not None and "plain HTTP" in warning and host in warning


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    try:
        with pytest.raises(GuruError, match=r"cannot listen on 127\.0\.0\.1:.*choose another port"):
            run_server(port=blocker.getsockname()[1], data_dir=tmp_path, engine="reference")
    finally:
        blocker.close()


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_serves_until_a_signal_then_stops_cleanly(tmp_path: Path, stop_signal: int) -> None:
    code = (
        "from guru_form.server.serve import run_server; import sys; "
        f"run_server('127.0.0.1', 0, {str(tmp_path)!r}, 'reference', log_level='warning', out=sys.stdout)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        while not (lines and lines[-1].lstrip().startswith("data")):
            lines.append(process.stdout.readline())
            assert lines[-1], "".join(lines)
        match = re.search(r"guru-form server on (http://127\.0\.0\.1:\d+)", lines[0])
        assert match, lines
        url = match.group(1)
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/health").status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        creds = json.loads((tmp_path / "credentials.json").read_text())
        token = httpx.post(
            f"{url}/oauth/token",
            data={
                **creds,
                "audience": "https://guru-form.local/api/",
                "grant_type": "client_credentials",
            },
        )
        assert token.status_code == 200
        process.send_signal(stop_signal)
        output, _ = process.communicate(timeout=20)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 0, output
    banner = "".join(lines) + output
    assert "guru-form server stopped" in banner
    assert creds["client_id"] in banner
    assert creds["client_secret"] not in banner
    assert str(tmp_path / "credentials.json") in banner
    assert "Traceback" not in banner


@pytest.mark.parametrize(
    ("engine", "stride", "words"),
    [
        ("reference", 2, "'reference' analysis engine has no stride"),
        ("pose", 0, "stride must be a whole number of frames, 1 or more"),
        ("tests.server._engines:EchoEngine", 2, "EchoEngine' takes no stride"),
    ],
)
def test_a_bad_stride_is_refused_before_anything_starts(
    tmp_path: Path, engine: str, stride: int, words: str
) -> None:
    # A Dask scheduler nobody listens at: the stride is refused before connecting to it.
    with pytest.raises(InvalidInputError, match=words):
        run_server(
            port=0,
            data_dir=tmp_path / "data",
            engine=engine,
            stride=stride,
            dask_scheduler="tcp://127.0.0.1:9",
        )
    assert not (tmp_path / "data").exists()


def test_the_banner_and_health_say_the_stride(tmp_path: Path) -> None:
    code = (
        "from guru_form.server.serve import run_server; import sys; "
        f"run_server('127.0.0.1', 0, {str(tmp_path)!r}, 'tests.server._engines:StrideEngine', "
        "stride=2, log_level='warning', out=sys.stdout)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not (lines and lines[-1].lstrip().startswith("data")):
            lines.append(process.stdout.readline())
            assert lines[-1], "".join(lines)
        banner = "".join(lines)
        assert "engine          tests.server._engines:StrideEngine, stride 2;" in banner
        match = re.search(r"guru-form server on (http://127\.0\.0\.1:\d+)", banner)
        assert match, banner
        deadline = time.monotonic() + 20
        while True:
            try:
                health = httpx.get(f"{match.group(1)}/health")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert health.json() == {
            "status": "ok",
            "engine": "tests.server._engines:StrideEngine",
            "stride": 2,
        }
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 0

"""``guru-form serve`` as a real process, for Guru's own clients to talk to.

``serve`` (module-scoped) starts ``guru-form serve`` on a free port of 127.0.0.1 with the pose
engine (every second frame) and one schema, ``PEER_SCHEMA -> squat``, as a user would run it for
those clients; it stops with Ctrl-C (SIGINT) after the module's tests.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SQUAT_CLIP = ROOT / "tests" / "footage" / "squat_side_01.mp4"
#: The schema id the Express example is run with (its GURU_SCHEMA_ID).
PEER_SCHEMA = "guru-form-peers-squat"
#: The hosts Guru's clients name: today's and those of 2022-2024.
COGNITO_HOST = "customer-console-prod.auth.us-west-2.amazoncognito.com"
API_HOSTS = ("api.getguru.ai", "api.getguru.fitness")


@dataclass
class Serve:
    """A running ``guru-form serve``: where it is, its credentials, and what it printed."""

    url: str
    client_id: str
    client_secret: str = field(repr=False)
    output: list[str] = field(default_factory=list, repr=False)

    def hosts(self) -> dict[str, str]:
        """Guru's host names -> this server, for the clients' redirection."""
        return {host: self.url for host in (COGNITO_HOST, *API_HOSTS)}

    def token(self) -> str:
        """An access token (Cognito-style: scope, form-encoded)."""
        response = httpx.post(
            f"{self.url}/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "scope": "https://api.getguru.ai/default",
            },
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def wait_for_analysis(self, video_id: str, timeout: float = 300.0) -> dict[str, object]:
        """Poll ``GET /videos/{id}/analysis`` with the raw token until it is not Pending."""
        headers = {"Authorization": self.token()}
        deadline = time.monotonic() + timeout
        while True:
            body: dict[str, object] = httpx.get(
                f"{self.url}/videos/{video_id}/analysis", headers=headers, timeout=30
            ).json()
            if body.get("status") != "Pending" or time.monotonic() > deadline:
                return body
            time.sleep(1.0)


def peer_env(**extra: str) -> dict[str, str]:
    """The environment for a peer process: ours, without proxies, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serve]:
    """``guru-form serve`` with the pose engine, stride 2, and the schema ``PEER_SCHEMA``."""
    pytest.importorskip("ai_edge_litert", reason="the pose engine needs the 'pose' extra")
    data = tmp_path_factory.mktemp("serve-data")
    command = [
        sys.executable,
        "-m",
        "guru_form",
        "serve",
        "--port",
        "0",
        "--data-dir",
        str(data),
        "--engine",
        "pose",
        "--stride",
        "2",
        "--schema",
        f"{PEER_SCHEMA}=squat",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    output: list[str] = []
    while not (output and output[-1].lstrip().startswith("data")):
        line = process.stdout.readline()
        if not line:
            process.wait(timeout=30)
            pytest.fail("guru-form serve stopped before it was ready:\n" + "".join(output))
        output.append(line)
    url = output[0].split(" on ", 1)[1].strip()
    # Keep reading what it prints, so it never blocks on a full pipe.
    threading.Thread(target=lambda: output.extend(process.stdout or []), daemon=True).start()
    creds = json.loads((data / "credentials.json").read_text())
    try:
        yield Serve(url, creds["client_id"], creds["client_secret"], output)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(data, ignore_errors=True)

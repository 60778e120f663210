"""Guru's own clients, unchanged, against ``guru-form serve`` on a real squat clip.

- The Express example (``index.js``, node 20): its hosts are pointed at the server by a preload
  (``node --require tests/peers/redirect.js``); it gets a token from the Cognito endpoint, creates a
  video with a ``schemaId`` and no activity, uploads it, polls and answers the analysis.
- The Python snippet of the API docs (``requests``): its hosts are pointed at the server by
  ``tests/peers/run_docs_python.py``, which also gives it the ``access_token`` the docs leave to the
  reader.
- The blog's curl walkthrough, run with real ``curl``: as its reader does, the placeholders
  (``CLIENT_ID``, ``ACCESS_TOKEN``, the size, the video id, the upload form's fields and URL, the
  file's path) are filled in and the hosts pointed at the server.

Their code comes from snapshots of their repositories at pinned commits (``snapshots.py``); nothing
of theirs is in this repository. See ``tests/peers/README.md``.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.peers.conftest import PEER_SCHEMA, SQUAT_CLIP, Serve, peer_env
from tests.peers.npm import installed_node_modules, node
from tests.peers.snapshots import (
    BLOG_POST,
    DOCS_INDEX,
    EXPRESS_INDEX,
    EXPRESS_PACKAGE,
    code_blocks,
    extract,
    read_pinned,
)

pytestmark = [pytest.mark.slow, pytest.mark.pose]

HERE = Path(__file__).resolve().parent
REDIRECT_JS = HERE / "redirect.js"
RUN_DOCS_PYTHON = HERE / "run_docs_python.py"
#: The clip's reps at the server's stride (2), as tests/footage/README.md counts them by eye.
SQUAT_REPS = 2


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _check_squat_analysis(analysis: dict[str, Any], reps: int) -> None:
    assert analysis["status"] == "Complete", analysis
    assert (analysis["activity"], analysis["domain"]) == ("squat", "weightlifting")
    assert len(analysis["reps"]) == reps
    for rep in analysis["reps"]:
        assert rep["startTimestampMs"] < rep["midTimestampMs"] < rep["endTimestampMs"]
        assert {a["analysisType"] for a in rep["analyses"]} >= {"HIP_KNEE_ANGLE_DEGREES"}


def test_the_express_example_unchanged_returns_the_reps(serve: Serve, tmp_path: Path) -> None:
    node_bin = node()
    app = tmp_path / "express"
    app.mkdir()
    index = extract(EXPRESS_INDEX, app)
    package = extract(EXPRESS_PACKAGE, app)
    assert index.read_bytes() == read_pinned(EXPRESS_INDEX)  # unchanged
    (app / "node_modules").symlink_to(installed_node_modules(package.read_bytes(), peer_env()))
    (app / "videos").mkdir()
    shutil.copy(SQUAT_CLIP, app / "videos" / "test.mp4")
    port = _free_port()
    env = peer_env(
        PORT=str(port),
        GURU_CLIENT_ID=serve.client_id,
        GURU_CLIENT_SECRET=serve.client_secret,
        GURU_SCHEMA_ID=PEER_SCHEMA,
        GURU_PEER_HOSTS=json.dumps(serve.hosts()),
    )
    process = subprocess.Popen(
        [node_bin, "--require", str(REDIRECT_JS), "index.js"],
        cwd=app,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert f"Server running on http://localhost:{port}" in first, first
        response = httpx.post(f"http://127.0.0.1:{port}/analyze-video", timeout=330)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert response.status_code == 200, response.text + output
    _check_squat_analysis(response.json(), SQUAT_REPS)
    assert "Uploaded video" in output and "Error" not in output, output
    token_file = json.loads((app / "token.json").read_text())  # stored for reuse, as it should
    assert token_file["expiry"] > time.time() * 1000


def test_the_docs_python_snippet_unchanged_uploads_and_the_analysis_has_reps(
    serve: Serve, tmp_path: Path
) -> None:
    (snippet,) = code_blocks(read_pinned(DOCS_INDEX).decode(), "python")
    (tmp_path / "snippet.py").write_text(snippet)
    (tmp_path / "path" / "to").mkdir(parents=True)
    shutil.copy(SQUAT_CLIP, tmp_path / "path" / "to" / "video.mp4")
    env = peer_env(
        GURU_CLIENT_ID=serve.client_id,
        GURU_CLIENT_SECRET=serve.client_secret,
        GURU_PEER_HOSTS=json.dumps(serve.hosts()),
    )
    result = subprocess.run(
        [sys.executable, str(RUN_DOCS_PYTHON), "snippet.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert (outcome["create_status"], outcome["upload_status"]) == (200, 204)
    # The snippet asks for repCount 1: the analysis reports at most that many reps.
    _check_squat_analysis(serve.wait_for_analysis(outcome["id"]), 1)


# -- the blog's curl walkthrough ------------------------------------------------------------------

BLOG_HOSTS = (
    "https://customer-console-prod.auth.us-west-2.amazoncognito.com",
    "https://api.getguru.fitness",
)


def _curl(command: str, cwd: Path) -> str:
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=peer_env(),
        check=False,
    )
    assert result.returncode == 0, f"{command}\n{result.stderr}"
    return result.stdout


def _pointed(command: str, serve: Serve) -> str:
    """The command with the host of its URL (its last word) pointed at the server.

    Only the URL: the token request's body names ``https://api.getguru.fitness/default`` as its
    scope, which stays as it is.
    """
    head, _, url = command.rstrip().rpartition(" ")
    for host in BLOG_HOSTS:
        if url.startswith(host + "/"):
            url = serve.url + url[len(host) :]
    return f"{head} {url}"


def _upload_command(template: str, fields: dict[str, str], url: str, file: str) -> str:
    """The blog's upload, with the form's fields of this video in place of its example's."""
    lines = []
    for line in template.splitlines():
        if re.match(r"\s*-F '(?!file=)", line):
            continue  # the example's fields
        if "-F 'file=@" in line:
            lines += [f" -F {shlex.quote(f'{k}={v}')} \\" for k, v in fields.items()]
            lines.append(line.replace("/path/to/squat.mp4", file))
        else:
            lines.append(line)
    return "\n".join(lines).replace("https://upload-url.getguru.fitness", url)


def test_the_blog_curl_walkthrough_with_real_curl(serve: Serve, tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is needed for the blog's walkthrough")
    token_cmd, create_cmd, upload_cmd, video_cmd, analysis_cmd = code_blocks(
        read_pinned(BLOG_POST).decode(), "bash"
    )
    shutil.copy(SQUAT_CLIP, tmp_path / "squat.mp4")
    size = (tmp_path / "squat.mp4").stat().st_size

    command = token_cmd.replace("CLIENT_ID", serve.client_id)
    command = command.replace("CLIENT_SECRET", serve.client_secret)
    token = json.loads(_curl(_pointed(command, serve), tmp_path))
    assert token["token_type"] == "Bearer" and token["expires_in"] > 0
    access_token = token["access_token"]

    assert '"size": 1234' in create_cmd
    command = create_cmd.replace("ACCESS_TOKEN", access_token).replace(
        '"size": 1234', f'"size": {size}'
    )
    created = json.loads(_curl(_pointed(command, serve), tmp_path))
    video_id = created["id"]

    _curl(_upload_command(upload_cmd, created["fields"], created["url"], "squat.mp4"), tmp_path)

    command = _pointed(video_cmd.replace("ACCESS_TOKEN", access_token), serve)
    video = json.loads(_curl(command.replace("abc-123", video_id), tmp_path))
    assert video["status"] == "Success"  # uploaded: the blog's signal to fetch the analysis

    command = _pointed(analysis_cmd.replace("ACCESS_TOKEN", access_token), serve)
    command = command.replace("abc-123", video_id)
    deadline = time.monotonic() + 300
    analysis = json.loads(_curl(command, tmp_path))
    while analysis["status"] == "Pending" and time.monotonic() < deadline:
        time.sleep(1.0)
        analysis = json.loads(_curl(command, tmp_path))
    _check_squat_analysis(analysis, SQUAT_REPS)

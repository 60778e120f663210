"""One data folder, several servers: each keeps its own tmp/, forms work once, all is owner-only."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
from filelock import FileLock

from guru_form.server.testing import KnownVideo, LocalServer

from .conftest import Api

ROOT = Path(__file__).resolve().parents[2]


def _start_slow_upload(
    url: str, target: dict[str, str | dict[str, str]], data: bytes
) -> tuple[socket.socket, bytes]:
    """Send an upload's form and the first half of its file; the open socket and the rest."""
    fields = target["fields"]
    assert isinstance(fields, dict)
    boundary = "slowb0undary"
    head = (
        "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in fields.items()
        ).encode()
        + (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\n'
        ).encode()
    )
    tail = f"\r\n--{boundary}--\r\n".encode()
    parsed = httpx.URL(url)
    sock = socket.create_connection((parsed.host, parsed.port), timeout=30)
    sock.sendall(
        f"POST {parsed.raw_path.decode()} HTTP/1.1\r\nHost: x\r\n"
        f"content-type: multipart/form-data; boundary={boundary}\r\n"
        f"content-length: {len(head) + len(data) + len(tail)}\r\n\r\n".encode()
        + head
        + data[: len(data) // 2]
    )
    return sock, data[len(data) // 2 :] + tail


def _finish(upload: tuple[socket.socket, bytes]) -> bytes:
    sock, rest = upload
    sock.sendall(rest)
    answer = sock.recv(65536)
    sock.close()
    return answer


def test_a_second_server_on_the_folder_leaves_the_firsts_upload_alone(
    tmp_path: Path, known_videos: dict[str, KnownVideo], reference_dir: Path
) -> None:
    data = tmp_path / "data"
    path = known_videos["squat"].path
    with LocalServer(data, reference_dirs=[reference_dir]) as first:
        api = Api(first)
        target = api.create(path)
        upload = _start_slow_upload(
            f"{first.direct_url}/uploads/{target['id']}", target, path.read_bytes()
        )
        time.sleep(0.3)
        half_written = [p for p in (data / "tmp").rglob("upload-*.part")]
        assert len(half_written) == 1
        with LocalServer(data, reference_dirs=[reference_dir]) as second:
            assert half_written[0].exists()  # the second server did not touch it
            assert _finish(upload).startswith(b"HTTP/1.1 204")
            assert api.wait(target["id"])["status"] == "Complete"
            # one database: the second server knows the video, the token and the used form
            other = Api(second)
            other._token = api.token()
            assert other.request("GET", f"/videos/{target['id']}").json()["status"] == "Success"
            assert (
                other.upload(target, path, url=f"{second.url}/uploads/{target['id']}").status_code
                == 409
            )
            assert other.wait(other.submit(known_videos["push_up"].path))["status"] == "Complete"
            other.close()
        api.close()
    assert not [p for p in (data / "tmp").rglob("*") if p.is_file() and p.suffix != ".lock"]


def test_only_the_tmp_folders_of_servers_that_are_gone_are_cleared(tmp_path: Path) -> None:
    data = tmp_path / "data"
    tmp = data / "tmp"
    tmp.mkdir(parents=True)
    dead, alive = tmp / "111-dead", tmp / "222-alive"
    for folder in (dead, alive):
        folder.mkdir()
        (folder / "upload-x.part").write_bytes(b"half")
    (tmp / "upload-old.part").write_bytes(b"from an older guru_form")
    held = FileLock(tmp / "222-alive.lock")
    held.acquire()  # a running server's
    try:
        with LocalServer(data):
            assert not dead.exists()
            assert (alive / "upload-x.part").read_bytes() == b"half"
            assert not (tmp / "upload-old.part").exists()
    finally:
        held.release()


def _modes(folder: Path) -> dict[str, tuple[str, bool]]:
    return {
        str(p.relative_to(folder)): (oct(stat.S_IMODE(p.lstat().st_mode)), p.is_dir())
        for p in [folder, *folder.rglob("*")]
    }


def test_everything_the_server_writes_is_owner_only_whatever_the_folder_had(
    tmp_path: Path, known_videos: dict[str, KnownVideo], reference_dir: Path
) -> None:
    data = tmp_path / "data"
    with LocalServer(data, reference_dirs=[reference_dir]) as server:
        api = Api(server)
        api.wait(api.submit(known_videos["squat"].path))
        api.close()
    for path in [data, *data.rglob("*")]:  # someone opened it all up
        path.chmod(0o777 if path.is_dir() else 0o644)
    (data / "artifacts" / "old-1").mkdir(mode=0o755)
    (data / "artifacts" / "old-1" / "pose_track.parquet").write_bytes(b"x")
    (data / "artifacts" / "old-1" / "pose_track.parquet").chmod(0o644)
    with LocalServer(data, reference_dirs=[reference_dir]) as server:
        api = Api(server)
        api.wait(api.submit(known_videos["push_up"].path))
        api.close()
        modes = _modes(data)
    bad = {
        name: mode
        for name, (mode, is_dir) in modes.items()
        if mode != ("0o700" if is_dir else "0o600")
    }
    assert bad == {}
    assert "guru.sqlite3" in modes and any(n.startswith("videos/") for n in modes)


def test_the_pose_track_a_job_writes_is_owner_only(tmp_path: Path, unknown_video: Path) -> None:
    from guru_form.server.engines import EngineSpec
    from guru_form.server.jobs import run_analysis

    folder = tmp_path / "artifacts" / "v-1"
    folder.mkdir(parents=True, mode=0o755)  # a folder that was world-readable before
    folder.chmod(0o755)
    result = run_analysis(
        EngineSpec("tests.io.test_job_handoff:TrackEngine"),
        str(unknown_video),
        "squat",
        "weightlifting",
        None,
        str(folder),
    )
    assert result["status"] == "Complete", result
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = list(folder.iterdir())
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


_NOTEBOOK = """
import json, sys
from guru_form import GuruClient
from guru_form.samples import sample_path
with GuruClient.local(engine="reference", data_dir=sys.argv[1]) as client:
    ids = [str(client.analyze(sample_path(name), activity=name, progress=False, timeout=120).video_id)
           for name in ("squat", "push_up")]
print(json.dumps(ids))
"""


def test_two_notebooks_run_embedded_servers_on_one_folder(tmp_path: Path) -> None:
    env = {**os.environ, "GURU_FORM_HOME": str(tmp_path / "home")}
    notebooks = [
        subprocess.Popen(
            [sys.executable, "-c", _NOTEBOOK, str(tmp_path / "shared")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    answers = []
    for notebook in notebooks:
        out, err = notebook.communicate(timeout=300)
        assert notebook.returncode == 0, err
        answers.append(json.loads(out.strip().splitlines()[-1]))
    assert answers[0] == answers[1]  # one cache, one folder: each file uploaded once
    stored = list((tmp_path / "shared" / "videos").iterdir())
    assert len(stored) == 2

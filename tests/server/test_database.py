"""The database: checked at start, refused when damaged or emptied, backed up live, full disk is 507."""

from __future__ import annotations

import errno
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from guru_form.errors import GuruError
from guru_form.server import _upload
from guru_form.server.config import ServerConfig, ServerRuntime
from guru_form.server.testing import KnownVideo, LocalServer

from ._serve_process import ServeProcess
from .conftest import Api

ROOT = Path(__file__).resolve().parents[2]


def _folder_with_videos(
    data: Path, known_videos: dict[str, KnownVideo], reference_dir: Path
) -> list[str]:
    with LocalServer(data, reference_dirs=[reference_dir]) as server:
        api = Api(server)
        ids = [api.submit(known.path) for known in known_videos.values()]
        for vid in ids:
            api.wait(vid)
        api.close()
    return ids


def _serve_cli(data: Path) -> subprocess.CompletedProcess[str]:
    """``guru-form serve`` on ``data``, expected to refuse at once."""
    return subprocess.run(
        [sys.executable, "-m", "guru_form", "serve", "--port", "0", "--data-dir", str(data),
         "--engine", "reference"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip


def _damage_pages(database: Path) -> None:
    with database.open("r+b") as handle:
        handle.seek(4096)  # page 2 onwards: the tables' pages, past the header
        handle.write(b"\xa5" * 8192)


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda db: db.write_bytes(b"this is not a database, it was overwritten" * 100), "damaged"),
        (_damage_pages, "damaged"),
        (lambda db: db.write_bytes(b""), "is empty (0 bytes)"),
        (lambda db: db.unlink(), "is missing"),
    ],
    ids=["not-a-database", "damaged-pages", "zero-bytes", "missing"],
)
def test_a_bad_database_stops_the_server_with_one_line_saying_how_to_restore(
    tmp_path: Path,
    known_videos: dict[str, KnownVideo],
    reference_dir: Path,
    damage: Any,
    words: str,
) -> None:
    data = tmp_path / "data"
    _folder_with_videos(data, known_videos, reference_dir)
    database = data / "guru.sqlite3"
    for wal in ("-wal", "-shm"):
        database.with_name(database.name + wal).unlink(missing_ok=True)
    damage(database)
    runtime = ServerRuntime(ServerConfig(data, engine="reference"))
    with pytest.raises(GuruError) as info:
        runtime.open()
    message = str(info.value)
    assert words in message and str(database) in message
    assert "guru-form backup" in message and "\n" not in message
    result = _serve_cli(data)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [f"guru-form: error: {message}"], result.stderr
    if words == "is missing":
        assert not database.exists()  # not silently replaced by an empty one


def test_a_new_folder_still_gets_a_new_database(tmp_path: Path) -> None:
    with LocalServer(tmp_path / "new") as server:
        api = Api(server)
        assert api.token()
        api.close()
    assert (tmp_path / "new" / "guru.sqlite3").stat().st_size > 0
    assert not list((tmp_path / "new").glob(".guru.sqlite3*"))


def test_a_live_backup_holds_what_is_in_the_wal_and_restores(
    tmp_path: Path, known_videos: dict[str, KnownVideo], reference_dir: Path
) -> None:
    data, backup = tmp_path / "data", tmp_path / "backup"
    with LocalServer(data, reference_dirs=[reference_dir]) as server:
        api = Api(server)
        ids = [api.submit(known.path) for known in known_videos.values()]
        analyses = {vid: api.wait(vid) for vid in ids}
        token = api.token()
        # the records sit in the WAL: the database file alone holds none of them
        alone = tmp_path / "copied-alone.sqlite3"
        shutil.copyfile(data / "guru.sqlite3", alone)
        with sqlite3.connect(alone) as db:
            rows = db.execute("SELECT count(*) FROM sqlite_master WHERE name='videos'").fetchone()
            in_file = db.execute("SELECT count(*) FROM videos").fetchone()[0] if rows[0] else 0
        assert in_file < len(ids)
        result = subprocess.run(
            [sys.executable, "-m", "guru_form", "backup", str(backup), "--data-dir", str(data),
             "--no-progress"],
            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert f"backed up {len(ids)} video records" in result.stdout
        api.close()
    assert all(p.stat().st_mode & 0o077 == 0 for p in backup.rglob("*"))
    # disaster: the database is lost; restore = copy the backup back
    (data / "guru.sqlite3").write_bytes(b"")
    for wal in ("-wal", "-shm"):
        (data / f"guru.sqlite3{wal}").unlink(missing_ok=True)
    shutil.copytree(backup, data, dirs_exist_ok=True)
    with LocalServer(data, reference_dirs=[reference_dir]) as server:
        api = Api(server)
        api._token = token  # tokens were backed up too
        for vid, analysis in analyses.items():
            assert api.analysis(vid) == analysis
            video = api.request("GET", f"/videos/{vid}").json()
            assert api.http.get(video["uri"], headers=api.auth()).status_code == 200
        api.close()


def test_a_second_backup_into_the_same_folder_copies_only_what_changed(
    tmp_path: Path, known_videos: dict[str, KnownVideo], reference_dir: Path
) -> None:
    from guru_form.server.backup import backup_data_folder

    data = tmp_path / "data"
    _folder_with_videos(data, known_videos, reference_dir)
    first = backup_data_folder(data, tmp_path / "b")
    again = backup_data_folder(data, tmp_path / "b")
    assert first.files_copied >= 4 and again.files_copied == 0
    assert again.files_kept == first.files_copied and again.videos == 2
    with pytest.raises(GuruError, match="must be outside the data folder"):
        backup_data_folder(data, data / "inside")
    with pytest.raises(GuruError, match="not a guru_form data folder"):
        backup_data_folder(tmp_path / "b" / "videos", tmp_path / "c")


# --- a full disk ----------------------------------------------------------------------------------


def test_a_full_disk_while_receiving_an_upload_is_507_with_retry_after(
    fresh_api: Api,
    fresh_server: LocalServer,
    known_videos: dict[str, KnownVideo],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def disk_full(handle: Any, block: bytearray) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    path = known_videos["squat"].path
    target = fresh_api.create(path)
    monkeypatch.setattr(_upload, "_flush", disk_full)
    response = fresh_api.upload(target, path)
    assert response.status_code == 507
    assert response.headers["retry-after"] == "60"
    assert response.json()["error"] == "insufficient_storage"
    assert response.json()["requestId"] == response.headers["x-request-id"]
    monkeypatch.undo()
    assert fresh_api.request("GET", f"/videos/{target['id']}").json()["status"] == "Pending"
    assert fresh_api.upload(target, path).status_code == 204  # space again: the form still works


def test_a_full_database_is_507_on_the_token_endpoint(
    fresh_api: Api, fresh_server: LocalServer
) -> None:
    runtime = fresh_server._runtime
    assert runtime is not None
    db = runtime.store._db
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count={pages}")  # SQLite itself answers SQLITE_FULL from now
    try:
        for _ in range(50):  # until the last free page is used
            response = fresh_api.token_response()
            if response.status_code != 200:
                break
        assert response.status_code == 507, response.text
        assert response.headers["retry-after"] == "60"
        assert "disk is full" in response.json()["message"]
        assert fresh_api.http.get("/health").status_code == 200
    finally:
        db.execute("PRAGMA max_page_count=1073741823")
    assert fresh_api.token_response().status_code == 200


def _unshare_works() -> bool:
    if shutil.which("unshare") is None or not sys.platform.startswith("linux"):
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _unshare_works(), reason="needs unshare -rm and tmpfs (Linux)")
def test_a_really_full_tmpfs_is_507_never_500(
    tmp_path: Path, known_videos: dict[str, KnownVideo]
) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mount = f'mount -t tmpfs -o size=8m tmpfs {disk} && exec "$0" "$@"'
    with ServeProcess(disk / "data", command=["unshare", "-rm", "sh", "-c", mount]) as server:
        inside = Path(f"/proc/{server.pid}/root") / str(disk).lstrip("/")
        form = {
            **__import__("json").loads((inside / "data" / "credentials.json").read_text()),
            "audience": "https://guru-form.local/api/",
            "grant_type": "client_credentials",
        }
        http = httpx.Client(base_url=server.url, timeout=30)
        token = http.post("/oauth/token", data=form).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        path = known_videos["squat"].path
        target = http.post("/videos", json={"filename": "a.mp4", "size": path.stat().st_size}, headers=auth).json()  # fmt: skip
        filler = inside / "filler"
        with filler.open("wb") as handle, pytest.raises(OSError) as full:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        assert full.value.errno == errno.ENOSPC
        answers = [http.post("/oauth/token", data=form) for _ in range(20)]
        with path.open("rb") as handle:
            upload = httpx.post(target["url"], data=target["fields"], files={"file": ("a.mp4", handle, "video/mp4")})  # fmt: skip
        statuses = [r.status_code for r in answers] + [upload.status_code]
        print(f"on a full tmpfs: token/upload answers {statuses}")
        assert 500 not in statuses and 507 in statuses
        assert all(
            r.headers.get("retry-after") == "60" for r in [*answers, upload] if r.status_code == 507
        )
        assert http.get("/health").status_code == 200
        filler.unlink()
        time.sleep(0.1)
        assert http.post("/oauth/token", data=form).status_code == 200
        with path.open("rb") as handle:
            again = httpx.post(target["url"], data=target["fields"], files={"file": ("a.mp4", handle, "video/mp4")})  # fmt: skip
        assert again.status_code == 204
        http.close()
        assert server.stop() == 0
    assert "Traceback" not in server.log()

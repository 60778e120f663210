""" "Never uploaded twice" across client objects, threads and processes sharing one cache folder.

Twenty clients analyse the same four files at once against a real server on 127.0.0.1; the server
counts what it received: four videos created, four uploads.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from guru_form import AsyncGuruClient, GuruClient
from guru_form.server.testing import KnownVideo, LocalServer

FAST = {"poll_interval": 0.02, "max_poll_interval": 0.1, "timeout": 60, "progress": False}
ROOT = Path(__file__).resolve().parents[2]


def _four(make_known_video: Any) -> list[KnownVideo]:
    return [make_known_video(activity="squat", reps=2) for _ in range(4)]


def _counts(server: LocalServer) -> tuple[int, int]:
    return (
        server.faults.count("/videos", method="POST"),
        server.faults.count("/uploads/*", method="POST"),
    )


def test_20_client_objects_in_threads_upload_each_file_once(
    fresh_server: LocalServer, make_known_video: Any, tmp_path: Path
) -> None:
    videos = _four(make_known_video)
    cache = tmp_path / "shared-cache"
    results: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(20)

    def notebook_cell(index: int) -> None:
        try:
            start.wait()
            if index % 2:  # half sync clients, half async ones, each its own object
                with GuruClient(**fresh_server.client_kwargs(), cache_dir=cache) as client:
                    for known in videos:
                        analysis = client.analyze(known.path, activity="squat", **FAST)
                        results.append((known.path.name, str(analysis.video_id)))
            else:
                import anyio

                async def run() -> None:
                    async with AsyncGuruClient(
                        **fresh_server.client_kwargs(), cache_dir=cache
                    ) as client:
                        for known in videos:
                            analysis = await client.analyze(known.path, activity="squat", **FAST)
                            results.append((known.path.name, str(analysis.video_id)))

                anyio.run(run)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=notebook_cell, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 80
    ids = {name: {vid for n, vid in results if n == name} for name, _ in results}
    assert all(len(found) == 1 for found in ids.values()), ids  # one video per file
    assert _counts(fresh_server) == (4, 4)


_PROCESS = """
import json, sys
from guru_form import GuruClient
kwargs, cache, paths = json.loads(sys.argv[1])
with GuruClient(**kwargs, cache_dir=cache) as client:
    ids = [str(client.analyze(p, activity="squat", poll_interval=0.05, timeout=120,
                              progress=False).video_id) for p in paths]
print(json.dumps(ids))
"""


@pytest.mark.slow
def test_20_client_processes_upload_each_file_once(
    fresh_server: LocalServer, make_known_video: Any, tmp_path: Path
) -> None:
    videos = _four(make_known_video)
    argument = json.dumps(
        [
            fresh_server.client_kwargs(),
            str(tmp_path / "shared-cache"),
            [str(v.path) for v in videos],
        ]
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _PROCESS, argument],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(20)
    ]
    answers = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        answers.append(json.loads(out.strip().splitlines()[-1]))
    assert all(ids == answers[0] for ids in answers)  # every process got the same four videos
    assert len(set(answers[0])) == 4
    assert _counts(fresh_server) == (4, 4)


def test_a_crashed_holder_does_not_keep_the_lock(tmp_path: Path) -> None:
    from guru_form.client._cache import ResultCache

    cache = ResultCache(tmp_path, "http://server")
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from guru_form.client._cache import ResultCache\n"
        f"lock = ResultCache(Path({str(tmp_path)!r}), 'http://server').lock('abc.squat')\n"
        "lock.__enter__()\n"
        "os._exit(1)  # dies holding it\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False)
    with cache.lock("abc.squat"):  # free again: the OS released it with the process
        pass

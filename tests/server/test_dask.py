"""Analysis jobs on a Dask distributed cluster (an in-process LocalCluster)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from guru_form.server.serve import dask_executor
from guru_form.server.testing import KnownVideo, LocalServer

from .conftest import Api

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def scheduler_address() -> Iterator[str]:
    with distributed.LocalCluster(
        processes=False, n_workers=1, threads_per_worker=2, dashboard_address="127.0.0.1:0"
    ) as cluster:
        yield cluster.scheduler_address


def test_jobs_run_on_the_dask_cluster(
    scheduler_address: str, tmp_path: Path, reference_dir: Path, known_videos: dict[str, KnownVideo]
) -> None:
    executor, close = dask_executor(scheduler_address)
    try:
        with LocalServer(
            tmp_path / "data", reference_dirs=[reference_dir], executor=executor
        ) as server:
            api = Api(server)
            target = api.create(known_videos["squat"].path)
            corrupted = tmp_path / "corrupted.mp4"
            corrupted.write_bytes(b"\x02" * known_videos["squat"].path.stat().st_size)
            assert api.upload(target, corrupted).status_code == 204
            assert api.wait(target["id"], timeout=30)["status"] == "Failed"
            # an upload form works once: the good file goes to a new video
            assert api.upload(target, known_videos["squat"].path).status_code == 409
            again = api.submit(known_videos["squat"].path)
            body = api.wait(again, timeout=30)
            assert body["status"] == "Complete" and len(body["reps"]) == 2
            assert api.wait(target["id"], timeout=30)["status"] == "Failed"
            api.close()
        worker_logs = distributed.Client(scheduler_address)
        try:
            tasks = worker_logs.run_on_scheduler(
                lambda dask_scheduler: [str(t) for t in dask_scheduler.task_prefixes]
            )
        finally:
            worker_logs.close()
        assert "run_analysis" in tasks
    finally:
        close()


def test_a_second_upload_while_the_first_job_runs_is_refused(
    scheduler_address: str, tmp_path: Path, known_videos: dict[str, KnownVideo]
) -> None:
    original = known_videos["squat"].path
    data = bytearray(original.read_bytes())
    data[len(data) // 2] ^= 0xFF
    variant = tmp_path / "variant.mp4"
    variant.write_bytes(bytes(data))
    executor, close = dask_executor(scheduler_address)
    try:
        with LocalServer(
            tmp_path / "data", engine="tests.server._engines:SlowContentEngine", executor=executor
        ) as server:
            api = Api(server)
            target = api.create(original)
            assert api.upload(target, original).status_code == 204
            assert api.upload(target, variant).status_code == 409  # while the first job runs
            body = api.wait(target["id"], timeout=30)
            middle = original.read_bytes()[len(data) // 2]
            assert body["reps"][0]["analyses"][0]["analysisScalar"] == middle
            api.close()
    finally:
        close()


def test_the_engines_stride_reaches_the_dask_worker(
    scheduler_address: str, tmp_path: Path, known_videos: dict[str, KnownVideo]
) -> None:
    executor, close = dask_executor(scheduler_address)
    try:
        with LocalServer(
            tmp_path / "data",
            engine="tests.server._engines:StrideEngine",
            stride=3,
            executor=executor,
        ) as server:
            api = Api(server)
            body = api.wait(api.submit(known_videos["squat"].path), timeout=30)
            assert body["status"] == "Complete", body
            assert body["reps"][0]["analyses"][0] == {
                "analysisType": "STRIDE_USED",
                "analysisScalar": 3,
            }
            api.close()
    finally:
        close()


def _wait_for_health(url: str, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, "the server exited"
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.slow
def test_guru_form_serve_runs_jobs_on_dask_worker_processes(tmp_path: Path) -> None:
    from guru_form import GuruClient, samples

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "GURU_FORM_HOME": str(tmp_path / "home"),
    }
    with distributed.LocalCluster(
        processes=True, n_workers=1, threads_per_worker=1, dashboard_address="127.0.0.1:0"
    ) as cluster:
        with distributed.Client(cluster) as watcher:
            worker_pids = set(watcher.run(os.getpid).values())
        data = tmp_path / "data"
        # `guru-form serve`, as a team runs it, in a process of its own.
        command = ["serve", "--port", "0", "--data-dir", str(data), "--engine", "reference"]
        command += ["--dask-scheduler", cluster.scheduler_address, "--log-level", "warning"]
        server = subprocess.Popen(
            [sys.executable, "-m", "guru_form", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        try:
            assert server.stdout is not None
            banner = [server.stdout.readline() for _ in range(6)]
            match = re.search(r"guru-form server on (http://127\.0\.0\.1:\d+)", banner[0])
            assert match, "".join(banner)
            assert f"jobs run on Dask cluster at {cluster.scheduler_address}" in "".join(banner)
            url = match.group(1)
            _wait_for_health(url, server)
            creds = json.loads((data / "credentials.json").read_text())
            with GuruClient(
                creds["client_id"],
                creds["client_secret"],
                base_url=url,
                auth_url=f"{url}/oauth/token",
                audience="https://guru-form.local/api/",
                cache_dir=tmp_path / "cache",
            ) as client:
                analysis = client.analyze(
                    samples.sample_path("squat"), activity="squat", progress=False, timeout=120
                )
            truth = samples.sample_analysis("squat")
            assert analysis.status == "Complete"
            assert analysis.reps == truth.reps
            # The job reached the cluster's worker process: the scheduler ran run_analysis, and
            # the worker is neither this process nor the server's.
            with distributed.Client(cluster) as watcher:
                prefixes = watcher.run_on_scheduler(
                    lambda dask_scheduler: {
                        str(name): dict(prefix.state_counts)
                        for name, prefix in dask_scheduler.task_prefixes.items()
                    }
                )
                assert set(watcher.run(os.getpid).values()) == worker_pids
            assert prefixes["run_analysis"]["memory"] == 1, prefixes  # one result computed
            assert not worker_pids & {os.getpid(), server.pid}
        finally:
            server.send_signal(signal.SIGINT)
            try:
                output, _ = server.communicate(timeout=30)
            finally:
                server.kill()
                server.wait()
    assert server.returncode == 0, output
    assert "Traceback" not in output

"""Analysis jobs on a Dask distributed cluster (an in-process LocalCluster)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from guru_form.server.serve import dask_executor
from guru_form.server.testing import KnownVideo, LocalServer

from .conftest import Api

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler_address() -> Iterator[str]:
    with distributed.LocalCluster(
        processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
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
            # same job arguments, new content: Dask must run it again, not reuse the first result
            assert api.upload(target, known_videos["squat"].path).status_code == 204
            body = api.wait(target["id"], timeout=30)
            assert body["status"] == "Complete" and len(body["reps"]) == 2
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


def test_a_re_upload_while_the_first_job_runs_is_analysed_again(
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
            assert api.upload(target, variant).status_code == 204  # while the first job runs
            body = api.wait(target["id"], timeout=30)
            assert body["reps"][0]["analyses"][0]["analysisScalar"] == data[len(data) // 2]
            api.close()
    finally:
        close()

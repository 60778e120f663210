"""FaultyExecutor: slow and failed analyses injected around the executor a server runs jobs in."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import CancelledError, ThreadPoolExecutor
from pathlib import Path

import pytest

from guru_form.server.engines import EngineSpec
from guru_form.server.jobs import run_analysis
from guru_form.testing import Faults, FaultyExecutor

SPEC = EngineSpec("reference", ())


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=1) as executor:
        yield executor


def _job(path: Path) -> tuple[object, ...]:
    return (SPEC, str(path), "squat", "weightlifting", None)


def test_without_faults_the_inner_future_is_returned(
    pool: ThreadPoolExecutor, tmp_path: Path
) -> None:
    executor = FaultyExecutor(pool, Faults())
    body = executor.submit(run_analysis, *_job(tmp_path / "missing.mp4")).result(timeout=30)
    assert body["status"] == "Failed" and "not a readable video" in body["reason"]


def test_a_failed_analysis_does_not_run_and_keeps_what_was_declared(
    pool: ThreadPoolExecutor, tmp_path: Path
) -> None:
    faults = Faults()
    faults.fail_analysis("the GPU caught fire")
    executor = FaultyExecutor(pool, faults)
    body = executor.submit(run_analysis, *_job(tmp_path / "missing.mp4")).result(timeout=30)
    assert body == {
        "status": "Failed",
        "domain": "weightlifting",
        "activity": "squat",
        "reps": [],
        "reason": "the GPU caught fire",
    }


def test_a_slow_analysis_holds_back_its_outcome_but_no_worker(
    pool: ThreadPoolExecutor, tmp_path: Path
) -> None:
    faults = Faults()
    faults.slow_analysis(1.0)
    executor = FaultyExecutor(pool, faults)
    started = time.monotonic()
    slow = executor.submit(run_analysis, *_job(tmp_path / "a.mp4"))
    quick = executor.submit(run_analysis, *_job(tmp_path / "b.mp4"))  # one worker only
    assert quick.result(timeout=30)["status"] == "Failed"
    assert not slow.done()
    assert slow.result(timeout=30)["status"] == "Failed"
    assert time.monotonic() - started >= 1.0


def test_shutdown_cancels_held_back_outcomes(pool: ThreadPoolExecutor, tmp_path: Path) -> None:
    faults = Faults()
    faults.slow_analysis(60)
    executor = FaultyExecutor(pool, faults)
    held = executor.submit(run_analysis, *_job(tmp_path / "a.mp4"))
    executor.shutdown(wait=False, cancel_futures=True)
    with pytest.raises(CancelledError):
        held.result(timeout=30)
    with pytest.raises(RuntimeError, match="after shutdown"):
        executor.submit(run_analysis, *_job(tmp_path / "b.mp4"))


def test_other_work_passes_through_untouched(pool: ThreadPoolExecutor) -> None:
    faults = Faults()
    faults.fail_analysis("not for this")
    executor = FaultyExecutor(pool, faults)
    assert executor.submit(sum, [1, 2, 3]).result(timeout=30) == 6
    assert faults.take_analysis_fault() == (0.0, "not for this")  # the rule was not used up

"""The soak: 200 videos through the real client and server on 127.0.0.1 while faults are injected.

Rate limits, 5xx answers, connections dropped before and after the server acted (the create call,
the upload, the polls), slow answers and token revocation, all at once: every video must end
Complete, each file must be stored under exactly one video, and nothing may answer 500.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from guru_form import GuruClient, RetryPolicy
from guru_form.server.testing import LocalServer

VIDEOS = 200
# Faults come in runs (each rule hits the next N matching requests, whoever sends them), so one
# request may meet several in a row: the client gets a budget for that, with short delays.
RETRY = RetryPolicy(max_retries=8, initial_delay=0.02, max_delay=0.2)


@pytest.mark.slow
def test_200_videos_under_injected_faults(
    fresh_server: LocalServer, make_known_video: Any, tmp_path: Path
) -> None:
    known = [make_known_video(activity="squat", reps=2) for _ in range(VIDEOS)]
    faults = fresh_server.faults
    _inject(faults)
    kwargs = fresh_server.client_kwargs()
    with GuruClient(**kwargs, cache_dir=tmp_path / "cache", retry=RETRY) as client:
        first = client.analyze_many(
            [k.path for k in known[: VIDEOS // 2]],
            activity="squat",
            concurrency=16,
            poll_interval=0.05,
            max_poll_interval=0.2,
            timeout=300,
            progress=False,
        )
        faults.expire_tokens()  # every token so far is revoked halfway
        _inject(faults)
        second = client.analyze_many(
            [k.path for k in known[VIDEOS // 2 :]],
            activity="squat",
            concurrency=16,
            poll_interval=0.05,
            max_poll_interval=0.2,
            timeout=300,
            progress=False,
        )
    failures = [(f.path, repr(f.error)) for f in [*first.failed, *second.failed]]
    assert failures == []
    succeeded = {**first.succeeded, **second.succeeded}
    assert len(succeeded) == VIDEOS
    for item in known:
        assert succeeded[item.path].reps == item.analysis.reps
    statuses = Counter(r.status for r in faults.records if r.fault is None)
    print(
        f"soak: {VIDEOS} videos, {len(faults.records)} requests, "
        f"{sum(1 for r in faults.records if r.fault)} faults injected; answers {dict(statuses)}"
    )
    assert statuses[500] == 0
    with sqlite3.connect(fresh_server.data_dir / "guru.sqlite3") as db:
        stored = db.execute(
            "SELECT count(*), count(DISTINCT content_path) FROM videos WHERE uploaded_at IS NOT NULL"
        ).fetchone()
    assert stored == (VIDEOS, VIDEOS)  # each file stored once, under one video
    assert len(list((fresh_server.data_dir / "videos").iterdir())) == VIDEOS
    stored_now = faults.count("/uploads/*", method="POST", status=204)
    resent = faults.count("/uploads/*", method="POST", status=409)  # their first answer was lost
    assert stored_now <= VIDEOS <= stored_now + resent


def _inject(faults: Any) -> None:
    faults.rate_limit("/videos", method="POST", retry_after=0.05, times=8)
    faults.fail("/videos", 503, method="POST", times=5)
    faults.drop("/videos", method="POST", times=4, after_processing=True)
    faults.fail("/uploads/*", 503, method="POST", times=5)
    faults.drop("/uploads/*", method="POST", times=5)
    faults.drop("/uploads/*", method="POST", times=5, after_processing=True)
    faults.fail("/videos/*/analysis", 503, times=15)
    faults.rate_limit("/videos/*/analysis", retry_after=0.05, times=15)
    faults.drop("/videos/*/analysis", times=5)
    faults.slow("/videos/*/analysis", 0.2, times=10)
    faults.fail("/oauth/token", 503, times=2)

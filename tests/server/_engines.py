"""Engines for the server's tests, importable as ``tests.server._engines:<Name>``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from guru_form.models import Activity, Domain
from guru_form.server.engines import EngineFailure


class CrashingEngine:
    name = "crashing"

    def analyze(
        self,
        video_path: Path,
        *,
        activity: Activity | None,
        domain: Domain | None,
        rep_count: int | None,
    ) -> dict[str, Any]:
        raise ZeroDivisionError("the model divided by zero on frame 7")


class RefusingEngine:
    name = "refusing"

    def analyze(
        self,
        video_path: Path,
        *,
        activity: Activity | None,
        domain: Domain | None,
        rep_count: int | None,
    ) -> dict[str, Any]:
        raise EngineFailure("no person found on 0 of 20 frames")


class EchoEngine:
    """Answers one rep whose scalar is the declared rep count, with numpy values (must be made JSON)."""

    name = "echo"

    def analyze(
        self,
        video_path: Path,
        *,
        activity: Activity | None,
        domain: Domain | None,
        rep_count: int | None,
    ) -> dict[str, Any]:
        assert activity is None or isinstance(activity, Activity)
        assert domain is None or isinstance(domain, Domain)
        return {
            "status": "Complete",
            "reps": [
                {
                    "startTimestampMs": np.int64(0),
                    "midTimestampMs": np.int64(100),
                    "endTimestampMs": np.int64(200),
                    "analyses": [
                        {
                            "analysisType": "REP_COUNT_SEEN",
                            "analysisScalar": np.float32(rep_count or 0),
                        }
                    ],
                }
            ],
        }


class BrokenOutputEngine:
    name = "broken"

    def analyze(
        self,
        video_path: Path,
        *,
        activity: Activity | None,
        domain: Domain | None,
        rep_count: int | None,
    ) -> dict[str, Any]:
        return {"status": "Complete", "reps": [{"analyses": object()}]}


class NotAnEngine:
    pass


class SlowContentEngine:
    """Takes 0.4 s, then reports the byte in the middle of the file it read (to tell contents apart)."""

    name = "slow-content"

    def analyze(
        self,
        video_path: Path,
        *,
        activity: Activity | None,
        domain: Domain | None,
        rep_count: int | None,
    ) -> dict[str, Any]:
        import time

        data = video_path.read_bytes()
        time.sleep(0.4)
        middle = float(data[len(data) // 2])
        return {
            "status": "Complete",
            "reps": [
                {
                    "startTimestampMs": 0,
                    "midTimestampMs": 1,
                    "endTimestampMs": 2,
                    "analyses": [{"analysisType": "MIDDLE_BYTE", "analysisScalar": middle}],
                }
            ],
        }


class ProcessKillingEngine:
    """Ends its worker process abruptly, as a crash in native code would."""

    name = "process-killing"

    def analyze(
        self,
        video_path: Path,
        *,
        activity: Activity | None,
        domain: Domain | None,
        rep_count: int | None,
    ) -> dict[str, Any]:
        import os

        os._exit(3)


class StrideEngine:
    """Takes a ``stride`` as the pose engine does, and reports it as its one rep's scalar."""

    name = "stride"

    def __init__(self, *, stride: int = 1) -> None:
        self.stride = stride

    def analyze(
        self,
        video_path: Path,
        *,
        activity: Activity | None,
        domain: Domain | None,
        rep_count: int | None,
    ) -> dict[str, Any]:
        return {
            "status": "Complete",
            "reps": [
                {
                    "startTimestampMs": 0,
                    "midTimestampMs": 500,
                    "endTimestampMs": 1000,
                    "analyses": [
                        {"analysisType": "STRIDE_USED", "analysisScalar": float(self.stride)}
                    ],
                }
            ],
        }

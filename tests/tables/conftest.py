"""Hand-built analyses whose every number is known."""

from __future__ import annotations

from typing import Any

import pytest

from guru_form import Analysis


def rep(start: int, mid: int, end: int, **analyses: float | None) -> dict[str, Any]:
    return {
        "startTimestampMs": start,
        "midTimestampMs": mid,
        "endTimestampMs": end,
        "analyses": [{"analysisType": k, "analysisScalar": v} for k, v in analyses.items()],
    }


@pytest.fixture
def squat() -> Analysis:
    """Three squats sent out of order; rep at 5000 lacks TRUNK_LEAN; one unknown type."""
    return Analysis.from_json(
        {
            "videoId": "sq1",
            "status": "Complete",
            "activity": "squat",
            "reps": [
                rep(5000, 6500, 7000, HIP_KNEE_ANGLE_DEGREES=2.0),
                rep(1000, 2500, 3250, HIP_KNEE_ANGLE_DEGREES=-4.0, TRUNK_LEAN_DEGREES=40.0),
                rep(
                    9000,
                    10800,
                    12000,
                    HIP_KNEE_ANGLE_DEGREES=6.0,
                    TRUNK_LEAN_DEGREES=46.0,
                    BAR_TILT_CM=1.5,
                ),
            ],
        }
    )


@pytest.fixture
def deadlift() -> Analysis:
    """Two deadlifts: up first (start->mid is concentric), mid is the lockout."""
    return Analysis.from_json(
        {
            "videoId": "dl1",
            "status": "Complete",
            "activity": "deadlift",
            "reps": [
                rep(0, 1200, 3000, LOCKOUT_HIP_ANGLE_DEGREES=176.0),
                rep(4000, 5500, 7500, LOCKOUT_HIP_ANGLE_DEGREES=168.5),
            ],
        }
    )

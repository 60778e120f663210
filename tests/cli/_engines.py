"""An engine for the command line's tests, importable as ``tests.cli._engines:ActivityEngine``.

It knows the bundled sample videos by content (as the reference engine does) and answers like a
pose engine would: the sample's reps when asked for the sample's own activity, no reps when asked
for another, and with no activity it "recognises" the sample's activity (confidence 0.87).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from guru_form.errors import EngineError
from guru_form.models import EXTENSION_KEY, RECOGNITION_FIELD, Activity, Analysis, Domain
from guru_form.server.reference import ReferenceEngine

#: The confidence this engine gives every activity it recognises.
CONFIDENCE = 0.87


class ActivityEngine:
    name = "activity"

    def __init__(self) -> None:
        self._samples = ReferenceEngine()

    def analyze(
        self,
        video_path: Path,
        *,
        activity: Activity | None,
        domain: Domain | None,
        rep_count: int | None,
    ) -> dict[str, Any]:
        sidecar = self._samples.find(Path(video_path))
        if sidecar is None:
            raise EngineError("this test engine knows only the sample videos")
        truth = Analysis.load(sidecar)
        body = truth.to_json()
        body.pop("videoId", None)
        body["status"] = "Complete"
        if activity is None:
            assert truth.activity is not None
            # as the pose engine says it: in guru_form's extension, and as the analysis's confidence
            body[EXTENSION_KEY] = {
                RECOGNITION_FIELD: {"activity": truth.activity.value, "confidence": CONFIDENCE}
            }
            body["activityConfidence"] = CONFIDENCE
        elif activity is not truth.activity:
            body.update(activity=activity.value, domain=activity.domain.value, reps=[])
        if rep_count is not None:
            body["reps"] = body["reps"][:rep_count]
        return body


class SlowEngine(ActivityEngine):
    """:class:`ActivityEngine`, taking 5 s a video: longer than a test's ``--timeout 1``."""

    name = "slow"

    def analyze(self, video_path: Path, **options: Any) -> dict[str, Any]:
        time.sleep(5)
        return super().analyze(video_path, **options)

"""An engine for the unsure tests, importable as ``tests.tables._unsure_engine:UnsureEngine``.

It answers a bundled sample video with its true reps, as the local pose engine would when it
lost the pose on the second rep: that rep's first value is unsure, in guru_form's extension.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from guru_form.errors import EngineError
from guru_form.models import EXTENSION_KEY, UNSURE_FIELD, Activity, Analysis, Domain
from guru_form.server.reference import ReferenceEngine

#: Why the second rep's first value is unsure.
WHY = "the wrist hidden, visibility 0.21"


class UnsureEngine:
    name = "unsure"

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
        truth.reps[1].unsure = {next(iter(truth.reps[1].analyses)): WHY}
        body = truth.to_json()
        body.pop("videoId", None)
        body["status"] = "Complete"
        assert UNSURE_FIELD in body[EXTENSION_KEY]
        return body

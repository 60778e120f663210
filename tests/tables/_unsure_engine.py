"""An engine for the unsure tests, importable as ``tests.tables._unsure_engine:UnsureEngine``.

It answers a bundled sample video as :class:`tests.cli._engines.ActivityEngine` does, as the local
pose engine would when it lost the pose on the second rep: that rep's first value is unsure, in
guru_form's extension.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from guru_form.models import EXTENSION_KEY, UNSURE_FIELD, Activity, Domain, Rep
from tests.cli._engines import ActivityEngine

#: Why the second rep's first value is unsure.
WHY = "the wrist hidden, visibility 0.21"


class UnsureEngine(ActivityEngine):
    name = "unsure"

    def analyze(
        self,
        video_path: Path,
        *,
        activity: Activity | None,
        domain: Domain | None,
        rep_count: int | None,
    ) -> dict[str, Any]:
        body = super().analyze(video_path, activity=activity, domain=domain, rep_count=rep_count)
        reps = body["reps"]
        metric = next(iter(Rep.from_json(reps[1]).analyses))
        unsure = [{metric: WHY} if i == 1 else {} for i in range(len(reps))]
        body.setdefault(EXTENSION_KEY, {})[UNSURE_FIELD] = unsure
        return body

"""The real-footage corpus: clips counted by eye, read from ``tests/footage/corpus/*.json``.

Each manifest holds the clips of one activity (``{"_doc": ..., "clips": [...]}``); each clip names
its file under ``tests/footage/external/``, its source (repository, commit, path, SHA-256,
licence), the split, the view, the reps and their turning points counted by eye (``mid_s``).
``tests/footage/corpus/<activity>.md`` says how each was counted.

The splits (``SPLITS``):

- ``tune``: clips the engine may be tuned and looked at on;
- ``holdout``: clips held back to measure the engine (development data since session 6, their
  failures having been looked at);
- ``holdout2``: a second held-back set, from repositories no other split uses, counted by eye
  before any engine ran on it, kept for one measurement of the engine changed after the
  ``holdout`` clips had been looked at too often (development data since session 6);
- ``holdout3``: a third held-back set, built the same way from repositories no other split uses,
  counted by eye before any engine ran on it, kept for one measurement of the engine changed
  after ``holdout`` and ``holdout2`` had been run and their failures looked at (development data
  once measured);
- ``holdout4``: a fourth held-back set, built the same way from repositories no other split uses,
  counted by eye before any engine ran on it, kept for one measurement of the engine changed
  after ``holdout3`` had been run (measured in session 7, development data since);
- ``holdout5``: a fifth held-back set, built the same way from repositories no other split uses,
  counted by eye before any engine ran on it, kept for one measurement of the engine changed
  after ``holdout4`` had been run (measured in session 8, development data since);
- ``holdout6``: a sixth held-back set, built the same way from repositories no other split uses,
  counted by eye before any engine ran on it, kept for one measurement of the engine changed
  after ``holdout5`` had been run (measured in session 9, development data since);
- ``holdout7``: a seventh held-back set, built the same way from repositories no other split uses,
  counted by eye before any engine ran on it, kept for one measurement of the engine changed
  after ``holdout6`` had been run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
EXTERNAL = HERE / "external"

#: The corpus's splits, in the order they are reported.
SPLITS = ("tune", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7")

#: The held-back sets built from fresh repositories: each shares no repository with any other split.
FRESH_SPLITS = ("holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7")


@dataclass(frozen=True)
class Clip:
    """One labelled clip of the corpus."""

    file: str
    activity: str
    split: str
    view: str
    repo: str
    commit: str
    source_path: str
    sha256: str
    mid_s: tuple[float, ...]
    tolerance_s: float
    conditions: tuple[str, ...]
    leading_side: tuple[str, ...] | None
    raw: dict[str, Any]

    @property
    def path(self) -> Path:
        """Where the clip lies once fetched."""
        return EXTERNAL / self.file

    @property
    def reps(self) -> int:
        """The number of reps counted by eye."""
        return len(self.mid_s)


def _clip(entry: dict[str, Any]) -> Clip:
    source = entry["source"]
    mids = tuple(float(t) for t in entry["mid_s"])
    if int(entry.get("reps", len(mids))) != len(mids):
        raise ValueError(f"{entry['file']}: reps {entry['reps']} but {len(mids)} mid_s")
    if entry["split"] not in SPLITS:
        raise ValueError(f"{entry['file']}: split {entry['split']!r} is not one of {SPLITS}")
    sides = entry.get("leading_side")
    return Clip(
        file=entry["file"],
        activity=entry["activity"],
        split=entry["split"],
        view=entry["view"],
        repo=source["repo"],
        commit=source["commit"],
        source_path=source["path"],
        sha256=source["sha256"],
        mid_s=mids,
        tolerance_s=float(entry.get("tolerance_s", 0.3)),
        conditions=tuple(entry.get("conditions", ())),
        leading_side=None if sides is None else tuple(sides),
        raw=entry,
    )


def load_corpus(directory: Path = CORPUS) -> list[Clip]:
    """Every clip of every manifest in ``directory``, in file then manifest order.

    Raises
    ------
    ValueError
        When two clips share a file name, a clip's rep count disagrees with its turning points,
        or a clip names a split not in ``SPLITS``.
    """
    clips: list[Clip] = []
    for manifest in sorted(directory.glob("*.json")):
        clips.extend(_clip(entry) for entry in json.loads(manifest.read_text())["clips"])
    names = [clip.file for clip in clips]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"clip file names used twice: {', '.join(duplicates)}")
    return clips

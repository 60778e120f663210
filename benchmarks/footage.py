"""Pose engine on real footage: rep counts, turning points and recognition against labels by eye.

Run from the repository root (needs the ``pose`` extra and the clips: ``python
tests/footage/fetch_external.py``)::

    python benchmarks/footage.py                    # the tune split and the old tests/footage clips
    python benchmarks/footage.py --split holdout    # the first held-back split (development data now)
    python benchmarks/footage.py --split holdout2   # the second (development data now)
    python benchmarks/footage.py --split holdout3   # the third (development data now)
    python benchmarks/footage.py --split holdout4   # the fourth (development data now)
    python benchmarks/footage.py --split holdout5   # the fifth (development data now)
    python benchmarks/footage.py --split holdout6   # the sixth (measured in session 9; development data now)
    python benchmarks/footage.py --split holdout7   # the seventh held-back split (measured in session 10)
    python benchmarks/footage.py --split all --stride 2
    python benchmarks/footage.py --clips 'push_up_*'    # a subset, by file name pattern

The clips are the corpus (``tests/footage/corpus/*.json``, read by ``tests/footage/corpus.py``)
and the engine's first real clips (``tests/footage/labels.json``, shown as the split ``footage``
and run with ``--split tune`` and ``all``). For each clip the engine runs twice on the same model
output: once told the labelled activity (the rep count and turning points), once with no activity
(:func:`guru_form.pose.recognize_activity`). Printed, per clip and then per activity, per view and
per activity and view:

- the count against the count by eye; exact and within-one rates; the count's mean absolute error
  (MAE);
- the turning points (``midTimestampMs``) against the ones by eye: each found rep is matched to
  one counted rep (in order when the counts agree, else by least total time difference); the
  largest error of a clip, and "mids ok" when the count is exact and every mid is within the
  clip's tolerance (0.3 s);
- the reps marked as outliers, the smallest rep confidence, and with ``--warnings`` what the
  engine says about the footage;
- the recognised activity, its confidence, and a confusion table (rows: labelled, columns:
  recognised; ``?`` when the engine says it cannot tell); then, when it differs, the rate
  counting a variant that moves alike (the same rule: bodyweight squat and squat) as right;
- speed: analysed frames per second of the model (measured when its output was cached) and of the
  whole engine; the ratio is the engine's time over the model's alone, the named baseline.

The labels' turning points are the frames' PyAV presentation times (``pts * time_base``); the
engine's times start at its first frame. Each clip's labels are shifted by the presentation time
of its first decoded frame minus the engine's time of that frame, so both are on one clock.

Cache: the model's raw output per clip is kept in ``--cache`` (default
``~/.cache/guru_form/footage``), keyed by the file's SHA-256, the estimator and the stride, so that
re-running after a change to side choice, filtering, segmentation or recognition takes seconds.
``--refresh`` runs the model again. Clips an activity profile does not cover yet are listed and
left out of the figures.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "footage"))

from corpus import SPLITS, load_corpus  # noqa: E402  (tests/footage is on sys.path)

if TYPE_CHECKING:
    from guru_form.pose.estimator import RawPose

FOOTAGE = ROOT / "tests" / "footage"
#: Bumped when the cached arrays' meaning changes (a new frame reader, new channels).
CACHE_FORMAT = 2
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "guru_form"


@dataclass(frozen=True)
class Case:
    """One labelled clip to run."""

    name: str
    path: Path
    activity: str
    split: str
    view: str
    mid_s: tuple[float, ...]
    tolerance_s: float


@dataclass
class Outcome:
    """What the engine made of one clip."""

    case: Case
    found: int | None = None
    mids: list[float] = field(default_factory=list)
    mid_errors: list[float] = field(default_factory=list)
    recognised: str | None = None
    recognition_confidence: float = float("nan")
    why_not: str = ""
    model_fps: float = float("nan")
    engine_s: float = float("nan")
    analysed_frames: int = 0
    model_s: float = float("nan")
    outliers: int = 0
    confidence: float = float("nan")
    warnings: list[str] = field(default_factory=list)
    skipped: str = ""
    view: str = ""

    @property
    def error(self) -> int:
        assert self.found is not None
        return self.found - len(self.case.mid_s)

    @property
    def mids_ok(self) -> bool:
        return (
            self.found is not None
            and self.error == 0
            and all(abs(e) <= self.case.tolerance_s for e in self.mid_errors)
        )

    @property
    def worst_mid(self) -> float:
        return max((abs(e) for e in self.mid_errors), default=float("nan"))


def _cases(split: str, pattern: str | None) -> list[Case]:
    cases = [
        Case(c.file, c.path, c.activity, c.split, c.view, c.mid_s, c.tolerance_s)
        for c in load_corpus()
    ]
    labels = json.loads((FOOTAGE / "labels.json").read_text())
    for name, label in labels.items():
        if name.startswith("_"):
            continue
        stem = Path(name).stem
        view = (
            "mixed" if "mixed" in stem else ("oblique" if stem == "bench_press_side_01" else "side")
        )
        cases.append(
            Case(
                Path(name).name,
                FOOTAGE / name,
                label["activity"],
                "footage",
                view,
                tuple(label["mid_s"]),
                float(label["tolerance_s"]),
            )
        )
    # The engine's first real clips (split "footage") run with the tune split.
    wanted = None if split == "all" else {split, "footage"} if split == "tune" else {split}
    out = [c for c in cases if wanted is None or c.split in wanted]
    if pattern:
        out = [c for c in out if fnmatch.fnmatch(c.name, pattern)]
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _probe(path: Path) -> Any:
    from guru_form.video import probe_video

    return probe_video(path)


def _raw_pose(
    case: Case, estimator: str, stride: int, cache: Path, refresh: bool
) -> tuple[RawPose, float]:
    """The model's output for a clip and the seconds the model took, from the cache if there."""
    from guru_form.pose.estimator import PersonSeries, RawPose, estimate_video

    key = f"{_sha256(case.path)[:24]}_{estimator}_s{stride}_v{CACHE_FORMAT}"
    target = cache / "footage" / f"{key}.npz"
    if target.exists() and not refresh:
        with np.load(target) as data:
            meta = json.loads(str(data["meta"]))
            people = {
                int(pid): PersonSeries(
                    int(pid), data[f"person{pid}_rows"], data[f"person{pid}_landmarks"]
                )
                for pid in meta["people"]
            }
            raw = RawPose(
                video=_probe(case.path),
                frame=data["frame"],
                time_ms=data["time_ms"],
                landmarks=data["landmarks"],
                scene_change=data["scene_change"],
                brightness=data["brightness"],
                stride=int(meta["stride"]),
                estimator=str(meta["estimator"]),
                people=people,
                person=meta["person"],
            )
        return raw, float(meta["seconds"])
    start = time.perf_counter()
    raw = estimate_video(case.path, estimator=estimator, stride=stride)
    seconds = time.perf_counter() - start
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp.npz")
    meta = {
        "stride": stride,
        "estimator": raw.estimator,
        "seconds": seconds,
        "file": case.name,
        "people": sorted(raw.people),
        "person": raw.person,
    }
    arrays: dict[str, Any] = {}
    for pid, series in raw.people.items():
        arrays[f"person{pid}_rows"] = series.rows
        arrays[f"person{pid}_landmarks"] = series.landmarks
    np.savez_compressed(
        tmp,
        frame=raw.frame,
        time_ms=raw.time_ms,
        landmarks=raw.landmarks,
        scene_change=raw.scene_change,
        brightness=raw.brightness,
        meta=np.array(json.dumps(meta)),
        **arrays,
    )
    tmp.replace(target)
    return raw, seconds


def _first_pts_s(path: Path) -> float:
    """The presentation time (``pts * time_base``) of the first frame PyAV decodes."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            if frame.pts is not None and stream.time_base is not None:
                return float(frame.pts * stream.time_base)
            return 0.0
    return 0.0


def _match(found: list[float], truth: Iterable[float]) -> list[float]:
    """Signed errors (found - truth) of the matched pairs."""
    truth = list(truth)
    if not found or not truth:
        return []
    if len(found) == len(truth):
        return [f - t for f, t in zip(found, truth, strict=True)]
    from scipy.optimize import linear_sum_assignment

    cost = np.abs(np.subtract.outer(np.asarray(found), np.asarray(truth)))
    rows, cols = linear_sum_assignment(cost)
    return [found[r] - truth[c] for r, c in zip(rows, cols, strict=True)]


def _supported(activity: str) -> bool:
    from guru_form import activities

    return activities.find(activity) is not None


def run_case(case: Case, estimator: str, stride: int, cache: Path, refresh: bool) -> Outcome:
    """Run the engine on one clip (with its labelled activity, then recognising it)."""
    from guru_form.pose.analysis import analyze_track
    from guru_form.pose.people import choose_person
    from guru_form.pose.recognition import recognize
    from guru_form.pose.track import build_track
    from guru_form.pose.view import estimate_view

    out = Outcome(case)
    if not case.path.exists():
        out.skipped = "not fetched (tests/footage/fetch_external.py)"
        return out
    raw, model_s = _raw_pose(case, estimator, stride, cache, refresh)
    out.analysed_frames = len(raw)
    out.model_s = model_s
    out.model_fps = len(raw) / model_s if model_s > 0 else float("nan")
    offset_s = _first_pts_s(case.path) - (float(raw.time_ms[0]) / 1000.0 if len(raw) else 0.0)
    start = time.perf_counter()
    if _supported(case.activity):
        chosen = choose_person(raw, case.activity)
        labelled = build_track(chosen, case.activity)
        analysis = analyze_track(labelled, case.activity)
        out.view = estimate_view(labelled).view
        out.found = len(analysis.reps)
        out.mids = [rep.mid_ms / 1000.0 for rep in analysis.reps]
        out.mid_errors = _match(out.mids, [t - offset_s for t in case.mid_s])
        out.outliers = sum(rep.outlier is not None for rep in analysis.reps)
        out.confidence = min((rep.confidence or 0.0 for rep in analysis.reps), default=float("nan"))
        out.warnings = list(analysis.warnings)
    else:
        out.skipped = f"no profile for {case.activity!r} yet"
    recognition = recognize(build_track(choose_person(raw, None)))
    if recognition.recognized is not None:
        out.recognised = str(recognition.recognized.activity)
        out.recognition_confidence = recognition.recognized.confidence
    else:
        out.why_not = recognition.reason
    out.engine_s = time.perf_counter() - start + model_s
    return out


def _pct(k: int, n: int) -> str:
    return f"{100.0 * k / n:5.0f} %" if n else "    -  "


def _print_clips(outcomes: list[Outcome], warnings: bool) -> None:
    print(
        f"{'clip':<30} {'split':<8} {'view':<8} {'count':>7} {'worst mid':>9} {'mids ok':>7} "
        f"{'outl.':>5} {'min conf':>8}  {'recognised':<24} {'fps':>6}"
    )
    for o in outcomes:
        c = o.case
        rec = "?" if o.recognised is None else o.recognised
        if np.isfinite(o.recognition_confidence):
            rec = f"{rec} {o.recognition_confidence:.2f}"
        if o.found is None:
            count, worst, ok, outl, conf = "-", "-", "-", "-", "-"
        else:
            count = f"{o.found}/{len(c.mid_s)}"
            worst = f"{o.worst_mid:.2f} s" if o.mid_errors else "-"
            ok = "yes" if o.mids_ok else "no"
            outl = str(o.outliers)
            conf = f"{o.confidence:.2f}" if np.isfinite(o.confidence) else "-"
        fps = o.analysed_frames / o.engine_s if o.engine_s > 0 else float("nan")
        line = (
            f"{c.name:<30} {c.split:<8} {c.view:<8} {count:>7} {worst:>9} {ok:>7} {outl:>5} "
            f"{conf:>8}  {rec:<24} {fps:>6.1f}"
        )
        if o.skipped:
            line += f"  ({o.skipped})"
        print(line)
        if warnings:
            for w in o.warnings:
                print(f"    - {w}")


def _summary_row(label: str, outcomes: list[Outcome]) -> str:
    counted = [o for o in outcomes if o.found is not None]
    n = len(counted)
    exact = sum(o.error == 0 for o in counted)
    within = sum(abs(o.error) <= 1 for o in counted)
    ok = sum(o.mids_ok for o in counted)
    mae = float(np.mean([abs(o.error) for o in counted])) if n else float("nan")
    errors = [abs(e) for o in counted for e in o.mid_errors]
    median_mid = float(np.median(errors)) if errors else float("nan")
    recognised = [o for o in outcomes if o.recognised is not None or o.found is not None]
    right = sum(o.recognised == o.case.activity for o in outcomes)
    return (
        f"{label:<24} {n:>5} {_pct(exact, n):>7} {_pct(within, n):>7} {mae:>6.2f} "
        f"{_pct(ok, n):>7} {median_mid:>8.2f} {_pct(right, len(recognised)):>7}"
    )


def _print_summary(title: str, outcomes: list[Outcome]) -> None:
    print()
    print(title)
    print(
        f"{'group':<24} {'clips':>5} {'exact':>7} {'±1':>7} {'MAE':>6} {'mids ok':>7} "
        f"{'mid err':>8} {'recog.':>7}"
    )
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[f"{o.case.activity}"].append(o)
    for o in outcomes:
        groups[f"view {o.case.view}"].append(o)
    for o in outcomes:
        groups[f"{o.case.activity} / {o.case.view}"].append(o)
    for label in sorted(groups, key=lambda k: (k.startswith("view"), "/" in k, k)):
        print(_summary_row(label, groups[label]))
    print(_summary_row("all", outcomes))


def _print_confusion(outcomes: list[Outcome]) -> None:
    labelled = sorted({o.case.activity for o in outcomes})
    predicted = sorted({o.recognised or "?" for o in outcomes} | set(labelled))
    table = Counter((o.case.activity, o.recognised or "?") for o in outcomes)
    print()
    print("Recognition (rows: labelled activity; columns: recognised; ? = cannot tell)")
    width = max(len(p) for p in predicted) + 1
    print(f"{'':<18}" + "".join(f"{p:>{width}}" for p in predicted))
    for a in labelled:
        print(f"{a:<18}" + "".join(f"{table[a, p]:>{width}}" for p in predicted))


def _moves_like(labelled: str, recognised: str | None) -> bool:
    """True when ``recognised`` is ``labelled`` or a variant that moves as it does (the same
    rule): a bodyweight squat recognised as a squat, or a squat as a bodyweight squat."""
    from guru_form import activities

    if recognised is None:
        return False
    if recognised == labelled:
        return True
    mine, theirs = activities.find(labelled), activities.find(recognised)
    return mine is not None and theirs is not None and mine.rule == theirs.rule


def _print_family(outcomes: list[Outcome]) -> None:
    judged = [o for o in outcomes if o.recognised is not None or o.found is not None]
    right = sum(o.recognised == o.case.activity for o in judged)
    family = sum(_moves_like(o.case.activity, o.recognised) for o in judged)
    if family > right:
        print(
            f"Recognised right on {right} of {len(judged)}; {family} of {len(judged)} counting a "
            f"variant that moves alike as right (bodyweight squat and squat)"
        )


def _print_views(outcomes: list[Outcome]) -> None:
    """How often the engine's view (its warnings say it) is the labelled one, per label."""
    judged = [o for o in outcomes if o.view and o.case.view != "mixed"]
    table = Counter((o.case.view, o.view) for o in judged)
    cells = ", ".join(f"{label} as {seen} {k}" for (label, seen), k in sorted(table.items()))
    agree = sum(k for (label, seen), k in table.items() if label == seen)
    print(f"View (labelled as engine's) agrees on {agree} of {len(judged)}: {cells}")


def _print_speed(outcomes: list[Outcome]) -> None:
    done = [o for o in outcomes if o.analysed_frames and o.model_s > 0]
    if not done:
        return
    frames = sum(o.analysed_frames for o in done)
    model_s = sum(o.model_s for o in done)
    engine_s = sum(o.engine_s for o in done)
    print()
    print(
        f"Speed over {len(done)} clips, {frames} analysed frames: the model alone (baseline, "
        f"measured when cached) {frames / model_s:.1f} frames/s; the whole engine "
        f"{frames / engine_s:.1f} frames/s; engine/model time {engine_s / model_s:.3f}"
    )


def main() -> None:
    """Parse the command line, run the clips and print the tables."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="tune")
    parser.add_argument("--stride", type=int, default=1)
    parser.add_argument("--estimator", default=None, help="default: the engine's default")
    parser.add_argument("--clips", help="only clips whose file name matches this pattern")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--refresh", action="store_true", help="run the model again")
    parser.add_argument(
        "--warnings", action="store_true", help="print each clip's warnings under it"
    )
    args = parser.parse_args()
    if args.estimator is None:
        from guru_form.pose.estimator import DEFAULT_ESTIMATOR

        args.estimator = DEFAULT_ESTIMATOR
    cases = _cases(args.split, args.clips)
    outcomes: list[Outcome] = []
    from tqdm.auto import tqdm

    for case in tqdm(cases, desc="clips", unit="clip", file=sys.stderr):
        outcomes.append(run_case(case, args.estimator, args.stride, args.cache, args.refresh))
    print(
        f"Engine on real footage: split {args.split}, estimator {args.estimator}, "
        f"stride {args.stride}, {len(outcomes)} clips"
    )
    _print_clips(outcomes, args.warnings)
    for split in ("footage", *SPLITS):
        part = [o for o in outcomes if o.case.split == split]
        if part:
            _print_summary(f"Split {split}: {len(part)} clips", part)
            _print_confusion(part)
            _print_family(part)
            _print_views(part)
    _print_speed(outcomes)


if __name__ == "__main__":
    main()

"""Measurement repeatability: how much each per-rep metric moves when the same set is measured again.

Run from the repository root (needs the ``pose`` extra)::

    python benchmarks/repeatability.py                  # print the tables
    python benchmarks/repeatability.py --write          # also write the spreads guru_form uses
    python benchmarks/repeatability.py --corpus side    # add the corpus's side-view clips
    python benchmarks/repeatability.py --corpus side oblique --only bench_press deadlift

Clips: the sample videos (``sample_videos/*.mp4``, synthetic), the real clips of
``tests/footage/labels.json`` (fetch the external ones first: ``tests/footage/fetch_external.py``)
and, with ``--corpus VIEW [VIEW ...]``, the corpus clips of those views (``tests/footage/corpus``;
``--split tune`` or ``holdout`` keeps one split of them). ``--only WORD ...`` keeps the clips whose
path has one of the words. A clip the engine cannot analyse is listed with its error and left
out; the others are measured.

Each clip is analysed by the local pose engine (``guru_form.pose.analyze_video``) in three copies,
each at stride 1 and stride 2:

``original``
    the clip as it is;
``reencoded``
    decoded and encoded again with x264 at CRF 28 (another camera's compression of the same
    light: different pixels, the same movement);
``half_frame``
    each frame the mean of two consecutive frames, timed half-way between them: the same
    movement sampled half a frame later, as a second camera (or a second take at the same
    moment of the movement) would see it.

The engine is deterministic: the same file at the same stride gives the same numbers (checked
once per run), so a second run of the same file says nothing. The copies are the honest analogue
of filming the set again without the athlete moving differently.

Reps are paired across two runs of one clip by their turning point (mutually nearest, closer than
half the shorter rep). For each metric of the rep table (every analysisType, the rep and phase
times, the turning point's time and each rep's velocity loss), with ``d`` the paired differences,
the spread is ``1.96 * sqrt(mean(d**2) / 2)``: the half-width of the 95 % range of one
measurement's error (see :mod:`guru_form.metrics.repeatability`). Two spreads per metric and
activity:

``stride``  stride 1 against stride 2, for each copy;
``retest``  the original against each copy, at each stride.

``--write`` stores them in ``guru_form/metrics/repeatability.json`` (the margins of the borderline
rule) and the tables in ``docs/pose/repeatability.md``. The pose model's raw output is cached per
(file SHA-256, stride, estimator) in ``--cache`` (default: the user cache folder), the estimator
being a digest of the model's own code and files (:func:`estimator_fingerprint`); the rest of the
engine runs on it every time, so a re-run after a change to the engine above the model takes
minutes. ``--no-cache`` runs the model on every clip again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import pickle
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FOOTAGE = ROOT / "tests" / "footage"
SAMPLES = ROOT / "sample_videos"
JSON_OUT = ROOT / "guru_form" / "metrics" / "repeatability.json"
DOC_OUT = ROOT / "docs" / "pose" / "repeatability.md"

VARIANTS = ("original", "reencoded", "half_frame")
STRIDES = (1, 2)
#: The timing columns measured besides the analysis types (``mid_s``: the turning point's time).
TIMING = ("duration_s", "eccentric_s", "concentric_s", "mid_s", "velocity_loss_percent")
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Clip:
    """A clip to measure: its file, its activity and where it comes from."""

    path: Path
    activity: str
    source: str  # "sample", "footage" or "corpus"
    split: str | None = None  # the corpus's split ("tune" or "holdout")

    @property
    def name(self) -> str:
        return str(self.path.relative_to(ROOT))


def clips(corpus_views: Iterable[str] = (), split: str | None = None) -> list[Clip]:
    """The clips that are on disk: sample videos, labelled footage, and corpus clips of the
    views ``corpus_views`` (of one ``split``, or both when None)."""
    found = [
        Clip(path, json.loads(path.with_suffix(".json").read_text())["activity"], "sample")
        for path in sorted(SAMPLES.glob("*.mp4"))
    ]
    labels = json.loads((FOOTAGE / "labels.json").read_text())
    for name, label in labels.items():
        if name.startswith("_"):
            continue
        path = FOOTAGE / name
        if path.exists():
            found.append(Clip(path, label["activity"], "footage"))
        else:
            print(f"missing {path.relative_to(ROOT)} (python tests/footage/fetch_external.py)")
    views = set(corpus_views)
    if views:
        sys.path.insert(0, str(FOOTAGE))
        from corpus import load_corpus

        for clip in load_corpus():
            if clip.view not in views or (split is not None and clip.split != split):
                continue
            if clip.path.exists():
                found.append(Clip(clip.path, clip.activity, "corpus", clip.split))
            else:
                print(
                    f"missing {clip.path.relative_to(ROOT)} (python tests/footage/fetch_external.py)"
                )
    seen: set[Path] = set()
    unique = []
    for clip in found:
        if clip.path.resolve() not in seen:
            seen.add(clip.path.resolve())
            unique.append(clip)
    return unique


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_variant(source: Path, variant: str, target: Path) -> Path:
    """Write the ``variant`` copy of ``source`` to ``target`` (once) and return it."""
    if variant == "original":
        return source
    if target.exists():
        return target
    from guru_form.video import H264Writer, VideoReader

    target.parent.mkdir(parents=True, exist_ok=True)
    with VideoReader(source) as reader:
        info = reader.info
        width, height = info.width - info.width % 2, info.height - info.height % 2
        crf = 28 if variant == "reencoded" else 18
        with H264Writer(target, width=width, height=height, fps=info.fps, crf=crf) as out:
            previous = None
            for frame in reader.iter_frames_by_index(range(info.frame_count)):
                image = frame.image[:height, :width]
                if variant == "reencoded":
                    out.write(image, time_ms=frame.time_ms)
                elif previous is not None:
                    blend = (previous[0].astype(np.uint16) + image) // 2
                    out.write(blend.astype(np.uint8), time_ms=(previous[1] + frame.time_ms) / 2)
                previous = (image, frame.time_ms)
    return target


def engine_id() -> str:
    """The engine the numbers come from: estimator, its version, guru_form and its commit."""
    import importlib.metadata as md

    import guru_form
    from guru_form.pose import DEFAULT_ESTIMATOR

    runtime = "ai-edge-litert" if DEFAULT_ESTIMATOR == "blazepose" else str(DEFAULT_ESTIMATOR)
    try:
        estimator = f"{DEFAULT_ESTIMATOR} ({runtime} {md.version(runtime)})"
    except md.PackageNotFoundError:
        estimator = str(DEFAULT_ESTIMATOR)
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%h %cs"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "guru_form"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if changed:
            commit += ", with uncommitted changes to guru_form"
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown commit"
    return (
        f"guru_form {guru_form.__version__} ({commit}), pose engine default estimator: {estimator}"
    )


#: Bumped when the cached model output's layout changes.
RAW_FORMAT = 1


def estimator_fingerprint() -> str:
    """A digest of everything that decides the pose model's raw output: the estimator's code
    (``guru_form/pose/estimator.py``, the BlazePose and MediaPipe backends, with the model files),
    the video reader's code and the versions of the runtime, decoder and numpy (the raw-output
    cache's key). Packages' ``__init__.py`` files are left out: they only name what the modules
    export."""
    import importlib.metadata as md

    digest = hashlib.sha256(f"raw format {RAW_FORMAT}".encode())
    package = ROOT / "guru_form"
    files = [
        package / "pose" / "estimator.py",
        package / "pose" / "mediapipe_backend.py",
        package / "joints.py",
        *sorted(p for p in (package / "pose" / "blazepose").rglob("*") if p.is_file()),
        *sorted((package / "video").rglob("*.py")),
    ]
    for path in files:
        if path.exists() and "__pycache__" not in path.parts and path.name != "__init__.py":
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    for dist in ("ai-edge-litert", "mediapipe", "numpy", "av", "opencv-python-headless"):
        with contextlib.suppress(md.PackageNotFoundError):
            digest.update(f"{dist} {md.version(dist)}".encode())
    return digest.hexdigest()[:16]


def raw_pose(path: Path, stride: int, cache: Path | None, estimator: str) -> Any:
    """The pose model's raw output (:class:`guru_form.pose.estimator.RawPose`) for ``path`` at
    ``stride``, cached by the file's digest, the stride and the estimator's fingerprint
    ``estimator`` (:func:`estimator_fingerprint`): a change to the engine above the model
    (person choice, filtering, counting, the measurement check) re-uses it."""
    from guru_form.pose.estimator import estimate_video

    key = f"{sha256(path)[:24]}_s{stride}_{estimator}"
    stored = None if cache is None else cache / "raw" / f"{key}.pickle"
    if stored is not None and stored.exists():
        with stored.open("rb") as fh:
            return pickle.load(fh)  # this benchmark's own cache
    raw = estimate_video(path, stride=stride)
    if stored is not None:
        stored.parent.mkdir(parents=True, exist_ok=True)
        tmp = stored.with_name(stored.name + ".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(raw, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(stored)
    return raw


def analyse(
    path: Path, activity: str, stride: int, cache: Path | None, estimator: str
) -> pd.DataFrame:
    """The rep table of ``path`` at ``stride`` (with velocity loss, ``mid_s`` and ``unsure``):
    the engine (as :func:`guru_form.pose.analyze_video` runs it) on the model's raw output,
    which is cached (:func:`raw_pose`)."""
    from guru_form import tables
    from guru_form.metrics import VELOCITY_COLUMNS
    from guru_form.pose.analysis import analyze_track, check_person
    from guru_form.pose.people import choose_person
    from guru_form.pose.track import build_track

    raw = raw_pose(path, stride, cache, estimator)
    track = build_track(choose_person(raw, activity), activity)
    check_person(track)
    analysis = analyze_track(track, activity)
    frame = tables.reps_frame(analysis)
    frame["mid_s"] = frame["mid_ms"] / 1000.0
    if any(c in frame.columns for c in VELOCITY_COLUMNS) and len(frame):
        frame = tables.velocity_loss(frame)
    return frame


def pair_reps(a: pd.DataFrame, b: pd.DataFrame) -> list[tuple[int, int]]:
    """Rows of ``a`` and ``b`` that are the same rep: mutually nearest turning points, closer
    than half the shorter rep."""
    if a.empty or b.empty:
        return []
    ma, mb = a["mid_s"].to_numpy(), b["mid_s"].to_numpy()
    gaps = np.abs(ma[:, None] - mb[None, :])
    pairs = []
    for i in range(len(ma)):
        j = int(np.argmin(gaps[i]))
        if int(np.argmin(gaps[:, j])) != i:
            continue
        shorter = min(float(a["duration_s"].iloc[i]), float(b["duration_s"].iloc[j]))
        if gaps[i, j] < 0.5 * shorter:
            pairs.append((i, j))
    return pairs


def checked_metrics(activity: str) -> list[str]:
    """The metrics the activity's default checks judge (its profile's thresholds)."""
    from guru_form.metrics import default_thresholds

    return list(default_thresholds(activity))


def metrics_of(frame: pd.DataFrame) -> list[str]:
    from guru_form.metrics import ANALYSIS_TYPES

    return [c for c in frame.columns if c in ANALYSIS_TYPES or c in TIMING]


def differences(
    runs: dict[tuple[str, int], pd.DataFrame],
    comparisons: Iterable[tuple[tuple[str, int], tuple[str, int]]],
) -> tuple[dict[str, list[float]], dict[str, list[float]], list[tuple[str, str, int, int, int]]]:
    """Paired differences per metric over ``comparisons``: of the pairs whose two values the
    engine is sure of (the pairing rule), and of every pair; and (a, b, reps a, reps b, paired).

    A value is sure unless the rep table's ``unsure`` column names its metric
    (:func:`guru_form.metrics.unsure_of`); a pair counts when both of its values are sure."""
    from guru_form.metrics import unsure_of

    sure: dict[str, list[float]] = {}
    every: dict[str, list[float]] = {}
    counts = []
    for key_a, key_b in comparisons:
        a, b = runs[key_a], runs[key_b]
        pairs = pair_reps(a, b)
        counts.append((_run_name(key_a), _run_name(key_b), len(a), len(b), len(pairs)))
        for metric in sorted(set(metrics_of(a)) & set(metrics_of(b))):
            lost_a, lost_b = unsure_of(a, metric).notna(), unsure_of(b, metric).notna()
            for i, j in pairs:
                va, vb = float(a[metric].iloc[i]), float(b[metric].iloc[j])
                if math.isfinite(va) and math.isfinite(vb):
                    every.setdefault(metric, []).append(va - vb)
                    if not (lost_a.iloc[i] or lost_b.iloc[j]):
                        sure.setdefault(metric, []).append(va - vb)
    return sure, every, counts


def _run_name(key: tuple[str, int]) -> str:
    return f"{key[0]}/stride {key[1]}"


def spread(diffs: list[float]) -> dict[str, float | int]:
    d = np.asarray(diffs, dtype=float)
    return {
        "spread": round(float(Z95 * math.sqrt(np.mean(d**2) / 2.0)), 4),
        "pairs": len(d),
        "largest": round(float(np.max(np.abs(d))), 4),
    }


def measure(
    selected: list[Clip], cache: Path | None, estimator: str
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, str]]:
    """Run every clip in every copy and stride; return the spreads, the per-clip rep counts and
    the clips the engine could not analyse (clip name -> the run and its error).

    The first clip's original is analysed once more at stride 2 without the cache: the two rep
    tables must be equal (the engine is deterministic), or the measurement stops."""
    from tqdm.auto import tqdm

    from guru_form.errors import GuruError

    # activity -> metric -> (differences of the pairs the engine is sure of, of every pair)
    stride_diffs: dict[str, dict[str, tuple[list[float], list[float]]]] = {}
    retest_diffs: dict[str, dict[str, tuple[list[float], list[float]]]] = {}
    per_clip = []
    work = [(c, v, s) for c in selected for v in VARIANTS for s in STRIDES]
    runs: dict[Path, dict[tuple[str, int], pd.DataFrame]] = {}
    variant_dir = (cache or Path("/tmp")) / "variants"
    checked = False
    failed: dict[str, str] = {}
    for clip, variant, stride in tqdm(work, desc="analyses", unit="run"):
        if clip.name in failed:
            continue
        digest = sha256(clip.path)[:16]
        path = make_variant(clip.path, variant, variant_dir / f"{digest}_{variant}.mp4")
        try:
            frame = analyse(path, clip.activity, stride, cache, estimator)
        except GuruError as error:
            failed[clip.name] = f"{_run_name((variant, stride))}: {error}"
            runs.pop(clip.path, None)
            continue
        runs.setdefault(clip.path, {})[(variant, stride)] = frame
        if not checked and variant == "original" and stride == 2:
            again = analyse(path, clip.activity, stride, None, estimator)
            pd.testing.assert_frame_equal(frame, again)  # the engine is deterministic
            checked = True
    for clip in selected:
        if clip.name in failed:
            continue
        clip_runs = runs[clip.path]
        stride_pairs = [((v, 1), (v, 2)) for v in VARIANTS]
        retest_pairs = [(("original", s), (v, s)) for s in STRIDES for v in VARIANTS[1:]]
        for kind, comparisons, store in (
            ("stride", stride_pairs, stride_diffs),
            ("retest", retest_pairs, retest_diffs),
        ):
            diffs, every, counts = differences(clip_runs, comparisons)
            for metric, values in every.items():
                kept = store.setdefault(clip.activity, {}).setdefault(metric, ([], []))
                kept[0].extend(diffs.get(metric, []))
                kept[1].extend(values)
            per_clip.append(
                {
                    "clip": clip.name,
                    "activity": clip.activity,
                    "kind": kind,
                    "runs": counts,
                    "checked": {m: diffs[m] for m in checked_metrics(clip.activity) if m in diffs},
                }
            )
        loss = {
            _run_name(k): _set_loss(f) for k, f in clip_runs.items() if "velocity_loss_percent" in f
        }
        per_clip.append(
            {"clip": clip.name, "activity": clip.activity, "kind": "set_loss", "runs": loss}
        )
    spreads: dict[str, Any] = {}
    left: dict[tuple[str, str, str], int] = {}  # every pair left out: no spread
    for kind, store in (("stride", stride_diffs), ("retest", retest_diffs)):
        for activity, metrics in store.items():
            for metric, (kept, every) in metrics.items():
                if kept:
                    entry = spread(kept) | {
                        "left_out": len(every) - len(kept),
                        "spread_all_pairs": spread(every)["spread"],
                    }
                    spreads.setdefault(activity, {}).setdefault(metric, {})[kind] = entry
                elif every:
                    left[(activity, metric, kind)] = len(every)
    for (activity, metric, kind), count in left.items():
        print(f"{activity} {metric} {kind}: all {count} pairs left out (unsure), no spread")
    return spreads, per_clip, failed


def _set_loss(frame: pd.DataFrame) -> float:
    from guru_form.tables import set_velocity_loss

    value = set_velocity_loss(frame) if len(frame) else float("nan")
    return round(float(value), 2)  # type: ignore[arg-type]


def _clip_text(clip: Clip) -> str:
    """``name (corpus, holdout)``: a clip and where it comes from."""
    origin = clip.source if clip.split is None else f"{clip.source}, {clip.split}"
    return f"{clip.path.name} ({origin})"


def _reps_paired(per_clip: list[dict[str, Any]], activity: str) -> tuple[int, int]:
    """Reps found in the originals at stride 1, and how many of them paired with stride 2."""
    found = paired = 0
    for entry in per_clip:
        if entry["activity"] == activity and entry["kind"] == "stride":
            _, _, reps_a, _, pairs = entry["runs"][0]  # original/stride 1 vs original/stride 2
            found += reps_a
            paired += pairs
    return found, paired


def report(
    spreads: dict[str, Any],
    per_clip: list[dict[str, Any]],
    engine: str,
    measured: list[Clip],
    failed: dict[str, str],
) -> str:
    """The tables as markdown."""
    from guru_form.metrics import format_value, metric_label, unit_of

    rule = _unsure_constants()
    lines = [
        "# Measurement repeatability",
        "",
        "Made by `python benchmarks/repeatability.py --write` (its docstring says how); the margins",
        "below are what `guru_form/metrics/repeatability.json` holds and the flags and the report use.",
        "",
        f"Engine: {engine}. Measured {dt.date.today().isoformat()}.",
        "",
        "**The borderline rule.** A rep's value within the *margin* of a limit, on either side, reads",
        "*borderline*: measured again, it could fall on the other side. Only a value beyond the limit by",
        "more than the margin *fails* (is flagged); only one inside it by more than the margin passes",
        "without comment. The margin of a metric is the larger of its two spreads: stride 1 against",
        "stride 2, and the clip against its re-encoded and half-frame-shifted copies (retest). A spread",
        "is the half-width of the 95 % range of one measurement's error, `1.96 * sqrt(mean(d²) / 2)`",
        "over the paired differences `d` of the same reps. *Pairs* counts those differences: each",
        "rep gives up to three stride pairs (one per copy) and four retest pairs (two copies at two",
        "strides), so they are not independent reps; the line under each heading gives the reps.",
        "",
        "**Unsure values and the pairing rule.** The engine checks each per-rep value on the frames",
        "it was taken from (`guru_form/pose/unsure.py`, where the thresholds and their sources live)",
        "and calls it *unsure* when the pose was lost there:",
        "",
        f"- *hidden*: a joint the value is measured from had a visibility below {rule['visible']:g}",
        "  (MediaPipe's own convention for a visible landmark) on the frame the value was taken (a",
        "  velocity: its moving joint at either end of the concentric phase);",
        f"- *impossible*: an interior elbow or knee angle below {rule['smallest_interior_angle_deg']:g}°,",
        "  180° minus the joint's largest passive flexion, 160° (Kapandji, *The Physiology of the",
        "  Joints*); the AAOS's active ranges are not the bound, as a loaded deep squat exceeds them;",
        f"- *jump*: the value's angle changed faster than {rule['max_angular_speed_deg_s']:g} °/s between",
        "  two consecutive analysed frames of the rep, above the fastest elbow extension measured in",
        "  sport (about 2,300 °/s in baseball pitching, Fleisig et al. 1995).",
        "",
        "The thresholds were fixed from these sources before this measurement and not changed after",
        "it. An unsure value is not judged (the report reads *unsure (pose lost: ...)*, charts and",
        "cards show it in grey) and set figures leave it out. A pair of runs counts towards a spread",
        "only when **both** of its values are sure. *Left out* counts the pairs with an unsure value;",
        "*margin, all pairs* is what the margin would be with them (for velocity loss it differs also",
        "because each rep's loss is now measured against sure reps only).",
        "",
    ]
    for activity in sorted(spreads):
        own = [c for c in measured if c.activity == activity]
        found, paired = _reps_paired(per_clip, activity)
        lines += [
            f"## {activity}",
            "",
            f"{len(own)} clip{'' if len(own) == 1 else 's'}, {found} reps found at stride 1 ({paired} paired with stride 2): "
            + ", ".join(_clip_text(c) for c in own)
            + ".",
            "",
            "| metric | stride 1 vs 2: spread (pairs; largest) | retest: spread (pairs; largest) "
            "| margin | left out (stride / retest) | margin, all pairs |",
            "|---|---|---|---|---|---|",
        ]
        for metric, kinds in sorted(spreads[activity].items(), key=lambda kv: _order(kv[0])):
            unit = unit_of(metric)
            cells = []
            for kind in ("stride", "retest"):
                s = kinds.get(kind)
                cells.append(
                    "–"
                    if s is None
                    else f"±{format_value(s['spread'], unit)} ({s['pairs']}; "
                    f"{format_value(s['largest'], unit)})"
                )
            margin = max(s["spread"] for s in kinds.values())
            everything = max(s.get("spread_all_pairs", s["spread"]) for s in kinds.values())
            left = " / ".join(
                str(kinds[k].get("left_out", 0)) if k in kinds else "–"
                for k in ("stride", "retest")
            )
            label = metric_label(metric) if metric != "mid_s" else "Turning point time"
            lines.append(
                f"| {label} (`{metric}`) | {cells[0]} | {cells[1]} | ±{format_value(margin, unit)} "
                f"| {left} | ±{format_value(everything, unit)} |"
            )
        lines.append("")
    lines += [
        "## Reps found in each run",
        "",
        "| clip | runs compared: reps a / reps b / paired |",
        "|---|---|",
    ]
    for entry in per_clip:
        if entry["kind"] == "set_loss":
            continue
        text = "; ".join(f"{a} vs {b}: {na}/{nb}/{p}" for a, b, na, nb, p in entry["runs"])
        lines.append(f"| `{entry['clip']}` ({entry['kind']}) | {text} |")
    lines += ["", "## Set velocity loss in each run (%)", "", "| clip | runs |", "|---|---|"]
    for entry in per_clip:
        if entry["kind"] == "set_loss" and entry["runs"]:
            text = ", ".join(f"{k}: {v:g}" for k, v in entry["runs"].items())
            lines.append(f"| `{entry['clip']}` | {text} |")
    lines += [
        "",
        "## Each clip's share: the metrics the default checks judge",
        "",
        "Per clip, the spread of its own pairs, the median and the largest absolute difference.",
        "A clip whose pose is lost on some frames gives a few large differences that dominate",
        "the activity's spread.",
        "",
        "| clip | metric | stride: spread (pairs; median; largest) "
        "| retest: spread (pairs; median; largest) |",
        "|---|---|---|---|",
    ]
    by_clip: dict[tuple[str, str], dict[str, list[float]]] = {}
    for entry in per_clip:
        for metric, values in entry.get("checked", {}).items():
            by_clip.setdefault((entry["clip"], metric), {})[entry["kind"]] = values
    for (clip_name, metric), kinds in by_clip.items():
        unit = unit_of(metric)
        cells = []
        for kind in ("stride", "retest"):
            values = kinds.get(kind, [])
            if not values:
                cells.append("–")
                continue
            s = spread(values)
            median = float(np.median(np.abs(values)))
            cells.append(
                f"±{format_value(s['spread'], unit)} ({s['pairs']}; "
                f"{format_value(median, unit)}; {format_value(s['largest'], unit)})"
            )
        lines.append(f"| `{clip_name}` | `{metric}` | {cells[0]} | {cells[1]} |")
    if failed:
        lines += ["", "## Clips left out (the engine could not analyse them)", ""]
        lines += [f"- `{name}`: {error}" for name, error in failed.items()]
    return "\n".join(lines) + "\n"


def _unsure_constants() -> dict[str, Any]:
    """The measurement check's thresholds (``guru_form.pose.unsure``), as the json records them."""
    from guru_form.pose import unsure

    return {
        "visible": unsure.VISIBLE,
        "smallest_interior_angle_deg": dict(unsure.SMALLEST_INTERIOR_ANGLE_DEG)["elbow_angle"],
        "smallest_interior_angle_by_series_deg": dict(unsure.SMALLEST_INTERIOR_ANGLE_DEG),
        "max_angular_speed_deg_s": unsure.MAX_ANGULAR_SPEED_DEG_S,
    }


def _order(metric: str) -> tuple[int, str]:
    from guru_form.metrics import ANALYSIS_TYPES

    names = [*ANALYSIS_TYPES, *TIMING]
    return (names.index(metric) if metric in names else len(names), metric)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus",
        metavar="VIEW",
        nargs="+",
        default=[],
        help="add the corpus clips of these views",
    )
    parser.add_argument(
        "--split", choices=("tune", "holdout"), default=None, help="only this split of the corpus"
    )
    parser.add_argument(
        "--only", nargs="*", default=None, help="only clips whose name has one of these"
    )
    parser.add_argument("--write", action="store_true", help="write the JSON and the markdown")
    parser.add_argument(
        "--cache", type=Path, default=None, help="folder for the model's raw output"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="run the engine on every clip again"
    )
    args = parser.parse_args(argv)
    from platformdirs import user_cache_dir

    cache = (
        None
        if args.no_cache
        else (args.cache or Path(user_cache_dir("guru_form")) / "repeatability")
    )
    selected = clips(args.corpus, args.split)
    if args.only:
        selected = [c for c in selected if any(word in c.name for word in args.only)]
    engine = engine_id()
    print(f"{len(selected)} clips; {engine}")
    spreads, per_clip, failed = measure(selected, cache, estimator_fingerprint())
    measured = [clip for clip in selected if clip.name not in failed]
    names: dict[str, list[str]] = {}
    for clip in measured:
        names.setdefault(clip.activity, []).append(clip.path.name)
    text = report(spreads, per_clip, engine, measured, failed)
    print(text)
    if args.write:
        data = {
            "_doc": "Written by benchmarks/repeatability.py --write; read by guru_form.metrics.repeatability.",
            "engine": engine,
            "estimator_fingerprint": estimator_fingerprint(),
            "unsure_rule": _unsure_constants(),
            "pairing": "a pair counts when both runs' values are sure (guru_form.pose.unsure)",
            "measured": dt.date.today().isoformat(),
            "clips": names,
            "spreads": spreads,
        }
        JSON_OUT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        DOC_OUT.write_text(text)
        print(f"wrote {JSON_OUT.relative_to(ROOT)} and {DOC_OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How fast analyses become DataFrames, against pandas.json_normalize on the same JSON.

Builds N analyses (default 1,000) of R reps each (default 100, so 100,000 reps) with 5
analysisTypes per rep, as the API's JSON. Then times, best of --repeat runs:

- baseline: ``pandas.json_normalize(data, record_path=["reps", "analyses"], meta=[...])``, the
  usual way to flatten this JSON: a long frame of (video, rep timestamps, analysisType, value),
  without rep numbers, sorting or phases;
- ``Analysis.from_json`` for every analysis (parsing, in guru_form.models);
- ``combine(analyses)`` (long) and ``combine(analyses, wide=True)``: guru_form.tables' conversion;
- ``reps_frame`` called once per analysis.

Prints each time and its ratio to the baseline. Usage::

    python benchmarks/tables.py [--analyses 1000] [--reps 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from guru_form import Analysis
from guru_form.tables import combine, reps_frame

TYPES = [
    "HIP_KNEE_ANGLE_DEGREES",
    "KNEE_ANGLE_DEGREES",
    "HIP_ANGLE_DEGREES",
    "TRUNK_LEAN_DEGREES",
    "MEAN_CONCENTRIC_VELOCITY_M_PER_S",
]


def make_json(analyses: int, reps: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    values = rng.normal(50, 20, size=(analyses, reps, len(TYPES))).round(2)
    out = []
    for a in range(analyses):
        rep_list = []
        # reps sent in reverse order so that sorting has work to do
        for r in reversed(range(reps)):
            start = 1000 + r * 4000
            rep_list.append(
                {
                    "startTimestampMs": start,
                    "midTimestampMs": start + 1600,
                    "endTimestampMs": start + 2600,
                    "analyses": [
                        {"analysisType": t, "analysisScalar": float(values[a, r, i])}
                        for i, t in enumerate(TYPES)
                    ],
                }
            )
        out.append(
            {
                "videoId": f"v{a}",
                "status": "Complete",
                "domain": "weightlifting",
                "activity": "squat",
                "reps": rep_list,
            }
        )
    return out


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--analyses", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    data = make_json(args.analyses, args.reps)
    n_reps = args.analyses * args.reps
    print(
        f"{args.analyses} analyses x {args.reps} reps = {n_reps:,} reps, "
        f"{n_reps * len(TYPES):,} scalars; best of {args.repeat}"
    )

    meta = [
        "videoId",
        "activity",
        ["reps", "startTimestampMs"],
        ["reps", "midTimestampMs"],
        ["reps", "endTimestampMs"],
    ]
    t_base, base = best_of(
        args.repeat, lambda: pd.json_normalize(data, record_path=["reps", "analyses"], meta=meta)
    )
    t_parse, analyses = best_of(args.repeat, lambda: [Analysis.from_json(d) for d in data])
    t_long, long = best_of(args.repeat, lambda: combine(analyses))
    t_wide, wide = best_of(args.repeat, lambda: combine(analyses, wide=True))
    t_each, _ = best_of(args.repeat, lambda: [reps_frame(a) for a in analyses])
    assert len(base) == len(long) == n_reps * len(TYPES) and len(wide) == n_reps

    rows = [
        ("pandas.json_normalize (baseline)", t_base),
        ("Analysis.from_json x N (parse)", t_parse),
        ("combine(analyses) long", t_long),
        ("combine(analyses, wide=True)", t_wide),
        ("parse + combine long (JSON to frame)", t_parse + t_long),
        ("reps_frame per analysis x N", t_each),
    ]
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:8.1f} ms   {seconds / t_base:5.2f} x baseline")
    print(f"conversion throughput (combine long): {n_reps / t_long:,.0f} reps/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

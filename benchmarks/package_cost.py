"""What installing and importing guru_form costs: this working tree against a baseline commit.

In the same run, for the working tree and for ``--baseline`` (a git ref, exported with
``git archive`` into a temporary folder and put first on ``PYTHONPATH``):

- the wheel's size (``pip wheel --no-deps``), and the bytes and files of ``guru_form/server/`` and
  ``guru_form/testing/`` in it;
- ``import guru_form`` in ``--repeat`` fresh interpreters per tree, alternating between the two
  trees after one warm-up each: wall time (min and median), the
  ``guru_form`` modules really imported, and the deprecation-alias placeholders registered in
  ``sys.modules`` beside them.

It prints one table and the working tree's ratios to the baseline.

Usage: python benchmarks/package_cost.py [--baseline main] [--repeat 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import json, sys, time
started = time.perf_counter()
import guru_form
elapsed = time.perf_counter() - started
names = [m for m in sys.modules if m == "guru_form" or m.startswith("guru_form.")]
aliases = [m for m in names if type(sys.modules[m]).__name__ == "_ModuleAlias"]
print(json.dumps({"s": elapsed, "real": len(names) - len(aliases), "aliases": len(aliases),
                  "file": guru_form.__file__}))
"""


@dataclass
class Cost:
    label: str
    wheel_bytes: int
    server: tuple[int, int]
    testing: tuple[int, int]
    import_min_ms: float
    import_median_ms: float
    modules: int
    aliases: int


def _export(ref: str, into: Path) -> Path:
    archive = into / "tree.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), ref], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


def _wheel(tree: Path, out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(tree), "-w", str(out)],
        check=True,
    )
    return next(out.glob("*.whl"))


def _folder(wheel: Path, prefix: str) -> tuple[int, int]:
    with zipfile.ZipFile(wheel) as archive:
        infos = [i for i in archive.infolist() if i.filename.startswith(prefix)]
    return sum(i.file_size for i in infos), len(infos)


def _imports(tree: Path | None, repeat: int) -> list[dict[str, object]]:
    env = None if tree is None else {**os.environ, "PYTHONPATH": str(tree)}
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", _PROBE],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            cwd=tempfile.gettempdir(),
        )
        runs.append(json.loads(out.stdout))
    expected = (tree or ROOT) / "guru_form" / "__init__.py"
    if Path(str(runs[0]["file"])) != expected:
        raise SystemExit(f"imported {runs[0]['file']}, not {expected}")
    return runs


def _cost(label: str, wheel: Path, runs: list[dict[str, object]]) -> Cost:
    times = [float(str(r["s"])) * 1000 for r in runs]
    return Cost(
        label,
        wheel.stat().st_size,
        _folder(wheel, "guru_form/server/"),
        _folder(wheel, "guru_form/testing/"),
        min(times),
        statistics.median(times),
        int(str(runs[0]["real"])),
        int(str(runs[0]["aliases"])),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git ref to compare with")
    parser.add_argument("--repeat", type=int, default=10, help="fresh interpreters per tree")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="guru-form-cost-") as folder:
        work = Path(folder)
        tree = _export(args.baseline, work)
        base_wheel = _wheel(tree, work / "wheel-baseline")
        here_wheel = _wheel(ROOT, work / "wheel-here")
        _imports(tree, 1)  # warm the disk cache for both
        _imports(None, 1)
        base_runs: list[dict[str, object]] = []
        here_runs: list[dict[str, object]] = []
        for _ in range(args.repeat):  # interleaved, so drift in machine load hits both alike
            base_runs += _imports(tree, 1)
            here_runs += _imports(None, 1)
        base = _cost(f"baseline {args.baseline}", base_wheel, base_runs)
        here = _cost("working tree", here_wheel, here_runs)
    print(
        f"{'':22}{'wheel B':>11}{'server/ B (files)':>20}{'testing/ B (files)':>20}"
        f"{'import min ms':>15}{'median ms':>11}{'modules':>9}{'aliases':>9}"
    )
    for c in (base, here):
        print(
            f"{c.label:22}{c.wheel_bytes:>11,}{f'{c.server[0]:,} ({c.server[1]})':>20}"
            f"{f'{c.testing[0]:,} ({c.testing[1]})':>20}{c.import_min_ms:>15.1f}"
            f"{c.import_median_ms:>11.1f}{c.modules:>9}{c.aliases:>9}"
        )
    print(
        f"ratios (working tree / baseline): wheel {here.wheel_bytes / base.wheel_bytes:.3f}, "
        f"server/ bytes {here.server[0] / base.server[0]:.3f}, "
        f"import median {here.import_median_ms / base.import_median_ms:.2f}, "
        f"modules {here.modules / base.modules:.2f}"
    )


if __name__ == "__main__":
    main()

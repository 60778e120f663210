"""The local server under load: N clients x M videos each, against one client as the baseline.

Starts ``run_server`` (reference engine) in a child process and makes N x M distinct small videos it
knows. Then, in the same run, after one warm-up analysis (so the engine's imports are not counted):

1. baseline: one client analyses M videos;
2. load: N client objects in N threads, sharing one cache folder, each analyse M other videos, and
   then every client analyses one video of the next client's (already done: it must be answered
   from the shared cache or by polling, never uploaded again).

During each phase a probe thread times ``GET /videos/{id}`` every 20 ms (API latency under load) and
the server process' resident memory is sampled every 5 ms. It prints, per phase: analyse calls and
how many completed, duplicates (videos stored beyond one per file, read from the server's
database), analyse-call and API latency p50/p99, throughput and the server's memory; then the
load's ratios to the baseline.

Usage: python benchmarks/server_load.py [--clients 8] [--videos 10]
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from guru_form import GuruClient  # noqa: E402
from guru_form.server.testing import make_reference_video  # noqa: E402

AUDIENCE = "https://guru-form.local/api/"


@contextmanager
def server_process(data_dir: Path, reference_dir: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """``run_server`` in a child process; yields its pid and ``GuruClient`` keyword arguments."""
    code = (
        "import sys; from guru_form.server.serve import run_server; "
        f"run_server('127.0.0.1', 0, {str(data_dir)!r}, 'reference', log_level='warning', "
        f"reference_dirs=[{str(reference_dir)!r}], out=sys.stdout)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        match = re.search(r"on (http://\S+)", process.stdout.readline())
        if not match:
            raise SystemExit("the server did not start")
        url = match.group(1)
        for _ in range(400):
            try:
                httpx.get(f"{url}/health")
                break
            except httpx.TransportError:
                time.sleep(0.05)
        creds = json.loads((data_dir / "credentials.json").read_text())
        yield (
            process.pid,
            {
                **creds,
                "base_url": url,
                "auth_url": f"{url}/oauth/token",
                "audience": AUDIENCE,
            },
        )
    finally:
        process.terminate()
        process.wait(20)


class Sampler:
    """Samples the server's RSS every 5 ms and times GET /videos/{id} every 20 ms."""

    def __init__(self, pid: int, kwargs: dict[str, str], probe_id: str) -> None:
        self.process = psutil.Process(pid)
        self.idle = self.peak = self.process.memory_info().rss
        token = httpx.post(
            kwargs["auth_url"],
            data={
                "client_id": kwargs["client_id"],
                "client_secret": kwargs["client_secret"],
                "audience": AUDIENCE,
                "grant_type": "client_credentials",
            },
        ).json()["access_token"]
        self.http = httpx.Client(
            base_url=kwargs["base_url"], headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        self.probe_id = probe_id
        self.latencies_ms: list[float] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._memory),
            threading.Thread(target=self._probe),
        ]

    def _memory(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.005)

    def _probe(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            self.http.get(f"/videos/{self.probe_id}")
            self.latencies_ms.append((time.perf_counter() - started) * 1000)
            time.sleep(0.02)

    def __enter__(self) -> Sampler:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()
        self.http.close()


@dataclass
class Phase:
    name: str
    calls: int
    completed: int
    duplicates: int
    analyze_ms: list[float]
    api_ms: list[float]
    seconds: float
    rss_idle_mb: float
    rss_peak_mb: float

    @property
    def per_second(self) -> float:
        return self.completed / self.seconds


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def stored_videos(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "guru.sqlite3") as db:
        return int(
            db.execute("SELECT count(*) FROM videos WHERE uploaded_at IS NOT NULL").fetchone()[0]
        )


def run_phase(
    name: str,
    groups: list[list[Path]],
    extra: list[list[Path]],
    pid: int,
    kwargs: dict[str, str],
    data_dir: Path,
    cache: Path,
    probe_id: str,
) -> Phase:
    """Each group is one client's videos (then its ``extra``, done by another client already)."""
    before = stored_videos(data_dir)
    durations: list[float] = []
    done: list[int] = []
    lock = threading.Lock()

    def client_run(videos: list[Path], again: list[Path]) -> None:
        with GuruClient(**kwargs, cache_dir=cache) as client:
            for path in [*videos, *again]:
                started = time.perf_counter()
                analysis = client.analyze(path, activity="squat", progress=False, poll_interval=0.05, max_poll_interval=0.5)  # fmt: skip
                with lock:
                    durations.append((time.perf_counter() - started) * 1000)
                    done.append(analysis.status == "Complete")

    threads = [
        threading.Thread(target=client_run, args=(g, e)) for g, e in zip(groups, extra, strict=True)
    ]
    with Sampler(pid, kwargs, probe_id) as sampler:
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    distinct = sum(len(g) for g in groups)
    return Phase(
        name,
        distinct + sum(len(e) for e in extra),
        sum(done),
        stored_videos(data_dir) - before - distinct,
        durations,
        sampler.latencies_ms,
        seconds,
        sampler.idle / 2**20,
        sampler.peak / 2**20,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--videos", type=int, default=10, help="videos per client")
    args = parser.parse_args()
    n, m = args.clients, args.videos
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        reference = root / "reference"
        made = [
            make_reference_video(reference, f"v{i:04d}", reps=2).path
            for i in range((n + 1) * m + 1)
        ]
        warm_up, baseline_videos, load_videos = made[0], made[1 : m + 1], made[m + 1 :]
        groups = [load_videos[i * m : (i + 1) * m] for i in range(n)]
        again = [[groups[(i + 1) % n][0]] for i in range(n)]
        data = root / "data"
        with server_process(data, reference) as (pid, kwargs):
            with GuruClient(**kwargs, cache_dir=root / "probe") as client:
                probe = client.create_video("probe.mp4", 1)
                client.analyze(warm_up, activity="squat", progress=False)  # engine loaded
            phases = [
                run_phase(
                    "baseline", [baseline_videos], [[]], pid, kwargs, data, root / "c1", probe.id
                ),
                run_phase(f"{n} clients", groups, again, pid, kwargs, data, root / "c2", probe.id),
            ]
    print(
        f"server load: {n} clients x {m} videos each (reference engine, run_server in a child process)"
    )
    print(
        f"{'phase':<12} {'calls':>6} {'complete':>8} {'dupes':>5} {'analyse p50/p99 ms':>19} "
        f"{'API p50/p99 ms':>15} {'videos/s':>8} {'server RSS idle -> peak':>24}"
    )
    for p in phases:
        print(
            f"{p.name:<12} {p.calls:>6} {p.completed:>8} {p.duplicates:>5} "
            f"{percentile(p.analyze_ms, 50):>9.0f}/{percentile(p.analyze_ms, 99):<9.0f} "
            f"{percentile(p.api_ms, 50):>7.1f}/{percentile(p.api_ms, 99):<7.1f} "
            f"{p.per_second:>8.1f} {p.rss_idle_mb:>11.0f} -> {p.rss_peak_mb:.0f} MB"
        )
    base, load = phases
    print(
        f"ratio {load.name} / baseline: throughput {load.per_second / base.per_second:.2f}x, "
        f"API p99 {percentile(load.api_ms, 99) / percentile(base.api_ms, 99):.2f}x, "
        f"server peak RSS +{load.rss_peak_mb - load.rss_idle_mb:.0f} MB vs "
        f"+{base.rss_peak_mb - base.rss_idle_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()

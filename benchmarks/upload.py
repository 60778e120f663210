"""Upload throughput of GuruClient against ``curl -F`` to the same local endpoint, and its memory.

Starts guru_form's local server in a child process and uploads a sparse file of SIZE MB (a real
video's header, then zeros: OpenCV still opens it, so the client's checks run as they would) to it
ROUNDS times each way. Each round both do the whole job: create the video, then POST the multipart
form (signing fields, then the file) to the presigned URL. The baseline is ``curl -F`` (the create
call made with httpx, timed with it). After every upload the server's analysis of it (which reads
the whole file) is waited for, untimed, so each timed upload meets an idle server. Printed: the
best time of each, the ratio client/curl (1.0 = as fast as curl; above 1 = slower), the CPU time
of each uploader (the client's process, curl's), and, from one more client upload measured apart
(tracing allocations slows Python down), its peak Python allocations (tracemalloc) and
resident-memory growth, next to the file size.

Usage: python benchmarks/upload.py [--size-mb 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import statistics
import subprocess
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import psutil
from _serve import local_server

from guru_form import GuruClient
from guru_form.errors import AnalysisFailedError


def make_big_video(path: Path, size: int) -> Path:
    """Write a tiny real video at ``path`` and pad it with zeros to ``size`` bytes.

    Parameters
    ----------
    path
        Where to write it.
    size
        The file size in bytes; the padding is sparse (no disk space, fast to read back).

    Returns
    -------
    Path
        ``path``; OpenCV still opens it, so the client's checks run as they would.
    """
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (64, 48))
    for i in range(5):
        writer.write(np.full((48, 64, 3), i * 40, np.uint8))
    writer.release()
    with path.open("r+b") as handle:
        handle.truncate(size)
    return path


def children_cpu() -> float:
    """CPU seconds (user + system) of this process' finished child processes (curl's)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def settle(client: GuruClient, video_id: str) -> None:
    """Wait, untimed, until the server has analysed ``video_id`` (it reads the whole file).

    Otherwise the analysis of one upload runs during the next one and slows it down: the first
    round of the first uploader would be the only one to meet an idle server.
    """
    # the reference engine does not know the padded video: Failed is its answer
    with contextlib.suppress(AnalysisFailedError):
        client.wait_for_analysis(video_id, timeout=120, poll_interval=0.05, max_poll_interval=0.2)


def curl_upload(client: GuruClient, video: Path) -> tuple[float, float, str]:
    """The baseline: create a video with ``client``, then upload ``video`` with ``curl -F``.

    Parameters
    ----------
    client
        Creates the video (and so gets the presigned URL and signing fields).
    video
        The file to upload.

    Returns
    -------
    tuple
        ``(seconds for both steps, curl's CPU seconds, the video's id)``.
    """
    cpu_before = children_cpu()
    started = time.perf_counter()
    target = client.create_video(video.name, video.stat().st_size)
    form = [arg for k, v in target.fields.items() for arg in ("-F", f"{k}={v}")]
    result = subprocess.run(
        [
            "curl",
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            *form,
            "-F",
            f"file=@{video}",
            target.url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    if result.stdout != "204":
        raise SystemExit(f"curl upload answered {result.stdout}")
    return elapsed, children_cpu() - cpu_before, target.id


def client_upload(client: GuruClient, video: Path) -> tuple[float, float, str]:
    """Upload ``video`` with ``client.upload_video``.

    Returns
    -------
    tuple
        ``(seconds, this process' CPU seconds, the video's id)``.
    """
    cpu_before = time.process_time()
    started = time.perf_counter()
    video_id = client.upload_video(video)
    return time.perf_counter() - started, time.process_time() - cpu_before, video_id


class RssPeak:
    """Samples this process' resident memory every 5 ms."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.baseline = self.peak = self.process.memory_info().rss
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.005)

    def __enter__(self) -> RssPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def main() -> None:
    """Run the benchmark with the command line's ``--size-mb`` and ``--rounds``; print results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    size = args.size_mb * 2**20
    with tempfile.TemporaryDirectory() as tmp:
        video = make_big_video(Path(tmp) / "big.avi", size)
        with (
            local_server(Path(tmp) / "data") as kwargs,
            GuruClient(**kwargs, cache_dir=Path(tmp) / "cache") as client,
        ):
            client.create_video("warm-up.avi", 1)  # token and connection, outside the measure
            curl_runs, client_runs = [], []
            for _ in range(args.rounds):
                for runs, upload in ((curl_runs, curl_upload), (client_runs, client_upload)):
                    elapsed, cpu, video_id = upload(client, video)
                    runs.append((elapsed, cpu))
                    settle(client, video_id)
            with RssPeak() as rss:
                tracemalloc.start()
                client.upload_video(video)
                peak_alloc = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
    best_curl, best_client = min(curl_runs), min(client_runs)
    cpu_curl = statistics.median(cpu for _, cpu in curl_runs)
    cpu_client = statistics.median(cpu for _, cpu in client_runs)
    print(f"upload of {args.size_mb} MB to the local server, best of {args.rounds}:")
    for label, (best, _), cpu in (
        ("curl -F (baseline)", best_curl, cpu_curl),
        ("GuruClient", best_client, cpu_client),
    ):
        print(
            f"  {label:<19} {best:6.2f} s  {args.size_mb / best:7.0f} MB/s  uploader CPU {cpu:.2f} s"
        )
    print(f"  ratio client/curl   {best_client[0] / best_curl[0]:6.2f}  (1.0 = as fast as curl)")
    print(
        f"client memory: peak Python allocations {peak_alloc / 2**20:.1f} MB (tracemalloc), "
        f"RSS growth {(rss.peak - rss.baseline) / 2**20:.1f} MB, for a {args.size_mb} MB file"
    )


if __name__ == "__main__":
    main()

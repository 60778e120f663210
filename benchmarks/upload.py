"""Upload throughput of GuruClient against ``curl -F`` to the same local endpoint, and its memory.

Starts guru_form's local server in a child process and uploads a sparse file of SIZE MB (a real
video's header, then zeros: OpenCV still opens it, so the client's checks run as they would) to it
ROUNDS times each way. Each round both do the whole job: create the video, then POST the multipart
form (signing fields, then the file) to the presigned URL. The baseline is ``curl -F`` (the create
call made with httpx, timed with it). Printed: the best time of each, the ratio client/curl (1.0 =
as fast as curl; above 1 = slower), and the client's peak Python allocations (tracemalloc) and
resident-memory growth during its uploads, next to the file size.

Usage: python benchmarks/upload.py [--size-mb 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import psutil
from _serve import local_server

from guru_form import GuruClient


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


def curl_upload(client: GuruClient, video: Path) -> float:
    """The baseline: create a video with ``client``, then upload ``video`` with ``curl -F``.

    Parameters
    ----------
    client
        Creates the video (and so gets the presigned URL and signing fields).
    video
        The file to upload.

    Returns
    -------
    float
        Seconds for both steps.
    """
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
    return elapsed


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
            curl_times, client_times = [], []
            peak_alloc = 0
            with RssPeak() as rss:
                for _ in range(args.rounds):
                    curl_times.append(curl_upload(client, video))
                    tracemalloc.start()
                    started = time.perf_counter()
                    client.upload_video(video)
                    client_times.append(time.perf_counter() - started)
                    peak_alloc = max(peak_alloc, tracemalloc.get_traced_memory()[1])
                    tracemalloc.stop()
    best_curl, best_client = min(curl_times), min(client_times)
    print(f"upload of {args.size_mb} MB to the local server, best of {args.rounds}:")
    print(f"  curl -F (baseline)  {best_curl:6.2f} s  {args.size_mb / best_curl:7.0f} MB/s")
    print(f"  GuruClient          {best_client:6.2f} s  {args.size_mb / best_client:7.0f} MB/s")
    print(f"  ratio client/curl   {best_client / best_curl:6.2f}  (1.0 = as fast as curl)")
    print(
        f"client memory: peak Python allocations {peak_alloc / 2**20:.1f} MB (tracemalloc), "
        f"RSS growth {(rss.peak - rss.baseline) / 2**20:.1f} MB, for a {args.size_mb} MB file"
    )


if __name__ == "__main__":
    main()

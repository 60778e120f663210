"""Server memory and throughput while it receives a large presigned upload.

Starts ``run_server`` in its own process, uploads a sparse file of SIZE MB with ``curl -F`` (the
signing fields, then the file), samples the server process' resident memory every 5 ms, and prints the
peak growth over the server's resting memory (the baseline, measured just before the upload) next to
the file size, and the upload throughput.

Usage: python benchmarks/server_upload.py [--size-mb 200]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]


def start_server(data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    code = (
        "import sys; from guru_form.server.serve import run_server; "
        f"run_server('127.0.0.1', 0, {str(data_dir)!r}, 'reference', log_level='warning', out=sys.stdout)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    match = re.search(r"on (http://\S+)", process.stdout.readline())
    if not match:
        process.kill()
        raise SystemExit("the server did not start")
    url = match.group(1)
    for _ in range(400):
        try:
            httpx.get(f"{url}/health")
            return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit("the server did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    args = parser.parse_args()
    size = args.size_mb * 2**20
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, video = Path(tmp) / "data", Path(tmp) / "big.mp4"
        with video.open("wb") as handle:
            handle.truncate(size)
        process, url = start_server(data_dir)
        try:
            creds = json.loads((data_dir / "credentials.json").read_text())
            token = httpx.post(
                f"{url}/oauth/token",
                data={
                    **creds,
                    "audience": "https://guru-form.local/api/",
                    "grant_type": "client_credentials",
                },
            ).json()["access_token"]
            target = httpx.post(
                f"{url}/videos",
                json={"filename": video.name, "size": size},
                headers={"Authorization": f"Bearer {token}"},
            ).json()
            server = psutil.Process(process.pid)
            baseline = peak = server.memory_info().rss
            done = threading.Event()

            def sample() -> None:
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, server.memory_info().rss)
                    time.sleep(0.005)

            sampler = threading.Thread(target=sample)
            sampler.start()
            form = [arg for k, v in target["fields"].items() for arg in ("-F", f"{k}={v}")]
            started = time.perf_counter()
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
                    target["url"],
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            elapsed = time.perf_counter() - started
            done.set()
            sampler.join()
        finally:
            process.terminate()
            process.wait(10)
    growth = (peak - baseline) / 2**20
    print(
        f"upload of {args.size_mb} MB with curl -F: HTTP {result.stdout}, {args.size_mb / elapsed:.0f} MB/s"
    )
    print(
        f"server RSS: baseline {baseline / 2**20:.0f} MB, peak growth {growth:.1f} MB ({growth / args.size_mb:.1%} of the file)"
    )


if __name__ == "__main__":
    main()

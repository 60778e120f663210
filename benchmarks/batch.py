"""Wall time of ``analyze_many`` over N videos against the same videos analysed one by one.

Starts guru_form's local server (reference engine) in a child process and makes N distinct small
videos it knows. The baseline is a plain loop of ``GuruClient.analyze`` (upload, then wait, video
after video); then ``GuruClient.analyze_many(concurrency=C)`` does the same videos. Each run has
its own empty result cache, so every video is really uploaded and analysed in both. Both poll with
the same ``poll_interval``. Printed: both wall times and the speed-up (baseline / batch).

Usage: python benchmarks/batch.py [--videos 50] [--concurrency 8] [--poll-interval 0.5]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _serve import local_server

from guru_form import GuruClient
from guru_form.testing import make_reference_video


def main() -> None:
    """Run the benchmark with the command line's options (see the module docs); print results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--poll-interval", type=float, default=0.5)
    args = parser.parse_args()
    wait = {"poll_interval": args.poll_interval, "max_poll_interval": args.poll_interval * 4}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        known = [
            make_reference_video(root / "videos", f"bench-{i:03d}") for i in range(args.videos)
        ]
        paths = [k.path for k in known]
        with local_server(root / "data", reference_dirs=[root / "videos"]) as kwargs:
            with GuruClient(**kwargs, cache_dir=root / "cache-one-by-one") as client:
                started = time.perf_counter()
                for path in paths:
                    client.analyze(path, activity="squat", progress=False, **wait)
                one_by_one = time.perf_counter() - started
            with GuruClient(**kwargs, cache_dir=root / "cache-batch") as client:
                started = time.perf_counter()
                result = client.analyze_many(
                    paths, activity="squat", concurrency=args.concurrency, progress=False, **wait
                )
                batch = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(result.summary())
    print(f"{args.videos} videos, local server, poll_interval {args.poll_interval} s:")
    label = f"analyze_many(concurrency={args.concurrency})"
    print(f"  {'one by one (baseline)':<32}{one_by_one:6.1f} s")
    print(f"  {label:<32}{batch:6.1f} s")
    print(f"  {'speed-up':<32}{one_by_one / batch:6.1f}x")


if __name__ == "__main__":
    main()

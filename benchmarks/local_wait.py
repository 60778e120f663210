"""Wall time of analysing the sample videos on the embedded local server: its own polling
against the hosted API's.

Starts the embedded local server (the pose engine, stride 2, as ``guru-form demo`` runs it) in
a temporary data folder and analyses each sample video twice, each time with its own empty result
cache so that every video is really uploaded and analysed: once with the hosted API's waits
between polls (the baseline: 2 s growing by half to 15 s, what every server got before the local
server had its own) and once with the client's defaults for the local server. The order of the two
alternates from video to video so that neither always runs on a warm engine. Printed: per video
and in all, both wall times and the ratio (baseline / local defaults).

Usage: python benchmarks/local_wait.py [--stride 2] [--engine pose]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import _serve  # noqa: F401  (puts this checkout first on sys.path)

from guru_form import GuruClient
from guru_form.client._base import DEFAULT_MAX_POLL_INTERVAL, DEFAULT_POLL_INTERVAL
from guru_form.samples import sample_names, sample_path
from guru_form.server.embedded import stop_local_server

HOSTED_WAITS = {
    "poll_interval": DEFAULT_POLL_INTERVAL,
    "max_poll_interval": DEFAULT_MAX_POLL_INTERVAL,
}


def _timed(client: GuruClient, path: Path, activity: str, waits: dict[str, float]) -> float:
    started = time.perf_counter()
    client.analyze(path, activity=activity, progress=False, **waits)  # type: ignore[arg-type]
    return time.perf_counter() - started


def main() -> None:
    """Run the benchmark with the command line's options (see the module docs); print results."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--stride", type=int, default=2)
    parser.add_argument("--engine", default="pose")
    args = parser.parse_args()
    totals = {"hosted": 0.0, "local": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        stop_local_server()
        try:
            for k, name in enumerate(sample_names()):
                times: dict[str, float] = {}
                runs = [("hosted", HOSTED_WAITS), ("local", {})]
                for label, waits in runs if k % 2 == 0 else runs[::-1]:
                    with GuruClient.local(
                        args.engine,
                        root / "server",
                        stride=args.stride,
                        cache_dir=root / f"cache-{label}",
                    ) as client:
                        times[label] = _timed(client, sample_path(name), name, waits)
                    totals[label] += times[label]
                print(
                    f"  {name:<12} hosted waits {times['hosted']:5.1f} s   local defaults "
                    f"{times['local']:5.1f} s   {times['hosted'] / times['local']:4.2f}x"
                )
        finally:
            stop_local_server()
    print(
        f"all samples, engine {args.engine}, stride {args.stride}: hosted waits (baseline) "
        f"{totals['hosted']:.1f} s, local defaults {totals['local']:.1f} s, "
        f"{totals['hosted'] / totals['local']:.2f}x"
    )


if __name__ == "__main__":
    main()

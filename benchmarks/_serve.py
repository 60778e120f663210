"""Start guru_form's local server in a child process for a benchmark (its memory and CPU apart)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@contextmanager
def local_server(data_dir: Path, reference_dirs: Sequence[Path] = ()) -> Iterator[dict[str, str]]:
    """Run ``run_server`` (reference engine) in a child process; yields ``GuruClient`` kwargs."""
    code = (
        "import sys; from guru_form.server.serve import run_server; "
        f"run_server('127.0.0.1', 0, {str(data_dir)!r}, 'reference', log_level='warning', "
        f"reference_dirs={[str(d) for d in reference_dirs]!r}, out=sys.stdout)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        match = re.search(r"on (http://\S+)", process.stdout.readline())
        if not match:
            raise SystemExit("the local server did not start")
        url = match.group(1).rstrip("/")
        for _ in range(400):
            try:
                httpx.get(f"{url}/health")
                break
            except httpx.TransportError:
                time.sleep(0.05)
        creds = json.loads((data_dir / "credentials.json").read_text())
        yield {
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "base_url": url,
            "auth_url": f"{url}/oauth/token",
            "audience": "https://guru-form.local/api/",
        }
    finally:
        process.terminate()
        process.wait(10)

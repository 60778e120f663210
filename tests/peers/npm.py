"""Node and npm for Guru's Node clients: the node_modules of a package.json, installed once.

The dependencies are installed with ``npm install`` from the npm registry into a cache folder
(``$GURU_FORM_TEST_CACHE`` or ``~/.cache/guru_form-tests``) keyed by the package.json's SHA-256,
and reused by later runs; a test links its own folder's ``node_modules`` to them.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CACHE_ENV = "GURU_FORM_TEST_CACHE"
MIN_NODE = 18


def cache_root() -> Path:
    """Where the tests keep what they download between runs."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "guru_form-tests")


def node() -> str:
    """The ``node`` executable; skips the test without node 18 or newer, or without npm."""
    found = shutil.which("node")
    if found is None or shutil.which("npm") is None:
        pytest.skip(
            "node and npm are needed to run Guru's Node clients (apt-get install nodejs npm)"
        )
    version = subprocess.run([found, "--version"], capture_output=True, text=True, check=False)
    match = re.match(r"v(\d+)", version.stdout.strip())
    if match is None or int(match.group(1)) < MIN_NODE:
        pytest.skip(f"node {MIN_NODE} or newer is needed, found {version.stdout.strip()!r}")
    return found


def installed_node_modules(package_json: bytes, env: dict[str, str]) -> Path:
    """The ``node_modules`` folder of ``package_json``'s dependencies (installed on first use).

    Skips the test when ``npm install`` fails (say, the registry cannot be reached), with npm's
    last words.
    """
    digest = hashlib.sha256(package_json).hexdigest()[:16]
    final = cache_root() / "npm" / digest
    if (final / "node_modules").is_dir():
        return final / "node_modules"
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{digest}-", dir=final.parent))
    try:
        (staging / "package.json").write_bytes(package_json)
        result = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--omit=dev", "--no-package-lock"],
            cwd=staging,
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            last = "\n".join(result.stderr.strip().splitlines()[-5:])
            pytest.skip(f"npm install of the example's dependencies failed:\n{last}")
        try:
            staging.rename(final)
        except OSError:  # another worker installed the same set meanwhile: use theirs
            if not (final / "node_modules").is_dir():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final / "node_modules"

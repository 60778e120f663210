"""Shared test configuration: charts render off-screen, nothing reaches the internet."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")

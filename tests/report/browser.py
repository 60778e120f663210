"""Headless Chromium (Debian's ``chromium`` package) for rendering reports in tests and docs."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--hide-scrollbars",
    "--disable-extensions",
    "--mute-audio",
)


def find_chromium() -> str | None:
    """The Chromium executable, or None."""
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    browser = find_chromium()
    if browser is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="guru-form-chromium-") as profile:
        return subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


#: Headless Chromium will not make a window narrower than this (CSS pixels).
MIN_WINDOW_WIDTH = 500

# A host page that shows ``page`` in a frame of the phone's width: a frame is a viewport of its
# own, so the page's media queries see the phone's width. Messages the page posts to its parent
# are written into the host's DOM (for --dump-dom).
HOST = """<!DOCTYPE html><html><head><meta charset="utf-8"></head>
<body style="margin:0;background:#fff">
<iframe src="{src}" width="{width}" height="{height}" style="border:0;display:block"></iframe>
<script>
window.addEventListener("message", (e) => document.body.setAttribute("data-probe", e.data));
</script></body></html>"""


def _viewable(page: Path, width: int, height: int) -> Path:
    """``page`` itself, or for widths below the window minimum a host page framing it."""
    if width >= MIN_WINDOW_WIDTH:
        return page
    host = page.with_name(f".{page.stem}-{width}px-host.html")
    host.write_text(HOST.format(src=page.resolve().as_uri(), width=width, height=height))
    return host


def screenshot(
    page: Path, out: Path, *, width: int, height: int, scale: float = 1.0, timeout: float = 90
) -> Path:
    """Render ``page`` at ``width`` x ``height`` CSS pixels (times ``scale``) to a PNG."""
    import cv2

    shown = _viewable(page, width, height)
    done = _run(
        [
            f"--window-size={max(width, MIN_WINDOW_WIDTH)},{height}",
            f"--force-device-scale-factor={scale}",
            "--virtual-time-budget=5000",
            f"--screenshot={out}",
            shown.resolve().as_uri(),
        ],
        timeout,
    )
    if not out.is_file():
        raise RuntimeError(f"chromium wrote no screenshot: {done.stderr[-2000:]}")
    if shown is not page:
        image = cv2.imread(str(out))
        cv2.imwrite(str(out), image[:, : round(width * scale)])
        shown.unlink()
    return out


def dump_dom(page: Path, *, width: int, height: int, timeout: float = 90) -> str:
    """The DOM after load (scripts run) at ``width`` x ``height`` CSS pixels: the page's own, or
    for a phone width the host page's (which holds what the page posted to it)."""
    shown = _viewable(page, width, height)
    done = _run(
        [
            f"--window-size={max(width, MIN_WINDOW_WIDTH)},{height}",
            "--virtual-time-budget=5000",
            "--allow-file-access-from-files",
            "--dump-dom",
            shown.resolve().as_uri(),
        ],
        timeout,
    )
    if shown is not page:
        shown.unlink()
    if done.returncode != 0 or "<html" not in done.stdout:
        raise RuntimeError(f"chromium could not load {page}: {done.stderr[-2000:]}")
    return done.stdout

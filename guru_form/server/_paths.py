"""Where the server keeps its files, and where the sample videos live."""

from __future__ import annotations

import os
from pathlib import Path

import guru_form

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def sample_videos_dir() -> Path:
    """The folder of bundled sample videos and their ground-truth sidecars.

    Inside an installed wheel the samples are ``guru_form/_sample_videos``; in a source checkout they
    are ``<repo>/sample_videos``. The returned folder may not exist (for instance in a checkout made
    before the samples were rendered).
    """
    package = Path(guru_form.__file__).resolve().parent
    bundled = package / "_sample_videos"
    if bundled.is_dir():
        return bundled
    return package.parent / "sample_videos"


def default_home() -> Path:
    """guru_form's own folder: ``$GURU_FORM_HOME``, else the platform's user cache folder."""
    env = os.environ.get("GURU_FORM_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("guru_form", appauthor=False))


def default_server_dir() -> Path:
    """Where the local server keeps its state by default: ``<guru_form home>/server``."""
    return default_home() / "server"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the owner only; return it."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    return path


def write_private_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, with owner-only permissions from the start."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    tmp.replace(path)

"""Where the server keeps its files, and where the sample videos live."""

from __future__ import annotations

import os
import secrets
import stat
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
    """Create ``path`` (and parents) if missing; make it readable by the owner only; return it.

    A folder that existed already is made owner-only too, whatever its permissions were.
    """
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if stat.S_IMODE(path.stat().st_mode) != PRIVATE_DIR_MODE:
        path.chmod(PRIVATE_DIR_MODE)
    return path


def make_private_tree(path: Path) -> None:
    """Make ``path`` and everything below it owner-only: folders 0700, files 0600.

    Symbolic links are left alone (neither changed nor followed); so is what another user owns.
    """
    if not path.exists() or path.is_symlink():
        return
    _make_private(path, PRIVATE_DIR_MODE if path.is_dir() else PRIVATE_FILE_MODE)
    if not path.is_dir():
        return
    for root, dirs, files in os.walk(path):
        for name in dirs:
            _make_private(Path(root, name), PRIVATE_DIR_MODE)
        for name in files:
            _make_private(Path(root, name), PRIVATE_FILE_MODE)


def _make_private(path: Path, mode: int) -> None:
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) == mode:
            return
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return
        path.chmod(mode)
    except FileNotFoundError:  # removed meanwhile (a finished upload's temporary file)
        pass


def write_private_file(path: Path, text: str, *, replace: bool = True) -> bool:
    """Write ``text`` to ``path`` atomically, with owner-only permissions from the start.

    With ``replace=False`` an existing file is kept (the first of several writers wins): returns
    False when ``path`` existed, else True.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        if replace:
            tmp.replace(path)
            return True
        try:
            os.link(tmp, path)  # fails if path exists: never replaces another writer's file
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if path.exists():
                return False
            tmp.replace(path)
        return True
    finally:
        tmp.unlink(missing_ok=True)

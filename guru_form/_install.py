"""The command that installs one of guru-form's extras into the Python environment running now.

Messages about a missing extra name this command, so that it works where the user is: the
environment's own ``pip`` (``.venv/bin/pip`` in the virtual environment the README's ``make demo``
makes), and, when guru-form is installed from a clone in editable mode (as ``make demo`` installs
it), that clone (``-e '.[pdf]'``) rather than a package index.
"""

from __future__ import annotations

import json
import os
import sys
import sysconfig
from pathlib import Path
from urllib.parse import unquote, urlparse

__all__ = ["install_command"]


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it, else absolute."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    if relative == ".":
        return "."
    return relative if not relative.startswith("..") else str(path)


def _pip() -> str:
    """The running environment's pip, as a command."""
    in_venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix)
    scripts = Path(sysconfig.get_path("scripts"))
    pip = scripts / ("pip.exe" if os.name == "nt" else "pip")
    if in_venv and pip.is_file():
        return _shown(pip)
    python = sys.executable or "python3"
    return f"{_shown(Path(python)) if os.sep in python else python} -m pip"


def _editable_source() -> Path | None:
    """The folder guru-form is installed from in editable mode, if it is."""
    from importlib import metadata

    try:
        text = metadata.distribution("guru-form").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    try:
        info = json.loads(text or "null")
    except ValueError:
        return None
    if not isinstance(info, dict) or not (info.get("dir_info") or {}).get("editable"):
        return None
    url = urlparse(str(info.get("url", "")))
    if url.scheme != "file":
        return None
    folder = Path(unquote(url.path))
    return folder if folder.is_dir() else None


def install_command(extra: str) -> str:
    """The command that installs guru-form's ``extra`` here.

    Parameters
    ----------
    extra
        The extra's name (``"pdf"``, ``"pose"``, ...).

    Returns
    -------
    str
        ``.venv/bin/pip install -e '.[pdf]'`` in the README's environment, run from its clone;
        ``/path/to/python -m pip install 'guru-form[pdf]'`` outside a virtual environment.
    """
    source = _editable_source()
    target = f"-e '{_shown(source)}[{extra}]'" if source is not None else f"'guru-form[{extra}]'"
    return f"{_pip()} install {target}"

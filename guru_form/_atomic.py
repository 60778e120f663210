"""Write a file under a temporary name and rename it into place, so a failure leaves nothing behind."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path"]


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` (same suffix); rename it to ``target`` on success.

    On an exception the temporary file is removed and ``target`` is left as it was.

    Parameters
    ----------
    target
        The file to write (its folder is created if needed).

    Yields
    ------
    Path
        Where to write: a hidden name in ``target``'s folder.
    """
    final = Path(target)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.stem}.{secrets.token_hex(4)}.part{final.suffix}")
    try:
        yield tmp
        tmp.replace(final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()

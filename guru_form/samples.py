"""The bundled sample videos and their ground truth.

guru_form ships small synthetic workout videos (a squat, a push-up, a deadlift and a bench-press
set) with their exact ground truth: a Guru analysis (``<name>.json``) and a per-frame truth table
(``<name>.truth.csv``). They come from ``scripts/render_sample_videos.py``; see
``sample_videos/README.md`` for what each holds.

In an installed wheel they live in ``guru_form/_sample_videos/``; in a source checkout, in the
repository's ``sample_videos/``.

Examples
--------
>>> from guru_form.samples import sample_analysis, sample_names
>>> "squat" in sample_names()
True
>>> sample_analysis("squat").activity.value
'squat'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from guru_form.errors import InvalidInputError
from guru_form.models import Analysis

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["sample_analysis", "sample_dir", "sample_names", "sample_path", "sample_truth"]

_PACKAGE = Path(__file__).resolve().parent


def sample_dir() -> Path:
    """The folder holding the sample videos (installed copy first, then the source checkout).

    Raises
    ------
    InvalidInputError
        When neither exists (a source tree without ``sample_videos/``).
    """
    for candidate in (_PACKAGE / "_sample_videos", _PACKAGE.parent / "sample_videos"):
        if candidate.is_dir() and any(candidate.glob("*.mp4")):
            return candidate
    raise InvalidInputError(
        "the sample videos are missing: reinstall guru-form, or in a source checkout run "
        "`python scripts/render_sample_videos.py`"
    )


def sample_names() -> list[str]:
    """Names of the bundled samples that have a video and its ground truth, sorted.

    Examples
    --------
    >>> sample_names()
    ['bench_press', 'deadlift', 'push_up', 'squat']
    """
    folder = sample_dir()
    return sorted(p.stem for p in folder.glob("*.mp4") if p.with_suffix(".json").is_file())


def _resolve(name: str) -> Path:
    stem = Path(str(name)).name
    for suffix in (".mp4", ".json", ".truth.csv"):
        stem = stem.removesuffix(suffix)
    names = sample_names()
    if stem not in names:
        raise InvalidInputError(
            f"no sample video named {name!r}; the samples are: {', '.join(names)}"
        )
    return sample_dir() / f"{stem}.mp4"


def sample_path(name: str) -> Path:
    """Path of the sample video ``name`` (e.g. ``"squat"``; a ``.mp4`` suffix is accepted).

    Raises
    ------
    InvalidInputError
        For an unknown name; the message lists the samples there are.
    """
    return _resolve(name)


def sample_analysis(name: str) -> Analysis:
    """The ground-truth analysis of sample ``name``: what a perfect engine would return."""
    return Analysis.load(_resolve(name).with_suffix(".json"))


def sample_truth(name: str) -> pd.DataFrame:
    """The per-frame truth table of sample ``name``.

    Columns: ``frame``, ``time_ms``, ``rep``, ``phase``, ``near_side``, every true landmark as
    ``<name>_x`` / ``<name>_y`` in pixels, and every angle series of
    :func:`guru_form.kinematics.angle_series` for the near side (see
    :mod:`guru_form.testing.synthetic.truth`).
    """
    import pandas as pd

    path = _resolve(name)
    return pd.read_csv(path.with_name(path.stem + ".truth.csv"))

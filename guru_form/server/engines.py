"""Analysis engines: what turns an uploaded video into a Guru analysis.

An engine is any object with a ``name`` and an ``analyze`` method (:class:`AnalysisEngine`). It returns
the Guru analysis JSON (``status`` ``"Complete"``, ``domain``, ``activity``, ``reps``) or raises
:class:`guru_form.errors.EngineError` (also importable from here as :data:`EngineFailure`; the
contract is documented on that class). Engines are chosen by name:

============  =================================================================================
``reference``  :class:`guru_form.server.reference.ReferenceEngine`: knows the sample videos by content
``pose``       ``guru_form.pose.engine:PoseEngine``: real pose analysis (the ``pose`` extra)
``auto``       ``pose`` when ``guru_form.pose`` and mediapipe are installed, else ``reference``
``pkg.mod:C``  any importable class whose constructor takes no required arguments
============  =================================================================================

Engines run in the job runner's executor, possibly in another process or on a Dask worker, so they are
named by an :class:`EngineSpec` (picklable) and built there by :func:`load_engine`.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from guru_form.errors import EngineError, InvalidInputError, MissingDependencyError
from guru_form.models import Activity, Domain

__all__ = [
    "ENGINE_NAMES",
    "AnalysisEngine",
    "EngineFailure",
    "EngineSpec",
    "load_engine",
    "pose_engine_available",
    "resolve_engine_name",
]

REFERENCE = "reference"
POSE = "pose"
AUTO = "auto"
ENGINE_NAMES = (AUTO, POSE, REFERENCE)
POSE_ENGINE_PATH = "guru_form.pose.engine:PoseEngine"
_BUILTIN_PATHS = {
    REFERENCE: "guru_form.server.reference:ReferenceEngine",
    POSE: POSE_ENGINE_PATH,
}


#: The error engines raise when a video cannot be analysed: :class:`guru_form.errors.EngineError`
#: itself (the contract is documented there), under the name the server's engines used first.
EngineFailure = EngineError


@runtime_checkable
class AnalysisEngine(Protocol):
    """What the server needs from an analysis engine.

    Attributes
    ----------
    name
        A short name for messages, e.g. ``"pose"``.
    """

    name: str

    def analyze(
        self,
        video_path: Path,
        *,
        activity: Activity | None,
        domain: Domain | None,
        rep_count: int | None,
    ) -> dict[str, Any]:
        """Analyse one readable video.

        Parameters
        ----------
        video_path
            The uploaded content (already checked to open and yield a frame).
        activity, domain, rep_count
            What the uploader declared; each may be None.

        Returns
        -------
        dict
            Guru analysis JSON with ``status`` ``"Complete"``, ``domain``, ``activity`` and ``reps``.

        Raises
        ------
        guru_form.errors.EngineError
            When the video cannot be analysed; its ``reason`` is shown to the user.
        """
        ...


@dataclass(frozen=True)
class EngineSpec:
    """A picklable description of an engine, built into an engine where the job runs.

    Attributes
    ----------
    name
        ``"reference"``, ``"pose"`` or ``"package.module:Class"`` (``"auto"`` is resolved before a
        spec is made; see :func:`resolve_engine_name`).
    reference_dirs
        Folders of (video, ground-truth JSON) pairs for the reference engine; empty means the
        bundled sample videos.
    """

    name: str
    reference_dirs: tuple[str, ...] = ()

    @property
    def import_path(self) -> str:
        """``module:attribute`` of the engine class."""
        return _BUILTIN_PATHS.get(self.name, self.name)


def pose_engine_available() -> bool:
    """True when ``guru_form.pose`` and mediapipe are installed (checked without importing them)."""
    return all(_module_exists(m) for m in ("guru_form.pose", "mediapipe"))


def _module_exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def resolve_engine_name(name: str) -> str:
    """Check an engine name and resolve ``"auto"``.

    Parameters
    ----------
    name
        ``"auto"``, ``"pose"``, ``"reference"`` or ``"package.module:Class"``.

    Returns
    -------
    str
        The engine to use: never ``"auto"``.

    Raises
    ------
    InvalidInputError
        For an unknown name.
    MissingDependencyError
        For ``"pose"`` when the ``pose`` extra is not installed.

    Examples
    --------
    >>> resolve_engine_name("reference")
    'reference'
    """
    name = name.strip()
    if name == AUTO:
        return POSE if pose_engine_available() else REFERENCE
    if name == POSE:
        if not pose_engine_available():
            raise MissingDependencyError(
                f"the '{POSE}' analysis engine ({POSE_ENGINE_PATH})", "pose"
            )
        return name
    if name == REFERENCE:
        return name
    module, _, attribute = name.partition(":")
    if not module or not attribute:
        raise InvalidInputError(
            f"unknown analysis engine {name!r}; use one of {', '.join(ENGINE_NAMES)} "
            f"or 'package.module:Class'"
        )
    if not _module_exists(module):
        raise InvalidInputError(f"analysis engine {name!r}: module {module!r} cannot be found")
    return name


def load_engine(spec: EngineSpec) -> AnalysisEngine:
    """Build the engine a spec names (in the process that will run it).

    Raises
    ------
    MissingDependencyError
        When the pose engine is asked for but its extra is missing.
    InvalidInputError
        When a custom engine cannot be imported or is not an :class:`AnalysisEngine`.
    """
    module_name, _, attribute = spec.import_path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        if spec.name == POSE:
            raise MissingDependencyError(
                f"the '{POSE}' analysis engine ({POSE_ENGINE_PATH})", "pose"
            ) from exc
        raise InvalidInputError(f"analysis engine {spec.name!r} cannot be imported: {exc}") from exc
    factory = getattr(module, attribute, None)
    if factory is None:
        raise InvalidInputError(f"analysis engine {spec.name!r}: {module_name} has no {attribute}")
    engine = factory(spec.reference_dirs or None) if spec.name == REFERENCE else factory()
    if not isinstance(engine, AnalysisEngine):
        raise InvalidInputError(
            f"analysis engine {spec.name!r} has no 'name' and 'analyze' (see AnalysisEngine)"
        )
    return engine

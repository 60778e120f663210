"""Analysis engines: what turns an uploaded video into a Guru analysis.

An engine is any object with a ``name`` and an ``analyze`` method (:class:`AnalysisEngine`). It returns
an :class:`~guru_form.models.Analysis` (which may carry a pose track) or the Guru analysis JSON
(``status`` ``"Complete"``, ``domain``, ``activity``, ``reps``), or raises
:class:`guru_form.errors.EngineError` (also importable from here as :data:`EngineFailure`; the
contract is documented on that class). Engines are chosen by name:

============  =================================================================================
``reference``  :class:`guru_form.server.reference.ReferenceEngine`: knows the sample videos by content
``pose``       ``guru_form.pose.engine:PoseEngine``: real pose analysis (the ``pose`` extra)
``auto``       ``pose`` when ``guru_form.pose`` and its runtime (LiteRT) are installed, else ``reference``
``pkg.mod:C``  any importable class whose constructor takes no required arguments
============  =================================================================================

The pose engine can analyse every n-th frame (:attr:`EngineSpec.stride`; 2 is about 1.7x faster,
per-rep numbers move by the spreads measured in docs/pose/repeatability.md). A custom engine may take a stride too: a ``stride`` keyword of
its constructor. The reference engine has none, and asking it for one is an error.

Engines run in the job runner's executor, possibly in another process or on a Dask worker, so they are
named by an :class:`EngineSpec` (picklable) and built there by :func:`load_engine`.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import numbers
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from guru_form.errors import EngineError, InvalidInputError, MissingDependencyError
from guru_form.models import Activity, Analysis, Domain

__all__ = [
    "ENGINE_NAMES",
    "AnalysisEngine",
    "EngineFailure",
    "EngineSpec",
    "check_engine_spec",
    "check_stride",
    "engine_label",
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
#: The pose engine's stride when none is given (every frame).
POSE_DEFAULT_STRIDE = 1


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
    ) -> Analysis | dict[str, Any]:
        """Analyse one readable video.

        Parameters
        ----------
        video_path
            The uploaded content (already checked to open and yield a frame).
        activity, domain, rep_count
            What the uploader declared; each may be None.

        Returns
        -------
        Analysis or dict
            A ``Complete`` :class:`~guru_form.models.Analysis` (its ``pose_track``, if any, is
            stored with the job), or Guru analysis JSON with ``status`` ``"Complete"``,
            ``domain``, ``activity`` and ``reps``. The job validates it once.

        Raises
        ------
        guru_form.errors.EngineError
            When the video cannot be analysed; its ``reason`` is shown to the user.
        """
        ...


def check_stride(stride: object) -> int | None:
    """Check a stride given by a user: None (the engine's default) or a whole number, 1 or more.

    Parameters
    ----------
    stride
        Analyse every ``stride``-th frame.

    Returns
    -------
    int or None
        The stride.

    Raises
    ------
    InvalidInputError
        For anything but None or a positive integer (``True``, ``2.0`` and ``"2"`` included; a
        numpy integer is taken as an int).

    Examples
    --------
    >>> check_stride(2)
    2
    >>> check_stride(None) is None
    True
    """
    if stride is None:
        return None
    if isinstance(stride, bool) or not isinstance(stride, numbers.Integral) or stride < 1:
        raise InvalidInputError(
            f"stride must be a whole number of frames, 1 or more (1 analyses every frame, 2 every "
            f"other frame), got {stride!r}"
        )
    return int(stride)


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
    stride
        Analyse every ``stride``-th frame: passed to the engine's constructor as ``stride=``. None
        means the engine's default; for the pose engine that is 1, and its spec says so (so
        ``EngineSpec("pose") == EngineSpec("pose", stride=1)``). The reference engine has no stride.

    Raises
    ------
    InvalidInputError
        For a stride that is not a positive int, or a stride for the reference engine.

    Examples
    --------
    >>> EngineSpec("pose", stride=2).stride
    2
    >>> EngineSpec("pose").stride
    1
    >>> EngineSpec("pose", stride=2).label
    'pose, stride 2'
    """

    name: str
    reference_dirs: tuple[str, ...] = ()
    stride: int | None = None

    def __post_init__(self) -> None:
        stride = check_stride(self.stride)
        if self.name == POSE and stride is None:
            stride = POSE_DEFAULT_STRIDE
        if self.name == REFERENCE and stride is not None:
            raise InvalidInputError(
                f"the {REFERENCE!r} analysis engine has no stride (it answers the sample videos "
                f"it knows); choose the {POSE!r} engine to analyse every n-th frame, or give no "
                f"stride"
            )
        object.__setattr__(self, "stride", stride)

    @property
    def import_path(self) -> str:
        """``module:attribute`` of the engine class."""
        return _BUILTIN_PATHS.get(self.name, self.name)

    @property
    def label(self) -> str:
        """The engine's name for messages, with its stride when that is not the default.

        Examples
        --------
        >>> EngineSpec("pose").label, EngineSpec("pose", stride=3).label
        ('pose', 'pose, stride 3')
        """
        return engine_label(self.name, self.stride)

    def to_json(self) -> dict[str, Any]:
        """The spec as a JSON object, as the job store records it with each upload.

        Examples
        --------
        >>> EngineSpec("pose", stride=2).to_json()
        {'name': 'pose', 'stride': 2, 'reference_dirs': []}
        """
        return {
            "name": self.name,
            "stride": self.stride,
            "reference_dirs": list(self.reference_dirs),
        }

    @classmethod
    def from_json(cls, d: Any) -> EngineSpec:
        """Rebuild a spec from :meth:`to_json`'s object.

        Raises
        ------
        InvalidInputError
            When ``d`` is not such an object: a missing or mistyped value, or a key this version
            of guru_form does not know (a spec written by a newer version, whose engine setting
            this one could not honour).

        Examples
        --------
        >>> EngineSpec.from_json({"name": "pose", "stride": 2, "reference_dirs": []}).label
        'pose, stride 2'
        """
        known = {"name", "stride", "reference_dirs"}
        if not isinstance(d, dict) or not isinstance(d.get("name"), str):
            raise InvalidInputError(f"not an engine spec (no engine name): {d!r}")
        unknown = sorted(set(d) - known)
        if unknown:
            raise InvalidInputError(
                f"engine spec {d!r} has settings this version of guru_form does not know "
                f"({', '.join(unknown)}); upgrade guru_form"
            )
        dirs = d.get("reference_dirs") or []
        if not isinstance(dirs, list) or not all(isinstance(x, str) for x in dirs):
            raise InvalidInputError(f"engine spec {d!r}: reference_dirs is not a list of folders")
        return cls(d["name"], tuple(dirs), stride=d.get("stride"))


def engine_label(name: str, stride: int | None) -> str:
    """``"pose"``, or ``"pose, stride 2"`` when the stride is not the engine's default.

    Examples
    --------
    >>> engine_label("pose", 1), engine_label("pose", 2), engine_label("reference", None)
    ('pose', 'pose, stride 2', 'reference')
    """
    default = POSE_DEFAULT_STRIDE if name == POSE else None
    return name if stride is None or stride == default else f"{name}, stride {stride}"


def pose_engine_available() -> bool:
    """True when ``guru_form.pose`` and its runtime, ``ai-edge-litert``, are installed.

    Checked without importing them.
    """
    return all(_module_exists(m) for m in ("guru_form.pose", "ai_edge_litert"))


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


def _engine_factory(spec: EngineSpec) -> Any:
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
    return factory


def _takes_stride(factory: Any) -> bool:
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):  # no signature to read: let the call decide
        return True
    return any(
        (p.name == "stride" and p.kind is not inspect.Parameter.POSITIONAL_ONLY)
        or p.kind is inspect.Parameter.VAR_KEYWORD
        for p in parameters
    )


def _no_stride_error(spec: EngineSpec) -> InvalidInputError:
    return InvalidInputError(
        f"analysis engine {spec.name!r} takes no stride (its constructor has no 'stride' "
        f"argument); give no stride, or use the {POSE!r} engine"
    )


def check_engine_spec(spec: EngineSpec) -> EngineSpec:
    """Check, where the server starts, that a custom engine takes the stride its spec gives.

    The built-in engines are checked by :class:`EngineSpec` itself; a custom engine is imported
    only when a stride is given, to read its constructor's signature.

    Returns
    -------
    EngineSpec
        ``spec``, unchanged.

    Raises
    ------
    InvalidInputError
        When the engine cannot be imported, or its constructor takes no ``stride``.
    MissingDependencyError
        When the pose engine is asked for but its extra is missing.
    """
    custom = spec.name not in _BUILTIN_PATHS
    if spec.stride is not None and custom and not _takes_stride(_engine_factory(spec)):
        raise _no_stride_error(spec)
    return spec


def load_engine(spec: EngineSpec) -> AnalysisEngine:
    """Build the engine a spec names (in the process that will run it).

    The reference engine gets the spec's folders; an engine gets ``stride=spec.stride`` when the
    spec has a stride (the pose engine always does).

    Raises
    ------
    MissingDependencyError
        When the pose engine is asked for but its extra is missing.
    InvalidInputError
        When a custom engine cannot be imported, takes no stride but was given one, or is not an
        :class:`AnalysisEngine`.
    """
    factory = _engine_factory(spec)
    if spec.name == REFERENCE:
        engine = factory(spec.reference_dirs or None)
    elif spec.stride is not None:
        if not _takes_stride(factory):
            raise _no_stride_error(spec)
        engine = factory(stride=spec.stride)
    else:
        engine = factory()
    if not isinstance(engine, AnalysisEngine):
        raise InvalidInputError(
            f"analysis engine {spec.name!r} has no 'name' and 'analyze' (see AnalysisEngine)"
        )
    return engine

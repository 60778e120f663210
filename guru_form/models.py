"""The data model shared by every part of guru_form.

Plain dataclasses and enums that mirror the Guru fitness API's JSON:

- :class:`Activity`, :class:`Domain`, :class:`Status` — the API's accepted strings (every activity
  the API lists today, in its six domains: :data:`ACTIVITY_DOMAINS`).
- :class:`Rep` — one repetition: start/mid/end timestamps (ms), ``analyses``
  (``analysisType`` -> ``analysisScalar``) and ``opinions`` (``analysisType`` ->
  ``analysisOpinion``, Guru's ``good``/``bad`` where it gives one).
- :class:`Analysis` — the result of ``GET /videos/{id}/analysis``.
- :class:`Video` — the result of ``GET /videos/{id}`` (with what ``include=`` asked for), and its
  :class:`Overlay` videos.
- :class:`UploadTarget` — the result of ``POST /videos`` (where and how to upload).

An activity or domain the API names that this version does not know (the list grows) is not an
error when read: :attr:`Analysis.activity` is then None, :attr:`Analysis.activity_text` keeps the
server's word, and an :class:`~guru_form.errors.UnknownActivityWarning` says so. Older answers
name the activity ``liftType`` (``"SQUAT"``); it is read as the activity.

Nothing here touches the network or draws.
"""

from __future__ import annotations

import html
import math
import os
import re
import warnings
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from guru_form.errors import InvalidInputError, SchemaError, UnknownActivityWarning

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ACTIVITY_DOMAINS",
    "EXTENSION_KEY",
    "REASON_DESCRIPTIONS",
    "RECOGNITION_FIELD",
    "UNSURE_FIELD",
    "Activity",
    "Analysis",
    "Domain",
    "Overlay",
    "Rep",
    "Status",
    "UploadTarget",
    "Video",
    "resolve_activity",
]


class _StrEnum(str, Enum):
    def __str__(self) -> str:
        return str(self.value)


class Domain(_StrEnum):
    """The category of exercise, as the API names it."""

    WEIGHTLIFTING = "weightlifting"
    CALISTHENICS = "calisthenics"
    MARTIAL_ARTS = "martial_arts"
    MOBILITY = "mobility"
    RUNNING = "running"
    YOGA = "yoga"


class Activity(_StrEnum):
    """The movement performed, as the API names it: every activity the API lists today.

    guru_form analyses locally the activities that have a profile in :mod:`guru_form.activities`
    (squat, deadlift, bench press, push-up); the hosted API analyses them all.

    Examples
    --------
    >>> Activity("squat").domain
    <Domain.WEIGHTLIFTING: 'weightlifting'>
    >>> Activity.SPRINT.domain
    <Domain.RUNNING: 'running'>
    """

    SQUAT = "squat"
    DEADLIFT = "deadlift"
    BENCH_PRESS = "bench_press"
    PUSH_UP = "push_up"
    CLEAN_AND_JERK = "clean_and_jerk"
    SNATCH = "snatch"
    BODYWEIGHT_SQUAT = "bodyweight_squat"
    BURPEE = "burpee"
    CHIN_UP = "chin_up"
    LUNGE = "lunge"
    SIT_UP = "sit_up"
    PUNCH = "punch"
    FRONT_KICK = "front_kick"
    KNEE_TO_CHEST = "knee_to_chest"
    SPRINT = "sprint"
    DOWNWARD_DOG = "downward_dog"

    @property
    def domain(self) -> Domain:
        """The domain this activity belongs to."""
        return ACTIVITY_DOMAINS[self]

    @property
    def lowers_first(self) -> bool:
        """Deprecated: ``guru_form.activities.get(activity).lowers_first``.

        True when a rep starts with the lowering (eccentric) phase. What an activity does is its
        profile's business (:mod:`guru_form.activities`); this property asks it, and raises
        :class:`~guru_form.errors.UnsupportedActivityError` for an activity without a profile.
        """
        from guru_form import activities
        from guru_form._deprecation import warn_moved

        warn_moved("Activity.lowers_first", "guru_form.activities.get(activity).lowers_first")
        return activities.get(self).lowers_first


ACTIVITY_DOMAINS: dict[Activity, Domain] = {
    Activity.SQUAT: Domain.WEIGHTLIFTING,
    Activity.DEADLIFT: Domain.WEIGHTLIFTING,
    Activity.BENCH_PRESS: Domain.WEIGHTLIFTING,
    Activity.PUSH_UP: Domain.CALISTHENICS,
    Activity.CLEAN_AND_JERK: Domain.WEIGHTLIFTING,
    Activity.SNATCH: Domain.WEIGHTLIFTING,
    Activity.BODYWEIGHT_SQUAT: Domain.CALISTHENICS,
    Activity.BURPEE: Domain.CALISTHENICS,
    Activity.CHIN_UP: Domain.CALISTHENICS,
    Activity.LUNGE: Domain.CALISTHENICS,
    Activity.SIT_UP: Domain.CALISTHENICS,
    Activity.PUNCH: Domain.MARTIAL_ARTS,
    Activity.FRONT_KICK: Domain.MARTIAL_ARTS,
    Activity.KNEE_TO_CHEST: Domain.MOBILITY,
    Activity.SPRINT: Domain.RUNNING,
    Activity.DOWNWARD_DOG: Domain.YOGA,
}

#: The key, in :attr:`Analysis.raw`, of what guru_form's local engine adds to the Guru schema:
#: which person was measured and why (``"person"``), which activity it recognised
#: (:data:`RECOGNITION_FIELD`) and the values it is unsure of (:data:`UNSURE_FIELD`).
EXTENSION_KEY = "x-guru-form"
#: The field of the extension listing, per rep in the order of ``reps``, the values the local
#: engine is unsure of (the pose was lost where they were taken, see
#: :mod:`guru_form.pose.unsure`) and why: ``[{"ELBOW_ANGLE_DEGREES": "the wrist hidden,
#: visibility 0.21"}, {}, ...]``. Read into :attr:`Rep.unsure`; absent when every value is sure
#: and from Guru's hosted API.
UNSURE_FIELD = "unsureMetrics"
#: The field of the extension saying which activity was recognised when a video was sent without
#: one, and how sure: ``{"activity": "squat", "confidence": 0.93}``.
RECOGNITION_FIELD = "recognizedActivity"

#: What the API's failure codes mean (``reason`` of a Failed analysis), in words.
REASON_DESCRIPTIONS: dict[str, str] = {
    "LOW_QUALITY_POSE_ESTIMATE": (
        "no confident estimate of the body's position through the video; film the whole body, "
        "in good light, with the camera still"
    ),
}


class Status(_StrEnum):
    """The status of an analysis.

    The API documents ``Pending``, ``Complete`` and ``Failed``. Any other status a server sends
    (say ``"Processing"``) is read as ``PENDING``: not final, so waiting goes on until the
    analysis completes, fails or the deadline passes. :attr:`Analysis.status_text` keeps the
    server's own word.
    """

    PENDING = "Pending"
    COMPLETE = "Complete"
    FAILED = "Failed"

    @property
    def is_final(self) -> bool:
        """True once the analysis will not change any more."""
        return self is not Status.PENDING


def _parse_enum(kind: type[_StrEnum], value: object, what: str) -> Any:
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        text = value.strip()
        for member in kind:
            if member.value.lower() == text.lower():
                return member
    accepted = ", ".join(repr(m.value) for m in kind)
    raise InvalidInputError(f"unknown {what} {value!r}; use one of {accepted}")


def resolve_activity(
    activity: Activity | str | None = None, domain: Domain | str | None = None
) -> tuple[Activity | None, Domain | None]:
    """Validate an activity/domain pair and fill in the domain from the activity.

    Parameters
    ----------
    activity, domain
        The API's strings (or enum members); either may be None.

    Returns
    -------
    tuple
        ``(activity, domain)`` as enum members; the domain follows from the activity when only
        the activity is given.

    Raises
    ------
    InvalidInputError
        For an unknown activity or domain, or an activity that is not in the given domain.

    Examples
    --------
    >>> resolve_activity("push_up")
    (<Activity.PUSH_UP: 'push_up'>, <Domain.CALISTHENICS: 'calisthenics'>)
    """
    act = None if activity is None else _parse_enum(Activity, activity, "activity")
    dom = None if domain is None else _parse_enum(Domain, domain, "domain")
    if act is not None:
        if dom is not None and act.domain is not dom:
            raise InvalidInputError(
                f"activity {act.value!r} belongs to domain {act.domain.value!r}, not {dom.value!r}; "
                f"drop the domain argument and it will be filled in"
            )
        dom = act.domain
    return act, dom


@dataclass
class Rep:
    """One repetition.

    Attributes
    ----------
    start_ms, mid_ms, end_ms
        Timestamps within the video in milliseconds. ``mid_ms`` is the turning point: the bottom
        for squat, bench press and push-up, the lockout for deadlift.
    analyses
        ``analysisType -> analysisScalar``, named exactly as the API names them
        (e.g. ``HIP_KNEE_ANGLE_DEGREES``). See :mod:`guru_form.analysis_types` for units.
    opinions
        ``analysisType -> analysisOpinion`` for the analyses Guru judged: ``"good"`` or
        ``"bad"``, its opinion of the rep on that metric. Empty when it gave none.
    confidence
        How sure the local pose engine is of this rep, 0 to 1 (``"confidence"`` in the JSON;
        None from the hosted API). See :mod:`guru_form.pose.confidence`.
    outlier
        Why this rep should be left out of set-level figures (velocity loss, averages), or None
        for a normal rep (``"outlier"`` in the JSON): ``"partial"`` (much shallower than the
        set's other reps) or ``"runs_into_next_movement"`` (the athlete's posture broke before
        the rep ended: kneeling up out of the last push-up, racking the bar). Set by the local
        pose engine; the rep is still counted.
    unsure
        ``analysisType -> why`` for the values the local pose engine cannot vouch for: the pose
        was lost on the frames they were taken from (a joint hidden, an angle no joint takes, a
        joint that jumped; see :mod:`guru_form.pose.unsure`). Kept in the analysis's guru_form
        extension (:data:`UNSURE_FIELD`), not in the rep's JSON object. Empty when every value
        is sure, and from the hosted API.
    """

    start_ms: int
    mid_ms: int
    end_ms: int
    analyses: dict[str, float] = field(default_factory=dict)
    opinions: dict[str, str] = field(default_factory=dict)
    confidence: float | None = None
    outlier: str | None = None
    unsure: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, d: dict[str, Any], *, where: str = "rep") -> Rep:
        """Build a rep from the API's JSON object (``startTimestampMs``, ..., ``analyses``).

        Parameters
        ----------
        d
            The rep's JSON object.
        where
            Its place in the enclosing JSON, for error messages (``"reps[2]"``).

        Raises
        ------
        SchemaError
            A timestamp is missing or not a number, an ``analysisScalar`` is not a number (null is
            allowed: it becomes NaN), or an ``analysisOpinion`` is not a string. The error names
            the field.
        """
        if not isinstance(d, dict):
            raise _schema_error(where, f"is {_shown(d)}, not a JSON object")
        items = d.get("analyses")
        if items is None:
            items = []
        if not isinstance(items, list):
            raise _schema_error(f"{where}.analyses", f"is {_shown(items)}, not a list")
        analyses: dict[str, float] = {}
        opinions: dict[str, str] = {}
        for j, item in enumerate(items):
            if not isinstance(item, dict):
                raise _schema_error(f"{where}.analyses[{j}]", f"is {_shown(item)}, not an object")
            name = item.get("analysisType")
            if name is None:
                continue
            analyses[str(name)] = _as_scalar(
                item.get("analysisScalar"), f"{where}.analyses[{j}].analysisScalar"
            )
            opinion = item.get("analysisOpinion")
            if opinion is not None:
                if not isinstance(opinion, str):
                    raise _schema_error(
                        f"{where}.analyses[{j}].analysisOpinion",
                        f"is {_shown(opinion)}, not a string ('good' or 'bad')",
                    )
                opinions[str(name)] = opinion.strip().lower()
        confidence = d.get("confidence")
        outlier = d.get("outlier")
        return cls(
            start_ms=_as_ms(d, "startTimestampMs", where),
            mid_ms=_as_ms(d, "midTimestampMs", where),
            end_ms=_as_ms(d, "endTimestampMs", where),
            analyses=analyses,
            opinions=opinions,
            confidence=None
            if confidence is None
            else _as_scalar(confidence, f"{where}.confidence"),
            outlier=None if outlier is None else str(outlier),
        )

    def to_json(self) -> dict[str, Any]:
        """The API's JSON object for this rep (with ``confidence``/``outlier`` when set)."""
        items: list[dict[str, Any]] = []
        for name, value in self.analyses.items():
            item: dict[str, Any] = {
                "analysisType": name,
                "analysisScalar": None if math.isnan(value) else value,
            }
            if name in self.opinions:
                item["analysisOpinion"] = self.opinions[name]
            items.append(item)
        d: dict[str, Any] = {
            "startTimestampMs": self.start_ms,
            "midTimestampMs": self.mid_ms,
            "endTimestampMs": self.end_ms,
            "analyses": items,
        }
        if self.confidence is not None:
            d["confidence"] = self.confidence
        if self.outlier is not None:
            d["outlier"] = self.outlier
        return d


_REP_PATH = re.compile(r"reps\[(\d+)\]")


def field_label(field: str) -> str:
    """A JSON path for messages, naming the rep 1-based as tables count them.

    Examples
    --------
    >>> field_label("reps[1].startTimestampMs")
    'rep 2 (reps[1].startTimestampMs)'
    """
    match = _REP_PATH.match(field)
    return f"rep {int(match.group(1)) + 1} ({field})" if match else field


def _schema_error(field: str, problem: str, what: str = "analysis") -> SchemaError:
    return SchemaError(
        f"malformed {what} JSON: {field_label(field)} {problem}", field=field, problem=problem
    )


def _shown(value: Any) -> str:
    if value is None or isinstance(value, (bool, int, float, str)):
        text = repr(value) if not isinstance(value, bool) else str(value).lower()
        return text if len(text) <= 40 else text[:37] + "..."
    return f"a {type(value).__name__}"


def _as_number(value: Any) -> float | None:
    """``value`` as a float if it is a JSON number (or a string holding one), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _as_ms(rep: dict[str, Any], key: str, where: str) -> int:
    field_path = f"{where}.{key}"
    if rep.get(key) is None:
        problem = "is missing" if key not in rep else "is null"
        raise _schema_error(
            field_path,
            f"{problem}; every rep needs startTimestampMs, midTimestampMs and endTimestampMs "
            "(milliseconds into the video)",
        )
    number = _as_number(rep[key])
    if number is None or not math.isfinite(number):
        raise _schema_error(field_path, f"is {_shown(rep[key])}, not a number of milliseconds")
    return round(number)


def _as_scalar(value: Any, field_path: str) -> float:
    if value is None:
        return math.nan
    number = _as_number(value)
    if number is None:
        raise _schema_error(field_path, f"is {_shown(value)}, not a number (or null)")
    return number


@dataclass
class Analysis:
    """The analysis of one video, as ``GET /videos/{id}/analysis`` returns it.

    Attributes
    ----------
    video_id
        The video's id (None for an analysis loaded from a bare JSON file without one).
    status
        ``Pending``, ``Complete`` or ``Failed``. A status the API does not document (say
        ``"Processing"``) counts as ``Pending``; :attr:`status_text` keeps the server's word.
    domain, activity
        As the server reported them (``activity``, or ``liftType`` in older answers). None if it
        did not, or if this version of guru_form does not know the name: then
        :attr:`activity_text` (and :attr:`raw`, and :meth:`save`) keep the server's word, and an
        :class:`~guru_form.errors.UnknownActivityWarning` says so.
    reps
        The reps, in the order the server sent them (a sprint's reps are its strides).
    raw
        The JSON exactly as received, fields guru_form does not model included (a sprint's
        ``runnerProgress`` and ``fieldMarkers``: see :mod:`guru_form.tables.sprint`).
    reason
        Why the analysis failed, in words, when the server said: its ``message``, else the
        meaning of its ``reason`` code (:data:`REASON_DESCRIPTIONS`), else its ``reason``,
        ``error`` or ``message`` text.
    pose_track
        The per-frame pose track (a :class:`guru_form.pose_track.PoseTrack`) when the analysis
        was made by the local pose engine, from a track with :func:`guru_form.pose.analyze_track`,
        or from the hosted API's joint data (``client.get_joint_data``); not part of the Guru
        JSON, saved beside it by :meth:`save`. Typed loosely here so that this module depends on
        nothing above it.
    reason_code
        The API's code for why the analysis failed (``"LOW_QUALITY_POSE_ESTIMATE"``), when its
        ``reason`` is one.
    warnings
        What the local pose engine says about the footage, in sentences for the user (the view
        was not side-on, a joint was hidden and the reps were counted from another signal, reps
        it is unsure of); ``"warnings"`` in the JSON. Empty from the hosted API.
    activity_confidence
        When the local pose engine recognised the activity (none was given): how sure it is,
        0 to 1 (``"activityConfidence"`` in the JSON). None otherwise.

    Examples
    --------
    >>> a = Analysis.from_json({"status": "Complete", "activity": "squat", "reps": []})
    >>> a.domain
    <Domain.WEIGHTLIFTING: 'weightlifting'>
    >>> Analysis.from_json({"status": "Complete", "liftType": "SQUAT"}).activity
    <Activity.SQUAT: 'squat'>
    >>> failed = Analysis.from_json({"status": "Failed", "reason": "LOW_QUALITY_POSE_ESTIMATE"})
    >>> failed.reason_code
    'LOW_QUALITY_POSE_ESTIMATE'
    """

    video_id: str | None
    status: Status
    domain: Domain | None = None
    activity: Activity | None = None
    reps: list[Rep] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    pose_track: Any = field(default=None, repr=False, compare=False)
    reason_code: str | None = None
    warnings: list[str] = field(default_factory=list)
    activity_confidence: float | None = None

    @classmethod
    def from_json(cls, d: dict[str, Any], video_id: str | None = None) -> Analysis:
        """Parse the API's analysis JSON.

        Parameters
        ----------
        d
            The decoded JSON object.
        video_id
            The video's id; defaults to a ``videoId`` or ``id`` key in ``d``.

        Raises
        ------
        SchemaError
            ``d`` breaks the API's schema: a rep without a timestamp, a value that is not a
            number, ``reps`` that is not a list... The message names the field (and the rep).
        """
        if not isinstance(d, dict):
            raise SchemaError(
                f"an analysis must be a JSON object, got {type(d).__name__}",
                field="",
                problem=f"is {_shown(d)}, not a JSON object",
            )
        status = _parse_status(d.get("status"))
        named = d.get("activity") if d.get("activity") is not None else d.get("liftType")
        activity, domain = _lenient_activity(named, d.get("domain"))
        vid = video_id if video_id is not None else d.get("videoId", d.get("id"))
        code, reason = _reason(d)
        return cls(
            video_id=None if vid is None else str(vid),
            status=status,
            domain=domain,
            activity=activity,
            reps=_with_unsure(_parse_reps(d.get("reps")), d.get(EXTENSION_KEY)),
            raw=d,
            reason=reason,
            reason_code=code,
            warnings=[str(w) for w in d.get("warnings") or [] if w is not None],
            activity_confidence=None
            if d.get("activityConfidence") is None
            else _as_scalar(d["activityConfidence"], "activityConfidence"),
        )

    def to_json(self) -> dict[str, Any]:
        """The analysis as Guru JSON (plus ``videoId``, and ``reason`` when known).

        A failure's code is its ``reason`` and its words its ``message``; without a code the
        words are the ``reason``.
        """
        d: dict[str, Any] = {"status": self.status.value}
        if self.video_id is not None:
            d["videoId"] = self.video_id
        d["domain"] = None if self.domain is None else self.domain.value
        d["activity"] = self.activity_text
        d["reps"] = [r.to_json() for r in self.reps]
        if self.reason_code is not None:
            d["reason"] = self.reason_code
            if self.reason is not None and self.reason != self.reason_code:
                d["message"] = self.reason
        elif self.reason is not None:
            d["reason"] = self.reason
        if self.warnings:
            d["warnings"] = list(self.warnings)
        if self.activity_confidence is not None:
            d["activityConfidence"] = self.activity_confidence
        extension = self.raw.get(EXTENSION_KEY)
        extension = dict(extension) if isinstance(extension, dict) else {}
        if any(r.unsure for r in self.reps):
            extension[UNSURE_FIELD] = [dict(r.unsure) for r in self.reps]
        else:
            extension.pop(UNSURE_FIELD, None)
        if extension:
            d[EXTENSION_KEY] = extension
        return d

    @property
    def recognized_activity(self) -> tuple[Activity | str, float | None] | None:
        """The activity the local engine recognised, and how sure (0..1, None if not said).

        Read from the extension (``raw["x-guru-form"]["recognizedActivity"]``); None when the
        analysis says nothing of recognition (an activity was given, or the hosted API).

        Examples
        --------
        >>> said = {"recognizedActivity": {"activity": "push_up", "confidence": 0.93}}
        >>> a = Analysis.from_json({"status": "Complete", "activity": "push_up", EXTENSION_KEY: said})
        >>> a.recognized_activity
        (<Activity.PUSH_UP: 'push_up'>, 0.93)
        """
        extension = self.raw.get(EXTENSION_KEY)
        said = extension.get(RECOGNITION_FIELD) if isinstance(extension, dict) else None
        if not isinstance(said, dict) or not isinstance(said.get("activity"), str):
            return None
        name: str = said["activity"]
        try:
            activity: Activity | str = Activity(name)
        except ValueError:
            activity = name
        confidence = said.get("confidence")
        if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
            return activity, self.activity_confidence
        sure = float(confidence)
        return activity, sure if math.isfinite(sure) else None

    @property
    def activity_text(self) -> str | None:
        """The activity as the server named it, also when guru_form does not know it.

        Examples
        --------
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     a = Analysis.from_json({"status": "Complete", "activity": "pull_up"})
        >>> a.activity, a.activity_text
        (None, 'pull_up')
        """
        if self.activity is not None:
            return self.activity.value
        sent = self.raw.get("activity")
        if sent is None:
            sent = self.raw.get("liftType")
        return sent.strip() if isinstance(sent, str) and sent.strip() else None

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the analysis as JSON; a pose track, if any, goes beside it as ``.pose.parquet``.

        The file keeps what the server sent (:attr:`raw`): fields this version of guru_form does
        not know, and values it could not read (an activity such as ``"lunge"`` is saved as
        ``"lunge"``, not null). ``videoId`` is added, and a field changed since parsing (say,
        reps removed) is written from the object. See :func:`guru_form.io.to_guru_json`.

        Returns
        -------
        Path
            The JSON file written.
        """
        from guru_form.io.guru_json import to_guru_json

        return to_guru_json(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Analysis:
        """Read an analysis written by :meth:`save` (or any file holding the API's JSON).

        The pose track beside it, if any, is attached. See :func:`guru_form.io.from_guru_json`.

        Raises
        ------
        InvalidInputError
            The file is missing or not JSON; :class:`~guru_form.errors.SchemaError` (a subclass)
            when its JSON breaks the API's schema (the message names the file and the field).
        """
        from guru_form.io.guru_json import from_guru_json

        return from_guru_json(path)

    def to_frame(self) -> pd.DataFrame:
        """The wide per-rep DataFrame; see :func:`guru_form.tables.reps_frame`."""
        from guru_form.tables import reps_frame

        return reps_frame(self)

    @property
    def rep_count(self) -> int:
        """Number of reps."""
        return len(self.reps)

    @property
    def status_text(self) -> str:
        """The status as the server worded it (e.g. ``"Processing"``, read as ``Pending``).

        Examples
        --------
        >>> a = Analysis.from_json({"status": "Processing"})
        >>> a.status, a.status_text
        (<Status.PENDING: 'Pending'>, 'Processing')
        """
        sent = self.raw.get("status")
        if isinstance(sent, str) and sent.strip() and _parse_status(sent) is self.status:
            return sent.strip()
        return self.status.value

    def _repr_html_(self) -> str:
        title = html.escape(
            f"Analysis {self.video_id or ''} · {self.activity_text or 'unknown activity'} · "
            f"{self.status_text} · {len(self.reps)} reps"
        )
        if self.reason:
            code = f" [{self.reason_code}]" if self.reason_code else ""
            title += "<br><em>" + html.escape(self.reason + code) + "</em>"
        if not self.reps:
            return f"<div><strong>{title}</strong></div>"
        names = sorted({k for r in self.reps for k in r.analyses})
        head = "".join(
            f"<th>{html.escape(n)}</th>" for n in ["rep", "start ms", "mid ms", "end ms"]
        )
        head += "".join(f"<th>{html.escape(n)}</th>" for n in names)
        rows = []
        for i, r in enumerate(self.reps, 1):
            cells = [str(i), str(r.start_ms), str(r.mid_ms), str(r.end_ms)]
            cells += [_cell(r, n) for n in names]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        return (
            f"<div><strong>{title}</strong><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )


def _cell(rep: Rep, name: str) -> str:
    """A scalar for the HTML table, with Guru's opinion of it when there is one."""
    if name not in rep.analyses:
        return ""
    opinion = rep.opinions.get(name)
    return f"{rep.analyses[name]:.1f}" + (f" ({html.escape(opinion)})" if opinion else "")


_REASON_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


def _reason(d: dict[str, Any]) -> tuple[str | None, str | None]:
    """``(code, words)`` of a failure: the API's code in ``reason``, the words in ``message``.

    Examples
    --------
    >>> _reason({"reason": "LOW_QUALITY_POSE_ESTIMATE", "message": "no person found"})
    ('LOW_QUALITY_POSE_ESTIMATE', 'no person found')
    >>> _reason({"reason": "the engine crashed"})
    (None, 'the engine crashed')
    """
    reason = d.get("reason")
    if isinstance(reason, str) and _REASON_CODE.fullmatch(reason.strip()):
        code = reason.strip()
        words = d.get("message") or REASON_DESCRIPTIONS.get(code) or code
        return code, str(words)
    words = reason or d.get("error") or d.get("message")
    return None, None if words is None else str(words)


def _parse_status(value: Any) -> Status:
    """The API's status string as a :class:`Status`; an undocumented one counts as pending."""
    if value is None:
        return Status.PENDING
    if not isinstance(value, str):
        raise _schema_error("status", f"is {_shown(value)}, not a string")
    text = value.strip().lower()
    for member in Status:
        if member.value.lower() == text:
            return member
    return Status.PENDING  # e.g. "Processing": not final, so keep waiting (up to the deadline)


def _with_unsure(reps: list[Rep], extension: Any) -> list[Rep]:
    """``reps`` with :attr:`Rep.unsure` read from the extension's :data:`UNSURE_FIELD`."""
    listed = extension.get(UNSURE_FIELD) if isinstance(extension, dict) else None
    if listed is None:
        return reps
    where = f"{EXTENSION_KEY}.{UNSURE_FIELD}"
    if not isinstance(listed, list) or len(listed) != len(reps):
        raise _schema_error(
            where,
            f"is {_shown(listed)}, not a list of one object per rep ({len(reps)} reps)",
        )
    for k, (rep, item) in enumerate(zip(reps, listed, strict=True)):
        if not isinstance(item, dict):
            raise _schema_error(f"{where}[{k}]", f"is {_shown(item)}, not an object")
        rep.unsure = {str(name): str(why) for name, why in item.items()}
    return reps


def _parse_reps(value: Any) -> list[Rep]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _schema_error("reps", f"is {_shown(value)}, not a list")
    return [Rep.from_json(r, where=f"reps[{i}]") for i, r in enumerate(value)]


def _lenient_activity(activity: Any, domain: Any) -> tuple[Activity | None, Domain | None]:
    """Parse what a server reported; an unknown name becomes None, with a warning, not an error."""
    act: Activity | None
    dom: Domain | None
    try:
        act = None if activity is None else _parse_enum(Activity, activity, "activity")
    except InvalidInputError:
        act = None
        warn_unknown("activity", activity, "read from the server")
    try:
        dom = None if domain is None else _parse_enum(Domain, domain, "domain")
    except InvalidInputError:
        dom = None
        warn_unknown("domain", domain, "read from the server")
    if dom is None and act is not None:
        dom = act.domain
    return act, dom


def warn_unknown(what: str, value: Any, where: str) -> None:
    """Warn that ``value`` is an activity (or domain) this version of guru_form does not know."""
    known = ", ".join(m.value for m in (Activity if what == "activity" else Domain))
    warnings.warn(
        f"{what} {value!r} ({where}) is not one guru_form knows ({known}); it is kept as it "
        f"is (the server decides what it means)",
        UnknownActivityWarning,
        stacklevel=3,
    )


@dataclass
class Overlay:
    """One overlay video of a video (``overlays`` of ``GET /videos/{id}``).

    Attributes
    ----------
    kind
        ``"skeleton"`` (the wireframe of the joints) or ``"all"`` (the wireframe, rep counting and
        the analytics).
    status
        ``"Pending"`` while it is being built, ``"Complete"`` once it can be downloaded (the server's
        word; the API documents only that there is one).
    uri
        Where to download it, once built. A hosted download URL is presigned (its query string is a
        credential): ``repr`` shows it without the query.
    """

    kind: str
    status: str | None = None
    uri: str | None = None

    @property
    def ready(self) -> bool:
        """True once it can be downloaded."""
        return self.uri is not None and (self.status or "").lower() in ("complete", "success")

    def __repr__(self) -> str:
        uri = None if self.uri is None else _strip_query(self.uri)
        return f"Overlay(kind={self.kind!r}, status={self.status!r}, uri={uri!r})"


@dataclass
class Video:
    """A video record, as ``GET /videos/{id}`` returns it.

    Attributes
    ----------
    id
        The video's id.
    status
        ``Pending`` until the content is uploaded, then ``Success``; ``Failed`` when its analysis
        failed (the API's words).
    uri
        Where the raw video can be downloaded, if the server says. A hosted download URL is
        presigned (its query string is a credential): ``repr`` shows it without the query.
    domain, activity, rep_count, source
        Metadata as last set by create or update, when the server reports it.
    raw
        The JSON exactly as received.
    reason, reason_code
        Why the analysis failed, when ``status`` is ``Failed`` (as :attr:`Analysis.reason` and
        :attr:`Analysis.reason_code`).
    fps
        The uploaded video's frame rate, when the server says.
    overlays
        The overlay videos the server has built or is building, by kind (``skeleton``, ``all``).
    analysis
        The analysis, when asked for with ``include=("analysis",)``.
    j2p
        The joint data (``GET /videos/{id}/j2p``'s answer), when asked for with
        ``include=("j2p",)``; :func:`guru_form.io.j2p.from_j2p` reads it as keypoints.
    objects
        The objects detected, with their bounding boxes, when asked for with
        ``include=("objects",)``.
    """

    id: str
    status: str | None = None
    uri: str | None = None
    domain: Domain | None = None
    activity: Activity | None = None
    rep_count: int | None = None
    source: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    reason: str | None = None
    reason_code: str | None = None
    fps: float | None = None
    overlays: dict[str, Overlay] = field(default_factory=dict)
    analysis: Analysis | None = field(default=None, repr=False)
    j2p: dict[str, Any] | None = field(default=None, repr=False)
    objects: list[Any] | None = field(default=None, repr=False)

    @classmethod
    def from_json(cls, d: dict[str, Any], video_id: str | None = None) -> Video:
        """Parse the API's video JSON.

        Raises
        ------
        SchemaError
            A field breaks the API's schema (``repCount`` not a whole number, ``fps`` not a
            number, ``overlays`` not an object, an included analysis that breaks its own); the
            message names it.
        """
        named = d.get("activity") if d.get("activity") is not None else d.get("liftType")
        activity, domain = _lenient_activity(named, d.get("domain"))
        rep_count = d.get("repCount")
        count = None if rep_count is None else _as_number(rep_count)
        if rep_count is not None and (count is None or not count.is_integer()):
            raise _schema_error("repCount", f"is {_shown(rep_count)}, not a whole number", "video")
        fps = None if d.get("fps") is None else _as_number(d["fps"])
        if d.get("fps") is not None and (fps is None or not math.isfinite(fps) or fps <= 0):
            raise _schema_error("fps", f"is {_shown(d['fps'])}, not a frame rate", "video")
        vid = str(video_id if video_id is not None else d.get("id", ""))
        code, reason = _reason(d)
        j2p = d.get("j2p")
        objects = d.get("objects")
        return cls(
            id=vid,
            status=d.get("status"),
            uri=d.get("uri"),
            domain=domain,
            activity=activity,
            rep_count=None if count is None else int(count),
            source=d.get("source"),
            raw=d,
            reason=reason,
            reason_code=code,
            fps=fps,
            overlays=_parse_overlays(d.get("overlays")),
            analysis=_included_analysis(d.get("analysis"), vid),
            j2p=j2p if isinstance(j2p, dict) else None,
            objects=objects if isinstance(objects, list) else None,
        )

    def __repr__(self) -> str:
        shown: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "uri": None if self.uri is None else _strip_query(self.uri),
            "domain": self.domain,
            "activity": self.activity,
            "rep_count": self.rep_count,
            "source": self.source,
        }
        if self.reason is not None:
            shown["reason"] = self.reason
        if self.fps is not None:
            shown["fps"] = self.fps
        if self.overlays:
            shown["overlays"] = list(self.overlays.values())
        return f"Video({', '.join(f'{k}={v!r}' for k, v in shown.items())})"


def _parse_overlays(value: Any) -> dict[str, Overlay]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _schema_error("overlays", f"is {_shown(value)}, not an object", "video")
    overlays: dict[str, Overlay] = {}
    for kind, item in value.items():
        if not isinstance(item, dict):
            raise _schema_error(f"overlays.{kind}", f"is {_shown(item)}, not an object", "video")
        status, uri = item.get("status"), item.get("uri")
        overlays[str(kind)] = Overlay(
            str(kind),
            None if status is None else str(status),
            None if uri is None else str(uri),
        )
    return overlays


def _included_analysis(value: Any, video_id: str) -> Analysis | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _schema_error("analysis", f"is {_shown(value)}, not an object", "video")
    try:
        return Analysis.from_json(value, video_id=video_id)
    except SchemaError as exc:
        field_path = f"analysis.{exc.field}" if exc.field else "analysis"
        raise _schema_error(field_path, exc.problem, "video") from None


@dataclass
class UploadTarget:
    """Where and how to upload a video's content (the answer to ``POST /videos``).

    The signing ``fields`` are credentials for the upload: they are hidden from ``repr``.

    Attributes
    ----------
    id
        The new video's id.
    url
        The presigned upload URL (``multipart/form-data`` POST).
    fields
        Form fields to send before the file, in this order.
    """

    id: str
    url: str
    fields: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> UploadTarget:
        """Parse the API's create-video answer."""
        return cls(
            id=str(d["id"]),
            url=str(d["url"]),
            fields={str(k): str(v) for k, v in (d.get("fields") or {}).items()},
        )

    def __repr__(self) -> str:
        return f"UploadTarget(id={self.id!r}, url={_strip_query(self.url)!r}, fields=<{len(self.fields)} hidden>)"


def _strip_query(url: str) -> str:
    """The URL without query, fragment or user info (where presigned URLs keep credentials)."""
    parts = urlsplit(str(url))
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))

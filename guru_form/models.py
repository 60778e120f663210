"""The data model shared by every part of guru_form.

Plain dataclasses and enums that mirror the Guru fitness API's JSON:

- :class:`Activity`, :class:`Domain`, :class:`Status` — the API's accepted strings.
- :class:`Rep` — one repetition: start/mid/end timestamps (ms) and ``analyses``
  (``analysisType`` -> ``analysisScalar``).
- :class:`Analysis` — the result of ``GET /videos/{id}/analysis``.
- :class:`Video` — the result of ``GET /videos/{id}``.
- :class:`UploadTarget` — the result of ``POST /videos`` (where and how to upload).

Nothing here touches the network or draws.
"""

from __future__ import annotations

import html
import math
import os
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from guru_form.errors import InvalidInputError, SchemaError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ACTIVITY_DOMAINS",
    "Activity",
    "Analysis",
    "Domain",
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


class Activity(_StrEnum):
    """The movement performed, as the API names it.

    Examples
    --------
    >>> Activity("squat").domain
    <Domain.WEIGHTLIFTING: 'weightlifting'>
    """

    SQUAT = "squat"
    DEADLIFT = "deadlift"
    BENCH_PRESS = "bench_press"
    PUSH_UP = "push_up"
    BODYWEIGHT_SQUAT = "bodyweight_squat"  # SCRATCH: until wip/guru-api's enum is in main
    LUNGE = "lunge"  # SCRATCH: until wip/guru-api's enum is in main

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
    Activity.BODYWEIGHT_SQUAT: Domain.CALISTHENICS,  # SCRATCH
    Activity.LUNGE: Domain.CALISTHENICS,  # SCRATCH
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
    """

    start_ms: int
    mid_ms: int
    end_ms: int
    analyses: dict[str, float] = field(default_factory=dict)

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
            A timestamp is missing or not a number, or an ``analysisScalar`` is not a number
            (null is allowed: it becomes NaN). The error names the field.
        """
        if not isinstance(d, dict):
            raise _schema_error(where, f"is {_shown(d)}, not a JSON object")
        items = d.get("analyses")
        if items is None:
            items = []
        if not isinstance(items, list):
            raise _schema_error(f"{where}.analyses", f"is {_shown(items)}, not a list")
        analyses: dict[str, float] = {}
        for j, item in enumerate(items):
            if not isinstance(item, dict):
                raise _schema_error(f"{where}.analyses[{j}]", f"is {_shown(item)}, not an object")
            name = item.get("analysisType")
            if name is None:
                continue
            analyses[str(name)] = _as_scalar(
                item.get("analysisScalar"), f"{where}.analyses[{j}].analysisScalar"
            )
        return cls(
            start_ms=_as_ms(d, "startTimestampMs", where),
            mid_ms=_as_ms(d, "midTimestampMs", where),
            end_ms=_as_ms(d, "endTimestampMs", where),
            analyses=analyses,
        )

    def to_json(self) -> dict[str, Any]:
        """The API's JSON object for this rep."""
        return {
            "startTimestampMs": self.start_ms,
            "midTimestampMs": self.mid_ms,
            "endTimestampMs": self.end_ms,
            "analyses": [
                {"analysisType": k, "analysisScalar": None if math.isnan(v) else v}
                for k, v in self.analyses.items()
            ],
        }


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
        As the server reported them (None if it did not, or if this version of guru_form does
        not know the name; :attr:`raw` and :meth:`save` keep the server's string).
    reps
        The reps, in the order the server sent them.
    raw
        The JSON exactly as received.
    reason
        Why the analysis failed, when the server said (``reason``, ``error`` or ``message``).
    pose_track
        The per-frame pose track (a :class:`guru_form.pose_track.PoseTrack`) when the analysis
        was made by the local pose engine, or from a track with :func:`guru_form.pose.analyze_track`;
        not part of the Guru JSON, saved beside it by :meth:`save`. Typed loosely here so that
        this module depends on nothing above it.

    Examples
    --------
    >>> a = Analysis.from_json({"status": "Complete", "activity": "squat", "reps": []})
    >>> a.domain
    <Domain.WEIGHTLIFTING: 'weightlifting'>
    """

    video_id: str | None
    status: Status
    domain: Domain | None = None
    activity: Activity | None = None
    reps: list[Rep] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    pose_track: Any = field(default=None, repr=False, compare=False)

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
        activity, domain = _lenient_activity(d.get("activity"), d.get("domain"))
        vid = video_id if video_id is not None else d.get("videoId", d.get("id"))
        reason = d.get("reason") or d.get("error") or d.get("message")
        return cls(
            video_id=None if vid is None else str(vid),
            status=status,
            domain=domain,
            activity=activity,
            reps=_parse_reps(d.get("reps")),
            raw=d,
            reason=None if reason is None else str(reason),
        )

    def to_json(self) -> dict[str, Any]:
        """The analysis as Guru JSON (plus ``videoId`` and ``reason`` when known)."""
        d: dict[str, Any] = {"status": self.status.value}
        if self.video_id is not None:
            d["videoId"] = self.video_id
        d["domain"] = None if self.domain is None else self.domain.value
        d["activity"] = None if self.activity is None else self.activity.value
        d["reps"] = [r.to_json() for r in self.reps]
        if self.reason is not None:
            d["reason"] = self.reason
        return d

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
            f"Analysis {self.video_id or ''} · {self.activity or 'unknown activity'} · "
            f"{self.status_text} · {len(self.reps)} reps"
        )
        if self.reason:
            title += "<br><em>" + html.escape(self.reason) + "</em>"
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
            cells += [f"{r.analyses[n]:.1f}" if n in r.analyses else "" for n in names]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        return (
            f"<div><strong>{title}</strong><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )


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


def _parse_reps(value: Any) -> list[Rep]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _schema_error("reps", f"is {_shown(value)}, not a list")
    return [Rep.from_json(r, where=f"reps[{i}]") for i, r in enumerate(value)]


def _lenient_activity(activity: Any, domain: Any) -> tuple[Activity | None, Domain | None]:
    """Parse what a server reported; unknown strings become None rather than failing the parse."""
    act: Activity | None
    dom: Domain | None
    try:
        act = None if activity is None else _parse_enum(Activity, activity, "activity")
    except InvalidInputError:
        act = None
    try:
        dom = None if domain is None else _parse_enum(Domain, domain, "domain")
    except InvalidInputError:
        dom = None
    if dom is None and act is not None:
        dom = act.domain
    return act, dom


@dataclass
class Video:
    """A video record, as ``GET /videos/{id}`` returns it.

    Attributes
    ----------
    id
        The video's id.
    status
        ``Pending`` until the content is uploaded, then ``Success`` (the API's word).
    uri
        Where the raw video can be downloaded, if the server says. A hosted download URL is
        presigned (its query string is a credential): ``repr`` shows it without the query.
    domain, activity, rep_count, source
        Metadata as last set by create or update, when the server reports it.
    raw
        The JSON exactly as received.
    """

    id: str
    status: str | None = None
    uri: str | None = None
    domain: Domain | None = None
    activity: Activity | None = None
    rep_count: int | None = None
    source: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, d: dict[str, Any], video_id: str | None = None) -> Video:
        """Parse the API's video JSON."""
        activity, domain = _lenient_activity(d.get("activity"), d.get("domain"))
        rep_count = d.get("repCount")
        count = None if rep_count is None else _as_number(rep_count)
        if rep_count is not None and (count is None or not count.is_integer()):
            raise _schema_error("repCount", f"is {_shown(rep_count)}, not a whole number", "video")
        return cls(
            id=str(video_id if video_id is not None else d.get("id", "")),
            status=d.get("status"),
            uri=d.get("uri"),
            domain=domain,
            activity=activity,
            rep_count=None if count is None else int(count),
            source=d.get("source"),
            raw=d,
        )

    def __repr__(self) -> str:
        shown = {
            "id": self.id,
            "status": self.status,
            "uri": None if self.uri is None else _strip_query(self.uri),
            "domain": self.domain,
            "activity": self.activity,
            "rep_count": self.rep_count,
            "source": self.source,
        }
        return f"Video({', '.join(f'{k}={v!r}' for k, v in shown.items())})"


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

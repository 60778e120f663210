"""Every error guru_form raises, in one hierarchy.

Catch :class:`GuruError` to handle anything the package raises on purpose::

    GuruError
    ├── InvalidInputError (also ValueError)       bad input, rejected before any network call
    │   ├── InvalidVideoError                     missing, empty or unreadable video file
    │   ├── TimestampOutOfRangeError              a rep timestamp lies outside the video
    │   ├── SchemaError                           Guru JSON that breaks the API's schema
    │   └── UnsupportedActivityError              local analysis of an activity without a profile
    ├── MissingCredentialsError                   a call needs credentials that were not given
    ├── ReadOnlyCredentialsError                  a write through read-only credentials
    ├── MissingDependencyError (also ImportError)  an optional extra is not installed
    ├── APIConnectionError                        the server could not be reached / connection dropped
    │   └── APITimeoutError                       the request timed out
    ├── APIError                                  an error status, or an answer that breaks the schema
    │   ├── AuthenticationError                   401, or an OAuth token error
    │   ├── PermissionDeniedError                 403
    │   ├── NotFoundError                         404
    │   ├── ValidationError                       400/422 with per-field messages
    │   ├── RateLimitError                        429 (``retry_after`` in seconds, if given)
    │   ├── ServerError                           5xx
    │   ├── HelpSpotError                         HelpSpot ``<errors>`` replies, whatever the status
    │   └── MalformedResponseError                a success answer that breaks the API's schema
    ├── AnalysisFailedError                       the analysis ended ``Failed``
    ├── AnalysisTimeoutError                      the analysis did not finish before the deadline
    └── EngineError                               an analysis engine could not analyse a video

Warnings (:class:`GuruWarning`, a ``UserWarning``): :class:`UnknownActivityWarning` when an
activity or domain guru_form does not know is passed through to the server or read from it.

Messages say what happened and what to do next. They never contain secrets: client secrets, access
tokens, API keys and upload signing fields are kept out of every message and ``repr``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from guru_form._install import install_command

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AnalysisFailedError",
    "AnalysisTimeoutError",
    "AuthenticationError",
    "EngineError",
    "GuruError",
    "GuruWarning",
    "HelpSpotError",
    "InvalidInputError",
    "InvalidVideoError",
    "MalformedResponseError",
    "MissingCredentialsError",
    "MissingDependencyError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReadOnlyCredentialsError",
    "SchemaError",
    "ServerError",
    "TimestampOutOfRangeError",
    "UnknownActivityWarning",
    "UnsupportedActivityError",
    "ValidationError",
]


class GuruError(Exception):
    """Base class of every error raised on purpose by guru_form."""


class GuruWarning(UserWarning):
    """Base class of every warning guru_form gives."""


class UnknownActivityWarning(GuruWarning):
    """An activity (or domain) guru_form does not know was sent to a server, or read from one.

    The API lists activities beyond those guru_form knows as it grows; such a name is passed
    through as it is (the server decides) rather than refused.
    """


class InvalidInputError(GuruError, ValueError):
    """An argument is invalid; raised before anything is sent over the network."""


class InvalidVideoError(InvalidInputError):
    """A video file is missing, empty, or cannot be opened as a video.

    Parameters
    ----------
    path
        The offending path.
    reason
        What is wrong with it, in words a user can act on.
    """

    def __init__(self, path: object, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class TimestampOutOfRangeError(InvalidInputError):
    """A requested timestamp lies outside the video (for example an analysis of another video)."""


class SchemaError(InvalidInputError):
    """JSON in the Guru API's format (an analysis, a video record) does not follow its schema.

    Raised when parsing, e.g. by :meth:`guru_form.Analysis.from_json` for a rep without
    timestamps. The client reports a server's malformed answer as :class:`MalformedResponseError`.

    Attributes
    ----------
    field
        Where, as a path into the JSON, e.g. ``"reps[1].startTimestampMs"``.
    problem
        What is wrong with it, e.g. ``"is missing"`` or ``"is 'n/a', not a number"``.
    """

    def __init__(self, message: str, *, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(message)


class UnsupportedActivityError(InvalidInputError):
    """Local analysis was asked for an activity that has no profile in :mod:`guru_form.activities`.

    The Guru API analyses more activities than guru_form's own pose engine does. The hosted API
    accepts any of them; the local engine, the rep finder and everything that needs to know how an
    exercise moves (its phase order, its rep signal, its default targets) need the activity's
    profile.

    Parameters
    ----------
    activity
        The activity asked for (its API name).
    supported
        The API names of the activities that have a profile.

    Attributes
    ----------
    activity, supported
        As given.
    """

    def __init__(self, activity: str, supported: Sequence[str]) -> None:
        self.activity = activity
        self.supported = tuple(supported)
        names = ", ".join(self.supported) or "none"
        super().__init__(
            f"guru_form's local analysis does not know how to analyse {activity!r}: it has no "
            f"profile in guru_form.activities (profiles: {names}). Analyse it with the hosted "
            f"Guru API, or add a profile (ARCHITECTURE.md, 'How to add an activity')"
        )


class MissingCredentialsError(GuruError):
    """A call needs credentials that were not given."""


class ReadOnlyCredentialsError(GuruError):
    """A write was attempted with credentials that can only read."""


class MissingDependencyError(GuruError, ImportError):
    """An optional part of guru_form is needed but its extra is not installed.

    Parameters
    ----------
    feature
        What the user tried to do, e.g. ``"local pose analysis"``.
    extra
        The extra that provides it, e.g. ``"pose"``.
    reason
        What exactly is missing and how to install it, when it is not the extra's Python packages
        (e.g. a system library the extra needs).
    """

    def __init__(self, feature: str, extra: str, *, reason: str | None = None) -> None:
        self.feature = feature
        self.extra = extra
        self.reason = reason
        super().__init__(
            f"the optional '{extra}' extra is needed for {feature}; install it with: "
            f"{install_command(extra)}"
            if reason is None
            else f"{feature}: {reason}"
        )


class APIConnectionError(GuruError):
    """The server could not be reached, or the connection dropped before a full answer arrived."""


class APITimeoutError(APIConnectionError):
    """A request took longer than the configured timeout."""


class APIError(GuruError):
    """The server answered with an error status (or, :class:`MalformedResponseError`, with an
    answer that breaks the API's schema).

    Attributes
    ----------
    status_code
        The HTTP status code.
    body
        The decoded JSON body, or the text if it was not JSON, or ``None``.
    request_id
        The server's request id (``x-request-id`` and similar headers), if it sent one.
    method, url
        The request that failed; the URL never carries credentials.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: Any = None,
        request_id: str | None = None,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        self.message = message
        self.status_code = status_code
        self.body = body
        self.request_id = request_id
        self.method = method
        self.url = url
        super().__init__(message)

    def __str__(self) -> str:
        where = f" ({self.method} {self.url})" if self.method and self.url else ""
        rid = f" [request id {self.request_id}]" if self.request_id else ""
        return f"{self.status_code}: {self.message}{where}{rid}"


class AuthenticationError(APIError):
    """401, or the token endpoint refused the credentials (its ``error_description`` is kept)."""


class PermissionDeniedError(APIError):
    """403: the credentials are valid but may not do this."""


class NotFoundError(APIError):
    """404: no such resource (check the id)."""


class ValidationError(APIError):
    """The server rejected the request's fields.

    Attributes
    ----------
    field_errors
        ``{field: [message, ...]}`` as the server sent them.
    """

    def __init__(
        self,
        message: str,
        *,
        field_errors: Mapping[str, Sequence[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        self.field_errors = {k: list(v) for k, v in (field_errors or {}).items()}
        super().__init__(message, **kwargs)


class RateLimitError(APIError):
    """429: too many requests. ``retry_after`` is the server's requested wait in seconds, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(APIError):
    """5xx: the server failed; the request may succeed if tried again later."""


class HelpSpotError(APIError):
    """HelpSpot answered with one or more ``<error>`` elements.

    Attributes
    ----------
    errors
        Every ``(id, description)`` pair the server sent, in order.
    """

    def __init__(
        self, message: str, *, errors: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        self.errors = list(errors)
        super().__init__(message, **kwargs)


class MalformedResponseError(APIError):
    """The server answered with success, but its JSON does not follow the API's schema.

    This is the server's fault, not the caller's: the message names the field that is wrong
    (e.g. ``reps[1].startTimestampMs``). Trying again later may help; if it persists, report it
    to whoever runs the server (or check that ``base_url`` is the Guru API).

    Attributes
    ----------
    field, problem
        As for :class:`SchemaError`, when one field is to blame (else None).
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        problem: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.field = field
        self.problem = problem
        super().__init__(message, **kwargs)


class AnalysisFailedError(GuruError):
    """The analysis of a video ended with status ``Failed``.

    Attributes
    ----------
    video_id
        The video whose analysis failed.
    reason
        Why, in words, if the server said.
    reason_code
        The API's code for why (e.g. ``"LOW_QUALITY_POSE_ESTIMATE"``), if the server gave one.
    """

    def __init__(
        self, video_id: str, reason: str | None = None, reason_code: str | None = None
    ) -> None:
        self.video_id = video_id
        self.reason = reason
        self.reason_code = reason_code
        why = f": {reason}" if reason else " (the server gave no reason)"
        if reason_code and reason_code != reason:
            why += f" [{reason_code}]"
        super().__init__(f"analysis of video {video_id} failed{why}")


class AnalysisTimeoutError(GuruError):
    """The analysis did not finish before the deadline.

    The video is uploaded and the analysis may still finish: call
    ``client.wait_for_analysis(error.video_id)`` later to collect it.

    Attributes
    ----------
    video_id
        The video.
    waited_s
        How long the client waited, in seconds.
    status
        The last status the server gave, as it worded it (e.g. ``"Processing"``), if known.
    """

    def __init__(self, video_id: str, waited_s: float, status: str | None = None) -> None:
        self.video_id = video_id
        self.waited_s = waited_s
        self.status = status
        said = f" (the server said {status!r})" if status and status != "Pending" else ""
        super().__init__(
            f"analysis of video {video_id} was still pending{said} after {waited_s:.0f} s; "
            f"call wait_for_analysis({video_id!r}) later to collect it"
        )


class EngineError(GuruError):
    """An analysis engine could not analyse a video: the one way an engine reports a failure.

    This is the contract of every analysis engine (the local server's, the pose engine,
    a custom ``package.module:Class``): when a video cannot be analysed, ``analyze`` raises
    ``EngineError(reason)``, and the analysis ends ``Failed`` with that ``reason``. Any other
    exception an engine raises is treated as a crash: the analysis still ends ``Failed``, with a
    reason that names the exception. ``guru_form.server.engines.EngineFailure`` is this same
    class, under the name engines written for the server used first.

    Parameters
    ----------
    reason
        A sentence written for the user that says what to do next (for example "a person was
        found on only 3 of 120 frames; film the whole body from the side").

    code
        The API's code for the failure, when it has one (``"LOW_QUALITY_POSE_ESTIMATE"``: no
        confident pose, or the activity could not be told); the ``Failed`` analysis then carries
        the code as ``reason`` and the sentence as ``message``.

    Attributes
    ----------
    reason
        The same sentence; the ``reason`` of the ``Failed`` analysis (its ``message`` when there
        is a code).
    code
        As given.
    """

    def __init__(self, reason: str, *, code: str | None = None) -> None:
        self.reason = reason
        self.code = code
        super().__init__(reason)

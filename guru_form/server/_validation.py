"""Validation of request bodies: JSON that parses safely, and create/update fields that fit the API.

Bodies are checked before anything is stored: JSON must be UTF-8, at most :data:`MAX_JSON_DEPTH`
levels deep (checked before it is parsed, so a deeply nested body never reaches the recursive
parser) and free of lone surrogates (text SQLite and the JSON answers could not encode); numbers
must lie in the API's ranges (SQLite holds 64-bit integers); text must be valid Unicode.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from guru_form.errors import InvalidInputError
from guru_form.models import resolve_activity

CREATE_FIELDS = ("filename", "size", "source", "domain", "activity", "repCount")
UPDATE_FIELDS = ("repCount", "domain", "activity")
MAX_REP_COUNT = 10_000
MAX_JSON_DEPTH = 32
_MAX_TEXT = 255
# A JSON string (skipped whole; an unterminated one runs to the end, so no input makes the search
# backtrack), or one bracket: enough to measure nesting without parsing.
_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)


class BodyError(Exception):
    """A request body cannot be read as JSON; the message says why (safe to show)."""


def parse_json(raw: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """The JSON value of a request body.

    Parameters
    ----------
    raw
        The body (its size is bounded before it is read).
    max_depth
        The deepest nesting of arrays and objects accepted.

    Raises
    ------
    BodyError
        When the body is not UTF-8, nests deeper than ``max_depth``, is not JSON, or holds a
        lone surrogate (``"\\ud800"``).

    Examples
    --------
    >>> parse_json(b'{"size": 10}')
    {'size': 10}
    >>> parse_json(b"[" * 40 + b"]" * 40)
    Traceback (most recent call last):
    ...
    guru_form.server._validation.BodyError: the JSON body is nested more than 32 levels deep
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("the body must be JSON encoded as UTF-8") from None
    depth = 0
    for match in _JSON_NESTING.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                raise BodyError(f"the JSON body is nested more than {max_depth} levels deep")
        elif token in "]}":
            depth -= 1
    try:
        value = json.loads(text)
    except ValueError as exc:  # JSONDecodeError, or an integer of more than 4300 digits
        raise BodyError(f"the body is not valid JSON ({exc})") from None
    if _has_lone_surrogate(value):
        raise BodyError(
            "the JSON body holds a lone surrogate (such as \\ud800), which is not text; "
            "send valid Unicode"
        )
    return value


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return not _is_unicode(value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class FieldError(Exception):
    """A request field is invalid; ``field`` names it in the API's spelling."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def _reject_unknown(body: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise FieldError(
            unknown[0],
            f"unknown field(s) {', '.join(map(repr, unknown))}; the accepted fields are "
            f"{', '.join(allowed)}",
        )


def _whole_number(body: Mapping[str, Any], name: str, minimum: int, maximum: int) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(name, f"must be a whole number, not {_shown(value)}")
    if value < minimum:
        raise FieldError(name, f"must be at least {minimum}, not {_shown(value)}")
    if value > maximum:
        raise FieldError(name, f"must be at most {maximum}, not {_shown(value)}")
    return value


def _shown(value: Any) -> str:
    """``repr(value)``, shortened to fit in a message."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}...({len(text)} characters)"


def _text(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        raise FieldError(name, f"must be a non-empty string, not {_shown(value)}")
    if not _is_unicode(value):
        raise FieldError(name, "must be valid Unicode text (it holds a lone surrogate)")
    if len(value) > _MAX_TEXT:
        raise FieldError(name, f"must be at most {_MAX_TEXT} characters long")
    return value


def _activity_and_domain(
    activity: Any, domain: Any, current_activity: str | None = None
) -> tuple[str | None, str | None]:
    for name, value in (("activity", activity), ("domain", domain)):
        if value is not None and not isinstance(value, str):
            raise FieldError(name, f"must be a string, not {_shown(value)}")
    try:
        resolve_activity(activity, None)
    except InvalidInputError as exc:
        raise FieldError("activity", str(exc)) from exc
    try:
        resolve_activity(None, domain)
        act, dom = resolve_activity(activity or current_activity, domain)
    except InvalidInputError as exc:
        raise FieldError("domain", str(exc)) from exc
    return (None if act is None else act.value), (None if dom is None else dom.value)


def validate_create(body: Any, max_size: int) -> dict[str, Any]:
    """The columns of a new video from a ``POST /videos`` body.

    Raises
    ------
    FieldError
        Naming the first invalid field.
    """
    if not isinstance(body, dict):
        raise FieldError("body", "must be a JSON object")
    _reject_unknown(body, CREATE_FIELDS)
    filename = _text(body, "filename")
    if filename is None:
        raise FieldError("filename", "is required: the video file's name, with its extension")
    if body.get("size") is None:
        raise FieldError("size", "is required: the video file's size in bytes")
    if isinstance(body["size"], int) and body["size"] > max_size:
        raise FieldError(
            "size", f"{_shown(body['size'])} bytes is more than this server accepts ({max_size})"
        )
    size = _whole_number(body, "size", 1, max_size)
    assert size is not None
    activity, domain = _activity_and_domain(body.get("activity"), body.get("domain"))
    return {
        "filename": filename,
        "size": size,
        "source": _text(body, "source"),
        "activity": activity,
        "domain": domain,
        "rep_count": _whole_number(body, "repCount", 0, MAX_REP_COUNT),
    }


def validate_update(body: Any, current_activity: str | None) -> dict[str, Any]:
    """The columns a ``PUT /videos/{id}`` body changes (only the fields it gives).

    An activity also sets its domain; a domain alone must agree with the stored activity. An
    explicit ``null`` clears a field.
    """
    if not isinstance(body, dict):
        raise FieldError("body", "must be a JSON object")
    _reject_unknown(body, UPDATE_FIELDS)
    changes: dict[str, Any] = {}
    if "repCount" in body:
        changes["rep_count"] = _whole_number(body, "repCount", 0, MAX_REP_COUNT)
    if "activity" in body or "domain" in body:
        activity, domain = _activity_and_domain(
            body.get("activity"),
            body.get("domain"),
            None if "activity" in body else current_activity,
        )
        if "activity" in body:
            changes["activity"] = activity
            if activity is not None:
                changes["domain"] = domain
        if "domain" in body:
            changes["domain"] = domain
    return changes

"""Validation of create-video and update-video bodies, with errors that name the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guru_form.errors import InvalidInputError
from guru_form.models import resolve_activity

CREATE_FIELDS = ("filename", "size", "source", "domain", "activity", "repCount")
UPDATE_FIELDS = ("repCount", "domain", "activity")
_MAX_TEXT = 255


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


def _whole_number(body: Mapping[str, Any], name: str, minimum: int) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(name, f"must be a whole number, not {value!r}")
    if value < minimum:
        raise FieldError(name, f"must be at least {minimum}, not {value}")
    return value


def _text(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        raise FieldError(name, f"must be a non-empty string, not {value!r}")
    if len(value) > _MAX_TEXT:
        raise FieldError(name, f"must be at most {_MAX_TEXT} characters long")
    return value


def _activity_and_domain(
    activity: Any, domain: Any, current_activity: str | None = None
) -> tuple[str | None, str | None]:
    for name, value in (("activity", activity), ("domain", domain)):
        if value is not None and not isinstance(value, str):
            raise FieldError(name, f"must be a string, not {value!r}")
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
    size = _whole_number(body, "size", 1)
    assert size is not None
    if size > max_size:
        raise FieldError("size", f"{size} bytes is more than this server accepts ({max_size})")
    activity, domain = _activity_and_domain(body.get("activity"), body.get("domain"))
    return {
        "filename": filename,
        "size": size,
        "source": _text(body, "source"),
        "activity": activity,
        "domain": domain,
        "rep_count": _whole_number(body, "repCount", 0),
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
        changes["rep_count"] = _whole_number(body, "repCount", 0)
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

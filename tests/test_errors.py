"""The error hierarchy: classes, attributes and messages."""

from __future__ import annotations

import pytest

from guru_form import errors as E  # noqa: N812
from guru_form._install import install_command


def test_every_error_is_a_guru_error() -> None:
    for name in E.__all__:
        kind = getattr(E, name)
        assert issubclass(kind, E.GuruWarning if name.endswith("Warning") else E.GuruError), name
    assert issubclass(E.UnknownActivityWarning, UserWarning)


def test_input_errors_are_value_errors() -> None:
    assert issubclass(E.InvalidVideoError, ValueError)
    assert issubclass(E.TimestampOutOfRangeError, ValueError)
    assert issubclass(E.MissingDependencyError, ImportError)
    assert issubclass(E.APITimeoutError, E.APIConnectionError)


@pytest.mark.parametrize(
    "cls",
    [
        E.AuthenticationError,
        E.PermissionDeniedError,
        E.NotFoundError,
        E.ServerError,
        E.RateLimitError,
    ],
)
def test_api_errors_carry_status_body_and_request_id(cls: type[E.APIError]) -> None:
    err = cls(
        "boom", status_code=418, body={"x": 1}, request_id="r-1", method="GET", url="http://h/v"
    )
    assert (err.status_code, err.body, err.request_id) == (418, {"x": 1}, "r-1")
    assert str(err) == "418: boom (GET http://h/v) [request id r-1]"


def test_messages_say_what_to_do() -> None:
    missing = str(E.MissingDependencyError("pose analysis", "pose"))
    assert missing.startswith("the optional 'pose' extra is needed for pose analysis; install it")
    assert install_command("pose") in missing
    timeout = E.AnalysisTimeoutError("v7", 600)
    assert "wait_for_analysis('v7')" in str(timeout) and timeout.video_id == "v7"
    failed = E.AnalysisFailedError("v8", "no person found")
    assert str(failed) == "analysis of video v8 failed: no person found"
    assert "gave no reason" in str(E.AnalysisFailedError("v9"))


def test_structured_errors() -> None:
    v = E.ValidationError("bad", status_code=400, field_errors={"first_name": ("too long",)})
    assert v.field_errors == {"first_name": ["too long"]}
    h = E.HelpSpotError("two errors", status_code=400, errors=[("2", "a"), ("3", "b")])
    assert h.errors == [("2", "a"), ("3", "b")]
    r = E.RateLimitError("slow down", status_code=429, retry_after=2.5)
    assert r.retry_after == 2.5

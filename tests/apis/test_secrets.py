"""Tokens, keys and passwords never show: not in repr, URLs, logs, or any raised error.

The scripted server is made hostile on purpose: it echoes the Authorization header it received
(and its decoded Basic credentials) back in its error bodies, as a careless server might.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable

import pytest

from guru_form.apis import BaseAPIClient, GiosgClient, GuruKnowledgeClient, HelpSpotClient
from guru_form.errors import GuruError
from tests.fakehttp import FakeServer, Recorded, Reply

SECRET = "tok-9f8e7d6c5b4a"
PASSWORD = "pw-1a2b3c4d5e"


def _echo(rec: Recorded) -> str:
    header = rec.headers.get("authorization", "")
    decoded = ""
    if header.startswith("Basic "):
        decoded = base64.b64decode(header.split(" ", 1)[1]).decode()
    return f"rejected {header!r} ({decoded})"


Case = tuple[
    str, Callable[[str, int], BaseAPIClient], Callable[[BaseAPIClient], object], tuple[str, ...]
]

CASES: list[Case] = [
    (
        "guru-user",
        lambda url, n: GuruKnowledgeClient(
            "coach@example.com", SECRET, base_url=url, max_retries=n
        ),
        lambda c: list(c.collections()),  # type: ignore[attr-defined]
        (SECRET,),
    ),
    (
        "guru-collection",
        lambda url, n: GuruKnowledgeClient.for_collection(
            "col-1", SECRET, base_url=url, max_retries=n
        ),
        lambda c: c.get("/collections"),  # type: ignore[attr-defined]
        (SECRET,),
    ),
    (
        "giosg-token",
        lambda url, n: GiosgClient(SECRET, base_url=url, max_retries=n),
        lambda c: c.me(),  # type: ignore[attr-defined]
        (SECRET,),
    ),
    (
        "giosg-bearer",
        lambda url, n: GiosgClient(SECRET, kind="bearer", base_url=url, max_retries=n),
        lambda c: list(c.paginate("/api/v6/orgs/o/teams")),  # type: ignore[attr-defined]
        (SECRET,),
    ),
    (
        "helpspot-key",
        lambda url, n: HelpSpotClient(url, api_key=SECRET, max_retries=n),
        lambda c: c.get_request(1),  # type: ignore[attr-defined]
        (SECRET,),
    ),
    (
        "helpspot-basic",
        lambda url, n: HelpSpotClient(
            url, username="staff@example.com", password=PASSWORD, max_retries=n
        ),
        lambda c: list(c.search_requests("knee")),  # type: ignore[attr-defined]
        (PASSWORD,),
    ),
]


def _forbidden(secrets: tuple[str, ...]) -> list[str]:
    out = list(secrets)
    for secret in secrets:
        out.append(base64.b64encode(f"coach@example.com:{secret}".encode()).decode())
        out.append(base64.b64encode(f"col-1:{secret}".encode()).decode())
        out.append(base64.b64encode(f"staff@example.com:{secret}".encode()).decode())
    return out


def _assert_clean(text: str, secrets: tuple[str, ...]) -> None:
    for secret in _forbidden(secrets):
        assert secret not in text


def _error_text(error: BaseException) -> str:
    parts = [str(error), repr(error), repr(error.args)]
    for attribute in ("message", "body", "errors", "field_errors"):
        parts.append(repr(getattr(error, attribute, None)))
    if error.__cause__ is not None:
        parts.append(str(error.__cause__))
    return "\n".join(parts)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize(
    "reply",
    [
        lambda rec: Reply(401, json={"message": _echo(rec), "detail": _echo(rec)}),
        lambda rec: Reply(403, json={"description": _echo(rec)}),
        lambda rec: Reply(400, json={"token": [_echo(rec)], "detail": _echo(rec)}),
        lambda rec: Reply(
            200,
            body=f"<errors><error><id>2</id><description>{_echo(rec)}</description></error></errors>",
        ),
        lambda rec: Reply(500, body=_echo(rec), headers={"Retry-After": "0"}),
    ],
    ids=["401", "403", "400-fields", "200-xml-errors", "500-text"],
)
def test_secret_never_in_repr_urls_logs_or_errors(
    scripted: FakeServer,
    case: Case,
    reply: Callable[[Recorded], Reply],
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, make, act, secrets = case
    for path in ("/collections", "/api/v5/users/me", "/api/v6/orgs/o/teams", "/api/index.php"):
        scripted.route("GET", path, reply)
    caplog.set_level(logging.DEBUG)
    client = make(scripted.url, 1)
    with client:
        _assert_clean(repr(client) + str(client), secrets)
        try:
            act(client)
        except GuruError as error:
            raised: GuruError | None = error
        else:
            raised = None
    assert scripted.requests, "the call must have reached the server"
    assert any("authorization" in r.headers for r in scripted.requests)
    for request in scripted.requests:
        _assert_clean(request.path + repr(request.query), secrets)
    _assert_clean(caplog.text, secrets)
    assert raised is not None
    _assert_clean(_error_text(raised), secrets)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_connection_failure_messages_are_clean(case: Case) -> None:
    _, make, act, secrets = case
    with make("http://127.0.0.1:9", 0) as client, pytest.raises(GuruError) as info:
        act(client)
    _assert_clean(_error_text(info.value), secrets)

"""The shared core: credential scoping, client lifecycle, argument checks, redirects, re-exports."""

from __future__ import annotations

import httpx
import pytest

import guru_form
from guru_form.apis import GiosgClient, GuruKnowledgeClient, HelpSpotClient
from guru_form.apis._credentials import HeaderCredentials, redact_error, redact_text
from guru_form.apis.testing import FakeGiosg
from guru_form.errors import APIError, InvalidInputError, ValidationError
from tests.fakehttp import FakeServer, Reply


def test_credentials_go_only_to_the_base_urls_origin() -> None:
    creds = HeaderCredentials(
        "Token", "s3cret-value", origin="https://api.example.com/v1", secrets=()
    )
    for url, expected in [
        ("https://api.example.com/v1/x", "Token s3cret-value"),
        ("https://api.example.com:443/other", "Token s3cret-value"),
        ("http://api.example.com/v1/x", None),  # another scheme
        ("https://evil.example.com/v1/x", None),
        ("https://api.example.com:8443/v1/x", None),
    ]:
        request = next(creds.auth_flow(httpx.Request("GET", url)))
        assert request.headers.get("authorization") == expected, url
    assert "s3cret" not in repr(creds)


def test_absolute_url_to_another_host_is_refused_before_sending(giosg: FakeGiosg) -> None:
    with GiosgClient(giosg.token, base_url=giosg.url) as client:
        with pytest.raises(InvalidInputError, match="only talks to its base_url"):
            client.get("https://example.org/api/v5/users/me")
        assert client.get(f"{giosg.url}/api/v5/users/me")["first_name"] == "Riley"
    assert len(giosg.requests) == 1


def test_context_manager_closes_and_a_closed_client_says_so(giosg: FakeGiosg) -> None:
    with GiosgClient(giosg.token, base_url=giosg.url) as client:
        assert not client.is_closed
    assert client.is_closed
    with pytest.raises(InvalidInputError, match="closed"):
        client.me()
    other = HelpSpotClient(giosg.url)
    other.close()
    assert other.is_closed


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"base_url": "ftp://host"}, "http"),
        ({"base_url": "https://user:pw@host"}, "credentials"),
        ({"base_url": "https://host/api?key=1"}, "query"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": "5"}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 1.5}, "max_retries"),
    ],
)
def test_options_are_checked(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidInputError, match=match):
        GiosgClient("token-value", **kwargs)  # type: ignore[arg-type]


def test_options_are_kept() -> None:
    with GuruKnowledgeClient(
        "u", "t", base_url="http://127.0.0.1:9/api/v1/", timeout=3, max_retries=5
    ) as c:
        assert (c.base_url, c.timeout, c.max_retries) == ("http://127.0.0.1:9/api/v1", 3, 5)
    with GiosgClient("t", timeout=httpx.Timeout(2.0, connect=1.0)) as g:
        assert isinstance(g.timeout, httpx.Timeout)


def test_redirect_says_to_change_base_url(scripted: FakeServer) -> None:
    scripted.route(
        "GET",
        "/api/v5/users/me",
        Reply(301, headers={"Location": "https://new.example/api/v5/users/me"}),
    )
    with GiosgClient("t", base_url=scripted.url) as client, pytest.raises(APIError) as info:
        client.me()
    assert info.value.status_code == 301 and "set base_url" in str(info.value)


def test_redaction_covers_message_body_and_lists() -> None:
    error = ValidationError(
        "bad token abcd1234",
        field_errors={"token": ["abcd1234 is wrong"]},
        status_code=400,
        body={"detail": ["abcd1234"]},
    )
    redact_error(error, ["abcd1234", "ab"])
    assert "abcd1234" not in str(error) and error.field_errors == {"token": ["*** is wrong"]}
    assert error.body == {"detail": ["***"]}
    assert redact_text("ab cd", ["ab"]) == "ab cd"  # too short to be a secret worth hiding


def test_clients_are_lazy_reexports_of_the_package() -> None:
    assert guru_form.GuruKnowledgeClient is GuruKnowledgeClient
    assert guru_form.GiosgClient is GiosgClient
    assert guru_form.HelpSpotClient is HelpSpotClient
    assert {"GuruKnowledgeClient", "GiosgClient", "HelpSpotClient"} <= set(guru_form.__all__)

"""GiosgClient over real HTTP against the fake Giosg API (and scripted faults)."""

from __future__ import annotations

import itertools
import types

import pytest

from guru_form.apis import GiosgClient
from guru_form.apis.giosg import field_errors
from guru_form.apis.testing import FakeGiosg
from guru_form.errors import (
    APIError,
    AuthenticationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from tests.fakehttp import FakeServer, Reply


def _client(fake: FakeGiosg, **kw: object) -> GiosgClient:
    return GiosgClient(fake.token, base_url=fake.url, **kw)  # type: ignore[arg-type]


def _teams(fake: FakeGiosg) -> str:
    return f"/api/v6/orgs/{fake.organization_id}/teams"


def test_me_with_api_token_sends_token_scheme(giosg: FakeGiosg) -> None:
    with _client(giosg) as client:
        me = client.me()
    assert me["id"] == giosg.user["id"] and me["organization"]["name"] == "Northside Strength"
    assert giosg.requests[0].headers["authorization"] == f"Token {giosg.token}"
    assert giosg.requests[0].path == "/api/v5/users/me"


def test_oauth_access_token_sends_bearer_scheme(giosg: FakeGiosg) -> None:
    with GiosgClient(giosg.access_token, kind="bearer", base_url=giosg.url) as client:
        assert client.me()["first_name"] == "Riley"
    assert giosg.requests[0].headers["authorization"] == f"Bearer {giosg.access_token}"


def test_paginate_follows_next_over_pages_of_varying_size(giosg: FakeGiosg) -> None:
    with _client(giosg) as client:
        pages = list(client.pages(_teams(giosg)))
        items = list(client.paginate(_teams(giosg)))
    assert [len(p.items) for p in pages] == [4, 2, 5]
    assert pages[0].previous is None and pages[-1].next is None
    assert [t["id"] for t in items] == [t["id"] for t in giosg.teams]
    assert [r.query.get("cursor") for r in giosg.requests[:3]] == [None, "c1", "c2"]
    assert all(r.headers["authorization"] == f"Token {giosg.token}" for r in giosg.requests)


def test_paginate_is_a_lazy_generator(giosg: FakeGiosg) -> None:
    with _client(giosg) as client:
        items = client.paginate(_teams(giosg))
        assert isinstance(items, types.GeneratorType) and giosg.requests == []
        assert len(list(itertools.islice(items, 4))) == 4
        assert len(giosg.requests) == 1
        next(items)
        assert len(giosg.requests) == 2


def test_iterate_backwards_from_a_pages_previous_link(giosg: FakeGiosg) -> None:
    with _client(giosg) as client:
        last = list(client.pages(_teams(giosg)))[-1]
        assert last.previous is not None
        backwards = list(client.paginate(last.previous, backwards=True))
        whole_backwards = list(client.paginate(last.url, backwards=True))
    forward_ids = [t["id"] for t in giosg.teams]
    assert [t["id"] for t in backwards] == list(reversed(forward_ids[:6]))
    assert [t["id"] for t in whole_backwards] == list(reversed(forward_ids))


def test_empty_collection_is_one_empty_page(giosg: FakeGiosg) -> None:
    giosg.teams.clear()
    with _client(giosg) as client:
        assert list(client.paginate(_teams(giosg))) == []
    assert len(giosg.requests) == 1


def test_create_patch_put_and_delete(giosg: FakeGiosg) -> None:
    with _client(giosg) as client:
        team = client.post(_teams(giosg), json={"name": "Morning lifters"})
        assert team["name"] == "Morning lifters" and giosg.teams[-1]["id"] == team["id"]
        renamed = client.patch(f"{_teams(giosg)}/{team['id']}", json={"name": "Dawn lifters"})
        assert renamed["name"] == "Dawn lifters"
        user = client.put(
            f"/api/v5/users/{giosg.user['id']}", json={"first_name": "Sam", "last_name": "Lee"}
        )
        assert (user["first_name"], user["last_name"]) == ("Sam", "Lee")
        assert client.delete(f"{_teams(giosg)}/{team['id']}") is None
        with pytest.raises(NotFoundError):
            client.get(f"{_teams(giosg)}/{team['id']}")
    assert giosg.requests[0].headers["content-type"] == "application/json"
    assert [r.method for r in giosg.requests] == ["POST", "PATCH", "PUT", "DELETE", "GET"]


def test_400_field_errors_become_validation_error(giosg: FakeGiosg) -> None:
    with _client(giosg) as client, pytest.raises(ValidationError) as info:
        client.patch(f"/api/v5/users/{giosg.user['id']}", json={"first_name": "J" * 40})
    error = info.value
    assert error.status_code == 400
    assert error.field_errors == {
        "first_name": ["Ensure this field has no more than 32 characters."]
    }
    assert "first_name: Ensure this field has no more than 32 characters." in str(error)
    assert isinstance(error, APIError)
    assert len(giosg.requests) == 1  # a 400 is final


def test_several_and_nested_field_errors(giosg: FakeGiosg) -> None:
    with _client(giosg) as client, pytest.raises(ValidationError) as info:
        client.post(_teams(giosg), json={"settings": {"max_members": 99}})
    assert info.value.field_errors == {
        "name": ["This field is required."],
        "settings.max_members": ["Ensure this value is between 1 and 50."],
    }


def test_field_errors_reader() -> None:
    assert field_errors({"detail": "JSON parse error."}) == {}
    assert field_errors({"members": [{"name": ["Required."]}, {}], "x": ["a", "b"]}) == {
        "members[0].name": ["Required."],
        "x": ["a", "b"],
    }


def test_bad_token_401_says_which_kind_to_use(giosg: FakeGiosg) -> None:
    with (
        GiosgClient("wrong-token", base_url=giosg.url) as client,
        pytest.raises(AuthenticationError) as info,
    ):
        client.me()
    text = str(info.value)
    assert "kind='token'" in text and "kind='bearer'" in text and "Invalid token." in text
    assert "wrong-token" not in text


def test_api_token_sent_as_bearer_is_refused(giosg: FakeGiosg) -> None:
    with (
        GiosgClient(giosg.token, kind="bearer", base_url=giosg.url) as client,
        pytest.raises(AuthenticationError),
    ):
        client.me()


def test_other_organisation_is_403(giosg: FakeGiosg) -> None:
    with _client(giosg) as client, pytest.raises(PermissionDeniedError):
        list(client.paginate("/api/v6/orgs/someone-else/teams"))


def test_relative_next_links_and_query_params(scripted: FakeServer) -> None:
    scripted.route(
        "GET",
        "/api/v5/things",
        lambda rec: Reply(
            200,
            json={
                "next": None if rec.query.get("page") else "/api/v5/things?page=2",
                "previous": None,
                "results": [{"page": rec.query.get("page", ["1"])[0]}],
            },
        ),
    )
    with GiosgClient("t", base_url=scripted.url) as client:
        assert list(client.paginate("/api/v5/things", {"ordering": "name"})) == [
            {"page": "1"},
            {"page": "2"},
        ]
    assert scripted.requests[0].query == {"ordering": ["name"]}


def test_bad_arguments_fail_before_any_request() -> None:
    with pytest.raises(InvalidInputError, match="kind"):
        GiosgClient("t", kind="oauth")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="without its 'Token '"):
        GiosgClient("Token abc")
    with pytest.raises(InvalidInputError, match="token"):
        GiosgClient("")
    with pytest.raises(InvalidInputError, match="path"):
        GiosgClient("t").get(None)  # type: ignore[arg-type]


def test_default_base_url_is_the_public_host() -> None:
    with GiosgClient("t") as client:
        assert client.base_url == "https://service.giosg.com"

"""GuruKnowledgeClient over real HTTP against the fake Guru knowledge base (and scripted faults)."""

from __future__ import annotations

import base64
import itertools
import types

import pytest

from guru_form.apis import GuruKnowledgeClient
from guru_form.apis.testing import FakeGuruKnowledge
from guru_form.errors import (
    APIError,
    AuthenticationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    ReadOnlyCredentialsError,
)
from tests.fakehttp import FakeServer, Reply


def _client(fake: FakeGuruKnowledge) -> GuruKnowledgeClient:
    return GuruKnowledgeClient(fake.username, fake.token, base_url=fake.base_url)


def _collection_client(fake: FakeGuruKnowledge) -> GuruKnowledgeClient:
    return GuruKnowledgeClient.for_collection(
        fake.collection_id, fake.collection_token, base_url=fake.base_url
    )


def test_search_follows_next_page_links_across_three_pages(guru_kb: FakeGuruKnowledge) -> None:
    with _client(guru_kb) as guru:
        cards = list(guru.search_cards())
    assert [c["id"] for c in cards] == [c["id"] for c in guru_kb.cards]
    searches = [r for r in guru_kb.requests if r.path == "/api/v1/search/query"]
    assert [r.query.get("cursor") for r in searches] == [None, "50", "100"]
    expected = "Basic " + base64.b64encode(f"{guru_kb.username}:{guru_kb.token}".encode()).decode()
    assert {r.headers["authorization"] for r in searches} == {expected}


@pytest.mark.parametrize("rel", ["next-page", "next"])
def test_link_with_spaces_inside_brackets_and_empty_last_page(
    guru_kb: FakeGuruKnowledge, rel: str
) -> None:
    guru_kb.cards = guru_kb.cards[:14]
    guru_kb.page_size, guru_kb.next_rel = 7, rel
    guru_kb.spaces_in_link = guru_kb.empty_last_page = True
    with _client(guru_kb) as guru:
        pages = list(guru.pages("/search/query", {"searchTerms": "#"}))
    assert [len(p.items) for p in pages] == [7, 7, 0]
    assert pages[0].next is not None and " " not in pages[0].next
    assert pages[-1].next is None
    assert len(guru_kb.requests) == 3
    assert guru_kb.requests[1].headers.get("authorization")
    # the first request's params ride along in the server's links
    assert all(r.query.get("searchTerms") == "#" for r in guru_kb.requests)


def test_paginate_is_lazy(guru_kb: FakeGuruKnowledge) -> None:
    with _client(guru_kb) as guru:
        items = guru.paginate("/search/query")
        assert isinstance(items, types.GeneratorType)
        assert guru_kb.requests == []
        first_fifty = list(itertools.islice(items, 50))
        assert len(first_fifty) == 50 and len(guru_kb.requests) == 1
        next(items)
        assert len(guru_kb.requests) == 2


def test_search_terms_and_parameters_are_sent(guru_kb: FakeGuruKnowledge) -> None:
    with _client(guru_kb) as guru:
        found = list(guru.search_cards("deadlift", show_archived=True, sort_order="desc"))
    assert found and all("deadlift" in (c["preferredPhrase"] + c["content"]).lower() for c in found)
    sent = guru_kb.requests[0].query
    assert sent == {"searchTerms": "deadlift", "showArchived": "true", "sortOrder": "desc"}


def test_collections_and_generic_calls(guru_kb: FakeGuruKnowledge) -> None:
    with _client(guru_kb) as guru:
        assert [c["id"] for c in guru.collections()] == ["col-squat", "col-pull"]
        created = guru.post("/cards/extended", json={"preferredPhrase": "Brace cue"})
        assert guru.get(f"/cards/{created['id']}")["preferredPhrase"] == "Brace cue"
        updated = guru.put(f"/cards/{created['id']}/extended", json={"content": "<p>Breathe</p>"})
        assert updated["content"] == "<p>Breathe</p>"
        assert guru.delete(f"/cards/{created['id']}") is None
        with pytest.raises(NotFoundError):
            guru.get(f"/cards/{created['id']}")


def test_collection_token_reads_only_its_collection(guru_kb: FakeGuruKnowledge) -> None:
    with _collection_client(guru_kb) as guru:
        cards = list(guru.search_cards())
        assert cards and {c["collection"]["id"] for c in cards} == {guru_kb.collection_id}
        assert [c["id"] for c in guru.collections()] == [guru_kb.collection_id]
        assert guru.read_only


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("post", ("/cards/extended", {"preferredPhrase": "x"})),
        ("put", ("/cards/card-0000/extended", {"content": "x"})),
        ("delete", ("/cards/card-0000",)),
    ],
)
def test_write_through_collection_token_is_refused_locally(
    guru_kb: FakeGuruKnowledge, method: str, args: tuple[object, ...]
) -> None:
    with _collection_client(guru_kb) as guru, pytest.raises(ReadOnlyCredentialsError) as info:
        getattr(guru, method)(*args)
    assert guru_kb.requests == []
    assert "collection token" in str(info.value) and "user token" in str(info.value)


def test_user_token_with_read_only_flag_refuses_writes(guru_kb: FakeGuruKnowledge) -> None:
    with (
        GuruKnowledgeClient(
            guru_kb.username, guru_kb.token, base_url=guru_kb.base_url, read_only=True
        ) as guru,
        pytest.raises(ReadOnlyCredentialsError, match="read_only=True"),
    ):
        guru.post("/cards/extended", json={})
    assert guru_kb.requests == []


def test_wrong_token_401_explains_the_password_is_the_api_token(
    guru_kb: FakeGuruKnowledge,
) -> None:
    wrong = GuruKnowledgeClient(guru_kb.username, "not-the-token", base_url=guru_kb.base_url)
    with wrong, pytest.raises(AuthenticationError) as info:
        list(wrong.collections())
    text = str(info.value)
    assert info.value.status_code == 401
    assert "username/token pair" in text and "not your Guru web password" in text
    assert "not-the-token" not in text
    assert len(guru_kb.requests) == 1  # a 401 is not retried


def test_wrong_collection_token_401_names_the_collection_pair(guru_kb: FakeGuruKnowledge) -> None:
    wrong = GuruKnowledgeClient.for_collection(
        guru_kb.collection_id, "nope-nope", base_url=guru_kb.base_url
    )
    with wrong, pytest.raises(AuthenticationError, match="collection id/collection token"):
        wrong.get("/collections")


def test_analytics_403_says_it_needs_an_admin(guru_kb: FakeGuruKnowledge) -> None:
    with _client(guru_kb) as guru, pytest.raises(PermissionDeniedError) as info:
        guru.get("/analytics/card-views")
    assert "needs an admin" in str(info.value)
    assert "You must be an admin" in str(info.value)  # Guru's own words are kept


def test_admin_reads_analytics(guru_kb: FakeGuruKnowledge) -> None:
    guru_kb.admin = True
    with _client(guru_kb) as guru:
        assert guru.get("/analytics/card-views") == [{"eventType": "card-viewed", "count": 120}]


def test_single_object_answer_is_one_item_page(scripted: FakeServer) -> None:
    scripted.route("GET", "/api/v1/thing", Reply(200, json={"id": "only"}))
    with GuruKnowledgeClient("u", "t", base_url=scripted.url + "/api/v1") as guru:
        assert list(guru.paginate("/thing")) == [{"id": "only"}]


def test_relative_link_and_a_link_back_to_a_seen_page(scripted: FakeServer) -> None:
    scripted.route(
        "GET",
        "/api/v1/loop",
        Reply(200, json=[{"n": 1}], headers={"Link": '</api/v1/loop2>; rel="next-page"'}),
    )
    scripted.route(
        "GET",
        "/api/v1/loop2",
        Reply(200, json=[{"n": 2}], headers={"Link": '</api/v1/loop>; rel="next-page"'}),
    )
    with GuruKnowledgeClient("u", "t", base_url=scripted.url + "/api/v1") as guru:
        items = guru.paginate("/loop")
        assert [next(items), next(items)] == [{"n": 1}, {"n": 2}]
        with pytest.raises(APIError, match="linked back to a page already fetched"):
            next(items)


def test_link_to_another_host_is_not_followed(scripted: FakeServer) -> None:
    scripted.route(
        "GET",
        "/api/v1/cards",
        Reply(200, json=[{"n": 1}], headers={"Link": '<https://evil.example/x>; rel="next"'}),
    )
    with GuruKnowledgeClient("u", "t", base_url=scripted.url + "/api/v1") as guru:
        items = guru.paginate("/cards")
        assert next(items) == {"n": 1}
        with pytest.raises(APIError, match="credentials are only sent to base_url"):
            next(items)
    assert scripted.count("GET", "/api/v1/cards") == 1


def test_bad_arguments_fail_before_any_request() -> None:
    with pytest.raises(InvalidInputError, match="token"):
        GuruKnowledgeClient("coach@example.com", "")
    with pytest.raises(InvalidInputError, match="username"):
        GuruKnowledgeClient("", "token")
    with pytest.raises(InvalidInputError, match="sort_order"):
        GuruKnowledgeClient("u", "t").search_cards(sort_order="up")
    with pytest.raises(InvalidInputError, match="base_url"):
        GuruKnowledgeClient("u", "t", base_url="api.getguru.com")


@pytest.mark.parametrize("token", ["", "   ", None])
def test_an_empty_collection_token_is_named_as_a_collection_token(token: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        GuruKnowledgeClient.for_collection("col-1", token)  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith("collection_token must be the collection's read-only token")
    assert "Generate a New Collection Token" in message
    assert "your Guru API token" not in message  # the user token's message does not apply
    with pytest.raises(InvalidInputError, match="collection_id"):
        GuruKnowledgeClient.for_collection("", "token")


def test_default_base_url_is_the_public_host() -> None:
    with GuruKnowledgeClient("u", "t") as guru:
        assert guru.base_url == "https://api.getguru.com/api/v1"


def test_collection_token_403_says_it_reads_only_its_collection(scripted: FakeServer) -> None:
    scripted.route("GET", "/api/v1/teams/t1/members", Reply(403, json={"description": "Forbidden"}))
    with (
        GuruKnowledgeClient.for_collection(
            "col-1", "ctoken", base_url=scripted.url + "/api/v1"
        ) as guru,
        pytest.raises(PermissionDeniedError, match="only reads its own collection"),
    ):
        guru.get("/teams/t1/members")

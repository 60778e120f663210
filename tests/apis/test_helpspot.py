"""HelpSpotClient over real HTTP against the fake HelpSpot (and scripted raw answers)."""

from __future__ import annotations

import base64
import datetime as dt
import types
from urllib.parse import parse_qs

import pytest

from guru_form.apis import HelpSpotClient
from guru_form.apis.helpspot import as_list, items_at
from guru_form.apis.testing import FakeHelpSpot
from guru_form.errors import (
    APIError,
    AuthenticationError,
    HelpSpotError,
    InvalidInputError,
    MissingCredentialsError,
)
from tests.fakehttp import FakeServer, Reply

STAFF, PASSWORD = "staff@example.com", "staff-password-4a8e"
XML = {"Content-Type": "text/xml; charset=iso-8859-1"}


def _keyed(fake: FakeHelpSpot) -> HelpSpotClient:
    return HelpSpotClient(fake.url, api_key=fake.api_key)


# -- public and private methods -------------------------------------------------------------------


def test_public_method_without_credentials(helpspot: FakeHelpSpot) -> None:
    with HelpSpotClient(helpspot.url) as hs:
        assert hs.version() == {"version": "5.4.2", "min_version": "2.0.0"}
        categories = hs.call("request.getCategories")
    assert [c["sCategory"] for c in categories["category"]] == ["Coaching", "Billing"]
    first = helpspot.requests[0]
    assert first.path == "/api/index.php"
    assert first.query == {"method": "version", "output": "json"}
    assert "authorization" not in first.headers


def test_public_method_is_sent_without_credentials_even_when_the_client_has_them(
    helpspot: FakeHelpSpot,
) -> None:
    with _keyed(helpspot) as hs:
        hs.call("request.getCategories")
    assert "authorization" not in helpspot.requests[0].headers


def test_private_method_without_credentials_is_refused_locally(helpspot: FakeHelpSpot) -> None:
    with HelpSpotClient(helpspot.url) as hs:
        with pytest.raises(MissingCredentialsError) as info:
            hs.call("private.request.get", xRequest=12400)
        with pytest.raises(MissingCredentialsError):
            hs.get_request(12400)
        with pytest.raises(MissingCredentialsError):
            hs.search_requests("squat")  # refused when called, not when iterated
        with pytest.raises(MissingCredentialsError):
            hs.get_filter(1)
    assert helpspot.requests == []
    assert "api_key=" in str(info.value) and "username=" in str(info.value)


def test_private_method_with_api_key_uses_bearer_header_never_the_url(
    helpspot: FakeHelpSpot,
) -> None:
    with _keyed(helpspot) as hs:
        request = hs.get_request(12401)
        assert hs.version()["version"] == "5.4.2"
    assert request["sEmail"] == "athlete1@example.com"
    sent = helpspot.requests[0]
    assert sent.headers["authorization"] == f"Bearer {helpspot.api_key}"
    assert sent.query == {"method": "private.request.get", "output": "json", "xRequest": "12401"}
    assert helpspot.requests[1].query["method"] == "private.version"


def test_private_method_with_basic_username_and_password(helpspot: FakeHelpSpot) -> None:
    with HelpSpotClient(helpspot.url, username=STAFF, password=PASSWORD) as hs:
        assert hs.get_request("12402")["xRequest"] == "12402"
    encoded = base64.b64encode(f"{STAFF}:{PASSWORD}".encode()).decode()
    assert helpspot.requests[0].headers["authorization"] == f"Basic {encoded}"
    for request in helpspot.requests:
        assert PASSWORD not in str(request.query) and STAFF not in str(request.query)


def test_wrong_api_key_raises_helpspot_error_with_hint(helpspot: FakeHelpSpot) -> None:
    with (
        HelpSpotClient(helpspot.url, api_key="1|wrong") as hs,
        pytest.raises(HelpSpotError) as info,
    ):
        hs.get_request(12400)
    assert info.value.errors == [("2", "User authentication failed")]
    assert info.value.status_code == 400
    assert "check the API key" in str(info.value) and "1|wrong" not in str(info.value)


# -- errors ----------------------------------------------------------------------------------------


def test_several_errors_are_all_listed(helpspot: FakeHelpSpot) -> None:
    with _keyed(helpspot) as hs, pytest.raises(HelpSpotError) as info:
        hs.call("private.request.create", sTitle="No note")
    assert [eid for eid, _ in info.value.errors] == ["101", "102", "103"]
    text = str(info.value)
    assert "private.request.create" in text and "[101]" in text and "[103]" in text


@pytest.mark.parametrize("status", [400, 200])
@pytest.mark.parametrize("xml", [True, False])
def test_errors_detected_in_xml_and_json_with_400_and_200(
    helpspot: FakeHelpSpot, status: int, xml: bool
) -> None:
    helpspot.error_status, helpspot.xml_errors = status, xml
    with _keyed(helpspot) as hs:
        with pytest.raises(HelpSpotError) as one:
            hs.get_request(99999)
        with pytest.raises(HelpSpotError) as several:
            hs.call("private.request.create")
    assert one.value.errors == [("104", "Request 99999 not found")]
    assert len(several.value.errors) == 3
    assert one.value.status_code == several.value.status_code == status
    assert len(helpspot.requests) == 2  # errors are not retried


def test_raw_xml_error_documents(scripted: FakeServer) -> None:
    one = (
        '<?xml version="1.0" encoding="iso-8859-1"?>\n<errors><error><id>2</id>'
        "<description>User authentication failed</description></error></errors>"
    )
    two = (
        "<errors><error><id>5</id><description>xFilter required</description></error>"
        "<error><id>6</id><description>Filter not found</description></error></errors>"
    )
    scripted.route(
        "GET",
        "/api/index.php",
        Reply(400, body=one, headers=XML),
        Reply(200, body=two, headers=XML),
    )
    with HelpSpotClient(scripted.url, api_key="k") as hs:
        with pytest.raises(HelpSpotError) as first:
            hs.call("private.filter.get")
        with pytest.raises(HelpSpotError) as second:
            hs.call("private.filter.get")
    assert first.value.errors == [("2", "User authentication failed")]
    assert second.value.errors == [("5", "xFilter required"), ("6", "Filter not found")]
    assert second.value.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"error": {"id": "7", "description": "Bad date"}},
        {"errors": {"error": [{"id": 7, "description": "Bad date"}]}},
        {"errors": [{"id": "7", "description": "Bad date"}]},
    ],
)
def test_json_error_shapes(scripted: FakeServer, body: dict[str, object]) -> None:
    scripted.route("GET", "/api/index.php", Reply(200, json=body))
    with HelpSpotClient(scripted.url) as hs, pytest.raises(HelpSpotError) as info:
        hs.call("request.getCategories")
    assert info.value.errors == [("7", "Bad date")]


@pytest.mark.parametrize("which", ["Private", "Public"])
def test_api_not_enabled_gets_its_own_message(helpspot: FakeHelpSpot, which: str) -> None:
    helpspot.private_enabled = helpspot.public_enabled = False
    method = "private.version" if which == "Private" else "version"
    with _keyed(helpspot) as hs, pytest.raises(HelpSpotError) as info:
        hs.call(method)
    text = str(info.value)
    assert f"{which.lower()} API is not enabled" in text
    assert "Admin -> Settings -> Web Services API" in text
    assert info.value.body and f"{which} API not enabled" in info.value.body


def test_api_not_enabled_with_200(scripted: FakeServer) -> None:
    scripted.route(
        "GET", "/api/index.php", Reply(200, body="<reply>Public API not enabled</reply>")
    )
    with HelpSpotClient(scripted.url) as hs, pytest.raises(HelpSpotError, match="public API"):
        hs.version()


def test_plain_401_is_an_authentication_error(scripted: FakeServer) -> None:
    scripted.route("GET", "/api/index.php", Reply(401, json={"message": "Unauthenticated."}))
    with (
        HelpSpotClient(scripted.url, api_key="k") as hs,
        pytest.raises(AuthenticationError) as info,
    ):
        hs.call("private.version")
    assert "check the API key, or the username and password" in str(info.value)


def test_success_answered_as_xml_is_read(scripted: FakeServer) -> None:
    scripted.route(
        "GET",
        "/api/index.php",
        Reply(
            200,
            body="<categories><category><xCategory>1</xCategory></category>"
            "<category><xCategory>2</xCategory></category></categories>",
            headers=XML,
        ),
    )
    with HelpSpotClient(scripted.url) as hs:
        assert hs.call("request.getCategories") == {
            "category": [{"xCategory": "1"}, {"xCategory": "2"}]
        }


# -- writes ----------------------------------------------------------------------------------------


def test_create_is_a_post_with_form_fields(helpspot: FakeHelpSpot) -> None:
    with _keyed(helpspot) as hs:
        created = hs.call(
            "private.request.create",
            tNote="Squat video shows heel lift",
            xCategory=1,
            sEmail="new@example.com",
        )
        again = hs.get_request(created["xRequest"])
    sent = helpspot.requests[0]
    assert sent.method == "POST"
    assert sent.query == {"method": "private.request.create", "output": "json"}
    form = parse_qs(sent.body.decode())
    assert form == {
        "tNote": ["Squat video shows heel lift"],
        "xCategory": ["1"],
        "sEmail": ["new@example.com"],
    }
    assert again["tNote"] == "Squat video shows heel lift"


def test_update_and_merge_are_posts_get_is_get(helpspot: FakeHelpSpot) -> None:
    with _keyed(helpspot) as hs:
        hs.call("private.request.update", xRequest=12400, fOpen=False)
        assert hs.get_request(12400)["fOpen"] == "0"
    assert [r.method for r in helpspot.requests] == ["POST", "GET"]
    assert parse_qs(helpspot.requests[0].body.decode())["fOpen"] == ["0"]


# -- pagination ------------------------------------------------------------------------------------


def test_search_pages_with_start_and_length(helpspot: FakeHelpSpot) -> None:
    with _keyed(helpspot) as hs:
        found = hs.search_requests(page_size=5)
        assert isinstance(found, types.GeneratorType) and helpspot.requests == []
        ids = [r["xRequest"] for r in found]
    assert ids == [r["xRequest"] for r in helpspot.help_requests]
    assert [(r.query["start"], r.query["length"]) for r in helpspot.requests] == [
        ("0", "5"),
        ("5", "5"),
        ("10", "5"),
        ("15", "5"),
        ("20", "5"),
        ("23", "5"),  # the short page may be a cap: only an empty page ends the listing
    ]


@pytest.mark.parametrize("cap", [7, 1])
def test_a_server_capping_length_still_gives_every_item(helpspot: FakeHelpSpot, cap: int) -> None:
    helpspot.max_length = cap  # asked for 10 a page, the server sends at most `cap`
    with _keyed(helpspot) as hs:
        ids = [r["xRequest"] for r in hs.search_requests(page_size=10)]
        by_page = [len(p.items) for p in hs.pages("private.request.search", page_size=10)]
    assert ids == [r["xRequest"] for r in helpspot.help_requests]  # all 23, in order, once
    assert by_page == [cap] * (23 // cap) + ([23 % cap] if 23 % cap else [])
    starts = [int(r.query["start"]) for r in helpspot.requests[: len(by_page) + 1]]
    assert starts == [cap * i for i in range(len(by_page))] + [23]  # the last one came back empty
    assert {r.query["length"] for r in helpspot.requests} == {"10"}


def test_a_method_that_ignores_start_is_an_error_not_an_endless_loop(scripted: FakeServer) -> None:
    page = {"request": [{"xRequest": "1"}, {"xRequest": "2"}]}
    scripted.route("GET", "/api/index.php", *[Reply(200, json=page)] * 3)
    with HelpSpotClient(scripted.url, api_key="k") as hs, pytest.raises(APIError) as info:
        list(hs.paginate("private.filter.get", key="request", page_size=2, xFilter=1))
    assert "ignore start/length" in str(info.value) and "call()" in str(info.value)
    assert len(scripted.requests) == 2


def test_exact_multiple_ends_with_an_empty_page(helpspot: FakeHelpSpot) -> None:
    del helpspot.help_requests[20:]
    with _keyed(helpspot) as hs:
        assert len(list(hs.search_requests(page_size=10))) == 20
    assert [r.query["start"] for r in helpspot.requests] == ["0", "10", "20"]


def test_single_result_object_is_a_one_item_list(helpspot: FakeHelpSpot) -> None:
    del helpspot.help_requests[21:]
    with _keyed(helpspot) as hs:
        found = list(hs.search_requests(email="athlete7@example.com"))
        # pages of 10 give 10, 10 and a last page of one item, which HelpSpot sends as an object
        by_page = [len(p.items) for p in hs.pages("private.request.search", page_size=10)]
    assert [r["sEmail"] for r in found] == ["athlete7@example.com"]
    assert by_page == [10, 10, 1]
    assert items_at({"request": {"xRequest": "1"}}, "request") == [{"xRequest": "1"}]
    assert items_at({"requests": {"request": [{"a": 1}, {"a": 2}]}}, "request") == [
        {"a": 1},
        {"a": 2},
    ]
    assert items_at({"request": []}, "request") == [] == items_at("", "request")
    assert as_list(None) == [] and as_list([1]) == [1]


def test_search_criteria_are_encoded(helpspot: FakeHelpSpot) -> None:
    after = dt.datetime(2024, 1, 10, tzinfo=dt.timezone.utc)
    with _keyed(helpspot) as hs:
        found = list(hs.search_requests("squat", is_open=True, opened_after=after, category=1))
    assert found and all(r["fOpen"] == "1" and "squat" in r["tNote"] for r in found)
    query = helpspot.requests[0].query
    assert query["sSearch"] == "squat" and query["fOpen"] == "1"
    assert query["afterDate"] == str(int(after.timestamp())) and query["xCategory"] == "1"
    assert "sEmail" not in query


def test_get_filter_pages_through_the_filter(helpspot: FakeHelpSpot) -> None:
    with _keyed(helpspot) as hs:
        open_requests = list(hs.get_filter(1, page_size=4))
        with pytest.raises(HelpSpotError, match="Filter 9 not found"):
            list(hs.get_filter(9))
    assert open_requests and all(r["fOpen"] == "1" for r in open_requests)
    assert len(open_requests) == sum(r["fOpen"] == "1" for r in helpspot.help_requests)


# -- input checks ----------------------------------------------------------------------------------


def test_bad_arguments_fail_before_any_request(helpspot: FakeHelpSpot) -> None:
    with pytest.raises(InvalidInputError, match="not both"):
        HelpSpotClient(helpspot.url, api_key="k", username="u", password="p")
    with pytest.raises(InvalidInputError, match="both username and password"):
        HelpSpotClient(helpspot.url, username="u")
    with pytest.raises(InvalidInputError, match="base_url"):
        HelpSpotClient("help.example.com")
    with _keyed(helpspot) as hs:
        with pytest.raises(InvalidInputError, match="method"):
            hs.call("private.request.get&xRequest=1")
        with pytest.raises(InvalidInputError, match="request_id"):
            hs.get_request(-3)
        with pytest.raises(InvalidInputError, match="page_size"):
            hs.search_requests(page_size=0)
        with pytest.raises(InvalidInputError, match="cannot be paginated"):
            hs.paginate("private.request.create")
    assert helpspot.requests == []


@pytest.mark.parametrize(
    "given", ["https://help.example.com/", "https://help.example.com/api/index.php"]
)
def test_endpoint_is_added_once(given: str) -> None:
    with HelpSpotClient(given) as hs:
        assert hs.base_url == "https://help.example.com"

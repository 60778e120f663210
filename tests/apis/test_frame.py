"""to_frame: one row per item, nested fields flattened into stable dotted column names."""

from __future__ import annotations

import pandas as pd
import pytest

from guru_form.apis import GiosgClient, GuruKnowledgeClient, to_frame
from guru_form.apis.testing import FakeGiosg, FakeGuruKnowledge
from guru_form.errors import InvalidInputError


def test_nested_objects_become_dotted_columns_in_first_seen_order() -> None:
    frame = to_frame(
        [
            {"id": 1, "owner": {"email": "a@x", "name": {"first": "Ann"}}, "tags": ["squat"]},
            {"id": 2, "owner": {"email": "b@x"}, "extra": True},
        ]
    )
    assert frame.columns.tolist() == ["id", "owner.email", "owner.name.first", "tags", "extra"]
    assert frame["owner.name.first"].tolist()[0] == "Ann" and pd.isna(
        frame.loc[1, "owner.name.first"]
    )
    assert frame.loc[0, "tags"] == ["squat"]  # lists stay whole: one row per item


def test_columns_do_not_depend_on_which_items_are_null() -> None:
    with_owner = {"id": 1, "owner": {"email": "a@x"}}
    without = {"id": 2, "owner": None}
    assert to_frame([with_owner, without]).columns.tolist() == ["id", "owner.email"]
    assert to_frame([without, with_owner]).columns.tolist() == ["id", "owner.email"]
    assert to_frame([without]).columns.tolist() == ["id", "owner"]  # nothing says it is an object


def test_empty_single_and_generator_inputs() -> None:
    empty = to_frame([])
    assert empty.shape == (0, 0)
    assert to_frame({"a": {"b": 1}}).to_dict("records") == [{"a.b": 1}]
    assert len(to_frame({"n": n} for n in range(3))) == 3
    assert to_frame([{"a": {}}, {"a": {}}]).columns.tolist() == []


def test_non_dict_items_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="item 1 is a str"):
        to_frame([{"a": 1}, "b"])  # type: ignore[list-item]


def test_frames_from_real_listings(giosg: FakeGiosg, guru_kb: FakeGuruKnowledge) -> None:
    with GiosgClient(giosg.token, base_url=giosg.url) as client:
        teams = client.to_frame(client.paginate(f"/api/v6/orgs/{giosg.organization_id}/teams"))
    assert teams.columns.tolist() == [
        "id",
        "name",
        "organization_id",
        "settings.max_members",
        "settings.is_default",
        "created_at",
    ]
    assert len(teams) == 11 and teams["settings.is_default"].sum() == 1

    with GuruKnowledgeClient(guru_kb.username, guru_kb.token, base_url=guru_kb.base_url) as guru:
        cards = guru.to_frame(guru.search_cards())
    assert cards.columns.tolist() == [
        "id",
        "preferredPhrase",
        "content",
        "collection.id",
        "collection.name",
        "owner.email",
        "owner.firstName",
        "owner.lastName",
        "verificationState",
        "tags",
        "lastModified",
    ]
    assert len(cards) == 120

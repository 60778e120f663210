"""Activity names as people type them (``activities.match``)."""

from __future__ import annotations

import pytest

from guru_form import activities
from guru_form.errors import InvalidInputError
from guru_form.models import Activity


@pytest.mark.parametrize(
    ("typed", "activity"),
    [
        ("squat", Activity.SQUAT),
        ("Squat", Activity.SQUAT),
        ("SQUATS", Activity.SQUAT),
        ("back squat", Activity.SQUAT),
        ("pushup", Activity.PUSH_UP),
        ("push-ups", Activity.PUSH_UP),
        ("Push Ups", Activity.PUSH_UP),
        ("push_up", Activity.PUSH_UP),
        ("press-ups", Activity.PUSH_UP),
        ("bench", Activity.BENCH_PRESS),
        ("benchpress", Activity.BENCH_PRESS),
        ("Bench presses", Activity.BENCH_PRESS),
        ("dead lift", Activity.DEADLIFT),
        ("Deadlifts", Activity.DEADLIFT),
        (Activity.DEADLIFT, Activity.DEADLIFT),
    ],
)
def test_names_are_matched_forgivingly(typed: str | Activity, activity: Activity) -> None:
    assert activities.match(typed) is activity


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("sqaut", "unknown activity 'sqaut'; did you mean squat?"),
        ("bnech", "unknown activity 'bnech'; did you mean bench_press?"),
        ("pushpu", "unknown activity 'pushpu'; did you mean push_up?"),
    ],
)
def test_a_near_miss_gets_a_did_you_mean(typed: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        activities.match(typed)
    assert str(caught.value) == message


def test_a_name_far_from_any_lists_the_activities() -> None:
    with pytest.raises(InvalidInputError) as caught:
        activities.match("yoga")
    text = str(caught.value)
    assert text.startswith("unknown activity 'yoga'; the activities are squat, deadlift")
    assert "\n" not in text


def test_a_very_long_name_is_cut_in_the_message() -> None:
    with pytest.raises(InvalidInputError) as caught:
        activities.match("x" * 500)
    assert len(str(caught.value)) < 300


def test_every_profile_name_label_and_alias_is_a_spelling() -> None:
    spellings = activities.spellings()
    for profile in activities.registered():
        for name in (profile.name, profile.label, *profile.aliases):
            assert activities.match(name) is profile.activity, name
    # no two activities claim one spelling
    assert len(set(spellings)) == len(spellings)


def test_not_a_string_is_refused_clearly() -> None:
    with pytest.raises(InvalidInputError, match="not int"):
        activities.match(3)  # type: ignore[arg-type]

"""The shared data model: parsing, validation, round trips."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from guru_form import Activity, Analysis, Domain, Rep, Status, UploadTarget, Video, resolve_activity
from guru_form.analysis_types import ANALYSIS_TYPES, unit_of
from guru_form.errors import InvalidInputError

DOC_EXAMPLE = {
    "status": "Complete",
    "domain": "weightlifting",
    "activity": "squat",
    "reps": [
        {
            "startTimestampMs": 123,
            "midTimestampMs": 456,
            "endTimestampMs": 789,
            "analyses": [{"analysisType": "HIP_KNEE_ANGLE_DEGREES", "analysisScalar": 12.34}],
        }
    ],
}


def test_documented_example_parses() -> None:
    a = Analysis.from_json(DOC_EXAMPLE, video_id="v1")
    assert a.video_id == "v1"
    assert a.status is Status.COMPLETE
    assert a.domain is Domain.WEIGHTLIFTING
    assert a.activity is Activity.SQUAT
    assert a.reps == [Rep(123, 456, 789, {"HIP_KNEE_ANGLE_DEGREES": 12.34})]
    assert a.raw is DOC_EXAMPLE


def test_round_trip_through_json_file(tmp_path: Path) -> None:
    a = Analysis.from_json(DOC_EXAMPLE, video_id="abc")
    path = a.save(tmp_path / "sub" / "a.json")
    assert json.loads(path.read_text())["videoId"] == "abc"
    b = Analysis.load(path)
    assert (b.video_id, b.status, b.activity, b.reps) == (a.video_id, a.status, a.activity, a.reps)
    assert not list(tmp_path.rglob("*.tmp"))


def test_missing_scalar_becomes_nan_and_unknown_type_is_kept() -> None:
    rep = Rep.from_json(
        {
            "startTimestampMs": 0,
            "midTimestampMs": 5,
            "endTimestampMs": 9,
            "analyses": [
                {"analysisType": "NEW_THING_CM", "analysisScalar": None},
                {"analysisType": "X", "analysisScalar": "3.5"},
            ],
        }
    )
    assert math.isnan(rep.analyses["NEW_THING_CM"])
    assert rep.analyses["X"] == 3.5
    assert rep.to_json()["analyses"][0] == {"analysisType": "NEW_THING_CM", "analysisScalar": None}


def test_pending_analysis_without_reps() -> None:
    a = Analysis.from_json({"status": "Pending"})
    assert a.status is Status.PENDING and not a.status.is_final
    assert a.reps == [] and a.activity is None


def test_failed_analysis_keeps_reason() -> None:
    a = Analysis.from_json({"status": "Failed", "reason": "no person found on 0/90 frames"})
    assert a.status.is_final
    assert a.reason == "no person found on 0/90 frames"
    assert "no person" in a._repr_html_()


def test_unknown_server_activity_is_not_fatal_when_parsing() -> None:
    a = Analysis.from_json({"status": "Complete", "activity": "lunge", "domain": "weightlifting"})
    assert a.activity is None and a.domain is Domain.WEIGHTLIFTING


def test_unknown_status_is_rejected() -> None:
    with pytest.raises(InvalidInputError, match="unknown analysis status 'Weird'"):
        Analysis.from_json({"status": "Weird"})


def test_load_reports_missing_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no such analysis file"):
        Analysis.load(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        Analysis.load(bad)


@pytest.mark.parametrize(
    ("activity", "domain", "expected"),
    [
        ("squat", None, (Activity.SQUAT, Domain.WEIGHTLIFTING)),
        ("PUSH_UP", None, (Activity.PUSH_UP, Domain.CALISTHENICS)),
        (None, "calisthenics", (None, Domain.CALISTHENICS)),
        (Activity.DEADLIFT, Domain.WEIGHTLIFTING, (Activity.DEADLIFT, Domain.WEIGHTLIFTING)),
        (None, None, (None, None)),
    ],
)
def test_resolve_activity(activity: str | None, domain: str | None, expected: tuple) -> None:
    assert resolve_activity(activity, domain) == expected


def test_resolve_activity_rejects_unknown_and_mismatch() -> None:
    with pytest.raises(InvalidInputError, match="unknown activity 'lunge'; use one of"):
        resolve_activity("lunge")
    with pytest.raises(InvalidInputError, match="unknown domain"):
        resolve_activity(domain="yoga")
    with pytest.raises(
        InvalidInputError, match="belongs to domain 'calisthenics', not 'weightlifting'"
    ):
        resolve_activity("push_up", "weightlifting")


def test_deadlift_goes_up_first() -> None:
    assert [a.lowers_first for a in Activity] == [True, False, True, True]


def test_upload_target_hides_signing_fields() -> None:
    t = UploadTarget.from_json(
        {
            "id": "v9",
            "url": "http://127.0.0.1:1/upload/v9?sig=SECRET",
            "fields": {"signature": "SECRET"},
        }
    )
    assert "SECRET" not in repr(t)
    assert t.fields == {"signature": "SECRET"}


def test_video_parses_api_names() -> None:
    v = Video.from_json({"id": "v1", "status": "Pending", "repCount": 10, "activity": "squat"})
    assert (v.id, v.status, v.rep_count, v.domain) == ("v1", "Pending", 10, Domain.WEIGHTLIFTING)


def test_units() -> None:
    assert unit_of("HIP_KNEE_ANGLE_DEGREES") == "deg"
    assert unit_of("SOME_TIME_MS") == "ms"
    assert unit_of("BAR_SPEED_M_PER_S") == "m/s"
    assert unit_of("mystery") is None
    assert all(t.unit for t in ANALYSIS_TYPES.values())


def test_lazy_top_level_names() -> None:
    import guru_form

    assert guru_form.unit_of is unit_of
    with pytest.raises(AttributeError):
        guru_form.does_not_exist  # noqa: B018

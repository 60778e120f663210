"""The shared data model: parsing, validation, round trips."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from guru_form import Activity, Analysis, Domain, Rep, Status, UploadTarget, Video, resolve_activity
from guru_form.analysis_types import ANALYSIS_TYPES, unit_of
from guru_form.errors import InvalidInputError, SchemaError

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


def test_save_keeps_what_the_server_sent(tmp_path: Path) -> None:
    sent = {
        "status": "Complete",
        "domain": "weightlifting",
        "activity": "lunge",  # not an activity this version knows
        "model": {"version": "2026.1"},
        "reps": [{**DOC_EXAMPLE["reps"][0], "confidence": 0.93}],
    }
    a = Analysis.from_json(sent, video_id="v1")
    assert a.activity is None
    first = a.save(tmp_path / "a.json")
    assert json.loads(first.read_text()) == {**sent, "videoId": "v1"}
    b = Analysis.load(first)
    assert (b.video_id, b.status, b.domain, b.activity) == ("v1", a.status, a.domain, None)
    assert b.reps == a.reps and b.raw["activity"] == "lunge"
    second = b.save(tmp_path / "b.json")
    assert second.read_text() == first.read_text()  # a round trip changes nothing

    b.reps = []  # a field changed since parsing is written from the object
    b.status = Status.FAILED
    changed = json.loads(b.save(tmp_path / "c.json").read_text())
    assert changed["reps"] == [] and changed["status"] == "Failed"
    assert changed["activity"] == "lunge" and changed["model"] == {"version": "2026.1"}


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


def test_an_undocumented_status_counts_as_pending_and_keeps_its_word() -> None:
    a = Analysis.from_json({"status": "Processing"})
    assert a.status is Status.PENDING and not a.status.is_final
    assert a.status_text == "Processing" and "Processing" in a._repr_html_()
    assert Analysis.from_json({"status": "complete"}).status is Status.COMPLETE
    assert Analysis.from_json({}).status_text == "Pending"
    with pytest.raises(SchemaError, match="status is 3, not a string"):
        Analysis.from_json({"status": 3})


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


def test_video_repr_hides_the_download_urls_signature() -> None:
    uri = "https://bucket.s3.amazonaws.com/v1.mp4?X-Amz-Signature=SECRET&X-Amz-Credential=KEY"
    v = Video.from_json({"id": "v1", "status": "Success", "uri": uri, "activity": "squat"})
    assert v.uri == uri  # the attribute itself stays usable
    text = repr(v)
    assert "SECRET" not in text and "KEY" not in text
    assert "uri='https://bucket.s3.amazonaws.com/v1.mp4'" in text
    assert text.startswith("Video(id='v1', status='Success', ")
    assert "rep_count=None" in text and "activity=<Activity.SQUAT: 'squat'>" in text
    assert "PW" not in repr(Video("v2", uri="https://user:PW@host/v2.mp4#frag"))
    assert "uri=None" in repr(Video("v3"))


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


def test_subpackages_are_attributes_and_import_stays_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, guru_form as gf\n"
        "heavy = {'cv2', 'matplotlib', 'httpx', 'mediapipe', 'ai_edge_litert'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
        "from guru_form.tables.export import to_csv\n"
        "assert gf.tables.to_csv is to_csv and gf.plots.plot_metric.__name__ == 'plot_metric'\n"
        "assert {'tables', 'plots', 'frames', 'pose'} <= set(dir(gf))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _rep(**overrides: object) -> dict:
    rep: dict = {"startTimestampMs": 0, "midTimestampMs": 5, "endTimestampMs": 9, "analyses": []}
    rep.update(overrides)
    return {key: value for key, value in rep.items() if value is not _DROP}


_DROP = object()


@pytest.mark.parametrize(
    ("rep", "field", "problem"),
    [
        (_rep(midTimestampMs=_DROP), "reps[1].midTimestampMs", "is missing"),
        (_rep(startTimestampMs=None), "reps[1].startTimestampMs", "is null"),
        (_rep(endTimestampMs="n/a"), "reps[1].endTimestampMs", "is 'n/a', not a number"),
        (_rep(endTimestampMs=True), "reps[1].endTimestampMs", "is true, not a number"),
        (_rep(endTimestampMs="inf"), "reps[1].endTimestampMs", "is 'inf', not a number"),
        (_rep(endTimestampMs=[1]), "reps[1].endTimestampMs", "is a list, not a number"),
        (
            _rep(analyses=[{"analysisType": "X", "analysisScalar": "tall"}]),
            "reps[1].analyses[0].analysisScalar",
            "is 'tall', not a number",
        ),
        (_rep(analyses={"X": 1}), "reps[1].analyses", "is a dict, not a list"),
        (_rep(analyses=[3]), "reps[1].analyses[0]", "is 3, not an object"),
        ("rep", "reps[1]", "is 'rep', not a JSON object"),
    ],
)
def test_a_malformed_rep_names_its_field(rep: object, field: str, problem: str) -> None:
    with pytest.raises(SchemaError) as info:
        Analysis.from_json({"status": "Complete", "reps": [_rep(), rep]})
    assert info.value.field == field and info.value.problem.startswith(problem)
    assert str(info.value).startswith(f"malformed analysis JSON: rep 2 ({field}) {problem}")
    assert isinstance(info.value, InvalidInputError)  # and so a ValueError


def test_malformed_reps_list_and_video_rep_count() -> None:
    with pytest.raises(SchemaError, match=r"reps is 'none', not a list"):
        Analysis.from_json({"status": "Complete", "reps": "none"})
    with pytest.raises(SchemaError, match=r"malformed video JSON: repCount is 'ten'"):
        Video.from_json({"id": "v1", "repCount": "ten"})
    assert Video.from_json({"id": "v1", "repCount": 3.0}).rep_count == 3


def test_load_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"status": "Complete", "reps": [_rep(startTimestampMs=_DROP)]}))
    with pytest.raises(SchemaError, match=r"a\.json: malformed analysis JSON: rep 1 \(reps\[0\]"):
        Analysis.load(path)


class TimestamplessEngine:
    """A custom engine that forgets the timestamps of its second rep."""

    name = "timestampless"

    def analyze(self, video_path: Path, **kwargs: object) -> dict:
        return {"status": "Complete", "reps": [_rep(), {"analyses": []}]}


def test_the_server_fails_an_engine_answer_without_timestamps(tmp_path: Path) -> None:
    from guru_form.server.engines import EngineSpec
    from guru_form.server.jobs import run_analysis
    from guru_form.server.testing import make_video

    video = make_video(tmp_path / "v.mp4", frames=3)
    spec = EngineSpec(f"{__name__}:TimestamplessEngine")
    body = run_analysis(spec, str(video), "squat", None, None)
    assert body["status"] == "Failed" and body["reps"] == []
    assert body["reason"].startswith(
        f"the {__name__}:TimestamplessEngine engine returned a malformed analysis: "
        "rep 2 (reps[1].startTimestampMs) is missing"
    )


@pytest.mark.parametrize(
    "module",
    [
        "guru_form.models",
        "guru_form.client._polling",
        "guru_form.client._upload",
        "guru_form.client.batch",
        "guru_form._http.retry",
        "guru_form._http.errors",
    ],
)
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted and not result.failed

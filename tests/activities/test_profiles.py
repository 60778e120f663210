"""Activity profiles: the registry, what a profile must hold, and that nothing else names activities."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from guru_form import activities
from guru_form.activities import ActivityProfile, SegmentationRule, SeriesMeasure
from guru_form.activities import _registry as registry
from guru_form.errors import InvalidInputError, UnsupportedActivityError
from guru_form.kinematics import SERIES
from guru_form.metrics import ANALYSIS_TYPES
from guru_form.models import Activity

PACKAGE = Path(activities.__file__).parent.parent


def test_the_four_local_activities_have_profiles_in_enum_order() -> None:
    names = [p.name for p in activities.registered()]
    assert names[:4] == ["squat", "deadlift", "bench_press", "push_up"]
    assert all(activities.get(n).name == n for n in names)
    assert activities.get(Activity.DEADLIFT) is activities.find("deadlift")


def test_display_names_come_from_profiles_with_a_readable_fallback() -> None:
    assert activities.display_name("push_up") == "Push-up"
    assert activities.display_name(Activity.BENCH_PRESS) == "Bench press"
    assert activities.display_name("clean_and_jerk") == "Clean and jerk"  # no profile


def test_an_activity_without_a_profile_is_refused_clearly_where_analysis_needs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(registry._PROFILES, Activity.BENCH_PRESS)
    assert activities.find("bench_press") is None
    with pytest.raises(UnsupportedActivityError, match="bench_press") as caught:
        activities.get("bench_press")
    assert "squat" in caught.value.supported and "bench_press" not in caught.value.supported
    assert isinstance(caught.value, InvalidInputError)
    # the analysis path says so before it reads any video
    from guru_form.pose import analyze_video

    with pytest.raises(UnsupportedActivityError):
        analyze_video("never-read.mp4", "bench_press")
    # display code falls back instead
    from guru_form.frames.phases import phase_label
    from guru_form.frames.skeleton import JOINTS, activity_skeleton

    assert phase_label("mid", Activity.BENCH_PRESS) == "mid"
    assert activity_skeleton(Activity.BENCH_PRESS) == (JOINTS, None)


def test_get_refuses_none_and_unknown_names() -> None:
    with pytest.raises(InvalidInputError, match="squat"):
        activities.get(None)
    with pytest.raises(InvalidInputError, match="unknown activity"):
        activities.get("squats-ish")
    assert activities.find("squats-ish") is None


def test_register_adds_and_replaces_a_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_PROFILES", dict(registry._PROFILES))
    squat = activities.get("squat")
    slower = dataclasses.replace(squat, label="Slow squat")
    with pytest.raises(InvalidInputError, match="already has a profile"):
        activities.register(slower)
    assert activities.register(slower, replace=True) is slower
    assert activities.display_name("squat") == "Slow squat"
    with pytest.raises(InvalidInputError, match="ActivityProfile"):
        activities.register("squat")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"key_metric": "NOPE_DEGREES"}, "key_metric 'NOPE_DEGREES'"),
        ({"thresholds": {"KNEE_ANGLE_DEGREES": (None, None)}}, "has no bound"),
        ({"thresholds": {"KNEE_ANGLE_DEGREES": (90.0, 10.0)}}, "low 90.0 above high 10.0"),
        ({"key_angle": ("hip", "knee", "toe")}, "unknown joint"),
        (
            {"measures": (SeriesMeasure("KNEE_ANGLE_DEGREES", "knee_angle", "smallest"),) * 2},
            "measured twice",
        ),
    ],
)
def test_an_inconsistent_profile_is_refused_with_what_is_wrong(change: dict, problem: str) -> None:
    with pytest.raises(InvalidInputError, match=problem):
        dataclasses.replace(activities.get("squat"), **change)


@pytest.mark.parametrize("profile", activities.registered(), ids=lambda p: p.name)
def test_every_profile_speaks_the_shared_vocabulary(profile: ActivityProfile) -> None:
    # Its scalars are defined in the metrics table; its series and rule read the pose track's
    # series and joints; its domain is the enum's.
    assert set(profile.analysis_types) <= set(ANALYSIS_TYPES)
    assert {m.series for m in profile.measures if isinstance(m, SeriesMeasure)} <= set(SERIES)
    assert profile.rule.signal in SERIES
    assert isinstance(profile.rule, SegmentationRule)
    assert profile.domain is profile.activity.domain
    assert profile.key_metric in profile.analysis_types
    if profile.example is not None:
        assert set(profile.example.metrics) <= set(profile.analysis_types)
        assert profile.example.velocity[0] in profile.analysis_types


def test_rep_analyses_follow_the_profile_in_its_order() -> None:
    t = np.arange(5) / 10.0
    series = {
        "knee_angle": np.array([170.0, 120, 80, 120, 170]),
        "hip_angle": np.array([170.0, 110, 70, 110, 172]),
        "trunk_lean": np.array([5.0, 20, 35, 20, 5]),
        "thigh_angle": np.array([80.0, 40, -5, 40, 80]),
        "elbow_angle": np.array([165.0, 120, 85, 120, 170]),
        "body_line": np.array([-4.0, 1, 3, 1, -4]),
    }
    y = np.array([100.0, 120, 140, 120, 100])
    expected = {
        "squat": {
            "HIP_KNEE_ANGLE_DEGREES": -5.0,
            "KNEE_ANGLE_DEGREES": 80.0,
            "HIP_ANGLE_DEGREES": 70.0,
            "TRUNK_LEAN_DEGREES": 35.0,
        },
        "deadlift": {
            "KNEE_ANGLE_DEGREES": 80.0,
            "HIP_ANGLE_DEGREES": 70.0,
            "LOCKOUT_HIP_ANGLE_DEGREES": 172.0,
            "TRUNK_LEAN_DEGREES": 35.0,
        },
        "bench_press": {"ELBOW_ANGLE_DEGREES": 85.0, "LOCKOUT_ELBOW_ANGLE_DEGREES": 170.0},
        "push_up": {
            "ELBOW_ANGLE_DEGREES": 85.0,
            "LOCKOUT_ELBOW_ANGLE_DEGREES": 170.0,
            "BODY_LINE_ANGLE_DEGREES": 3.0,
        },
    }
    for name, angles in expected.items():
        profile = activities.get(name)
        joint_y = y if profile.lowers_first else 240.0 - y  # down then up, or up then down
        out = activities.rep_analyses(
            profile, series, 0, 2, 4, time_s=t, moving_joint_y=joint_y, body_height=200.0
        )
        assert list(out) == [*angles, "MEAN_CONCENTRIC_VELOCITY_BH_PER_S"]
        assert {k: out[k] for k in angles} == angles
    with pytest.raises(ValueError, match="start <= mid <= end"):
        activities.rep_analyses(activities.get("squat"), series, 3, 2, 4, time_s=t)


def _activity_names() -> set[str]:
    return {a.value for a in Activity}


def _names_an_activity(node: ast.AST, names: set[str]) -> bool:
    """``Activity.SQUAT`` or the string ``"squat"`` (docstrings are not code)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id == "Activity" and node.attr.lower() in names
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


#: Where naming an activity in code is the point: the profiles, the renderer's movements and the
#: enum. The rest are argument defaults of example and test helpers, chosen for users.
ALLOWED = {
    "activities": "the activity profiles",
    "testing/synthetic/movements": "the synthetic athlete's movement of each activity",
    "models.py": "the Activity enum and its domains",
    "tables/examples.py": "example_analysis(activity='squat') and example_sessions: defaults",
    "testing/synthetic/video.py": "render_rotated_video / render_vfr_video(activity='squat'): defaults",
    "testing/videos.py": "make_reference_video(activity=Activity.SQUAT): default",
}


def test_only_the_profiles_and_the_enum_name_an_activity() -> None:
    names = _activity_names()
    offenders: dict[str, list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if any(relative == key or relative.startswith(key + "/") for key in ALLOWED):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        lines = sorted(
            {
                node.lineno  # type: ignore[attr-defined]
                for node in ast.walk(tree)
                if id(node) not in skip and _names_an_activity(node, names)
            }
        )
        if lines:
            offenders[relative] = lines
    assert not offenders, f"modules that name an activity outside its profile: {offenders}"


def test_the_allowed_modules_exist() -> None:
    for key in ALLOWED:
        assert (PACKAGE / key).exists(), key


def test_travel_to_extreme_judges_a_rep_at_the_body_s_bottom_not_the_signal_s() -> None:
    """A knee that keeps bending a little while the hip rises again (a lunge's back knee, as a
    pose model may see it): the angle's extreme comes at 2.7 s, when the hip, lowest at 2 s, is
    back within 0.15 torso lengths of standing."""
    from guru_form.pose.segmentation import segment_reps

    t = np.arange(0, 5000, 1000 / 30)
    u = np.clip((t - 1000) / 2000, 0, 1)  # the rep: 1 s to 3 s
    hip_y = 500 + 120 * np.sin(np.pi * u) ** 2  # lowest at 2 s; torso 200 px
    knee = 175 - 70 * np.interp(u, [0, 0.5, 0.85, 1], [0, 0.6, 1, 0])  # smallest at 2.7 s
    joints = {
        "hip": np.c_[np.full_like(t, 300.0), hip_y],
        "shoulder": np.c_[np.full_like(t, 300.0), hip_y - 200],
    }
    series = {"knee_angle": knee, "trunk_lean": np.zeros_like(t)}
    rule = activities.get("squat").rule  # the hip must drop 0.25 torso lengths
    assert segment_reps("squat", series, joints, t, rule=rule) == []
    bottom = dataclasses.replace(rule, travel_to_extreme=True)
    (rep,) = segment_reps("squat", series, joints, t, rule=bottom)
    assert t[rep.mid] == pytest.approx(2000, abs=50)  # the hip's lowest, as for every bottom

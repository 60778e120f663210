"""Overlays: thresholds, units, scaling with resolution, contrast, skeleton and angle arc."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from guru_form.errors import InvalidInputError
from guru_form.frames import (
    KEY_ANGLES,
    PoseJoints,
    Threshold,
    annotate_frame,
    draw_angle_arc,
    draw_skeleton,
    joints_at,
    progress_at,
)
from guru_form.frames.annotate import (
    FAIL_RED,
    PASS_GREEN,
    draw_text_panel,
    format_value,
    rep_card,
    scalar_rows,
)
from guru_form.frames.phases import phase_label
from guru_form.models import Activity, Analysis, Rep, Status
from guru_form.video import Orientation


def test_threshold_ranges():
    assert Threshold(high=0).passes(-3) is True
    assert Threshold(high=0).passes(0.5) is False
    assert Threshold(low=170).passes(170) is True
    assert Threshold(10, 20).passes(25) is False
    assert Threshold(10, 20).passes(float("nan")) is None
    assert [Threshold(10, 20).describe(), Threshold(low=170).describe()] == [
        "10 to 20",
        ">= 170",
    ]
    with pytest.raises(InvalidInputError):
        Threshold()
    with pytest.raises(InvalidInputError):
        Threshold(5, 1)


def test_scalar_rows_use_labels_units_and_thresholds():
    rows = scalar_rows(
        {
            "MEAN_CONCENTRIC_VELOCITY_M_PER_S": 0.523,
            "HIP_KNEE_ANGLE_DEGREES": 7.46,
            "BAR_PATH_DEVIATION_CM": 2.0,
            "KNEE_ANGLE_DEGREES": float("nan"),
        },
        {
            "HIP_KNEE_ANGLE_DEGREES": Threshold(high=0),
            "MEAN_CONCENTRIC_VELOCITY_M_PER_S": (0.3, None),
        },
    )
    by_name = {r.name: r for r in rows}
    # the analysis-types table's order first, unknown types after
    assert [r.name for r in rows] == [
        "HIP_KNEE_ANGLE_DEGREES",
        "KNEE_ANGLE_DEGREES",
        "MEAN_CONCENTRIC_VELOCITY_M_PER_S",
        "BAR_PATH_DEVIATION_CM",
    ]
    depth = by_name["HIP_KNEE_ANGLE_DEGREES"]
    assert (depth.label, depth.value, depth.color, depth.missed) == (
        "Squat depth (thigh vs horizontal)",
        "7.5 deg",
        FAIL_RED,
        "target <= 0",
    )
    velocity = by_name["MEAN_CONCENTRIC_VELOCITY_M_PER_S"]
    assert (velocity.value, velocity.color, velocity.missed) == ("0.52 m/s", PASS_GREEN, None)
    assert by_name["BAR_PATH_DEVIATION_CM"].label == "BAR_PATH_DEVIATION_CM"
    assert by_name["BAR_PATH_DEVIATION_CM"].value == "2.0 cm"
    assert by_name["KNEE_ANGLE_DEGREES"].value == "n/a"
    only = scalar_rows({"A_MS": 1.0, "B_DEGREES": 2.0}, include=["B_DEGREES", "MISSING"])
    assert [r.name for r in only] == ["B_DEGREES"]
    assert format_value(1234.4, "ms") == "1234 ms"
    assert format_value(3.14159, None) == "3.14"


@pytest.mark.parametrize(
    ("value", "unit", "threshold", "shown"),
    [
        (10.049470514810935, "deg", Threshold(-10, 10), "10.05 deg"),  # push-up rep 5's body line
        (-10.04, "deg", Threshold(-10, 10), "-10.04 deg"),
        (169.96, "deg", Threshold(low=170), "169.96 deg"),
        (0.0001, "deg", Threshold(high=0), "0.0001 deg"),
        (400.4, "ms", Threshold(high=400), "400.4 ms"),
        (0.2999, "m/s", Threshold(low=0.3), "0.2999 m/s"),
        (12.5, "deg", Threshold(-10, 10), "12.5 deg"),  # plainly out: usual precision
        (9.96, "deg", Threshold(-10, 10), "10.0 deg"),  # passes: usual precision
    ],
)
def test_a_failing_value_never_prints_as_its_bound(value, unit, threshold, shown):
    assert format_value(value, unit, threshold) == shown
    printed = float(shown.split()[0])
    assert threshold.passes(printed) is threshold.passes(value)


def test_push_up_body_line_just_past_its_target_reads_as_past_it():
    (row,) = scalar_rows(
        {"BODY_LINE_ANGLE_DEGREES": 10.0495}, {"BODY_LINE_ANGLE_DEGREES": Threshold(-10, 10)}
    )
    assert (row.value, row.color, row.missed) == ("10.05 deg", FAIL_RED, "target -10 to 10")


def test_phase_labels_follow_the_activity():
    assert phase_label("mid", Activity.SQUAT) == "bottom"
    assert phase_label("mid", Activity.DEADLIFT) == "lockout"
    assert phase_label("mid", None) == "mid"
    assert phase_label("start", Activity.PUSH_UP) == "start"


def test_live_progress_counts_reps_and_names_the_movement():
    squat = Analysis(
        None,
        Status.COMPLETE,
        activity=Activity.SQUAT,
        reps=[Rep(1000, 1500, 2000), Rep(2500, 3000, 3500)],
    )
    seen = [
        (p.reps_done, p.rep, p.movement, p.last_done)
        for p in (progress_at(squat, t) for t in (0, 1200, 1600, 2000, 2700, 3400, 9000))
    ]
    assert seen == [
        (0, None, "rest", None),
        (0, 1, "lowering", None),
        (0, 1, "rising", None),
        (1, None, "rest", 1),
        (1, 2, "lowering", 1),
        (1, 2, "rising", 1),
        (2, None, "rest", 2),
    ]
    deadlift = Analysis(None, Status.COMPLETE, activity=Activity.DEADLIFT, reps=[Rep(0, 500, 1000)])
    assert progress_at(deadlift, 100).movement == "lifting"
    assert progress_at(deadlift, 700).movement == "lowering"


def _panel_box(size: tuple[int, int]) -> tuple[int, int, int, int]:
    img = np.zeros((size[1], size[0], 3), np.uint8)
    return draw_text_panel(
        img, [("Rep 3 | bottom", (255, 255, 255), 1.2), ("t 0:04.27", (200, 200, 200), 0.85)]
    )


def test_text_scales_with_resolution():
    x0, y0, x1, y1 = _panel_box((1280, 720))
    X0, Y0, X1, Y1 = _panel_box((2560, 1440))
    assert (X1 - X0) / (x1 - x0) == pytest.approx(2.0, rel=0.1)
    assert (Y1 - Y0) / (y1 - y0) == pytest.approx(2.0, rel=0.1)
    # portrait phone video: sized by the shorter side, so not twice as large as landscape
    px0, _, px1, _ = _panel_box((720, 1280))
    assert (px1 - px0) == pytest.approx(x1 - x0, rel=0.05)
    # tiny frames keep a legible floor
    _, ty0, _, ty1 = _panel_box((160, 120))
    assert ty1 - ty0 >= 0.45 * (y1 - y0)


@pytest.mark.parametrize("background", [0, 255, 128])
def test_panel_text_contrasts_with_any_background(background):
    img = np.full((720, 1280, 3), background, np.uint8)
    out = annotate_frame(img, rep=2, phase="mid", time_ms=1234, activity=Activity.SQUAT)
    x0, y0, x1, y1 = _panel_box((1280, 720))
    region = out[y0:y1, x0:x1].astype(int).mean(axis=2)
    panel_level = np.median(region)
    text_level = np.percentile(region, 99.5)
    assert text_level - panel_level > 120  # bright text on a dark panel, whatever is behind
    assert (out[y1 + 20 :, :] == background).all()  # nothing drawn outside the panel
    assert (img == background).all()  # the input was not drawn on


def test_annotate_in_place_and_corners():
    img = np.zeros((480, 640, 3), np.uint8)
    out = annotate_frame(img, rep=1, copy=False, corner="bottom-right")
    assert out is img
    assert img[:240, :320].max() == 0 and img[240:, 320:].max() > 0
    with pytest.raises(InvalidInputError):
        annotate_frame(img, rep=1, corner="middle")


def test_rep_card_fits_its_text():
    card = rep_card(
        {"HIP_KNEE_ANGLE_DEGREES": 7.5, "KNEE_ANGLE_DEGREES": 70.0},
        title="Rep 1",
        width=300,
        height=170,
        thresholds={"HIP_KNEE_ANGLE_DEGREES": Threshold(high=0)},
    )
    assert card.shape == (170, 300, 3)
    ink = np.argwhere(card.astype(int).sum(axis=2) > 3 * 60)
    assert ink[:, 0].min() > 2 and ink[:, 0].max() < 168
    assert ink[:, 1].min() > 2 and ink[:, 1].max() < 298
    reds = (np.abs(card.astype(int) - FAIL_RED).sum(axis=2) < 60).sum()
    assert reds > 30


def test_angle_arc_measures_and_draws_the_interior_angle():
    img = np.zeros((400, 400, 3), np.uint8)
    angle = draw_angle_arc(img, (100, 200), (200, 200), (200, 100), label=False)
    assert angle == pytest.approx(90.0)
    # the wedge lies between the two rays (up-left quadrant of the vertex), not opposite
    assert img[170:195, 170:195].max() > 0
    assert img[205:230, 205:230].max() == 0
    reflex = np.zeros((400, 400, 3), np.uint8)
    assert draw_angle_arc(reflex, (100, 210), (200, 200), (100, 190)) == pytest.approx(
        math.degrees(2 * math.atan2(10, 100)), abs=0.01
    )
    assert math.isnan(draw_angle_arc(img, (1, 1), (1, 1), (5, 5)))
    assert math.isnan(draw_angle_arc(img, (1, 1), (np.nan, 2), (5, 5)))


@pytest.mark.parametrize("scale", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("turn", range(0, 360, 45))
def test_angle_label_stays_clear_of_the_joint(scale, turn):
    # Short bones (a push-up's elbow in a small frame): the label's box, halo included, must not
    # reach the joint dot, whichever way the wedge points.
    vertex = (320.0, 240.0)

    def ray(degrees: float, length: float) -> tuple[float, float]:
        r = math.radians(degrees)
        return vertex[0] + length * math.cos(r), vertex[1] + length * math.sin(r)

    a, c = ray(turn - 40, 30), ray(turn + 40, 26)
    plain = np.full((480, 640, 3), 128, np.uint8)
    draw_angle_arc(plain, a, vertex, c, label=False, scale=scale)
    labelled = np.full((480, 640, 3), 128, np.uint8)
    draw_angle_arc(labelled, a, vertex, c, label=True, scale=scale)
    ys, xs = np.nonzero((plain != labelled).any(axis=2))
    assert xs.size > 0
    distance = np.hypot(xs - vertex[0], ys - vertex[1])
    dot = max(3, round(6 * scale)) + max(1, round(2 * scale))  # draw_skeleton's outlined dot
    assert distance.min() > dot + 2
    assert distance.min() < dot + 12 * scale + 4  # still beside its joint, not adrift


def test_skeleton_skips_missing_joints():
    img = np.zeros((300, 300, 3), np.uint8)
    draw_skeleton(img, {"hip": (100, 100), "knee": (150, 200), "ankle": (np.nan, 5)})
    assert img[148:153, 120:130].max() > 0  # on the hip-knee bone
    assert img[:20, :].max() == 0  # nothing towards the NaN ankle


def test_key_angles_per_activity():
    assert KEY_ANGLES[Activity.SQUAT] == ("hip", "knee", "ankle")
    assert KEY_ANGLES[Activity.DEADLIFT] == ("shoulder", "hip", "knee")
    assert (
        KEY_ANGLES[Activity.PUSH_UP]
        == KEY_ANGLES[Activity.BENCH_PRESS]
        == (
            "shoulder",
            "elbow",
            "wrist",
        )
    )


def test_joints_from_a_pose_track_frame():
    track = pd.DataFrame(
        {
            "frame": [0, 2, 4],
            "time_ms": [0.0, 66.7, 133.3],
            "knee_x": [10.0, 20.0, 30.0],
            "knee_y": [11.0, 21.0, 31.0],
            "knee_visibility": [0.9, 0.9, 0.2],
            "hip_x": [1.0, np.nan, 3.0],
            "hip_y": [1.0, 2.0, 3.0],
            "knee_angle": [170.0, 120.0, 90.0],
        }
    )
    assert joints_at(track, frame_index=2) == {"knee": (20.0, 21.0)}
    assert joints_at(track, frame_index=4) == {"hip": (3.0, 3.0)}  # knee too uncertain
    assert joints_at(track, frame_index=4, min_visibility=0.1)["knee"] == (30.0, 31.0)
    assert joints_at(track, frame_index=3, time_ms=60.0) == {"knee": (20.0, 21.0)}
    assert joints_at(track, time_ms=500.0) == {}
    lookup = PoseJoints(track)
    assert lookup.at(frame_index=0) == {"knee": (10.0, 11.0), "hip": (1.0, 1.0)}
    assert PoseJoints(track.iloc[:0]).at(frame_index=0, time_ms=0.0) == {}


@pytest.mark.parametrize(
    ("matrix", "expected"),
    [
        ([0, -65536, 0, 65536, 0, 0, 0, 0, 1 << 30], Orientation(1, False)),  # 90 ccw
        ([0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30], Orientation(3, False)),  # 90 cw
        ([-65536, 0, 0, 0, -65536, 0, 0, 0, 1 << 30], Orientation(2, False)),  # 180
        ([65536, 0, 0, 0, 65536, 0, 0, 0, 1 << 30], Orientation(0, False)),
        ([-65536, 0, 0, 0, 65536, 0, 0, 0, 1 << 30], Orientation(2, True)),  # mirror left-right
    ],
)
def test_display_matrix_reading(matrix, expected):
    assert Orientation.from_display_matrix(matrix) == expected


def test_rotate_tag_and_orientation_maths():
    assert Orientation.from_rotate_tag("90") == Orientation(3, False)
    assert Orientation.from_rotate_tag("270").degrees_clockwise == 270
    assert Orientation.from_rotate_tag("junk").is_identity
    img = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(Orientation(2, True).apply(img), img[:, ::-1])
    assert Orientation(1).display_size(640, 480) == (480, 640)

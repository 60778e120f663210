"""extract_rep_frames: the right frame for start, mid and end of every rep, on any file."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import guru_form as gf
from guru_form.errors import InvalidInputError, InvalidVideoError, TimestampOutOfRangeError
from guru_form.frames import (
    RepFrame,
    Threshold,
    annotate_rep_frame,
    contact_sheet_for,
    extract_rep_frames,
)
from guru_form.models import Activity
from guru_form.testing.synthetic.frame_code import read_frame_code
from guru_form.video import H264Writer, VideoReader
from tests.frames.videos import analysis_for, display_picture, frame_times

REPS = [(0, 12, 30), (30, 41, 58), (64, 80, 99), (100, 118, 119)]


@pytest.mark.parametrize("name", ["cfr", "vfr", "rot90", "rot270", "hflip"])
def test_start_mid_end_of_every_rep_is_the_exact_frame(videos, name):
    times = frame_times(videos[name])
    n = times.size
    reps = [(s % n, m % n, e % n) for s, m, e in REPS if e < n] or [(0, n // 2, n - 1)]
    analysis = analysis_for(times, reps)
    frames = extract_rep_frames(
        videos[name], analysis, phases=("start", "mid", "end"), annotate=False
    )
    expected = [i for rep in reps for i in rep]
    assert [f.frame_index for f in frames] == expected
    assert [read_frame_code(f.image) for f in frames] == expected
    assert [(f.rep, f.phase) for f in frames] == [
        (r, p) for r in range(1, len(reps) + 1) for p in ("start", "mid", "end")
    ]
    for f in frames:
        assert abs(f.frame_time_ms - f.time_ms) <= 0.5 + 1e-9


def test_top_level_names_are_the_frames_functions():
    assert gf.extract_rep_frames is extract_rep_frames
    assert gf.RepFrame is RepFrame
    assert gf.Threshold is Threshold


def test_default_is_annotated_mid_frames(videos):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 20, 40), (40, 60, 80)])
    raw = extract_rep_frames(videos["cfr"], analysis, annotate=False)
    annotated = extract_rep_frames(videos["cfr"], analysis)
    assert [f.phase for f in annotated] == ["mid", "mid"]
    assert [f.frame_index for f in annotated] == [20, 60]
    assert all(f.annotated for f in annotated) and not any(f.annotated for f in raw)
    for a, r in zip(annotated, raw, strict=True):
        assert a.image.shape == r.image.shape
        assert (a.image != r.image).any()
        # The overlay sits in the top-left corner; the index strip at the bottom is untouched.
        assert read_frame_code(a.image) == r.frame_index


def test_phases_reps_and_order(videos):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, REPS[:3])
    frames = extract_rep_frames(
        videos["cfr"], analysis, phases=("end", "start"), annotate=False, reps=[3, 1]
    )
    assert [(f.rep, f.phase, f.frame_index) for f in frames] == [
        (3, "end", 99),
        (3, "start", 64),
        (1, "end", 30),
        (1, "start", 0),
    ]
    single = extract_rep_frames(videos["cfr"], analysis, phases="end", annotate=False)
    assert [f.frame_index for f in single] == [30, 58, 99]


def test_shared_frame_gets_its_own_array(videos):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 10, 30), (30, 40, 50)])  # rep 1 end == rep 2 start
    frames = extract_rep_frames(videos["cfr"], analysis, phases=("start", "end"), annotate=False)
    end1, start2 = frames[1], frames[2]
    assert end1.frame_index == start2.frame_index == 30
    assert end1.image is not start2.image
    np.testing.assert_array_equal(end1.image, start2.image)


def test_timestamps_at_zero_last_frame_and_end_of_video(videos):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 75, 149)])
    analysis.reps[0].end_ms = 5000  # the very end of the video (end of the last frame)
    frames = extract_rep_frames(videos["cfr"], analysis, phases=("start", "end"), annotate=False)
    assert [read_frame_code(f.image) for f in frames] == [0, 149]


def test_past_the_end_is_an_error_unless_clamped(videos):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 75, 149)])
    analysis.reps[0].end_ms = 7200  # an analysis of a longer video
    with pytest.raises(TimestampOutOfRangeError, match=r"past the end .*5000 ms long"):
        extract_rep_frames(videos["cfr"], analysis, phases=("end",))
    (frame,) = extract_rep_frames(
        videos["cfr"], analysis, phases=("end",), annotate=False, past_end="clamp"
    )
    assert frame.frame_index == 149
    assert frame.time_ms == 7200


def test_cut_short_video_gives_the_last_decodable_frame_as_the_reader_does(tmp_path):
    # Index (moov) first, so the cut file still opens; its last packet is cut short, and the
    # frames that need it cannot be decoded.
    whole = tmp_path / "fast.mp4"
    with H264Writer(whole, width=320, height=240, fps=30) as out:
        for i in range(90):
            out.write(display_picture(i, 320, 240), time_ms=i * 1000 / 30)
    # Cut half-way through packet 45: x264's output varies a little from run to run, so a cut
    # at a fixed byte count sometimes left the last packet whole (and this test flaky).
    import av

    with av.open(str(whole)) as container:
        packets = [p for p in container.demux(video=0) if p.size]
    cut_packet = packets[45]
    assert cut_packet.pos is not None
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: cut_packet.pos + cut_packet.size // 2])
    with VideoReader(cut) as reader:
        n = reader.info.frame_count
        times = reader.frame_times_ms
        expected = [f.index for f in reader.read_frames([times[0], times[n // 2], times[-1]])]
    assert expected[2] < n - 1  # the last frame really is undecodable here
    analysis = analysis_for(times, [(0, n // 2, n - 1)])
    frames = extract_rep_frames(cut, analysis, phases=("start", "mid", "end"), annotate=False)
    assert [f.frame_index for f in frames] == expected
    assert [read_frame_code(f.image) for f in frames] == expected
    end = frames[2]
    assert end.time_ms == analysis.reps[0].end_ms
    assert end.frame_time_ms == pytest.approx(times[end.frame_index])
    # What builds on it works too: the annotated frames and the contact sheet.
    assert len(extract_rep_frames(cut, analysis, phases=("start", "mid", "end"))) == 3
    sheet = contact_sheet_for(cut, analysis, cell_width=160)
    assert sheet.ndim == 3 and sheet.shape[1] > 3 * 160


def test_bad_arguments_are_clear_errors(videos, tmp_path):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 10, 20)])
    with pytest.raises(InvalidInputError, match="unknown phase 'bottom'"):
        extract_rep_frames(videos["cfr"], analysis, phases=("bottom",))
    with pytest.raises(InvalidInputError, match="phases is empty"):
        extract_rep_frames(videos["cfr"], analysis, phases=())
    with pytest.raises(InvalidInputError, match="rep 2 does not exist; this analysis has 1 reps"):
        extract_rep_frames(videos["cfr"], analysis, reps=[2])
    with pytest.raises(InvalidInputError, match=r"takes an Analysis \(or the API's analysis JSON"):
        extract_rep_frames(videos["cfr"], [analysis])  # type: ignore[arg-type]
    with pytest.raises(InvalidVideoError, match="no such file"):
        extract_rep_frames(tmp_path / "nope.mp4", analysis)
    closed = io.BytesIO(videos["cfr"].read_bytes())
    closed.close()
    with pytest.raises(InvalidVideoError, match="closed"):
        extract_rep_frames(closed, analysis)


def test_the_api_json_and_the_video_path_keyword_are_accepted(videos):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 10, 20), (30, 40, 50)])
    from_json = extract_rep_frames(video_path=videos["cfr"], analysis=analysis.to_json())
    assert [f.frame_index for f in from_json] == [10, 40]


def test_no_reps_gives_no_frames(videos):
    analysis = analysis_for([0.0], [])
    assert extract_rep_frames(videos["cfr"], analysis) == []


def _pose_track(times: np.ndarray) -> pd.DataFrame:
    rows = []
    for i, t in enumerate(times):
        rows.append(
            {
                "frame": i,
                "time_ms": t,
                "shoulder_x": 150.0,
                "shoulder_y": 60.0,
                "hip_x": 140.0,
                "hip_y": 120.0,
                "knee_x": 200.0,
                "knee_y": 150.0,
                "ankle_x": 170.0,
                "ankle_y": 210.0,
                **{f"{j}_visibility": 0.95 for j in ("shoulder", "hip", "knee", "ankle")},
                "knee_angle": 90.0,
            }
        )
    return pd.DataFrame(rows)


class _Track:
    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.activity = Activity.SQUAT


def test_pose_track_adds_skeleton_and_key_angle(videos):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 20, 40)])
    plain = extract_rep_frames(videos["cfr"], analysis)[0].image
    analysis.pose_track = _Track(_pose_track(times))
    with_pose = extract_rep_frames(videos["cfr"], analysis)[0].image
    no_skeleton = extract_rep_frames(videos["cfr"], analysis, skeleton=False)[0].image
    np.testing.assert_array_equal(plain, no_skeleton)
    changed = np.abs(with_pose.astype(int) - plain.astype(int)).sum(axis=2) > 30
    # bones between the joints were drawn (the knee at (200, 150) is covered)
    assert changed[145:156, 195:206].any()
    assert changed.sum() > 500


def test_annotate_rep_frame_with_explicit_joints_and_thresholds(videos):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 20, 40)], analyses={"HIP_KNEE_ANGLE_DEGREES": 9.0})
    (raw,) = extract_rep_frames(videos["cfr"], analysis, annotate=False)
    passing = annotate_rep_frame(raw, analysis, thresholds={"HIP_KNEE_ANGLE_DEGREES": (None, 10)})
    failing = annotate_rep_frame(raw, analysis, thresholds={"HIP_KNEE_ANGLE_DEGREES": (None, 0)})
    joints = {"hip": (140, 120), "knee": (200, 150), "ankle": (170, 210)}
    with_joints = annotate_rep_frame(raw, analysis, joints=joints)
    assert raw.image is not passing.image and not raw.annotated

    def count(img, rgb):
        return int((np.abs(img.astype(int) - rgb).sum(axis=2) < 90).sum())

    assert count(failing.image, (255, 85, 85)) > count(passing.image, (255, 85, 85)) + 20
    assert count(passing.image, (90, 225, 120)) > count(failing.image, (90, 225, 120)) + 20
    assert (with_joints.image[140:160, 190:210] != passing.image[140:160, 190:210]).any()


def test_rep_frames_judge_by_the_borderline_rule_as_the_report_does(videos):
    from guru_form.frames.annotate import BORDERLINE_AMBER, FAIL_RED

    times = frame_times(videos["cfr"])
    margin = gf.metrics.margin_of("HIP_KNEE_ANGLE_DEGREES", Activity.SQUAT)
    analysis = analysis_for(times, [(0, 20, 40)], analyses={"HIP_KNEE_ANGLE_DEGREES": margin / 2})
    checks = {"HIP_KNEE_ANGLE_DEGREES": (None, 0)}

    def count(img, rgb):
        return int((np.abs(img.astype(int) - rgb).sum(axis=2) < 40).sum())

    (judged,) = extract_rep_frames(videos["cfr"], analysis, thresholds=checks)
    (bare,) = extract_rep_frames(videos["cfr"], analysis, thresholds=checks, borderline=False)
    assert count(judged.image, BORDERLINE_AMBER) > 20 and count(judged.image, FAIL_RED) == 0
    assert count(bare.image, FAIL_RED) > 20 and count(bare.image, BORDERLINE_AMBER) == 0


def test_progress_bar_option_gives_the_same_frames(videos, capsys):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 20, 40), (40, 60, 80)])
    quiet = extract_rep_frames(videos["cfr"], analysis, annotate=False)
    loud = extract_rep_frames(videos["cfr"], analysis, annotate=False, progress=True)
    assert [f.frame_index for f in loud] == [f.frame_index for f in quiet]
    assert "frames" in capsys.readouterr().err


def test_the_arc_on_a_rep_frame_says_it_is_the_angle_in_that_frame(videos):
    # The rep's value (its smallest knee angle, 61.5 deg) and the frame's (90 deg) differ, as
    # on real footage: the arc's label must read as this frame's angle, "90 deg here".
    from guru_form.frames import FRAME_ANGLE_LABEL, draw_angle_arc, draw_skeleton

    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 20, 40)], analyses={"KNEE_ANGLE_DEGREES": 61.5})
    (raw,) = extract_rep_frames(videos["cfr"], analysis, phases=("start",), annotate=False)
    joints = {"hip": (140.0, 120.0), "knee": (200.0, 150.0), "ankle": (170.0, 210.0)}
    shown = annotate_rep_frame(raw, analysis, joints=joints, scalars=False).image

    def drawn(label_format: str) -> np.ndarray:
        image = raw.image.copy()
        draw_skeleton(image, joints)
        draw_angle_arc(
            image, *(joints[k] for k in ("hip", "knee", "ankle")), label_format=label_format
        )
        return image

    here, plain = drawn(FRAME_ANGLE_LABEL), drawn("{:.0f} deg")
    around_knee = np.s_[100:240, 150:320]
    np.testing.assert_array_equal(shown[around_knee], here[around_knee])
    assert (here[around_knee] != plain[around_knee]).any()
    assert FRAME_ANGLE_LABEL.format(89.6) == "90 deg here"


def test_a_bad_arc_label_format_is_refused():
    from guru_form.frames import draw_angle_arc

    image = np.zeros((100, 100, 3), np.uint8)
    for bad in ("{} and {}", "{:d} deg", "{angle}"):
        with pytest.raises(InvalidInputError, match="label_format"):
            draw_angle_arc(image, (10, 50), (50, 50), (50, 10), label_format=bad)
    assert not image.any()  # refused before anything is drawn


def _track(times: np.ndarray, elbow: list[float]) -> pd.DataFrame:
    """A push-up's pose track: fixed joints but for the wrist, which sets each frame's elbow
    angle to ``elbow[i]``."""
    import math

    n = len(elbow)
    shoulder, elbow_xy = (100.0, 100.0), (160.0, 100.0)
    rows = {"frame": np.arange(n), "time_ms": np.asarray(times[:n], float), "elbow_angle": elbow}
    rows.update({"shoulder_x": shoulder[0], "shoulder_y": shoulder[1]})
    rows.update({"elbow_x": elbow_xy[0], "elbow_y": elbow_xy[1]})
    rows["wrist_x"] = [160.0 - 50.0 * math.cos(math.radians(a)) for a in elbow]
    rows["wrist_y"] = [100.0 + 50.0 * math.sin(math.radians(a)) for a in elbow]
    return pd.DataFrame(rows)


def test_the_key_metric_frame_is_where_the_rep_value_was_measured(videos):
    # The smallest elbow angle (73 deg, frame 17) comes before the turning point (frame 20),
    # as on real push-ups: the middle frame is frame 17, and its arc reads the rep's number.
    from guru_form.frames import FRAME_ANGLE_LABEL, draw_angle_arc, draw_skeleton
    from guru_form.frames.moments import key_moment

    times = frame_times(videos["cfr"])
    elbow = [170.0 - 5.0 * i for i in range(18)] + [80.0, 76.0, 84.0, 90.0] + [120.0] * 19
    elbow[17] = 73.0
    analysis = analysis_for(
        times, [(0, 20, 40)], activity=Activity.PUSH_UP, analyses={"ELBOW_ANGLE_DEGREES": 73.0}
    )
    analysis.pose_track = _track(times, elbow)
    moment = key_moment(analysis, 1)
    assert moment is not None and (moment.frame_index, moment.value) == (17, 73.0)
    assert moment.reduce == "smallest"
    (turn,) = extract_rep_frames(videos["cfr"], analysis, annotate=False)
    (shown,) = extract_rep_frames(videos["cfr"], analysis, annotate=False, mid="key_metric")
    assert turn.frame_index == 20 and turn.moment is None
    assert shown.frame_index == 17 and shown.moment == moment
    assert shown.time_ms == round(times[17]) and shown.caption == "smallest elbow angle"
    annotated = annotate_rep_frame(shown, analysis, scalars=False, corner="bottom-right").image
    joints = {k: (analysis.pose_track[f"{k}_x"][17], analysis.pose_track[f"{k}_y"][17])
              for k in ("shoulder", "elbow", "wrist")}  # fmt: skip

    def drawn(label_format: str) -> np.ndarray:
        image = shown.image.copy()
        draw_skeleton(image, joints)
        draw_angle_arc(image, *joints.values(), label_format=label_format)
        return image

    height, width = shown.image.shape[:2]
    around = np.s_[: height // 2, : width // 2]  # the arm and its arc; the panel is elsewhere
    np.testing.assert_array_equal(annotated[around], drawn("{:.1f} deg")[around])  # "73.0 deg"
    assert (drawn("{:.1f} deg")[around] != drawn(FRAME_ANGLE_LABEL)[around]).any()
    with pytest.raises(InvalidInputError, match="mid must be"):
        extract_rep_frames(videos["cfr"], analysis, mid="lowest")  # type: ignore[arg-type]


def test_a_squat_turning_point_shows_its_depth_reference(videos):
    from guru_form.frames import draw_depth_reference, draw_skeleton
    from guru_form.frames.skeleton import depth_words

    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 20, 40)])
    (raw,) = extract_rep_frames(videos["cfr"], analysis, annotate=False)
    joints = {"hip": (140.0, 140.0), "knee": (220.0, 150.0), "ankle": (190.0, 220.0)}
    shown = annotate_rep_frame(raw, analysis, joints=joints, scalars=False).image
    expected = raw.image.copy()
    draw_skeleton(expected, joints)
    angle = draw_depth_reference(expected, joints["hip"], joints["knee"])
    assert depth_words(angle) == "7.1 deg above parallel"  # the hip 10 px above the knee
    around = np.s_[100:240, 60:320]
    np.testing.assert_array_equal(shown[around], expected[around])
    row = shown[150, 225:300]  # the dashed horizontal runs on from the knee, at its height
    assert (np.abs(row.astype(int) - (80, 200, 255)).sum(axis=1) < 60).sum() > 15


def test_the_caption_panel_goes_where_the_athlete_is_not(videos):
    from guru_form.frames.annotate import athlete_box, clear_corner, panel_box

    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(0, 20, 40)], activity=Activity.PUSH_UP)
    (raw,) = extract_rep_frames(videos["cfr"], analysis, phases=("start",), annotate=False)
    height, width = raw.image.shape[:2]
    # The head at the top left, as the push-up athlete's in pushup_side_01.mp4.
    joints = {"nose": (40.0, 40.0), "shoulder": (60.0, 60.0), "hip": (160.0, 80.0),
              "ankle": (280.0, 100.0), "elbow": (60.0, 110.0), "wrist": (60.0, 150.0)}  # fmt: skip
    box = athlete_box(joints, width, height)
    assert box is not None and box[0] <= 12 and box[1] <= 12  # the head is inside it
    lines = [("Rep 1 | start", (255, 255, 255), 1.25), ("t 0:00.00", (200, 205, 215), 0.95)]
    corner = clear_corner(lines, box, width, height, scale=0.5)
    assert corner.startswith("bottom")
    x0, y0, x1, _ = panel_box(lines, corner, width, height, scale=0.5)
    assert y0 >= box[3] or x0 >= box[2] or x1 <= box[0]  # clear of the athlete
    plain = annotate_rep_frame(raw, analysis, joints=joints, scalars=False, skeleton=False,
                               angle_arc=False, scale=0.5)  # fmt: skip
    untouched = raw.image[: int(box[3]) - 5, : int(box[2])]
    np.testing.assert_array_equal(plain.image[: int(box[3]) - 5, : int(box[2])], untouched)

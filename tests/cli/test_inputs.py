"""What ``guru-form analyze`` is given (files, folders, ``VIDEO:ACTIVITY``), what it tells about
each analysed video, and velocities in m/s from the athlete's height: no server, no network."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import guru_form as gf
from guru_form.batch_outputs import check_athlete_height, folder_labels, with_athlete_height
from guru_form.errors import InvalidInputError, InvalidVideoError
from guru_form.models import Activity, Analysis, Rep, Status
from guru_form.pose_track import PoseTrack
from guru_form.set_review import review
from guru_form.video_inputs import FolderListing, collect_videos, parse_activity

SQUAT = gf.sample_path("squat")
PUSH_UP = gf.sample_path("push_up")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """set10.mp4, set2.mp4 (a squat and a push-up), notes.txt, a sub-folder and a hidden file."""
    shutil.copy(SQUAT, tmp_path / "set10.mp4")
    shutil.copy(PUSH_UP, tmp_path / "Set2.MP4")
    (tmp_path / "notes.txt").write_text("week 3")
    (tmp_path / "old").mkdir()
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    return tmp_path


def test_a_folder_gives_its_videos_in_name_order_and_says_what_it_skipped(folder: Path) -> None:
    found = collect_videos([folder], activity="squat")
    assert [j.path.name for j in found.jobs] == ["Set2.MP4", "set10.mp4"]  # 2 before 10
    assert all(j.activity is Activity.SQUAT for j in found.jobs)
    (listing,) = found.folders
    assert listing == FolderListing(folder, 2, ("notes.txt", "old/"))
    assert listing.summary() == (
        f"{folder}/: 2 videos (skipped 2 files that are not videos: notes.txt, old/)"
    )


def test_a_folder_without_videos_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("week 3")
    with pytest.raises(InvalidVideoError) as caught:
        collect_videos([tmp_path], activity="squat")
    assert str(caught.value) == (
        f"{tmp_path}: no videos in this folder (skipped 1 file that is not a video: notes.txt)"
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InvalidVideoError, match=r"empty: no videos in this folder$"):
        collect_videos([empty], activity="squat")


def test_each_video_may_name_its_activity(folder: Path) -> None:
    found = collect_videos(
        [f"{folder / 'set10.mp4'}:Squats", f"{folder / 'Set2.MP4'}:push-ups", f"{SQUAT}"],
        activity="deadlift",
    )
    assert [j.activity for j in found.jobs] == [
        Activity.SQUAT,
        Activity.PUSH_UP,
        Activity.DEADLIFT,
    ]
    whole = collect_videos([f"{folder}:bench"])
    assert {j.activity for j in whole.jobs} == {Activity.BENCH_PRESS}


def test_auto_leaves_the_activity_to_be_recognised(folder: Path) -> None:
    assert [j.activity for j in collect_videos([folder], activity="auto").jobs] == [None, None]
    mixed = collect_videos([f"{SQUAT}:recognise", str(PUSH_UP)], activity="push_up")
    assert [j.activity for j in mixed.jobs] == [None, Activity.PUSH_UP]


def test_a_path_that_exists_is_a_path_even_with_a_colon(tmp_path: Path) -> None:
    odd = tmp_path / "monday:squat.mp4"
    shutil.copy(SQUAT, odd)
    (job,) = collect_videos([str(odd)], activity="deadlift").jobs
    assert job.path == odd and job.activity is Activity.DEADLIFT


def test_a_video_given_twice_is_analysed_once(folder: Path) -> None:
    found = collect_videos([folder / "set10.mp4", folder], activity="squat")
    assert [j.path.name for j in found.jobs] == ["set10.mp4", "Set2.MP4"]


@pytest.mark.parametrize(
    ("args", "activity", "message"),
    [
        (["nope.mp4"], "squat", "nope.mp4: no such file or folder"),
        (["nope.mp4:squat"], None, "nope.mp4: no such file or folder"),
        ([str(SQUAT)], None, "no activity for squat.mp4: give --activity ACTIVITY"),
        ([f"{SQUAT}:sqaut"], None, "unknown activity 'sqaut'; did you mean squat?"),
        ([], "squat", "give at least one video"),
    ],
)
def test_mistakes_are_one_line_errors(args: list[str], activity: str | None, message: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        collect_videos(args, activity=activity)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("count", [0, -1, 2.5, True])
def test_a_rep_count_is_a_whole_number_above_zero(count: object) -> None:
    with pytest.raises(InvalidInputError, match="rep count must be a whole number"):
        collect_videos([SQUAT], activity="squat", rep_count=count)  # type: ignore[arg-type]


def test_parse_activity() -> None:
    assert parse_activity("AUTO") is None
    assert parse_activity("Dead lifts") is Activity.DEADLIFT


def test_folder_labels_are_safe_and_unique() -> None:
    assert folder_labels([Path("a/x y.mp4"), Path("b/x y.mp4"), Path(".mp4")]) == [
        "x_y",
        "x_y-2",
        "mp4",
    ]


def _complete(activity: str, reps: int, raw: dict[str, object] | None = None) -> Analysis:
    analysis = Analysis.from_json(
        {
            "status": "Complete",
            "activity": activity,
            "reps": [
                {"startTimestampMs": i * 1000, "midTimestampMs": i * 1000 + 400,
                 "endTimestampMs": i * 1000 + 900, "analyses": []}
                for i in range(reps)
            ],
            **(raw or {}),
        }
    )  # fmt: skip
    return analysis


def _track(n: int, *, person: float, lean: float) -> PoseTrack:
    """A track of ``n`` frames, a person on the first ``person`` share, leaning ``lean``."""
    seen = np.arange(n) < round(person * n)
    frame = pd.DataFrame(
        {
            "time_ms": np.arange(n) * 33.0,
            "person": seen,
            "trunk_lean": np.where(seen, lean, np.nan),
        }
    )
    return PoseTrack(frame=frame)


def test_no_reps_is_a_warning_that_says_what_to_check() -> None:
    (notice,) = review(_complete("squat", 0), asked=Activity.SQUAT)
    assert (notice.kind, notice.level) == ("no_reps", "warning")
    assert notice.text == (
        "no reps found as a squat. Check that it is a squat, that the whole body is in view, "
        "and that it is filmed from the side"
    )


def test_no_reps_names_the_likely_cause_from_the_pose_track() -> None:
    lying = _complete("squat", 0)
    lying.pose_track = _track(100, person=0.95, lean=84.0)
    (notice,) = review(lying, asked=Activity.SQUAT)
    assert notice.text == (
        "no reps found as a squat. Likely cause: the athlete is near horizontal most of the "
        "time (median trunk lean 84.0°), not upright as in a squat"
    )
    standing = _complete("push_up", 0)
    standing.pose_track = _track(100, person=1.0, lean=8.0)
    (notice,) = review(standing, asked=Activity.PUSH_UP)
    assert "stays upright most of the time (median trunk lean 8.0°)" in notice.text
    away = _complete("squat", 0)
    away.pose_track = _track(100, person=0.2, lean=5.0)
    (notice,) = review(away, asked=Activity.SQUAT)
    assert "a person was found on only 20 % of the frames" in notice.text
    fine = _complete("squat", 0)
    fine.pose_track = _track(100, person=1.0, lean=10.0)
    (notice,) = review(fine, asked=Activity.SQUAT)
    assert "Check that it is a squat" in notice.text  # no clear cause: what to check


def test_a_rep_count_that_differs_is_reported() -> None:
    (notice,) = review(_complete("squat", 2), asked=Activity.SQUAT, rep_count=3)
    assert (notice.kind, notice.text) == ("rep_count", "found 2 reps, expected 3")
    assert review(_complete("squat", 3), asked=Activity.SQUAT, rep_count=3) == []


def test_a_recognised_activity_says_which_and_how_sure() -> None:
    said = {"x-guru-form": {"recognizedActivity": {"activity": "push_up", "confidence": 0.934}}}
    (notice,) = review(_complete("push_up", 10, said), asked=None)
    assert (notice.kind, notice.text) == ("recognised", "recognised as push-up (confidence 93 %)")
    (notice,) = review(_complete("deadlift", 3), asked=None)
    assert notice.text == "analysed as deadlift"


def test_a_failed_analysis_gets_no_notices() -> None:
    assert review(Analysis(None, Status.FAILED), asked=Activity.SQUAT) == []


def test_athlete_height_turns_body_heights_per_second_into_metres_per_second() -> None:
    analysis = Analysis(
        "v1",
        Status.COMPLETE,
        activity=Activity.SQUAT,
        reps=[Rep(0, 500, 1000, {"KNEE_ANGLE_DEGREES": 80.0, "MEAN_CONCENTRIC_VELOCITY_BH_PER_S": 0.25})],
    )  # fmt: skip
    converted = with_athlete_height(analysis, 180)
    assert converted.reps[0].analyses == {
        "KNEE_ANGLE_DEGREES": 80.0,
        "MEAN_CONCENTRIC_VELOCITY_M_PER_S": pytest.approx(0.45),
    }
    assert "MEAN_CONCENTRIC_VELOCITY_BH_PER_S" in analysis.reps[0].analyses  # not changed
    hosted = Analysis("v2", Status.COMPLETE, reps=[Rep(0, 1, 2, {"X_DEGREES": 1.0})])
    assert with_athlete_height(hosted, 180).reps == hosted.reps


@pytest.mark.parametrize("height", [1.8, 400, "180", True, float("nan")])
def test_an_athlete_height_must_be_centimetres(height: object) -> None:
    with pytest.raises(InvalidInputError, match="in centimetres, 50 to 260"):
        check_athlete_height(height)

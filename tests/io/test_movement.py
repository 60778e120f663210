"""A pose track in movement's poses layout and back; any movement dataset analysed into reps.

These need xarray only. ``tests/io/test_movement_package.py`` checks the same against the
movement package itself (``make test-movement``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from guru_form import io
from guru_form.errors import InvalidInputError
from guru_form.joints import JOINTS, TRACK_JOINTS
from guru_form.kinematics import SERIES
from guru_form.pose import analyze_track
from guru_form.pose_track import PoseTrack

xr = pytest.importorskip("xarray")


def foreign(
    landmarks: np.ndarray,
    time_ms: np.ndarray,
    names: dict[str, str],
    *,
    individuals: tuple[str, ...] = ("mouse_0",),
    time_in_frames: bool = False,
    before_0_17: bool = False,
) -> object:
    """A movement poses dataset from another tool: ``names`` maps their keypoint to our joint.

    ``before_0_17``: in the dimension names of movement before 0.17 (``keypoints``,
    ``individuals``).
    """
    kp, ind = ("keypoints", "individuals") if before_0_17 else ("keypoint", "individual")
    idx = [JOINTS.index(ours) for ours in names.values()]
    position = np.transpose(landmarks[:, idx, :2], (0, 2, 1))[..., None]
    confidence = landmarks[:, idx, 3][..., None]
    position = np.repeat(position, len(individuals), axis=3)
    confidence = np.repeat(confidence, len(individuals), axis=2)
    time = np.arange(len(time_ms)) if time_in_frames else time_ms / 1000.0
    attrs = {"source_software": "DeepLabCut", "ds_type": "poses"}
    attrs |= {"time_unit": "frames"} if time_in_frames else {"fps": 30.0, "time_unit": "seconds"}
    return xr.Dataset(
        {
            "position": (("time", "space", kp, ind), position),
            "confidence": (("time", kp, ind), confidence),
        },
        coords={
            "time": time,
            "space": ["x", "y"],
            kp: list(names),
            ind: list(individuals),
        },
        attrs=attrs,
    )


COCO = {
    "nose": "nose",
    **{f"{s}_{j}": f"{s}_{j}" for s in ("left", "right") for j in ("shoulder", "elbow", "wrist")},
    **{f"{s}_{j}": f"{s}_{j}" for s in ("left", "right") for j in ("hip", "knee", "ankle")},
    "left_eye": "nose",  # stands in for a keypoint guru_form has no use for
}
DLC = {
    "snout": "nose",
    **{f"{j}{s[0].upper()}": f"{s}_{j}" for s in ("left", "right") for j in ("shoulder", "hip")},
    **{f"{j}_{s[0]}": f"{s}_{j}" for s in ("left", "right") for j in ("knee", "ankle", "heel")},
    **{f"{s.capitalize()}BigToe": f"{s}_foot_index" for s in ("left", "right")},
    **{f"{s}-{j}": f"{s}_{j}" for s in ("left", "right") for j in ("elbow", "wrist")},
}


def test_the_layout_is_movements(squat) -> None:
    track, *_ = squat
    ds = track.to_movement()
    assert ds.position.dims == ("time", "space", "keypoint", "individual")
    assert ds.confidence.dims == ("time", "keypoint", "individual")
    assert list(ds.keypoint.values) == list(JOINTS) and list(ds.space.values) == ["x", "y"]
    assert list(ds.individual.values) == ["athlete"]
    assert ds.attrs["source_software"] == "guru_form" and ds.attrs["ds_type"] == "poses"
    assert ds.attrs["time_unit"] == "seconds" and ds.attrs["fps"] == 30.0
    assert ds.attrs["space_unit"] == "pixels, y down"
    np.testing.assert_allclose(ds.time.values * 1000.0, track.frame["time_ms"])
    for name, meaning in SERIES.items():
        assert ds[name].attrs == {"units": "deg", "long_name": meaning}
    # The measured side (right, facing the camera) is filled in, the other side is NaN.
    knee = ds.position.sel(keypoint="right_knee", space="y", individual="athlete").values
    np.testing.assert_array_equal(knee, track.frame["knee_y"])
    assert np.isnan(ds.position.sel(keypoint="left_knee").values).all()


def test_round_trip_keeps_every_position_and_confidence(squat) -> None:
    track, *_ = squat
    # A track that changes side, with a frame without a person and a gap-filled joint on it.
    frame = track.frame.copy()
    frame.loc[100:160, "side"] = "left"
    frame.loc[200, "side"] = None
    frame.loc[200, "person"] = False
    frame.loc[201, [f"{j}_{c}" for j in TRACK_JOINTS for c in ("x", "y")]] = np.nan
    track = PoseTrack.from_metadata(frame, track.metadata())
    back = PoseTrack.from_movement(track.to_movement())
    pd.testing.assert_frame_equal(back.frame, track.frame)  # exact: every value, NaN where NaN
    assert back.metadata() == track.metadata()
    again = io.from_movement(track.to_movement(individual="ana"), individual="ana")
    pd.testing.assert_frame_equal(again.frame, track.frame)


def test_round_trip_through_a_netcdf_file(squat, tmp_path) -> None:
    track, *_ = squat
    engines = xr.backends.list_engines()
    if not {"netcdf4", "h5netcdf"} & set(engines):
        pytest.skip(f"no netCDF4 engine for xarray here ({', '.join(engines)})")
    path = tmp_path / "squat.nc"
    track.to_movement().to_netcdf(path)
    with xr.open_dataset(path) as ds:
        back = PoseTrack.from_movement(ds.load())
    pd.testing.assert_frame_equal(back.frame, track.frame, check_dtype=False)


@pytest.mark.parametrize("before_0_17", [False, True], ids=["movement", "movement<0.17"])
@pytest.mark.parametrize("names", [COCO, DLC], ids=["COCO-17", "DeepLabCut-style"])
def test_a_dataset_from_another_tool_is_analysed_into_reps(squat, names, before_0_17) -> None:
    track, landmarks, t, truth = squat
    ds = foreign(landmarks, t, names, before_0_17=before_0_17)
    got = PoseTrack.from_movement(ds, activity="squat")
    assert got.side == "right" and got.estimator == "DeepLabCut"
    assert set(got.extra["keypoints"]) == set(names.values())
    analysis = analyze_track(got)
    assert [r.mid_ms / 1000 for r in analysis.reps] == pytest.approx(
        [m for _, m, _ in truth], abs=0.05
    )
    ours = analyze_track(track)
    for theirs, mine in zip(analysis.reps, ours.reps, strict=True):
        assert theirs.analyses["KNEE_ANGLE_DEGREES"] == pytest.approx(
            mine.analyses["KNEE_ANGLE_DEGREES"], abs=0.5
        )


def test_coco_duplicates_are_refused(squat) -> None:
    _, landmarks, t, _ = squat
    with pytest.raises(InvalidInputError, match="both stand for 'nose'"):
        PoseTrack.from_movement(foreign(landmarks, t, {"nose": "nose", "snout": "nose"}))


def test_several_individuals_need_a_name(squat) -> None:
    _, landmarks, t, _ = squat
    ds = foreign(landmarks, t, COCO | {}, individuals=("a", "b"))
    ds = ds.drop_sel(keypoint="left_eye")
    with pytest.raises(InvalidInputError, match=r"2 individuals \(a, b\); pass individual="):
        PoseTrack.from_movement(ds)
    with pytest.raises(InvalidInputError, match="no individual 'c'"):
        PoseTrack.from_movement(ds, individual="c")
    assert PoseTrack.from_movement(ds, individual="b", activity="squat").side == "right"


def test_time_in_frames_needs_a_frame_rate(squat) -> None:
    _, landmarks, t, _ = squat
    names = {k: v for k, v in COCO.items() if k != "left_eye"}
    ds = foreign(landmarks, t, names, time_in_frames=True)
    with pytest.raises(InvalidInputError, match="time is in frames and it has no fps"):
        PoseTrack.from_movement(ds)
    track = PoseTrack.from_movement(ds, fps=30.0)
    np.testing.assert_allclose(track.frame["time_ms"], t, atol=1e-9)
    assert track.fps == 30.0


def test_3d_data_needs_its_plane(squat) -> None:
    _, landmarks, t, truth = squat
    names = {k: v for k, v in COCO.items() if k != "left_eye"}
    ds = foreign(landmarks, t, names)
    # World coordinates: x forward, y sideways (depth), z up.
    pos = ds.position.values
    world = np.stack([pos[:, 0], np.zeros_like(pos[:, 0]), -pos[:, 1]], axis=1)
    ds3 = ds.drop_vars("position").assign_coords(space=["x", "y", "z"])
    ds3["position"] = (("time", "space", "keypoint", "individual"), world)
    with pytest.raises(InvalidInputError, match=r"3 space coordinates .* pass plane="):
        PoseTrack.from_movement(ds3)
    track = PoseTrack.from_movement(ds3, plane=("x", "z"), y_up=True, activity="squat")
    mids = [r.mid_ms / 1000 for r in analyze_track(track).reps]
    assert mids == pytest.approx([m for _, m, _ in truth], abs=0.05)


def test_not_a_poses_dataset() -> None:
    with pytest.raises(InvalidInputError, match="expected a movement poses dataset"):
        PoseTrack.from_movement(xr.Dataset({"speed": ("time", [1.0])}))
    with pytest.raises(InvalidInputError, match="expected a movement poses dataset"):
        PoseTrack.from_movement({"position": []})


def test_a_dataset_with_no_joint_guru_form_knows(squat) -> None:
    _, landmarks, t, _ = squat
    ds = foreign(landmarks, t, {"tail_base": "nose", "ear_left": "left_knee"})
    with pytest.raises(InvalidInputError, match=r"none of the dataset's keypoints \(tail_base"):
        PoseTrack.from_movement(ds)
    track = PoseTrack.from_movement(ds, aliases={"tail_base": "nose"})
    assert track.extra["keypoints"] == {"nose": "tail_base"}
    assert track.extra["ignored_keypoints"] == ["ear_left"]


def test_a_guru_form_dataset_is_refused_by_the_exact_reader_when_foreign(squat) -> None:
    _, landmarks, t, _ = squat
    with pytest.raises(InvalidInputError, match="not written by guru_form"):
        io.from_movement(foreign(landmarks, t, {"nose": "nose"}))

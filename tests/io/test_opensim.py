"""OpenSim files: .trc and .mot written by the rules of the format, and read back (ours and theirs)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from guru_form import io
from guru_form.errors import InvalidInputError
from guru_form.joints import JOINTS
from guru_form.kinematics import SERIES, body_height_px
from guru_form.pose import analyze_track
from guru_form.pose_track import PoseTrack

#: A real OpenSim marker file written by Pose2Sim (its demo session's static trial: 12 frames at
#: 60 Hz, 21 HALPE-26 markers in metres), BSD-3-Clause. It is not kept in git: the test reads it
#: from a local snapshot of the repository (``$GURU_PEERS_DIR/perfanalytics+pose2sim`` or
#: ``/work/.mirror/perfanalytics+pose2sim``) at the pinned commit, and skips without one.
POSE2SIM = ("perfanalytics+pose2sim", "a948c205cfe4ea5c22d6941929e8efaba591a59d")
POSE2SIM_PATH = (
    "Pose2Sim/S00_Demo_Session/S00_P00_SingleParticipant/S00_P00_T00_StaticTrial/pose-3d/"
    "S00_P00_T00_StaticTrial_0-12.trc"
)
POSE2SIM_SHA256 = "c75dae63dd42aea77988c5a3c3f116cf8ce15c12e987254db0798fc6495a5e56"
HEADER_KEYS = (
    "DataRate CameraRate NumFrames NumMarkers Units OrigDataRate OrigDataStartFrame OrigNumFrames"
)


def _trc_rules(path: Path) -> tuple[dict[str, str], list[str], np.ndarray]:
    """Check a .trc against the format's rules; returns its header, markers and data rows."""
    lines = path.read_text().splitlines()
    first = lines[0].split("\t")
    assert first[:3] == ["PathFileType", "4", "(X/Y/Z)"] and first[3] == path.name
    assert lines[1].split("\t") == HEADER_KEYS.split()
    header = dict(zip(HEADER_KEYS.split(), lines[2].split("\t"), strict=True))
    names = lines[3].split("\t")
    assert names[:2] == ["Frame#", "Time"]
    markers = [m for m in names[2::3] if m]
    assert all(names[2 + 3 * i + 1 : 2 + 3 * i + 3] == ["", ""] for i in range(len(markers)))
    assert lines[4].split("\t") == ["", ""] + [
        f"{c}{i}" for i in range(1, len(markers) + 1) for c in "XYZ"
    ]
    rows = np.array([[float(c) for c in line.split("\t")] for line in lines[5:]])
    assert rows.shape == (int(header["NumFrames"]), 2 + 3 * int(header["NumMarkers"]))
    assert len(markers) == int(header["NumMarkers"])
    assert np.all(np.diff(rows[:, 1]) > 0)  # time increases
    return header, markers, rows


def test_pixels_without_a_height(squat, tmp_path: Path) -> None:
    track, *_ = squat
    header, markers, rows = _trc_rules(track.to_trc(tmp_path / "squat_px.trc"))
    assert header["Units"] == "px" and header["DataRate"] == "30" and header["NumMarkers"] == "17"
    assert markers == list(io.opensim.TRC_MARKERS)
    assert markers[:4] == ["Nose", "RShoulder", "RElbow", "RWrist"] and "LBigToe" in markers
    knee = 2 + 3 * markers.index("RKnee")
    np.testing.assert_array_equal(rows[:, knee], track.frame["knee_x"])
    np.testing.assert_array_equal(rows[:, knee + 1], track.frame["knee_y"])  # y down, as is
    assert np.all(rows[:, knee + 2] == 0.0)
    assert np.isnan(rows[:, 2 + 3 * markers.index("LKnee")]).all()  # the far side
    np.testing.assert_allclose(rows[:, 1], track.frame["time_ms"] / 1000.0)


def test_metres_with_a_height(squat, tmp_path: Path) -> None:
    track, *_ = squat
    header, markers, rows = _trc_rules(
        track.to_trc(tmp_path / "squat_m.trc", athlete_height_cm=180)
    )
    assert header["Units"] == "m"
    y = {m: rows[:, 2 + 3 * markers.index(m) + 1] for m in ("Nose", "RHip", "RAnkle", "RHeel")}
    assert np.all(y["Nose"] > y["RHip"]) and np.all(y["RHip"] > y["RAnkle"])  # Y up
    assert abs(np.median(y["RHeel"])) < 0.05  # the feet on the floor
    back = PoseTrack.from_trc(tmp_path / "squat_m.trc")
    assert back.extra["position_unit"] == "m"
    assert body_height_px(back.joints()) == pytest.approx(1.80, rel=1e-9)


@pytest.mark.parametrize("height", [None, 175.0])
def test_round_trip_keeps_the_angles_and_the_reps(squat, tmp_path: Path, height) -> None:
    track, *_ = squat
    path = io.save_pose_track(track, tmp_path / "s.trc", athlete_height_cm=height)
    back = PoseTrack.from_trc(path, activity="squat")
    assert back.side == "right" and back.fps == 30.0 and back.estimator == "OpenSim .trc"
    for name in SERIES:
        np.testing.assert_allclose(back.frame[name], track.frame[name], atol=1e-6, err_msg=name)
    ours, theirs = analyze_track(track), analyze_track(back)
    assert [r.mid_ms for r in theirs.reps] == [r.mid_ms for r in ours.reps]


def test_sports2d_pixel_files_say_metres(squat, tmp_path: Path) -> None:
    track, *_ = squat
    path = track.to_trc(tmp_path / "squat_px_person00.trc")
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace("\tpx\t", "\tm\t")
    path.write_text("\n".join(lines) + "\n")
    keypoints = io.from_trc(path)
    assert keypoints.extra["position_unit"] == "px" and keypoints.estimator == "Sports2D .trc"
    knee = keypoints.landmarks[:, JOINTS.index("right_knee")]
    np.testing.assert_array_equal(knee[:, 1], track.frame["knee_y"])  # not turned upside down


@pytest.fixture(scope="module")
def pose2sim_trc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pose2Sim's static-trial .trc, taken from a local snapshot of its repository."""
    name, commit = POSE2SIM
    roots = [Path(os.environ["GURU_PEERS_DIR"])] if "GURU_PEERS_DIR" in os.environ else []
    roots.append(Path("/work/.mirror"))
    for root in roots:
        for git_dir in (root / name / "repo", root / name):
            if not git_dir.is_dir():
                continue
            shown = subprocess.run(
                ["git", "--git-dir", str(git_dir), "show", f"{commit}:{POSE2SIM_PATH}"],
                capture_output=True,
                check=False,
            )
            if (
                shown.returncode == 0
                and hashlib.sha256(shown.stdout).hexdigest() == POSE2SIM_SHA256
            ):
                path = tmp_path_factory.mktemp("pose2sim") / Path(POSE2SIM_PATH).name
                path.write_bytes(shown.stdout)
                return path
    pytest.skip(f"no snapshot of {name.replace('+', '/')} at {commit[:7]} (set GURU_PEERS_DIR)")


def test_a_real_pose2sim_file_reads_back(pose2sim_trc: Path) -> None:
    keypoints = io.load_keypoints(pose2sim_trc)
    assert len(keypoints) == 12 and keypoints.fps == 60.0
    assert keypoints.extra["position_unit"] == "m"
    assert keypoints.extra["ignored_keypoints"] == ["RSmallToe", "LSmallToe", "Neck", "Head"]
    assert set(keypoints.extra["keypoints"]) == set(JOINTS)
    np.testing.assert_allclose(keypoints.time_ms, np.arange(1, 13) / 60.0 * 1000.0)
    track = PoseTrack.from_trc(pose2sim_trc)
    frame = track.frame
    assert (frame["nose_y"] < frame["hip_y"]).all() and (frame["hip_y"] < frame["ankle_y"]).all()
    # Standing still: straight knees and hips, upright trunk.
    assert frame["knee_angle"].min() > 170 and frame["hip_angle"].min() > 165
    assert frame["trunk_lean"].max() < 10
    assert body_height_px(track.joints()) == pytest.approx(1.7, abs=0.15)  # an adult, in metres


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda lines: lines[1:], "line 1 does not start with PathFileType"),
        (lambda lines: [lines[0], "DataRate\tUnits", *lines[2:]], "line 2 does not name NumFrames"),
        (lambda lines: [*lines[:5], "1\t0.0\tabc"], r"line 6 column 3 is 'abc', not a number"),
        (lambda lines: lines[:3], "it has 3 lines"),
    ],
)
def test_a_broken_trc_says_where(squat, tmp_path: Path, edit, words: str) -> None:
    track, *_ = squat
    path = track.to_trc(tmp_path / "s.trc")
    path.write_text("\n".join(edit(path.read_text().splitlines())) + "\n")
    with pytest.raises(InvalidInputError, match=words):
        io.from_trc(path)


def test_mot_round_trip(squat, tmp_path: Path) -> None:
    track, *_ = squat
    path = track.to_mot(tmp_path / "angles.mot")
    lines = path.read_text().splitlines()
    end = lines.index("endheader")
    assert lines[1:5] == ["version=1", "nRows=360", "nColumns=8", "inDegrees=yes"]
    assert lines[end + 1].split("\t") == ["time", *SERIES]
    table = io.load_table(path)
    assert list(table.columns) == ["time", *SERIES]
    assert table.attrs["units"] == {"time": "s", **dict.fromkeys(SERIES, "deg")}
    for name in SERIES:
        np.testing.assert_allclose(table[name], track.frame[name])


def test_an_opensim_mot_in_radians(tmp_path: Path) -> None:
    path = tmp_path / "ik.mot"
    path.write_text(
        "Coordinates\nversion=1\nnRows=2\nnColumns=3\ninDegrees=no\nendheader\n"
        "time\tknee_angle_r\thip_flexion_r\n0.00\t0.1\t0.2\n0.01\t0.15\t\n"
    )
    table = io.from_mot(path)
    assert table.attrs["units"] == {"time": "s", "knee_angle_r": "rad", "hip_flexion_r": "rad"}
    assert np.isnan(table["hip_flexion_r"][1])
    path.write_text(path.read_text().replace("nRows=2", "nRows=3"))
    with pytest.raises(InvalidInputError, match="nRows=3 but the file has 2"):
        io.from_mot(path)
    path.write_text("no header at all\n")
    with pytest.raises(InvalidInputError, match="no 'endheader' line"):
        io.from_mot(path)


requires_opensim = pytest.mark.skipif(
    importlib.util.find_spec("opensim") is None, reason="OpenSim (pip install opensim) is not here"
)
requires_pose2sim = pytest.mark.skipif(
    importlib.util.find_spec("Pose2Sim") is None, reason="Pose2Sim is not here"
)


@requires_opensim
def test_opensim_reads_our_files(squat, tmp_path: Path) -> None:
    import opensim as osim

    track, *_ = squat
    for height, unit in ((180.0, "m"), (None, "px")):
        path = track.to_trc(tmp_path / f"s_{unit}.trc", athlete_height_cm=height)
        table = osim.TimeSeriesTableVec3(str(path))
        assert table.getNumRows() == len(track) and table.getNumColumns() == 17
        assert list(table.getColumnLabels()) == list(io.opensim.TRC_MARKERS)
        assert table.getTableMetaDataAsString("Units") == unit
        times = np.array(table.getIndependentColumn())
        np.testing.assert_allclose(times, track.frame["time_ms"] / 1000.0)
    knee = table.getDependentColumn("RKnee")
    assert knee[0].get(1) == pytest.approx(track.frame["knee_y"][0])
    storage = osim.Storage(str(track.to_mot(tmp_path / "s.mot")))
    assert storage.getSize() == len(track) and storage.isInDegrees()
    labels = storage.getColumnLabels()
    assert [labels.get(i) for i in range(labels.getSize())] == ["time", *SERIES]
    # Unknown angles (no person on a frame) are NaN, which OpenSim 4's tables read.
    frame = track.frame.copy()
    frame.loc[10:20, list(SERIES)] = np.nan
    gappy = PoseTrack.from_metadata(frame, track.metadata())
    motion = osim.TimeSeriesTable(str(gappy.to_mot(tmp_path / "gappy.mot")))
    assert (
        motion.getNumRows() == len(track) and motion.getTableMetaDataAsString("inDegrees") == "yes"
    )
    knee = np.array([motion.getRowAtIndex(i)[0] for i in range(motion.getNumRows())])
    np.testing.assert_array_equal(knee, frame["knee_angle"])


@requires_pose2sim
def test_pose2sim_reads_our_files(squat, tmp_path: Path) -> None:
    from Pose2Sim.common import read_mot, read_trc

    track, *_ = squat
    coords, _frames, times, markers, _header = read_trc(str(track.to_trc(tmp_path / "s.trc")))
    assert markers == list(io.opensim.TRC_MARKERS)
    np.testing.assert_allclose(coords.iloc[:, 3 * markers.index("RHip")], track.frame["hip_x"])
    np.testing.assert_allclose(times, track.frame["time_ms"] / 1000.0)
    angles, times, _header = read_mot(str(track.to_mot(tmp_path / "s.mot")))
    assert list(angles.columns) == list(SERIES)
    np.testing.assert_allclose(angles["knee_angle"], track.frame["knee_angle"])


def test_the_side_read_back_is_the_side_that_has_the_joints(squat, tmp_path: Path) -> None:
    # The figure faces right, so the geometry says "right"; but the file holds the left side
    # (as a track measured from the far side would): that is the side to measure.
    track, *_ = squat
    frame = track.frame.copy()
    frame["side"] = "left"
    frame.loc[50:80, "side"] = "right"
    left = PoseTrack.from_metadata(frame, track.metadata())
    back = PoseTrack.from_trc(left.to_trc(tmp_path / "left.trc"))
    assert list(back.frame["side"]) == list(frame["side"])
    np.testing.assert_allclose(back.frame["knee_angle"], track.frame["knee_angle"], atol=1e-6)

"""Other tools' keypoint names read as guru_form's joints."""

from __future__ import annotations

import pytest

from guru_form.errors import InvalidInputError
from guru_form.io.keypoints import guru_joint, match_keypoints
from guru_form.joints import JOINTS

COCO_17 = [
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle",
]  # fmt: skip
BLAZEPOSE_33 = [
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
]  # fmt: skip
HALPE_26 = [
    "Nose", "LEye", "REye", "LEar", "REar", "LShoulder", "RShoulder", "LElbow", "RElbow",
    "LWrist", "RWrist", "LHip", "RHip", "LKnee", "RKnee", "LAnkle", "RAnkle", "Head", "Neck",
    "Hip", "LBigToe", "RBigToe", "LSmallToe", "RSmallToe", "LHeel", "RHeel",
]  # fmt: skip


def test_blazepose_33_gives_every_joint() -> None:
    match = match_keypoints(BLAZEPOSE_33)
    assert match.missing == ()
    assert all(match.joints[j] == j for j in JOINTS)
    assert "left_pinky" in match.ignored and "left_index" in match.ignored


def test_coco_17_lacks_heels_and_toes() -> None:
    match = match_keypoints(COCO_17)
    assert set(match.missing) == {
        f"{s}_{j}" for s in ("left", "right") for j in ("heel", "foot_index")
    }
    assert match.ignored == ("left_eye", "right_eye", "left_ear", "right_ear")


def test_halpe_26_gives_every_joint() -> None:
    match = match_keypoints(HALPE_26)
    assert match.missing == ()
    assert match.joints["right_foot_index"] == "RBigToe" and match.joints["left_heel"] == "LHeel"
    assert set(match.ignored) == {
        "LEye",
        "REye",
        "LEar",
        "REar",
        "Head",
        "Neck",
        "Hip",
        "LSmallToe",
        "RSmallToe",
    }


@pytest.mark.parametrize(
    ("name", "joint"),
    [
        ("knee_L", "left_knee"),
        ("kneeL", "left_knee"),
        ("L_knee", "left_knee"),
        ("l-knee", "left_knee"),
        ("LeftKnee", "left_knee"),
        ("leftknee", "left_knee"),
        ("Right Hip", "right_hip"),
        ("r_big_toe", "right_foot_index"),
        ("toe_R", "right_foot_index"),
        ("heel_l", "left_heel"),
        ("snout", "nose"),
        ("tail_base", None),
        ("knee", None),  # which side?
        ("lear", None),
        ("bar_end", None),
    ],
)
def test_deeplabcut_style_labels(name: str, joint: str | None) -> None:
    assert guru_joint(name) == joint


def test_aliases_win_and_are_checked() -> None:
    match = match_keypoints(["Neck", "knee"], aliases={"knee": "right_knee", "Neck": "nose"})
    assert match.joints == {"nose": "Neck", "right_knee": "knee"}
    with pytest.raises(InvalidInputError, match="'elbow' is not a guru_form joint"):
        match_keypoints(["x"], aliases={"x": "elbow"})
    with pytest.raises(InvalidInputError, match="'LKnee' and 'knee_L' both stand for 'left_knee'"):
        match_keypoints(["LKnee", "knee_L"])

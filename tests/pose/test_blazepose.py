"""Our BlazePose pipeline, step by step: anchors, decoding, suppression, regions, heatmaps, smoothing.

The steps are checked on their own against what they must do; where mediapipe 0.10.21 is
installed, the detector and the landmark model are also checked against MediaPipe's own graph on
a real frame (tests/pose/test_agreement.py holds whole videos to agreement).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from guru_form.pose.blazepose.anchors import anchor_centres
from guru_form.pose.blazepose.detector import decode_candidates
from guru_form.pose.blazepose.landmarks import refine_from_heatmaps, sigmoid
from guru_form.pose.blazepose.nms import iou, weighted_nms
from guru_form.pose.blazepose.roi import RegionOfInterest, letterbox_roi, roi_from_alignment
from guru_form.pose.blazepose.smoothing import AlignmentSmoother, OneEuroFilter
from tests.pose.conftest import FOOTAGE, requires_litert, requires_mediapipe


def test_anchors_are_the_detectors_2254_in_grid_order() -> None:
    a = anchor_centres()
    assert a.shape == (2254, 2)
    # stride 8: 28x28 cells, 2 anchors each; stride 16: 14x14x2; stride 32 (3 layers): 7x7x6
    assert np.allclose(a[0], a[1]) and not np.allclose(a[1], a[2])
    assert np.allclose(a[2], [1.5 / 28, 0.5 / 28])
    assert np.allclose(a[1568], [0.5 / 14, 0.5 / 14])
    assert np.allclose(a[1568 + 392 : 1568 + 392 + 6], [0.5 / 7, 0.5 / 7])
    assert np.allclose(a[-1], [6.5 / 7, 6.5 / 7])


def test_decoding_puts_offsets_on_the_anchor_and_drops_low_scores() -> None:
    anchors = np.array([[0.25, 0.5], [0.75, 0.5]])
    raw = np.zeros((2, 12))
    raw[0, :4] = [22.4, -22.4, 44.8, 22.4]  # centre +0.1, -0.1; size 0.2 x 0.1 (of 224)
    raw[0, 4:6] = [0.0, 44.8]  # first keypoint 0.2 below the anchor
    scores, boxes, keypoints = decode_candidates(
        raw, np.array([3.0, -3.0]), anchors, min_score=0.5, input_size=224
    )
    assert scores.tolist() == pytest.approx([1 / (1 + math.exp(-3))])
    assert boxes[0].tolist() == pytest.approx([0.25, 0.35, 0.45, 0.45])
    assert keypoints[0, 0].tolist() == pytest.approx([0.25, 0.7])
    assert keypoints[0, 1].tolist() == pytest.approx([0.25, 0.5])


def test_weighted_nms_merges_one_person_and_keeps_two() -> None:
    scores = np.array([0.6, 0.9, 0.7])
    boxes = np.array([[0.0, 0.0, 1.0, 1.0], [0.2, 0.0, 1.2, 1.0], [5.0, 5.0, 6.0, 6.0]])
    keypoints = np.array([[[0.0, 0.0]], [[1.5, 0.0]], [[9.0, 9.0]]])
    s, b, k = weighted_nms(scores, boxes, keypoints, threshold=0.3)
    assert s.tolist() == [0.9, 0.7]  # the best score of each cluster, best first
    assert b[0].tolist() == pytest.approx([0.18 / 1.5, 0.0, 1.68 / 1.5, 1.0])
    assert k[0, 0, 0] == pytest.approx(1.35 / 1.5)
    assert b[1].tolist() == pytest.approx([5.0, 5.0, 6.0, 6.0])
    assert iou(b[0], b[1:]).tolist() == [0.0]
    empty = weighted_nms(np.empty(0), np.empty((0, 4)), np.empty((0, 4, 2)))
    assert [len(x) for x in empty] == [0, 0, 0]


def test_region_from_alignment_points_turns_the_body_upright() -> None:
    upright = roi_from_alignment((100.0, 200.0), (100.0, 120.0))
    assert (upright.x, upright.y) == (100.0, 200.0)
    assert upright.size == pytest.approx(2 * 80 * 1.25)
    assert upright.rotation == pytest.approx(0.0)
    # Lying with the head to the right: the crop turns a quarter, and its top is the head side.
    lying = roi_from_alignment((100.0, 200.0), (180.0, 200.0))
    assert lying.rotation == pytest.approx(math.pi / 2)
    top_middle = lying.to_image(np.array([[0.5, 0.0]]))[0]
    assert top_middle.tolist() == pytest.approx([200.0, 200.0])


@pytest.mark.parametrize("rotation", [0.0, 0.4, -2.0])
def test_a_crop_and_its_projection_are_inverse(rotation: float) -> None:
    image = np.zeros((300, 400, 3), np.uint8)
    image[118:123, 248:253] = 255  # a white dot centred on (250, 120)
    roi = RegionOfInterest(230.0, 150.0, 160.0, rotation)
    crop = roi.crop(image, 256, replicate_border=True)
    ys, xs = np.nonzero(crop[:, :, 0] > 100)
    weights = crop[ys, xs, 0].astype(float)
    centre = np.array([[np.average(xs, weights=weights), np.average(ys, weights=weights)]])
    back = roi.to_image(centre / 256.0)[0]
    assert back.tolist() == pytest.approx([250.0, 120.0], abs=0.8)


def test_letterbox_pads_the_short_side_with_black() -> None:
    image = np.full((100, 200, 3), 200, np.uint8)
    crop = letterbox_roi(200, 100).crop(image, 224, replicate_border=False)
    assert crop[:50, :, :].max() == 0 and crop[-50:, :, :].max() == 0
    assert crop[60:160, 1:-1, :].min() == 200  # (the last column blends with the padding)
    assert RegionOfInterest(0.0, 0.0, 4.0, 0.0).is_usable(100, 100) is False
    assert RegionOfInterest(50.0, 50.0, float("nan"), 0.0).is_usable(100, 100) is False
    assert RegionOfInterest(900.0, 50.0, 100.0, 0.0).is_usable(100, 100) is False
    assert RegionOfInterest(120.0, 50.0, 100.0, 0.0).is_usable(100, 100) is True


def test_heatmap_refinement_moves_to_the_weighted_centre_when_confident() -> None:
    heatmaps = np.full((64, 64, 2), -20.0)
    heatmaps[30, 40, 0] = 20.0  # confident peak at column 40, row 30
    heatmaps[30, 41, 0] = 20.0
    heatmaps[10, 10, 1] = -0.5  # below the confidence needed: left where the model put it
    points = np.array([[41.2 / 64, 31.0 / 64], [10.3 / 64, 10.3 / 64]])
    out = refine_from_heatmaps(points, heatmaps, kernel=9)
    assert (out[0] * 64).tolist() == pytest.approx([40.5, 30.0], abs=1e-6)
    assert out[1].tolist() == points[1].tolist()
    outside = refine_from_heatmaps(np.array([[1.2, 0.5], [-0.1, 0.5]]), heatmaps)
    assert outside.tolist() == [[1.2, 0.5], [-0.1, 0.5]]
    assert sigmoid([0.0, 1000.0]).tolist() == pytest.approx([0.5, 1.0])


def test_alignment_smoothing_holds_still_and_follows_fast_moves() -> None:
    smoother = AlignmentSmoother()
    hip, top = np.array([100.0, 200.0]), np.array([100.0, 120.0])
    smoother(hip, top, 0.0)
    # 1 px of jitter on a still person: the region barely moves.
    jittered, _ = smoother(hip + 1.0, top + 1.0, 33.3)
    assert np.abs(jittered - hip).max() < 0.2
    # A fast move (a quarter of the body's size in one frame): it follows most of the way.
    moved, _ = smoother(hip + 40.0, top + 40.0, 66.6)
    assert moved[0] > 100.0 + 0.6 * 40.0
    smoother.reset()
    assert smoother(hip + 5.0, top, 100.0)[0].tolist() == (hip + 5.0).tolist()
    f = OneEuroFilter(min_cutoff=1.0, beta=0.0, derivative_cutoff=1.0)
    f(np.array([0.0]), 10.0)
    assert f(np.array([5.0]), 10.0).tolist() == [5.0]  # a time that does not increase


def _first_frame(name: str) -> np.ndarray:
    from guru_form.video import VideoReader

    with VideoReader(FOOTAGE / name) as reader:
        return reader.read_frames([0])[0].image


@requires_litert
@requires_mediapipe
@pytest.mark.pose
def test_detector_and_landmarks_match_mediapipe_on_a_frame() -> None:
    """One frame, no tracking: MediaPipe's graph and ours read the same person the same way.

    Measured on squat_side_01.mp4's first frame (608x1080): the detection's alignment keypoints
    within 0.01 px of MediaPipe's, the 33 landmarks within 0.1 px (median 0.02).
    """
    from guru_form.pose.blazepose.detector import PersonDetector
    from guru_form.pose.blazepose.landmarks import BODY_LANDMARKS, LandmarkModel
    from guru_form.pose.mediapipe_backend import load_mediapipe_pose

    image = _first_frame("squat_side_01.mp4")
    h, w = image.shape[:2]
    (detection,) = PersonDetector().detect(image)
    reading = LandmarkModel().read(image, detection.roi())
    with load_mediapipe_pose().Pose(static_image_mode=True, model_complexity=1) as mp:
        result = mp.process(image)
    theirs = np.array([(p.x * w, p.y * h, p.visibility) for p in result.pose_landmarks.landmark])
    ours = reading.points[:BODY_LANDMARKS]
    distance = np.hypot(*(ours[:, :2] - theirs[:, :2]).T)
    assert np.median(distance) < 0.1 and distance.max() < 0.5, distance.round(2)
    assert np.abs(ours[:, 3] - theirs[:, 2]).max() < 0.01
    assert reading.flag > 0.9

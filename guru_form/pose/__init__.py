"""Local pose analysis: pose estimation -> joint angles -> reps, in the Guru analysis schema.

A coach without a Guru account, or without a network, still gets real numbers from a video::

    from guru_form import pose

    analysis = pose.analyze_video("my_squats.mp4", "squat", athlete_height_cm=180)
    analysis.to_frame()              # one row per rep, Guru's analysisType columns
    analysis.pose_track.frame        # per-frame joints and angles

The steps are separate modules, each a pure step on documented data:

- :mod:`~guru_form.pose.video` decodes display-oriented frames;
- :mod:`~guru_form.pose.estimator` runs a pose backend behind a small interface: our BlazePose
  pipeline on LiteRT (:mod:`~guru_form.pose.blazepose`) by default, or MediaPipe
  (:mod:`~guru_form.pose.mediapipe_backend`) to compare;
- :mod:`~guru_form.pose.people` chooses the athlete among the people in view;
- :mod:`~guru_form.pose.sides` chooses the side of the body facing the camera;
- :mod:`~guru_form.pose.filters` gates, fills and smooths the joints;
- :mod:`~guru_form.pose.track` assembles the :class:`PoseTrack`;
- :mod:`~guru_form.pose.segmentation` finds the reps;
- :mod:`~guru_form.pose.analyze` computes per-rep analyses with :mod:`guru_form.kinematics`;
- :mod:`~guru_form.pose.engine` is the local server's ``"pose"`` engine;
- :mod:`~guru_form.pose.accuracy` compares an analysis with a video's ground truth.

Importing this package needs neither runtime; running the default model needs ``ai-edge-litert``
(``pip install 'guru-form[pose]'``) and the MediaPipe backend needs mediapipe (``pip install
'guru-form[mediapipe]'``, Python 3.12 or older); each says so with
:class:`~guru_form.errors.MissingDependencyError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# ``track`` is both a submodule (where PoseTrack lives) and the function users call: importing the
# submodule first and binding the function afterwards makes ``pose.track(...)`` the function.
from guru_form.pose import track as _track_module  # noqa: F401
from guru_form.pose.accuracy import Accuracy, accuracy_against_truth
from guru_form.pose.analyze import analyze_track, analyze_video, analyze_videos, track
from guru_form.pose.engine import PoseEngine
from guru_form.pose.estimator import (
    DEFAULT_ESTIMATOR,
    ESTIMATORS,
    PersonSeries,
    PoseEstimator,
    RawPose,
    estimate_video,
)
from guru_form.pose.people import activity_movement, choose_person
from guru_form.pose.segmentation import RULES, RepWindow, segment_reps
from guru_form.pose.sides import choose_side
from guru_form.pose.track import PoseTrack, build_track

if TYPE_CHECKING:
    from guru_form.pose.blazepose import BlazePoseEstimator
    from guru_form.pose.mediapipe_backend import MediaPipeEstimator

__all__ = [
    "DEFAULT_ESTIMATOR",
    "ESTIMATORS",
    "RULES",
    "Accuracy",
    "BlazePoseEstimator",
    "MediaPipeEstimator",
    "PersonSeries",
    "PoseEngine",
    "PoseEstimator",
    "PoseTrack",
    "RawPose",
    "RepWindow",
    "accuracy_against_truth",
    "activity_movement",
    "analyze_track",
    "analyze_video",
    "analyze_videos",
    "build_track",
    "choose_person",
    "choose_side",
    "estimate_video",
    "segment_reps",
    "track",
]


def __getattr__(name: str) -> Any:
    # The backends are imported on first use: they are the parts that need a runtime.
    if name == "MediaPipeEstimator":
        from guru_form.pose.mediapipe_backend import MediaPipeEstimator

        return MediaPipeEstimator
    if name == "BlazePoseEstimator":
        from guru_form.pose.blazepose import BlazePoseEstimator

        return BlazePoseEstimator
    raise AttributeError(f"module 'guru_form.pose' has no attribute {name!r}")

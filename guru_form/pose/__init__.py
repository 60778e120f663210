"""Local pose analysis: pose estimation -> joint angles -> reps, in the Guru analysis schema.

A coach without a Guru account, or without a network, still gets real numbers from a video::

    from guru_form import pose

    analysis = pose.analyze_video("my_squats.mp4", "squat", athlete_height_cm=180)
    analysis.to_frame()              # one row per rep, Guru's analysisType columns
    analysis.pose_track.frame        # per-frame joints and angles

The steps are separate modules, each a pure step on documented data:

- :mod:`~guru_form.pose.video` decodes display-oriented frames;
- :mod:`~guru_form.pose.estimator` runs a pose backend (:mod:`~guru_form.pose.mediapipe_backend`
  by default) behind a small interface;
- :mod:`~guru_form.pose.sides` chooses the side of the body facing the camera;
- :mod:`~guru_form.pose.filters` gates, fills and smooths the joints;
- :mod:`~guru_form.pose.track` assembles the :class:`PoseTrack`;
- :mod:`~guru_form.pose.segmentation` finds the reps;
- :mod:`~guru_form.pose.recognition` tells which activity a track shows (when none is given);
- :mod:`~guru_form.pose.analyze` computes per-rep analyses with :mod:`guru_form.kinematics`;
- :mod:`~guru_form.pose.engine` is the local server's ``"pose"`` engine;
- :mod:`~guru_form.pose.accuracy` compares an analysis with a video's ground truth.

Importing this package does not need mediapipe; running the model does (``pip install
'guru-form[pose]'``), and says so with :class:`~guru_form.errors.MissingDependencyError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# ``track`` is both a submodule (where PoseTrack lives) and the function users call: importing the
# submodule first and binding the function afterwards makes ``pose.track(...)`` the function.
from guru_form.pose import track as _track_module  # noqa: F401
from guru_form.pose.accuracy import Accuracy, accuracy_against_truth
from guru_form.pose.analyze import analyze_track, analyze_video, analyze_videos, track
from guru_form.pose.engine import PoseEngine
from guru_form.pose.estimator import ESTIMATORS, PoseEstimator, RawPose, estimate_video
from guru_form.pose.recognition import RecognizedActivity, recognize_activity
from guru_form.pose.segmentation import RULES, RepWindow, segment_reps
from guru_form.pose.sides import choose_side
from guru_form.pose.track import PoseTrack, build_track

if TYPE_CHECKING:
    from guru_form.pose.mediapipe_backend import MediaPipeEstimator

__all__ = [
    "ESTIMATORS",
    "RULES",
    "Accuracy",
    "MediaPipeEstimator",
    "PoseEngine",
    "PoseEstimator",
    "PoseTrack",
    "RawPose",
    "RecognizedActivity",
    "RepWindow",
    "accuracy_against_truth",
    "analyze_track",
    "analyze_video",
    "analyze_videos",
    "build_track",
    "choose_side",
    "estimate_video",
    "recognize_activity",
    "segment_reps",
    "track",
]


def __getattr__(name: str) -> Any:
    # The MediaPipe backend is imported on first use: it is the one part that needs mediapipe.
    if name == "MediaPipeEstimator":
        from guru_form.pose.mediapipe_backend import MediaPipeEstimator

        return MediaPipeEstimator
    raise AttributeError(f"module 'guru_form.pose' has no attribute {name!r}")

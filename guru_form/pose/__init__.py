"""Local pose analysis: pose estimation -> joint angles -> reps, in the Guru analysis schema.

A coach without a Guru account, or without a network, still gets real numbers from a video::

    from guru_form import pose

    analysis = pose.analyze_video("my_squats.mp4", "squat", athlete_height_cm=180)
    analysis.to_frame()              # one row per rep, Guru's analysisType columns
    analysis.pose_track.frame        # per-frame joints and angles

``analyze_video`` estimates a pose track, then analyses it. ``analyze_track`` does the second
step on a track from any source: DeepLabCut, SLEAP, LightningPose or NWB data loaded by movement
(``PoseTrack.from_movement``), or a Sports2D/Pose2Sim/OpenCap ``.trc`` (``PoseTrack.from_trc``)::

    track = pose.PoseTrack.from_movement(ds, activity="squat")
    pose.analyze_track(track).to_frame()

The steps are separate modules, each a pure step on documented data:

- :mod:`~guru_form.pose.estimator` runs a pose backend over the frames
  :class:`guru_form.video.VideoReader` decodes, behind a small interface: our BlazePose pipeline
  on LiteRT (:mod:`~guru_form.pose.blazepose`) by default, or MediaPipe
  (:mod:`~guru_form.pose.mediapipe_backend`) to compare;
- :mod:`~guru_form.pose.people` chooses the athlete among the people in view;
- :mod:`~guru_form.pose.sides` chooses the side of the body facing the camera;
- :mod:`~guru_form.pose.filters` gates, fills and smooths the joints;
- :mod:`~guru_form.pose.track` assembles the :class:`PoseTrack` (the data model lives in
  :mod:`guru_form.pose_track`; :mod:`guru_form.io` saves it and converts it to other formats);
- :mod:`~guru_form.pose.segmentation` finds the reps;
- :mod:`~guru_form.pose.recognition` tells which activity a track shows (when none is given);
- :mod:`~guru_form.pose.analysis` estimates a track from a video (:func:`estimate_track`) and
  analyses a track into reps (:func:`analyze_track`) with :mod:`guru_form.kinematics`;
- :mod:`~guru_form.pose.engine` is the local server's ``"pose"`` engine;
- :mod:`~guru_form.pose.accuracy` compares an analysis with a video's ground truth.

Importing this package needs neither runtime; running the default model needs ``ai-edge-litert``
(``pip install 'guru-form[pose]'``) and the MediaPipe backend needs mediapipe (``pip install
'guru-form[mediapipe]'``, Python 3.12 or older); each says so with
:class:`~guru_form.errors.MissingDependencyError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guru_form._deprecation import alias_module
from guru_form._lazy import lazy_exports
from guru_form.pose.accuracy import Accuracy, accuracy_against_truth
from guru_form.pose.analysis import (
    analyze_track,
    analyze_video,
    analyze_videos,
    estimate_track,
    required_joints,
)
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
from guru_form.pose.recognition import RecognizedActivity, recognize_activity
from guru_form.pose.segmentation import RepWindow, segment_reps
from guru_form.pose.sides import choose_side
from guru_form.pose.track import PoseTrack, build_track, track_from_keypoints
from guru_form.pose_track import PoseKeypoints

if TYPE_CHECKING:
    from guru_form.pose.blazepose import BlazePoseEstimator
    from guru_form.pose.mediapipe_backend import MediaPipeEstimator

__all__ = [
    "DEFAULT_ESTIMATOR",
    "ESTIMATORS",
    "Accuracy",
    "BlazePoseEstimator",
    "MediaPipeEstimator",
    "PersonSeries",
    "PoseEngine",
    "PoseEstimator",
    "PoseKeypoints",
    "PoseTrack",
    "RawPose",
    "RecognizedActivity",
    "RepWindow",
    "accuracy_against_truth",
    "activity_movement",
    "analyze_track",
    "analyze_video",
    "analyze_videos",
    "build_track",
    "choose_person",
    "choose_side",
    "estimate_track",
    "estimate_video",
    "recognize_activity",
    "required_joints",
    "segment_reps",
    "track_from_keypoints",
]

# Renamed: the module pose.analyze is pose.analysis. (pose.track is the module that builds a track;
# calling it, the old name of estimate_track, still works for one release: see pose/track.py.)
alias_module("guru_form.pose.analyze", "guru_form.pose.analysis")


# The backends are imported on first use: they are the parts that need a runtime.
_backend_getattr, __dir__ = lazy_exports(
    __name__,
    {
        "BlazePoseEstimator": "guru_form.pose.blazepose.backend",
        "MediaPipeEstimator": "guru_form.pose.mediapipe_backend",
    },
)


def __getattr__(name: str) -> Any:
    if name == "RULES":  # deprecated: each activity's profile holds its rule
        from guru_form._deprecation import warn_moved
        from guru_form.pose import segmentation

        warn_moved("guru_form.pose.RULES", "guru_form.activities.get(activity).rule")
        return segmentation._rules()
    return _backend_getattr(name)

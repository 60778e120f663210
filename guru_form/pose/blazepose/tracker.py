"""Tracking people from frame to frame, and finding them again when the track is lost.

Each person found is a :class:`PersonTrack` with an id of its own. On each frame:

1. every tracked person is read from the region of interest their previous frame's (smoothed)
   alignment landmarks give (:mod:`.roi`, :mod:`.smoothing`): no detector;
2. a track is lost when its pose flag is below ``min_tracking_score`` or its region is
   degenerate (:meth:`~.roi.RegionOfInterest.is_usable`), and it is re-detected on the same frame
   when the proportion guard (:mod:`.guard`) finds the body implausible;
3. the detector (:mod:`.detector`) runs only when tracking needs it: no one is tracked, a track
   was lost or is to be re-detected, or (when more than one person may be tracked) every
   ``detect_interval_ms`` to find people who came into view; for ``retry_ms`` after a person is
   lost it runs on every frame;
4. its detections are matched to the people: a detection whose face box holds the face of a
   person read on this frame (or whose mid-hip is near theirs) is that person; a lost or recently lost person takes the nearest remaining
   detection within reach (so a person keeps their id through a short loss), and when no one
   else is in view the person seen last takes the best detection wherever it is (after a cut);
   any other detection is a new person, while fewer than ``max_people`` are tracked;
5. two tracks that have converged on one body become one (the older id stays); of the people
   out of view, the ``max_people`` seen last are remembered.

With ``max_people=1`` this is MediaPipe's legacy pose tracking (detect once, then follow; detect
again only when the track is lost), except that a lost person is re-detected on the same frame
instead of the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from guru_form.pose.blazepose.detector import Detection, PersonDetector
from guru_form.pose.blazepose.guard import ProportionGuard
from guru_form.pose.blazepose.landmarks import LandmarkModel, PoseLandmarks
from guru_form.pose.blazepose.roi import RegionOfInterest, roi_from_alignment
from guru_form.pose.blazepose.smoothing import AlignmentSmoother

__all__ = ["SAME_PERSON", "PeopleTracker", "PersonTrack", "engine_joints"]

FloatArray = npt.NDArray[np.float64]

#: Default smallest pose flag that keeps a track (MediaPipe's ``min_tracking_confidence``).
MIN_TRACKING_SCORE = 0.5
#: A detection is the same person as a track when its mid-hip is within this fraction of the
#: person's size (hip to the scale point) of the track's mid-hip ...
SAME_PERSON = 0.3
#: ... and a lost person takes a detection within this fraction of their size.
_REACQUIRE = 1.0
#: The face's landmarks: nose, eyes, ears, mouth.
FACE_LANDMARKS = 11
#: Two people's sizes differ by less than this factor when they may be one.
_SIZE_RATIO = 2.0


@dataclass
class PersonTrack:
    """One person followed from frame to frame.

    Attributes
    ----------
    id
        0, 1, 2, ... in the order people were first found.
    roi
        The region to read on the next frame; None while the person is lost.
    last
        The latest reading.
    first_ms, last_ms
        When the person was first and last found.
    frames
        On how many frames they were found.
    """

    id: int
    roi: RegionOfInterest | None = None
    last: PoseLandmarks | None = None
    first_ms: float = 0.0
    last_ms: float = 0.0
    frames: int = 0
    smoother: AlignmentSmoother = field(default_factory=AlignmentSmoother)
    guard: ProportionGuard = field(default_factory=ProportionGuard)

    @property
    def hip(self) -> FloatArray | None:
        """The latest mid-hip (alignment centre), pixels."""
        return None if self.last is None else self.last.alignment[0]

    @property
    def scale(self) -> float:
        """The latest distance from the mid-hip to the scale point, pixels (0 when unknown)."""
        if self.last is None:
            return 0.0
        hip, top = self.last.alignment
        return float(np.hypot(*(top - hip)))

    def accept(self, reading: PoseLandmarks, time_ms: float) -> None:
        """Take this frame's reading; the next frame's region comes from it."""
        if self.frames == 0:
            self.first_ms = time_ms
        self.last = reading
        self.last_ms = time_ms
        self.frames += 1
        hip, top = self.smoother(*reading.alignment, time_ms)
        self.roi = roi_from_alignment(hip, top)

    def lose(self) -> None:
        """The person was not found on this frame."""
        self.roi = None
        self.smoother.reset()


def engine_joints(reading: PoseLandmarks) -> FloatArray:
    """The engine's joints ``(len(JOINTS), 4)``: x, y, depth, visibility."""
    return reading.joints


def _near(point: FloatArray, track: PersonTrack, reach: float, scale: float) -> float | None:
    """Distance from ``point`` to the track's mid-hip in units of its size, if within reach."""
    hip = track.hip
    size = track.scale
    if hip is None or not size > 0:
        return None
    if not (1.0 / _SIZE_RATIO <= scale / size <= _SIZE_RATIO):
        return None
    distance = float(np.hypot(*(point - hip))) / size
    return distance if distance <= reach else None


class PeopleTracker:
    """Find and follow people through a video's frames (see the module docstring).

    Parameters
    ----------
    detector, landmarks
        The two models.
    max_people
        At most this many people are tracked at once.
    min_tracking_score
        A track is lost when the pose flag falls below this.
    detect_interval_ms
        With ``max_people > 1``, the detector also runs this often to find newcomers.
    retry_ms
        After a person is lost, the detector looks for them on every frame for this long (then
        every ``detect_interval_ms``).
    guard
        Re-detect frames whose body proportions are implausible.
    """

    def __init__(
        self,
        detector: PersonDetector,
        landmarks: LandmarkModel,
        *,
        max_people: int = 4,
        min_tracking_score: float = MIN_TRACKING_SCORE,
        detect_interval_ms: float = 1000.0,
        retry_ms: float = 500.0,
        guard: bool = True,
    ) -> None:
        if max_people < 1:
            raise ValueError(f"max_people must be 1 or more, got {max_people}")
        self.detector = detector
        self.landmarks = landmarks
        self.max_people = max_people
        self.min_tracking_score = min_tracking_score
        self.detect_interval_ms = detect_interval_ms
        self.retry_ms = retry_ms
        self.guard = guard
        self.tracks: list[PersonTrack] = []
        self._next_id = 0
        self._last_detection_ms: float | None = None
        #: Frames on which the detector ran, and frames the guard re-detected.
        self.detections = 0
        self.redetections = 0

    def reset(self) -> None:
        """Forget everyone (a new video)."""
        self.tracks = []
        self._next_id = 0
        self._last_detection_ms = None

    def _read(self, image: npt.NDArray[np.uint8], roi: RegionOfInterest) -> PoseLandmarks | None:
        height, width = image.shape[:2]
        if not roi.is_usable(width, height):
            return None
        reading = self.landmarks.read(image, roi)
        return reading if reading.flag >= self.min_tracking_score else None

    def update(self, image: npt.NDArray[np.uint8], time_ms: float) -> dict[int, FloatArray]:
        """Read everyone on this frame.

        Returns
        -------
        dict
            Person id -> joints ``(len(JOINTS), 4)`` for each person found on this frame.
        """
        found: dict[int, PoseLandmarks] = {}
        recheck: list[PersonTrack] = []
        lost_now: set[int] = set()
        followed = 0
        for track in self.tracks:
            if track.roi is None:
                continue
            followed += 1
            reading = self._read(image, track.roi)
            if reading is None:
                track.lose()
                lost_now.add(track.id)
                continue
            if self.guard and track.guard.implausible(engine_joints(reading)):
                recheck.append(track)
            found[track.id] = reading
            track.accept(reading, time_ms)
        missing = any(
            t.roi is None and t.id not in lost_now and time_ms - t.last_ms <= self.retry_ms
            for t in self.tracks
        )
        due = self.max_people > 1 and (
            self._last_detection_ms is None
            or time_ms - self._last_detection_ms >= self.detect_interval_ms
        )
        if not followed or missing or recheck or due:
            self._detect(image, time_ms, found, recheck, lost_now)
        self._merge_converged(found)
        self._forget()
        if self.guard:
            for track in self.tracks:
                if track.id in found:
                    track.guard.accept(engine_joints(found[track.id]))
        return {pid: engine_joints(reading) for pid, reading in sorted(found.items())}

    def _detect(
        self,
        image: npt.NDArray[np.uint8],
        time_ms: float,
        found: dict[int, PoseLandmarks],
        recheck: list[PersonTrack],
        lost_now: set[int],
    ) -> None:
        detections = self.detector.detect(image)
        self._last_detection_ms = time_ms
        self.detections += 1
        by_id = {t.id: t for t in self.tracks}
        settled = [by_id[pid] for pid in found if by_id[pid] not in recheck]
        # A person lost on this very frame is looked for from the next frame on (as MediaPipe
        # does); meanwhile the detections on them are theirs, not newcomers.
        settled_or_waiting = settled + [by_id[pid] for pid in lost_now]
        remaining = [d for d in detections if not any(_claims(t, d) for t in settled_or_waiting)]
        # A person to re-detect takes the detection nearest to them; so does a lost person, the
        # most recently seen first. When no one else is in view, the person seen last takes the
        # best detection wherever it is (the athlete after a cut, or back from out of frame).
        lost = sorted(
            (t for t in self.tracks if t.roi is None and t.id not in lost_now),
            key=lambda t: -t.last_ms,
        )
        for track in recheck + lost:
            if not remaining:
                break
            choice = _nearest(track, remaining)
            if choice is None and not settled and track is (lost[0] if lost else None):
                choice = 0
            if choice is None:
                continue
            reading = self._read(image, remaining[choice].roi())
            if reading is None:
                continue
            remaining.pop(choice)
            if track in recheck:
                self.redetections += 1
                track.guard.redetected()
                track.frames -= 1  # this frame was counted with the implausible reading
            track.smoother.reset()
            found[track.id] = reading
            track.accept(reading, time_ms)
            settled.append(track)
        active = sum(1 for t in self.tracks if t.roi is not None)
        for detection in remaining:
            if active >= self.max_people:
                break
            reading = self._read(image, detection.roi())
            if reading is None:
                continue
            track = PersonTrack(self._next_id)
            self._next_id += 1
            self.tracks.append(track)
            found[track.id] = reading
            track.accept(reading, time_ms)
            active += 1

    def _merge_converged(self, found: dict[int, PoseLandmarks]) -> None:
        """Two tracks read on one body: keep the one found first."""
        ids = sorted(found)
        by_id = {t.id: t for t in self.tracks}
        for i, a in enumerate(ids):
            if a not in found:
                continue
            for b in ids[i + 1 :]:
                if b not in found:
                    continue
                older, newer = by_id[a], by_id[b]
                hip = newer.hip
                if hip is not None and _near(hip, older, SAME_PERSON / 2.0, newer.scale):
                    del found[b]
                    self.tracks.remove(newer)

    def _forget(self) -> None:
        """Keep the ``max_people`` most recently seen of the people out of view."""
        lost = sorted((t for t in self.tracks if t.roi is None), key=lambda t: -t.last_ms)
        dropped = {t.id for t in lost[self.max_people :]}
        if dropped:
            self.tracks = [t for t in self.tracks if t.id not in dropped]


def _claims(track: PersonTrack, detection: Detection) -> bool:
    """True when ``detection`` is ``track``'s person.

    The detector's box is the face's: the detection is the person whose face (the mean of the
    face landmarks the model sees) lies in it, enlarged by half; or whose mid-hip is near the
    detection's. Faces tell people apart even when their bodies overlap (a child beside an
    athlete, whose body the athlete's crop also covers).
    """
    if _near(detection.keypoints[0], track, SAME_PERSON, _detection_scale(detection)) is not None:
        return True
    if track.last is None:
        return False
    face = track.last.points[:FACE_LANDMARKS]
    seen = face[face[:, 3] >= 0.3, :2]
    if not len(seen):
        return False
    x, y = seen.mean(axis=0)
    x0, y0, x1, y1 = detection.box
    mx, my = 0.25 * (x1 - x0), 0.25 * (y1 - y0)
    return bool(x0 - mx <= x <= x1 + mx and y0 - my <= y <= y1 + my)


def _nearest(track: PersonTrack, detections: list[Detection]) -> int | None:
    """Index of the detection nearest to ``track``'s last mid-hip, within reach."""
    best: tuple[float, int] | None = None
    for i, d in enumerate(detections):
        distance = _near(d.keypoints[0], track, _REACQUIRE, _detection_scale(d))
        if distance is not None and (best is None or distance < best[0]):
            best = (distance, i)
    return None if best is None else best[1]


def _detection_scale(detection: Detection) -> float:
    hip, top = detection.keypoints[0], detection.keypoints[1]
    return float(np.hypot(*(top - hip)))

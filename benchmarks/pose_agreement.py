"""Agreement of our BlazePose pipeline with MediaPipe 0.10.21, joint by joint, on real and sample videos.

Run from the repository root (needs the ``pose`` and ``mediapipe`` extras, Python 3.12 or older)::

    python benchmarks/pose_agreement.py                 # every clip, every frame (stride 1)
    python benchmarks/pose_agreement.py --json out.json  # also write the numbers
    python benchmarks/pose_agreement.py --clips squat_side_01.mp4 squat
    python benchmarks/pose_agreement.py --figures /tmp/agreement  # + each clip's worst frame, PNG

Clips: ``tests/footage/*.mp4``, ``tests/footage/external/*.mp4`` when fetched
(``python tests/footage/fetch_external.py``) and the four sample videos. The baseline, run in the
same process on the same decoded frames, is :class:`~guru_form.pose.mediapipe_backend.MediaPipeEstimator`
(MediaPipe's legacy pose solution, ``model_complexity=1``, video mode, with the proportion
guard); ours is the default backend as the engine runs it (:class:`~guru_form.pose.blazepose.
BlazePoseEstimator`, every person tracked, the athlete chosen by
:func:`~guru_form.pose.people.choose_person` for the clip's activity).

Three comparisons per clip:

- **ours vs MediaPipe**: every frame, each backend tracking as it does in an analysis. Reported:
  frames where both / only ours / only MediaPipe found the athlete, and the pixel distance
  between the two backends' joints on the shared frames: median and 95th percentile, overall and
  per joint (all clips pooled). MediaPipe's legacy solution stamps every frame 1/30 s after the
  one before whatever the video's rate, and the region of interest follows a filter of time, so
  on a clip that is not 30 frames/s ours also reads the frames stamped that way (on
  MediaPipe's clock): the two pipelines on the same input.
- **MediaPipe vs itself, shifted**: MediaPipe on the same frames moved right by one pixel (then
  moved back): how far the model's own tracking wanders when its input changes by that little.
  This is the tolerance ours is held to (:func:`~guru_form.pose.agreement.tolerance_breaches`,
  on the same clock): the two backends may differ by about as much as MediaPipe differs from
  itself. Each clip is reported within it or not, with the statistics over it.
- **same region**: our landmark model reading, on every 5th frame, the very region of interest
  MediaPipe's graph read (its ``pose_rect_from_landmarks`` of the frame before, or
  ``pose_rect_from_detection`` when it detected): the pipeline without tracking. Reported: the
  median, 99th percentile and largest distance over the joints.

Tracking is where the two part: each reads a frame from the region its previous frame gave, and
MediaPipe's region follows a one-euro filter whose state carries every earlier frame, so a
sub-pixel difference (the two runtimes' floating point) or a different moment of re-detection
moves the next crops a little, and the landmarks with them; on some clips (the bench press seen
from the head end) a region moved by 0.3 px moves the landmarks by several pixels. Reading the
same region, the two agree to a small fraction of a pixel.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FOOTAGE = ROOT / "tests" / "footage"
SAME_REGION_STEP = 5


def clips() -> list[tuple[str, Path, str]]:
    """``(name, path, activity)`` of every clip present."""
    from guru_form import samples

    labels = {
        k: v for k, v in json.loads((FOOTAGE / "labels.json").read_text()).items() if k[0] != "_"
    }
    found = []
    for name, label in sorted(labels.items(), key=lambda item: (not item[1]["in_git"], item[0])):
        path = FOOTAGE / name
        if path.exists():
            found.append((name, path, str(label["activity"])))
    for name in samples.sample_names():
        found.append((f"sample {name}", samples.sample_path(name), name))
    return found


def _frames(path: Path) -> list[Any]:
    from guru_form.video import VideoReader

    with VideoReader(path) as reader:
        return list(reader.iter_strided(1))


#: The clock of MediaPipe's legacy solution: every ``process()`` call is 1/30 s after the one before,
#: whatever the video's frame rate (``solution_base.py``: ``_simulated_timestamp += 33333`` us).
MEDIAPIPE_FRAME_MS = 1000.0 / 30.0


def _ours(path: Path, frames: list[Any], times_ms: Any, activity: str) -> tuple[Any, int, float]:
    """Our backend over ``frames`` stamped ``times_ms``: the athlete's joints, people, seconds."""
    import dataclasses

    from guru_form.pose.blazepose import BlazePoseEstimator
    from guru_form.pose.estimator import PersonSeries, RawPose
    from guru_form.pose.joints import JOINTS
    from guru_form.pose.people import choose_person
    from guru_form.video import probe_video

    n = len(frames)
    start = time.perf_counter()
    model = BlazePoseEstimator()
    rows: dict[int, list[int]] = {}
    joints_by_id: dict[int, list[Any]] = {}
    for i, (f, t) in enumerate(zip(frames, times_ms, strict=True)):
        for pid, joints in model.estimate_people(f.image, float(t)).items():
            rows.setdefault(pid, []).append(i)
            joints_by_id.setdefault(pid, []).append(joints)
    seconds = time.perf_counter() - start
    people = {
        pid: PersonSeries(pid, np.asarray(rows[pid]), np.stack(joints_by_id[pid])) for pid in rows
    }
    raw = RawPose(
        video=probe_video(path),
        frame=np.arange(n),
        time_ms=np.asarray(times_ms, dtype=float),
        landmarks=np.full((n, len(JOINTS), 4), np.nan),
        scene_change=np.zeros(n),
        brightness=np.zeros(n),
        stride=1,
        estimator="blazepose",
        people=people,
    )
    chosen = choose_person(dataclasses.replace(raw), activity) if people else raw
    return chosen.landmarks, len(people), seconds


def compare_video(path: Path, activity: str) -> dict[str, Any]:
    """Both backends over every frame of ``path``; the agreement and the timings.

    Ours reads the frames with their times, as in an analysis. When the video's rate is not
    30 frames/s it also reads them on MediaPipe's clock (:data:`MEDIAPIPE_FRAME_MS` apart): the
    region of interest follows a filter of time, so this is the comparison of the two pipelines
    on the same input (``clock_agreement``; the same as ``agreement`` at 30 frames/s).
    """
    from guru_form.pose.agreement import landmark_agreement
    from guru_form.pose.joints import JOINTS
    from guru_form.pose.mediapipe_backend import MediaPipeEstimator
    from guru_form.video import probe_video

    frames = _frames(path)
    n = len(frames)
    start = time.perf_counter()
    mp = MediaPipeEstimator()
    theirs = np.full((n, len(JOINTS), 4), np.nan)
    for i, f in enumerate(frames):
        joints = mp.estimate(f.image, f.time_ms)
        if joints is not None:
            theirs[i] = joints
    mp.close()
    mp_s = time.perf_counter() - start

    info = probe_video(path)
    ours, people, ours_s = _ours(path, frames, [f.time_ms for f in frames], activity)
    result = landmark_agreement(ours, theirs)
    clock = result
    if abs(info.fps * MEDIAPIPE_FRAME_MS / 1000.0 - 1.0) > 0.01:
        on_their_clock, _, _ = _ours(path, frames, np.arange(n) * MEDIAPIPE_FRAME_MS, activity)
        clock = landmark_agreement(on_their_clock, theirs)
    return {
        "size": f"{info.width}x{info.height}",
        "fps": info.fps,
        "frames": n,
        "both": result.both,
        "only_ours": result.only_first,
        "only_mediapipe": result.only_second,
        "people": people,
        "median_px": result.overall_median_px,
        "p95_px": result.overall_p95_px,
        "joint_median_px": result.median_px,
        "joint_p95_px": result.p95_px,
        "mediapipe_clock": {
            "median_px": clock.overall_median_px,
            "p95_px": clock.overall_p95_px,
            "joint_median_px": clock.median_px,
        },
        "distance": result.distance,
        "agreement": result,
        "clock_agreement": clock,
        "ours": ours,
        "theirs": theirs,
        "ours_s": ours_s,
        "mediapipe_s": mp_s,
    }


def _shifted(image: Any) -> Any:
    """The frame moved right by one pixel (its first column repeated)."""
    return np.ascontiguousarray(np.concatenate([image[:, :1], image[:, :-1]], axis=1))


def compare_mediapipe_shifted(path: Path, theirs: Any) -> dict[str, Any]:
    """MediaPipe on the frames moved by one pixel, against MediaPipe on the frames as they are."""
    from guru_form.pose.agreement import landmark_agreement
    from guru_form.pose.joints import JOINTS
    from guru_form.pose.mediapipe_backend import MediaPipeEstimator

    frames = _frames(path)
    mp = MediaPipeEstimator()
    shifted = np.full((len(frames), len(JOINTS), 4), np.nan)
    for i, f in enumerate(frames):
        joints = mp.estimate(_shifted(f.image), f.time_ms)
        if joints is not None:
            shifted[i] = joints
            shifted[i, :, 0] -= 1.0
    mp.close()
    result = landmark_agreement(shifted, theirs)
    return {
        "median_px": result.overall_median_px,
        "p95_px": result.overall_p95_px,
        "both": result.both,
        "only_shifted": result.only_first,
        "only_unshifted": result.only_second,
        "distance": result.distance,
        "agreement": result,
    }


def compare_same_region(path: Path, step: int = SAME_REGION_STEP) -> dict[str, Any]:
    """Our landmark model on the region MediaPipe's graph read, every ``step``-th frame."""
    from mediapipe.python.solution_base import SolutionBase
    from mediapipe.python.solutions import pose as mp_pose

    from guru_form.pose.blazepose.landmarks import LandmarkModel
    from guru_form.pose.blazepose.roi import RegionOfInterest
    from guru_form.pose.blazepose.topology import JOINT_LANDMARKS

    graph = SolutionBase(
        binary_graph_path=mp_pose._BINARYPB_FILE_PATH,
        side_inputs={
            "model_complexity": 1,
            "smooth_landmarks": False,
            "enable_segmentation": False,
            "smooth_segmentation": False,
            "use_prev_landmarks": True,
        },
        outputs=["pose_landmarks", "pose_rect_from_landmarks", "pose_rect_from_detection"],
    )
    model = LandmarkModel()
    index = list(JOINT_LANDMARKS)
    previous = None
    distances = []
    for i, f in enumerate(_frames(path)):
        h, w = f.image.shape[:2]
        out = graph.process({"image": f.image})
        rect = out.pose_rect_from_detection or previous
        if i % step == 0 and out.pose_landmarks is not None and rect is not None:
            roi = RegionOfInterest(
                rect.x_center * w, rect.y_center * h, rect.width * w, rect.rotation
            )
            ours = model.read(f.image, roi).points[index, :2]
            theirs = np.array([(p.x * w, p.y * h) for p in out.pose_landmarks.landmark])[index]
            distances.append(np.hypot(*(ours - theirs).T))
        previous = out.pose_rect_from_landmarks
    graph.close()
    if not distances:
        nan = float("nan")
        return {"frames": 0, "median_px": nan, "p99_px": nan, "max_px": nan}
    d = np.stack(distances)
    return {
        "frames": len(d),
        "median_px": float(np.median(d)),
        "p99_px": float(np.percentile(d, 99)),
        "max_px": float(d.max()),
    }


def draw_largest_difference(
    path: Path, ours: Any, theirs: Any, target: Path
) -> dict[str, Any] | None:
    """Save the frame where the two backends differ most, both skeletons drawn on it.

    "Most" is the largest median distance over the joints on a shared frame. Ours is drawn in
    green, MediaPipe in magenta, each side's bones separately; the frame is written as a PNG to
    ``target``. Returns the frame's index and its median and largest joint distance, or ``None``
    when no frame is shared.
    """
    import cv2

    from guru_form.frames.annotate import draw_outlined_text
    from guru_form.frames.skeleton import draw_skeleton
    from guru_form.pose.joints import JOINTS, SIDES
    from guru_form.video import VideoReader

    distance = np.hypot(*(ours[:, :, :2] - theirs[:, :, :2]).transpose(2, 0, 1))
    per_frame = np.nanmedian(np.where(np.isfinite(distance), distance, np.nan), axis=1)
    if not np.isfinite(per_frame).any():
        return None
    worst = int(np.nanargmax(per_frame))
    with VideoReader(path) as reader:
        image = next(f.image for i, f in enumerate(reader.iter_strided(1)) if i == worst).copy()
    for joints, colour in ((theirs[worst], (230, 60, 230)), (ours[worst], (40, 220, 40))):
        for side in SIDES:
            named = {
                name.removeprefix(f"{side}_"): (float(joints[k, 0]), float(joints[k, 1]))
                for k, name in enumerate(JOINTS)
                if name == "nose" or name.startswith(f"{side}_")
            }
            draw_skeleton(image, named, bone_color=colour, joint_color=colour)
    far = int(np.nanargmax(distance[worst]))
    draw_outlined_text(
        image,
        f"frame {worst}: median {per_frame[worst]:.1f} px, {JOINTS[far]} {distance[worst, far]:.0f} px",
        (10, 50),
    )
    draw_outlined_text(image, "ours green, MediaPipe magenta", (10, 80))
    target.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(target), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return {
        "frame": worst,
        "median_px": float(per_frame[worst]),
        "joint": JOINTS[far],
        "joint_px": float(distance[worst, far]),
        "png": str(target),
    }


def main() -> None:
    """Parse the command line, compare on every clip, print the tables."""
    from guru_form.pose.agreement import tolerance_breaches
    from guru_form.pose.joints import JOINTS

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--clips", nargs="*", help="only these clips (names as printed)")
    parser.add_argument(
        "--figures",
        type=Path,
        help="save, per clip, the frame where the two differ most with both skeletons (PNG)",
    )
    args = parser.parse_args()
    chosen = [c for c in clips() if not args.clips or any(k in c[0] for k in args.clips)]
    print("Agreement with MediaPipe 0.10.21, every frame (stride 1): pixel distance between the")
    print("joints on the frames where both found the athlete (median / 95th percentile), beside")
    print("MediaPipe against itself on the frames moved by 1 px (and the frames only the moved /")
    print("only the unmoved run found the athlete on), and our model reading MediaPipe's own")
    print("region (median / 99th percentile / largest). Within: ours vs MP on the same clock")
    print("within the tolerance of guru_form.pose.agreement.tolerance_breaches")
    print(
        f"{'clip':<34} {'size':>9} {'frames':>6} {'both':>5} {'ours':>4} {'MP':>4} "
        f"{'ppl':>3} {'ours vs MP':>14} {'MP vs MP+1px':>14} {'1px only':>8} "
        f"{'same region':>21}  within"
    )
    results: dict[str, Any] = {}
    all_distances = []
    all_shifted = []
    for name, path, activity in chosen:
        video = compare_video(path, activity)
        self_shift = compare_mediapipe_shifted(path, video["theirs"])
        region = compare_same_region(path)
        breaches = tolerance_breaches(video["clock_agreement"], self_shift["agreement"])
        own_clock = tolerance_breaches(video["agreement"], self_shift["agreement"])
        arrays = ("distance", "agreement", "clock_agreement", "ours", "theirs")
        results[name] = {
            **{k: v for k, v in video.items() if k not in arrays},
            "mediapipe_shifted": {k: v for k, v in self_shift.items() if k not in arrays},
            "same_region": region,
            "breaches": breaches,
            "breaches_frame_times": own_clock,
        }
        if args.figures:
            png = args.figures / f"{name.replace('/', '_').replace(' ', '_')}.png"
            results[name]["largest_difference"] = draw_largest_difference(
                path, video["ours"], video["theirs"], png
            )
        all_distances.append(video["distance"])
        all_shifted.append(self_shift["distance"])
        print(
            f"{name:<34} {video['size']:>9} {video['frames']:>6} {video['both']:>5} "
            f"{video['only_ours']:>4} {video['only_mediapipe']:>4} {video['people']:>3} "
            f"{video['median_px']:>6.2f} / {video['p95_px']:<5.1f} "
            f"{self_shift['median_px']:>6.2f} / {self_shift['p95_px']:<5.1f} "
            f"{self_shift['only_shifted']:>3} {self_shift['only_unshifted']:>4} "
            f"{region['median_px']:>6.3f} / {region['p99_px']:<5.2f} / {region['max_px']:<5.2f}"
            f"  {'no' if breaches else 'yes'}",
            flush=True,
        )
        for breach in breaches:
            print(f"    over tolerance: {breach}", flush=True)
        if video["clock_agreement"] is not video["agreement"]:
            clock = video["mediapipe_clock"]
            print(
                f"    {video['fps']:.3f} frames/s: above, ours on the frames' times; on "
                f"MediaPipe's 1/30 s clock {clock['median_px']:.2f} / {clock['p95_px']:.1f} px "
                f"({'within' if not breaches else 'over'}); on the frames' times "
                f"{len(own_clock)} statistics over tolerance",
                flush=True,
            )
    if not all_distances:
        return
    d = np.concatenate(all_distances)
    e = np.concatenate(all_shifted)
    print()
    print(f"Per joint, all clips together ({len(d)} shared frames): median / 95th percentile, px")
    print(f"  {'joint':<20} {'ours vs MP':>15} {'MP vs MP+1px':>15}")
    for i, joint in enumerate(JOINTS):
        print(
            f"  {joint:<20} {np.median(d[:, i]):>6.2f} / {np.percentile(d[:, i], 95):<6.2f} "
            f"{np.median(e[:, i]):>6.2f} / {np.percentile(e[:, i], 95):<6.2f}"
        )
    print(
        f"  {'all joints':<20} {np.median(d):>6.2f} / {np.percentile(d, 95):<6.2f} "
        f"{np.median(e):>6.2f} / {np.percentile(e, 95):<6.2f}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=float) + "\n")


if __name__ == "__main__":
    main()

"""Rep clips and the annotated video: browser-playable H.264, exact ranges, nothing half-written."""

from __future__ import annotations

import struct
from pathlib import Path

import av
import numpy as np
import pytest

import guru_form as gf
from guru_form.errors import InvalidInputError, InvalidVideoError, TimestampOutOfRangeError
from guru_form.frames import export_annotated_video, export_rep_clips
from guru_form.frames.export import overlay_lines
from guru_form.testing.synthetic.frame_code import read_frame_code
from guru_form.video import H264Writer, VideoReader
from guru_form.video import writer as writer_module
from tests.frames.videos import analysis_for, display_picture, frame_times


def top_level_boxes(path: Path) -> list[str]:
    data = path.read_bytes()
    boxes, pos = [], 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
        boxes.append(kind.decode("latin-1"))
        if size == 0:
            break
        pos += size
    return boxes


def assert_browser_playable(path: Path) -> None:
    """H.264 in yuv420p, in an MP4 whose index (moov) comes before the media data."""
    boxes = top_level_boxes(path)
    assert boxes[0] == "ftyp"
    assert boxes.index("moov") < boxes.index("mdat")
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264"
        assert s.codec_context.pix_fmt == "yuv420p"
        assert s.codec_context.profile in ("High", "Main", "Constrained Baseline", "Baseline")
        assert len(c.streams.audio) == 0


def clip_indices(path: Path) -> list[int]:
    with av.open(str(path)) as c:
        return [read_frame_code(f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]


def clip_times(path: Path) -> np.ndarray:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        pts = sorted(f.pts for f in c.decode(s))
        seconds_per_tick = float(
            s.time_base
        )  # a closed container's streams cannot be read (av 18.1.1)
    return (np.asarray(pts, float) - pts[0]) * seconds_per_tick * 1000


def test_one_clip_per_rep_with_exact_frames(videos, tmp_path):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(10, 20, 40), (50, 60, 75), (90, 110, 130)])
    paths = export_rep_clips(videos["cfr"], analysis, tmp_path / "clips", annotate=False)
    assert [p.name for p in paths] == ["rep01.mp4", "rep02.mp4", "rep03.mp4"]
    assert sorted(p.name for p in (tmp_path / "clips").iterdir()) == [p.name for p in paths]
    assert clip_indices(paths[0]) == list(range(10, 41))
    assert clip_indices(paths[1]) == list(range(50, 76))
    assert clip_indices(paths[2]) == list(range(90, 131))
    for p in paths:
        assert_browser_playable(p)
    np.testing.assert_allclose(clip_times(paths[1]), times[50:76] - times[50], atol=0.05)


def test_margins_are_added_and_stop_at_the_video_ends(videos, tmp_path):
    times = frame_times(videos["cfr"])  # 150 frames at 30 fps
    analysis = analysis_for(times, [(3, 10, 20), (60, 70, 80), (130, 140, 146)])
    paths = export_rep_clips(
        videos["cfr"], analysis, tmp_path, margin_s=(0.5, 0.2), annotate=False, prefix="squat_"
    )
    assert [p.name for p in paths] == ["squat_rep01.mp4", "squat_rep02.mp4", "squat_rep03.mp4"]
    assert clip_indices(paths[0]) == list(range(0, 27))  # 0.5 s before frame 3 is before 0
    assert clip_indices(paths[1]) == list(range(45, 87))
    assert clip_indices(paths[2]) == list(range(115, 150))  # 0.2 s after 146 is past the end
    one = export_rep_clips(
        videos["cfr"], analysis, tmp_path / "one", reps=[2], margin_s=0.1, annotate=False
    )
    assert clip_indices(one[0]) == list(range(57, 84))


def test_vfr_timing_and_rotation_survive(videos, tmp_path):
    times = frame_times(videos["vfr"])
    analysis = analysis_for(times, [(5, 30, 60)])
    (clip,) = export_rep_clips(videos["vfr"], analysis, tmp_path / "vfr", annotate=False)
    assert clip_indices(clip) == list(range(5, 61))
    np.testing.assert_allclose(clip_times(clip), times[5:61] - times[5], atol=0.05)
    rot_times = frame_times(videos["rot90"])
    (rot,) = export_rep_clips(
        videos["rot90"], analysis_for(rot_times, [(2, 10, 20)]), tmp_path / "rot", annotate=False
    )
    with VideoReader(rot) as reader:  # stored upright: no rotation needed any more
        assert (reader.info.width, reader.info.height) == (320, 240)
        assert reader.info.orientation.is_identity
    assert clip_indices(rot) == list(range(2, 21))


def test_annotated_clips_carry_the_overlay(videos, tmp_path):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(10, 20, 40)])
    (plain,) = export_rep_clips(videos["cfr"], analysis, tmp_path / "a", annotate=False)
    (annotated,) = export_rep_clips(videos["cfr"], analysis, tmp_path / "b")
    with av.open(str(plain)) as a, av.open(str(annotated)) as b:
        fa = next(a.decode(video=0)).to_ndarray(format="rgb24").astype(int)
        fb = next(b.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    corner = np.abs(fa[:60, :160] - fb[:60, :160]).mean()
    assert corner > 20  # the panel
    assert clip_indices(annotated) == list(range(10, 41))  # strip untouched


def test_a_failing_clip_leaves_no_clips_behind(videos, tmp_path, monkeypatch):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(10, 20, 40), (50, 60, 75), (90, 110, 130)])
    target = tmp_path / "clips"
    target.mkdir()
    (target / "rep02.mp4").write_bytes(b"an older clip")
    original = writer_module.H264Writer.write
    calls = {"n": 0}

    def failing(self, image, *, time_ms):
        calls["n"] += 1
        if calls["n"] == 45:  # inside the second clip
            raise RuntimeError("encoder crashed")
        return original(self, image, time_ms=time_ms)

    monkeypatch.setattr(writer_module.H264Writer, "write", failing)
    with pytest.raises(RuntimeError, match="encoder crashed"):
        export_rep_clips(videos["cfr"], analysis, target, annotate=False)
    assert sorted(p.name for p in target.iterdir()) == ["rep02.mp4"]
    assert (target / "rep02.mp4").read_bytes() == b"an older clip"


def test_a_failing_export_into_a_new_folder_leaves_no_folder(videos, tmp_path, monkeypatch):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(10, 20, 40), (50, 60, 75)])
    target = tmp_path / "new" / "clips"

    def failing(self, image, *, time_ms):
        raise RuntimeError("encoder crashed")

    monkeypatch.setattr(writer_module.H264Writer, "write", failing)
    with pytest.raises(RuntimeError, match="encoder crashed"):
        export_rep_clips(videos["cfr"], analysis, target, annotate=False)
    assert not target.exists()


def test_clip_functions_take_the_api_json_and_video_path_keyword(videos, tmp_path):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(10, 20, 40)])
    paths = export_rep_clips(
        video_path=videos["cfr"], analysis=analysis.to_json(), directory=tmp_path / "c"
    )
    assert [p.name for p in paths] == ["rep01.mp4"]


def test_bad_input_is_rejected_before_writing(videos, tmp_path):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(10, 20, 40), (50, 60, 75)])
    analysis.reps[1].end_ms = 9000
    with pytest.raises(TimestampOutOfRangeError):
        export_rep_clips(videos["cfr"], analysis, tmp_path / "late")
    assert not (tmp_path / "late").exists() or not any((tmp_path / "late").iterdir())
    clamped = export_rep_clips(
        videos["cfr"], analysis, tmp_path / "clamped", annotate=False, past_end="clamp"
    )
    assert clip_indices(clamped[1]) == list(range(50, 150))
    good = analysis_for(times, [(10, 20, 40)])
    with pytest.raises(InvalidInputError, match="margin"):
        export_rep_clips(videos["cfr"], good, tmp_path / "m", margin_s=-1)
    with pytest.raises(InvalidInputError, match="margin"):
        export_rep_clips(videos["cfr"], good, tmp_path / "m", margin_s=(1, 2, 3))  # type: ignore[arg-type]
    with pytest.raises(InvalidVideoError):
        export_rep_clips(tmp_path / "missing.mp4", good, tmp_path / "m")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(InvalidInputError, match="is a file"):
        export_rep_clips(videos["cfr"], good, tmp_path / "afile")


def test_annotated_video_has_every_frame_and_a_live_counter(videos, tmp_path):
    times = frame_times(videos["vfr"])
    analysis = analysis_for(times, [(10, 20, 30), (40, 55, 70)])
    out = export_annotated_video(videos["vfr"], analysis, tmp_path / "annotated.mp4")
    assert out == tmp_path / "annotated.mp4"
    assert gf.export_annotated_video is export_annotated_video
    assert_browser_playable(out)
    assert clip_indices(out) == list(range(120))
    np.testing.assert_allclose(clip_times(out), times, atol=0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotated.mp4"]
    with VideoReader(out) as reader, VideoReader(videos["vfr"]) as source:
        drawn, raw = reader.read_frames([times[25]])[0], source.read_frames([times[25]])[0]
    assert np.abs(drawn.image[:50, :120].astype(int) - raw.image[:50, :120]).mean() > 20


def test_live_overlay_text_follows_the_reps():
    times = np.arange(100) * 1000 / 30
    analysis = analysis_for(times, [(10, 20, 30), (40, 55, 70)])

    def text(t, **kw):
        return [line for line, *_ in overlay_lines(analysis, t, **kw)]

    assert text(100) == ["Reps 0 / 2", "rest", "t 0:00.10"]
    # no scalars until a rep has ended: a live readout cannot know them earlier
    assert text(500) == ["Reps 0 / 2", "Rep 1 | lowering", "t 0:00.50"]
    assert text(800)[1] == "Rep 1 | rising"
    assert text(1100)[:4] == ["Reps 1 / 2", "rest", "t 0:01.10", "last rep (1):"]
    assert text(1100)[4].startswith("Squat depth (thigh vs horizontal): -4.0 deg")
    assert text(2400)[0] == "Reps 2 / 2"
    clip = text(200, focus_rep=1, counter=False)
    assert clip[:2] == ["Rep 1 | rest", "t 0:00.20"] and len(clip) == 4
    assert text(1500)[:4] == ["Reps 1 / 2", "Rep 2 | lowering", "t 0:01.50", "last rep (1):"]
    colours = overlay_lines(analysis, 1500, thresholds={"HIP_KNEE_ANGLE_DEGREES": (None, -10)})
    assert colours[4][1] == (255, 85, 85)


def test_annotated_video_failure_keeps_the_old_file(videos, tmp_path, monkeypatch):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(10, 20, 30)])
    target = tmp_path / "annotated.mp4"
    target.write_bytes(b"previous version")
    original = writer_module.H264Writer.write
    calls = {"n": 0}

    def failing(self, image, *, time_ms):
        calls["n"] += 1
        if calls["n"] == 60:
            raise KeyboardInterrupt
        return original(self, image, time_ms=time_ms)

    monkeypatch.setattr(writer_module.H264Writer, "write", failing)
    with pytest.raises(KeyboardInterrupt):
        export_annotated_video(videos["cfr"], analysis, target)
    assert target.read_bytes() == b"previous version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotated.mp4"]
    with pytest.raises(InvalidInputError, match="is a folder"):
        export_annotated_video(videos["cfr"], analysis, tmp_path)


def test_writer_crops_odd_sizes_and_refuses_empty_output(tmp_path):
    path = tmp_path / "odd.mp4"
    with H264Writer(path, width=321, height=241, fps=25) as out:
        for i in range(5):
            out.write(display_picture(i, 321, 241), time_ms=i * 40)
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        assert (s.codec_context.width, s.codec_context.height) == (320, 240)
    empty = tmp_path / "empty.mp4"
    with pytest.raises(InvalidInputError, match="no frames"):
        H264Writer(empty, width=64, height=64, fps=25).close()
    assert not empty.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.mp4"]
    with pytest.raises(InvalidInputError, match="crf"):
        H264Writer(tmp_path / "x.mp4", width=64, height=64, fps=25, crf=99)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.mp4"]


def test_progress_bars_count_frames(videos, tmp_path, capsys):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(10, 20, 40), (50, 60, 75)])
    export_rep_clips(videos["cfr"], analysis, tmp_path / "c", annotate=False, progress=True)
    err = capsys.readouterr().err
    assert "clips" in err and "57/57" in err  # 31 + 26 frames
    export_annotated_video(videos["cfr"], analysis, tmp_path / "a.mp4", progress=True)
    assert "150/150" in capsys.readouterr().err


def test_the_frame_shown_at_a_rep_end_counts_the_rep_done():
    times = np.arange(100) * 1000 / 30
    analysis = analysis_for(times, [(10, 20, 32)])  # end 1066.67 ms, reported as 1067
    by_time = overlay_lines(analysis, times[32])
    by_frame = overlay_lines(analysis, times[32], frame_index=32, rep_frames=[(10, 20, 32)])
    assert by_time[0][0] == "Reps 0 / 1"  # a rounded timestamp alone lands just after the frame
    assert by_frame[0][0] == "Reps 1 / 1"
    assert overlay_lines(analysis, times[31], frame_index=31, rep_frames=[(10, 20, 32)])[1][0] == (
        "Rep 1 | rising"
    )


def test_annotated_video_counts_the_last_rep_on_its_end_frame(videos, tmp_path):
    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(10, 20, 32), (40, 60, 149)])
    out = export_annotated_video(videos["cfr"], analysis, tmp_path / "a.mp4")
    source = VideoReader(videos["cfr"])
    with VideoReader(out) as reader, source:
        (before, at_end), (raw_before, raw_end) = (
            reader.read_frames([times[31], times[32]]),
            source.read_frames([times[31], times[32]]),
        )
    # The counter line changes between frame 31 and 32 ("Reps 0" -> "Reps 1"), so the panel's
    # top rows differ more than the picture underneath does.
    top = slice(10, 40), slice(10, 120)
    drawn = np.abs(before.image[top].astype(int) - at_end.image[top]).mean()
    underneath = np.abs(raw_before.image[top].astype(int) - raw_end.image[top]).mean()
    assert drawn > underneath + 1


def test_auto_corner_keeps_the_panel_off_the_athlete(videos, tmp_path):
    import pandas as pd

    times = frame_times(videos["cfr"])
    analysis = analysis_for(times, [(10, 20, 30)])
    # an athlete standing on the left half of the frame
    analysis.pose_track = pd.DataFrame(
        {
            "frame": np.arange(150),
            "time_ms": times,
            **{f"{j}_x": np.full(150, 60.0) for j in ("shoulder", "hip", "knee", "ankle")},
            "shoulder_y": np.full(150, 30.0),
            "hip_y": np.full(150, 110.0),
            "knee_y": np.full(150, 160.0),
            "ankle_y": np.full(150, 215.0),
        }
    )
    out = export_annotated_video(videos["cfr"], analysis, tmp_path / "a.mp4")
    with VideoReader(out) as drawn, VideoReader(videos["cfr"]) as raw:
        a, b = drawn.read_frames([times[40]])[0].image, raw.read_frames([times[40]])[0].image
    diff = np.abs(a.astype(int) - b).sum(axis=2) > 60
    assert diff[10:60, 200:310].mean() > 0.2  # panel top-right
    assert diff[0:20, 0:40].mean() < 0.05  # the marker corner (top-left) is left alone
    fixed = export_annotated_video(videos["cfr"], analysis, tmp_path / "b.mp4", corner="top-left")
    with VideoReader(fixed) as drawn:
        c = drawn.read_frames([times[40]])[0].image
    assert (np.abs(c.astype(int) - b).sum(axis=2) > 60)[0:20, 0:40].mean() > 0.2


def test_annotated_video_draws_the_pose_tracks_skeleton_where_its_joints_are(videos, tmp_path):
    import pandas as pd

    times = frame_times(videos["cfr"])  # 150 frames, 320x240
    # A side-view stick figure that steps 60 px to the left at frame 75; the track ends at 119.
    pose_a = {"shoulder": (210, 70), "hip": (215, 130), "knee": (265, 160), "ankle": (240, 200)}
    pose_b = {joint: (x - 60, y) for joint, (x, y) in pose_a.items()}
    index = np.arange(120)
    track = {"frame": index, "time_ms": times[:120]}
    for joint in pose_a:
        for axis in (0, 1):
            name = f"{joint}_{'xy'[axis]}"
            track[name] = np.where(index < 75, pose_a[joint][axis], pose_b[joint][axis]) * 1.0
        track[f"{joint}_visibility"] = np.ones(120)
    analysis = analysis_for(times, [(10, 30, 60), (80, 95, 110)])
    analysis.pose_track = pd.DataFrame(track)
    # The text panel bottom-left, clear of the shoulder-hip bones checked below.
    out = export_annotated_video(
        videos["cfr"], analysis, tmp_path / "pose.mp4", corner="bottom-left"
    )
    plain = export_annotated_video(
        videos["cfr"], analysis, tmp_path / "no.mp4", corner="bottom-left", skeleton=False
    )

    def bone_white(image: np.ndarray, pose: dict[str, tuple[int, int]]) -> bool:
        """Near-white pixels on the middle of the shoulder-hip bone (the picture's blue channel
        never exceeds 120, so white is the bone)."""
        (x0, y0), (x1, y1) = pose["shoulder"], pose["hip"]
        x, y = (x0 + x1) // 2, (y0 + y1) // 2
        patch = image[y - 3 : y + 4, x - 3 : x + 4].astype(int)
        return bool((patch.min(axis=2) > 190).any())

    def joint_dot(image: np.ndarray, point: tuple[int, int]) -> bool:
        """The joint dot's orange (255, 190, 40) at the joint."""
        x, y = point
        patch = image[y - 1 : y + 2, x - 1 : x + 2].astype(int)
        return bool((np.abs(patch - (255, 190, 40)).max(axis=2) < 45).any())

    wanted = [times[40], times[100], times[140]]
    with VideoReader(out) as drawn, VideoReader(plain) as bare:
        a, b, after = (f.image for f in drawn.read_frames(wanted))
        bare_a, bare_b, _ = (f.image for f in bare.read_frames(wanted))
    assert bone_white(a, pose_a) and not bone_white(a, pose_b)
    assert joint_dot(a, pose_a["shoulder"]) and joint_dot(a, pose_a["hip"])
    assert bone_white(b, pose_b) and not bone_white(b, pose_a)  # it follows the track
    assert joint_dot(b, pose_b["shoulder"])
    assert not bone_white(after, pose_a) and not bone_white(after, pose_b)  # past the track
    assert not bone_white(bare_a, pose_a) and not bone_white(bare_b, pose_b)  # skeleton=False

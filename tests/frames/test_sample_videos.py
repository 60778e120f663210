"""The sample videos and the synthetic VFR/rotated renders: every rep's start, mid and end frame is
exactly the frame the ground truth names, read back through the frame-index strip."""

from __future__ import annotations

import numpy as np
import pytest

import guru_form as gf
from guru_form.frames import contact_sheet_for, extract_rep_frames
from guru_form.testing.synthetic import read_frame_code
from guru_form.testing.synthetic.video import render_rotated_video, render_vfr_video

SAMPLES = ["squat", "push_up", "deadlift", "bench_press"]


def test_all_samples_are_present():
    assert sorted(gf.sample_names()) == sorted(SAMPLES)


@pytest.mark.parametrize("name", SAMPLES)
def test_every_rep_start_mid_end_is_the_ground_truth_frame(name):
    analysis = gf.sample_analysis(name)
    truth = gf.sample_truth(name)
    frame_of_time = dict(zip(truth["time_ms"].round().astype(int), truth["frame"], strict=True))
    expected = [
        int(frame_of_time[t])
        for rep in analysis.reps
        for t in (rep.start_ms, rep.mid_ms, rep.end_ms)
    ]
    frames = extract_rep_frames(
        gf.sample_path(name), analysis, phases=("start", "mid", "end"), annotate=False
    )
    assert len(frames) == 3 * len(analysis.reps) >= 12
    assert [f.frame_index for f in frames] == expected
    assert [read_frame_code(f.image) for f in frames] == expected
    # the truth table's turning point (phase == 1) is the frame extracted as "mid"
    mids = [f.frame_index for f in frames if f.phase == "mid"]
    assert truth.loc[truth["frame"].isin(mids), "phase"].tolist() == [1.0] * len(mids)
    # annotated frames keep the strip readable
    annotated = extract_rep_frames(gf.sample_path(name), analysis, phases=("mid",))
    assert [read_frame_code(f.image) for f in annotated] == mids


@pytest.fixture(scope="module")
def awkward_videos(tmp_path_factory):
    root = tmp_path_factory.mktemp("awkward")
    return {
        "vfr": render_vfr_video(root / "vfr.mp4", "squat", size=(160, 120), reps=2, style="simple"),
        "rot90": render_rotated_video(
            root / "rot90.mp4", "push_up", rotation=90, size=(120, 160), reps=2, style="simple"
        ),
        "rot270": render_rotated_video(
            root / "rot270.mp4", "squat", rotation=270, size=(120, 160), reps=2, style="simple"
        ),
    }


@pytest.mark.parametrize("name", ["vfr", "rot90", "rot270"])
def test_vfr_and_rotated_renders_give_the_exact_rep_frames(awkward_videos, name):
    video = awkward_videos[name]
    frames = extract_rep_frames(
        video.path, video.analysis(), phases=("start", "mid", "end"), annotate=False
    )
    expected = [i for rep in video.rep_frames for i in rep]
    assert [f.frame_index for f in frames] == expected
    assert [read_frame_code(f.image) for f in frames] == expected
    assert frames[0].image.shape[:2] == (video.size[1], video.size[0])
    if name == "vfr":
        np.testing.assert_allclose(
            [f.frame_time_ms for f in frames], np.asarray(video.frame_times_s)[expected] * 1000
        )


def test_contact_sheet_of_a_sample(tmp_path):
    sheet = contact_sheet_for(
        gf.sample_path("squat"),
        gf.sample_analysis("squat"),
        thresholds={"HIP_KNEE_ANGLE_DEGREES": gf.Threshold(high=0)},
        cell_width=240,
        path=tmp_path / "squat.png",
    )
    rows = len(gf.sample_analysis("squat").reps)
    assert sheet.shape[1] == 6 + 4 * 246
    assert sheet.shape[0] > 6 + rows * (180 + 6)
    assert (tmp_path / "squat.png").stat().st_size > 10_000

"""The names that moved to guru_form.video still work from their old homes, with a warning."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import guru_form as gf
import guru_form.video as video

NAMES = ["VideoReader", "probe_video", "VideoInfo", "DecodedFrame", "Orientation", "H264Writer"]
MODULES = [
    ("reader", "VideoReader"),
    ("reader", "probe_video"),
    ("reader", "DecodedFrame"),
    ("writer", "H264Writer"),
    ("orientation", "Orientation"),
]


@pytest.mark.parametrize("name", NAMES)
def test_a_name_read_from_frames_is_the_same_object_and_warns(name: str) -> None:
    import guru_form.frames as frames

    with pytest.warns(
        DeprecationWarning,
        match=rf"guru_form\.frames\.{name} is deprecated.*"
        rf"use guru_form\.video\.{name}",
    ):
        value = getattr(frames, name)
    assert value is getattr(video, name)


@pytest.mark.parametrize(("module", "name"), MODULES)
def test_an_old_module_path_gives_the_same_object_and_warns(module: str, name: str) -> None:
    old = importlib.import_module(f"guru_form.frames.{module}")
    with pytest.warns(
        DeprecationWarning,
        match=rf"module guru_form\.frames\.{module} is renamed guru_form\.video\.{module}",
    ):
        value = getattr(old, name)
    assert value is getattr(video, name)


def test_from_import_of_an_old_name_warns_at_the_importing_line() -> None:
    with pytest.warns(DeprecationWarning) as record:
        from guru_form.frames import VideoReader  # noqa: F401
    assert record[0].filename == __file__
    with pytest.warns(DeprecationWarning) as record:
        from guru_form.frames.reader import probe_video  # noqa: F401
    assert record[0].filename == __file__


def test_top_level_names_are_the_video_package_s_without_a_warning(recwarn) -> None:
    assert gf.VideoReader is video.VideoReader
    assert gf.probe_video is video.probe_video
    assert gf.video is video
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning)]


def test_unknown_names_are_still_attribute_errors() -> None:
    import guru_form.frames as frames

    with pytest.raises(AttributeError, match="no attribute 'VideoWriter'"):
        _ = frames.VideoWriter


def test_pose_video_is_gone_and_nothing_imports_it() -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("guru_form.pose.video")


def test_importing_the_client_does_not_import_numpy() -> None:
    # The client's readability check lives in guru_form.video.check; the video package loads its
    # reader (and numpy) only when asked for it.
    code = "import sys, guru_form.client; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

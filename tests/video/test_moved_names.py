"""The names that moved to guru_form.video still work from their old homes, with a warning."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import guru_form as gf
import guru_form.video as video

MOVED = [
    ("guru_form.frames", "VideoReader"),
    ("guru_form.frames", "probe_video"),
    ("guru_form.frames", "VideoInfo"),
    ("guru_form.frames", "DecodedFrame"),
    ("guru_form.frames", "Orientation"),
    ("guru_form.frames", "H264Writer"),
    ("guru_form.frames.reader", "VideoReader"),
    ("guru_form.frames.reader", "probe_video"),
    ("guru_form.frames.reader", "DecodedFrame"),
    ("guru_form.frames.writer", "H264Writer"),
    ("guru_form.frames.orientation", "Orientation"),
]


@pytest.mark.parametrize(("module", "name"), MOVED)
def test_an_old_import_path_gives_the_same_object_and_warns(module: str, name: str) -> None:
    old = importlib.import_module(module)
    with pytest.warns(
        DeprecationWarning, match=rf"{module}\.{name} is renamed guru_form\.video\.{name}"
    ):
        value = getattr(old, name)
    assert value is getattr(video, name)


def test_from_import_of_an_old_name_warns_at_the_importing_line() -> None:
    with pytest.warns(DeprecationWarning) as record:
        from guru_form.frames.reader import VideoReader  # noqa: F401
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

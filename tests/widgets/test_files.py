"""Uploaded bytes on disk: names shown to the user, and paths that never come from the browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guru_form.widgets._files import UploadFolder, display_name, safe_suffix


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("squat.mp4", "squat.mp4"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\coach\\clip.MOV", "clip.MOV"),
        ("/abs/path/video.webm", "video.webm"),
        ("bell\x07\u202ename.mp4", "bellname.mp4"),
        ("..", "video"),
        ("", "video"),
        ("x" * 200 + ".mp4", "x" * 80),
    ],
)
def test_display_names_are_clean(name: str, shown: str) -> None:
    assert display_name(name, set()) == shown


def test_display_names_are_unique() -> None:
    taken: set[str] = set()
    assert [display_name("a.mp4", taken) for _ in range(3)] == ["a.mp4", "a.mp4 (2)", "a.mp4 (3)"]


def test_only_known_video_suffixes_are_kept() -> None:
    assert safe_suffix("a.MP4") == ".mp4"
    assert safe_suffix("a.mov") == ".mov"
    assert safe_suffix("a.mp4/../../x.sh") == ""
    assert safe_suffix("archive.tar.gz") == ""
    assert safe_suffix("noext") == ""


@given(st.text(max_size=300))
def test_any_browser_name_lands_inside_the_folder(name: str) -> None:
    folder = UploadFolder()
    try:
        path = folder.write(b"data", name)
        assert path.parent == folder.path
        assert path.read_bytes() == b"data"
        assert path.name.startswith("upload-001-")
        shown = display_name(name, set())
        assert "/" not in shown and "\\" not in shown and shown
    finally:
        folder.cleanup()
    assert not folder.path.exists()


def test_the_folder_is_private_and_files_are_never_replaced(tmp_path: Path) -> None:
    folder = UploadFolder(tmp_path)
    first = folder.write(b"one", "a.mp4")
    second = folder.write(b"two", "a.mp4")
    assert first != second and first.read_bytes() == b"one"
    assert folder.path.parent == tmp_path
    assert folder.path.stat().st_mode & 0o777 == 0o700
    folder.cleanup()
    assert list(tmp_path.iterdir()) == []

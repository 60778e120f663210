"""Finding Guru's clients in snapshots: a missing snapshot skips saying where it looked and how to
get one; a present one gives the file at the pinned commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.peers import snapshots
from tests.peers.snapshots import EXPRESS_INDEX, PEERS_DIR_ENV, git_dir, read_pinned


def test_no_snapshot_skips_with_where_it_looked_and_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PEERS_DIR_ENV, str(tmp_path / "peers"))
    monkeypatch.setattr(snapshots, "DEFAULT_MIRRORS", tmp_path / "mirror")
    with pytest.raises(pytest.skip.Exception) as info:
        read_pinned(EXPRESS_INDEX)
    message = str(info.value)
    assert "no snapshot of Formguru/guru-expressjs-example holding commit 3296d50" in message
    assert str(tmp_path / "peers" / "Formguru+guru-expressjs-example") in message
    assert "fetch github:Formguru/guru-expressjs-example" in message and PEERS_DIR_ENV in message


def test_a_snapshot_without_the_pinned_commit_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    other = tmp_path / "peers" / "Formguru+guru-expressjs-example"
    subprocess.run(["git", "init", "-q", "--bare", str(other)], check=True)
    monkeypatch.setenv(PEERS_DIR_ENV, str(tmp_path / "peers"))
    monkeypatch.setattr(snapshots, "DEFAULT_MIRRORS", tmp_path / "mirror")
    assert git_dir(EXPRESS_INDEX) is None

"""Bad input is refused with a specific error before anything is sent: the server sees nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guru_form.errors import InvalidInputError, InvalidVideoError, MissingCredentialsError
from tests.client.fakeguru import FakeGuru


@pytest.fixture
def not_a_video(tmp_path: Path) -> Path:
    path = tmp_path / "notes.mp4"
    path.write_bytes(b"this is not a video, just text named like one\n" * 20)
    return path


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.mp4"
    path.touch()
    return path


@pytest.mark.parametrize(
    ("case", "match"),
    [
        ("missing", "no such file"),
        ("empty", "empty"),
        ("directory", "is a folder"),
        ("not_a_video", "cannot be read as a video"),
    ],
)
@pytest.mark.parametrize("method", ["upload_video", "analyze"])
def test_bad_video_files(
    fake_client, fake: FakeGuru, tmp_path, empty, not_a_video, case, match, method
) -> None:
    path = {
        "missing": tmp_path / "nope.mp4",
        "empty": empty,
        "directory": tmp_path,
        "not_a_video": not_a_video,
    }[case]
    with pytest.raises(InvalidVideoError, match=match) as info:
        getattr(fake_client, method)(path, activity="squat")
    assert isinstance(info.value, ValueError)
    assert Path(info.value.path).name == Path(path).name
    assert fake.server.requests == []


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"activity": "jumping_jacks"}, "unknown activity 'jumping_jacks'"),
        ({"domain": "yoga"}, "unknown domain 'yoga'"),
        ({"activity": "push_up", "domain": "weightlifting"}, "belongs to domain 'calisthenics'"),
        ({"activity": "squat", "rep_count": -1}, "rep_count must be at least 0"),
        ({"activity": "squat", "rep_count": 2.5}, "rep_count must be a whole number"),
        ({"activity": "squat", "rep_count": 3.0}, "rep_count must be a whole number"),
        ({"activity": "squat", "rep_count": True}, "rep_count must be a whole number"),
        ({"activity": "squat", "rep_count": "10"}, "rep_count must be a whole number"),
        ({"activity": "squat", "source": ""}, "source must be a non-empty string"),
    ],
)
@pytest.mark.parametrize("method", ["upload_video", "analyze"])
def test_bad_metadata(fake_client, fake: FakeGuru, video, kwargs, match, method) -> None:
    kwargs = {"activity": None, **kwargs}
    with pytest.raises(InvalidInputError, match=match):
        getattr(fake_client, method)(video, **kwargs)
    assert fake.server.requests == []


def test_numpy_integer_rep_count_is_fine(fake_client, fake: FakeGuru) -> None:
    fake_client.create_video("a.mp4", 10, rep_count=np.int64(5))
    assert fake.videos["v2"].meta["repCount"] == 5


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("", 10), {}, "filename must be a non-empty string"),
        (("dir/a.mp4", 10), {}, "not a path"),
        (("a.mp4", 0), {}, "size must be at least 1"),
        (("a.mp4", -5), {}, "size must be at least 1"),
        (("a.mp4", "10"), {}, "size must be a whole number"),
        (("a.mp4", 10), {"activity": "curl"}, "unknown activity"),
        (("a.mp4", 10), {"rep_count": -3}, "rep_count"),
    ],
)
def test_bad_create_video_arguments(fake_client, fake: FakeGuru, args, kwargs, match) -> None:
    with pytest.raises(InvalidInputError, match=match):
        fake_client.create_video(*args, **kwargs)
    assert fake.server.requests == []


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda c: c.get_video(""), "video_id must be a non-empty string"),
        (lambda c: c.get_analysis("a/../b"), "not a valid id"),
        (lambda c: c.get_analysis(None), "video_id must be"),
        (lambda c: c.update_video("v1"), "nothing to update"),
        (lambda c: c.update_video("v1", rep_count=-1), "rep_count"),
        (lambda c: c.update_video("v1", activity="squat", domain="calisthenics"), "belongs"),
        (lambda c: c.wait_for_analysis("v1", timeout=-1), "timeout must be"),
        (lambda c: c.wait_for_analysis("v1", poll_interval="fast"), "poll_interval must be"),
    ],
)
def test_bad_ids_and_options(fake_client, fake: FakeGuru, call, match) -> None:
    with pytest.raises(InvalidInputError, match=match):
        call(fake_client)
    assert fake.server.requests == []


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"activity": "burpee"}, "unknown activity"),
        ({"activity": "squat", "concurrency": 0}, "concurrency must be at least 1"),
        ({"activity": "squat", "rep_count": -2}, "rep_count"),
    ],
)
def test_bad_batch_arguments_raise_before_anything_is_sent(
    fake_client, fake: FakeGuru, video, kwargs, match
) -> None:
    with pytest.raises(InvalidInputError, match=match):
        fake_client.analyze_many([video], progress=False, **kwargs)
    assert fake.server.requests == []


def test_batch_refuses_a_single_path(fake_client, fake: FakeGuru, video) -> None:
    with pytest.raises(InvalidInputError, match="list of video paths"):
        fake_client.analyze_many(str(video), activity="squat", progress=False)


def test_bad_client_settings(make_client, fake: FakeGuru, monkeypatch) -> None:
    for var in ("GURU_CLIENT_ID", "GURU_CLIENT_SECRET", "GURU_API_URL", "GURU_AUTH_URL"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(InvalidInputError, match="max_retries"):
        make_client(client_id="a", client_secret="b", base_url=fake.url, max_retries=-1, retry=None)
    with pytest.raises(InvalidInputError, match="timeout must be a positive"):
        make_client(client_id="a", client_secret="b", base_url=fake.url, timeout=0)
    with pytest.raises(MissingCredentialsError, match="client_id was given but client_secret"):
        make_client(client_id="a", base_url=fake.url)
    assert fake.server.requests == []

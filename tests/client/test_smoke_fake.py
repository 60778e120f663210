from __future__ import annotations

import json

from tests.client.fakeguru import FakeGuru


def test_upload_and_wait(fake_client, fake: FakeGuru, video) -> None:
    vid = fake_client.upload_video(video, activity="squat", rep_count=3)
    analysis = fake_client.wait_for_analysis(vid, poll_interval=0.01)
    assert analysis.status.value == "Complete"
    assert fake.videos[vid].uploaded == video.read_bytes()
    assert fake.videos[vid].upload_fields == ["key", "signature", "file"]
    created = next(r for r in fake.server.requests if r.path == "/videos")
    assert json.loads(created.body) == {
        "filename": video.name,
        "size": video.stat().st_size,
        "domain": "weightlifting",
        "activity": "squat",
        "repCount": 3,
    }

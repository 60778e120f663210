"""The upload panel on the one analyse path of ``guru-form analyze`` (issues 15 and 18): the
client's cache (a video is not uploaded twice), and a video with no reps told in its row."""

from __future__ import annotations

import shutil
from pathlib import Path

import guru_form as gf
from guru_form.client import AsyncGuruClient
from guru_form.testing import LocalServer
from guru_form.widgets import UploadPanel
from tests.widgets.conftest import run


def test_no_reps_is_told_in_the_row_and_a_video_is_not_uploaded_twice(tmp_path: Path) -> None:
    push_ups = tmp_path / "monday push-ups.mp4"
    shutil.copy(gf.sample_path("push_up"), push_ups)
    with LocalServer(tmp_path / "server", engine="tests.cli._engines:ActivityEngine") as server:

        async def scenario() -> None:
            client = AsyncGuruClient(**server.client_kwargs(), cache_dir=tmp_path / "cache")
            panel = UploadPanel(client)
            try:
                panel.paths.value = str(push_ups)
                panel.activity.value = "squat"  # the wrong activity: no reps
                await panel.analyse()
                (notice,) = panel.notices[push_ups.name]
                assert notice.kind == "no_reps"
                row = panel.progress.children[0]
                assert row.children[1].bar_style == "warning"
                assert "done: 0 reps; " in row.children[2].value
                assert "no reps found as a squat" in row.children[2].value
                uploads = server.faults.count("/videos", method="POST")
                panel.activity.value = "push_up"
                await panel.analyse()
                assert panel.notices == {}
                assert panel.results[push_ups.name].rep_count == 5
                assert panel.progress.children[0].children[2].value == "done: 5 reps"
                await panel.analyse()  # the same video and activity again: from the cache
                assert server.faults.count("/videos", method="POST") == uploads + 1
            finally:
                panel.close()
                await client.aclose()

        run(scenario())

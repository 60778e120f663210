"""UploadPanel's states, results and errors, driven as a user drives it (values, clicks)."""

from __future__ import annotations

import asyncio
import html
import logging
import re
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

import guru_form as gf
from guru_form.client import AsyncGuruClient, GuruClient
from guru_form.testing import KnownVideo, LocalServer
from guru_form.widgets import UploadPanel
from tests.report.page import read_page
from tests.widgets.conftest import run, uploaded


def _decodes(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(bytes(data), np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.std() > 5
    return image


def _row_texts(panel: UploadPanel) -> list[str]:
    return [row.children[2].value for row in panel.progress.children]


def test_the_panel_offers_the_activities_and_the_domain_follows(with_panel: Any) -> None:
    async def scenario(panel: UploadPanel) -> None:
        assert [v for _, v in panel.activity.options] == [
            "squat",
            "deadlift",
            "bench_press",
            "push_up",
            "bodyweight_squat",
            "lunge",
        ]
        assert "weightlifting" in panel.domain.value
        panel.activity.value = "push_up"
        assert "calisthenics" in panel.domain.value
        assert panel.save_button.disabled and not panel.analyse_button.disabled
        assert panel.files.multiple
        bundle = panel._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle

    with_panel(scenario)


@pytest.mark.parametrize(
    ("paths", "reps", "words"),
    [
        ("", "", "choose a video with the file picker"),
        ("   \n  ", "", "choose a video with the file picker"),
        ("missing/video.mp4", "", "no such file"),
        (".", "", "is a folder, not a video"),
        ("KNOWN", "abc", "whole number of 0 or more"),
        ("KNOWN", "-2", "whole number of 0 or more"),
        ("KNOWN", "2.5", "whole number of 0 or more"),
        # expanduser() raises RuntimeError for an unknown user; stat() raises ENAMETOOLONG
        ("~no-such-user-guru-form/squat.mp4", "", "is not a home folder on this machine"),
        ("x" * 5000 + ".mp4", "", "the path is too long for this system"),
    ],
)
def test_bad_input_is_shown_and_nothing_starts(
    with_panel: Any,
    known_videos: dict[str, KnownVideo],
    local_server: LocalServer,
    paths: str,
    reps: str,
    words: str,
) -> None:
    before = local_server.faults.count("/videos", method="POST")

    async def scenario(panel: UploadPanel) -> None:
        panel.paths.value = paths.replace("KNOWN", str(known_videos["squat"].path))
        panel.rep_count.value = reps
        panel.analyse_button.click()
        assert words in panel.status.value and words in panel.message
        assert "#c14c00" in panel.status.value  # shown as an error
        assert len(panel.message) <= 300 and "\n" not in panel.message  # one readable line
        assert not panel.running and not panel.analyse_button.disabled
        assert panel._task is None
        panel.status.value = panel.message = ""
        with pytest.raises(gf.InvalidInputError) as raised:
            await panel.analyse()
        assert words in str(raised.value)
        # From code as from the button: the reason is shown in the panel too.
        assert words in panel.status.value and words in panel.message
        assert not panel.running

    with_panel(scenario)
    assert local_server.faults.count("/videos", method="POST") == before


def test_an_uploaded_file_is_written_under_a_safe_name_and_analysed(
    with_panel: Any, tmp_path: Path
) -> None:
    content = gf.sample_path("squat").read_bytes()

    async def scenario(panel: UploadPanel) -> None:
        panel.files.value = (uploaded("../../etc/My squat\x07.mp4", content),)
        panel.rep_count.value = "4"
        panel.analyse_button.click()
        # The click returns at once; the work runs on the loop, with the inputs locked.
        assert panel.running and panel.analyse_button.disabled and panel.files.disabled
        assert panel.save_button.disabled
        await panel.wait()
        assert not panel.running and not panel.analyse_button.disabled

        assert list(panel.results) == ["My squat.mp4"]
        analysis = panel.results["My squat.mp4"]
        assert analysis.reps == gf.sample_analysis("squat").reps
        written = list((tmp_path / "uploads").rglob("*"))
        files = [p for p in written if p.is_file()]
        assert len(files) == 1
        assert re.fullmatch(r"upload-001-[0-9a-f]{12}\.mp4", files[0].name)
        assert files[0].read_bytes() == content
        assert panel.videos["My squat.mp4"] == files[0]
        assert not (tmp_path / "etc").exists()

        (row,) = panel.progress.children
        assert row.children[1].value == 1.0 and row.children[1].bar_style == "success"
        assert row.children[2].value == "done: 4 reps"
        assert "1 of 1 analysed" in panel.status.value
        assert panel.output.titles == ("My squat.mp4",)
        (view,) = panel.output.children
        summary, table, charts, sheets = view.children
        assert "My squat.mp4" in summary.value and "4 reps" in summary.value
        assert table.value.count("<tr") == 1 + 4  # header and one row per rep
        # The report's charts: squat depth, tempo, velocity and the reps over the video.
        assert [c.format for c in charts.children] == ["png"] * 4
        assert all(_decodes(c.value).shape[1] > 600 for c in charts.children)
        (sheet,) = sheets.children  # four reps fit on one contact sheet
        assert sheet.format == "jpeg" and _decodes(sheet.value).shape[0] > 300
        assert not panel.save_button.disabled

    with_panel(scenario)


def test_progress_is_reported_while_the_loop_stays_free(
    fresh_server: LocalServer, known_videos: dict[str, KnownVideo], tmp_path: Path
) -> None:
    fresh_server.faults.slow_analysis(2.5)
    seen: list[str] = []
    ticks = 0

    async def scenario() -> None:
        nonlocal ticks
        client = AsyncGuruClient(**fresh_server.client_kwargs(), cache_dir=tmp_path / "cache")
        panel = UploadPanel(client)
        panel.paths.value = str(known_videos["squat"].path)
        panel.analyse_button.click()
        await asyncio.sleep(0)  # the run starts: one progress row per video
        panel.progress.children[0].children[2].observe(
            lambda change: seen.append(change["new"]), names="value"
        )
        while panel.running:  # another cell's work, on the same loop
            ticks += 1
            await asyncio.sleep(0.01)
        await panel.wait()
        assert panel.results
        panel.close()
        await client.aclose()

    run(scenario())
    assert ticks > 100  # the loop ran other work ~every 10 ms for the 2.5 s analysis
    assert any(text.startswith("uploading") for text in seen)
    analysing = [t for t in seen if t.startswith("analysing (pending")]
    assert len(analysing) >= 3
    assert seen[-1] == "done: 2 reps"


def test_a_second_click_while_running_does_nothing(
    fresh_server: LocalServer, known_videos: dict[str, KnownVideo], tmp_path: Path
) -> None:
    fresh_server.faults.slow_analysis(1.0)

    async def scenario() -> None:
        client = AsyncGuruClient(**fresh_server.client_kwargs(), cache_dir=tmp_path / "cache")
        panel = UploadPanel(client)
        panel.paths.value = str(known_videos["squat"].path)
        panel.analyse_button.click()
        task = panel._task
        panel._on_analyse()  # a click that reaches the handler although the button is disabled
        assert panel._task is task
        await panel.wait()
        panel.close()
        await client.aclose()

    run(scenario())
    assert fresh_server.faults.count("/uploads/*", method="POST") == 1


def test_a_failed_analysis_is_one_readable_line(
    with_panel: Any, unknown_video: Path, known_videos: dict[str, KnownVideo]
) -> None:
    async def scenario(panel: UploadPanel) -> None:
        panel.paths.value = f"{unknown_video}\n{known_videos['push_up'].path}\n"
        panel.activity.value = "push_up"
        results = await panel.analyse()
        assert list(results) == [known_videos["push_up"].path.name]
        assert list(panel.errors) == ["unknown.mp4"]
        message = panel.errors["unknown.mp4"]
        assert message.startswith("the analysis failed: ")
        assert "Traceback" not in message and "\n" not in message
        bad, good = panel.progress.children
        assert bad.children[1].bar_style == "danger"
        assert html_text(bad.children[2].value) == message
        assert good.children[1].bar_style == "success"
        assert "1 of 2 analysed; 1 failed" in panel.status.value
        assert panel.output.titles == (known_videos["push_up"].path.name,)

    with_panel(scenario)


def html_text(value: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", value))


def test_an_unexpected_error_is_shown_briefly_and_logged_in_full(
    with_panel: Any, known_videos: dict[str, KnownVideo], caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario(panel: UploadPanel) -> None:
        async def broken(*args: object, **kwargs: object) -> str:
            raise RuntimeError("the disk <fell> off")

        panel._client.analyze = broken  # type: ignore[method-assign, union-attr]
        panel.paths.value = str(known_videos["squat"].path)
        with caplog.at_level(logging.ERROR, logger="guru_form.widgets"):
            await panel.analyse()
        name = known_videos["squat"].path.name
        assert panel.errors == {name: "unexpected error (RuntimeError): the disk <fell> off"}
        row_text = panel.progress.children[0].children[2].value
        assert "&lt;fell&gt;" in row_text and "<fell>" not in row_text  # escaped in the page
        assert "Traceback" not in row_text
        assert not panel.running and not panel.analyse_button.disabled

    with_panel(scenario)
    assert "analysing" in caplog.text and "RuntimeError" in caplog.text
    assert caplog.records[0].exc_info is not None


def test_an_unexpected_error_reading_the_inputs_is_one_line_and_logged(
    with_panel: Any, known_videos: dict[str, KnownVideo], caplog: pytest.LogCaptureFixture
) -> None:
    # Every input a user can give is checked (see above); a bug is the only way left to fail
    # here, so one is planted.
    async def scenario(panel: UploadPanel) -> None:
        def broken() -> None:
            raise LookupError("activity <list> changed")

        panel._options = broken  # type: ignore[method-assign, assignment]
        panel.paths.value = str(known_videos["squat"].path)
        with caplog.at_level(logging.ERROR, logger="guru_form.widgets"):
            panel.analyse_button.click()
            expected = "unexpected error (LookupError): activity <list> changed"
            assert panel.message.startswith(expected)
            assert "&lt;list&gt;" in panel.status.value and "<list>" not in panel.status.value
            assert "Traceback" not in panel.status.value
            assert not panel.running and panel._task is None
            panel.status.value = ""
            with pytest.raises(LookupError):
                await panel.analyse()
            assert panel.message.startswith(expected) and "LookupError" in panel.status.value

    with_panel(scenario)
    logged = [r for r in caplog.records if r.name == "guru_form.widgets"]
    assert len(logged) == 2 and all(r.exc_info is not None for r in logged)
    assert "reading the panel's inputs failed" in caplog.text


def test_while_a_report_is_written_neither_button_works(
    with_panel: Any, known_videos: dict[str, KnownVideo], local_server: LocalServer, tmp_path: Path
) -> None:
    async def scenario(panel: UploadPanel) -> None:
        panel.paths.value = str(known_videos["squat"].path)
        results = await panel.analyse()
        uploads = local_server.faults.count("/videos", method="POST")
        panel.report_path.value = str(tmp_path / "r.html")
        panel.save_button.click()
        # Locked at once, before the report's work has even started.
        assert panel.saving and not panel.running
        assert panel.analyse_button.disabled and panel.save_button.disabled
        assert not panel.paths.disabled  # the next run may be prepared meanwhile
        saving = panel._task
        panel._on_analyse()  # clicks that reach the handlers although the buttons are disabled
        panel._on_save()
        assert panel._task is saving and panel.results is results
        with pytest.raises(gf.InvalidInputError, match="already writing a report"):
            await panel.save_report(tmp_path / "other.html")
        await panel.wait()
        assert not panel.saving and panel.results is results
        assert not panel.analyse_button.disabled and not panel.save_button.disabled
        assert panel.report == (tmp_path / "r.html").resolve()
        assert not (tmp_path / "other.html").exists()
        assert local_server.faults.count("/videos", method="POST") == uploads  # nothing re-sent

    with_panel(scenario)


def test_a_temporary_path_never_appears_in_a_message(with_panel: Any, tmp_path: Path) -> None:
    async def scenario(panel: UploadPanel) -> None:
        panel.files.value = (uploaded("notes.txt", b"this is not a video at all"),)
        await panel.analyse()
        message = panel.errors["notes.txt"]
        assert message.startswith("notes.txt: ")
        assert str(tmp_path) not in message and "upload-001" not in message

    with_panel(scenario)


def test_empty_uploads_are_refused_before_anything_is_sent(with_panel: Any) -> None:
    async def scenario(panel: UploadPanel) -> None:
        panel.files.value = (uploaded("empty.mp4", b""),)
        panel.analyse_button.click()
        assert "empty.mp4 is empty" in panel.status.value and not panel.running

    with_panel(scenario)


def test_save_report_writes_an_escaped_report_of_the_results(
    with_panel: Any, known_videos: dict[str, KnownVideo], tmp_path: Path
) -> None:
    async def scenario(panel: UploadPanel) -> None:
        panel.save_button.click()  # nothing analysed yet
        await panel.wait()
        assert "nothing to report yet" in panel.report_status.value
        panel.paths.value = str(gf.sample_path("squat"))
        await panel.analyse()
        panel.athlete.value = "<b>Sam</b>"
        panel.report_path.value = str(tmp_path / "out" / "sam.html")
        panel.save_button.click()
        await panel.wait()
        assert panel.report == (tmp_path / "out" / "sam.html").resolve()
        assert "report saved: " in panel.report_status.value
        page = read_page(panel.report)
        assert "<b>Sam</b>" in page.text  # shown as typed...
        assert not [b for b in page.find("b") if "Sam" in b.text]  # ...never made bold
        assert "&lt;b&gt;Sam&lt;/b&gt;" in panel.report.read_text()
        assert page.part("frames") and page.find("img")
        panel.report_path.value = str(tmp_path / "sam.docx")
        panel.save_button.click()
        await panel.wait()
        assert "*.html or *.pdf" in panel.report_status.value

    with_panel(scenario)


def test_an_upload_is_named_by_its_file_name_in_the_sheets_and_the_report(
    with_panel: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bytes live in upload-001-<hex>.mp4; the coach knows the video by the name they
    # picked, which is shown (as text, escaped) and never used as a path.
    from guru_form.report import content

    name = "Sam <b>squats<b> <img src=x onerror=alert(1)>.mp4"
    titles: list[str] = []
    real = content.contact_sheet_for

    def recording(*args: Any, **kwargs: Any) -> Any:
        titles.append(kwargs["title"])
        return real(*args, **kwargs)

    monkeypatch.setattr(content, "contact_sheet_for", recording)

    async def scenario(panel: UploadPanel) -> None:
        panel.files.value = (uploaded(name, gf.sample_path("squat").read_bytes()),)
        await panel.analyse()
        assert list(panel.results) == [name]
        assert re.fullmatch(r"upload-001-[0-9a-f]{12}\.mp4", panel.videos[name].name)
        # The tab's contact sheet (drawn for wide screens and, stacked, for phones)
        assert titles and set(titles) == {f"{name} | reps 1-4 of 4"}
        drawn = len(titles)
        path = await panel.save_report(tmp_path / "sam.html")
        assert len(titles) > drawn and set(titles) == {f"{name} | reps 1-4 of 4"}  # the report's
        raw = path.read_text()
        assert "upload-0" not in raw
        assert "<b>squats" not in raw and "<img src=x" not in raw
        assert html.escape(name, quote=False) in raw
        page = read_page(path)
        assert not page.find("b") and not [i for i in page.find("img") if "onerror" in i.attrs]
        videos = [
            dd.text
            for dt, dd in zip(page.find("dt"), page.find("dd"), strict=False)
            if dt.text == "Video"
        ]
        assert videos == [name]
        (sheet,) = [i for i in page.find("img") if "turning point" in i.attrs["alt"]]
        assert sheet.attrs["alt"].startswith(f"{name}: ")

    with_panel(scenario)


def test_several_videos_make_a_report_comparing_them(
    with_panel: Any, known_videos: dict[str, KnownVideo], make_known_video: Any, tmp_path: Path
) -> None:
    other = make_known_video("squat", reps=3)

    async def scenario(panel: UploadPanel) -> None:
        panel.paths.value = f"{known_videos['squat'].path}\n{other.path}"
        await panel.analyse()
        assert list(panel.results) == [known_videos["squat"].path.name, other.path.name]
        path = await panel.save_report(tmp_path / "both.html")
        page = read_page(path)
        assert "Progress across sessions" in page.part("progress").text
        assert len(page.find("section", class_="set")) == 2

    with_panel(scenario)


def test_a_sync_client_is_accepted(
    local_server: LocalServer, known_videos: dict[str, KnownVideo]
) -> None:
    async def scenario(client: GuruClient) -> gf.Analysis:
        panel = UploadPanel(client)
        panel.paths.value = str(known_videos["squat"].path)
        results = await panel.analyse()
        panel.close()  # closes the panel's async twin of the client, not the client
        return results[known_videos["squat"].path.name]

    with GuruClient(**local_server.client_kwargs()) as client:
        analysis = run(scenario(client))
        assert analysis.rep_count == 2
        assert analysis.video_id is not None
        assert client.get_analysis(analysis.video_id).reps == analysis.reps


def test_without_a_running_loop_a_click_runs_to_the_end(
    local_server: LocalServer, known_videos: dict[str, KnownVideo], tmp_path: Path
) -> None:
    with GuruClient(**local_server.client_kwargs()) as client:
        panel = UploadPanel(client)
        for kind, reps in (("push_up", 3), ("squat", 2)):  # the same connections, click after click
            panel.activity.value = kind
            panel.paths.value = str(known_videos[kind].path)
            panel.analyse_button.click()  # a plain script: no loop is running, so this blocks
            assert not panel.running
            assert panel.results[known_videos[kind].path.name].rep_count == reps
        panel.report_path.value = str(tmp_path / "r.html")
        panel.save_button.click()
        assert (tmp_path / "r.html").is_file()
        panel.close()
        assert panel._own_loop is None


def test_close_removes_the_uploaded_files(with_panel: Any, tmp_path: Path) -> None:
    content = gf.sample_path("push_up").read_bytes()

    async def scenario(panel: UploadPanel) -> None:
        panel.activity.value = "push_up"
        panel.files.value = (uploaded("p.mp4", content),)
        await panel.analyse()
        folder = panel.videos["p.mp4"].parent
        assert folder.is_dir()
        panel.close()
        assert not folder.exists()

    with_panel(scenario)


def test_missing_credentials_are_explained_in_the_panel(
    monkeypatch: pytest.MonkeyPatch, known_videos: dict[str, KnownVideo]
) -> None:
    monkeypatch.setenv("GURU_CLIENT_ID", "coach")
    monkeypatch.delenv("GURU_CLIENT_SECRET", raising=False)
    panel = UploadPanel()
    panel.paths.value = str(known_videos["squat"].path)
    run(panel.analyse())
    message = panel.errors[known_videos["squat"].path.name]
    assert "client_id was given but client_secret was not" in message
    assert "client_id was given" in panel.status.value
    assert not panel.running and not panel.analyse_button.disabled
    panel.close()


@pytest.mark.slow
def test_with_no_client_and_no_credentials_the_local_server_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guru_form.server.embedded import stop_local_server

    monkeypatch.setenv("GURU_FORM_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GURU_CLIENT_ID", raising=False)
    monkeypatch.delenv("GURU_CLIENT_SECRET", raising=False)
    stop_local_server()
    try:

        async def scenario() -> None:
            panel = UploadPanel()
            panel.activity.value = "push_up"
            panel.paths.value = str(gf.sample_path("push_up"))
            results = await panel.analyse()
            assert panel.errors == {}
            assert results["push_up.mp4"].status is gf.Status.COMPLETE
            assert results["push_up.mp4"].rep_count > 0  # reference or pose engine alike
            panel.close()
            await asyncio.sleep(0)  # let the client close

        run(scenario())
    finally:
        stop_local_server()


def test_a_progress_row_shows_the_servers_own_status_word_escaped() -> None:
    from guru_form.widgets.upload import _ProgressRow

    row = _ProgressRow("squat.mp4")
    row.analysing()
    row.polled(gf.Analysis.from_json({"status": "Processing<b>", "reps": []}))
    assert row.text.value.startswith("analysing (processing&lt;b&gt;, ")

"""``UploadPanel``: pick videos, analyse them, see the reps, frames and charts, save a report.

The panel runs its work as a task on the notebook's own event loop (Jupyter's kernel runs one), so
the kernel stays free while videos upload and analyses run: other cells can run meanwhile. Each
video goes through the same analyse path as ``guru-form analyze``
(:func:`guru_form.batch_outputs.analyse_video`: the client's cached upload-and-wait, then what to
tell about the result, such as a video with no reps). Every step reports into the panel; errors
are shown as one readable line per video, never as a traceback (the traceback of an unexpected
error goes to the ``guru_form.widgets`` or ``guru_form.batch_outputs`` logger).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import errno
import html
import logging
import math
import os
import time
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as w

from guru_form import activities
from guru_form.batch_outputs import AnalyzedVideo, analyse_video
from guru_form.client import AnalyzeProgress, AsyncGuruClient, GuruClient
from guru_form.errors import (
    AnalysisFailedError,
    GuruError,
    InvalidInputError,
    InvalidVideoError,
)
from guru_form.metrics import ThresholdLike
from guru_form.models import Activity, Analysis
from guru_form.report.content import set_section
from guru_form.report.images import Picture
from guru_form.report.thresholds import as_thresholds
from guru_form.set_review import Notice
from guru_form.video_inputs import VideoJob
from guru_form.widgets._files import UploadFolder, display_name
from guru_form.widgets._views import notice_html, rep_table_html, summary_html

__all__ = ["UploadPanel"]

logger = logging.getLogger("guru_form.widgets")

#: The analysis half of a progress bar moves on this time scale (seconds); the API does not say
#: how far an analysis has got, so the bar shows time passing and never fills before the end.
ANALYSIS_TIME_SCALE_S = 30.0
#: A message in the panel is cut to this many characters (a pasted path can be thousands long).
MAX_MESSAGE_LENGTH = 300
#: A path in a message is shortened to about this many characters.
MAX_SHOWN_PATH = 100


@dataclass(frozen=True)
class _Job:
    """One video to analyse: its shown name and either a local path or uploaded bytes."""

    name: str
    path: Path | None = None
    content: bytes | memoryview | None = None
    original_name: str = ""


@dataclass(frozen=True)
class _Options:
    activity: Activity
    rep_count: int | None
    source: str | None


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


class _ProgressRow:
    """One video's line in the panel: name, bar, and what is happening."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.bar = w.FloatProgress(
            value=0.0, min=0.0, max=1.0, bar_style="info", layout=w.Layout(width="40%")
        )
        self.text = w.HTML("waiting", layout=w.Layout(width="auto"))
        self.box = w.HBox(
            [w.Label(name, layout=w.Layout(width="25%")), self.bar, self.text],
            layout=w.Layout(align_items="center"),
        )
        self._analysis_started: float | None = None
        self._status = "pending"

    def uploading(self, sent: int, total: int) -> None:
        fraction = sent / total if total else 1.0
        self.bar.value = 0.5 * fraction
        self.text.value = f"uploading {_megabytes(sent)} of {_megabytes(total)}"
        if total and sent >= total:
            self.analysing()

    def analysing(self) -> None:
        self._analysis_started = time.monotonic()
        self.bar.value = 0.5
        self.text.value = "analysing"

    def polled(self, analysis: Analysis) -> None:
        if self._analysis_started is None:  # an upload made before (resumed from the cache)
            self.analysing()
        self._status = html.escape(analysis.status_text.lower())
        self.tick()

    def tick(self) -> None:
        if self._analysis_started is None or self.bar.value >= 1.0:
            return
        elapsed = time.monotonic() - self._analysis_started
        self.bar.value = 0.5 + 0.45 * (1.0 - math.exp(-elapsed / ANALYSIS_TIME_SCALE_S))
        self.text.value = f"analysing ({self._status}, {elapsed:.0f} s)"

    def done(self, analysis: Analysis, notices: list[Notice] | None = None) -> None:
        self.bar.value = 1.0
        self._analysis_started = None
        count = analysis.rep_count
        text = html.escape(f"done: {count} rep{'s' if count != 1 else ''}")
        warnings = [n for n in notices or () if n.level == "warning"]
        notes = [n for n in notices or () if n.level == "note"]
        for note in notes:
            text += html.escape(f"; {note.text}")
        self.bar.bar_style = "warning" if warnings else "success"
        for warning in warnings:
            text += f'; <span style="color:#c14c00">{html.escape(warning.text)}</span>'
        self.text.value = text

    def failed(self, message: str) -> None:
        self.bar.bar_style = "danger"
        self.bar.value = max(self.bar.value, 0.05)
        self.text.value = f'<span style="color:#c14c00">{html.escape(message)}</span>'


def _shorten(text: str, limit: int) -> str:
    """``text`` cut in its middle to about ``limit`` characters (both ends say most)."""
    if len(text) <= limit:
        return text
    head = (limit * 2) // 3
    return f"{text[:head]}…{text[-(limit - head - 1) :]}"


def _friendly(error: BaseException, job: _Job, path: Path | None) -> str:
    """An error as one line a coach can act on, naming the video as the coach knows it."""
    if isinstance(error, InvalidVideoError):
        text = f"{job.name}: {error.reason}"
    elif isinstance(error, AnalysisFailedError):
        text = f"the analysis failed: {error.reason or 'the server gave no reason'}"
        if error.reason_code and error.reason_code not in text:
            text += f" ({error.reason_code})"  # the API's code, to quote when asking for help
    elif isinstance(error, GuruError):
        text = str(error)
    elif isinstance(error, OSError):
        text = f"could not read or write a file: {error.strerror or error}"
    else:
        text = f"unexpected error ({type(error).__name__}): {error}"
    if path is not None:  # a temporary upload's path means nothing to the user
        text = text.replace(str(path), job.name)
    return _shorten(" ".join(text.split()), MAX_MESSAGE_LENGTH)


def _path_reason(error: OSError) -> str:
    """Why a typed path cannot be looked at, in words a user can act on."""
    if error.errno == errno.ENAMETOOLONG:
        return (
            "the path is too long for this system (check what was pasted: one path per line, "
            "each the path of one video)"
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied (choose a file you can open, or copy it)"
    return f"cannot be read: {error.strerror or error}"


def _local_video(text: str) -> Path:
    """The video file a line of the path box names, or InvalidVideoError saying what is wrong.

    Expanding ``~user`` and looking at the file are where a typed path fails (an unknown user, a
    name too long for the system, a folder that may not be read): each becomes a readable reason.
    """
    shown = _shorten(text, MAX_SHOWN_PATH)
    try:
        path = Path(text).expanduser()
    except RuntimeError:  # "~name" of a user this machine does not know (or no home at all)
        home = text.replace("\\", "/").split("/", 1)[0]
        raise InvalidVideoError(
            shown, f"{home!r} is not a home folder on this machine; type the video's full path"
        ) from None
    try:
        if path.is_file():
            return path
        reason = "is a folder, not a video" if path.is_dir() else "no such file"
    except OSError as error:
        reason = _path_reason(error)
    raise InvalidVideoError(_shorten(str(path), MAX_SHOWN_PATH), reason)


def _picture_bytes(picture: Picture) -> tuple[bytes, str]:
    """A report picture's bytes and image format (``"png"``, ``"jpeg"``) for an Image widget."""
    header, _, data = picture.src.partition(",")
    return base64.b64decode(data), header.removeprefix("data:image/").split(";")[0]


class UploadPanel:
    """A notebook panel to upload videos, analyse them and look at the results.

    Pick videos with the file picker (or type paths of videos on this machine, better for large
    files), choose the activity (the domain follows), optionally the expected rep count and a
    source, and press *Analyse*. Each video gets a progress bar through its upload and its
    analysis; then the panel shows its rep table, the report's charts and its contact sheet, and
    *Save report* writes an HTML (or PDF) report of everything analysed.

    A picked file's bytes are written to a private temporary file under a name the panel makes;
    the name the browser gave it (cleaned of path parts) is only shown: in the panel, on the
    contact sheets' titles and in the report's "Video" line (escaped), never used as a path.

    Parameters
    ----------
    client
        A :class:`~guru_form.client.AsyncGuruClient` (or a :class:`~guru_form.client.GuruClient`,
        whose settings are used). None: one is made on first use, which talks to the hosted API
        when ``GURU_CLIENT_ID`` / ``GURU_CLIENT_SECRET`` are set and to guru_form's local server
        otherwise.
    thresholds
        Targets each rep is checked against (see :func:`guru_form.report.build_report`);
        default: the activity's common standards.
    timeout
        Seconds to wait for each analysis.
    concurrency
        Videos uploaded and analysed at once.
    cache
        Reuse the analysis of a video analysed before (by its content, activity and server)
        instead of uploading it again; False to analyse every video afresh.
    upload_dir
        Where uploaded files are kept while the panel lives (default: a new private temporary
        folder, removed by :meth:`close`).

    Attributes
    ----------
    results : dict of str to Analysis
        The analyses of the last run, by the video's name, in the order given.
    errors : dict of str to str
        What went wrong with the videos that failed, by name.
    notices : dict of str to list of Notice
        What to tell about each analysed video (no reps found, a rep count that differs from
        the expected one), by name; also shown in its row.
    videos : dict of str to Path
        The local file of each analysed video (for frames and reports): for a picked file, its
        temporary copy, shown under its key.
    running : bool
        True while a run is under way (the inputs and both buttons are disabled meanwhile).
    saving : bool
        True while a report is being written (both buttons are disabled meanwhile).
    message : str
        The last message the panel showed (status or report line), as plain text.
    report : Path or None
        The last report saved.

    Examples
    --------
    Driven from code as the buttons drive it (``client`` is a :class:`GuruClient`; without one
    the panel makes its own). In a notebook, ``await panel.analyse()`` and ``await
    panel.save_report(path)`` do what the buttons do and return when done; in a plain script a
    click runs to the end before it returns:

    >>> import guru_form as gf
    >>> from guru_form.widgets import UploadPanel
    >>> panel = UploadPanel(client)
    >>> panel.paths.value = str(gf.sample_path("squat"))
    >>> panel.activity.value = "squat"
    >>> panel.analyse_button.click()
    >>> panel.message
    '1 of 1 analysed'
    >>> panel.results["squat.mp4"].to_frame()[["rep", "start_ms", "end_ms"]].iloc[:2]
       rep  start_ms  end_ms
    0    1       800    2767
    1    2      3333    5267
    >>> panel.report_path.value = "squat_report.html"
    >>> panel.save_button.click()
    >>> panel.report.name
    'squat_report.html'
    >>> panel.close()
    """

    def __init__(
        self,
        client: AsyncGuruClient | GuruClient | None = None,
        *,
        thresholds: Mapping[str, ThresholdLike] | None = None,
        timeout: float = 600.0,
        concurrency: int = 4,
        cache: bool = True,
        upload_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        if concurrency < 1:
            raise InvalidInputError(f"concurrency must be at least 1, got {concurrency}")
        owns = client is None
        if isinstance(client, GuruClient):
            client, owns = AsyncGuruClient._twin_of(client), True  # same settings and token
        self._client: AsyncGuruClient | None = client
        self._owns_client = owns
        self._own_loop: asyncio.AbstractEventLoop | None = None
        self._thresholds = thresholds
        self.timeout = float(timeout)
        self.concurrency = int(concurrency)
        self.cache = bool(cache)
        self._upload_parent = upload_dir
        self._uploads: UploadFolder | None = None
        self._task: asyncio.Task[Any] | None = None
        self.results: dict[str, Analysis] = {}
        self.errors: dict[str, str] = {}
        self.notices: dict[str, list[Notice]] = {}
        self.videos: dict[str, Path] = {}
        self.running = False
        self.saving = False
        self.report: Path | None = None
        self.message = ""
        self._build()

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.files = w.FileUpload(
            accept="video/*,.mp4,.mov,.m4v,.avi,.mkv,.webm",
            multiple=True,
            description="Choose videos",
            layout=w.Layout(width="auto"),
        )
        self.paths = w.Textarea(
            placeholder="…or paths of videos on this machine, one per line (best for large files)",
            layout=w.Layout(width="98%", height="4em"),
        )
        self.activity = w.Dropdown(
            # The activities with a profile: the ones the local engine can analyse too.
            options=[(p.label, p.name) for p in activities.registered()],
            value=activities.registered()[0].name,
            description="Activity",
        )
        self.domain = w.HTML()
        wide = {"description_width": "initial"}
        self.rep_count = w.Text(placeholder="optional", description="Expected reps", style=wide)
        self.source = w.Text(placeholder="optional, e.g. gym camera 2", description="Source")
        self.analyse_button = w.Button(
            description="Analyse", button_style="primary", icon="play", tooltip="Analyse the videos"
        )
        self.status = w.HTML()
        self.progress = w.VBox([])
        self.output = w.Tab(children=())
        self.athlete = w.Text(placeholder="optional", description="Athlete")
        self.report_path = w.Text(
            value="guru_form_report.html", description="Report file", style=wide
        )
        self.save_button = w.Button(
            description="Save report", icon="file", disabled=True, tooltip="Analyse videos first"
        )
        self.report_status = w.HTML()
        self.activity.observe(self._show_domain, names="value")
        self._show_domain()
        self.analyse_button.on_click(self._on_analyse)
        self.save_button.on_click(self._on_save)
        self._inputs = [
            self.files,
            self.paths,
            self.activity,
            self.rep_count,
            self.source,
            self.analyse_button,
        ]
        self.widget = w.VBox(
            [
                w.HTML("<h3 style='margin:0'>Analyse workout videos</h3>"),
                self.files,
                self.paths,
                w.HBox([self.activity, self.domain]),
                w.HBox([self.rep_count, self.source]),
                w.HBox([self.analyse_button, self.status]),
                self.progress,
                self.output,
                w.HBox([self.athlete, self.report_path, self.save_button]),
                self.report_status,
            ]
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _show_domain(self, _change: object = None) -> None:
        domain = Activity(self.activity.value).domain.value
        self.domain.value = f"<span style='color:#5d6575'>domain: {domain}</span>"

    def _say(self, message: str, *, error: bool = False, target: w.HTML | None = None) -> None:
        self.message = message
        colour = "#c14c00" if error else "#1d2330"
        (
            target or self.status
        ).value = f"<span style='color:{colour}'>{html.escape(message)}</span>"

    # -- reading the inputs (before anything is sent) ------------------------------------------

    def _options(self) -> _Options:
        activity = Activity(self.activity.value)
        text = self.rep_count.value.strip()
        rep_count: int | None = None
        if text:
            try:
                rep_count = int(text)
            except ValueError:
                rep_count = -1
            if rep_count < 0:
                raise InvalidInputError(
                    f"expected reps must be a whole number of 0 or more (or empty), not {text!r}"
                )
        source = self.source.value.strip() or None
        return _Options(activity, rep_count, source)

    def _jobs(self) -> list[_Job]:
        taken: set[str] = set()
        jobs: list[_Job] = []
        for item in self.files.value:
            content = item.get("content")
            if content is None or len(content) == 0:
                raise InvalidInputError(f"{display_name(item.get('name'), set())} is empty")
            jobs.append(
                _Job(
                    display_name(item.get("name", "video"), taken),
                    content=content,
                    original_name=str(item.get("name", "")),
                )
            )
        for line in self.paths.value.splitlines():
            text = line.strip().strip('"').strip("'")
            if not text:
                continue
            path = _local_video(text)
            jobs.append(_Job(display_name(path.name, taken), path=path))
        if not jobs:
            raise InvalidInputError(
                "choose a video with the file picker, or type the path of a video, first"
            )
        return jobs

    # -- running -------------------------------------------------------------------------------

    def _start(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any] | None:
        """Run ``work`` on the running event loop (Jupyter's), or to the end when there is none.

        Without a running loop (a plain script) the panel keeps a loop of its own, so the client's
        connections, bound to the loop that opened them, stay usable from one click to the next.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            if self._own_loop is None:
                self._own_loop = asyncio.new_event_loop()
            self._own_loop.run_until_complete(work)
            return None
        task = loop.create_task(work)
        self._task = task
        return task

    def _read_inputs(self) -> tuple[list[_Job], _Options]:
        """The jobs and options the inputs hold; a failure is shown in the panel, then raised.

        Invalid input raises a :class:`~guru_form.errors.GuruError` whose message is shown as it
        is. Anything else is a bug: it is logged with its traceback and shown as one line.
        """
        try:
            return self._jobs(), self._options()
        except Exception as error:
            if isinstance(error, GuruError):
                message = _shorten(str(error), MAX_MESSAGE_LENGTH)
            else:
                logger.exception("reading the panel's inputs failed")
                message = _friendly(error, _Job("video"), None)
            self._say(message, error=True)
            raise

    def _on_analyse(self, _button: object = None) -> None:
        if self.running or self.saving:
            return
        try:
            jobs, options = self._read_inputs()
        except Exception:  # shown in the panel (and logged if unexpected) by _read_inputs
            return
        self._set_running(True)
        self._start(self._run(jobs, options))

    async def analyse(self) -> dict[str, Analysis]:
        """Analyse what the inputs hold, as the *Analyse* button does, and wait for the end.

        Returns
        -------
        dict of str to Analysis
            :attr:`results`. Videos that failed are in :attr:`errors`.

        Raises
        ------
        InvalidInputError
            The inputs are invalid (no video, a missing file, a bad rep count); the message is
            also shown in the panel, and nothing is sent.
        """
        if self.running or self.saving:
            await self.wait()
        self._check_idle()
        jobs, options = self._read_inputs()
        self._set_running(True)
        await self._run(jobs, options)
        return self.results

    async def wait(self) -> None:
        """Wait until the current run (or report) started by a button is over."""
        if self._task is not None:
            await asyncio.shield(self._task)

    def _check_idle(self) -> None:
        if self.running or self.saving:
            doing = "analysing videos" if self.running else "writing a report"
            raise InvalidInputError(
                f"the panel is already {doing}; await that call before starting another"
            )

    def _set_running(self, running: bool) -> None:
        self.running = running
        self._update_controls()

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self._update_controls()

    def _update_controls(self) -> None:
        """Inputs are locked during a run; both buttons while anything is under way."""
        for widget in self._inputs:
            widget.disabled = self.running
        self.analyse_button.disabled = self.running or self.saving
        self.save_button.disabled = self.running or self.saving or not self.results
        self.save_button.tooltip = (
            "Save a report of the analysed videos" if self.results else "Analyse videos first"
        )

    async def _ready_client(self) -> AsyncGuruClient:
        if self._client is None:
            # Making a client may start the local server: a blocking call, so off the loop.
            self._client = await asyncio.to_thread(AsyncGuruClient)
        return self._client

    async def _run(self, jobs: list[_Job], options: _Options) -> None:
        self.results = {}
        self.errors = {}
        self.notices = {}
        self.videos = {}
        self.output.children = ()
        rows = {job.name: _ProgressRow(job.name) for job in jobs}
        self.progress.children = [row.box for row in rows.values()]
        self._say(f"analysing {len(jobs)} video{'s' if len(jobs) != 1 else ''}…")
        try:
            try:
                client = await self._ready_client()
            except Exception as error:
                message = _friendly(error, _Job("video"), None)
                if not isinstance(error, GuruError):
                    logger.exception("could not make a Guru client")
                for job in jobs:
                    self.errors[job.name] = message
                    rows[job.name].failed(message)
                self._say(message, error=True)
                return
            limit = asyncio.Semaphore(self.concurrency)
            outcomes = await asyncio.gather(
                *(self._one(client, job, rows[job.name], options, limit) for job in jobs)
            )
            # Keep the order the videos were given in, whatever order they finished in.
            self.results = {job.name: a for job, a in zip(jobs, outcomes, strict=True) if a}
            done, failed = len(self.results), len(self.errors)
            summary = f"{done} of {len(jobs)} analysed"
            self._say(
                summary + (f"; {failed} failed (see above)" if failed else ""), error=failed > 0
            )
        finally:
            self._set_running(False)

    async def _one(
        self,
        client: AsyncGuruClient,
        job: _Job,
        row: _ProgressRow,
        options: _Options,
        limit: asyncio.Semaphore,
    ) -> Analysis | None:
        path = job.path
        outcome: AnalyzedVideo | None = None
        async with limit:
            ticker = asyncio.ensure_future(self._tick(row))
            try:
                if path is None:
                    path = await asyncio.to_thread(self._save_upload, job)
                outcome = await analyse_video(
                    client,
                    VideoJob(path, options.activity, options.rep_count, name=job.name),
                    cache=self.cache,
                    timeout=self.timeout,
                    progress=AnalyzeProgress(upload=row.uploading, wait=row.polled),
                    source=options.source,
                )
                if outcome.error is not None:
                    raise outcome.error
                assert outcome.analysis is not None
                analysis = outcome.analysis
                ticker.cancel()
                row.done(analysis, outcome.notices)
                self.videos[job.name] = path
                if outcome.notices:
                    self.notices[job.name] = outcome.notices
                await self._show(job.name, analysis, path)
                return analysis
            except Exception as error:
                logged = outcome is not None and error is outcome.error  # by analyse_video
                if not isinstance(error, (GuruError, OSError)) and not logged:
                    logger.exception("analysing %s failed", job.name)
                message = _friendly(error, job, path if job.path is None else None)
                self.errors[job.name] = message
                row.failed(message)
                return None
            finally:
                ticker.cancel()

    @staticmethod
    async def _tick(row: _ProgressRow) -> None:
        while True:
            row.tick()
            await asyncio.sleep(0.5)

    def _save_upload(self, job: _Job) -> Path:
        if self._uploads is None:
            self._uploads = UploadFolder(self._upload_parent)
        assert job.content is not None
        return self._uploads.write(job.content, job.original_name)

    async def _show(self, name: str, analysis: Analysis, video: Path) -> None:
        """Add the video's tab: what its report will show (the same section, computed once).

        The charts are drawn on figures of their own (no pyplot) and the frames decoded, both in
        a worker thread, so the notebook's loop stays free.
        """
        checks = as_thresholds(self._thresholds, analysis.activity)
        # The name the user knows (the picked file's), as text: the file may be a temporary copy.
        section = await asyncio.to_thread(
            set_section, analysis, video=video, video_name=name, thresholds=checks
        )
        parts: list[w.Widget] = [w.HTML(summary_html(name, analysis, section))]
        if section.notice or section.reps is None:
            parts.append(w.HTML(notice_html(section.notice or "")))
        else:
            parts.append(w.HTML(rep_table_html(section.reps)))
            charts = [
                w.Image(value=data, format=kind, layout=w.Layout(width="100%", height="auto"))
                for data, kind in map(_picture_bytes, section.charts)
            ]
            parts.append(
                w.GridBox(
                    charts,
                    layout=w.Layout(
                        grid_template_columns="repeat(auto-fit, minmax(420px, 1fr))",
                        grid_gap="10px",
                        width="100%",
                    ),
                )
            )
            sheets = [
                w.Image(value=data, format=kind, layout=w.Layout(width="100%", height="auto"))
                for data, kind in map(_picture_bytes, section.sheets)
            ]
            parts.append(w.VBox(sheets, layout=w.Layout(width="100%")))
        self.output.children = (*self.output.children, w.VBox(parts))
        self.output.titles = (*self.output.titles[: len(self.output.children) - 1], name)

    # -- the report ----------------------------------------------------------------------------

    def _on_save(self, _button: object = None) -> None:
        if self.running or self.saving:
            return
        # Locked before the work starts: a click on Analyse meanwhile must not reset the results
        # the report is being written from.
        self._set_saving(True)
        self._start(self._save_quietly())

    async def _save_quietly(self) -> None:
        try:
            await self._save(None)
        except Exception as error:
            if not isinstance(error, (GuruError, OSError)):
                logger.exception("saving the report failed")
            self._say(_friendly(error, _Job("report"), None), error=True, target=self.report_status)
        finally:
            self._set_saving(False)

    async def save_report(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write a report of the analysed videos, as the *Save report* button does.

        One video gives a set report; several give a report comparing them (see
        :func:`guru_form.report.build_report`). The athlete's name comes from the panel.

        Parameters
        ----------
        path
            Where to write (``*.html`` or ``*.pdf``); default: the panel's *Report file*.

        Returns
        -------
        pathlib.Path
            The report written (also shown in the panel and kept as :attr:`report`).

        Raises
        ------
        InvalidInputError
            Nothing was analysed yet, the path is neither ``*.html`` nor ``*.pdf``, or the panel
            is still analysing or writing another report.
        """
        self._check_idle()
        self._set_saving(True)
        try:
            return await self._save(path)
        finally:
            self._set_saving(False)

    async def _save(self, path: str | os.PathLike[str] | None) -> Path:
        from guru_form.report import build_report

        if not self.results:
            raise InvalidInputError("there is nothing to report yet: analyse a video first")
        target = Path(path if path is not None else self.report_path.value.strip())
        athlete = self.athlete.value.strip() or None
        data: Analysis | dict[str, Analysis]
        videos: Path | dict[str, Path] | None
        # Uploads live under names the panel made; the report names each video as the user
        # knows it (the browser's file name, cleaned), as text only.
        names: str | dict[str, str]
        if len(self.results) == 1:
            name, data = next(iter(self.results.items()))
            videos = self.videos.get(name)
            names = name
        else:
            data = dict(self.results)
            videos = {k: v for k, v in self.videos.items() if k in data}
            names = {k: k for k in data}
        self._say("writing the report…", target=self.report_status)
        written = await asyncio.to_thread(
            build_report,
            data,
            videos,
            target,
            athlete=athlete,
            thresholds=self._thresholds,
            video_name=names,
        )
        self.report = written.resolve()
        self._say(f"report saved: {self.report}", target=self.report_status)
        return written

    # -- lifetime ------------------------------------------------------------------------------

    def close(self) -> None:
        """Remove the uploaded files, close the widgets and the client the panel made."""
        if self._uploads is not None:
            self._uploads.cleanup()
        client, self._client = self._client, None
        if client is not None and self._owns_client:
            try:
                asyncio.get_running_loop().create_task(client.aclose())
            except RuntimeError:
                if self._own_loop is not None:
                    self._own_loop.run_until_complete(client.aclose())
                else:
                    # Its connections belong to the loop that opened them; if that loop is gone
                    # they are gone with it, and there is nothing left to close.
                    with contextlib.suppress(RuntimeError):
                        asyncio.run(client.aclose())
        if self._own_loop is not None:
            self._own_loop.close()
            self._own_loop = None
        self.widget.close()

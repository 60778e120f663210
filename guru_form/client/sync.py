"""GuruClient: the synchronous client of the Guru fitness API (and of guru_form's local server).

Everything that is not sending or waiting lives in :class:`~guru_form.client._base.BaseGuruClient`;
:class:`~guru_form.client.aio.AsyncGuruClient` has the same methods, awaited.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from guru_form._http import send_with_retries
from guru_form.client._auth import NO_AUTH, OAuthClientCredentials
from guru_form.client._base import (
    DEFAULT_WAIT_TIMEOUT,
    BaseGuruClient,
    UploadJob,
    WaitOptions,
)
from guru_form.client._cache import CacheEntry, file_sha256
from guru_form.client._polling import TRANSIENT_ERRORS
from guru_form.client._progress import (
    AnalysisProgress,
    AnalyzeProgress,
    ByteProgress,
    CountProgress,
)
from guru_form.client._transport import build_sync_http
from guru_form.client._validate import Include
from guru_form.client.batch import BatchResult, run_sync
from guru_form.errors import NotFoundError
from guru_form.models import Activity, Analysis, Domain, UploadTarget, Video

if TYPE_CHECKING:
    from guru_form.pose.track import PoseTrack

__all__ = ["GuruClient"]


class GuruClient(BaseGuruClient):
    """Client of the Guru fitness API: upload videos, wait for and fetch their analyses.

    With no credentials (no arguments, no ``GURU_CLIENT_ID`` / ``GURU_CLIENT_SECRET``) it talks to
    guru_form's embedded local server, started on first use on 127.0.0.1, so it works offline.

    Parameters
    ----------
    client_id, client_secret
        OAuth2 client credentials; default ``GURU_CLIENT_ID`` / ``GURU_CLIENT_SECRET``.
    base_url
        The API; default ``GURU_API_URL``, else ``https://api.getguru.ai``.
    auth_url
        The token endpoint; default ``GURU_AUTH_URL``, else Guru's
        ``https://customer-console-prod.auth.us-west-2.amazoncognito.com/oauth2/token``.
    scope
        The scope a token is asked for; default ``GURU_SCOPE``, else
        ``https://api.getguru.ai/default`` unless an audience is set. ``""`` sends none.
    audience
        Sent with the token request only when set (default ``GURU_AUDIENCE``): for an Auth0-style
        server such as Guru's 2022 API
        (``GuruClient(id, secret, **guru_form.client.AUTH0_2022.client_kwargs())``).
    auth_scheme
        ``"raw"`` (the default, or ``GURU_AUTH_SCHEME``) sends ``Authorization: <token>`` as
        Guru's API wants it; ``"Bearer"`` sends ``Authorization: Bearer <token>``.
    timeout
        Seconds per request (connect at most 10 s), or an ``httpx.Timeout``; default 60 s.
    max_retries
        Retries of a request that failed for a passing reason (connection errors, timeouts,
        408, 429, 5xx), with exponential backoff and jitter, honouring ``Retry-After``.
    retry
        A full :class:`~guru_form.RetryPolicy` instead of the default (overrides
        ``max_retries``), e.g. ``RetryPolicy(max_retries=5, max_delay=30)``.
    cache_dir
        Where :meth:`analyze` records uploads and results; default ``$GURU_FORM_HOME/cache`` or
        the platform's user cache directory.
    allow_insecure_http
        Plain ``http://`` is refused for hosts other than this machine unless this is True.

    Examples
    --------
    >>> from guru_form import GuruClient
    >>> with GuruClient() as client:  # doctest: +SKIP
    ...     analysis = client.analyze("squat.mp4", activity="squat")
    ...     analysis.to_frame()
    """

    def _start_io(self) -> None:
        self._http = build_sync_http(self._timeout)
        self._auth = OAuthClientCredentials(
            self._config.credentials,
            token_url=self._config.auth_url,
            scope=self._config.scope,
            audience=self._config.audience,
            auth_scheme=self._config.auth_scheme,
            send_sync=self._send_token_request,
        )
        self._key_locks: dict[str, threading.Lock] = {}
        self._key_locks_guard = threading.Lock()

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connections. The client cannot be used afterwards."""
        self._closed = True
        self._http.close()

    def __enter__(self) -> GuruClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- sending -----------------------------------------------------------------------------

    def _send(
        self,
        request: httpx.Request,
        *,
        auth: httpx.Auth | None = None,
        resend_safe: bool = False,
        raise_for_status: bool = True,
        stream: bool = False,
    ) -> httpx.Response:
        return send_with_retries(
            self._http,
            self._prepare_send(request),
            self._policy,
            auth=self._auth if auth is None else auth,
            resend_safe=resend_safe,
            raise_for_status=raise_for_status,
            stream=stream,
        )

    def _send_token_request(self, request: httpx.Request) -> httpx.Response:
        return self._send(request, auth=NO_AUTH, resend_safe=True, raise_for_status=False)

    # -- the API -----------------------------------------------------------------------------

    def create_video(
        self,
        filename: str,
        size: int,
        *,
        domain: Domain | str | None = None,
        activity: Activity | str | None = None,
        rep_count: int | None = None,
        source: str | None = None,
    ) -> UploadTarget:
        """Create a video record; returns where and how to upload its content.

        Parameters
        ----------
        filename
            The file's name, with extension (not a path).
        size
            Its size in bytes.
        domain, activity
            The API's names (``"weightlifting"``, ``"squat"``, ...); the domain follows from the
            activity when only the activity is given.
        rep_count
            The number of reps expected, if known.
        source
            Your service's name, if it captured the video.

        Returns
        -------
        UploadTarget
            ``id``, presigned ``url`` and signing ``fields`` (hidden from repr).
        """
        payload = self._create_payload(
            filename, size, domain=domain, activity=activity, rep_count=rep_count, source=source
        )
        response = self._send(self._create_video_request(payload), resend_safe=True)
        return self._upload_target(response)

    def upload_video(
        self,
        path: str | os.PathLike[str],
        *,
        activity: Activity | str | None = None,
        domain: Domain | str | None = None,
        rep_count: int | None = None,
        source: str | None = None,
        progress: ByteProgress = None,
    ) -> str:
        """Create a video and upload the file's content to it; returns the new video's id.

        The file is checked first (it exists, is not empty, its first frame decodes), then streamed
        from disk: memory use does not grow with its size. A retry of the upload goes to the same
        presigned URL, so a video is never uploaded under two ids.

        Parameters
        ----------
        path
            The video file.
        activity, domain, rep_count, source
            As for :meth:`create_video`.
        progress
            True for a tqdm bar, or ``callback(bytes_sent, total_bytes)``.

        Returns
        -------
        str
            The video id; pass it to :meth:`wait_for_analysis`.

        Raises
        ------
        InvalidVideoError
            The file is missing, empty or not a readable video (nothing was sent).
        """
        job = self._prepare_upload(
            path, activity=activity, domain=domain, rep_count=rep_count, source=source
        )
        return self._upload(job, progress)

    def _upload(
        self,
        job: UploadJob,
        progress: ByteProgress,
        on_created: Callable[[str], None] | None = None,
    ) -> str:
        with job.path.open("rb") as file:
            self._check_unchanged(job, file)
            payload = {"filename": job.filename, "size": job.size, **job.metadata.to_json()}
            target = self._upload_target(
                self._send(self._create_video_request(payload), resend_safe=True)
            )
            if on_created is not None:
                on_created(target.id)
            request, reporter = self._upload_request(target, file, job, progress)
            try:
                response = self._send(
                    request, auth=NO_AUTH, resend_safe=True, raise_for_status=False
                )
            finally:
                reporter.close()
        self._check_upload_response(response, target, job)
        return target.id

    def get_video(self, video_id: str, include: Include = None) -> Video:
        """The video record: ``status`` (``Pending`` until its content is uploaded, then
        ``Success``, or ``Failed`` with ``reason``), ``fps`` and ``overlays``.

        Parameters
        ----------
        video_id
            The video's id.
        include
            Any of ``"analysis"``, ``"j2p"`` and ``"objects"`` (a tuple, or a comma-separated
            string): each adds that part (``video.analysis``, ``video.j2p``, ``video.objects``).
            With both ``analysis`` and ``j2p``, the joints are attached to the analysis as its
            ``pose_track`` (once complete), so :mod:`guru_form.frames` draws its skeleton.

        Examples
        --------
        >>> video = client.get_video(video_id, include=("analysis", "j2p"))  # doctest: +SKIP
        >>> gf.contact_sheet_for("squat.mp4", video.analysis)  # skeletons drawn  # doctest: +SKIP
        """
        response = self._send(self._get_video_request(video_id, include))
        return self._video_with_joints(response, video_id)

    def get_joint_data(self, video_id: str) -> PoseTrack | None:
        """The video's joints (``GET /videos/{id}/j2p``) as a pose track.

        The same per-frame DataFrame the local pose engine makes (``track.frame``: positions in
        pixels, one side per frame, joint angles: :func:`guru_form.io.j2p.from_j2p`, then
        :func:`guru_form.pose.track.track_from_keypoints` without smoothing);
        attach it to an analysis (``analysis.pose_track = track``) and :mod:`guru_form.frames`
        draws skeletons on the hosted API's analyses too.

        Returns
        -------
        PoseTrack or None
            None while the analysis is pending.

        Raises
        ------
        AnalysisFailedError
            The analysis failed, or (guru_form's local server) it has no joint data.
        MalformedResponseError
            The joint data break the documented shape (the message names the field).
        """
        response = self._send(self._video_request("GET", video_id, "/j2p"))
        return self._joint_data(response, video_id)

    def download_overlay(
        self,
        video_id: str,
        path: str | os.PathLike[str],
        *,
        kind: str = "all",
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
    ) -> Path:
        """Download an overlay video (``skeleton``, or ``all``: wireframe, rep counts and
        analytics), waiting until the server has built it.

        The file is streamed to disk (memory stays flat whatever its size) under a temporary
        name and renamed to ``path`` once complete.

        Parameters
        ----------
        video_id
            The video's id.
        path
            The ``.mp4`` to write.
        kind
            The overlay, as the server names it in ``video.overlays``.
        timeout, poll_interval
            How long to wait for it in all, and between looks, in seconds (by default 2 s
            between looks at a hosted API, 0.25 s at the embedded local server).

        Returns
        -------
        Path
            ``path``.

        Raises
        ------
        InvalidInputError
            The server offers no such overlay (the message lists those it offers).
        GuruError
            The server could not build it (with its reason).
        AnalysisTimeoutError
            It was still not built after ``timeout``.
        """
        target = self._download_target(path)
        name, deadline, interval = self._overlay_wait(kind, timeout, poll_interval)
        while True:
            video = self.get_video(video_id)
            overlay = self._ready_overlay(video, name)
            if overlay is not None and overlay.uri is not None:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._overlay_timeout(video, name, float(timeout))
            time.sleep(min(interval, remaining))
        request, auth = self._download_request(overlay.uri)
        response = self._send(request, auth=auth, resend_safe=True, stream=True)
        part = target.with_name(target.name + ".part")
        try:
            with part.open("wb") as file:
                for chunk in response.iter_bytes():
                    file.write(chunk)
            part.replace(target)
        finally:
            response.close()
            part.unlink(missing_ok=True)
        return target

    def update_video(
        self,
        video_id: str,
        *,
        rep_count: int | None = None,
        activity: Activity | str | None = None,
        domain: Domain | str | None = None,
    ) -> str:
        """Change a video's metadata; only the fields given are sent (the rest are kept).

        Given an activity only, its domain is sent with it (it follows from the activity).

        Returns
        -------
        str
            The video's id, as the API answers; :meth:`get_video` shows the updated record.
        """
        payload = self._update_payload(domain=domain, activity=activity, rep_count=rep_count)
        response = self._send(self._video_request("PUT", video_id, json=payload))
        return self._updated_id(response, video_id)

    def get_analysis(self, video_id: str) -> Analysis:
        """The analysis as it is now (``status`` ``Pending``, ``Complete`` or ``Failed``)."""
        return self._get_analysis(video_id)[0]

    def _get_analysis(self, video_id: str) -> tuple[Analysis, float | None]:
        response = self._send(self._video_request("GET", video_id, "/analysis"))
        return self._analysis(response, video_id)

    def get_pose_track(self, video_id: str) -> PoseTrack | None:
        """The pose engine's per-frame track of a video, from guru_form's local server.

        The local server keeps the pose track its pose engine made (landmarks and joint angles per
        frame); :mod:`guru_form.frames` draws skeletons from it. :meth:`wait_for_analysis` and
        :meth:`analyze` attach it to the analysis by themselves when talking to the local server.
        The hosted Guru API keeps its joints in another form: :meth:`get_joint_data` reads them
        as a pose track.

        Returns
        -------
        PoseTrack or None
            None when the analysis is not finished or was not made by the pose engine.

        Raises
        ------
        NotFoundError
            No such video.
        """
        try:
            response = self._send(self._video_request("GET", video_id, "/pose-track"))
        except NotFoundError as error:
            if self._no_pose_track(error):
                return None
            raise
        return self._pose_track(response)

    def wait_for_analysis(
        self,
        video_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        progress: AnalysisProgress = None,
        label: str | None = None,
    ) -> Analysis:
        """Poll until the analysis is complete.

        The wait between polls starts at ``poll_interval`` and grows by half each time, up to
        ``max_poll_interval``; a server's ``Retry-After`` is honoured. Tokens are refreshed as needed however
        long it takes. A poll failing for a passing reason (a dropped connection, 429, 5xx) is
        tolerated a few times in a row. A status the API does not document (e.g.
        ``"Processing"``) is taken as still pending: waiting goes on, and the progress bar and a
        timeout's message show the server's word.

        Parameters
        ----------
        video_id
            The video's id.
        timeout
            Seconds to wait in all.
        poll_interval
            The first wait between polls, in seconds (default: 2 for a hosted API, 0.25 for the
            embedded local server).
        max_poll_interval
            The longest wait between polls, in seconds (default: 15 for a hosted API, 2 for the
            embedded local server).
        progress
            True for a tqdm bar, or ``callback(analysis)`` after every poll.
        label
            The video's name on the progress bar, such as its file's name (default: its id).

        Raises
        ------
        AnalysisFailedError
            The analysis ended ``Failed`` (``error.reason`` says why, if the server did).
        AnalysisTimeoutError
            Still pending after ``timeout``; ``error.video_id`` lets you come back later.
        MalformedResponseError
            The server's answer breaks the API's schema (e.g. a rep without timestamps); the
            message names the field.
        """
        with self._poller(
            video_id, timeout, poll_interval, max_poll_interval, progress, label
        ) as poller:
            while True:
                try:
                    analysis, retry_after = self._get_analysis(video_id)
                except TRANSIENT_ERRORS as error:
                    delay = poller.after_error(error)
                else:
                    next_delay = poller.after_poll(analysis, retry_after)
                    if next_delay is None:
                        if self._wants_pose_track(analysis):
                            analysis.pose_track = self.get_pose_track(video_id)
                        return analysis
                    delay = next_delay
                time.sleep(delay)

    # -- upload + wait, cached ---------------------------------------------------------------

    def analyze(
        self,
        path: str | os.PathLike[str],
        *,
        activity: Activity | str | None,
        domain: Domain | str | None = None,
        rep_count: int | None = None,
        source: str | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        progress: bool | AnalyzeProgress = True,
        cache: bool = True,
    ) -> Analysis:
        """Upload a video and wait for its analysis, never uploading the same video twice.

        Results are recorded in :attr:`cache_dir` by the file's content (SHA-256), the activity
        and the server: analysing the same video again returns the recorded analysis without a
        request, and a video uploaded before but not finished (a timeout, a crash) is polled
        again rather than uploaded again. The new video's id is recorded before its upload
        starts, so an upload whose answer was lost is not repeated either: the next call asks the
        server (``get_video``) and polls the video if its file arrived, or uploads to a new video
        only if the server says the file never came.

        Parameters
        ----------
        path
            The video file.
        activity
            The movement (``"squat"``, ``"deadlift"``, ``"bench_press"``, ``"push_up"``), or None
            to let the server decide.
        domain, rep_count, source
            As for :meth:`create_video`.
        timeout, poll_interval, max_poll_interval
            As for :meth:`wait_for_analysis`.
        progress
            True for tqdm bars of the upload and the wait (named by the file), or an
            :class:`~guru_form.client.AnalyzeProgress` of each step's bar or callback.
        cache
            False to upload and analyse afresh (nothing is read from or written to the cache).

        Returns
        -------
        Analysis
            The complete analysis.

        Examples
        --------
        >>> analysis = client.analyze("squat.mp4", activity="squat")  # doctest: +SKIP
        >>> analysis.to_frame()[["rep", "HIP_KNEE_ANGLE_DEGREES"]]  # doctest: +SKIP
        """
        job = self._prepare_upload(
            path, activity=activity, domain=domain, rep_count=rep_count, source=source
        )
        steps = AnalyzeProgress.of(progress)
        wait = WaitOptions(timeout, poll_interval, max_poll_interval, steps.wait, job.filename)
        if not cache:
            return self._wait(self._upload(job, steps.upload), wait)
        key = self._cache_key(job, file_sha256(job.path))
        with self._key_lock(key):
            while True:
                claimed = self._claim(key, job, steps.upload)
                if isinstance(claimed, Analysis):
                    return claimed
                video_id, recorded = claimed
                try:
                    return self._collect(key, job, video_id, wait)
                except NotFoundError:
                    if not recorded:
                        raise
                    with self._cache.lock(key):  # the server no longer has it: upload again
                        self._forget_vanished(key, video_id)

    def _claim(
        self, key: str, job: UploadJob, progress: ByteProgress
    ) -> Analysis | tuple[str, bool]:
        """The cached analysis, or the video to poll and whether it was recorded before.

        Runs under the entry's lock, which other client objects and processes sharing the cache
        take too: of several clients analysing the same file, the first creates and uploads the
        video, and the others find its entry and poll that video.
        """
        with self._cache.lock(key):
            entry = self._cache.get(key)
            if entry is not None and entry.analysis is not None:
                return entry.analysis
            resumed = None if entry is None else self._resumable(key, job, entry)
            if resumed is not None:
                return resumed, True
            video_id = self._upload(job, progress, self._record_created(key, job))
            self._cache.record_uploaded(key, video_id, source_path=job.path)
            return video_id, False

    def _resumable(self, key: str, job: UploadJob, entry: CacheEntry) -> str | None:
        """The recorded video to poll, or None to create and upload a new one.

        A video whose upload was never confirmed is looked up first: if the server has its file
        (only the answer was lost), it is polled; if the server says it never received it (or no
        longer knows the video), a new video is created, so the file is never stored twice.
        """
        if entry.uploaded:
            return entry.video_id
        try:
            video: Video | None = self.get_video(entry.video_id)
        except NotFoundError:
            video = None
        return self._resume_target(key, job, entry, video)

    def _wait(self, video_id: str, wait: WaitOptions) -> Analysis:
        return self.wait_for_analysis(
            video_id,
            timeout=wait.timeout,
            poll_interval=wait.poll_interval,
            max_poll_interval=wait.max_poll_interval,
            progress=wait.progress,
            label=wait.label,
        )

    def _collect(self, key: str, job: UploadJob, video_id: str, wait: WaitOptions) -> Analysis:
        analysis = self._wait(video_id, wait)
        self._cache.record_complete(key, analysis, source_path=job.path)
        return analysis

    @contextmanager
    def _key_lock(self, key: str) -> Iterator[None]:
        with self._key_locks_guard:
            lock = self._key_locks.setdefault(key, threading.Lock())
        with lock:
            yield

    def analyze_many(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        activity: Activity | str | None,
        domain: Domain | str | None = None,
        rep_count: int | None = None,
        source: str | None = None,
        concurrency: int = 8,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        progress: CountProgress = True,
    ) -> BatchResult:
        """Analyse many videos at once; see :meth:`AsyncGuruClient.analyze_many`.

        Runs on an event loop under the hood. Called from a notebook (where a loop is already
        running in this thread) the batch runs on its own loop in a worker thread, so the call
        simply blocks until it is done.

        Returns
        -------
        BatchResult
            ``.succeeded`` (path -> Analysis) and ``.failed`` (path and error for each failure).
        """
        from guru_form.client.aio import AsyncGuruClient

        videos = self._batch_paths(paths)

        async def batch() -> BatchResult:
            async with AsyncGuruClient._twin_of(self) as twin:
                return await twin.analyze_many(
                    videos,
                    activity=activity,
                    domain=domain,
                    rep_count=rep_count,
                    source=source,
                    concurrency=concurrency,
                    timeout=timeout,
                    poll_interval=poll_interval,
                    max_poll_interval=max_poll_interval,
                    progress=progress,
                )

        return run_sync(batch)

"""AsyncGuruClient: the asyncio (and trio) twin of :class:`~guru_form.client.sync.GuruClient`.

Same methods, awaited; everything that is not sending or waiting lives in
:class:`~guru_form.client._base.BaseGuruClient`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import anyio
import anyio.to_thread
import httpx

from guru_form._http import asend_with_retries
from guru_form.client._auth import NO_AUTH, OAuthClientCredentials, TokenStore
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
    CountReporter,
)
from guru_form.client._transport import build_async_http
from guru_form.client._validate import Include, check_count, video_metadata
from guru_form.client.batch import BatchFailure, BatchResult
from guru_form.errors import GuruError, NotFoundError
from guru_form.models import Activity, Analysis, Domain, UploadTarget, Video

if TYPE_CHECKING:
    from guru_form.pose.track import PoseTrack

__all__ = ["AsyncGuruClient"]

logger = logging.getLogger("guru_form.client")


class AsyncGuruClient(BaseGuruClient):
    """Async client of the Guru fitness API; the same methods as :class:`GuruClient`, awaited.

    Parameters are those of :class:`~guru_form.client.sync.GuruClient`. With no credentials it
    talks to guru_form's embedded local server.

    Examples
    --------
    >>> async with AsyncGuruClient() as client:  # doctest: +SKIP
    ...     result = await client.analyze_many(paths, activity="squat")
    """

    def _start_io(self, store: TokenStore | None = None) -> None:
        self._http = build_async_http(self._timeout)
        self._auth = OAuthClientCredentials(
            self._config.credentials,
            token_url=self._config.auth_url,
            scope=self._config.scope,
            audience=self._config.audience,
            auth_scheme=self._config.auth_scheme,
            send_async=self._send_token_request,
            store=store if store is not None else TokenStore(),
        )
        self._key_locks: dict[str, anyio.Lock] = {}

    @classmethod
    def _twin_of(cls, other: BaseGuruClient) -> AsyncGuruClient:
        """An async client with ``other``'s settings, cache and token (for a sync batch)."""
        twin = cls.__new__(cls)
        twin._setup(other._config, other._timeout, other._policy, other._cache.root)
        twin._start_io(other._auth.store)
        return twin

    # -- lifecycle ---------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the connections. The client cannot be used afterwards."""
        self._closed = True
        await self._http.aclose()

    async def close(self) -> None:
        """Alias of :meth:`aclose`."""
        await self.aclose()

    async def __aenter__(self) -> AsyncGuruClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- sending -----------------------------------------------------------------------------

    async def _send(
        self,
        request: httpx.Request,
        *,
        auth: httpx.Auth | None = None,
        resend_safe: bool = False,
        raise_for_status: bool = True,
        stream: bool = False,
    ) -> httpx.Response:
        return await asend_with_retries(
            self._http,
            self._prepare_send(request),
            self._policy,
            auth=self._auth if auth is None else auth,
            resend_safe=resend_safe,
            raise_for_status=raise_for_status,
            stream=stream,
            sleep=anyio.sleep,
        )

    async def _send_token_request(self, request: httpx.Request) -> httpx.Response:
        return await self._send(request, auth=NO_AUTH, resend_safe=True, raise_for_status=False)

    # -- the API -----------------------------------------------------------------------------

    async def create_video(
        self,
        filename: str,
        size: int,
        *,
        domain: Domain | str | None = None,
        activity: Activity | str | None = None,
        rep_count: int | None = None,
        source: str | None = None,
    ) -> UploadTarget:
        """Create a video record; see :meth:`GuruClient.create_video`."""
        payload = self._create_payload(
            filename, size, domain=domain, activity=activity, rep_count=rep_count, source=source
        )
        response = await self._send(self._create_video_request(payload), resend_safe=True)
        return self._upload_target(response)

    async def upload_video(
        self,
        path: str | os.PathLike[str],
        *,
        activity: Activity | str | None = None,
        domain: Domain | str | None = None,
        rep_count: int | None = None,
        source: str | None = None,
        progress: ByteProgress = None,
    ) -> str:
        """Create a video and stream the file to it; see :meth:`GuruClient.upload_video`."""
        job = await self._aprepare_upload(path, activity, domain, rep_count, source)
        return await self._upload(job, progress)

    async def _aprepare_upload(
        self,
        path: str | os.PathLike[str],
        activity: Activity | str | None,
        domain: Domain | str | None,
        rep_count: int | None,
        source: str | None,
    ) -> UploadJob:
        return await anyio.to_thread.run_sync(
            lambda: self._prepare_upload(
                path, activity=activity, domain=domain, rep_count=rep_count, source=source
            )
        )

    async def _upload(
        self,
        job: UploadJob,
        progress: ByteProgress,
        on_created: Callable[[str], None] | None = None,
    ) -> str:
        with job.path.open("rb") as file:
            self._check_unchanged(job, file)
            payload = {"filename": job.filename, "size": job.size, **job.metadata.to_json()}
            target = self._upload_target(
                await self._send(self._create_video_request(payload), resend_safe=True)
            )
            if on_created is not None:
                on_created(target.id)
            request, reporter = self._upload_request(target, file, job, progress)
            try:
                response = await self._send(
                    request, auth=NO_AUTH, resend_safe=True, raise_for_status=False
                )
            finally:
                reporter.close()
        self._check_upload_response(response, target, job)
        return target.id

    async def get_video(self, video_id: str, include: Include = None) -> Video:
        """The video record, with what ``include`` asks for; see :meth:`GuruClient.get_video`."""
        response = await self._send(self._get_video_request(video_id, include))
        return self._video_with_joints(response, video_id)

    async def get_joint_data(self, video_id: str) -> PoseTrack | None:
        """The video's joints as a pose track; see :meth:`GuruClient.get_joint_data`."""
        response = await self._send(self._video_request("GET", video_id, "/j2p"))
        return self._joint_data(response, video_id)

    async def download_overlay(
        self,
        video_id: str,
        path: str | os.PathLike[str],
        *,
        kind: str = "all",
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
    ) -> Path:
        """Download an overlay video once built; see :meth:`GuruClient.download_overlay`."""
        target = self._download_target(path)
        name, deadline, interval = self._overlay_wait(kind, timeout, poll_interval)
        while True:
            video = await self.get_video(video_id)
            overlay = self._ready_overlay(video, name)
            if overlay is not None and overlay.uri is not None:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._overlay_timeout(video, name, float(timeout))
            await anyio.sleep(min(interval, remaining))
        request, auth = self._download_request(overlay.uri)
        response = await self._send(request, auth=auth, resend_safe=True, stream=True)
        part = target.with_name(target.name + ".part")
        try:
            with part.open("wb") as file:
                async for chunk in response.aiter_bytes():
                    await anyio.to_thread.run_sync(file.write, chunk)
            part.replace(target)
        finally:
            await response.aclose()
            part.unlink(missing_ok=True)
        return target

    async def update_video(
        self,
        video_id: str,
        *,
        rep_count: int | None = None,
        activity: Activity | str | None = None,
        domain: Domain | str | None = None,
    ) -> str:
        """Change a video's metadata; see :meth:`GuruClient.update_video`."""
        payload = self._update_payload(domain=domain, activity=activity, rep_count=rep_count)
        response = await self._send(self._video_request("PUT", video_id, json=payload))
        return self._updated_id(response, video_id)

    async def get_analysis(self, video_id: str) -> Analysis:
        """The analysis as it is now; see :meth:`GuruClient.get_analysis`."""
        return (await self._get_analysis(video_id))[0]

    async def _get_analysis(self, video_id: str) -> tuple[Analysis, float | None]:
        response = await self._send(self._video_request("GET", video_id, "/analysis"))
        return self._analysis(response, video_id)

    async def get_pose_track(self, video_id: str) -> PoseTrack | None:
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
            response = await self._send(self._video_request("GET", video_id, "/pose-track"))
        except NotFoundError as error:
            if self._no_pose_track(error):
                return None
            raise
        return self._pose_track(response)

    async def wait_for_analysis(
        self,
        video_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        progress: AnalysisProgress = None,
        label: str | None = None,
    ) -> Analysis:
        """Poll until the analysis is complete; see :meth:`GuruClient.wait_for_analysis`."""
        with self._poller(
            video_id, timeout, poll_interval, max_poll_interval, progress, label
        ) as poller:
            while True:
                try:
                    analysis, retry_after = await self._get_analysis(video_id)
                except TRANSIENT_ERRORS as error:
                    delay = poller.after_error(error)
                else:
                    next_delay = poller.after_poll(analysis, retry_after)
                    if next_delay is None:
                        if self._wants_pose_track(analysis):
                            analysis.pose_track = await self.get_pose_track(video_id)
                        return analysis
                    delay = next_delay
                await anyio.sleep(delay)

    # -- upload + wait, cached ---------------------------------------------------------------

    async def analyze(
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
        """Upload a video and wait for its analysis, cached; see :meth:`GuruClient.analyze`."""
        job = await self._aprepare_upload(path, activity, domain, rep_count, source)
        steps = AnalyzeProgress.of(progress)
        wait = WaitOptions(timeout, poll_interval, max_poll_interval, steps.wait, job.filename)
        if not cache:
            return await self._wait(await self._upload(job, steps.upload), wait)
        key = self._cache_key(job, await anyio.to_thread.run_sync(file_sha256, job.path))
        async with self._key_lock(key):
            while True:
                claimed = await self._claim(key, job, steps.upload)
                if isinstance(claimed, Analysis):
                    return claimed
                video_id, recorded = claimed
                try:
                    return await self._collect(key, job, video_id, wait)
                except NotFoundError:
                    if not recorded:
                        raise
                    async with self._cache.lock(key):  # the server no longer has it: upload again
                        self._forget_vanished(key, video_id)

    async def _claim(
        self, key: str, job: UploadJob, progress: ByteProgress
    ) -> Analysis | tuple[str, bool]:
        """The cached analysis, or the video to poll; see :meth:`GuruClient._claim`."""
        async with self._cache.lock(key):
            entry = self._cache.get(key)
            if entry is not None and entry.analysis is not None:
                return entry.analysis
            resumed = None if entry is None else await self._resumable(key, job, entry)
            if resumed is not None:
                return resumed, True
            video_id = await self._upload(job, progress, self._record_created(key, job))
            self._cache.record_uploaded(key, video_id, source_path=job.path)
            return video_id, False

    async def _resumable(self, key: str, job: UploadJob, entry: CacheEntry) -> str | None:
        """The recorded video to poll, or None to create and upload a new one.

        A video whose upload was never confirmed is looked up first: if the server has its file
        (only the answer was lost), it is polled; if the server says it never received it (or no
        longer knows the video), a new video is created, so the file is never stored twice.
        """
        if entry.uploaded:
            return entry.video_id
        try:
            video: Video | None = await self.get_video(entry.video_id)
        except NotFoundError:
            video = None
        return self._resume_target(key, job, entry, video)

    async def _wait(self, video_id: str, wait: WaitOptions) -> Analysis:
        return await self.wait_for_analysis(
            video_id,
            timeout=wait.timeout,
            poll_interval=wait.poll_interval,
            max_poll_interval=wait.max_poll_interval,
            progress=wait.progress,
            label=wait.label,
        )

    async def _collect(
        self, key: str, job: UploadJob, video_id: str, wait: WaitOptions
    ) -> Analysis:
        analysis = await self._wait(video_id, wait)
        self._cache.record_complete(key, analysis, source_path=job.path)
        return analysis

    @asynccontextmanager
    async def _key_lock(self, key: str) -> AsyncIterator[None]:
        lock = self._key_locks.setdefault(key, anyio.Lock())
        async with lock:
            yield

    async def analyze_many(
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
        """Analyse many videos at once; failures are collected, not raised.

        Up to ``concurrency`` videos are uploaded and waited for at the same time. Each goes
        through :meth:`analyze`, so results are cached: re-running the same batch after a crash,
        a timeout or a half-failed run returns what finished, polls what was uploaded, and
        uploads only what never was.

        Parameters
        ----------
        paths
            The video files (a path given twice is analysed once).
        activity, domain, rep_count, source
            Applied to every video (checked before anything is sent).
        concurrency
            Videos in flight at once.
        timeout, poll_interval, max_poll_interval
            Per video, as for :meth:`wait_for_analysis`.
        progress
            True for a tqdm bar over the videos, or ``callback(videos_done, videos_total)``.

        Returns
        -------
        BatchResult
            ``.succeeded`` (path -> Analysis, in the order given) and ``.failed`` (path and error,
            e.g. ``InvalidVideoError``, ``AnalysisFailedError``, ``AnalysisTimeoutError``).
        """
        video_metadata(activity=activity, domain=domain, rep_count=rep_count, source=source)
        limit = check_count(concurrency, "concurrency", minimum=1)
        videos = self._batch_paths(paths)
        outcomes: dict[Path, Analysis | Exception] = {}
        reporter = CountReporter(progress, total=len(videos), desc="analysing videos")
        semaphore = anyio.Semaphore(limit)

        async def one(path: Path) -> None:
            async with semaphore:
                try:
                    outcomes[path] = await self.analyze(
                        path,
                        activity=activity,
                        domain=domain,
                        rep_count=rep_count,
                        source=source,
                        timeout=timeout,
                        poll_interval=poll_interval,
                        max_poll_interval=max_poll_interval,
                        progress=False,
                    )
                except Exception as error:  # one video's failure must not end the batch
                    # (cancellation and KeyboardInterrupt are BaseExceptions: they still stop it)
                    if not isinstance(error, (GuruError, OSError)):
                        logger.error("unexpected error analysing %s", path, exc_info=error)
                    outcomes[path] = error
            reporter.advance(failed=isinstance(outcomes[path], Exception))

        try:
            async with anyio.create_task_group() as tasks:
                for path in videos:
                    tasks.start_soon(one, path)
        finally:
            reporter.close()
        result = BatchResult()
        for path in videos:
            outcome = outcomes[path]
            if isinstance(outcome, Exception):
                result.failed.append(BatchFailure(path, outcome))
            else:
                result.succeeded[path] = outcome
        return result

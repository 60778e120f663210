"""Everything the sync and async clients share that is not I/O.

Settings, validation, how each request is built and each answer read, the result cache and the
shape of an upload job live here once; :mod:`.sync` and :mod:`.aio` only send and wait.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import httpx

from guru_form._http import RetryPolicy, parse_retry_after, safe_url
from guru_form._http.errors import decode_body, request_id
from guru_form.client._auth import NO_AUTH, OAuthClientCredentials
from guru_form.client._cache import CacheEntry, ResultCache, default_cache_dir
from guru_form.client._config import (
    ClientConfig,
    check_url_allowed,
    local_config,
    resolve_config,
)
from guru_form.client._polling import Poller
from guru_form.client._progress import AnalysisProgress, ByteProgress, ByteReporter
from guru_form.client._transport import (
    DEFAULT_MAX_RETRIES,
    default_headers,
    make_retry_policy,
    make_timeout,
)
from guru_form.client._upload import (
    build_upload_request,
    upload_already_received,
    upload_error,
)
from guru_form.client._validate import (
    Include,
    VideoMetadata,
    check_count,
    check_include,
    check_video_file,
    check_video_id,
    video_metadata,
)
from guru_form.errors import (
    AnalysisFailedError,
    AnalysisTimeoutError,
    APIError,
    GuruError,
    InvalidInputError,
    InvalidVideoError,
    MalformedResponseError,
    NotFoundError,
    SchemaError,
)
from guru_form.models import (
    Activity,
    Analysis,
    Domain,
    Overlay,
    Status,
    UploadTarget,
    Video,
    field_label,
)

if TYPE_CHECKING:
    from guru_form.pose.track import PoseTrack

__all__ = ["BaseGuruClient", "UploadJob", "WaitOptions"]

logger = logging.getLogger("guru_form.client")

DEFAULT_WAIT_TIMEOUT = 600.0
#: The first and the longest wait between polls of a hosted API (Guru's), in seconds.
DEFAULT_POLL_INTERVAL = 2.0
DEFAULT_MAX_POLL_INTERVAL = 15.0
#: ... and of the embedded local server, which answers a poll from this machine at no cost: an
#: analysis that takes a second is seen done soon after, not at the next of the hosted API's waits.
LOCAL_POLL_INTERVAL = 0.25
LOCAL_MAX_POLL_INTERVAL = 2.0


@dataclass(frozen=True)
class UploadJob:
    """A validated video, ready to be created and uploaded (nothing has been sent yet)."""

    path: Path
    size: int
    metadata: VideoMetadata

    @property
    def filename(self) -> str:
        """The file's name, as sent to the API."""
        return self.path.name


@dataclass(frozen=True)
class WaitOptions:
    """How :meth:`analyze` waits: the arguments of ``wait_for_analysis``."""

    timeout: float = DEFAULT_WAIT_TIMEOUT
    poll_interval: float | None = None
    max_poll_interval: float | None = None
    progress: AnalysisProgress = None
    label: str | None = None


_Client = TypeVar("_Client", bound="BaseGuruClient")


class BaseGuruClient:
    """Settings and request/answer handling shared by :class:`GuruClient` and
    :class:`AsyncGuruClient`. Not used directly."""

    _config: ClientConfig
    _auth: OAuthClientCredentials
    _timeout: httpx.Timeout
    _policy: RetryPolicy
    _cache: ResultCache
    _closed: bool

    def __init__(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        *,
        base_url: str | None = None,
        auth_url: str | None = None,
        scope: str | None = None,
        audience: str | None = None,
        auth_scheme: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry: RetryPolicy | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        timeouts = make_timeout(timeout)
        policy = make_retry_policy(max_retries, retry)
        config = resolve_config(
            client_id,
            client_secret,
            base_url=base_url,
            auth_url=auth_url,
            scope=scope,
            audience=audience,
            auth_scheme=auth_scheme,
            allow_insecure_http=allow_insecure_http,
        )
        self._setup(config, timeouts, policy, None if cache_dir is None else Path(cache_dir))
        self._start_io()

    @classmethod
    def local(
        cls: type[_Client],
        engine: str = "auto",
        data_dir: str | os.PathLike[str] | None = None,
        *,
        stride: int | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry: RetryPolicy | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> _Client:
        """A client of guru_form's embedded local server, whatever credentials are set.

        ``GuruClient()`` with no credentials does the same with the default engine; use this to
        choose the engine or the server's data folder, or to stay local when ``GURU_CLIENT_ID`` is
        set. Results from the pose engine carry their pose track.

        Parameters
        ----------
        engine
            ``"auto"`` (the pose engine when the ``pose`` extra is installed), ``"pose"``,
            ``"reference"`` or ``"package.module:Class"``.
        data_dir
            The server's data folder (default ``$GURU_FORM_HOME/server``).
        stride
            The pose engine analyses every ``stride``-th frame (2 is about 1.7x faster, per-rep
            numbers move by the spreads measured in docs/pose/repeatability.md); None means every frame. Results are cached per stride.
        timeout, max_retries, retry, cache_dir
            As for the constructor.

        Raises
        ------
        InvalidInputError
            For a stride that is not a positive int, or one given for an engine that has none
            (the reference engine), before any server starts.
        GuruError
            When this process' local server already runs with another data folder, engine or
            stride (call ``guru_form.server.embedded.stop_local_server()`` first).

        Examples
        --------
        >>> with GuruClient.local(engine="pose", stride=2) as client:  # doctest: +SKIP
        ...     analysis = client.analyze("squats.mp4", activity="squat")
        >>> analysis.pose_track.stride  # doctest: +SKIP
        2
        """
        client = cls.__new__(cls)
        client._setup(
            local_config(engine, data_dir, stride=stride),
            make_timeout(timeout),
            make_retry_policy(max_retries, retry),
            None if cache_dir is None else Path(cache_dir),
        )
        client._start_io()
        return client

    def _start_io(self) -> None:
        """Open the connections and the token flow (each mode its own)."""
        raise NotImplementedError

    def _setup(
        self,
        config: ClientConfig,
        timeout: httpx.Timeout,
        policy: RetryPolicy,
        cache_dir: Path | None,
    ) -> None:
        self._config = config
        self._timeout = timeout
        self._policy = policy
        self._cache = ResultCache(
            cache_dir if cache_dir is not None else default_cache_dir(), config.server_identity
        )
        self._closed = False

    # -- public, mode-independent -----------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return self._config.base_url

    @property
    def is_local(self) -> bool:
        """True when talking to guru_form's embedded local server (no credentials were given)."""
        return self._config.local

    @property
    def cache_dir(self) -> Path:
        """Where uploads and finished analyses are recorded (see :meth:`analyze`)."""
        return self._cache.root

    def __repr__(self) -> str:
        where = " (local server)" if self._config.local else ""
        return (
            f"{type(self).__name__}(base_url={self._config.base_url!r}, "
            f"client_id={self._config.credentials.client_id!r}{where})"
        )

    # -- validation (before any network call) -----------------------------------------------

    @staticmethod
    def _create_payload(
        filename: str,
        size: int,
        *,
        domain: Domain | str | None,
        activity: Activity | str | None,
        rep_count: int | None,
        source: str | None,
    ) -> dict[str, Any]:
        if not isinstance(filename, str) or not filename.strip():
            raise InvalidInputError(f"filename must be a non-empty string, got {filename!r}")
        if "/" in filename or "\\" in filename:
            raise InvalidInputError(
                f"filename must be a file name, not a path: {filename!r} (pass Path(...).name)"
            )
        checked_size = check_count(size, "size", minimum=1)
        meta = video_metadata(activity=activity, domain=domain, rep_count=rep_count, source=source)
        return {"filename": filename, "size": checked_size, **meta.to_json()}

    @staticmethod
    def _update_payload(
        *,
        domain: Domain | str | None,
        activity: Activity | str | None,
        rep_count: int | None,
    ) -> dict[str, Any]:
        payload = video_metadata(activity=activity, domain=domain, rep_count=rep_count).to_json()
        if not payload:
            raise InvalidInputError(
                "nothing to update: give at least one of rep_count, activity or domain"
            )
        return payload

    @staticmethod
    def _prepare_upload(
        path: str | os.PathLike[str],
        *,
        activity: Activity | str | None,
        domain: Domain | str | None,
        rep_count: int | None,
        source: str | None,
    ) -> UploadJob:
        meta = video_metadata(activity=activity, domain=domain, rep_count=rep_count, source=source)
        file = check_video_file(path)
        return UploadJob(path=file, size=file.stat().st_size, metadata=meta)

    @staticmethod
    def _batch_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
        if isinstance(paths, (str, bytes, os.PathLike)):
            raise InvalidInputError(
                "paths must be a list of video paths, not a single path: analyze_many([path])"
            )
        return list(dict.fromkeys(Path(p) for p in paths))

    @staticmethod
    def _check_unchanged(job: UploadJob, file: IO[bytes]) -> None:
        size = os.fstat(file.fileno()).st_size
        if size != job.size:
            raise InvalidVideoError(
                job.path, f"the file changed size while being prepared ({job.size} -> {size})"
            )

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"this {type(self).__name__} is closed; create a new one")

    # -- requests ---------------------------------------------------------------------------

    def _api_request(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Request:
        self._check_open()
        return httpx.Request(
            method,
            self._config.url(path),
            json=json,
            params=params,
            headers=default_headers(),
        )

    def _create_video_request(self, payload: Mapping[str, Any]) -> httpx.Request:
        return self._api_request("POST", "/videos", json=payload)

    def _video_request(
        self, method: str, video_id: str, suffix: str = "", **kw: Any
    ) -> httpx.Request:
        return self._api_request(method, f"/videos/{check_video_id(video_id)}{suffix}", **kw)

    def _get_video_request(self, video_id: str, include: Include) -> httpx.Request:
        parts = check_include(include)
        params = {"include": ",".join(parts)} if parts else None
        return self._video_request("GET", video_id, params=params)

    def _download_request(self, uri: str) -> tuple[httpx.Request, httpx.Auth]:
        """A GET of ``uri`` (joined to the API's URL if relative), and its auth: the token only
        for the API's own origin, never for another host (a presigned URL carries its own)."""
        url = httpx.URL(self._config.base_url + "/").join(uri)
        check_url_allowed(
            str(url), allow_insecure_http=self._config.allow_insecure_http, what="the download URL"
        )
        base = httpx.URL(self._config.base_url)
        same_origin = (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)
        request = httpx.Request("GET", url, headers={"User-Agent": default_headers()["User-Agent"]})
        return request, (self._auth if same_origin else NO_AUTH)

    def _upload_request(
        self, target: UploadTarget, file: IO[bytes], job: UploadJob, progress: ByteProgress
    ) -> tuple[httpx.Request, ByteReporter]:
        url = str(httpx.URL(self._config.base_url + "/").join(target.url))
        check_url_allowed(
            url, allow_insecure_http=self._config.allow_insecure_http, what="the upload URL"
        )
        reporter = ByteReporter(progress, total=job.size, desc=f"uploading {job.filename}")
        request = build_upload_request(
            url,
            target.fields,
            file,
            filename=job.filename,
            report=reporter,
            headers={"User-Agent": default_headers()["User-Agent"]},
        )
        return request, reporter

    def _poller(
        self,
        video_id: str,
        timeout: float,
        poll_interval: float | None,
        max_poll_interval: float | None,
        progress: AnalysisProgress,
        label: str | None = None,
    ) -> Poller:
        first, longest = self._poll_intervals(poll_interval, max_poll_interval)
        return Poller(
            check_video_id(video_id),
            timeout=timeout,
            poll_interval=first,
            max_poll_interval=longest,
            progress=progress,
            label=label,
        )

    def _poll_intervals(
        self, poll_interval: float | None, max_poll_interval: float | None
    ) -> tuple[float, float]:
        """The first and the longest wait between polls: those given, else this server's."""
        if self.is_local:
            defaults = (LOCAL_POLL_INTERVAL, LOCAL_MAX_POLL_INTERVAL)
        else:
            defaults = (DEFAULT_POLL_INTERVAL, DEFAULT_MAX_POLL_INTERVAL)
        return (
            defaults[0] if poll_interval is None else poll_interval,
            defaults[1] if max_poll_interval is None else max_poll_interval,
        )

    def _prepare_send(self, request: httpx.Request) -> httpx.Request:
        """Give a request built outside httpx's clients the client's timeouts."""
        self._check_open()
        request.extensions.setdefault("timeout", self._timeout.as_dict())
        return request

    # -- answers ----------------------------------------------------------------------------

    @staticmethod
    def _json_object(response: httpx.Response) -> dict[str, Any]:
        body = decode_body(response)
        if not isinstance(body, dict):
            raise MalformedResponseError(
                f"expected a JSON object, got {type(body).__name__}; is base_url the Guru API?",
                status_code=response.status_code,
                body=body
                if isinstance(body, (str, type(None))) and len(body or "") < 500
                else None,
                request_id=request_id(response),
                method=response.request.method,
                url=safe_url(response.request.url),
            )
        return body

    @staticmethod
    def _malformed(response: httpx.Response, what: str, error: SchemaError) -> APIError:
        """The server's malformed answer (``error`` names the field) as a typed API error."""
        return MalformedResponseError(
            f"the server's {what} does not follow the Guru API's schema: "
            f"{field_label(error.field)} {error.problem}. This is the server's fault, not your "
            "video's: try again later, and report it to whoever runs the server if it persists",
            field=error.field,
            problem=error.problem,
            status_code=response.status_code,
            request_id=request_id(response),
            method=response.request.method,
            url=safe_url(response.request.url),
        )

    def _upload_target(self, response: httpx.Response) -> UploadTarget:
        body = self._json_object(response)
        if not isinstance(body.get("id"), (str, int)) or not isinstance(body.get("url"), str):
            raise MalformedResponseError(
                "the create-video answer has no id or url; is base_url the Guru API?",
                status_code=response.status_code,
                request_id=request_id(response),
                method=response.request.method,
                url=safe_url(response.request.url),
            )
        return UploadTarget.from_json(body)

    def _video(self, response: httpx.Response, video_id: str) -> Video:
        try:
            return Video.from_json(self._json_object(response), video_id=video_id)
        except SchemaError as error:
            raise self._malformed(response, f"record of video {video_id}", error) from None

    def _updated_id(self, response: httpx.Response, video_id: str) -> str:
        body = decode_body(response)
        answered = body.get("id") if isinstance(body, dict) else None
        return str(answered) if answered is not None else video_id

    @staticmethod
    def _pose_track(response: httpx.Response) -> PoseTrack:
        from guru_form.pose.track import PoseTrack

        return PoseTrack.from_parquet_bytes(response.content)

    @staticmethod
    def _no_pose_track(error: NotFoundError) -> bool:
        """True when a 404 means "this analysis has no pose track", not "no such video"."""
        body = error.body if isinstance(error.body, dict) else {}
        return body.get("error") in ("no_pose_track", "not_ready")

    def _joint_data(self, response: httpx.Response, video_id: str) -> PoseTrack | None:
        """The pose track of a ``GET /videos/{id}/j2p`` answer (None while Pending)."""
        return self._track_of_j2p(self._json_object(response), video_id, response, fps=None)

    def _track_of_j2p(
        self,
        body: dict[str, Any],
        video_id: str,
        response: httpx.Response,
        *,
        fps: float | None,
        activity: Activity | None = None,
    ) -> PoseTrack | None:
        """The pose track of Guru's joint data (None while Pending).

        Guru's keypoints go through the pose engine's own track building
        (:func:`guru_form.pose.track.track_from_keypoints`: label swaps repaired, the side facing
        the camera chosen, outliers dropped and short gaps filled), without smoothing: the
        positions stay as Guru gave them.
        """
        from guru_form.io.j2p import from_j2p
        from guru_form.pose.track import track_from_keypoints

        status = Analysis.from_json({"status": body.get("status")}).status
        if status is Status.PENDING:
            return None
        if status is Status.FAILED:
            failed = Analysis.from_json(body, video_id=video_id)
            raise AnalysisFailedError(video_id, failed.reason, failed.reason_code)
        if activity is None:
            included = body.get("analysis")
            named = included.get("activity") if isinstance(included, dict) else None
            if isinstance(named, str) and named in {a.value for a in Activity}:
                activity = Activity(named)
        try:
            keypoints = from_j2p(body, fps=fps, source=video_id)
        except SchemaError as error:
            raise self._malformed(response, f"joint data of video {video_id}", error) from None
        return track_from_keypoints(keypoints, activity, smooth=False)

    def _video_with_joints(self, response: httpx.Response, video_id: str) -> Video:
        """The video record; with ``include`` j2p and analysis, the track attached to the analysis."""
        video = self._video(response, video_id)
        if video.j2p is not None and video.analysis is not None:
            try:
                track = self._track_of_j2p(
                    video.j2p,
                    video_id,
                    response,
                    fps=video.fps,
                    activity=video.analysis.activity,
                )
            except AnalysisFailedError:
                track = None
            video.analysis.pose_track = track
        return video

    @staticmethod
    def _ready_overlay(video: Video, kind: str) -> Overlay | None:
        """The overlay ``kind`` of ``video`` if built, None while it is being built.

        Raises
        ------
        InvalidInputError
            The server offers no overlay of that kind.
        GuruError
            Its build failed.
        """
        overlay = video.overlays.get(kind)
        if overlay is None:
            offered = ", ".join(video.overlays) or "none"
            raise InvalidInputError(
                f"video {video.id} has no {kind!r} overlay (the server offers: {offered})"
            )
        if (overlay.status or "").lower() == "failed":
            why = video.raw.get("overlays", {}).get(kind, {}).get("reason")
            raise GuruError(
                f"the {kind} overlay of video {video.id} could not be built"
                + (f": {why}" if why else "")
            )
        return overlay if overlay.ready else None

    @staticmethod
    def _download_target(path: str | os.PathLike[str]) -> Path:
        if not isinstance(path, (str, os.PathLike)):
            raise InvalidInputError(f"path must be a file path, got {type(path).__name__}")
        target = Path(path)
        if target.is_dir():
            raise InvalidInputError(f"{target} is a folder; pass the path of the .mp4 to write")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def _overlay_wait(
        self, kind: object, timeout: object, poll_interval: object
    ) -> tuple[str, float, float]:
        """Check ``download_overlay``'s options; returns the kind, the deadline and the wait
        between looks."""
        if poll_interval is None:
            poll_interval = self._poll_intervals(None, None)[0]
        if not isinstance(kind, str) or not kind.strip():
            raise InvalidInputError(
                f"kind must be an overlay's name ('all', 'skeleton'), got {kind!r}"
            )
        for name, value in (("timeout", timeout), ("poll_interval", poll_interval)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise InvalidInputError(f"{name} must be a number >= 0, got {value!r}")
        assert isinstance(timeout, (int, float)) and isinstance(poll_interval, (int, float))
        return kind.strip(), time.monotonic() + float(timeout), float(poll_interval)

    @staticmethod
    def _overlay_timeout(video: Video, kind: str, timeout: float) -> AnalysisTimeoutError:
        overlay = video.overlays.get(kind)
        status = None if overlay is None else overlay.status
        return AnalysisTimeoutError(video.id, timeout, f"{kind} overlay {status or 'not built'}")

    def _wants_pose_track(self, analysis: Analysis) -> bool:
        return self.is_local and analysis.status is Status.COMPLETE and analysis.pose_track is None

    def _analysis(self, response: httpx.Response, video_id: str) -> tuple[Analysis, float | None]:
        try:
            analysis = Analysis.from_json(self._json_object(response), video_id=video_id)
        except SchemaError as error:
            raise self._malformed(response, f"analysis of video {video_id}", error) from None
        return analysis, parse_retry_after(response.headers)

    @staticmethod
    def _check_upload_response(
        response: httpx.Response, target: UploadTarget, job: UploadJob
    ) -> None:
        if not (response.is_success or upload_already_received(response)):
            raise upload_error(response, filename=job.filename, secrets=target.fields)

    # -- the result cache -------------------------------------------------------------------

    def _cache_key(self, job: UploadJob, content_sha256: str) -> str:
        return self._cache.key(content_sha256, job.metadata.activity, job.metadata.rep_count)

    def _resume_target(
        self, key: str, job: UploadJob, entry: CacheEntry, video: Video | None
    ) -> str | None:
        """Decide, from the server's record of it, whether to poll a recorded video.

        ``video`` is what ``get_video`` said of the video whose upload was never confirmed (None
        when the server no longer knows it). Only ``Pending`` (the API's word for "not uploaded
        yet") means the file never arrived: then the entry is forgotten and None returned, so a
        new video is created. Any other status, or none, counts as received and the video id is
        returned for polling, since uploading the same file under a second id is what must never
        happen.
        """
        if video is not None and (video.status or "").strip().lower() != "pending":
            self._cache.record_uploaded(key, entry.video_id, source_path=job.path)
            return entry.video_id
        if video is not None:
            logger.info(
                "video %s never received %s; uploading it to a new video", video.id, job.filename
            )
        self._cache.forget(key)
        return None

    def _forget_vanished(self, key: str, video_id: str) -> None:
        """Drop ``key``'s entry if it still names ``video_id`` (a video the server lost).

        Call it holding the entry's lock: another client may have recorded a new video meanwhile,
        and that entry is kept.
        """
        entry = self._cache.get(key)
        if entry is not None and entry.video_id == video_id:
            self._cache.forget(key)

    def _record_created(self, key: str, job: UploadJob) -> Callable[[str], None]:
        """The callback that records a created video's id before its upload starts."""
        return lambda video_id: self._cache.record_created(key, video_id, source_path=job.path)

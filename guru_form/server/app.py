"""The ASGI app: the Guru fitness API's endpoints over a :class:`~guru_form.server.config.ServerRuntime`.

=====================================  =========================================================
``POST /oauth2/token``                 client-credentials exchange (form-encoded or JSON), as
                                       Guru's Cognito endpoint: ``scope``, ``audience`` or
                                       neither; client id and secret in the form or as HTTP
                                       Basic. ``POST /oauth/token`` (Auth0's path) is the same.
``POST /videos``                       create a video record; answers ``id``, ``url``, ``fields``
``POST /uploads/{id}``                 the presigned upload target (no token; signed form fields)
``GET /videos/{id}``                   the video record: ``status`` Pending | Success | Failed (with
                                       ``reason``), ``uri``, ``fps``, ``overlays``, metadata, and
                                       guru_form's ``analysisEngine`` (below); ``include=`` any of
                                       ``analysis``, ``j2p``, ``objects`` (comma-separated) adds
                                       that part
``PUT /videos/{id}``                   update ``repCount``, ``domain``, ``activity``
``GET /videos/{id}/analysis``          the analysis: Pending | Complete (reps) | Failed (reason)
``GET /videos/{id}/j2p``               the joint data: ``status``, ``resolutionWidth``/``Height``,
                                       ``analysis`` (the reps) and ``jointToPoints`` (Guru's format,
                                       from the pose engine's track)
``GET /videos/{id}/content``           the raw uploaded video (the ``uri`` above)
``GET /videos/{id}/overlays/{kind}``   an overlay video (``skeleton`` or ``all``), once built
``GET /videos/{id}/pose-track``        guru_form's extension: the pose engine's per-frame track
                                       (Parquet), once the analysis is Complete
``GET /health``                        liveness, the engine in use and its stride (no auth)
=====================================  =========================================================

A video's ``status`` is ``Pending`` until its file is uploaded, then ``Success``, or ``Failed``
(with the analysis's ``reason``, and ``message`` when the reason is a code such as
``LOW_QUALITY_POSE_ESTIMATE``) once its analysis failed. ``overlays`` maps ``skeleton`` and ``all``
to a ``status``: the first ``GET /videos/{id}`` after the analysis is Complete queues their build
(``Pending``), and each is ``Complete`` with a ``uri`` once written (see
:mod:`guru_form.server.overlays`). ``include=objects`` is an empty list: this server detects no
objects.

An upload created without an activity is given to the engine without one: the pose engine then
recognises it, and its analysis carries ``"x-guru-form": {"recognizedActivity": {"activity":
"squat", "confidence": 0.93}}`` (guru_form's extension, beside the ``person`` measured), or ends Failed with ``LOW_QUALITY_POSE_ESTIMATE``
when it cannot tell.

``analysisEngine`` is ``{"name": "pose", "stride": 1}``: the engine settings the upload was queued
with, which its analysis is made with (also after a restart with other settings). It is null before
an upload, and for uploads stored before guru_form recorded it. The analysis JSON itself stays as
Guru's (``x-guru-form`` aside).

Every other endpoint but the upload wants the access token, raw (``Authorization: <token>``, as
Guru's API) or as ``Authorization: Bearer <token>``.

Errors are JSON: ``{"error": code, "message": sentence}`` (plus ``field`` and ``errors`` for a 400 on
one field), and the token endpoint answers OAuth2's ``{"error", "error_description"}``. Every
response carries ``x-request-id``; a 5xx also has it in its body (``requestId``), and the log line about it.

Nothing a client sends makes a 500 on purpose: bodies are bounded per route before they are read
(413, :mod:`guru_form.server._limits`), JSON and fields are validated (400,
:mod:`guru_form.server._validation`), an upload form works once (409 after), a full disk answers 507
and a busy database 503, both with ``Retry-After``. Any other exception is answered with a JSON 500
and logged in one line, without a traceback (it is logged at DEBUG level).
"""

from __future__ import annotations

import base64
import binascii
import errno
import logging
import mimetypes
import re
import sqlite3
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from guru_form.server._auth import TOKEN_PATH, TokenError, parse_authorization
from guru_form.server._limits import BodyLimitMiddleware, send_json
from guru_form.server._logging import install_log_filters
from guru_form.server._signing import UploadRejectedError
from guru_form.server._store import VideoRecord
from guru_form.server._upload import receive_upload
from guru_form.server._validation import (
    BodyError,
    FieldError,
    ignored_create_fields,
    parse_json,
    validate_create,
    validate_update,
)
from guru_form.server.config import ServerConfig, ServerRuntime
from guru_form.server.overlays import OVERLAY_KINDS, overlay_path

__all__ = ["create_app"]

logger = logging.getLogger("guru_form.server")
REQUEST_ID_HEADER = "x-request-id"
_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")
_VIDEO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_FULL_DISK_RETRY_S = 60
_BUSY_RETRY_S = 1


class RequestIdMiddleware:
    """Gives every HTTP request an id (``x-request-id``), and turns anything it raises into JSON.

    The id is in ``scope["state"]["request_id"]`` for the handlers. An exception that escapes the
    app is logged in one line naming the request id (the traceback only at DEBUG level) and, when
    no answer was sent yet, answered by :func:`failure_body`'s JSON; it is never re-raised to
    uvicorn, which would log a traceback.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        scope = {**scope, "state": {**scope.get("state", {}), "request_id": request_id}}
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {
                    **message,
                    "headers": [
                        *message.get("headers", []),
                        (REQUEST_ID_HEADER.encode(), request_id.encode()),
                    ],
                }
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:
            logger.info("request %s: the client went away before the answer", request_id)
        except Exception as exc:
            logger.error(
                "request %s (%s %s) failed: %s",
                request_id,
                scope.get("method"),
                scope.get("path"),
                _describe(exc),
            )
            logger.debug("request %s failed", request_id, exc_info=exc)
            if not started:
                status, body, headers = failure_body(exc, request_id)
                await send_json(send_with_id, status, body, **headers)


def _describe(exc: BaseException) -> str:
    """``"KeyError at app.py:123"``: the exception's type and where it was raised, in one line."""
    where = ""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f" at {tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
    return f"{type(exc).__name__}{where}"


def _disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        code = getattr(exc, "sqlite_errorcode", None)
        return code == getattr(sqlite3, "SQLITE_FULL", 13) or "disk is full" in str(exc)
    return False


def _database_busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and (
        "database is locked" in str(exc) or "database is busy" in str(exc)
    )


def failure_body(exc: BaseException, request_id: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    """The status, JSON body and headers answering a request that raised ``exc``.

    A full disk is 507 and a database another process holds too long is 503, both with
    ``Retry-After``; anything else is 500. Each body names the request id.
    """
    if _disk_full(exc):
        return (
            507,
            {
                "error": "insufficient_storage",
                "message": "the server's disk is full, so nothing was stored; try again later "
                "(whoever runs the server must free space)",
                "requestId": request_id,
            },
            {"retry_after": str(_FULL_DISK_RETRY_S)},
        )
    if _database_busy(exc):
        return (
            503,
            {
                "error": "busy",
                "message": "the server's database is busy; try again in a moment",
                "requestId": request_id,
            },
            {"retry_after": str(_BUSY_RETRY_S)},
        )
    return (
        500,
        {
            "error": "server_error",
            "message": f"the server failed to handle this request; try again, and quote request "
            f"id {request_id} if it keeps failing",
            "requestId": request_id,
        },
        {},
    )


def _error(status: int, error: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": error, "message": message, **extra}, status_code=status)


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={"cache-control": "no-store"},
    )


def _field_error(exc: FieldError) -> JSONResponse:
    return _error(
        400,
        "validation_error",
        f"{exc.field}: {exc.message}",
        field=exc.field,
        errors={exc.field: [exc.message]},
    )


def _client_credentials(form: dict[str, str], headers: Headers) -> tuple[str, str]:
    """The client id and secret, from an HTTP Basic ``Authorization`` header or the form.

    Raises
    ------
    ValueError
        An unreadable Basic header, or one that names another client than the form.
    """
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return form.get("client_id", ""), form.get("client_secret", "")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError(
            "the Basic Authorization header is not base64 of client_id:secret"
        ) from None
    client_id, sep, client_secret = decoded.partition(":")
    if not sep:
        raise ValueError("the Basic Authorization header is not base64 of client_id:secret")
    if form.get("client_id") and form["client_id"] != client_id:
        raise ValueError("client_id in the form and in the Authorization header differ")
    return client_id, client_secret


INCLUDES = ("analysis", "j2p", "objects")


def _include(value: str | None) -> tuple[str, ...]:
    """The parts ``include=`` asks for (comma-separated); an unknown one is a :class:`FieldError`."""
    parts = tuple(p.strip() for p in (value or "").split(",") if p.strip())
    unknown = [p for p in parts if p not in INCLUDES]
    if unknown:
        raise FieldError(
            "include",
            f"unknown part(s) {', '.join(map(repr, unknown))}; include takes a comma-separated "
            f"list of {', '.join(INCLUDES)}",
        )
    return parts


def _failure(analysis: dict[str, Any]) -> dict[str, Any]:
    """``reason`` (and ``message``, when the reason is a code) of a Failed analysis."""
    out = {"reason": analysis.get("reason") or "the analysis failed"}
    if analysis.get("message"):
        out["message"] = analysis["message"]
    return out


def _frame_rate(path: Path) -> float | None:
    """The video's frame rate as its container states it, or None when it states none."""
    import cv2

    capture = cv2.VideoCapture(str(path))
    try:
        fps = float(capture.get(cv2.CAP_PROP_FPS)) if capture.isOpened() else 0.0
    finally:
        capture.release()
    return round(fps, 3) if fps > 0 else None


def _read_track(path: Path) -> Any:
    from guru_form.io.pose_parquet import from_pose_parquet

    return from_pose_parquet(path)


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat().replace("+00:00", "Z")


class _Api:
    """Request handlers bound to one runtime."""

    def __init__(self, runtime: ServerRuntime) -> None:
        self.rt = runtime
        self.fps_cache: dict[tuple[str, int], float | None] = {}

    def base_url(self, request: Request) -> str:
        return (self.rt.config.public_url or str(request.base_url)).rstrip("/")

    # --- auth -----------------------------------------------------------------------------------

    async def json_body(self, request: Request) -> Any:
        """The request's JSON (its size was bounded at the edge); raises :class:`BodyError`."""
        return parse_json(await request.body(), max_depth=self.rt.config.limits.json_depth)

    async def token(self, request: Request) -> Response:
        if "client_secret" in request.query_params:
            return _oauth_error(
                400,
                "invalid_request",
                "send client_secret in the request body, never in the URL (URLs are logged and "
                "cached); and make a new secret, since this one was exposed",
            )
        kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        try:
            if kind == "application/json":
                raw = await self.json_body(request)
                form = {k: str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
            elif kind in ("", "application/x-www-form-urlencoded"):
                form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
            else:
                raise BodyError(f"not {kind}")
        except (BodyError, ValueError, UnicodeDecodeError):
            return _oauth_error(
                400,
                "invalid_request",
                "the body must be form-encoded (application/x-www-form-urlencoded) or JSON",
            )
        try:
            client_id, client_secret = _client_credentials(form, request.headers)
        except ValueError as exc:
            return _oauth_error(400, "invalid_request", str(exc))
        for name, value in (
            ("grant_type", form.get("grant_type")),
            ("client_id", client_id),
            ("client_secret", client_secret),
        ):
            if not value:
                return _oauth_error(400, "invalid_request", f"Missing required parameter: {name}")
        if form["grant_type"] != "client_credentials":
            return _oauth_error(
                403,
                "unauthorized_client",
                f"Grant type '{form['grant_type']}' not allowed for the client; "
                f"use 'client_credentials'",
            )
        if not self.rt.credentials.matches(client_id, client_secret):
            return _oauth_error(
                401, "access_denied", "Unauthorized: unknown client_id or wrong client_secret"
            )
        audience = form.get("audience")
        if audience and audience != self.rt.config.audience:
            return _oauth_error(
                403,
                "access_denied",
                f"Service not found: {audience} (this server's audience is "
                f"{self.rt.config.audience})",
            )
        unknown = [s for s in form.get("scope", "").split() if s not in self.rt.config.scopes]
        if unknown:
            return _oauth_error(
                400,
                "invalid_scope",
                f"Invalid scope requested: {' '.join(unknown)} (this server grants "
                f"{', '.join(self.rt.config.scopes)})",
            )
        issued = self.rt.tokens.issue(client_id, self.rt.token_ttl_s)
        return JSONResponse(
            {"access_token": issued.value, "token_type": "Bearer", "expires_in": issued.expires_in},
            headers={"cache-control": "no-store"},
        )

    def authenticate(self, request: Request) -> Response | None:
        header = request.headers.get("authorization", "")
        token = parse_authorization(header)
        if token is None:
            problem = "missing access token" if not header.strip() else "unreadable Authorization"
            return JSONResponse(
                {
                    "error": "unauthorized",
                    "message": f"{problem}: send 'Authorization: <token>' (or 'Authorization: "
                    f"Bearer <token>') with a token from POST {TOKEN_PATH}",
                },
                status_code=401,
                headers={"www-authenticate": 'Bearer realm="guru-form"'},
            )
        try:
            self.rt.tokens.check(token, self.rt.revoked_before)
        except TokenError as exc:
            return JSONResponse(
                {"error": "invalid_token", "message": str(exc)},
                status_code=401,
                headers={
                    "www-authenticate": f'Bearer realm="guru-form", error="invalid_token", '
                    f'error_description="{exc}"'
                },
            )
        return None

    def authorized_video(self, request: Request) -> VideoRecord | Response:
        """The video the request's path names, or the answer to send instead (401, 404)."""
        if (denied := self.authenticate(request)) is not None:
            return denied
        return self.video_or_404(request.path_params["video_id"])

    def video_or_404(self, video_id: str) -> VideoRecord | JSONResponse:
        record = self.rt.store.get_video(video_id) if _VIDEO_ID.fullmatch(video_id) else None
        if record is None:
            shown = video_id if len(video_id) <= 80 else f"{video_id[:60]}..."
            return _error(404, "not_found", f"no video with id {shown!r}; check the id")
        return record

    # --- videos ---------------------------------------------------------------------------------

    async def create_video(self, request: Request) -> Response:
        if (denied := self.authenticate(request)) is not None:
            return denied
        try:
            body = await self.json_body(request)
        except BodyError as exc:
            return _error(400, "invalid_request", f"{exc}; the body must be a JSON object")
        schemas = self.rt.config.schemas
        try:
            columns = validate_create(body, self.rt.config.max_upload_bytes, schemas)
        except FieldError as exc:
            return _field_error(exc)
        video_id = str(uuid.uuid4())
        self.rt.store.create_video(video_id, **columns)
        fields = self.rt.signer.sign(video_id, columns["size"], self.rt.config.upload_ttl_s)
        logger.info("created video %s", video_id)
        ignored = ignored_create_fields(body, schemas)
        if ignored:
            logger.info(
                "video %s: ignored field(s) %s, which this server does not use",
                video_id,
                ", ".join(ignored),
            )

        return JSONResponse(
            {
                "id": video_id,
                "url": f"{self.base_url(request)}/uploads/{video_id}",
                "fields": fields,
            }
        )

    async def video_json(
        self, request: Request, record: VideoRecord, include: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        base = self.base_url(request)
        uri = f"{base}/videos/{record.id}/content" if record.uploaded else None
        analysis = record.analysis()
        failed = record.uploaded and analysis.get("status") == "Failed"
        body: dict[str, Any] = {
            "id": record.id,
            "status": "Failed" if failed else "Success" if record.uploaded else "Pending",
            "uri": uri,
            "filename": record.filename,
            "size": record.size,
            "domain": record.domain,
            "activity": record.activity,
            "repCount": record.rep_count,
            "source": record.source,
            "createdAt": _iso(record.created_at),
            "uploadedAt": _iso(record.uploaded_at),
            "analysisEngine": _engine_json(record),
            "fps": await self.fps(record),
            "overlays": self.overlays_json(base, record, analysis),
        }
        if failed:
            body.update(_failure(analysis))
        if "analysis" in include:
            body["analysis"] = analysis
        if "j2p" in include:
            body["j2p"] = await self.j2p_json(record, analysis)
        if "objects" in include:
            body["objects"] = []  # this server detects no objects besides the athlete's pose
        return body

    async def fps(self, record: VideoRecord) -> float | None:
        """The uploaded video's frame rate (read once per upload), or None before an upload."""
        if record.content_path is None:
            return None
        key = (record.id, record.upload_generation)
        if key not in self.fps_cache:
            self.fps_cache[key] = await run_in_threadpool(_frame_rate, Path(record.content_path))
        return self.fps_cache[key]

    def overlays_json(
        self, base: str, record: VideoRecord, analysis: dict[str, Any]
    ) -> dict[str, Any]:
        """``overlays``: each kind's status, and its ``uri`` once built (a build is queued here)."""
        if record.content_path is None:
            return {}
        status = analysis.get("status")
        if status != "Complete":
            waiting = (
                {"status": "Failed", "reason": "the analysis failed: there is nothing to draw"}
                if status == "Failed"
                else {"status": "Pending"}
            )
            return {kind: dict(waiting) for kind in OVERLAY_KINDS}
        artifacts = self.rt.runner.artifacts_dir(record.id, record.upload_generation)
        states = self.rt.overlays.states(artifacts, Path(record.content_path), analysis)
        out: dict[str, Any] = {}
        for kind, state in states.items():
            out[kind] = {"status": state.status}
            if state.reason is not None:
                out[kind]["reason"] = state.reason
            if state.status == "Complete":
                out[kind]["uri"] = f"{base}/videos/{record.id}/overlays/{kind}"
        return out

    async def j2p_json(self, record: VideoRecord, analysis: dict[str, Any]) -> dict[str, Any]:
        """Guru's joint data of the upload: ``status``, and ``jointToPoints`` once Complete."""
        status = analysis.get("status") if record.uploaded else "Pending"
        if status == "Pending" or status not in ("Complete", "Failed"):
            return {"status": "Pending"}
        if status == "Failed":
            return {"status": "Failed", **_failure(analysis)}
        from guru_form.io.pose_parquet import find_artifact

        track_file = find_artifact(
            self.rt.runner.artifacts_dir(record.id, record.upload_generation)
        )
        if track_file is None:
            return {
                "status": "Failed",
                "reason": f"the analysis of video {record.id} has no joint data: it was not made "
                "by the pose engine",
            }
        track = await run_in_threadpool(_read_track, track_file)
        from guru_form.io.j2p import to_j2p

        return {
            "status": "Complete",
            "resolutionWidth": track.width,
            "resolutionHeight": track.height,
            "analysis": {"reps": analysis.get("reps", [])},
            "jointToPoints": await run_in_threadpool(to_j2p, track),
        }

    async def get_video(self, request: Request) -> Response:
        record = self.authorized_video(request)
        if isinstance(record, Response):
            return record
        try:
            include = _include(request.query_params.get("include"))
        except FieldError as exc:
            return _field_error(exc)
        return JSONResponse(await self.video_json(request, record, include))

    async def get_j2p(self, request: Request) -> Response:
        record = self.authorized_video(request)
        if isinstance(record, Response):
            return record
        return JSONResponse(await self.j2p_json(record, record.analysis()))

    async def get_overlay(self, request: Request) -> Response:
        record = self.authorized_video(request)
        if isinstance(record, Response):
            return record
        kind = request.path_params["kind"]
        if kind not in OVERLAY_KINDS:
            return _error(
                404,
                "not_found",
                f"no overlay {kind!r}; the overlays are {', '.join(OVERLAY_KINDS)}",
            )
        path = None
        if record.content_path is not None:
            artifacts = self.rt.runner.artifacts_dir(record.id, record.upload_generation)
            path = overlay_path(artifacts, kind)
        if path is None or not path.is_file():
            return _error(
                404,
                "not_ready",
                f"the {kind} overlay of video {record.id} is not built; GET /videos/{record.id} "
                "starts it and says when it is Complete",
            )
        return FileResponse(path, media_type="video/mp4", filename=f"{record.id}-{kind}.mp4")

    async def update_video(self, request: Request) -> Response:
        record = self.authorized_video(request)
        if isinstance(record, Response):
            return record
        try:
            body = await self.json_body(request)
        except BodyError as exc:
            return _error(400, "invalid_request", f"{exc}; the body must be a JSON object")
        try:
            changes = validate_update(body, record.activity)
        except FieldError as exc:
            return _field_error(exc)
        self.rt.store.update_video(record.id, changes)
        return JSONResponse({"id": record.id})

    async def get_analysis(self, request: Request) -> Response:
        record = self.authorized_video(request)
        if isinstance(record, Response):
            return record
        return JSONResponse(record.analysis())

    async def get_content(self, request: Request) -> Response:
        record = self.authorized_video(request)
        if isinstance(record, Response):
            return record
        if record.content_path is None:
            return _error(
                404, "not_uploaded", f"video {record.id} has no content yet; upload it first"
            )
        media_type = mimetypes.guess_type(record.filename)[0] or "application/octet-stream"
        return FileResponse(record.content_path, media_type=media_type, filename=record.filename)

    async def get_pose_track(self, request: Request) -> Response:
        record = self.authorized_video(request)
        if isinstance(record, Response):
            return record
        if record.analysis().get("status") != "Complete":
            return _error(
                404, "not_ready", f"video {record.id} has no finished analysis yet; wait for it"
            )
        from guru_form.io.pose_parquet import find_artifact

        track = find_artifact(self.rt.runner.artifacts_dir(record.id, record.upload_generation))
        if track is None:
            return _error(
                404,
                "no_pose_track",
                f"the analysis of video {record.id} has no pose track: it was not made by the "
                "pose engine",
            )
        return FileResponse(track, media_type="application/vnd.apache.parquet")

    # --- upload ---------------------------------------------------------------------------------

    async def upload(self, request: Request) -> Response:
        video_id = request.path_params["video_id"]
        record = self.video_or_404(video_id)
        if isinstance(record, Response):
            return record
        if record.uploaded:
            return _form_used(video_id)
        try:
            tmp_path, _ = await receive_upload(
                request.stream(),
                request.headers.get("content-type"),
                verify=lambda fields: self.rt.signer.verify(video_id, fields),
                tmp_dir=self.rt.tmp_dir,
                expected_size=record.size,
                limits=self.rt.config.limits,
            )
        except UploadRejectedError as exc:
            code = _UPLOAD_ERROR_CODES.get(exc.status, "invalid_upload")
            extra = {} if exc.field is None else {"field": exc.field}
            return _error(exc.status, code, exc.reason, **extra)
        except ClientDisconnect:
            return Response(status_code=400)
        final_path = self.rt.videos_dir / f"{video_id}{_content_suffix(record.filename)}"
        try:
            generation = self.rt.store.claim_upload(
                video_id,
                str(final_path),
                engine_spec=self.rt.runner.spec.to_json(),
                place=lambda: tmp_path.replace(final_path),  # atomic: the file is whole or absent
            )
        finally:
            tmp_path.unlink(missing_ok=True)  # still there when the claim failed or was refused
        if generation is None:
            return _form_used(video_id)  # another upload to this form finished first
        self.rt.runner.submit(video_id, generation)
        logger.info("received content of video %s (upload %d)", video_id, generation)
        return Response(status_code=204)

    async def health(self, request: Request) -> Response:
        spec = self.rt.spec
        return JSONResponse({"status": "ok", "engine": spec.name, "stride": spec.stride})


_UPLOAD_ERROR_CODES = {403: "access_denied", 413: "payload_too_large"}

UPLOAD_FORM_USED = "upload_form_used"
"""The ``error`` of the 409 answering a second use of an upload form."""


def _form_used(video_id: str) -> JSONResponse:
    return _error(
        409,
        UPLOAD_FORM_USED,
        f"this upload form was used already: video {video_id} has its content, and an upload "
        f"form works once. To upload another file, create a new video (POST /videos)",
    )


def _engine_json(record: VideoRecord) -> dict[str, Any] | None:
    """``{"name", "stride"}`` of the engine settings recorded with the upload, or None."""
    recorded = record.engine_spec
    if not record.uploaded or recorded is None:
        return None
    return {"name": recorded.get("name"), "stride": recorded.get("stride")}


def _content_suffix(filename: str) -> str:
    """The uploaded file's extension if it is a plain one (it helps decoders guess the format)."""
    suffix = filename[filename.rfind(".") :] if "." in filename else ""
    return suffix.lower() if _SAFE_SUFFIX.fullmatch(suffix) else ""


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return _error(404, "not_found", f"no such endpoint: {request.method} {request.url.path}")
    if exc.status_code == 405:
        return _error(
            405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}"
        )
    return _error(exc.status_code, "http_error", str(exc.detail))


async def _server_error(request: Request, exc: Exception) -> Response:
    # Logged by RequestIdMiddleware, which sees the exception next (Starlette re-raises it).
    status, body, headers = failure_body(exc, request.scope.get("state", {}).get("request_id", "-"))
    return JSONResponse(body, status, {k.replace("_", "-"): v for k, v in headers.items()})


def create_app(
    config: ServerConfig | ServerRuntime, *, middleware: Sequence[Callable[[ASGIApp], ASGIApp]] = ()
) -> ASGIApp:
    """The ASGI app of a local Guru-compatible server.

    Parameters
    ----------
    config
        The server's settings: the runtime (database, job runner) then opens on ASGI lifespan start
        and closes on shutdown. Or a :class:`ServerRuntime` the caller opens and closes itself.
    middleware
        ASGI middleware factories (``app -> app``) wrapped around the routes, first innermost,
        inside the server's own layers: what they answer still gets an ``x-request-id`` and the
        body limits, and what they raise is answered as JSON. For metrics, tracing, or tests
        that make the server misbehave on purpose.

    Examples
    --------
    >>> import uvicorn  # doctest: +SKIP
    >>> uvicorn.run(create_app(ServerConfig("guru-data")), port=8000)  # doctest: +SKIP
    """
    if isinstance(config, ServerRuntime):
        runtime, managed = config, False
    else:
        runtime, managed = ServerRuntime(config), True
    api = _Api(runtime)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if managed:
            runtime.open()
        try:
            yield
        finally:
            if managed:
                runtime.close()

    routes = [
        Route(TOKEN_PATH, api.token, methods=["POST"]),
        Route("/oauth/token", api.token, methods=["POST"]),
        Route("/videos", api.create_video, methods=["POST"]),
        Route("/videos/{video_id}", api.get_video, methods=["GET"]),
        Route("/videos/{video_id}", api.update_video, methods=["PUT"]),
        Route("/videos/{video_id}/analysis", api.get_analysis, methods=["GET"]),
        Route("/videos/{video_id}/content", api.get_content, methods=["GET"]),
        Route("/videos/{video_id}/pose-track", api.get_pose_track, methods=["GET"]),
        Route("/videos/{video_id}/j2p", api.get_j2p, methods=["GET"]),
        Route("/videos/{video_id}/overlays/{kind}", api.get_overlay, methods=["GET"]),
        Route("/uploads/{video_id}", api.upload, methods=["POST"]),
        Route("/health", api.health, methods=["GET"]),
    ]
    app: ASGIApp = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    for wrap in middleware:
        app = wrap(app)
    config = runtime.config
    app = BodyLimitMiddleware(
        app,
        lambda path: config.limits.body_limit(path, config.max_upload_bytes),
        body_timeout_s=config.limits.body_timeout_s,
    )
    install_log_filters()
    return RequestIdMiddleware(app)

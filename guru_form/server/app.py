"""The ASGI app: the Guru fitness API's endpoints over a :class:`~guru_form.server.config.ServerRuntime`.

=====================================  =========================================================
``POST /oauth/token``                  client-credentials exchange (form-encoded or JSON)
``POST /videos``                       create a video record; answers ``id``, ``url``, ``fields``
``POST /uploads/{id}``                 the presigned upload target (no bearer; signed form fields)
``GET /videos/{id}``                   the video record: ``status`` Pending | Success, ``uri``, metadata,
                                       and guru_form's ``analysisEngine`` (below)
``PUT /videos/{id}``                   update ``repCount``, ``domain``, ``activity``
``GET /videos/{id}/analysis``          the analysis: Pending | Complete (reps) | Failed (reason)
``GET /videos/{id}/content``           the raw uploaded video (the ``uri`` above)
``GET /videos/{id}/pose-track``        guru_form's extension: the pose engine's per-frame track
                                       (Parquet), once the analysis is Complete
``GET /health``                        liveness, the engine in use and its stride (no auth)
=====================================  =========================================================

``analysisEngine`` is ``{"name": "pose", "stride": 1}``: the engine settings the upload was queued
with, which its analysis is made with (also after a restart with other settings). It is null before
an upload, and for uploads stored before guru_form recorded it. The analysis JSON itself stays as
Guru's.

Errors are JSON: ``{"error": code, "message": sentence}`` (plus ``field`` and ``errors`` for a 400 on
one field), and the token endpoint answers Auth0's ``{"error", "error_description"}``. Every response
carries ``x-request-id``; a 5xx also has it in its body (``requestId``), and the log line about it.

Nothing a client sends makes a 500 on purpose: bodies are bounded per route before they are read
(413, :mod:`guru_form.server._limits`), JSON and fields are validated (400,
:mod:`guru_form.server._validation`), an upload form works once (409 after), a full disk answers 507
and a busy database 503, both with ``Retry-After``. Any other exception is answered with a JSON 500
and logged in one line, without a traceback (it is logged at DEBUG level).
"""

from __future__ import annotations

import errno
import logging
import mimetypes
import re
import sqlite3
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from guru_form.server._auth import TokenError
from guru_form.server._limits import BodyLimitMiddleware, send_json
from guru_form.server._logging import install_log_filters
from guru_form.server._signing import UploadRejectedError
from guru_form.server._store import VideoRecord
from guru_form.server._upload import receive_upload
from guru_form.server._validation import (
    BodyError,
    FieldError,
    parse_json,
    validate_create,
    validate_update,
)
from guru_form.server.config import ServerConfig, ServerRuntime
from guru_form.server.faults import FaultMiddleware, Faults

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


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat().replace("+00:00", "Z")


class _Api:
    """Request handlers bound to one runtime."""

    def __init__(self, runtime: ServerRuntime) -> None:
        self.rt = runtime

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
        for name in ("grant_type", "client_id", "client_secret", "audience"):
            if not form.get(name):
                return _oauth_error(400, "invalid_request", f"Missing required parameter: {name}")
        if form["grant_type"] != "client_credentials":
            return _oauth_error(
                403,
                "unauthorized_client",
                f"Grant type '{form['grant_type']}' not allowed for the client; "
                f"use 'client_credentials'",
            )
        if not self.rt.credentials.matches(form["client_id"], form["client_secret"]):
            return _oauth_error(
                401, "access_denied", "Unauthorized: unknown client_id or wrong client_secret"
            )
        if form["audience"] != self.rt.config.audience:
            return _oauth_error(
                403,
                "access_denied",
                f"Service not found: {form['audience']} (this server's audience is "
                f"{self.rt.config.audience})",
            )
        issued = self.rt.tokens.issue(form["client_id"], self.rt.token_ttl_s)
        return JSONResponse(
            {"access_token": issued.value, "token_type": "Bearer", "expires_in": issued.expires_in},
            headers={"cache-control": "no-store"},
        )

    def authenticate(self, request: Request) -> Response | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return JSONResponse(
                {
                    "error": "unauthorized",
                    "message": "missing bearer token: send 'Authorization: Bearer <token>' "
                    "with a token from POST /oauth/token",
                },
                status_code=401,
                headers={"www-authenticate": 'Bearer realm="guru-form"'},
            )
        try:
            self.rt.tokens.check(token.strip(), self.rt.revoked_before)
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
        try:
            columns = validate_create(body, self.rt.config.max_upload_bytes)
        except FieldError as exc:
            return _field_error(exc)
        video_id = str(uuid.uuid4())
        self.rt.store.create_video(video_id, **columns)
        fields = self.rt.signer.sign(video_id, columns["size"], self.rt.config.upload_ttl_s)
        logger.info("created video %s", video_id)
        return JSONResponse(
            {
                "id": video_id,
                "url": f"{self.base_url(request)}/uploads/{video_id}",
                "fields": fields,
            }
        )

    def video_json(self, request: Request, record: VideoRecord) -> dict[str, Any]:
        uri = f"{self.base_url(request)}/videos/{record.id}/content" if record.uploaded else None
        return {
            "id": record.id,
            "status": "Success" if record.uploaded else "Pending",
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
        }

    async def get_video(self, request: Request) -> Response:
        if (denied := self.authenticate(request)) is not None:
            return denied
        record = self.video_or_404(request.path_params["video_id"])
        if isinstance(record, Response):
            return record
        return JSONResponse(self.video_json(request, record))

    async def update_video(self, request: Request) -> Response:
        if (denied := self.authenticate(request)) is not None:
            return denied
        record = self.video_or_404(request.path_params["video_id"])
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
        if (denied := self.authenticate(request)) is not None:
            return denied
        record = self.video_or_404(request.path_params["video_id"])
        if isinstance(record, Response):
            return record
        return JSONResponse(record.analysis())

    async def get_content(self, request: Request) -> Response:
        if (denied := self.authenticate(request)) is not None:
            return denied
        record = self.video_or_404(request.path_params["video_id"])
        if isinstance(record, Response):
            return record
        if record.content_path is None:
            return _error(
                404, "not_uploaded", f"video {record.id} has no content yet; upload it first"
            )
        media_type = mimetypes.guess_type(record.filename)[0] or "application/octet-stream"
        return FileResponse(record.content_path, media_type=media_type, filename=record.filename)

    async def get_pose_track(self, request: Request) -> Response:
        if (denied := self.authenticate(request)) is not None:
            return denied
        record = self.video_or_404(request.path_params["video_id"])
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


def create_app(config: ServerConfig | ServerRuntime, *, faults: Faults | None = None) -> ASGIApp:
    """The ASGI app of a local Guru-compatible server.

    Parameters
    ----------
    config
        The server's settings: the runtime (database, job runner) then opens on ASGI lifespan start
        and closes on shutdown. Or a :class:`ServerRuntime` the caller opens and closes itself.
    faults
        A fault-injection controller (tests only; see :mod:`guru_form.server.faults`); with a
        runtime, the runtime's own controller is used.

    Examples
    --------
    >>> import uvicorn  # doctest: +SKIP
    >>> uvicorn.run(create_app(ServerConfig("guru-data")), port=8000)  # doctest: +SKIP
    """
    if isinstance(config, ServerRuntime):
        runtime, managed = config, False
    else:
        runtime, managed = ServerRuntime(config, faults), True
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
        Route("/oauth/token", api.token, methods=["POST"]),
        Route("/videos", api.create_video, methods=["POST"]),
        Route("/videos/{video_id}", api.get_video, methods=["GET"]),
        Route("/videos/{video_id}", api.update_video, methods=["PUT"]),
        Route("/videos/{video_id}/analysis", api.get_analysis, methods=["GET"]),
        Route("/videos/{video_id}/content", api.get_content, methods=["GET"]),
        Route("/videos/{video_id}/pose-track", api.get_pose_track, methods=["GET"]),
        Route("/uploads/{video_id}", api.upload, methods=["POST"]),
        Route("/health", api.health, methods=["GET"]),
    ]
    app: ASGIApp = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    if runtime.faults is not None:
        app = FaultMiddleware(app, runtime.faults)
    config = runtime.config
    app = BodyLimitMiddleware(
        app,
        lambda path: config.limits.body_limit(path, config.max_upload_bytes),
        body_timeout_s=config.limits.body_timeout_s,
    )
    install_log_filters()
    return RequestIdMiddleware(app)

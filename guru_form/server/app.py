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
carries ``x-request-id``.
"""

from __future__ import annotations

import logging
import mimetypes
import re
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
from guru_form.server._signing import UploadRejectedError
from guru_form.server._store import VideoRecord
from guru_form.server._upload import receive_upload
from guru_form.server._validation import FieldError, validate_create, validate_update
from guru_form.server.config import ServerConfig, ServerRuntime
from guru_form.server.faults import FaultMiddleware, Faults

__all__ = ["create_app"]

logger = logging.getLogger("guru_form.server")
REQUEST_ID_HEADER = "x-request-id"
_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")


class RequestIdMiddleware:
    """Adds an ``x-request-id`` header to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex.encode()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"x-request-id", request_id)],
                }
            await send(message)

        await self.app(scope, receive, send_with_id)


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

    async def token(self, request: Request) -> Response:
        try:
            if request.headers.get("content-type", "").startswith("application/json"):
                raw = await request.json()
                form = {k: str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
            else:
                form = {k: str(v) for k, v in (await request.form()).items()}
        except (ValueError, UnicodeDecodeError):
            return _oauth_error(400, "invalid_request", "the body must be form-encoded or JSON")
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
        record = self.rt.store.get_video(video_id)
        if record is None:
            return _error(404, "not_found", f"no video with id {video_id!r}; check the id")
        return record

    # --- videos ---------------------------------------------------------------------------------

    async def create_video(self, request: Request) -> Response:
        if (denied := self.authenticate(request)) is not None:
            return denied
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return _error(400, "invalid_request", "the body must be a JSON object")
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
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return _error(400, "invalid_request", "the body must be a JSON object")
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
        try:
            tmp_path, _ = await receive_upload(
                request.stream(),
                request.headers.get("content-type"),
                verify=lambda fields: self.rt.signer.verify(video_id, fields),
                tmp_dir=self.rt.tmp_dir,
                expected_size=record.size,
            )
        except UploadRejectedError as exc:
            code = "access_denied" if exc.status == 403 else "invalid_upload"
            extra = {} if exc.field is None else {"field": exc.field}
            return _error(exc.status, code, exc.reason, **extra)
        except ClientDisconnect:
            return Response(status_code=400)
        final_path = self.rt.videos_dir / f"{video_id}{_content_suffix(record.filename)}"
        tmp_path.replace(final_path)  # atomic: readers see the old or the new content, whole
        generation = self.rt.store.mark_uploaded(
            video_id, str(final_path), engine_spec=self.rt.runner.spec.to_json()
        )
        self.rt.runner.submit(video_id, generation)
        logger.info("received content of video %s (upload %d)", video_id, generation)
        return Response(status_code=204)

    async def health(self, request: Request) -> Response:
        spec = self.rt.spec
        return JSONResponse({"status": "ok", "engine": spec.name, "stride": spec.stride})


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
    logger.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
    return _error(500, "server_error", "the server failed to handle this request; try again")


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
    return RequestIdMiddleware(app)

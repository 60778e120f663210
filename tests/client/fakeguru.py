"""A small Guru-like API on :class:`tests.fakehttp.FakeServer`, for fault cases.

It speaks the documented protocol (token endpoint, create video, presigned multipart upload with
signing fields, get/update video, analysis) with knobs the real local server does not have:
exact control of token lifetimes, of how many polls stay Pending, and of replies scripted per
route on top (``server.route`` still works for anything else).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from tests.fakehttp import FakeServer, Recorded, Reply

CLIENT_ID = "fake-client"
CLIENT_SECRET = "fake-secret-DO-NOT-LEAK"
SIGNATURE_PREFIX = "sig-DO-NOT-LEAK-"

COMPLETE_REPS = [
    {
        "startTimestampMs": 100,
        "midTimestampMs": 600,
        "endTimestampMs": 1100,
        "analyses": [{"analysisType": "HIP_KNEE_ANGLE_DEGREES", "analysisScalar": 82.5}],
    }
]


@dataclass
class FakeVideo:
    id: str
    meta: dict[str, Any]
    uploaded: bytes | None = None
    upload_fields: list[str] = field(default_factory=list)
    polls: int = 0


class FakeGuru:
    """Guru-like routes on a FakeServer.

    Attributes
    ----------
    token_ttl
        ``expires_in`` of the tokens issued.
    pending_polls
        Analysis polls answered Pending before the final status.
    final_status, failure_reason
        What the analysis ends as.
    """

    def __init__(self, server: FakeServer) -> None:
        self.server = server
        self.url = server.url
        self.upload_base = server.url
        self.auth_url = server.url + "/oauth/token"
        self.token_ttl = 3600.0
        self.pending_polls = 1
        self.final_status = "Complete"
        self.failure_reason: str | None = None
        self.pending_headers: dict[str, str] = {}
        self.fail_filenames: set[str] = set()  # analyses of these end Failed
        self.pending_filenames: set[str] = set()  # analyses of these never finish
        self.videos: dict[str, FakeVideo] = {}
        self.tokens: dict[str, float] = {}  # token -> expiry (time.time)
        self.token_requests: list[dict[str, list[str]]] = []
        self.open_videos = 0  # created, final analysis not served yet
        self.max_open_videos = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        server.route("POST", "/oauth/token", self._token)
        server.route("POST", "/videos", self._create)
        server.route("POST", "/upload/*", self._upload)
        server.route("GET", "/videos/*", self._get)
        server.route("PUT", "/videos/*", self._put)

    # -- knobs ------------------------------------------------------------------------------

    def revoke_tokens(self) -> None:
        """Every token issued so far is refused from now on (401)."""
        with self._lock:
            self.tokens.clear()

    @property
    def uploads(self) -> int:
        """How many upload requests arrived."""
        return sum(1 for r in self.server.requests if r.path.startswith("/upload/"))

    # -- routes -----------------------------------------------------------------------------

    def _token(self, rec: Recorded) -> Reply:
        form = parse_qs(rec.body.decode())
        self.token_requests.append(form)
        if form.get("grant_type") != ["client_credentials"]:
            return Reply(400, json={"error": "unsupported_grant_type"})
        if form.get("client_id") != [CLIENT_ID] or form.get("client_secret") != [CLIENT_SECRET]:
            return Reply(401, json={"error": "access_denied", "error_description": "Unauthorized"})
        with self._lock:
            token = f"tok-{next(self._ids)}"
            self.tokens[token] = time.time() + self.token_ttl
        return Reply(
            200,
            json={"access_token": token, "expires_in": self.token_ttl, "token_type": "Bearer"},
        )

    def _authorised(self, rec: Recorded) -> bool:
        header = rec.headers.get("authorization", "")
        token = header.removeprefix("Bearer ")
        with self._lock:
            expiry = self.tokens.get(token)
        return expiry is not None and expiry > time.time()

    def _create(self, rec: Recorded) -> Reply:
        if not self._authorised(rec):
            return Reply(401, json={"message": "Unauthorized"})
        meta = json.loads(rec.body)
        with self._lock:
            vid = f"v{next(self._ids)}"
            self.videos[vid] = FakeVideo(vid, meta)
            self.open_videos += 1
            self.max_open_videos = max(self.max_open_videos, self.open_videos)
        return Reply(
            200,
            json={
                "id": vid,
                "url": f"{self.upload_base}/upload/{vid}",
                "fields": {"key": vid, "signature": SIGNATURE_PREFIX + vid},
            },
        )

    def _upload(self, rec: Recorded) -> Reply:
        if "authorization" in rec.headers:
            return Reply(400, json={"message": "presigned uploads take no Authorization header"})
        vid = rec.path.rsplit("/", 1)[1]
        video = self.videos.get(vid)
        if video is None:
            return Reply(404, json={"message": "no such upload"})
        boundary = rec.headers["content-type"].split("boundary=")[1].encode()
        parts = rec.body.split(b"--" + boundary)[1:-1]
        names: list[str] = []
        values: dict[str, bytes] = {}
        for part in parts:
            head, _, data = part.partition(b"\r\n\r\n")
            name = head.split(b'name="')[1].split(b'"')[0].decode()
            names.append(name)
            values[name] = data[:-2]  # the part's trailing CRLF
        if values.get("signature") != (SIGNATURE_PREFIX + vid).encode():
            return Reply(403, json={"message": "signature mismatch"})
        if len(values.get("file", b"")) != video.meta["size"]:
            return Reply(400, json={"message": "size does not match"})
        video.uploaded = values["file"]
        video.upload_fields = names
        return Reply(204)

    def _get(self, rec: Recorded) -> Reply:
        if not self._authorised(rec):
            return Reply(401, json={"message": "Unauthorized"})
        rest = rec.path.removeprefix("/videos/")
        vid, _, sub = rest.partition("/")
        video = self.videos.get(vid)
        if video is None:
            return Reply(404, json={"message": f"no video {vid}"})
        if sub == "":
            status = "Success" if video.uploaded is not None else "Pending"
            return Reply(200, json={"id": vid, "status": status, "uri": None, **video.meta})
        video.polls += 1
        name = video.meta.get("filename")
        if (
            video.uploaded is None
            or video.polls <= self.pending_polls
            or name in self.pending_filenames
        ):
            return Reply(200, json={"status": "Pending"}, headers=dict(self.pending_headers))
        status = "Failed" if name in self.fail_filenames else self.final_status
        with self._lock:
            if video.polls == self.pending_polls + 1:
                self.open_videos -= 1
        body: dict[str, Any] = {
            "status": status,
            "domain": video.meta.get("domain"),
            "activity": video.meta.get("activity"),
            "reps": COMPLETE_REPS if status == "Complete" else [],
        }
        if status == "Failed":
            body["reason"] = self.failure_reason or f"cannot analyse {name}"
        return Reply(200, json=body)

    def _put(self, rec: Recorded) -> Reply:
        if not self._authorised(rec):
            return Reply(401, json={"message": "Unauthorized"})
        vid = rec.path.removeprefix("/videos/")
        video = self.videos.get(vid)
        if video is None:
            return Reply(404, json={"message": f"no video {vid}"})
        video.meta.update(json.loads(rec.body))
        return Reply(200, json={"id": vid})

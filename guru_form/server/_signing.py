"""Presigned upload forms: HMAC-signed, expiring form fields, checked by the upload endpoint.

Like an S3 POST policy, the fields bind the upload to one object key, one declared size and a deadline.
The HMAC key lives in the data directory (owner-only permissions), so upload forms stay valid across a
server restart.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from guru_form.server._paths import write_private_file

KEY_FIELD = "key"
EXPIRES_FIELD = "expires"
SIZE_FIELD = "size"
SIGNATURE_FIELD = "signature"
SIGNED_FIELDS = (KEY_FIELD, EXPIRES_FIELD, SIZE_FIELD, SIGNATURE_FIELD)


class UploadRejectedError(Exception):
    """An upload form failed its checks; ``status`` and ``reason`` go to the client."""

    def __init__(self, status: int, reason: str, field: str | None = None) -> None:
        self.status = status
        self.reason = reason
        self.field = field
        super().__init__(reason)


@dataclass(frozen=True)
class SignedUpload:
    """What a verified upload form allows: content of ``size`` bytes for ``video_id``."""

    video_id: str
    size: int


def object_key(video_id: str) -> str:
    """The object key an upload form names for ``video_id``."""
    return f"videos/{video_id}"


class UploadSigner:
    """Signs and verifies upload forms with a secret HMAC key.

    Parameters
    ----------
    key
        The secret key (never logged, never in repr).
    """

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __repr__(self) -> str:
        return "UploadSigner(key=<hidden>)"

    @classmethod
    def load_or_create(cls, path: Path) -> UploadSigner:
        """Read the key from ``path``, creating it (owner-only) on first use.

        Of several servers creating it at once, the first one's key is kept and all use it.
        """
        if not path.exists():
            write_private_file(path, secrets.token_hex(32), replace=False)
        return cls(bytes.fromhex(path.read_text(encoding="utf-8").strip()))

    def _signature(self, key: str, expires: str, size: str) -> str:
        message = f"{key}\n{expires}\n{size}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def sign(
        self, video_id: str, size: int, ttl_s: float, now: float | None = None
    ) -> dict[str, str]:
        """The form fields for uploading ``size`` bytes to ``video_id`` within ``ttl_s`` seconds."""
        key = object_key(video_id)
        expires = str(int((time.time() if now is None else now) + ttl_s))
        return {
            KEY_FIELD: key,
            EXPIRES_FIELD: expires,
            SIZE_FIELD: str(size),
            SIGNATURE_FIELD: self._signature(key, expires, str(size)),
        }

    def verify(
        self, video_id: str, fields: Mapping[str, str], now: float | None = None
    ) -> SignedUpload:
        """Check a submitted form for ``video_id``.

        Raises
        ------
        UploadRejectedError
            400 when a field is missing or malformed; 403 when the signature does not match, the
            form is for another video, or it has expired.
        """
        for name in SIGNED_FIELDS:
            if not fields.get(name):
                raise UploadRejectedError(
                    400,
                    f"the upload form is missing the signing field {name!r}; send every field "
                    f"from the create-video answer before the file",
                    field=name,
                )
        key, expires, size = fields[KEY_FIELD], fields[EXPIRES_FIELD], fields[SIZE_FIELD]
        expected = self._signature(key, expires, size)
        if not hmac.compare_digest(expected.encode(), fields[SIGNATURE_FIELD].encode()):
            raise UploadRejectedError(
                403,
                "the upload form's signature does not match its fields; send the fields exactly "
                "as the create-video answer gave them",
                field=SIGNATURE_FIELD,
            )
        if key != object_key(video_id):
            raise UploadRejectedError(
                403, "the upload form was issued for another video; upload to its own URL"
            )
        if int(expires) < (time.time() if now is None else now):  # signed, so a number
            raise UploadRejectedError(
                403,
                "the upload form has expired; create the video again (POST /videos) for a new one",
                field=EXPIRES_FIELD,
            )
        return SignedUpload(video_id=video_id, size=int(size))

"""Receiving a presigned multipart upload: signing fields first, then the file, streamed to disk.

The body is parsed as it arrives (python-multipart's push parser); the file part goes to a temporary
file (owner-only) in the server's own temporary folder in blocks of about 1 MiB, so memory stays flat
in the size of the video. The signing fields are checked as soon as the file part begins, before any
of it is written.

What comes before the file is bounded by :class:`~guru_form.server._limits.Limits`: the bytes of all
fields together, the number of parts and the bytes of one part's headers (413 past any of them); the
whole body by the size its create call declared plus that form overhead (413 past it). The boundary
must be 1 to 70 characters (RFC 2046). The first problem ends the upload at once: the answer goes out
while the server's HTTP layer reads and drops the rest of the body for a while.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import anyio.to_thread
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from guru_form.server._limits import Limits
from guru_form.server._paths import PRIVATE_FILE_MODE
from guru_form.server._signing import SignedUpload, UploadRejectedError

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FILE_FIELD = "file"
MAX_BOUNDARY = 70
_WRITE_BLOCK = 1 << 18


class _Parts:
    """Callback state for the push parser: the current part's headers, fields, pending file bytes."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.fields: dict[str, str] = {}
        self.header_field = bytearray()
        self.header_value = bytearray()
        self.header_bytes = 0
        self.headers: dict[bytes, bytes] = {}
        self.name: str | None = None
        self.value = bytearray()
        self.field_bytes = 0
        self.parts = 0
        self.in_file = False
        self.file_seen = False
        self.file_done = False
        self.pending = bytearray()
        self.error: UploadRejectedError | None = None

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": self.header_field_data,
            "on_header_value": self.header_value_data,
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def _fail(self, status: int, reason: str) -> None:
        if self.error is None:
            self.error = UploadRejectedError(status, reason)

    def _header_data(self, target: bytearray, data: bytes, start: int, end: int) -> None:
        self.header_bytes += end - start
        if self.header_bytes > self.limits.part_header_bytes:
            self._fail(
                413,
                f"a part of the upload form has more than {self.limits.part_header_bytes} bytes "
                f"of headers",
            )
        elif self.error is None:
            target.extend(data[start:end])

    def header_field_data(self, data: bytes, start: int, end: int) -> None:
        self._header_data(self.header_field, data, start, end)

    def header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_data(self.header_value, data, start, end)

    def part_begin(self) -> None:
        self.headers = {}
        self.header_bytes = 0
        self.name = None
        self.value = bytearray()
        if not self.file_seen:
            self.parts += 1
            if self.parts > self.limits.upload_parts:
                self._fail(
                    413,
                    f"the upload form has more than {self.limits.upload_parts} parts before the "
                    f"file; send the signing fields, then the file",
                )

    def header_end(self) -> None:
        if self.error is None:
            self.headers[bytes(self.header_field).lower()] = bytes(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        if self.name == FILE_FIELD and not self.file_seen:
            self.in_file = True
            self.file_seen = True

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self.in_file:
            self.pending.extend(data[start:end])
        elif not self.file_seen:
            self.field_bytes += end - start
            if self.field_bytes > self.limits.upload_fields_bytes:
                self._fail(
                    413,
                    f"the upload form's fields before the file are larger than "
                    f"{self.limits.upload_fields_bytes} bytes in all",
                )
            elif self.error is None:
                self.value.extend(data[start:end])
        # Parts after the file are ignored, as S3 does.

    def take_pending(self) -> bytearray:
        """The file bytes received since the last call (handed over, not copied)."""
        block, self.pending = self.pending, bytearray()
        return block

    def part_end(self) -> None:
        if self.in_file:
            self.in_file = False
            self.file_done = True
        elif not self.file_seen and self.name and self.error is None:
            self.fields[self.name] = self.value.decode("utf-8", "replace")


def multipart_boundary(content_type: str | None) -> bytes:
    """The boundary of a ``multipart/form-data`` content type; raises :class:`UploadRejectedError`."""
    kind, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadRejectedError(
            400,
            "the upload must be multipart/form-data: the signing fields from the create-video "
            "answer, then the video as the field 'file'",
        )
    if len(boundary) > MAX_BOUNDARY:
        raise UploadRejectedError(
            400,
            f"the multipart boundary is {len(boundary)} characters long; RFC 2046 allows 1 to "
            f"{MAX_BOUNDARY}",
        )
    return boundary


async def receive_upload(
    chunks: AsyncIterator[bytes],
    content_type: str | None,
    *,
    verify: Callable[[Mapping[str, str]], SignedUpload],
    tmp_dir: Path,
    expected_size: int,
    limits: Limits | None = None,
) -> tuple[Path, SignedUpload]:
    """Stream a presigned multipart upload into a temporary file.

    Parameters
    ----------
    chunks
        The request body as it arrives.
    content_type
        The request's ``Content-Type``.
    verify
        Checks the signing fields (raises :class:`UploadRejectedError`); called when the file part begins.
    tmp_dir
        Where the temporary file is written (same file system as its final place).
    expected_size
        The size declared at creation; a body larger than it plus the form's overhead is refused.
    limits
        What the form may hold before the file (default: :class:`Limits`' defaults).

    Returns
    -------
    tuple
        The temporary file (the caller renames it into place) and what the form allowed.

    Raises
    ------
    UploadRejectedError
        400 for a malformed form, a missing file part or a file smaller than declared; 403 for a
        bad signature or an expired form; 413 for a file or body larger than declared, or a form
        over its limits. The rest of the body is not read.
    """
    limits = limits or Limits()
    parts = _Parts(limits)
    parser = MultipartParser(multipart_boundary(content_type), parts.callbacks())
    limit = expected_size + limits.upload_overhead_bytes
    tmp_path = tmp_dir / f"upload-{secrets.token_hex(8)}.part"
    handle: BinaryIO | None = None
    signed: SignedUpload | None = None
    written = received = 0
    try:
        async for chunk in chunks:
            received += len(chunk)
            if received > limit:
                raise UploadRejectedError(
                    413,
                    f"the upload is larger than the {expected_size} bytes declared when the video "
                    f"was created (plus {limits.upload_overhead_bytes} bytes for the form); "
                    f"create the video again with the file's real size",
                    field="size",
                )
            try:
                parser.write(chunk)
            except MultipartParseError as exc:
                raise UploadRejectedError(400, f"the multipart form is malformed: {exc}") from exc
            if parts.error is not None:
                raise parts.error
            if parts.file_seen and signed is None:
                signed = verify(parts.fields)
                handle = _open_private(tmp_path)
            if signed is not None and parts.pending:
                if written + len(parts.pending) > signed.size:
                    raise _size_mismatch(f"more than {signed.size}", signed.size, status=413)
                if len(parts.pending) >= _WRITE_BLOCK or parts.file_done:
                    written += await _flush(handle, parts.take_pending())
        try:
            parser.finalize()
        except MultipartParseError as exc:
            raise UploadRejectedError(400, f"the multipart form is malformed: {exc}") from exc
        if signed is None or not parts.file_done:
            raise UploadRejectedError(
                400,
                "the upload form has no complete 'file' part; send the video as the field 'file' "
                "after the signing fields",
                field=FILE_FIELD,
            )
        written += await _flush(handle, parts.take_pending())
        if written != signed.size:
            raise _size_mismatch(str(written), signed.size)
        assert handle is not None
        handle.close()
        return tmp_path, signed
    except BaseException:
        if handle is not None:
            handle.close()
        tmp_path.unlink(missing_ok=True)
        raise
    finally:
        if handle is not None and not handle.closed:
            handle.close()


def _open_private(path: Path) -> BinaryIO:
    """A new file at ``path``, readable by the owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    return os.fdopen(fd, "wb")


async def _flush(handle: BinaryIO | None, block: bytearray) -> int:
    if handle is None or not block:
        return 0
    await anyio.to_thread.run_sync(handle.write, block)
    return len(block)


def _size_mismatch(actual: str, declared: int, status: int = 400) -> UploadRejectedError:
    return UploadRejectedError(
        status,
        f"the file has {actual} bytes but the video was created with size {declared}; "
        f"create the video again with the file's real size (os.path.getsize)",
        field="size",
    )

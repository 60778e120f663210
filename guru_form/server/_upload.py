"""Receiving a presigned multipart upload: signing fields first, then the file, streamed to disk.

The body is parsed as it arrives (python-multipart's push parser); the file part goes to a temporary
file in the data directory in blocks of about 1 MiB, so memory stays flat in the size of the video.
The signing fields are checked as soon as the file part begins, before any of it is written.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import anyio.to_thread
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from guru_form.server._signing import SignedUpload, UploadRejectedError

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FILE_FIELD = "file"
_WRITE_BLOCK = 1 << 20
_MAX_FIELD_BYTES = 64 * 1024
_FORM_OVERHEAD = 1 << 20


class _Parts:
    """Callback state for the push parser: the current part's headers, fields, pending file bytes."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.header_field = bytearray()
        self.header_value = bytearray()
        self.headers: dict[bytes, bytes] = {}
        self.name: str | None = None
        self.value = bytearray()
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

    def header_field_data(self, data: bytes, start: int, end: int) -> None:
        self.header_field.extend(data[start:end])

    def header_value_data(self, data: bytes, start: int, end: int) -> None:
        self.header_value.extend(data[start:end])

    def part_begin(self) -> None:
        self.headers = {}
        self.name = None
        self.value = bytearray()

    def header_end(self) -> None:
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
            self.value.extend(data[start:end])
            if len(self.value) > _MAX_FIELD_BYTES and self.error is None:
                self.error = UploadRejectedError(400, f"form field {self.name!r} is too long")
        # Parts after the file are ignored, as S3 does.

    def part_end(self) -> None:
        if self.in_file:
            self.in_file = False
            self.file_done = True
        elif not self.file_seen and self.name:
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
    return boundary


async def receive_upload(
    chunks: AsyncIterator[bytes],
    content_type: str | None,
    *,
    verify: Callable[[Mapping[str, str]], SignedUpload],
    tmp_dir: Path,
    expected_size: int,
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
        The size declared at creation; a body larger than it plus form overhead is cut off.

    Returns
    -------
    tuple
        The temporary file (the caller renames it into place) and what the form allowed.

    Raises
    ------
    UploadRejectedError
        400 for a malformed form, a missing file part or a size mismatch; 403 for a bad signature
        or an expired form. After an error the rest of the body is still read (up to the limit) so
        the client gets the answer rather than a broken pipe.
    """
    parts = _Parts()
    parser = MultipartParser(multipart_boundary(content_type), parts.callbacks())
    limit = expected_size + _FORM_OVERHEAD
    tmp_path = tmp_dir / f"upload-{secrets.token_hex(8)}.part"
    handle: BinaryIO | None = None
    signed: SignedUpload | None = None
    written = received = 0
    try:
        async for chunk in chunks:
            received += len(chunk)
            if received > limit:
                raise parts.error or UploadRejectedError(
                    400,
                    f"the upload is larger than the {expected_size} bytes declared when the video "
                    f"was created; create the video again with the file's real size",
                    field="size",
                )
            if parts.error is not None:
                continue  # drain, so the client reads our answer
            try:
                parser.write(chunk)
            except MultipartParseError as exc:
                raise UploadRejectedError(400, f"the multipart form is malformed: {exc}") from exc
            if parts.file_seen and signed is None and parts.error is None:
                try:
                    signed = verify(parts.fields)
                    handle = tmp_path.open("wb")
                except UploadRejectedError as exc:
                    parts.error = exc
            if signed is not None and parts.pending and parts.error is None:
                if written + len(parts.pending) > signed.size:
                    parts.error = _size_mismatch(f"more than {signed.size}", signed.size)
                elif len(parts.pending) >= _WRITE_BLOCK or parts.file_done:
                    written += await _flush(handle, parts.pending)
        if parts.error is not None:
            raise parts.error
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
        written += await _flush(handle, parts.pending)
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


async def _flush(handle: BinaryIO | None, pending: bytearray) -> int:
    if handle is None or not pending:
        return 0
    block = bytes(pending)
    pending.clear()
    await anyio.to_thread.run_sync(handle.write, block)
    return len(block)


def _size_mismatch(actual: str, declared: int) -> UploadRejectedError:
    return UploadRejectedError(
        400,
        f"the file has {actual} bytes but the video was created with size {declared}; "
        f"create the video again with the file's real size (os.path.getsize)",
        field="size",
    )

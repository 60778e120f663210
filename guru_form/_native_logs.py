"""What native libraries log to the process's standard error, caught and passed to ``logging``.

MediaPipe's C++ core (through absl, before ``absl::InitializeLog()``) and TensorFlow Lite / LiteRT
write start-up notices straight to file descriptor 2: ``INFO: Created TensorFlow Lite XNNPACK
delegate for CPU.``, ``W0000 00:00:... inference_feedback_manager.cc:114] Feedback manager
requires ...``. No environment variable turns them off (``GLOG_minloglevel``,
``TF_CPP_MIN_LOG_LEVEL`` and ``ABSL_MIN_LOG_LEVEL`` change nothing in mediapipe 0.10.21), and a
notebook shows whatever reaches descriptor 2 in red, as does a terminal under a command's output.

:func:`native_logs_to_logging` wraps the calls that log (building a LiteRT interpreter), and
:class:`NativeLogHold` holds for an object's lifetime (MediaPipe opens its models in threads of its
own, again after each reset). Meanwhile descriptor 2 is a pipe that a thread reads: each line that is
a native library's log line goes to the given logger (DEBUG for information and warnings, WARNING
for errors, prefixed ``native library:``), and everything else is written through to the real
standard error at once (progress bars included); only an unfinished line that starts like a log line
(``I``, ``W``, ``E``, ``F``) waits for its newline. Holders may nest and live in several threads:
descriptor 2 is redirected while any of them holds.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress

__all__ = ["NativeLogHold", "hold_native_logs", "is_native_log_line", "native_logs_to_logging"]

# absl / glog: "W0000 00:00:1796597223.342207   24586 file.cc:114] message"
_ABSL = re.compile(r"^(?P<level>[IWEF])\d{4} \d+:\d+:\d+\.\d+\s+\d+ [^\]\s]+:\d+\] ")
# TensorFlow Lite / LiteRT minimal logging: "INFO: Created TensorFlow Lite XNNPACK delegate ..."
_TFLITE = re.compile(r"^(?P<level>INFO|WARNING|ERROR): ")
_ERROR_LEVELS = {"E", "F", "ERROR"}


def is_native_log_line(line: str) -> bool:
    """True when ``line`` is a log line of absl/glog or TensorFlow Lite.

    Examples
    --------
    >>> is_native_log_line("INFO: Created TensorFlow Lite XNNPACK delegate for CPU.")
    True
    >>> is_native_log_line("W0000 00:00:1796597223.342207   24586 landmark_projection_calculator.cc:186] Using NORM_RECT")
    True
    >>> is_native_log_line("uploading squat.mp4:  40%")
    False
    """
    return bool(_ABSL.match(line) or _TFLITE.match(line))


def _level(line: str) -> int:
    found = _ABSL.match(line) or _TFLITE.match(line)
    if found is not None and found.group("level") in _ERROR_LEVELS:
        return logging.WARNING
    return logging.DEBUG


class _Redirect:
    """Descriptor 2 pointed at a pipe, read by a thread, while any holder holds it (see the module)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.saved_fd: int | None = None
        self.reader: threading.Thread | None = None
        self.logger = logging.getLogger("guru_form")

    def enter(self, logger: logging.Logger) -> None:
        with self.lock:
            self.logger = logger
            if self.holders == 0:
                self._start()
            self.holders += 1

    def leave(self) -> None:
        with self.lock:
            self.holders -= 1
            if self.holders == 0:
                self._stop()

    def _start(self) -> None:
        with suppress(AttributeError, ValueError, OSError):
            sys.stderr.flush()
        try:
            saved = os.dup(2)
        except OSError:  # no descriptor 2 at all: nothing to redirect
            return
        read_end, write_end = os.pipe()
        os.dup2(write_end, 2)
        os.close(write_end)
        self.saved_fd = saved
        self.reader = threading.Thread(
            target=self._forward, args=(read_end, saved), name="guru-form-native-logs", daemon=True
        )
        self.reader.start()

    def _stop(self) -> None:
        saved, reader = self.saved_fd, self.reader
        self.saved_fd, self.reader = None, None
        if saved is None or reader is None:
            return
        with suppress(AttributeError, ValueError, OSError):
            sys.stderr.flush()
        os.dup2(saved, 2)  # closes the pipe's last write end (unless a child process holds it)
        reader.join(timeout=_DRAIN_SECONDS)
        if not reader.is_alive():
            os.close(saved)

    def _forward(self, read_end: int, out: int) -> None:
        """Read the pipe until it closes: native lines to logging, the rest to ``out`` at once."""
        held = b""  # the start of a line that may be a native log line, kept until its newline
        passing = False  # the current line is the program's own, already being written through
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                data = held + chunk
                held = b""
                lines = data.split(b"\n")
                for i, part in enumerate(lines):
                    last = i == len(lines) - 1
                    if last and not part:
                        break
                    if passing and i == 0 and not last and is_native_log_line(_text(part)):
                        # a library's write after an unfinished line of the program's (a
                        # progress bar): its own line, not the rest of the program's
                        self._route(part + b"\n", out)
                    elif passing:
                        _write(out, part if last else part + b"\n")
                    elif last and part[:1] in _NATIVE_FIRST_BYTES:
                        held = part
                        break
                    else:
                        self._route(part if last else part + b"\n", out)
                    passing = last
            if held:
                self._route(held, out)

    def _route(self, line: bytes, out: int) -> None:
        text = _text(line)
        if is_native_log_line(text):
            self.logger.log(_level(text), "native library: %s", text)
        else:
            _write(out, line)


def _text(line: bytes) -> str:
    return line.decode("utf-8", errors="replace").rstrip("\r\n")


def _write(fd: int, data: bytes) -> None:
    with suppress(OSError):
        while data:
            data = data[os.write(fd, data) :]


#: The first byte of every native log line (``I0000 ...``, ``INFO: ...``, ``W0000``, ``ERROR:``).
_NATIVE_FIRST_BYTES = {b"I", b"W", b"E", b"F"}
#: How long the end of a redirection waits for the reader to pass on what is left in the pipe.
_DRAIN_SECONDS = 5.0


_REDIRECT = _Redirect()


@contextmanager
def native_logs_to_logging(logger: logging.Logger | str) -> Iterator[None]:
    """While the block runs, native libraries' log lines go to ``logger``, not to stderr.

    Parameters
    ----------
    logger
        A logger or its name (``"guru_form.pose"``).
    """
    hold = hold_native_logs(logger)
    try:
        yield
    finally:
        hold.release()


class NativeLogHold:
    """Native log lines go to a logger from creation until :meth:`release` (or garbage collection).

    For libraries that log from threads of their own at times the caller does not know (MediaPipe
    opens its models in the background, again after each reset): hold for the object's lifetime.
    """

    def __init__(self, logger: logging.Logger | str) -> None:
        target = logging.getLogger(logger) if isinstance(logger, str) else logger
        _REDIRECT.enter(target)
        self._finalizer = weakref.finalize(self, _REDIRECT.leave)

    def release(self) -> None:
        """Stop holding (once; later calls do nothing)."""
        self._finalizer()


def hold_native_logs(logger: logging.Logger | str) -> NativeLogHold:
    """A :class:`NativeLogHold` on ``logger`` (a logger or its name)."""
    return NativeLogHold(logger)

"""The ``guru-form`` command: ``demo``, ``analyze``, ``serve`` and ``backup``.

This module parses arguments and prints; each command's work lives in the module that owns it.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext

from guru_form._version import __version__
from guru_form.errors import GuruError
from guru_form.models import Activity

ENGINES = "auto, pose, reference, or package.module:Class"
STRIDE_HELP = (
    "the pose engine analyses every N-th frame (2: about 1.7x faster, same accuracy on lifts; "
    "default: every frame)"
)


def _stride(text: str) -> int:
    """``--stride``'s type: a whole number, 1 or more (argparse reports anything else)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a whole number, 1 or more, got {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _add_stride(parser: argparse.ArgumentParser, where: str = "") -> None:
    parser.add_argument("--stride", type=_stride, metavar="N", help=STRIDE_HELP + where)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``guru-form`` command."""
    parser = argparse.ArgumentParser(
        prog="guru-form",
        description="Analyse workout form from video with the Guru API or guru_form's local server.",
    )
    parser.add_argument("--version", action="version", version=f"guru-form {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo", help="analyse the bundled sample videos on the local server (no credentials)"
    )
    demo.add_argument(
        "--out", default="guru_form_output", help="output folder (default: %(default)s)"
    )
    demo.add_argument("--engine", default="auto", help=f"local analysis engine: {ENGINES}")
    _add_stride(demo)
    demo.add_argument("--no-progress", action="store_true", help="hide progress bars")

    analyze = sub.add_parser(
        "analyze",
        help="analyse your videos; write JSON, CSV, charts, frames and a report for each",
        description=(
            "Analyse workout videos and write, for each, analysis.json, reps.csv, dashboard.png, "
            "contact_sheet.png and report.html in a folder named after the video (and, for "
            "several videos, one report.html comparing them). Uses the hosted Guru API when "
            "GURU_CLIENT_ID and GURU_CLIENT_SECRET are set, else the local server."
        ),
    )
    analyze.add_argument("videos", nargs="+", metavar="VIDEO", help="video files")
    analyze.add_argument(
        "--activity",
        required=True,
        choices=[a.value for a in Activity],
        help="what the videos show",
    )
    analyze.add_argument(
        "--out", default="guru_form_output", help="output folder (default: %(default)s)"
    )
    analyze.add_argument("--rep-count", type=int, metavar="N", help="expected reps per video")
    analyze.add_argument("--athlete", metavar="NAME", help="athlete's name, for the report")
    analyze.add_argument("--title", help="report title (default: from the activity and reps)")
    analyze.add_argument("--notes", help="coach's notes, for the report")
    analyze.add_argument("--pdf", action="store_true", help="also write report.pdf (pdf extra)")
    analyze.add_argument(
        "--engine", default="auto", help=f"local analysis engine (no credentials): {ENGINES}"
    )
    _add_stride(analyze, "; local server only")
    analyze.add_argument("--no-progress", action="store_true", help="hide progress bars")

    serve = sub.add_parser("serve", help="run the Guru-compatible API server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--data-dir", help="where state lives (default: $GURU_FORM_HOME/server)")
    serve.add_argument("--engine", default="auto", help=f"analysis engine: {ENGINES}")
    _add_stride(serve)
    serve.add_argument("--dask-scheduler", metavar="ADDRESS", help="run analyses on a Dask cluster")
    serve.add_argument("--workers", type=int, help="analysis threads (without --dask-scheduler)")
    serve.add_argument(
        "--reference-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="extra folder of (video, ground-truth JSON) pairs for the reference engine",
    )
    serve.add_argument("--token-ttl", type=float, default=86400.0, help="access token lifetime, s")
    serve.add_argument("--upload-ttl", type=float, default=3600.0, help="upload form lifetime, s")
    serve.add_argument("--public-url", help="base URL clients use, when behind a proxy")
    serve.add_argument("--log-level", default="info")

    backup = sub.add_parser(
        "backup",
        help="copy the local server's data folder, consistently, even while it runs",
        description=(
            "Copy a guru-form server's data folder to DIR: the database with SQLite's backup API "
            "(everything committed, also what is still in its WAL), then the credentials, signing "
            "key, videos and artifacts. Run it again into the same DIR to bring it up to date. "
            "To restore: stop every server on the data folder, then copy DIR's contents back "
            "into it (cp -a DIR/. DATA/)."
        ),
    )
    backup.add_argument("dir", metavar="DIR", help="the backup folder (created if missing)")
    backup.add_argument("--data-dir", help="the data folder (default: $GURU_FORM_HOME/server)")
    backup.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def _demo(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from guru_form.demo import run_demo

    result = run_demo(
        args.out,
        engine=args.engine,
        stride=args.stride,
        progress=not args.no_progress,
        log=tqdm.write,
    )
    print()
    print(f"{'sample':<12} {'reps':>9} {'mid err':>9}  analysis error (mean |found - truth|)")
    for sample in result.samples:
        comp = sample.comparison
        errors = {str(k): float(v) for k, v in comp.mean_abs_errors().items() if not math.isnan(v)}
        mid = errors.pop("mid_error_ms", None)
        mid_text = "-" if mid is None else f"{mid:.0f} ms"
        detail = ", ".join(
            f"{name.removesuffix('_error')} {value:.3g}"
            for name, value in errors.items()
            if not name.endswith("_ms")
        )
        print(
            f"{sample.name:<12} {comp.found_count:>4} / {comp.reference_count:<3} {mid_text:>9}  "
            f"{detail or '-'}"
        )
    print()
    print(f"results in {result.out_dir.resolve()}")
    if result.report is not None:
        print(f"report: {result.report.resolve()}")
    return 0


def _analyze(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from guru_form.batch_outputs import run_analyze

    result = run_analyze(
        args.videos,
        activity=args.activity,
        out_dir=args.out,
        rep_count=args.rep_count,
        athlete=args.athlete,
        title=args.title,
        notes=args.notes,
        engine=args.engine,
        stride=args.stride,
        pdf=args.pdf,
        progress=not args.no_progress,
        log=tqdm.write,
    )
    print()
    print(f"results in {result.out_dir.resolve()}")
    if result.report is not None:
        print(f"report: {result.report.resolve()}")
    for failed in result.failed:
        print(f"guru-form: {failed.path}: {failed.error}", file=sys.stderr)
    return 1 if result.failed else 0


def _serve(args: argparse.Namespace) -> int:
    from guru_form.server.serve import run_server

    run_server(
        args.host,
        args.port,
        args.data_dir,
        args.engine,
        args.dask_scheduler,
        stride=args.stride,
        workers=args.workers,
        reference_dirs=args.reference_dir,
        token_ttl_s=args.token_ttl,
        upload_ttl_s=args.upload_ttl,
        public_url=args.public_url,
        log_level=args.log_level,
    )
    return 0


def _backup(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from guru_form.server._paths import default_server_dir
    from guru_form.server.backup import backup_data_folder

    with tqdm(unit="B", unit_scale=True, desc="backing up", disable=args.no_progress) as bar:
        result = backup_data_folder(
            args.data_dir or default_server_dir(), args.dir, progress=bar.update
        )
    print(
        f"backed up {result.videos} video records, {result.files_copied} files "
        f"({result.bytes_copied / 2**20:.1f} MiB) copied, {result.files_kept} already there, "
        f"into {result.folder}"
    )
    return 0


@contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send what native libraries write to file descriptor 2 to /dev/null; keep Python's stderr.

    MediaPipe's C++ core logs start-up notices straight to descriptor 2, which would bury the
    command's own output. Python's ``sys.stderr`` (progress bars, error messages) is re-pointed at a
    copy of the real stderr first, so it is unaffected.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real descriptor (e.g. captured in tests)
        yield
        return
    python_stderr = sys.stderr
    sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="replace")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        sys.stderr.close()
        sys.stderr = python_stderr


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = build_parser().parse_args(argv)
    commands = {"demo": _demo, "analyze": _analyze, "serve": _serve, "backup": _backup}
    quiet = native_stderr_silenced() if args.command in ("demo", "analyze") else nullcontext()
    try:
        with quiet:
            return commands[args.command](args)
    except GuruError as exc:
        print(f"guru-form: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130

"""The ``guru-form`` command: ``demo``, ``analyze``, ``serve`` and ``backup``.

This module parses arguments and prints; each command's work lives in the module that owns it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from guru_form import activities
from guru_form._version import __version__
from guru_form.errors import AnalysisTimeoutError, GuruError, InvalidInputError

ENGINES = "auto, pose, reference, or package.module:Class"
STRIDE_HELP = (
    "the pose engine analyses every N-th frame (2: about 1.7x faster; default: every frame)"
)

TOP_EXAMPLES = """\
examples:
  guru-form demo                                  analyse the sample videos, no account needed
  guru-form analyze squats.mp4 --activity squat   one video
  guru-form analyze monday/ --activity squat      every video in a folder
  guru-form analyze squats.mp4:squat pushups.mp4:push-up
                                                  each video with its own activity
  guru-form <command> --help                      a command's options and examples
"""

ANALYZE_EXAMPLES = """\
examples:
  guru-form analyze squats.mp4 --activity squat --rep-count 5
  guru-form analyze monday/ --activity squat --athlete Sam --athlete-height 178 --open
  guru-form analyze squats.mp4:squat pushups.mp4:push-up bench/:bench --out week3
  guru-form analyze clips/ --activity auto        let the analysis recognise each activity

Each video gets a folder in --out named after it, with analysis.json, reps.csv,
dashboard.png, contact_sheet.png and report.html. With several videos, report.html
covers them all (compared when they show one activity) and report-ACTIVITY.html
compares the videos of each activity that has more than one.

Activities: {activities} (also written "Squats", "push-ups", "bench", ...),
or auto. A video with no reps is a warning and makes the exit code 1 (--allow-empty
makes it 0).
"""

DEMO_EXAMPLES = """\
examples:
  guru-form demo
  guru-form demo --out demo_results --stride 2
"""

SERVE_EXAMPLES = """\
examples:
  guru-form serve
  guru-form serve --port 8123 --engine pose --stride 2
"""

BACKUP_EXAMPLES = """\
examples:
  guru-form backup ~/guru_backup
  guru-form backup /mnt/usb/guru --data-dir ~/guru_data
"""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and a pointer to ``--help``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


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


def _rep_count(text: str) -> int:
    """``--rep-count``'s type: a whole number, 1 or more."""
    return _stride(text)


def _activity(text: str) -> str:
    """``--activity``'s type: a name :func:`guru_form.activities.match` knows, or ``auto``."""
    from guru_form.video_inputs import parse_activity

    try:
        activity = parse_activity(text)
    except InvalidInputError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return "auto" if activity is None else activity.value


def _height(text: str) -> float:
    """``--athlete-height``'s type: centimetres a person can be tall."""
    from guru_form.batch_outputs import check_athlete_height

    try:
        return check_athlete_height(float(text))
    except (ValueError, InvalidInputError):
        raise argparse.ArgumentTypeError(
            f"the athlete's height in centimetres, such as 178, got {text!r}"
        ) from None


def _timeout(text: str) -> float:
    """``--timeout``'s type: seconds, more than 0."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"seconds, more than 0, such as 1200, got {text!r}")
    return value


def _add_stride(parser: argparse.ArgumentParser, where: str = "") -> None:
    parser.add_argument("--stride", type=_stride, metavar="N", help=STRIDE_HELP + where)


def _add_timeout(parser: argparse.ArgumentParser) -> None:
    from guru_form.client._base import DEFAULT_WAIT_TIMEOUT

    parser.add_argument(
        "--timeout",
        type=_timeout,
        default=DEFAULT_WAIT_TIMEOUT,
        metavar="S",
        help=f"the longest wait for each analysis, in seconds (default: {DEFAULT_WAIT_TIMEOUT:.0f})",
    )


def _add_demo(sub: argparse._SubParsersAction[_Parser]) -> None:
    demo = sub.add_parser(
        "demo",
        help="analyse the bundled sample videos on the local server (no credentials)",
        description=(
            "Analyse the four sample videos (squat, deadlift, bench press, push-up) on "
            "guru_form's local server, through the real client, with no account and no "
            "internet; write each one's analysis, reps, charts, frames and report, and print "
            "how each analysis compares with the sample's true reps."
        ),
        epilog=DEMO_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--out", default="guru_form_output", help="output folder (default: %(default)s)"
    )
    demo.add_argument("--engine", default="auto", help=f"local analysis engine: {ENGINES}")
    _add_stride(demo)
    _add_timeout(demo)
    demo.add_argument("--no-progress", action="store_true", help="hide progress bars")


def _add_analyze(sub: argparse._SubParsersAction[_Parser]) -> None:
    analyze = sub.add_parser(
        "analyze",
        help="analyse your videos; write JSON, CSV, charts, frames and a report for each",
        description=(
            "Analyse workout videos (files, or folders of them) and write everything about "
            "each set. Uses the hosted Guru API when GURU_CLIENT_ID and GURU_CLIENT_SECRET are "
            "set, else guru_form's local server (no account, offline)."
        ),
        epilog=ANALYZE_EXAMPLES.format(
            activities=", ".join(p.name for p in activities.registered())
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    analyze.add_argument(
        "videos",
        nargs="+",
        metavar="VIDEO[:ACTIVITY]",
        help="video files or folders of videos; add :ACTIVITY to give them their own activity",
    )
    analyze.add_argument(
        "--activity",
        type=_activity,
        help="what the videos show, for those without their own (auto: recognise it)",
    )
    analyze.add_argument(
        "--out", default="guru_form_output", help="output folder (default: %(default)s)"
    )
    analyze.add_argument(
        "--rep-count",
        type=_rep_count,
        metavar="N",
        help="reps each video should hold; another count is reported",
    )
    analyze.add_argument("--athlete", metavar="NAME", help="athlete's name, for the report")
    analyze.add_argument(
        "--athlete-height",
        type=_height,
        metavar="CM",
        help="athlete's height in cm: velocities in m/s instead of body heights/s",
    )
    analyze.add_argument("--title", help="report title (default: from the activity and reps)")
    analyze.add_argument("--notes", help="coach's notes, for the report")
    analyze.add_argument("--pdf", action="store_true", help="also write report.pdf (pdf extra)")
    analyze.add_argument(
        "--open", action="store_true", help="open the report in the web browser when done"
    )
    analyze.add_argument(
        "--no-cache",
        action="store_true",
        help="upload and analyse again, even videos analysed before",
    )
    analyze.add_argument(
        "--allow-empty",
        action="store_true",
        help="a video with no reps is a warning only (exit code 0)",
    )
    analyze.add_argument(
        "--engine", default="auto", help=f"local analysis engine (no credentials): {ENGINES}"
    )
    _add_stride(analyze, "; local server only")
    _add_timeout(analyze)
    analyze.add_argument("--no-progress", action="store_true", help="hide progress bars")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``guru-form`` command."""
    parser = _Parser(
        prog="guru-form",
        description="Analyse workout form from video with the Guru API or guru_form's local server.",
        epilog=TOP_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"guru-form {__version__}")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    _add_demo(sub)
    _add_analyze(sub)

    serve = sub.add_parser(
        "serve",
        help="run the Guru-compatible API server",
        description=(
            "Run guru_form's Guru-compatible API server in the foreground (Ctrl-C stops it). It "
            "prints its URL and where its credentials are; the client, Guru's own clients and "
            "curl talk to it as to the hosted API."
        ),
        epilog=SERVE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: %(default)s, this machine only; 0.0.0.0 for all)",
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="port to listen on (default: %(default)s)"
    )
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
    serve.add_argument(
        "--schema",
        action="append",
        default=[],
        metavar="ID=ACTIVITY",
        help="analyse uploads created with schemaId ID as ACTIVITY (as a schema in Guru's console)",
    )
    serve.add_argument("--log-level", default="info")

    backup = sub.add_parser(
        "backup",
        help="copy the local server's data folder, consistently, even while it runs",
        epilog=BACKUP_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        timeout=args.timeout,
        progress=not args.no_progress,
        log=tqdm.write,
    )
    print()
    print(result.table())
    print()
    print(f"results in {result.out_dir.resolve()}")
    if result.report is not None:
        print(f"report: {result.report.resolve()}")
    _hint_longer_timeout([v.error for v in result.failed], args.timeout, local=True)
    return 1 if result.failed else 0


def _hint_longer_timeout(
    errors: Sequence[BaseException | None], timeout: float, *, local: bool
) -> None:
    """After analyses that hit the time limit: how to give them longer, and why we still wait."""
    if any(isinstance(error, AnalysisTimeoutError) for error in errors):
        if local:
            print(
                "guru-form: the local server finishes the analyses it has started before this "
                "command exits (Ctrl-C stops them)",
                file=sys.stderr,
            )
        print(
            f"guru-form: the time limit ({timeout:.0f} s per video) ran out before an analysis "
            "finished (a busy or slow machine, or a long video); run the command again, with a "
            f"longer limit if need be (e.g. --timeout {2 * timeout:.0f}): a video analysed "
            "meanwhile is not analysed again",
            file=sys.stderr,
        )


def _say(line: str) -> None:
    """A line of the analysis's progress: warnings to stderr, the rest to stdout."""
    from tqdm.auto import tqdm

    tqdm.write(line, file=sys.stderr if line.startswith("warning:") else sys.stdout)


def _analyze(args: argparse.Namespace) -> int:
    from guru_form.batch_outputs import describe_failure, run_analyze

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
        athlete_height_cm=args.athlete_height,
        cache=not args.no_cache,
        timeout=args.timeout,
        progress=not args.no_progress,
        log=_say,
    )
    print()
    print(f"results in {result.out_dir.resolve()}")
    for name, path in result.reports.items():
        if name != "all":
            print(f"{activities.display_name(name).lower()}: {path.resolve()}")
    if result.report is not None:
        print(f"report: {result.report.resolve()}")
    for failed in result.failed:
        print(f"guru-form: {failed.job.name}: {describe_failure(failed.error)}", file=sys.stderr)
    local = result.where.startswith("the local server")
    _hint_longer_timeout([v.error for v in result.failed], args.timeout, local=local)
    empty = result.empty
    if empty:
        names = ", ".join(v.job.name for v in empty[:3]) + (", ..." if len(empty) > 3 else "")
        print(
            f"guru-form: no reps in {names}: give each video its activity (VIDEO:ACTIVITY), or "
            "--activity auto to have it recognised"
            + ("" if args.allow_empty else "; --allow-empty to accept videos without reps"),
            file=sys.stderr,
        )
    if args.open and result.report is not None:
        _open_in_browser(result.report)
    return 1 if result.failed or (empty and not args.allow_empty) else 0


def _open_in_browser(path: Path) -> None:
    """Open a report in the user's web browser (``$BROWSER`` when set), or say how to."""
    import webbrowser

    uri = path.resolve().as_uri()
    try:
        opened = webbrowser.open(uri)
    except webbrowser.Error:
        opened = False
    if not opened:
        print(f"guru-form: could not open a web browser; open {uri}", file=sys.stderr)


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
        schemas=_schemas(args.schema),
        log_level=args.log_level,
    )
    return 0


def _schemas(pairs: list[str]) -> dict[str, str]:
    """``["my-id=squat"]`` -> ``{"my-id": "squat"}`` (the activities are checked by the server)."""
    schemas: dict[str, str] = {}
    for pair in pairs:
        schema, sep, activity = pair.partition("=")
        if not sep or not schema.strip() or not activity.strip():
            raise InvalidInputError(
                f"--schema takes ID=ACTIVITY (e.g. --schema my-squats=squat), got {pair!r}"
            )
        schemas[schema.strip()] = activity.strip()
    return schemas


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = build_parser().parse_args(argv)
    commands = {"demo": _demo, "analyze": _analyze, "serve": _serve, "backup": _backup}
    try:
        return commands[args.command](args)
    except GuruError as exc:
        print(f"guru-form: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a file or folder that cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"guru-form: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130

"""The ``guru-form`` command: ``demo``, ``analyze`` and ``serve``.

This module only parses arguments and reports errors; each command's work lives in the module that
owns it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from guru_form._version import __version__
from guru_form.errors import GuruError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``guru-form`` command."""
    parser = argparse.ArgumentParser(
        prog="guru-form",
        description="Analyse workout form from video with the Guru API or guru_form's local server.",
    )
    parser.add_argument("--version", action="version", version=f"guru-form {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="analyse the bundled sample videos on the local server")
    demo.add_argument(
        "--out", default="guru_form_output", help="output folder (default: %(default)s)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            print("guru-form demo: the local server and sample videos are not built yet.")
            return 2
    except GuruError as exc:
        print(f"guru-form: error: {exc}", file=sys.stderr)
        return 1
    return 0

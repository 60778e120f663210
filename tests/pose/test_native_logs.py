"""Native libraries' log lines (MediaPipe's absl, TensorFlow Lite) reach ``logging``, not the
process's standard error, which a notebook shows in red (issue 18 item 10)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from guru_form._native_logs import is_native_log_line

ROOT = Path(__file__).resolve().parents[2]

NOISE = [
    "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "W0000 00:00:1796597223.342207   24586 inference_feedback_manager.cc:114] Feedback manager "
    "requires a model with a single signature inference. Disabling support for feedback tensors.",
    "E0000 00:00:1796597223.971792   24586 calculator_graph.cc:928] a native error",
]

HELPER = textwrap.dedent(
    """
    import logging, os, sys, threading
    from guru_form._native_logs import native_logs_to_logging

    logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, format="%(levelname)s %(message)s")
    noise = sys.argv[1:]

    def write(lines):
        with native_logs_to_logging("guru_form.pose"):
            for line in lines:
                os.write(2, (line + "\\n").encode())

    with native_logs_to_logging("guru_form.pose"):  # blocks nest, and run in threads
        threads = [threading.Thread(target=write, args=(noise,)) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        os.write(2, b"a line of the program's own\\n")
    os.write(2, b"after the block\\n")
    """
)


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=True,
    )


def test_native_lines_go_to_logging_and_the_rest_to_stderr() -> None:
    done = _python(HELPER, *NOISE)
    assert done.stderr == "a line of the program's own\nafter the block\n"
    logged = done.stdout.splitlines()
    for line in NOISE[:3]:
        assert logged.count(f"DEBUG native library: {line}") == 3
    assert (
        logged.count(f"WARNING native library: {NOISE[3]}") == 3
    )  # a native error stays visible as a warning


HOLD_WHILE_A_THREAD_LOGS_LATER = textwrap.dedent(
    """
    import os, sys, threading, time
    from guru_form._native_logs import hold_native_logs

    hold = hold_native_logs("guru_form.pose")  # no logging set up: errors reach logging's last resort
    late = threading.Thread(target=lambda: (time.sleep(0.3), os.write(2, (sys.argv[1] + "\\n").encode())))
    late.start()
    os.write(2, b"\\r 40%")  # a progress bar's line, unfinished
    sys.stdin.readline()  # the test reads the line above before letting us go on
    late.join()
    hold.release()
    hold.release()  # a second release does nothing
    os.write(2, b"released\\n")
    """
)


def test_a_hold_passes_progress_through_at_once_and_catches_late_lines() -> None:
    """MediaPipe logs from its own threads at any time: a hold lasts for the estimator's life."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_WHILE_A_THREAD_LOGS_LATER, NOISE[3]],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdin is not None and child.stderr is not None
    try:
        assert child.stderr.read(5) == b"\r 40%"  # arrives while the hold still holds
        child.stdin.write(b"go on\n")
        child.stdin.close()
        rest = child.stderr.read().decode()
    finally:
        child.kill()
        child.wait(timeout=60)
    # the native error reaches logging (its last resort prints WARNING+ records) and nothing loops
    assert rest == f"native library: {NOISE[3]}\nreleased\n"


def test_what_counts_as_a_native_log_line() -> None:
    assert all(is_native_log_line(line) for line in NOISE)
    for own in ("uploading squat.mp4: 40%", "Traceback (most recent call last):", "W: x", ""):
        assert not is_native_log_line(own)


@pytest.mark.pose
@pytest.mark.slow
@pytest.mark.parametrize(
    ("estimator", "package"), [("blazepose", "ai_edge_litert"), ("mediapipe", "mediapipe")]
)
def test_a_pose_backend_writes_nothing_to_stderr(estimator: str, package: str) -> None:
    pytest.importorskip(package)
    code = textwrap.dedent(
        f"""
        import guru_form as gf
        from guru_form.pose.estimator import estimate_video
        raw = estimate_video(gf.sample_path("squat"), estimator={estimator!r}, stride=6)
        print(len(raw.frame))
        """
    )
    done = _python(code)
    assert int(done.stdout) > 10
    assert done.stderr == "", done.stderr


@pytest.mark.pose
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_nothing_shows_red_in_a_notebook_cell(tmp_path: Path) -> None:
    """A notebook cell that runs MediaPipe shows no stderr stream (Jupyter draws it in red)."""
    pytest.importorskip("mediapipe")
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import guru_form as gf\n"
            "from guru_form.pose.estimator import estimate_video\n"
            "raw = estimate_video(gf.sample_path('push_up'), estimator='mediapipe', stride=6)\n"
            "len(raw.frame)"
        ),
        # The kernel forwards what reaches descriptor 2 from a thread of its own: give a late
        # line the time to arrive, in the next cell if not in this one.
        nbformat.v4.new_code_cell("import time\ntime.sleep(2)"),
    ]
    env_path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = env_path
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3").execute(cwd=str(tmp_path))
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH")
        else:
            os.environ["PYTHONPATH"] = old
    outputs = [o for cell in nb.cells for o in cell.outputs]
    streams = [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert streams == [], streams
    assert any(o.output_type == "execute_result" for o in nb.cells[0].outputs)

"""Analysis jobs, run off the request path in any ``concurrent.futures.Executor``.

:func:`run_analysis` is the unit of work: a picklable top-level function of plain values, so a
``ThreadPoolExecutor``, a ``ProcessPoolExecutor`` or a Dask ``distributed`` executor can run it. It never
raises: every outcome, including an engine crash, comes back as Guru analysis JSON (``Complete`` with
reps, or ``Failed`` with a ``reason``).

:class:`JobRunner` submits a job per upload, stores the outcome (unless the video was re-uploaded in the
meantime) and re-queues, at start, every uploaded video whose analysis is still pending, so a restart
loses nothing. A job runs with the engine settings its upload was queued with (recorded in the store),
not with those the server was restarted with: a client that filed the pending video under one engine
and stride gets a result made with them. When that engine cannot be built here (its module or extra
is gone), the job ends ``Failed`` with a reason that names the settings and how to restart with them.
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import threading
from concurrent.futures import CancelledError, Executor, Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guru_form.errors import (
    EngineError,
    GuruError,
    InvalidInputError,
    InvalidVideoError,
    SchemaError,
)
from guru_form.models import Activity, Analysis, Domain, Status, field_label
from guru_form.server._paths import ensure_private_dir, make_private_tree
from guru_form.server._store import Store
from guru_form.server.engines import (
    AnalysisEngine,
    EngineSpec,
    check_engine_spec,
    load_engine,
    resolve_engine_name,
)
from guru_form.video.check import check_readable

__all__ = ["JobRunner", "default_executor", "run_analysis"]

logger = logging.getLogger("guru_form.server")

_local = threading.local()


def unreadable_video_reason(path: Path) -> str | None:
    """Why ``path`` is not a readable video (:func:`guru_form.video.check_readable`), or None."""
    try:
        check_readable(path)
    except InvalidVideoError as exc:  # the reason names no server path
        return f"the uploaded file is not a readable video: it {exc.reason}"
    return None


def _engine(spec: EngineSpec) -> AnalysisEngine:
    # One engine per (thread, spec): engines may hold models that are not thread-safe.
    cache: dict[EngineSpec, AnalysisEngine] = getattr(_local, "engines", None) or {}
    _local.engines = cache
    if spec not in cache:
        cache[spec] = load_engine(spec)
    return cache[spec]


def _failed(
    reason: str, activity: str | None, domain: str | None, code: str | None = None
) -> dict[str, Any]:
    """A Failed analysis: ``reason`` is the API's code and ``message`` the words when there is a
    code (``LOW_QUALITY_POSE_ESTIMATE``), else ``reason`` is the words."""
    body: dict[str, Any] = {
        "status": "Failed",
        "domain": domain,
        "activity": activity,
        "reps": [],
        "reason": code or reason,
    }
    if code:
        body["message"] = reason
    return body


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _checked(
    result: Any, engine: str, activity: str | None, domain: str | None
) -> tuple[Analysis, dict[str, Any]]:
    """The engine's result, validated once: the :class:`Analysis` and the JSON to store.

    An engine hands back an :class:`Analysis` (the pose engine's carries its pose track) or the
    Guru analysis JSON as a dict; either must be ``Complete`` and fit the API's schema.
    """
    if isinstance(result, Analysis):
        if result.status is Status.FAILED:
            raise EngineError(result.reason or f"the {engine} engine gave no reason")
        if result.status is not Status.COMPLETE:
            raise EngineError(
                f"the {engine} engine returned status {result.status_text!r} instead of 'Complete'"
            )
        body = result.to_json()
        dropped = ("videoId", "reason", "message")
        for key in dropped:
            body.pop(key, None)
        # Fields an engine adds to the Guru JSON (the pose engine's "x-guru-form") are kept.
        body.update({k: v for k, v in result.raw.items() if k not in body and k not in dropped})
        body = json.loads(json.dumps(body, default=_jsonable))
        body["activity"] = body["activity"] or activity
        known = result.activity.domain.value if result.activity is not None else None
        body["domain"] = body["domain"] or known or domain
        return result, body
    if not isinstance(result, dict):
        raise EngineError(
            f"the {engine} engine returned {type(result).__name__} instead of an analysis"
        )
    status = result.get("status", "Complete")
    if status == "Failed":
        raise EngineError(str(result.get("reason") or f"the {engine} engine gave no reason"))
    if status != "Complete":
        raise EngineError(f"the {engine} engine returned status {status!r} instead of 'Complete'")
    body = json.loads(json.dumps(result, default=_jsonable))
    body["status"] = "Complete"
    body.setdefault("domain", domain)
    body.setdefault("activity", activity)
    body.setdefault("reps", [])
    try:
        analysis = Analysis.from_json(body)  # the schema check: a rep without timestamps, ...
    except SchemaError as exc:
        raise EngineError(
            f"the {engine} engine returned a malformed analysis: "
            f"{field_label(exc.field)} {exc.problem}"
        ) from None
    return analysis, body


def run_analysis(
    spec: EngineSpec,
    video_path: str,
    activity: str | None,
    domain: str | None,
    rep_count: int | None,
    artifacts_dir: str | None = None,
) -> dict[str, Any]:
    """Analyse one uploaded video; never raises.

    Parameters
    ----------
    spec
        Which engine to use (built once per worker thread and reused).
    video_path
        The uploaded content, as a path the worker can read.
    activity, domain, rep_count
        What the uploader declared (API strings), or None. With no activity the engine is called
        with ``activity=None`` (the pose engine then recognises it, or fails saying so).
    artifacts_dir
        A folder for what the analysis carries beside its JSON: the pose track of an
        :class:`Analysis` that has one, as ``analysis.pose.parquet``
        (:func:`guru_form.io.pose_parquet.artifact_path`).

    Returns
    -------
    dict
        Guru analysis JSON: ``status`` ``"Complete"`` with reps, or ``"Failed"`` with ``reason``
        (not a readable video; the reason of the engine's
        :class:`~guru_form.errors.EngineError`; a missing engine; or, when the engine crashed,
        the type and text of the exception it raised).
    """
    path = Path(video_path)
    try:
        problem = unreadable_video_reason(path)
        if problem is not None:
            return _failed(problem, activity, domain)
        engine = _engine(spec)
        result = engine.analyze(
            path,
            activity=None if activity is None else Activity(activity),
            domain=None if domain is None else Domain(domain),
            rep_count=rep_count,
        )
        analysis, body = _checked(result, spec.name, activity, domain)
        if artifacts_dir is not None and analysis.pose_track is not None:
            from guru_form.io.pose_parquet import artifact_path, to_pose_parquet

            directory = ensure_private_dir(Path(artifacts_dir))
            to_pose_parquet(analysis.pose_track, artifact_path(directory))
            make_private_tree(directory)  # the track and anything else there: owner-only
        return body
    except EngineError as exc:
        return _failed(exc.reason, activity, domain, exc.code)
    except GuruError as exc:
        return _failed(str(exc), activity, domain)
    except Exception as exc:
        logger.exception("analysis engine %r crashed on %s", spec.name, path.name)
        return _failed(
            f"the {spec.name} engine crashed: {type(exc).__name__}: {exc}", activity, domain
        )


def default_executor(max_workers: int | None = None) -> Executor:
    """The executor a server uses when none is given: a small thread pool (2 threads at most).

    Threads start at once and keep one model per thread in one process; the pose model releases
    Python's lock while it runs, so two jobs share two cores. ``benchmarks/server_executor.py``
    compares this with running jobs one by one and with a process pool on the machine at hand. On
    a many-core machine a ``ProcessPoolExecutor`` (or a Dask cluster) may scale further: pass one
    as ``executor``.
    """
    workers = max_workers or max(1, min(2, os.cpu_count() or 1))
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="guru-analysis")


def _restart_command(spec: EngineSpec, data_dir: Path) -> str:
    """How to start a server with ``spec``'s settings on ``data_dir``, for messages."""
    folder, engine = shlex.quote(str(data_dir)), shlex.quote(spec.name)
    serve = f"guru-form serve --data-dir {folder} --engine {engine}"
    local = f"GuruClient.local(engine={spec.name!r}, data_dir={str(data_dir)!r}"
    if spec.stride is not None:
        serve += f" --stride {spec.stride}"
        local += f", stride={spec.stride}"
    return f"{serve} (from Python: {local}))"


def _unrunnable_reason(recorded: Any, problem: str, data_dir: Path) -> str:
    """The reason a pending job fails when the engine it was queued with cannot be built here.

    Parameters
    ----------
    recorded
        The engine settings stored with the upload (``EngineSpec.to_json()``).
    problem
        Why they cannot be honoured (the text of the error building them raised).
    data_dir
        The server's data folder, for the restart command the reason suggests.

    Returns
    -------
    str
        A sentence naming the engine and stride the video was queued with, why this server
        cannot run them, and how to get the video analysed with them.
    """
    try:
        spec = EngineSpec.from_json(recorded)
    except InvalidInputError:
        return (
            f"this video was queued with analysis engine settings this server cannot honour "
            f"({problem}); upload the video again to analyse it with this server's engine"
        )
    stride = "its default stride" if spec.stride is None else f"stride {spec.stride}"
    return (
        f"this video was queued for analysis by engine {spec.name!r} at {stride}, which this "
        f"server cannot run: {problem}. It was not analysed with other settings, which the "
        f"upload did not ask for. To analyse it with those: make that engine available, "
        f"restart the server with them, {_restart_command(spec, data_dir)}, and upload the "
        f"video again (client.analyze(path, cache=False) does)"
    )


@dataclass(frozen=True)
class _Job:
    video_id: str
    generation: int
    activity: str | None
    domain: str | None
    spec: EngineSpec


class JobRunner:
    """Runs analysis jobs and stores their outcomes.

    Parameters
    ----------
    store
        The server's database.
    spec
        The engine of new uploads, and of pending uploads stored before uploads recorded theirs.
        A pending upload that recorded its engine settings runs with those.
    executor
        Where jobs run; None means :func:`default_executor` (owned and shut down by the runner).
        A given executor is not shut down by :meth:`stop`.
    artifacts_root
        Where each job's artifacts go (:meth:`artifacts_dir`); None keeps none.
    """

    def __init__(
        self,
        store: Store,
        spec: EngineSpec,
        executor: Executor | None = None,
        *,
        max_workers: int | None = None,
        artifacts_root: Path | None = None,
    ) -> None:
        self.store = store
        self.artifacts_root = artifacts_root
        self.spec = spec
        self._owns_executor = executor is None
        self._executor = executor if executor is not None else default_executor(max_workers)
        self._lock = threading.Lock()
        self._stopped = False
        # Why each recorded engine setting cannot run here (None: it can); the server's own
        # spec was checked where the server started.
        self._problems: dict[EngineSpec, str | None] = {spec: None}

    def start(self) -> int:
        """Queue every uploaded video whose analysis is still pending; returns how many."""
        pending = self.store.pending_jobs()
        for video_id, generation in pending:
            self.submit(video_id, generation)
        if pending:
            logger.info("re-queued %d pending analysis job(s)", len(pending))
        return len(pending)

    def _problem(self, spec: EngineSpec) -> str | None:
        """Why ``spec`` cannot be built here (missing extra or module, no stride), or None."""
        if spec not in self._problems:
            try:
                resolve_engine_name(spec.name)
                check_engine_spec(spec)
                self._problems[spec] = None
            except GuruError as exc:
                self._problems[spec] = str(exc)
        return self._problems[spec]

    def _job_spec(self, video_id: str, generation: int, recorded: Any) -> EngineSpec | str:
        """The engine a job runs with, or the reason it cannot run (a Failed analysis's reason)."""
        if recorded is None:  # stored before uploads recorded their engine: today's engine
            self.store.adopt_engine_spec(video_id, generation, self.spec.to_json())
            return self.spec
        data_dir = self.store.path.parent
        try:
            spec = EngineSpec.from_json(recorded)
        except InvalidInputError as exc:
            return _unrunnable_reason(recorded, str(exc), data_dir)
        problem = self._problem(spec)
        if problem is not None:
            return _unrunnable_reason(recorded, problem, data_dir)
        if spec != self.spec:
            logger.info(
                "video %s runs with the engine it was queued with (%s), not this server's (%s)",
                video_id,
                spec.label,
                self.spec.label,
            )
        return spec

    def submit(self, video_id: str, generation: int) -> None:
        """Queue the analysis of the content of ``video_id`` at upload ``generation``.

        It runs with the engine settings recorded with the upload (:attr:`spec` for uploads
        stored without them), or ends ``Failed`` when those cannot be built here.
        """
        record = self.store.get_video(video_id)
        if record is None or record.content_path is None:
            return
        spec = self._job_spec(video_id, generation, record.engine_spec)
        if isinstance(spec, str):
            job = _Job(video_id, generation, record.activity, record.domain, self.spec)
            self._finish(job, _failed(spec, job.activity, job.domain))
            return
        job = _Job(video_id, generation, record.activity, record.domain, spec)
        with self._lock:
            if self._stopped:
                return  # stays pending in the database; the next start queues it
            executor = self._executor
        try:
            future = executor.submit(
                run_analysis,
                job.spec,
                record.content_path,
                record.activity,
                record.domain,
                record.rep_count,
                None
                if self.artifacts_root is None
                else str(self.artifacts_dir(video_id, generation)),
            )
        except RuntimeError:
            if self.stopped:  # stopped meanwhile: the job stays pending for the next start
                return
            raise
        future.add_done_callback(lambda f: self._job_done(f, job))

    def artifacts_dir(self, video_id: str, generation: int) -> Path:
        """The folder of the artifacts of ``video_id``'s upload ``generation``."""
        if self.artifacts_root is None:
            raise GuruError("this job runner keeps no artifacts")
        return self.artifacts_root / f"{video_id}-{generation}"

    def _job_done(self, future: Future[dict[str, Any]], job: _Job) -> None:
        try:
            result = future.result()
        except CancelledError:
            return  # the runner stopped; the job stays pending and is re-queued at the next start
        except BrokenProcessPool as exc:
            result = _failed(
                f"an analysis worker process died while this video was queued or analysed "
                f"({exc}); the process pool is unusable until the server restarts",
                job.activity,
                job.domain,
            )
        except Exception as exc:
            result = _failed(
                f"the analysis job could not run: {type(exc).__name__}: {exc}",
                job.activity,
                job.domain,
            )
        self._finish(job, result)

    def _finish(self, job: _Job, result: dict[str, Any]) -> None:
        with self._lock:
            if self._stopped:
                return
            status = str(result.get("status"))
            stored = self.store.finish_analysis(
                job.video_id,
                job.generation,
                status=status,
                analysis=result,
                reason=result.get("reason"),
            )
        if stored:
            logger.info("analysis of video %s: %s", job.video_id, status)

    def stop(self) -> None:
        """Stop storing outcomes; cancel queued jobs (they stay pending for the next start)."""
        with self._lock:
            self._stopped = True
        if self._owns_executor:
            self._executor.shutdown(wait=False, cancel_futures=True)

    @property
    def stopped(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stopped

    @property
    def executor(self) -> Executor:
        """The executor jobs run in."""
        return self._executor

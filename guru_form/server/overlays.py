"""Overlay videos of an analysed upload, as Guru's ``overlays``: built once, on request, off the request path.

Two kinds, as Guru's API offers them (:data:`OVERLAY_KINDS`):

- ``skeleton``: the video with the pose track's wireframe drawn on every frame;
- ``all``: the wireframe, the live rep counter, the current rep's movement and the analytics
  (:func:`guru_form.frames.export_annotated_video`).

Both are browser-playable H.264 MP4 files written with :mod:`guru_form.frames`, kept beside the
upload's pose track. Nothing is built until a client asks for the video (``GET /videos/{id}``):
:meth:`OverlayRenderer.states` then answers ``Pending`` and queues the work in the renderer's own
single worker (so overlays never hold up analyses), and ``Complete`` once the file is there. A
failed build answers ``Failed`` with its reason, until the server restarts.
"""

from __future__ import annotations

import functools
import logging
import threading
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guru_form.io.pose_parquet import find_artifact
from guru_form.models import Analysis

__all__ = ["OVERLAY_KINDS", "OverlayRenderer", "OverlayState", "overlay_path", "render_overlay"]

logger = logging.getLogger("guru_form.server")

OVERLAY_KINDS = ("skeleton", "all")


def overlay_path(artifacts_dir: Path, kind: str) -> Path:
    """Where the ``kind`` overlay of an upload is kept."""
    return artifacts_dir / f"overlay-{kind}.mp4"


@dataclass(frozen=True)
class OverlayState:
    """Where one overlay stands: ``Pending``, ``Complete`` or ``Failed`` (with a reason)."""

    status: str
    reason: str | None = None


def render_overlay(
    kind: str, video_path: Path, analysis_json: dict[str, Any], artifacts_dir: Path
) -> Path:
    """Build the ``kind`` overlay of an analysed upload from its content, analysis and pose track.

    Returns
    -------
    Path
        The MP4 written (replaced only once complete).
    """
    from guru_form.frames.export import export_annotated_video
    from guru_form.io.pose_parquet import from_pose_parquet

    track = find_artifact(artifacts_dir)
    if track is None:
        raise FileNotFoundError(f"no pose track in {artifacts_dir}")
    analysis = Analysis.from_json(analysis_json)
    analysis.pose_track = from_pose_parquet(track)
    return export_annotated_video(
        video_path,
        analysis,
        overlay_path(artifacts_dir, kind),
        past_end="clamp",
        analytics=kind == "all",
    )


class OverlayRenderer:
    """Builds overlays in the background, each once, and says where each stands.

    Parameters
    ----------
    executor
        Where builds run; None means a single thread owned by the renderer.
    """

    def __init__(self, executor: Executor | None = None) -> None:
        self._owns = executor is None
        self._executor = executor or ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="guru-overlay"
        )
        self._lock = threading.Lock()
        self._queued: set[tuple[str, str]] = set()
        self._failed: dict[tuple[str, str], str] = {}
        self._stopped = False

    def states(
        self,
        artifacts_dir: Path,
        video_path: Path,
        analysis_json: dict[str, Any],
    ) -> dict[str, OverlayState]:
        """Each overlay's state; queues the build of those not built, queued or failed yet.

        Parameters
        ----------
        artifacts_dir
            The upload's artifacts folder (it holds the pose track, and the overlays).
        video_path
            The uploaded content.
        analysis_json
            Its Complete analysis.
        """
        if find_artifact(artifacts_dir) is None:
            reason = (
                "no pose track: the analysis was made by an engine that does not track poses "
                "(run the server with the pose engine)"
            )
            return {kind: OverlayState("Failed", reason) for kind in OVERLAY_KINDS}
        states: dict[str, OverlayState] = {}
        for kind in OVERLAY_KINDS:
            key = (str(artifacts_dir), kind)
            if overlay_path(artifacts_dir, kind).is_file():
                states[kind] = OverlayState("Complete")
                continue
            with self._lock:
                if key in self._failed:
                    states[kind] = OverlayState("Failed", self._failed[key])
                    continue
                queue = key not in self._queued and not self._stopped
                if queue:
                    self._queued.add(key)
            if queue:
                future = self._executor.submit(
                    render_overlay, kind, video_path, analysis_json, artifacts_dir
                )
                future.add_done_callback(functools.partial(self._done, key))
            states[kind] = OverlayState("Pending")
        return states

    def _done(self, key: tuple[str, str], future: Future[Path]) -> None:
        with self._lock:
            self._queued.discard(key)
            if future.cancelled():
                return
            error = future.exception()
            if error is not None:
                self._failed[key] = (
                    f"the {key[1]} overlay could not be built: {type(error).__name__}: {error}"
                )
        if error is not None:
            logger.warning("overlay %s of %s failed: %s", key[1], Path(key[0]).name, error)
        else:
            logger.info("built overlay %s of %s", key[1], Path(key[0]).name)

    def stop(self) -> None:
        """Build nothing more; cancel what is queued (a later start builds it on request)."""
        with self._lock:
            self._stopped = True
        if self._owns:
            self._executor.shutdown(wait=False, cancel_futures=True)

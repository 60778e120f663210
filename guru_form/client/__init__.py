"""The Guru fitness API client: :class:`GuruClient` and its async twin :class:`AsyncGuruClient`.

Both have the same methods (``create_video``, ``upload_video``, ``get_video`` (with
``include=``), ``update_video``, ``get_analysis``, ``wait_for_analysis``, ``get_joint_data``,
``download_overlay``, ``get_pose_track``, ``analyze``, ``analyze_many``) and share one
implementation of everything that is not I/O: settings, validation, OAuth2 token handling,
retries, error mapping and the result cache.

Settings: today's hosted API by default (:data:`DEFAULT_API_URL`, Guru's Cognito token endpoint
:data:`DEFAULT_AUTH_URL` with :data:`DEFAULT_SCOPE`, the token sent raw); :data:`AUTH0_2022` holds
those of Guru's 2022 API (an Auth0 audience and ``Bearer``).

Modules: :mod:`._config` (credentials, URLs, local-server default), :mod:`._auth` (OAuth2
client credentials), :mod:`._transport` (timeouts, retry policy), :mod:`._validate` (bad input
before any request), :mod:`._upload` (streamed multipart body), :mod:`._polling` (waiting),
:mod:`._cache` (no video uploaded twice), :mod:`._progress` (tqdm bars and callbacks),
:mod:`.batch` (:class:`BatchResult`), :mod:`.sync`, :mod:`.aio`.
"""

from guru_form.client._config import (
    AUTH0_2022,
    DEFAULT_API_URL,
    DEFAULT_AUTH_URL,
    DEFAULT_SCOPE,
    LegacySettings,
)
from guru_form.client._progress import AnalyzeProgress
from guru_form.client.aio import AsyncGuruClient
from guru_form.client.batch import BatchFailure, BatchResult
from guru_form.client.sync import GuruClient

__all__ = [
    "AUTH0_2022",
    "DEFAULT_API_URL",
    "DEFAULT_AUTH_URL",
    "DEFAULT_SCOPE",
    "AnalyzeProgress",
    "AsyncGuruClient",
    "BatchFailure",
    "BatchResult",
    "GuruClient",
    "LegacySettings",
]

"""The Guru fitness API client: :class:`GuruClient` and its async twin :class:`AsyncGuruClient`.

Both have the same methods (``create_video``, ``upload_video``, ``get_video``, ``update_video``,
``get_analysis``, ``wait_for_analysis``, ``analyze``, ``analyze_many``) and share one
implementation of everything that is not I/O: settings, validation, OAuth2 token handling,
retries, error mapping and the result cache.

Modules: :mod:`._config` (credentials, URLs, local-server default), :mod:`._auth` (OAuth2
client credentials), :mod:`._transport` (timeouts, retry policy), :mod:`._validate` (bad input
before any request), :mod:`._upload` (streamed multipart body), :mod:`._polling` (waiting),
:mod:`._cache` (no video uploaded twice), :mod:`._progress` (tqdm bars and callbacks),
:mod:`.batch` (:class:`BatchResult`), :mod:`.sync`, :mod:`.aio`.
"""

from guru_form.client._progress import AnalyzeProgress
from guru_form.client.aio import AsyncGuruClient
from guru_form.client.batch import BatchFailure, BatchResult
from guru_form.client.sync import GuruClient

__all__ = ["AnalyzeProgress", "AsyncGuruClient", "BatchFailure", "BatchResult", "GuruClient"]

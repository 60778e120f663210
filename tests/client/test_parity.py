"""GuruClient and AsyncGuruClient offer the same methods with the same parameters."""

from __future__ import annotations

import inspect

import guru_form
from guru_form import AsyncGuruClient, BatchFailure, BatchResult, GuruClient

API = [
    "create_video",
    "upload_video",
    "get_video",
    "update_video",
    "get_analysis",
    "wait_for_analysis",
    "analyze",
    "analyze_many",
]


def test_same_methods_same_signatures() -> None:
    for name in API:
        sync, aio = getattr(GuruClient, name), getattr(AsyncGuruClient, name)
        assert not inspect.iscoroutinefunction(sync), name
        assert inspect.iscoroutinefunction(aio), name
        assert inspect.signature(sync) == inspect.signature(aio), name
    assert inspect.signature(GuruClient.__init__) == inspect.signature(AsyncGuruClient.__init__)


def test_public_names_are_reexported() -> None:
    for name in ("GuruClient", "AsyncGuruClient", "BatchResult", "BatchFailure"):
        assert name in guru_form.__all__ and name in dir(guru_form)
    assert guru_form.BatchResult is BatchResult and guru_form.BatchFailure is BatchFailure


def test_retry_policy_is_public() -> None:
    from guru_form import RetryPolicy
    from guru_form._http import RetryPolicy as Private

    assert RetryPolicy is Private and "RetryPolicy" in guru_form.__all__
    with GuruClient("id", "secret", retry=RetryPolicy(max_retries=5, max_delay=30)) as client:
        assert client._policy.max_retries == 5

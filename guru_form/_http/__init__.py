"""The HTTP core shared by every client in guru_form.

One place decides which failures are retried and for how long to wait (:mod:`.retry`), how an error
response or a transport failure becomes a typed error (:mod:`.errors`), and how a request is sent
with those rules, synchronously or asynchronously (:mod:`.send`). The Guru fitness client and the
lighter API helpers (:mod:`guru_form.apis`) all build on it.
"""

from guru_form._http.errors import error_for_response, error_for_transport, safe_url
from guru_form._http.retry import RetryPolicy, parse_retry_after
from guru_form._http.send import asend_with_retries, send_with_retries

__all__ = [
    "RetryPolicy",
    "asend_with_retries",
    "error_for_response",
    "error_for_transport",
    "parse_retry_after",
    "safe_url",
    "send_with_retries",
]

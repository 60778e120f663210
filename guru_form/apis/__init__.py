"""Small clients for three more APIs a coaching team uses: Guru knowledge base, Giosg, HelpSpot.

Each client is an adapter over one shared core (:mod:`guru_form.apis._core`): the provider's own
authentication, pagination and error format live in its module, and everything else is shared with
the other two and with the Guru fitness client (retries with backoff, timeouts, typed errors from
:mod:`guru_form.errors`, credentials only in headers and never in messages).

=====================  ===================================  ===================================
Client                 Auth                                 Pagination
=====================  ===================================  ===================================
GuruKnowledgeClient    Basic: username + user token, or     ``Link: <...>; rel="next-page"``
                       collection id + collection token
                       (read-only)
GiosgClient            ``Token <api token>`` or             ``{"next", "previous", "results"}``
                       ``Bearer <access token>``
HelpSpotClient         none (public methods), ``Bearer``    ``start`` / ``length``
                       API key or Basic (private methods)
=====================  ===================================  ===================================

Every client is a context manager, takes ``base_url=``, ``timeout=`` and ``max_retries=``, pages
lazily (``paginate`` is a generator) and turns items into a DataFrame with :func:`to_frame`.
:mod:`guru_form.apis.testing` has local fake servers to try them without an account.
"""

from guru_form.apis._core import BaseAPIClient, Page
from guru_form.apis._frame import to_frame
from guru_form.apis.giosg import GiosgClient
from guru_form.apis.guru_knowledge import GuruKnowledgeClient
from guru_form.apis.helpspot import HelpSpotClient

__all__ = [
    "BaseAPIClient",
    "GiosgClient",
    "GuruKnowledgeClient",
    "HelpSpotClient",
    "Page",
    "to_frame",
]

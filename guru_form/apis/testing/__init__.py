"""Local fake servers for the API helper clients: try them, and test code that uses them, offline.

Each fake is a small Starlette app served by uvicorn on ``127.0.0.1`` (a free port) from a
background thread. It behaves as the provider's documentation says (authentication, pagination,
error format) and records every request it receives in ``fake.requests``.

Examples
--------
>>> from guru_form.apis import GiosgClient
>>> from guru_form.apis.testing import FakeGiosg
>>> with FakeGiosg() as fake, GiosgClient(fake.token, base_url=fake.url) as giosg:
...     giosg.me()["first_name"]
'Riley'
"""

from guru_form.apis.testing._server import FakeAPI, LocalServer, RecordedRequest
from guru_form.apis.testing.giosg import FakeGiosg
from guru_form.apis.testing.guru_knowledge import FakeGuruKnowledge
from guru_form.apis.testing.helpspot import FakeHelpSpot

__all__ = [
    "FakeAPI",
    "FakeGiosg",
    "FakeGuruKnowledge",
    "FakeHelpSpot",
    "LocalServer",
    "RecordedRequest",
]

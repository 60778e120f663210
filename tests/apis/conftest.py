"""Fixtures for the API helper tests: the fake servers of guru_form.apis.testing, really started.

Each fake server starts once per session; the per-test fixtures reset its options, data and
request log, so every test sees a fresh fake without paying for a server restart.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from guru_form.apis.testing import FakeGiosg, FakeGuruKnowledge, FakeHelpSpot
from tests.fakehttp import FakeServer


@pytest.fixture(scope="session")
def _guru_kb_server() -> Iterator[FakeGuruKnowledge]:
    with FakeGuruKnowledge(cards=120, page_size=50) as fake:
        yield fake


@pytest.fixture(scope="session")
def _giosg_server() -> Iterator[FakeGiosg]:
    with FakeGiosg(teams=11, page_sizes=(4, 2, 5)) as fake:
        yield fake


@pytest.fixture(scope="session")
def _helpspot_server() -> Iterator[FakeHelpSpot]:
    with FakeHelpSpot(requests=23) as fake:
        yield fake


@pytest.fixture
def guru_kb(_guru_kb_server: FakeGuruKnowledge) -> FakeGuruKnowledge:
    """The fake Guru knowledge base: 120 cards, 50 per page, ``rel="next-page"`` links."""
    _guru_kb_server.reset()
    return _guru_kb_server


@pytest.fixture
def giosg(_giosg_server: FakeGiosg) -> FakeGiosg:
    """The fake Giosg API: 11 teams in pages of 4, 2 and 5."""
    _giosg_server.reset()
    return _giosg_server


@pytest.fixture
def helpspot(_helpspot_server: FakeHelpSpot) -> FakeHelpSpot:
    """The fake HelpSpot: 23 requests, both APIs enabled, errors with status 400."""
    _helpspot_server.reset()
    return _helpspot_server


@pytest.fixture
def scripted() -> Iterator[FakeServer]:
    """The scripted fake server, for faults the purpose-built fakes do not produce."""
    with FakeServer() as server:
        yield server

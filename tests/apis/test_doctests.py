"""The examples in the docstrings of guru_form.apis run, every one of them, and give what they show.

Class examples start their own local fake; method examples use the client a class example makes
(``giosg`` with ``org``, ``hs``, ``guru``), given here as clients of the session's fakes.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest

import guru_form.apis
from guru_form.apis import GiosgClient, GuruKnowledgeClient, HelpSpotClient
from guru_form.apis.testing import FakeGiosg, FakeGuruKnowledge, FakeHelpSpot

MODULES = [
    "guru_form.apis._frame",
    "guru_form.apis.giosg",
    "guru_form.apis.guru_knowledge",
    "guru_form.apis.helpspot",
    "guru_form.apis.testing",
    "guru_form.apis.testing._server",
    "guru_form.apis.testing.guru_knowledge",
]


def _examples(module: object) -> int:
    return sum(len(test.examples) for test in doctest.DocTestFinder().find(module))


@pytest.fixture
def clients(
    giosg: FakeGiosg, helpspot: FakeHelpSpot, guru_kb: FakeGuruKnowledge
) -> Iterator[dict[str, Any]]:
    """The names the method examples use, as clients of the (freshly reset) fakes."""
    assert (len(giosg.teams), giosg.page_sizes, len(guru_kb.cards)) == (11, (4, 2, 5), 120)
    with (
        GiosgClient(giosg.token, base_url=giosg.url) as giosg_client,
        HelpSpotClient(helpspot.url, api_key=helpspot.api_key) as hs,
        GuruKnowledgeClient(guru_kb.username, guru_kb.token, base_url=guru_kb.base_url) as guru,
    ):
        yield {"giosg": giosg_client, "org": giosg.organization_id, "hs": hs, "guru": guru}


@pytest.mark.parametrize("name", MODULES)
def test_every_docstring_example_runs(name: str, clients: dict[str, Any]) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs=clients, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted == _examples(module) > 0  # none skipped, none missing


def test_every_module_with_examples_is_listed() -> None:
    found = {
        info.name
        for info in pkgutil.walk_packages(guru_form.apis.__path__, "guru_form.apis.")
        if _examples(importlib.import_module(info.name))
    }
    assert found == set(MODULES)

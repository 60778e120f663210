"""Client secret, access tokens and upload signing fields never show in repr, logs or errors."""

from __future__ import annotations

import logging

import pytest

from guru_form.errors import AuthenticationError
from tests.client.fakeguru import CLIENT_SECRET, SIGNATURE_PREFIX, FakeGuru
from tests.fakehttp import Reply


def _secrets(fake: FakeGuru) -> list[str]:
    return [CLIENT_SECRET, SIGNATURE_PREFIX, *fake.tokens]


def test_nothing_secret_in_logs_or_reprs(fake_client, fake: FakeGuru, video, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    fake.pending_polls = 2
    target = fake_client.create_video("a.avi", 10)
    analysis = fake_client.analyze(video, activity="squat", progress=False, poll_interval=0.01)
    shown = " ".join(
        [
            caplog.text,
            repr(fake_client),
            repr(getattr(fake_client, "inner", fake_client)),
            repr(getattr(fake_client, "inner", fake_client)._auth),
            repr(getattr(fake_client, "inner", fake_client)._auth.store),
            repr(target),
            repr(analysis),
        ]
    )
    assert "guru_form" in caplog.text  # there was something to look at
    assert fake.tokens
    for secret in _secrets(fake):
        assert secret not in shown, secret
    assert "fields=<2 hidden>" in repr(target)


def test_token_not_in_a_refusal(fake_client, fake: FakeGuru) -> None:
    fake_client.create_video("a.avi", 10)
    fake.server.route("GET", "/videos/v1", Reply(401, json={"message": "token rejected"}))
    with pytest.raises(AuthenticationError) as info:
        fake_client.get_video("v1")
    text = str(info.value) + repr(info.value)
    for secret in _secrets(fake):
        assert secret not in text

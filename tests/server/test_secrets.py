"""Secrets (client secret, access tokens, upload signatures) stay out of logs, reprs and error bodies."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest

from guru_form.server._auth import ClientCredentials
from guru_form.server._signing import UploadSigner
from guru_form.server.config import ServerRuntime
from guru_form.testing import KnownVideo, LocalServer

from .conftest import Api


def test_a_whole_session_logs_no_secret(
    fresh_api: Api,
    fresh_server: LocalServer,
    known_videos: dict[str, KnownVideo],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    token = fresh_api.token()
    path = known_videos["squat"].path
    target = fresh_api.create(path)
    tampered = {**target["fields"], "signature": "f" * 64}
    wrong_basic = base64.b64encode(
        f"{fresh_server.client_id}:{fresh_server.client_secret}x".encode()
    ).decode()
    bodies = [
        fresh_api.upload(target, path, fields=tampered).text,
        fresh_api.token_response(client_secret=fresh_server.client_secret + "x").text,
        fresh_api.token_response(audience="elsewhere").text,
        fresh_api.http.post(
            fresh_api.token_path,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {wrong_basic}"},
        ).text,
    ]
    assert fresh_api.upload(target, path).status_code == 204
    fresh_api.wait(target["id"])
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"junk")
    fresh_api.wait(fresh_api.submit(junk))
    fresh_server.faults.expire_tokens()
    bodies.append(fresh_api.request("GET", f"/videos/{target['id']}").text)
    captured = capfd.readouterr()
    seen = "\n".join([caplog.text, captured.out, captured.err, *bodies])
    secrets = [fresh_server.client_secret, token, target["fields"]["signature"], wrong_basic]
    secrets.append((fresh_server.data_dir / "signing.key").read_text().strip())
    for secret in secrets:
        assert secret not in seen
    assert target["id"] in caplog.text  # the log does say what happened


def test_reprs_hide_secrets(fresh_server: LocalServer) -> None:
    secret = fresh_server.client_secret
    key = (fresh_server.data_dir / "signing.key").read_text().strip()
    runtime = ServerRuntime(fresh_server.config)
    texts = [
        repr(fresh_server),
        repr(fresh_server.config),
        repr(fresh_server.credentials),
        repr(runtime),
        repr(runtime.signer),
        repr(UploadSigner.load_or_create(fresh_server.data_dir / "signing.key")),
        repr(ClientCredentials("id", "very-secret")),
    ]
    for text in texts:
        assert secret not in text and key not in text and "very-secret" not in text

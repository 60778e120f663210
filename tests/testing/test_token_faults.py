"""Token faults reach the running server through its runtime, and outlive a restart."""

from __future__ import annotations

import httpx

from guru_form.testing import LocalServer


def _token(server: LocalServer) -> httpx.Response:
    form = {
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        "audience": server.audience,
        "grant_type": "client_credentials",
    }
    return httpx.post(server.auth_url, data=form, timeout=30)


def _get(server: LocalServer, token: str) -> httpx.Response:
    return httpx.get(
        f"{server.url}/videos/none", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def test_a_revocation_and_a_lifetime_outlive_a_restart(fresh_server: LocalServer) -> None:
    old = _token(fresh_server).json()["access_token"]
    fresh_server.faults.expire_tokens()
    fresh_server.faults.set_token_ttl(5)
    fresh_server.restart()
    refused = _get(fresh_server, old)
    assert refused.status_code == 401 and "revoked" in refused.json()["message"]
    issued = _token(fresh_server).json()
    assert issued["expires_in"] == 5
    assert _get(fresh_server, issued["access_token"]).status_code == 404  # accepted: no such video
    fresh_server.faults.reset()
    assert _token(fresh_server).json()["expires_in"] == round(fresh_server.config.token_ttl_s)

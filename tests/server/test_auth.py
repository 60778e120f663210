"""The token endpoint and bearer checks, over real HTTP."""

from __future__ import annotations

import time

import pytest

from guru_form.testing import LocalServer

from .conftest import Api


def test_token_exchange_as_documented(api: Api) -> None:
    response = api.token_response()
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert response.headers["cache-control"] == "no-store"
    assert len(body["access_token"]) >= 32


def test_token_accepts_json_body(api: Api, local_server: LocalServer) -> None:
    response = api.http.post(
        "/oauth/token",
        json={
            "client_id": local_server.client_id,
            "client_secret": local_server.client_secret,
            "audience": local_server.audience,
            "grant_type": "client_credentials",
        },
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("override", "status", "error", "words"),
    [
        ({"client_secret": "not-the-secret"}, 401, "access_denied", "wrong client_secret"),
        ({"client_id": "someone-else"}, 401, "access_denied", "unknown client_id"),
        ({"audience": "https://api.formguru.fitness/"}, 403, "access_denied", "Service not found"),
        ({"grant_type": "password"}, 403, "unauthorized_client", "Grant type 'password'"),
        ({"grant_type": ""}, 400, "invalid_request", "Missing required parameter: grant_type"),
    ],
)
def test_token_refusals_are_auth0_shaped(
    api: Api, override: dict[str, str], status: int, error: str, words: str
) -> None:
    response = api.token_response(**override)
    assert response.status_code == status
    body = response.json()
    assert body["error"] == error
    assert words in body["error_description"]
    assert "not-the-secret" not in response.text
    assert api.server.client_secret not in response.text


def test_missing_token_is_401_with_www_authenticate(api: Api) -> None:
    response = api.http.get("/videos/whatever")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["message"]


@pytest.mark.parametrize("header", ["Bearer nonsense", "Basic abc", "Bearer", "bearer x y"])
def test_bad_tokens_are_401(api: Api, header: str) -> None:
    response = api.http.post(
        "/videos", json={"filename": "a.mp4", "size": 1}, headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert "Bearer" in response.headers["www-authenticate"]


def test_tokens_expire(fresh_api: Api, fresh_server: LocalServer) -> None:
    fresh_server.faults.set_token_ttl(0.3)
    response = fresh_api.token_response()
    assert response.json()["expires_in"] == 0
    token = response.json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert fresh_api.http.get("/videos/x", headers=headers).status_code == 404
    time.sleep(0.35)
    expired = fresh_api.http.get("/videos/x", headers=headers)
    assert expired.status_code == 401
    assert 'error="invalid_token"' in expired.headers["www-authenticate"]
    assert "expired" in expired.json()["message"]
    fresh_server.faults.set_token_ttl(None)
    assert fresh_api.token_response().json()["expires_in"] == 3600


def test_revoked_tokens_are_refused_and_new_ones_work(
    fresh_api: Api, fresh_server: LocalServer
) -> None:
    old = fresh_api.auth()
    assert fresh_api.http.get("/videos/x", headers=old).status_code == 404
    fresh_server.faults.expire_tokens()
    refused = fresh_api.http.get("/videos/x", headers=old)
    assert refused.status_code == 401 and "revoked" in refused.json()["message"]
    fresh_api.token(fresh=True)
    assert fresh_api.request("GET", "/videos/x").status_code == 404


def test_tokens_survive_a_restart(fresh_api: Api, fresh_server: LocalServer) -> None:
    headers = fresh_api.auth()
    fresh_server.restart()
    assert fresh_api.http.get("/videos/x", headers=headers).status_code == 404


def test_every_response_has_a_request_id(fresh_api: Api, fresh_server: LocalServer) -> None:
    fresh_server.faults.rate_limit("/videos", retry_after=1)
    responses = [
        fresh_api.token_response(),
        fresh_api.token_response(client_secret="x"),
        fresh_api.http.get("/videos/x"),
        fresh_api.request("GET", "/videos/x"),
        fresh_api.request("POST", "/videos", json={}),
        fresh_api.http.get("/no/such/route"),
        fresh_api.http.post(f"{fresh_server.url}/uploads/x"),
    ]
    ids = [r.headers.get("x-request-id") for r in responses]
    assert all(ids) and len(set(ids)) == len(ids)
    assert responses[4].status_code == 429


def test_credentials_persist_with_owner_only_permissions(fresh_server: LocalServer) -> None:
    stored = fresh_server.data_dir / "credentials.json"
    assert stored.stat().st_mode & 0o777 == 0o600
    assert (fresh_server.data_dir / "signing.key").stat().st_mode & 0o777 == 0o600
    again = LocalServer(fresh_server.data_dir)
    assert (again.client_id, again.client_secret) == (
        fresh_server.client_id,
        fresh_server.client_secret,
    )


def test_wrong_method_and_unknown_route_are_json(api: Api) -> None:
    missing = api.http.get("/nothing/here")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong = api.http.get("/oauth/token")
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"

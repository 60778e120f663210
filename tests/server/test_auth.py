"""The token endpoint and access-token checks, over real HTTP.

Both token paths (Cognito's ``/oauth2/token``, Auth0's ``/oauth/token``) take a scope, an audience
or neither, with the client credentials in the form or as HTTP Basic; the API takes the raw token
and ``Bearer <token>``.
"""

from __future__ import annotations

import base64
import time

import pytest

from guru_form.testing import LocalServer

from .conftest import Api

GURU_SCOPE = "https://api.getguru.ai/default"
PATHS = ["/oauth2/token", "/oauth/token"]


def _basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "extra",
    [
        {"scope": GURU_SCOPE},  # Guru's Cognito login, today
        {"scope": "https://api.getguru.fitness/default"},  # its scope until 2024-06
        {"audience": "https://guru-form.local/api/"},  # an Auth0-style login
        {},
    ],
    ids=["scope", "old-scope", "audience", "neither"],
)
def test_both_token_paths_take_a_scope_an_audience_or_neither(
    api: Api, local_server: LocalServer, path: str, extra: dict[str, str]
) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": local_server.client_id,
        "client_secret": local_server.client_secret,
        **extra,
    }
    response = api.http.post(path, data=form)
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert api.http.get("/videos/x", headers={"Authorization": token}).status_code == 404


@pytest.mark.parametrize("path", PATHS)
def test_client_credentials_as_http_basic(api: Api, local_server: LocalServer, path: str) -> None:
    response = api.http.post(
        path,
        data={"grant_type": "client_credentials", "scope": GURU_SCOPE},
        headers=_basic(local_server.client_id, local_server.client_secret),
    )
    assert response.status_code == 200, response.text
    wrong = api.http.post(
        path,
        data={"grant_type": "client_credentials"},
        headers=_basic(local_server.client_id, "not-the-secret"),
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "access_denied"
    assert "not-the-secret" not in wrong.text


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({"Authorization": "Basic !!!"}, "not base64"),
        ({"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()}, "not base64"),
    ],
)
def test_an_unreadable_basic_header_is_a_clear_400(
    api: Api, headers: dict[str, str], words: str
) -> None:
    response = api.http.post(
        "/oauth2/token", data={"grant_type": "client_credentials"}, headers=headers
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request" and words in response.text


def test_a_basic_header_for_another_client_than_the_form_is_refused(
    api: Api, local_server: LocalServer
) -> None:
    response = api.http.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": "someone-else"},
        headers=_basic(local_server.client_id, local_server.client_secret),
    )
    assert response.status_code == 400 and "differ" in response.json()["error_description"]


@pytest.mark.parametrize("scheme", ["raw", "Bearer", "bearer"])
def test_the_api_takes_the_raw_token_and_bearer(api: Api, scheme: str) -> None:
    token = api.token()
    header = token if scheme == "raw" else f"{scheme} {token}"
    response = api.http.get("/videos/x", headers={"Authorization": header})
    assert response.status_code == 404  # authenticated: no such video


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
        ({"scope": "https://api.example/other"}, 400, "invalid_scope", "api.example/other"),
        ({"client_secret": ""}, 400, "invalid_request", "Missing required parameter: client_se"),
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
    message = response.json()["message"]
    assert "'Authorization: <token>'" in message and "/oauth2/token" in message


@pytest.mark.parametrize(
    "header", ["Bearer nonsense", "nonsense", "Basic abc", "Bearer", "bearer x y", "a b c"]
)
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

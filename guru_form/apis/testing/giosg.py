"""A fake Giosg REST API that behaves as Giosg's quickstart says."""

from __future__ import annotations

import itertools
import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from guru_form.apis.testing._server import ASGIApp, FakeAPI

__all__ = ["FakeGiosg"]

_MAX_NAME = 32


class FakeGiosg(FakeAPI):
    """Giosg API on 127.0.0.1, for tests and offline examples.

    Serves ``/api/v5/users/me``, ``/api/v5/users/{id}`` (GET, PUT, PATCH) and
    ``/api/v6/orgs/{org}/teams`` (list, create) and ``.../teams/{id}`` (GET, PATCH, DELETE -> 204).
    Authentication is ``Authorization: Token <token>`` or ``Bearer <access_token>``. Collections
    come in pages ``{"next", "previous", "results"}`` whose sizes follow ``page_sizes`` in turn;
    bad fields get a 400 naming each field.

    Parameters
    ----------
    token
        The API token (``Token`` scheme).
    access_token
        The OAuth2 access token (``Bearer`` scheme).
    teams
        How many teams the organisation starts with.
    page_sizes
        Sizes of successive pages, repeated as needed (Giosg's pages vary).
    """

    def __init__(
        self,
        *,
        token: str = "giosg-api-token-5e7a2b90",
        access_token: str = "giosg-oauth-access-1d4f8c36",
        teams: int = 11,
        page_sizes: tuple[int, ...] = (4, 2, 5),
    ) -> None:
        super().__init__()
        if not page_sizes or min(page_sizes) < 1:
            raise ValueError("page_sizes must be positive")
        self._options: dict[str, Any] = {
            "token": token,
            "access_token": access_token,
            "teams": teams,
            "page_sizes": page_sizes,
        }
        self.reset()

    def reset(self) -> None:
        """Back to the options and data it was created with, and an empty request log."""
        super().reset()
        o = self._options
        self.token: str = o["token"]
        self.access_token: str = o["access_token"]
        self.page_sizes: tuple[int, ...] = o["page_sizes"]
        self.organization_id = "0b4c7d5e-org"
        self.user = {
            "id": "6a1e3f27-user",
            "first_name": "Riley",
            "last_name": "Coach",
            "email": "coach@example.com",
            "organization_id": self.organization_id,
            "organization": {"id": self.organization_id, "name": "Northside Strength"},
        }
        self._ids = itertools.count(1)
        self.teams = [self._team(f"Squad {n + 1}") for n in range(o["teams"])]

    def _team(self, name: str, settings: dict[str, Any] | None = None) -> dict[str, Any]:
        number = next(self._ids)
        return {
            "id": f"team-{number:03d}",
            "name": name,
            "organization_id": self.organization_id,
            "settings": {"max_members": 20, "is_default": number == 1, **(settings or {})},
            "created_at": f"2024-03-{number % 28 + 1:02d}T08:00:00Z",
        }

    # -- app -------------------------------------------------------------------------------------

    def build_app(self) -> ASGIApp:
        """The Starlette app."""
        return Starlette(
            routes=[
                Route("/api/v5/users/me", self._me, methods=["GET"]),
                Route("/api/v5/users/{user_id}", self._user, methods=["GET", "PUT", "PATCH"]),
                Route("/api/v6/orgs/{org_id}/teams", self._teams, methods=["GET", "POST"]),
                Route(
                    "/api/v6/orgs/{org_id}/teams/{team_id}",
                    self._team_view,
                    methods=["GET", "PATCH", "DELETE"],
                ),
            ]
        )

    def _refusal(self, request: Request) -> Response | None:
        header = request.headers.get("authorization")
        if not header:
            return _detail("Authentication credentials were not provided.", 401)
        scheme, _, value = header.partition(" ")
        valid = (scheme == "Token" and value == self.token) or (
            scheme == "Bearer" and value == self.access_token
        )
        return None if valid else _detail("Invalid token.", 401)

    def _org_refusal(self, request: Request) -> Response | None:
        refusal = self._refusal(request)
        if refusal is None and request.path_params["org_id"] != self.organization_id:
            return _detail("You do not have permission to perform this action.", 403)
        return refusal

    async def _me(self, request: Request) -> Response:
        return self._refusal(request) or JSONResponse(self.user)

    async def _user(self, request: Request) -> Response:
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        if request.path_params["user_id"] != self.user["id"]:
            return _detail("Not found.", 404)
        if request.method == "GET":
            return JSONResponse(self.user)
        body = await _json_body(request)
        if body is None:
            return _detail("JSON parse error.", 400)
        errors = _name_errors(body, ("first_name", "last_name"), required=request.method == "PUT")
        if errors:
            return JSONResponse(errors, status_code=400)
        self.user.update({k: body[k] for k in ("first_name", "last_name") if k in body})
        return JSONResponse(self.user)

    async def _teams(self, request: Request) -> Response:
        refusal = self._org_refusal(request)
        if refusal is not None:
            return refusal
        if request.method == "POST":
            return await self._create_team(request)
        return self._page(request)

    async def _create_team(self, request: Request) -> Response:
        body = await _json_body(request)
        if body is None:
            return _detail("JSON parse error.", 400)
        errors = _name_errors(body, ("name",), required=True)
        settings = body.get("settings") or {}
        max_members = settings.get("max_members", 20)
        if not isinstance(max_members, int) or not 1 <= max_members <= 50:
            errors["settings"] = {"max_members": ["Ensure this value is between 1 and 50."]}
        if errors:
            return JSONResponse(errors, status_code=400)
        team = self._team(body["name"], settings)
        self.teams.append(team)
        return JSONResponse(team, status_code=201)

    def _page(self, request: Request) -> Response:
        starts = [0]
        for size in itertools.cycle(self.page_sizes):
            if starts[-1] >= len(self.teams):
                break
            starts.append(starts[-1] + size)
        last = max(0, len(starts) - 2)
        cursor = request.query_params.get("cursor", "c0")
        try:
            index = int(cursor.removeprefix("c"))
        except ValueError:
            return _detail("Invalid cursor", 404)
        if not 0 <= index <= last:
            return _detail("Invalid cursor", 404)
        results = self.teams[starts[index] : starts[index + 1]] if len(starts) > 1 else []

        def link(i: int) -> str:
            return str(request.url.include_query_params(cursor=f"c{i}"))

        return JSONResponse(
            {
                "next": link(index + 1) if index < last else None,
                "previous": link(index - 1) if index > 0 else None,
                "results": results,
            }
        )

    async def _team_view(self, request: Request) -> Response:
        refusal = self._org_refusal(request)
        if refusal is not None:
            return refusal
        team = next((t for t in self.teams if t["id"] == request.path_params["team_id"]), None)
        if team is None:
            return _detail("Not found.", 404)
        if request.method == "DELETE":
            self.teams.remove(team)
            return Response(status_code=204)
        if request.method == "PATCH":
            body = await _json_body(request)
            if body is None:
                return _detail("JSON parse error.", 400)
            errors = _name_errors(body, ("name",), required=False)
            if errors:
                return JSONResponse(errors, status_code=400)
            team.update({k: body[k] for k in ("name",) if k in body})
        return JSONResponse(team)


def _detail(text: str, status: int) -> Response:
    return JSONResponse({"detail": text}, status_code=status)


async def _json_body(request: Request) -> dict[str, Any] | None:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _name_errors(
    body: dict[str, Any], fields: tuple[str, ...], *, required: bool
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for name in fields:
        value = body.get(name)
        if value is None:
            if required:
                errors[name] = ["This field is required."]
            continue
        if not isinstance(value, str) or not value.strip():
            errors[name] = ["This field may not be blank."]
        elif len(value) > _MAX_NAME:
            errors[name] = [f"Ensure this field has no more than {_MAX_NAME} characters."]
    return errors

"""Giosg REST API (``https://service.giosg.com``): users, teams, and any other endpoint.

Provider quirks handled here and nowhere else:

- ``Authorization: Token <api token>`` for API tokens, ``Bearer <access token>`` for OAuth2.
- Collections come as pages ``{"next": url, "previous": url, "results": [...]}``, of varying size;
  ``next`` is null on the last page and ``previous`` on the first, so a listing can be walked in
  either direction.
- A 400 answer names the fields at fault: ``{"first_name": ["Ensure this field has ..."]}``
  (nested objects and lists of objects nest the same way); a DELETE answers 204 with no body.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

import httpx

from guru_form._http import safe_url
from guru_form._http.errors import decode_body, request_id
from guru_form.apis._core import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    BaseAPIClient,
    Page,
    Params,
    require_path,
)
from guru_form.apis._credentials import HeaderCredentials
from guru_form.errors import APIError, InvalidInputError, ValidationError

__all__ = ["GiosgClient"]

_SCHEMES = {"token": "Token", "bearer": "Bearer"}


class GiosgClient(BaseAPIClient):
    """Client for the Giosg REST API.

    Parameters
    ----------
    token
        A Giosg API token (``kind="token"``) or an OAuth2 access token (``kind="bearer"``), without
        the ``Token``/``Bearer`` word.
    kind
        ``"token"`` sends ``Authorization: Token ...``; ``"bearer"`` sends ``Bearer ...``.
    base_url
        API root; paths such as ``"/api/v5/users/me"`` are relative to it.
    timeout
        Seconds before a request is abandoned (None: wait forever).
    max_retries
        Retries after failures that may pass; POST and PATCH are not repeated once they may have
        reached the server.

    Examples
    --------
    With your account it is ``GiosgClient(api_token)``; here, offline, the local fake of
    :mod:`guru_form.apis.testing`:

    >>> from guru_form.apis.testing import FakeGiosg
    >>> with FakeGiosg() as fake, GiosgClient(fake.token, base_url=fake.url) as giosg:
    ...     org = giosg.me()["organization_id"]
    ...     teams = giosg.to_frame(giosg.paginate(f"/api/v6/orgs/{org}/teams"))
    >>> len(teams), teams.loc[0, "name"], teams.loc[0, "settings.max_members"]
    (11, 'Squad 1', 20)
    """

    provider = "Giosg"
    DEFAULT_BASE_URL = "https://service.giosg.com"

    def __init__(
        self,
        token: str,
        *,
        kind: Literal["token", "bearer"] = "token",
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
    ) -> None:
        if kind not in _SCHEMES:
            raise InvalidInputError(
                f"kind must be 'token' (Giosg API token) or 'bearer' (OAuth2 access token), "
                f"got {kind!r}"
            )
        if not isinstance(token, str) or not token.strip():
            raise InvalidInputError(
                "token must be a Giosg API token (Settings -> Company -> API tokens) or an OAuth2 "
                "access token"
            )
        if token.split(" ", 1)[0].lower() in ("token", "bearer"):
            raise InvalidInputError(
                "pass the token without its 'Token '/'Bearer ' word; choose it with kind="
            )
        self.kind = kind
        super().__init__(base_url, None, timeout=timeout, max_retries=max_retries)
        # Built after the base class has checked and normalised base_url, whose origin it is for.
        self._credentials = HeaderCredentials(
            _SCHEMES[kind], token, origin=self.base_url, secrets=(token,)
        )

    def _repr_fields(self) -> dict[str, Any]:
        return {"base_url": self.base_url, "kind": self.kind, "token": "***"}

    # -- calls -----------------------------------------------------------------------------------

    def me(self) -> dict[str, Any]:
        """The user the token belongs to (``GET /api/v5/users/me``)."""
        user: dict[str, Any] = self.get("/api/v5/users/me")
        return user

    def get(self, path: str, params: Params | None = None) -> Any:
        """GET ``path``; the decoded JSON body."""
        return self._decode(self._request("GET", require_path(path), params=params))

    def post(self, path: str, json: Any = None) -> Any:
        """POST a JSON body (creates a resource); the created resource."""
        return self._decode(self._request("POST", require_path(path), json=json))

    def put(self, path: str, json: Any = None) -> Any:
        """PUT a full JSON representation; the updated resource."""
        return self._decode(self._request("PUT", require_path(path), json=json))

    def patch(self, path: str, json: Any = None) -> Any:
        """PATCH some fields (where the endpoint allows it); the updated resource."""
        return self._decode(self._request("PATCH", require_path(path), json=json))

    def delete(self, path: str) -> Any:
        """DELETE one resource; None on Giosg's 204 No Content."""
        return self._decode(self._request("DELETE", require_path(path)))

    # -- listings --------------------------------------------------------------------------------

    def pages(
        self, path: str, params: Params | None = None, *, backwards: bool = False
    ) -> Iterator[Page]:
        """Lazily fetch the pages of a collection, following ``next`` (or ``previous``).

        Parameters
        ----------
        path
            The collection's path, or a page URL taken from a page's ``next``/``previous``.
        params
            Query parameters of the first request (later pages carry their own).
        backwards
            Follow ``previous`` links instead, starting from ``path``.
        """
        return self._iter_pages(require_path(path), params, _page_from, backwards=backwards)

    def paginate(
        self, path: str, params: Params | None = None, *, backwards: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Every item of a collection, fetched page by page as you iterate.

        With ``backwards=True`` the walk starts at ``path`` (usually a page's ``previous`` URL)
        and follows ``previous`` links; items then come in exactly the reverse of the forward
        order (each page's items are reversed too).

        Examples
        --------
        ``giosg`` and ``org`` as in the class's example (the fake's 11 teams, in pages of 4, 2
        and 5):

        >>> pages = list(giosg.pages(f"/api/v6/orgs/{org}/teams"))
        >>> [len(page.items) for page in pages]
        [4, 2, 5]
        >>> len(list(giosg.paginate(pages[0].next)))  # from the second page on
        7
        >>> [team["name"] for team in giosg.paginate(pages[1].previous, backwards=True)]
        ['Squad 4', 'Squad 3', 'Squad 2', 'Squad 1']
        """
        pages = self.pages(path, params, backwards=backwards)
        if backwards:
            return (item for page in pages for item in reversed(page.items))
        return (item for page in pages for item in page.items)

    # -- provider quirks -------------------------------------------------------------------------

    def _error_for_response(self, response: httpx.Response) -> APIError:
        body = decode_body(response)
        if response.status_code == 400:
            fields = field_errors(body)
            if fields:
                detail = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in fields.items())
                return ValidationError(
                    f"Giosg rejected the request: {detail} (fix these fields and send again)",
                    field_errors=fields,
                    status_code=400,
                    body=body,
                    request_id=request_id(response),
                    method=response.request.method,
                    url=safe_url(response.request.url),
                )
        if response.status_code == 401:
            said = body.get("detail") if isinstance(body, dict) else None
            said_text = f" (Giosg said: {said})" if isinstance(said, str) and said else ""
            error = super()._error_for_response(response)
            error.message = (
                f"Giosg did not accept the token{said_text}; check it, and use kind='token' for "
                "an API token or kind='bearer' for an OAuth2 access token. A token stops working "
                "when the user who created it is deleted."
            )
            error.args = (error.message,)
            return error
        return super()._error_for_response(response)


def field_errors(body: Any) -> dict[str, list[str]]:
    """Giosg's per-field messages, nested paths joined with dots (``members[0].name``).

    Examples
    --------
    >>> field_errors({"first_name": ["Too long."], "address": {"city": ["Required."]}})
    {'first_name': ['Too long.'], 'address.city': ['Required.']}
    """
    out: dict[str, list[str]] = {}
    if not isinstance(body, dict) or set(body) <= {"detail"}:
        return out

    def walk(value: Any, path: str) -> None:
        if isinstance(value, str):
            out.setdefault(path, []).append(value)
        elif isinstance(value, list):
            for position, entry in enumerate(value):
                walk(entry, f"{path}[{position}]" if isinstance(entry, (dict, list)) else path)
        elif isinstance(value, dict):
            for key, entry in value.items():
                walk(entry, f"{path}.{key}" if path else str(key))

    walk(body, "")
    return out


def _page_from(response: httpx.Response) -> Page:
    body = decode_body(response)
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        return Page(
            items=body["results"],
            url=str(response.request.url),
            next=_absolute(response, body.get("next")),
            previous=_absolute(response, body.get("previous")),
            raw=body,
        )
    if isinstance(body, list):
        return Page(items=body, url=str(response.request.url), raw=body)
    if isinstance(body, dict):
        return Page(items=[body], url=str(response.request.url), raw=body)
    if body is None:
        return Page(items=[], url=str(response.request.url))
    raise APIError(
        "Giosg answered a listing with something that is not JSON; check base_url and the path",
        status_code=response.status_code,
        body=body,
        method=response.request.method,
        url=safe_url(response.request.url),
    )


def _absolute(response: httpx.Response, link: Any) -> str | None:
    if not isinstance(link, str) or not link:
        return None
    return str(response.request.url.join(link))

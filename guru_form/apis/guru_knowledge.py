"""Guru knowledge base API (``https://api.getguru.com/api/v1``): cards, collections, search.

Provider quirks handled here and nowhere else:

- HTTP Basic auth. With a *user token* the username is the Guru username and the password the API
  token (never the web password); it can read and write. With a *collection token* the username is
  the collection id; it can only read, so this client refuses writes through it before sending.
- Listings return at most 50 items; the next page's URL is in a ``Link`` header with
  ``rel="next-page"`` (``rel="next"`` is accepted too, as are spaces inside the angle brackets).
  A listing may end with an empty page.
- 401 means the username/token pair is wrong; 403 on the Analytics API means the user is not an
  admin.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from guru_form._http import error_for_response, safe_url
from guru_form.apis._core import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    BaseAPIClient,
    Page,
    Params,
    require_path,
    require_text,
)
from guru_form.apis._credentials import HeaderCredentials
from guru_form.errors import APIError, InvalidInputError, ReadOnlyCredentialsError

__all__ = ["GuruKnowledgeClient"]

NEXT_RELS = ("next-page", "next")
PREVIOUS_RELS = ("prev-page", "previous-page", "prev", "previous")
_SORT_ORDERS = ("asc", "desc")


class GuruKnowledgeClient(BaseAPIClient):
    """Client for the Guru knowledge base API.

    Parameters
    ----------
    username
        Your Guru username (the email you sign in with).
    token
        Your API user token (Apps & Integrations -> API Access), not your web password.
    base_url
        API root; paths passed to the methods are relative to it.
    timeout
        Seconds before a request is abandoned (None: wait forever).
    max_retries
        Retries after failures that may pass (dropped connections, 429, 5xx); writes that may have
        reached the server are not repeated.
    read_only
        Refuse writes locally (set for collection tokens by :meth:`for_collection`).

    Examples
    --------
    With your account it is ``GuruKnowledgeClient("coach@example.com", token)``; here, offline,
    the local fake of :mod:`guru_form.apis.testing`:

    >>> from guru_form.apis.testing import FakeGuruKnowledge
    >>> with (
    ...     FakeGuruKnowledge() as fake,
    ...     GuruKnowledgeClient(fake.username, fake.token, base_url=fake.base_url) as guru,
    ... ):
    ...     cards = guru.to_frame(guru.search_cards("squat depth"))
    >>> len(cards), cards.loc[0, "preferredPhrase"], cards.loc[0, "collection.name"]
    (20, 'Squat depth cue #0', 'Squat coaching')
    """

    provider = "Guru"
    DEFAULT_BASE_URL = "https://api.getguru.com/api/v1"

    def __init__(
        self,
        username: str,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        read_only: bool = False,
    ) -> None:
        require_text("username", username)
        if not isinstance(token, str) or not token.strip():
            raise InvalidInputError(
                "token must be your Guru API token (Apps & Integrations -> API Access)"
            )
        self.username = username
        self.read_only = read_only
        self._credential_kind = "user"
        super().__init__(base_url, None, timeout=timeout, max_retries=max_retries)
        # Built after the base class has checked and normalised base_url, whose origin it is for.
        self._credentials = HeaderCredentials.basic(username, token, origin=self.base_url)

    @classmethod
    def for_collection(
        cls,
        collection_id: str,
        collection_token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
    ) -> GuruKnowledgeClient:
        """A read-only client for one collection (username: collection id, password: its token).

        Any write (``post``, ``put``, ``delete``) through it raises
        :class:`~guru_form.errors.ReadOnlyCredentialsError` without sending anything.

        Parameters
        ----------
        collection_id
            The collection's id (list the team's collections with a user token to find it).
        collection_token
            The collection's read-only token (Apps & Integrations -> API Access -> Generate a
            New Collection Token).
        base_url, timeout, max_retries
            As for :class:`GuruKnowledgeClient`.
        """
        require_text("collection_id", collection_id)
        if not isinstance(collection_token, str) or not collection_token.strip():
            raise InvalidInputError(
                "collection_token must be the collection's read-only token (Apps & Integrations "
                "-> API Access -> Generate a New Collection Token), given with that collection's "
                "id; for a user token use GuruKnowledgeClient(username, token)"
            )
        client = cls(
            collection_id,
            collection_token,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            read_only=True,
        )
        client._credential_kind = "collection"
        return client

    def _repr_fields(self) -> dict[str, Any]:
        name = "collection_id" if self._credential_kind == "collection" else "username"
        return {
            "base_url": self.base_url,
            name: self.username,
            "token": "***",
            "read_only": self.read_only,
        }

    # -- generic calls ---------------------------------------------------------------------------

    def get(self, path: str, params: Params | None = None) -> Any:
        """GET ``path`` (relative to ``base_url``); the decoded JSON body."""
        return self._decode(self._request("GET", require_path(path), params=params))

    def post(self, path: str, json: Any = None, params: Params | None = None) -> Any:
        """POST a JSON body; the decoded answer. Refused locally for read-only credentials."""
        self._ensure_writable("POST", path)
        return self._decode(self._request("POST", require_path(path), params=params, json=json))

    def put(self, path: str, json: Any = None, params: Params | None = None) -> Any:
        """PUT a JSON body; the decoded answer. Refused locally for read-only credentials."""
        self._ensure_writable("PUT", path)
        return self._decode(self._request("PUT", require_path(path), params=params, json=json))

    def delete(self, path: str, params: Params | None = None) -> Any:
        """DELETE ``path``; None for an empty (204) answer. Refused for read-only credentials."""
        self._ensure_writable("DELETE", path)
        return self._decode(self._request("DELETE", require_path(path), params=params))

    # -- listings --------------------------------------------------------------------------------

    def pages(self, path: str, params: Params | None = None) -> Iterator[Page]:
        """Lazily fetch the pages of a listing, following its ``Link: rel="next-page"`` header."""
        return self._iter_pages(require_path(path), params, _page_from)

    def paginate(self, path: str, params: Params | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a listing, across pages, fetched lazily as you iterate.

        Examples
        --------
        ``guru`` as in the class's example (the fake's 120 cards, 50 a page):

        >>> phrases = [card["preferredPhrase"] for card in guru.paginate("/search/query")]
        >>> len(phrases), phrases[-1]
        (120, 'Bar path #119')
        """
        pages = self.pages(path, params)
        return (item for page in pages for item in page.items)

    def search_cards(
        self,
        query: str | None = None,
        *,
        q: str | None = None,
        show_archived: bool | None = None,
        sort_field: str | None = None,
        sort_order: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Cards matching a search, across pages (``GET /search/query``).

        Parameters
        ----------
        query
            Search terms (``searchTerms``); None lists every card you can see.
        q
            A Guru Query Language filter, e.g. ``'verificationState = "NEEDS_VERIFICATION"'``.
        show_archived
            Include archived cards.
        sort_field, sort_order
            Server-side sort, e.g. ``"lastModified"`` and ``"desc"``.
        """
        if sort_order is not None and sort_order not in _SORT_ORDERS:
            raise InvalidInputError(f"sort_order must be 'asc' or 'desc', got {sort_order!r}")
        params = {
            "searchTerms": query,
            "q": q,
            "showArchived": show_archived,
            "sortField": sort_field,
            "sortOrder": sort_order,
        }
        return self.paginate("/search/query", params)

    def collections(self) -> Iterator[dict[str, Any]]:
        """The collections these credentials can see, across pages (``GET /collections``)."""
        return self.paginate("/collections")

    # -- provider quirks -------------------------------------------------------------------------

    def _ensure_writable(self, method: str, path: str) -> None:
        if self.read_only:
            kind = (
                "a collection token" if self._credential_kind == "collection" else "read_only=True"
            )
            raise ReadOnlyCredentialsError(
                f"{method} {path} was not sent: this GuruKnowledgeClient uses {kind}, which can "
                "only read. Create GuruKnowledgeClient(username, user_token) with a user token "
                "to write."
            )

    def _error_for_response(self, response: httpx.Response) -> APIError:
        status = response.status_code
        said = _server_message(response)
        if status == 401:
            if self._credential_kind == "collection":
                pair = (
                    "check the collection id/collection token pair: the username is the "
                    "collection id and the password is its collection token"
                )
            else:
                pair = (
                    "check the username/token pair: the password is your API user token "
                    "(Apps & Integrations -> API Access), not your Guru web password"
                )
            return error_for_response(
                response,
                message=f"Guru did not accept the credentials{said}; {pair}. Tokens can be "
                "revoked by an admin: reissue one if needed.",
            )
        if status == 403 and "/analytics" in response.request.url.path:
            return error_for_response(
                response,
                message=f"the Guru Analytics API needs an admin's user token{said}; ask a Guru "
                "admin to make the call or to generate a token for you",
            )
        if status == 403 and self._credential_kind == "collection":
            return error_for_response(
                response,
                message=f"Guru refused this for the collection token{said}; a collection token "
                "only reads its own collection: use a user token for anything else",
            )
        return super()._error_for_response(response)


def _page_from(response: httpx.Response) -> Page:
    body = BaseAPIClient._decode(response)
    if body is None:
        items: list[dict[str, Any]] = []
    elif isinstance(body, list):
        items = body
    elif isinstance(body, dict):
        items = [body]
    else:
        raise APIError(
            "Guru answered a listing with something that is not JSON; check base_url",
            status_code=response.status_code,
            body=body,
            method=response.request.method,
            url=safe_url(response.request.url),
        )
    return Page(
        items=items,
        url=str(response.request.url),
        next=_link(response, NEXT_RELS),
        previous=_link(response, PREVIOUS_RELS),
        raw=body,
    )


def _link(response: httpx.Response, rels: tuple[str, ...]) -> str | None:
    """The absolute URL of the first ``Link`` whose rel is one of ``rels`` (in their order)."""
    by_rel: dict[str, str] = {}
    for link in response.links.values():
        url = (link.get("url") or "").strip()
        if not url:
            continue
        for rel in (link.get("rel") or "").lower().split():
            by_rel.setdefault(rel, url)
    for rel in rels:
        if rel in by_rel:
            return str(response.request.url.join(by_rel[rel]))
    return None


def _server_message(response: httpx.Response) -> str:
    body = BaseAPIClient._decode(response)
    text = None
    if isinstance(body, dict):
        for key in ("description", "message", "error"):
            if isinstance(body.get(key), str) and body[key]:
                text = body[key]
                break
    return f" (Guru said: {text})" if text else ""

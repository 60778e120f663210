"""A fake Guru knowledge base API that behaves as Guru's API documentation says."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from guru_form.apis.testing._server import ASGIApp, FakeAPI

__all__ = ["FakeGuruKnowledge"]

_TOPICS = [
    ("Squat depth cue", "Hip crease below the top of the knee; film from the side at hip height."),
    ("Knees over toes", "Let the knees travel forward on a squat while the heels stay down."),
    ("Deadlift lockout", "Finish tall: hips through, ribs down, no lean back at the top."),
    ("Bench arch", "Shoulder blades pinned, feet planted, bar to the lower chest."),
    ("Push-up plank", "A straight line from heel to head, elbows about 45 degrees out."),
    ("Bar path", "Keep the bar over mid-foot for squats and deadlifts."),
]


class FakeGuruKnowledge(FakeAPI):
    """Guru knowledge base API on 127.0.0.1, for tests and offline examples.

    It serves ``/api/v1`` (so ``base_url`` is :attr:`base_url`) with HTTP Basic authentication
    for one user token (read and write) and one collection token (read-only, one collection), at
    most ``page_size`` items per answer and the next page in a ``Link`` header.

    Parameters
    ----------
    username, token
        The user's credentials.
    collection_id, collection_token
        The read-only collection credentials; the collection token sees only this collection.
    admin
        Whether the user may read the Analytics API (non-admins get 403).
    cards
        How many cards to make (spread over two collections).
    page_size
        Items per page (Guru's cap is 50).
    next_rel
        The ``rel`` of the next-page link: ``"next-page"`` (Guru) or ``"next"``.
    spaces_in_link
        Write the link as ``< url >`` with spaces inside the angle brackets.
    empty_last_page
        Link the last full page to one more page that is empty.

    Examples
    --------
    >>> from guru_form.apis import GuruKnowledgeClient
    >>> with FakeGuruKnowledge(cards=60) as fake:
    ...     with GuruKnowledgeClient(fake.username, fake.token, base_url=fake.base_url) as guru:
    ...         cards = list(guru.search_cards())
    ...     len(cards), len(fake.requests)  # 50 cards a page
    (60, 2)
    """

    def __init__(
        self,
        *,
        username: str = "coach@example.com",
        token: str = "guru-user-token-3f1c9a7e",
        collection_id: str = "col-squat",
        collection_token: str = "guru-collection-token-8b2d4c6f",
        admin: bool = False,
        cards: int = 120,
        page_size: int = 50,
        next_rel: str = "next-page",
        spaces_in_link: bool = False,
        empty_last_page: bool = False,
    ) -> None:
        super().__init__()
        self._options: dict[str, Any] = {
            "username": username,
            "token": token,
            "collection_id": collection_id,
            "collection_token": collection_token,
            "admin": admin,
            "cards": cards,
            "page_size": page_size,
            "next_rel": next_rel,
            "spaces_in_link": spaces_in_link,
            "empty_last_page": empty_last_page,
        }
        self.reset()

    def reset(self) -> None:
        """Back to the options and data it was created with, and an empty request log."""
        super().reset()
        o = self._options
        self.username: str = o["username"]
        self.token: str = o["token"]
        self.collection_id: str = o["collection_id"]
        self.collection_token: str = o["collection_token"]
        self.admin: bool = o["admin"]
        self.page_size: int = o["page_size"]
        self.next_rel: str = o["next_rel"]
        self.spaces_in_link: bool = o["spaces_in_link"]
        self.empty_last_page: bool = o["empty_last_page"]
        self.collections = [
            {"id": self.collection_id, "name": "Squat coaching", "collectionType": "INTERNAL"},
            {"id": "col-pull", "name": "Pulling and pressing", "collectionType": "INTERNAL"},
        ]
        self.cards = [self._card(i) for i in range(o["cards"])]

    @property
    def base_url(self) -> str:
        """The ``base_url`` to give the client (the server's ``/api/v1``)."""
        return f"{self.url}/api/v1"

    def _card(self, i: int) -> dict[str, Any]:
        title, content = _TOPICS[i % len(_TOPICS)]
        collection = self.collections[i % 2]
        return {
            "id": f"card-{i:04d}",
            "preferredPhrase": f"{title} #{i}",
            "content": f"<p>{content}</p>",
            "collection": {"id": collection["id"], "name": collection["name"]},
            "owner": {"email": self.username, "firstName": "Riley", "lastName": "Coach"},
            "verificationState": "TRUSTED" if i % 3 else "NEEDS_VERIFICATION",
            "tags": [{"value": title.split()[0].lower()}],
            "lastModified": f"2024-0{1 + i % 9}-1{i % 10}T09:00:00Z",
        }

    # -- app -------------------------------------------------------------------------------------

    def build_app(self) -> ASGIApp:
        """The Starlette app."""
        return Starlette(
            routes=[
                Route("/api/v1/search/query", self._search, methods=["GET"]),
                Route("/api/v1/collections", self._collections, methods=["GET"]),
                Route("/api/v1/cards/extended", self._create_card, methods=["POST"]),
                Route("/api/v1/cards/{card_id}", self._card_view, methods=["GET", "DELETE"]),
                Route("/api/v1/cards/{card_id}/extended", self._update_card, methods=["PUT"]),
                Route("/api/v1/analytics/{rest:path}", self._analytics, methods=["GET"]),
            ]
        )

    def _who(self, request: Request) -> str | None:
        """``"user"``, ``"collection"`` or None (not authenticated)."""
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            username, _, password = base64.b64decode(value).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        if (username, password) == (self.username, self.token):
            return "user"
        if (username, password) == (self.collection_id, self.collection_token):
            return "collection"
        return None

    def _visible(self, who: str) -> list[dict[str, Any]]:
        if who == "collection":
            return [c for c in self.cards if c["collection"]["id"] == self.collection_id]
        return self.cards

    async def _search(self, request: Request) -> Response:
        who = self._who(request)
        if who is None:
            return _unauthorized()
        terms = request.query_params.get("searchTerms", "").lower()
        found = [
            c
            for c in self._visible(who)
            if terms in c["preferredPhrase"].lower() or terms in c["content"].lower()
        ]
        return self._page(request, found)

    async def _collections(self, request: Request) -> Response:
        who = self._who(request)
        if who is None:
            return _unauthorized()
        shown = self.collections
        if who == "collection":
            shown = [c for c in shown if c["id"] == self.collection_id]
        return self._page(request, shown)

    def _page(self, request: Request, items: list[dict[str, Any]]) -> Response:
        try:
            offset = max(0, int(request.query_params.get("cursor", "0")))
        except ValueError:
            return JSONResponse({"description": "Bad cursor"}, status_code=400)
        chunk = items[offset : offset + self.page_size]
        headers = {}
        more = offset + self.page_size < len(items)
        if more or (self.empty_last_page and chunk):
            link = str(request.url.include_query_params(cursor=offset + self.page_size))
            target = f"< {link} >" if self.spaces_in_link else f"<{link}>"
            headers["Link"] = f'{target}; rel="{self.next_rel}"'
        return JSONResponse(chunk, headers=headers)

    async def _card_view(self, request: Request) -> Response:
        who = self._who(request)
        if who is None:
            return _unauthorized()
        card = next(
            (c for c in self._visible(who) if c["id"] == request.path_params["card_id"]), None
        )
        if card is None:
            return JSONResponse({"description": "Card not found"}, status_code=404)
        if request.method == "DELETE":
            if who != "user":
                return _read_only()
            self.cards.remove(card)
            return Response(status_code=204)
        return JSONResponse(card)

    async def _create_card(self, request: Request) -> Response:
        who = self._who(request)
        if who is None:
            return _unauthorized()
        if who != "user":
            return _read_only()
        body = await request.json()
        if not body.get("preferredPhrase"):
            return JSONResponse({"description": "preferredPhrase is required"}, status_code=400)
        card = self._card(len(self.cards))
        card.update({k: v for k, v in body.items() if k in ("preferredPhrase", "content")})
        self.cards.append(card)
        return JSONResponse(card)

    async def _update_card(self, request: Request) -> Response:
        who = self._who(request)
        if who is None:
            return _unauthorized()
        if who != "user":
            return _read_only()
        card = next((c for c in self.cards if c["id"] == request.path_params["card_id"]), None)
        if card is None:
            return JSONResponse({"description": "Card not found"}, status_code=404)
        body = await request.json()
        card.update({k: v for k, v in body.items() if k in ("preferredPhrase", "content")})
        return JSONResponse(card)

    async def _analytics(self, request: Request) -> Response:
        who = self._who(request)
        if who is None:
            return _unauthorized()
        if who != "user" or not self.admin:
            return JSONResponse(
                {"description": "You must be an admin to access analytics"}, status_code=403
            )
        return JSONResponse([{"eventType": "card-viewed", "count": len(self.cards)}])


def _unauthorized() -> Response:
    return Response(status_code=401, headers={"WWW-Authenticate": 'Basic realm="Guru"'})


def _read_only() -> Response:
    return JSONResponse({"description": "Collection tokens are read-only"}, status_code=403)

"""A fake HelpSpot web service API that behaves as HelpSpot's API basics page says."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from guru_form.apis.testing._server import ASGIApp, FakeAPI

__all__ = ["FakeHelpSpot"]

Error = tuple[int, str]
_TITLES = [
    "Knee pain on deep squats",
    "Cannot upload bench press video",
    "Rep count looks wrong on deadlifts",
    "Invoice for the team plan",
    "Push-up analysis missing",
]


class _RefusalError(Exception):
    """A method's answer is a list of HelpSpot errors."""

    def __init__(self, *errors: Error) -> None:
        self.errors = list(errors)
        super().__init__(errors)


class FakeHelpSpot(FakeAPI):
    """HelpSpot's ``/api/index.php`` on 127.0.0.1, for tests and offline examples.

    Public methods: ``version``, ``request.getCategories``. Private methods (API key as
    ``Authorization: Bearer``, or staff email and password as HTTP Basic): ``private.version``,
    ``private.request.get``, ``private.request.search`` and ``private.filter.get`` (paged with
    ``start``/``length``), ``private.request.create`` and ``private.request.update`` (POST).
    Answers are XML unless ``output=json``; errors are ``<errors><error><id/><description/>``.

    Parameters
    ----------
    api_key
        The staff API key.
    users
        Staff ``{email: password}`` for Basic authentication.
    public_enabled, private_enabled
        A disabled API answers ``<reply>Public API not enabled</reply>`` (or Private).
    error_status
        HTTP status of error answers: 400 as documented, or 200 as some installations send.
    xml_errors
        Send errors as XML even when JSON was asked for.
    requests
        How many help desk requests to make.
    max_length
        The most items a listing page holds, whatever ``length`` asks for (some installations
        cap it); None: no cap.
    """

    def __init__(
        self,
        *,
        api_key: str = "1|hs-api-key-9c3e71d2",
        users: dict[str, str] | None = None,
        public_enabled: bool = True,
        private_enabled: bool = True,
        error_status: int = 400,
        xml_errors: bool = False,
        requests: int = 23,
        max_length: int | None = None,
    ) -> None:
        super().__init__()
        self._options: dict[str, Any] = {
            "api_key": api_key,
            "users": {"staff@example.com": "staff-password-4a8e"} if users is None else users,
            "public_enabled": public_enabled,
            "private_enabled": private_enabled,
            "error_status": error_status,
            "xml_errors": xml_errors,
            "requests": requests,
            "max_length": max_length,
        }
        self.reset()

    def reset(self) -> None:
        """Back to the options and data it was created with, and an empty request log."""
        super().reset()
        o = self._options
        self.api_key: str = o["api_key"]
        self.users: dict[str, str] = dict(o["users"])
        self.public_enabled: bool = o["public_enabled"]
        self.private_enabled: bool = o["private_enabled"]
        self.error_status: int = o["error_status"]
        self.xml_errors: bool = o["xml_errors"]
        self.max_length: int | None = o["max_length"]
        self.categories = [
            {"xCategory": "1", "sCategory": "Coaching"},
            {"xCategory": "2", "sCategory": "Billing"},
        ]
        self.help_requests = [self._request(i) for i in range(o["requests"])]
        self.filters: dict[str, Callable[[dict[str, Any]], bool]] = {
            "1": lambda r: r["fOpen"] == "1",
            "2": lambda r: r["xCategory"] == "2",
        }

    def _request(self, i: int, **fields: str) -> dict[str, Any]:
        record = {
            "xRequest": str(12400 + i),
            "fOpen": "1" if i % 3 else "0",
            "xCategory": "2" if i % 5 == 3 else "1",
            "xStatus": "1" if i % 3 else "2",
            "sTitle": _TITLES[i % len(_TITLES)],
            "sFirstName": f"Athlete{i}",
            "sLastName": "Lifter",
            "sEmail": f"athlete{i}@example.com",
            "dtGMTOpened": str(1_704_067_200 + i * 86_400),
            "tNote": f"Note {i}: {_TITLES[i % len(_TITLES)].lower()}.",
        }
        record.update(fields)
        return record

    # -- app -------------------------------------------------------------------------------------

    def build_app(self) -> ASGIApp:
        """The Starlette app."""
        return Starlette(routes=[Route("/api/index.php", self._api, methods=["GET", "POST"])])

    async def _api(self, request: Request) -> Response:
        params = dict(request.query_params)
        if request.method == "POST":
            form = await request.form()
            params.update({k: str(v) for k, v in form.items()})
        method = params.get("method", "")
        as_json = params.get("output") == "json"
        is_private = method.startswith("private.")
        if not (self.private_enabled if is_private else self.public_enabled):
            which = "Private" if is_private else "Public"
            return self._xml(f"<reply>{which} API not enabled</reply>", self.error_status)
        try:
            if is_private and not self._authenticated(request):
                raise _RefusalError((2, "User authentication failed"))
            root, value = self._dispatch(method, params)
        except _RefusalError as refusal:
            return self._errors(refusal.errors, as_json)
        if as_json:
            return Response(json.dumps(value), media_type="application/json")
        return self._xml(_to_xml(root, value), 200)

    def _authenticated(self, request: Request) -> bool:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme == "Bearer":
            return value == self.api_key
        if scheme == "Basic":
            try:
                user, _, password = base64.b64decode(value).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return False
            return user in self.users and self.users[user] == password
        return False

    def _dispatch(self, method: str, params: dict[str, str]) -> tuple[str, Any]:
        if method in ("version", "private.version"):
            return "results", {"version": "5.4.2", "min_version": "2.0.0"}
        if method == "request.getCategories":
            return "categories", _one_or_many("category", self.categories)
        if method == "private.request.get":
            return "request", self._find(_required(params, "xRequest"))
        if method == "private.request.search":
            return "requests", self._paged(self._search(params), params)
        if method == "private.filter.get":
            xfilter = _required(params, "xFilter")
            if xfilter not in self.filters:
                raise _RefusalError((201, f"Filter {xfilter} not found"))
            chosen = [r for r in self.help_requests if self.filters[xfilter](r)]
            return "filter", self._paged(chosen, params)
        if method == "private.request.create":
            return "request", {"xRequest": self._create(params)}
        if method == "private.request.update":
            record = self._find(_required(params, "xRequest"))
            record.update({k: v for k, v in params.items() if k in ("tNote", "fOpen", "xStatus")})
            return "request", {"xRequest": record["xRequest"]}
        raise _RefusalError((1, f"Method {method or '(none)'} does not exist"))

    def _find(self, xrequest: str) -> dict[str, Any]:
        for record in self.help_requests:
            if record["xRequest"] == xrequest:
                return record
        raise _RefusalError((104, f"Request {xrequest} not found"))

    def _search(self, params: dict[str, str]) -> list[dict[str, Any]]:
        found = self.help_requests
        text = params.get("sSearch", "").lower()
        if text:
            found = [r for r in found if text in r["sTitle"].lower() or text in r["tNote"].lower()]
        for name in ("sEmail", "sFirstName", "sLastName", "fOpen", "xCategory", "xStatus"):
            if params.get(name):
                found = [r for r in found if r[name] == params[name]]
        if params.get("afterDate"):
            found = [r for r in found if int(r["dtGMTOpened"]) > int(params["afterDate"])]
        if params.get("beforeDate"):
            found = [r for r in found if int(r["dtGMTOpened"]) < int(params["beforeDate"])]
        return found

    def _paged(self, items: list[dict[str, Any]], params: dict[str, str]) -> Any:
        start = int(params.get("start") or 0)
        length = int(params.get("length") or 100)
        if self.max_length is not None:
            length = min(length, self.max_length)
        return _one_or_many("request", items[start : start + length])

    def _create(self, params: dict[str, str]) -> str:
        errors: list[Error] = []
        if not params.get("tNote"):
            errors.append((101, "tNote - a note body is required"))
        if not params.get("xCategory"):
            errors.append((102, "xCategory - a category is required"))
        customer = ("sUserId", "sFirstName", "sLastName", "sPhone", "sEmail")
        if not any(params.get(name) for name in customer):
            errors.append(
                (103, "One of sUserId, sFirstName, sLastName, sPhone, sEmail is required")
            )
        if errors:
            raise _RefusalError(*errors)
        fields = {k: v for k, v in params.items() if k in ("tNote", "xCategory", *customer)}
        record = self._request(len(self.help_requests), fOpen="1", **fields)
        self.help_requests.append(record)
        return str(record["xRequest"])

    # -- answers ---------------------------------------------------------------------------------

    def _errors(self, errors: list[Error], as_json: bool) -> Response:
        if as_json and not self.xml_errors:
            entries = [{"id": str(i), "description": d} for i, d in errors]
            payload = {"error": entries[0] if len(entries) == 1 else entries}
            return Response(
                json.dumps(payload), status_code=self.error_status, media_type="application/json"
            )
        body = "".join(
            f"<error><id>{i}</id><description>{escape(d)}</description></error>" for i, d in errors
        )
        return self._xml(f"<errors>{body}</errors>", self.error_status)

    @staticmethod
    def _xml(body: str, status: int) -> Response:
        document = f'<?xml version="1.0" encoding="iso-8859-1"?>\n{body}'
        return Response(
            document.encode("iso-8859-1", "xmlcharrefreplace"),
            status_code=status,
            media_type="text/xml; charset=iso-8859-1",
        )


def _required(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise _RefusalError((3, f"{name} is required"))
    return value


def _one_or_many(tag: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """HelpSpot's JSON: a list of several items, one item as an object, none as an empty list."""
    return {tag: items[0] if len(items) == 1 else items}


def _to_xml(tag: str, value: Any) -> str:
    if isinstance(value, dict):
        inner = "".join(_to_xml(k, v) for k, v in value.items())
        return f"<{tag}>{inner}</{tag}>"
    if isinstance(value, list):
        return "".join(_to_xml(tag, v) for v in value)
    return f"<{tag}>{escape(str(value))}</{tag}>"

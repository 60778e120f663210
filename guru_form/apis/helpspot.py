"""HelpSpot web service API (``<your HelpSpot>/api/index.php?method=...``).

Provider quirks handled here and nowhere else:

- One endpoint; the call is named by the ``method`` query parameter, and ``output=json`` asks for
  JSON (XML is the default, and some answers come as XML whatever was asked).
- Methods starting with ``private.`` need credentials: an API key (``Authorization: Bearer``) or a
  staff member's username and password (HTTP Basic). Public methods need none, so none are sent.
  HelpSpot also accepts credentials as URL parameters; this client never does that.
- Errors come as ``<errors><error><id/><description/></error>...</errors>`` (or the JSON
  equivalent), one or several, normally with status 400 but sometimes with 200. A disabled API
  answers ``<reply>Private API not enabled</reply>`` (or ``Public``).
- Where a list is expected, a single item comes as an object; it is made a one-item list.
- Listings page with ``start`` (offset) and ``length`` (page size). A server may cap ``length``
  below what was asked and gives no total, so a short page is not taken as the last: the listing
  ends with an empty page.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import httpx

from guru_form._http import safe_url
from guru_form._http.errors import request_id
from guru_form.apis._core import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    BaseAPIClient,
    Page,
    require_text,
)
from guru_form.apis._credentials import HeaderCredentials
from guru_form.errors import (
    APIError,
    HelpSpotError,
    InvalidInputError,
    MissingCredentialsError,
)

__all__ = ["HelpSpotClient", "as_list"]

ENDPOINT = "/api/index.php"
#: A method whose last part starts with one of these changes data and is sent as a POST.
POST_ACTIONS = ("create", "update", "merge", "add", "delete", "mark", "set")
_METHOD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")
_DISABLED = {
    "private api not enabled": (
        "HelpSpot's private API is not enabled on this server; an administrator enables it in "
        "Admin -> Settings -> Web Services API"
    ),
    "public api not enabled": (
        "HelpSpot's public API is not enabled on this server; an administrator enables it in "
        "Admin -> Settings -> Web Services API"
    ),
}


class HelpSpotClient(BaseAPIClient):
    """Client for a HelpSpot installation's web service API.

    Parameters
    ----------
    base_url
        Your HelpSpot's address, e.g. ``"https://help.example.com"`` (``/api/index.php`` is
        added; giving it too is fine). HelpSpot is self-hosted, so there is no default.
    api_key
        A staff API key (sent as ``Authorization: Bearer``).
    username, password
        Or a staff member's email (or username) and password (HTTP Basic).
    timeout
        Seconds before a request is abandoned (None: wait forever).
    max_retries
        Retries after failures that may pass; POST methods (create, update, merge...) are not
        repeated once they may have reached the server.

    Examples
    --------
    With your installation it is ``HelpSpotClient("https://help.example.com", api_key=key)``;
    here, offline, the local fake of :mod:`guru_form.apis.testing`:

    >>> from guru_form.apis.testing import FakeHelpSpot
    >>> with FakeHelpSpot() as fake, HelpSpotClient(fake.url, api_key=fake.api_key) as hs:
    ...     open_requests = hs.to_frame(hs.search_requests(is_open=True))
    >>> len(open_requests), open_requests.loc[0, "sTitle"]
    (15, 'Cannot upload bench press video')
    """

    provider = "HelpSpot"

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        username: str | None = None,
        password: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
    ) -> None:
        if api_key is not None and (username is not None or password is not None):
            raise InvalidInputError(
                "give either api_key or username and password to HelpSpotClient, not both"
            )
        if (username is None) != (password is None):
            raise InvalidInputError(
                "HelpSpot Basic authentication needs both username and password"
            )
        if api_key is not None:
            require_text("api_key", api_key)
        if username is not None:
            require_text("username", username)
            if not isinstance(password, str) or not password:
                raise InvalidInputError("password must be a non-empty string")
        super().__init__(_strip_endpoint(base_url), None, timeout=timeout, max_retries=max_retries)
        self.username = username
        # Built after the base class has checked and normalised base_url, whose origin it is for.
        if api_key is not None:
            self._credentials = HeaderCredentials(
                "Bearer", api_key, origin=self.base_url, secrets=(api_key,)
            )
        elif username is not None and password is not None:
            self._credentials = HeaderCredentials.basic(username, password, origin=self.base_url)

    @property
    def has_credentials(self) -> bool:
        """True when private methods can be called."""
        return self._credentials is not None

    def _repr_fields(self) -> dict[str, Any]:
        fields = super()._repr_fields()
        if self.username is not None:
            fields["username"] = self.username
        return fields

    # -- calls -----------------------------------------------------------------------------------

    def call(self, method: str, **params: Any) -> Any:
        """Call one API method; its JSON answer as Python objects.

        Parameters
        ----------
        method
            The HelpSpot method, e.g. ``"private.request.get"`` or ``"request.getCategories"``.
            Methods that create, update or merge (see ``POST_ACTIONS``) are sent as a POST with the
            parameters as form fields; the others as a GET with them in the query string.
        **params
            The method's parameters. None is left out, ``True``/``False`` become ``1``/``0``,
            datetimes become Unix timestamps, lists are joined with commas.

        Raises
        ------
        MissingCredentialsError
            A private method on a client without credentials (nothing is sent).
        HelpSpotError
            HelpSpot answered with ``<error>`` elements (every ``(id, description)`` is in
            ``.errors``), or its API is not enabled.

        Examples
        --------
        ``hs`` as in the class's example:

        >>> hs.call("private.request.get", xRequest=12400)["sTitle"]
        'Knee pain on deep squats'
        """
        is_private = self._check_method(method)
        fields = _encode_params(params)
        query = {"method": method, "output": "json"}
        if _is_post(method):
            response = self._request(
                "POST", ENDPOINT, params=query, data=fields, authenticate=is_private
            )
        else:
            response = self._request(
                "GET", ENDPOINT, params={**query, **fields}, authenticate=is_private
            )
        return _body(response)

    def version(self) -> dict[str, Any]:
        """The API's current and minimum versions.

        Uses ``private.version`` when the client has credentials (it also checks them), else the
        public ``version`` method.
        """
        answer = self.call("private.version" if self.has_credentials else "version")
        return answer if isinstance(answer, dict) else {"version": answer}

    def get_request(self, request_id: int | str) -> dict[str, Any]:
        """One request (ticket) with its fields (``private.request.get``)."""
        xrequest = _positive_id("request_id", request_id)
        answer = self.call("private.request.get", xRequest=xrequest)
        if isinstance(answer, dict) and set(answer) == {"request"}:
            answer = answer["request"]
        if not isinstance(answer, dict):
            raise APIError(
                f"HelpSpot answered private.request.get for request {xrequest} without a request",
                status_code=200,
                body=answer,
            )
        return answer

    def search_requests(
        self,
        text: str | None = None,
        *,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        customer_id: str | None = None,
        is_open: bool | None = None,
        category: int | None = None,
        status: int | None = None,
        opened_after: _dt.datetime | None = None,
        opened_before: _dt.datetime | None = None,
        page_size: int = 100,
        **extra: Any,
    ) -> Iterator[dict[str, Any]]:
        """Requests matching a search, fetched page by page (``private.request.search``).

        Parameters
        ----------
        text
            Full-text search (``sSearch``).
        email, first_name, last_name, customer_id
            Customer fields (``sEmail``, ``sFirstName``, ``sLastName``, ``sUserId``).
        is_open
            Only open (True) or closed (False) requests (``fOpen``).
        category, status
            Category and status ids (``xCategory``, ``xStatus``).
        opened_after, opened_before
            Opened between these times (``afterDate``, ``beforeDate``); naive datetimes are
            taken as local time.
        page_size
            Requests per page (``length``).
        **extra
            Any other ``private.request.search`` parameter, passed as is.
        """
        criteria = {
            "sSearch": text,
            "sEmail": email,
            "sFirstName": first_name,
            "sLastName": last_name,
            "sUserId": customer_id,
            "fOpen": is_open,
            "xCategory": category,
            "xStatus": status,
            "afterDate": opened_after,
            "beforeDate": opened_before,
            **extra,
        }
        return self.paginate(
            "private.request.search", key="request", page_size=page_size, **criteria
        )

    def get_filter(self, filter_id: int | str, *, page_size: int = 100) -> Iterator[dict[str, Any]]:
        """The requests in a saved filter, fetched page by page (``private.filter.get``)."""
        xfilter = _positive_id("filter_id", filter_id)
        return self.paginate(
            "private.filter.get", key="request", page_size=page_size, xFilter=xfilter
        )

    # -- listings --------------------------------------------------------------------------------

    def pages(
        self,
        method: str,
        *,
        key: str | None = None,
        page_size: int = 100,
        start: int = 0,
        **params: Any,
    ) -> Iterator[Page]:
        """Lazily fetch a listing method's pages, moving ``start`` on by ``page_size``.

        Parameters
        ----------
        method
            A listing method that takes ``start`` and ``length``.
        key
            Where the items are in the answer (``"request"`` for requests); None takes the
            answer's only list.
        page_size
            Items per page asked for (``length``). The server may send fewer (some installations
            cap it), so pages go on until one comes back empty: the next ``start`` is the offset
            after the items received.
        start
            Offset of the first item.
        **params
            The method's other parameters.
        """
        is_private = self._check_method(method)
        if _is_post(method):
            raise InvalidInputError(f"{method} changes data; it cannot be paginated")
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise InvalidInputError(f"page_size must be an integer >= 1, got {page_size!r}")
        if isinstance(start, bool) or not isinstance(start, int) or start < 0:
            raise InvalidInputError(f"start must be an integer >= 0, got {start!r}")
        query = {
            "method": method,
            "output": "json",
            **_encode_params(params),
            "start": str(start),
            "length": str(page_size),
        }

        previous_items: list[dict[str, Any]] = []

        def parse(response: httpx.Response) -> Page:
            nonlocal previous_items
            body = _body(response)
            items = items_at(body, key)
            url = response.request.url
            offset = int(url.params.get("start", "0"))
            length = int(url.params.get("length", str(page_size)))
            if items and items == previous_items:
                # A method that ignores start would otherwise be fetched forever.
                raise APIError(
                    f"HelpSpot answered {method} with the same items for start={offset} as for "
                    "the page before: it seems to ignore start/length for this method; call it "
                    "once with call() instead of paging it",
                    status_code=response.status_code,
                    body=body,
                    request_id=request_id(response),
                    method=response.request.method,
                    url=safe_url(url),
                )
            previous_items = items
            return Page(
                items=items,
                url=str(url),
                # Only an empty page ends a listing: a short one may be the server's cap.
                next=str(url.copy_set_param("start", str(offset + len(items)))) if items else None,
                previous=(
                    str(url.copy_set_param("start", str(max(0, offset - length))))
                    if offset > 0
                    else None
                ),
                raw=body,
            )

        pages = self._iter_pages(ENDPOINT, query, parse, authenticate=is_private)
        return _without_trailing_empty_page(pages)

    def paginate(
        self,
        method: str,
        *,
        key: str | None = None,
        page_size: int = 100,
        start: int = 0,
        **params: Any,
    ) -> Iterator[dict[str, Any]]:
        """Every item of a listing method, across pages (see :meth:`pages` for the parameters).

        Examples
        --------
        ``hs`` as in the class's example; its saved filter 1 holds the open requests:

        >>> listing = hs.paginate("private.filter.get", key="request", xFilter=1, page_size=4)
        >>> open_ids = [req["xRequest"] for req in listing]  # pages fetched as the loop goes
        >>> len(open_ids), open_ids[:4]
        (15, ['12401', '12402', '12404', '12405'])
        """
        pages = self.pages(method, key=key, page_size=page_size, start=start, **params)
        return (item for page in pages for item in page.items)

    # -- provider quirks -------------------------------------------------------------------------

    def _check_method(self, method: str) -> bool:
        """Validate a method name; True when it is private. Refuses private calls without auth."""
        if not isinstance(method, str) or not _METHOD_NAME.match(method):
            raise InvalidInputError(
                f"method must be a HelpSpot method name such as 'private.request.get', got {method!r}"
            )
        is_private = method.startswith("private.")
        if is_private and self._credentials is None:
            raise MissingCredentialsError(
                f"{method} is a private HelpSpot method and this client has no credentials, so "
                "nothing was sent: create HelpSpotClient(base_url, api_key=...) or "
                "HelpSpotClient(base_url, username=..., password=...)"
            )
        return is_private

    def _check_body(self, response: httpx.Response) -> None:
        error = _helpspot_error(response)
        if error is not None:
            raise error

    def _error_for_response(self, response: httpx.Response) -> APIError:
        helpspot_error = _helpspot_error(response)
        if helpspot_error is not None:
            return helpspot_error
        error = super()._error_for_response(response)
        if response.status_code == 401:
            error.message = (
                f"HelpSpot did not accept the credentials for {_method_of(response)}; check the "
                "API key, or the username and password (Basic authentication is off when "
                "HelpSpot uses SAML)"
            )
            error.args = (error.message,)
        return error


def _without_trailing_empty_page(pages: Iterator[Page]) -> Iterator[Page]:
    """The pages, less the empty one that ends a listing (kept when it is the only page)."""
    for number, page in enumerate(pages):
        if page.items or number == 0:
            yield page


# -- answers ---------------------------------------------------------------------------------------


def as_list(value: Any) -> list[Any]:
    """HelpSpot's "one item or a list": always a list (empty for None, ``""`` or ``{}``).

    Examples
    --------
    >>> as_list({"xRequest": "1"})
    [{'xRequest': '1'}]
    >>> as_list(None)
    []
    """
    if value is None or value in ("", {}):
        return []
    if isinstance(value, list):
        return value
    return [value]


def items_at(body: Any, key: str | None) -> list[dict[str, Any]]:
    """The list of items in a listing answer, under ``key`` if given.

    Wrappers with a single key are looked through (``{"requests": {"request": [...]}}``), and a
    single item where a list is expected becomes a one-item list.
    """
    node = body
    for _ in range(4):
        if not isinstance(node, dict):
            break
        if key is not None and key in node:
            node = node[key]
            break
        if len(node) == 1:
            only = next(iter(node.values()))
            if isinstance(only, (dict, list)) or only in (None, ""):
                node = only
                continue
        break
    return [item for item in as_list(node) if isinstance(item, dict)]


def _body(response: httpx.Response) -> Any:
    """The answer as Python objects: JSON decoded, or XML turned into dicts and lists."""
    content = response.content
    if not content.strip():
        return None
    try:
        return _json.loads(content)
    except (ValueError, UnicodeDecodeError):
        pass
    root = _parse_xml(content)
    if root is not None:
        return _xml_value(root)
    return response.text


def _parse_xml(content: bytes) -> ET.Element | None:
    head = content.lstrip()[:1]
    if head != b"<" or b"<!DOCTYPE" in content.upper() or b"<!ENTITY" in content.upper():
        return None
    try:
        return ET.fromstring(content)
    except ET.ParseError:
        return None


def _xml_value(element: ET.Element) -> Any:
    """Leaf text, or a dict of children; a tag that repeats becomes a list."""
    children = list(element)
    if not children:
        return (element.text or "").strip()
    out: dict[str, Any] = {}
    repeated: set[str] = set()
    for child in children:
        value = _xml_value(child)
        if child.tag not in out:
            out[child.tag] = value
        elif child.tag in repeated:
            out[child.tag].append(value)
        else:
            out[child.tag] = [out[child.tag], value]
            repeated.add(child.tag)
    return out


def _helpspot_error(response: httpx.Response) -> HelpSpotError | None:
    """The HelpSpotError an answer carries (``<errors>``, JSON errors, a disabled-API reply)."""
    found = _errors_in(response.content)
    if found is None:
        return None
    pairs, reply = found
    method = _method_of(response)
    if reply is not None:
        message = _DISABLED.get(reply.strip().lower().rstrip("."), f"HelpSpot replied: {reply}")
        message = f"{message} (calling {method})"
    else:
        listed = "; ".join(f"[{eid}] {desc}" if eid else desc for eid, desc in pairs)
        message = f"HelpSpot refused {method}: {listed}"
        if any("authentication" in desc.lower() for _, desc in pairs):
            message += " (check the API key, or the username and password)"
    return HelpSpotError(
        message,
        errors=pairs,
        status_code=response.status_code,
        body=response.text,
        request_id=request_id(response),
        method=response.request.method,
        url=safe_url(response.request.url),
    )


def _errors_in(content: bytes) -> tuple[list[tuple[str, str]], str | None] | None:
    """``(errors, None)`` for error lists, ``([], text)`` for a ``<reply>``, None otherwise."""
    if not content.strip():
        return None
    try:
        data = _json.loads(content)
    except (ValueError, UnicodeDecodeError):
        data = None
    else:
        return _json_errors(data)
    root = _parse_xml(content)
    if root is None:
        return None
    if root.tag == "reply":
        return [], (root.text or "").strip()
    if root.tag == "errors":
        entries = root.findall("error")
    elif root.tag == "error":
        entries = [root]
    else:
        return None
    pairs = [
        ((e.findtext("id") or "").strip(), (e.findtext("description") or "").strip())
        for e in entries
    ]
    return (pairs, None) if pairs else None


def _json_errors(data: Any) -> tuple[list[tuple[str, str]], str | None] | None:
    if not isinstance(data, dict):
        return None
    if set(data) == {"reply"} and isinstance(data["reply"], str):
        return [], data["reply"]
    if set(data) == {"errors"}:
        container = data["errors"]
        entries = container.get("error") if isinstance(container, dict) else container
    elif set(data) == {"error"}:
        entries = data["error"]
    else:
        return None
    pairs = [
        (str(e.get("id", "")).strip(), str(e.get("description", "")).strip())
        for e in as_list(entries)
        if isinstance(e, dict) and "description" in e
    ]
    return (pairs, None) if pairs else None


# -- requests --------------------------------------------------------------------------------------


def _is_post(method: str) -> bool:
    action = method.rsplit(".", 1)[-1]
    return action.startswith(POST_ACTIONS)


def _method_of(response: httpx.Response) -> str:
    return str(response.request.url.params.get("method", "the API"))


def _encode_params(params: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[name] = "1" if value else "0"
        elif isinstance(value, _dt.datetime):
            out[name] = str(int(value.timestamp()))
        elif isinstance(value, (list, tuple)):
            out[name] = ",".join(str(v) for v in value)
        else:
            out[name] = str(value)
    return out


def _positive_id(name: str, value: int | str) -> str:
    text = (
        str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    )
    if not text.isdigit() or int(text) < 1:
        raise InvalidInputError(f"{name} must be a positive whole number, got {value!r}")
    return text


def _strip_endpoint(base_url: object) -> str:
    if not isinstance(base_url, str):
        raise InvalidInputError(
            f"base_url must be your HelpSpot's address, such as 'https://help.example.com', "
            f"got {base_url!r}"
        )
    url = base_url.strip().rstrip("/")
    for suffix in ("/api/index.php", "/api"):
        if url.endswith(suffix):
            return url[: -len(suffix)]
    return url

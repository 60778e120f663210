"""Run the Python snippet of Guru's API docs, unchanged, against guru-form serve.

    GURU_PEER_HOSTS='{"api.getguru.ai": "http://127.0.0.1:8000", ...}' \\
    GURU_CLIENT_ID=... GURU_CLIENT_SECRET=... python run_docs_python.py snippet.py

The snippet (``create`` and ``upload`` of a video with ``requests``) starts from an
``access_token`` it leaves to the reader (``# access_token = ...``): this runner gets one the way
the docs' Authentication section says, by a form-encoded client-credentials exchange at Guru's
Cognito endpoint with the documented scope, and hands it to the snippet. Requests to the hosts
named in ``GURU_PEER_HOSTS`` go to the URL given for each, over plain HTTP (path, headers and body
unchanged); nothing else about the snippet is changed. The snippet runs in the current folder,
where ``path/to/video.mp4`` must be. Prints ``{"id", "create_status", "upload_status"}`` as JSON.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import requests.adapters

TOKEN_URL = "https://customer-console-prod.auth.us-west-2.amazoncognito.com/oauth2/token"
SCOPE = "https://api.getguru.ai/default"


def redirect_hosts(hosts: dict[str, str]) -> None:
    """Send requests' requests for ``hosts`` to the URL given for each host."""
    send = requests.adapters.HTTPAdapter.send

    def redirected(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        url = urlsplit(request.url)
        target = hosts.get(url.hostname or "")
        if target is not None:
            where = urlsplit(target)
            request.url = urlunsplit((where.scheme, where.netloc, url.path, url.query, ""))
        return send(self, request, *args, **kwargs)

    requests.adapters.HTTPAdapter.send = redirected  # type: ignore[method-assign]


def documented_token() -> str:
    """An access token, exchanged as the docs' Authentication section shows."""
    body = (
        f"grant_type=client_credentials&client_id={os.environ['GURU_CLIENT_ID']}"
        f"&client_secret={os.environ['GURU_CLIENT_SECRET']}&scope={SCOPE}"
    )
    response = requests.post(
        TOKEN_URL,
        data=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
        timeout=60,
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def main(snippet: str) -> None:
    redirect_hosts(json.loads(os.environ["GURU_PEER_HOSTS"]))
    names = runpy.run_path(snippet, init_globals={"access_token": documented_token()})
    created, uploaded = names["create_response"], names["upload_response"]
    print(
        json.dumps(
            {
                "id": created.json().get("id"),
                "create_status": created.status_code,
                "upload_status": uploaded.status_code,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])

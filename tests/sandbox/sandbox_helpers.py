"""Helpers for the embedded NetSuite's tests: a signed client, sample bodies, error details."""

from __future__ import annotations

from typing import Any

import requests
from requests_oauthlib import OAuth1

from harness.sandbox.serve import Sandbox


def tba(sandbox: Sandbox, index: int = 0) -> OAuth1:
    """Request signing with one of the profile's TBA credentials."""
    cred = sandbox.profile.credentials.tba[index]
    return OAuth1(
        cred.consumerKey,
        cred.consumerSecret,
        cred.tokenId,
        cred.tokenSecret,
        signature_method="HMAC-SHA256",
        realm=sandbox.account_id,
    )


class Client:
    """A signed `requests` session whose paths are relative to `/services/rest/`."""

    def __init__(self, base_url: str, auth: OAuth1) -> None:
        self.base = base_url.rstrip("/") + "/services/rest/"
        self.session = requests.Session()
        self.session.auth = auth

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path.lstrip("/")

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.url(path), timeout=10, **kwargs)

    def get(self, path: str, **params: str) -> requests.Response:
        return self.request("GET", path, params=params or None)

    def post(self, path: str, body: Any, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, json=body, **kwargs)

    def patch(self, path: str, body: Any, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, json=body, **kwargs)

    def put(self, path: str, body: Any, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, json=body, **kwargs)

    def delete(self, path: str) -> requests.Response:
        return self.request("DELETE", path)

    def suiteql(self, q: str, **params: str) -> requests.Response:
        return self.request(
            "POST",
            "query/v1/suiteql",
            json={"q": q},
            params=params or None,
            headers={"Prefer": "transient"},
        )

    def create(self, record_type: str, body: Any) -> str:
        """POST a record that must be accepted; its new internal id."""
        response = self.post(f"record/v1/{record_type}", body)
        assert response.status_code == 204, response.text
        return response.headers["Location"].rsplit("/", 1)[1]


def order_body(**extra: Any) -> dict[str, Any]:
    """A valid two-line order for Jane Doe (customer 1001)."""
    body: dict[str, Any] = {
        "entity": {"id": "1001"},
        "item": {
            "items": [
                {"item": {"id": "101"}, "quantity": 2, "rate": 45.5},
                {"item": {"id": "104"}, "quantity": 1},
            ]
        },
    }
    body.update(extra)
    return body


def details(response: requests.Response) -> list[dict[str, str]]:
    """The `o:errorDetails` of an error response (checking the error media type)."""
    assert response.headers["Content-Type"].startswith(
        "application/vnd.oracle.resource+json; type=error"
    ), response.headers
    document = response.json()
    assert document["status"] == response.status_code
    result: list[dict[str, str]] = document["o:errorDetails"]
    return result

"""A plain NetSuite REST client: requests + requests-oauthlib TBA, configured from NETSUITE_*.

What a small integration shop writes: sign every request with the integration's token, run
SuiteQL, upsert records by externalId. Nothing here knows about any test harness.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests_oauthlib import OAuth1

TIMEOUT = (5.0, 60.0)


class NetSuiteRefused(Exception):
    """NetSuite answered an error; keeps its status and its first error detail."""

    def __init__(self, method: str, path: str, status: int, detail: str, code: str = "") -> None:
        self.status = status
        self.detail = detail
        self.code = code
        super().__init__(f"{method} {path} -> {status} {code}: {detail}".replace("  ", " "))


@dataclass
class NetSuite:
    account: str
    base_url: str
    session: requests.Session

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> NetSuite:
        values = dict(os.environ if env is None else env)
        missing = [
            name
            for name in (
                "NETSUITE_ACCOUNT",
                "NETSUITE_CONSUMER_KEY",
                "NETSUITE_CONSUMER_SECRET",
                "NETSUITE_TOKEN_ID",
                "NETSUITE_TOKEN_SECRET",
            )
            if not values.get(name)
        ]
        if missing:
            raise SystemExit(f"set {', '.join(missing)} (token-based authentication)")
        account = values["NETSUITE_ACCOUNT"]
        host = account.lower().replace("_", "-") + ".suitetalk.api.netsuite.com"
        base_url = values.get("NETSUITE_BASE_URL") or f"https://{host}"
        session = requests.Session()
        session.auth = OAuth1(
            values["NETSUITE_CONSUMER_KEY"],
            client_secret=values["NETSUITE_CONSUMER_SECRET"],
            resource_owner_key=values["NETSUITE_TOKEN_ID"],
            resource_owner_secret=values["NETSUITE_TOKEN_SECRET"],
            signature_method="HMAC-SHA256",
            realm=account.upper(),
        )
        return cls(account, base_url.rstrip("/"), session)

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = f"{self.base_url}/services/rest/{path}"
        response = self.session.request(method, url, timeout=TIMEOUT, **kwargs)
        if response.status_code >= 400:
            detail, code = response.text[:300], ""
            try:
                body = response.json()
                first = (body.get("o:errorDetails") or [{}])[0]
                detail = first.get("detail") or body.get("title") or detail
                code = first.get("o:errorCode", "")
            except ValueError:
                pass
            raise NetSuiteRefused(method, urlsplit(url).path, response.status_code, detail, code)
        return response

    def query(self, q: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = self._call(
                "POST",
                "query/v1/suiteql",
                params={"limit": "1000", "offset": str(offset)},
                json={"q": q},
                headers={"Prefer": "transient"},
            ).json()
            rows += page.get("items", [])
            if not page.get("hasMore"):
                return rows
            offset += 1000

    def upsert(self, record: str, external_id: str, body: dict[str, Any],
               replace: str | None = None) -> str | None:
        params = {"replace": replace} if replace else None
        response = self._call("PUT", f"record/v1/{record}/eid:{external_id}", json=body,
                              params=params)
        location = response.headers.get("Location", "")
        tail = location.rstrip("/").rsplit("/", 1)[-1]
        return tail if tail.isdigit() else None


def text(value: str) -> str:
    """A SuiteQL string literal."""
    return "'" + value.replace("'", "''") + "'"

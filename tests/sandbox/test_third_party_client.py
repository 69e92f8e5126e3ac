"""A third-party NetSuite client works against the sandbox unchanged (DESIGN 4, "Fidelity").

The PyPI package `netsuite` is async over httpx and signs TBA with authlib (HMAC-SHA256, realm =
the configured account, `oauth_body_hash` on JSON bodies, `%20` in query strings), so it
exercises the verifier differently from the harness's own requests-oauthlib client. Only its
host is changed: `_make_url` is the one place the package builds URLs, so a subclass overrides
it. Credentials are the demo profile's TBA token.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from harness.sandbox.serve import HttpServer, Sandbox

# The package and its dependencies (authlib's httpx fallback, httpx `data=` text, oauthlib's
# renamed signer) warn about their own deprecations; none of that concerns the sandbox.
with warnings.catch_warnings():
    import authlib.deprecate  # type: ignore[import-untyped]  # noqa: F401  (its own "always" filter)

    warnings.simplefilter("ignore", DeprecationWarning)
    from netsuite import Config, TokenAuth  # type: ignore[import-untyped]
    from netsuite.exceptions import NetsuiteAPIRequestError  # type: ignore[import-untyped]
    from netsuite.rest_api import NetSuiteRestApi  # type: ignore[import-untyped]

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

T = TypeVar("T")


class LocalRestApi(NetSuiteRestApi):  # type: ignore[misc]
    """`netsuite`'s REST client aimed at a local base URL instead of the account's host."""

    def __init__(self, config: Config, base_url: str) -> None:
        super().__init__(config)
        self._base_url = base_url

    def _make_url(self, subpath: str) -> str:
        return f"{self._base_url}/services/rest{subpath}"


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox()
    try:
        yield sandbox
    finally:
        sandbox.close()


@pytest.fixture(scope="module")
def server(sandbox: Sandbox) -> Iterator[HttpServer]:
    server = sandbox.serve_http("127.0.0.1", 0)
    try:
        yield server
    finally:
        server.stop()


def config(sandbox: Sandbox, *, account: str | None = None, **overrides: str) -> Config:
    credential = next(c for c in sandbox.profile.credentials.tba if c.name == "woo-integration")
    auth = {
        "consumer_key": credential.consumerKey,
        "consumer_secret": credential.consumerSecret,
        "token_id": credential.tokenId,
        "token_secret": credential.tokenSecret,
        **overrides,
    }
    return Config(account=account or sandbox.account_id, auth=TokenAuth(**auth))


@pytest.fixture
def api(sandbox: Sandbox, server: HttpServer) -> LocalRestApi:
    sandbox.reset()
    return LocalRestApi(config(sandbox), server.url)


def create_customer(api: LocalRestApi, **fields: Any) -> str:
    body = {"companyName": "Third Party Co", "subsidiary": {"id": "1"}, **fields}
    response = run(api.request("POST", "/record/v1/customer", json=body))
    assert response.status_code == 204, response.text
    location = response.headers["Location"]
    assert location.startswith(api._base_url + "/services/rest/record/v1/customer/")
    return str(location.rsplit("/", 1)[1])


def test_create_then_read_a_customer(api: LocalRestApi) -> None:
    customer_id = create_customer(api, email="buyer@example.com")
    record = run(api.get(f"/record/v1/customer/{customer_id}"))
    assert record["id"] == customer_id
    assert record["companyName"] == "Third Party Co"
    assert record["email"] == "buyer@example.com"
    assert record["subsidiary"]["id"] == "1"


def test_patch_changes_only_the_sent_fields(api: LocalRestApi) -> None:
    customer_id = create_customer(api, email="before@example.com")
    assert run(api.patch(f"/record/v1/customer/{customer_id}", json={"comments": "VIP"})) is None
    record = run(api.get(f"/record/v1/customer/{customer_id}"))
    assert (record["comments"], record["email"]) == ("VIP", "before@example.com")


def test_upsert_by_external_id_creates_then_updates(api: LocalRestApi) -> None:
    path = "/record/v1/customer/eid:TP-CUST-1"
    body = {"companyName": "Upserted Co", "subsidiary": {"id": "1"}}
    assert run(api.put(path, json=body)) is None
    first = run(api.get(path))
    assert run(api.put(path, json={**body, "companyName": "Upserted Again"})) is None
    second = run(api.get(path))
    assert second["id"] == first["id"]
    assert second["companyName"] == "Upserted Again"
    rows = run(api.suiteql(q="SELECT id FROM customer WHERE externalid = 'TP-CUST-1'"))
    assert [row["id"] for row in rows["items"]] == [first["id"]]


def test_delete_then_read_is_404(api: LocalRestApi) -> None:
    customer_id = create_customer(api)
    assert run(api.delete(f"/record/v1/customer/{customer_id}")) is None
    with pytest.raises(NetsuiteAPIRequestError) as info:
        run(api.get(f"/record/v1/customer/{customer_id}"))
    assert info.value.status_code == 404


def test_suiteql_pages_cover_every_row_once(api: LocalRestApi) -> None:
    query = "SELECT id, itemid FROM item ORDER BY id"
    everything = run(api.suiteql(q=query, limit=1000, offset=0))
    assert everything["hasMore"] is False
    paged: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = run(api.suiteql(q=query, limit=3, offset=offset))
        assert page["offset"] == offset
        assert page["totalResults"] == everything["totalResults"]
        paged += page["items"]
        if not page["hasMore"]:
            break
        offset += page["count"]
    assert len(paged) == everything["totalResults"] > 3
    assert [row["id"] for row in paged] == [row["id"] for row in everything["items"]]


def test_query_parameter_with_spaces_and_quotes(api: LocalRestApi) -> None:
    wanted = create_customer(api, email="a.b@example.com")
    create_customer(api, companyName="Someone Else", email="other@example.com")
    found = run(api.get("/record/v1/customer", params={"q": 'email IS "a.b@example.com"'}))
    assert [item["id"] for item in found["items"]] == [wanted]


def test_wrong_token_secret_is_invalid_login(sandbox: Sandbox, server: HttpServer) -> None:
    api = LocalRestApi(config(sandbox, token_secret="0" * 64), server.url)
    with pytest.raises(NetsuiteAPIRequestError) as info:
        run(api.get("/record/v1/customer/1"))
    assert info.value.status_code == 401
    details = json.loads(info.value.response_text)["o:errorDetails"]
    assert [detail["o:errorCode"] for detail in details] == ["INVALID_LOGIN"]


def test_lowercase_account_in_the_realm_is_invalid_login(
    sandbox: Sandbox, server: HttpServer
) -> None:
    api = LocalRestApi(config(sandbox, account=sandbox.account_id.lower()), server.url)
    with pytest.raises(NetsuiteAPIRequestError) as info:
        run(api.get("/record/v1/customer/1"))
    assert info.value.status_code == 401

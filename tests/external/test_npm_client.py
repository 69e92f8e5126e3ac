"""A NetSuite client from another language, unmodified, against the served sandbox.

`netsuite-rest` is the most-downloaded NetSuite REST client on npm that signs with TBA (it
builds on `oauth-1.0a` and `got`). It is installed from the npm registry into a temporary
directory and used exactly as its README shows: `new NsApiWrapper({...})`, then
`NsApi.request({path, method, body})`. It sends bodies as strings without a Content-Type,
signs the URL it is given (a path made with `encodeURIComponent` stays percent-encoded) and
keeps its connection open; the README's SuiteQL body is multi-line text inside a JSON string
(its tabs written `\\t` below, which the JavaScript template literal turns back into tabs).

Needs Node.js (`.ci/run` installs it where it is absent) and the npm registry; a registry that
cannot be reached fails the test with npm's own words, never a silent skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox.serve import HttpServer, Sandbox
from harness.sandbox.tls import TlsCertificate, write_certificate
from tests.npm_helpers import drive as run_drive
from tests.npm_helpers import npm_installed

PACKAGE = "netsuite-rest@1.0.9"  # pinned: the README the script follows is this version's

# The README's calls, as a store's developer writes them (settings from the environment).
DRIVE = r"""
const NsApiWrapper = require('netsuite-rest');
const NsApi = new NsApiWrapper({
    consumer_key: process.env.NETSUITE_CONSUMER_KEY,
    consumer_secret_key: process.env.NETSUITE_CONSUMER_SECRET,
    token: process.env.NETSUITE_TOKEN_ID,
    token_secret: process.env.NETSUITE_TOKEN_SECRET,
    realm: process.env.NETSUITE_ACCOUNT,
    base_url: process.env.NETSUITE_BASE_URL
});

const seen = {};
function keep(name) {
    return (response) => {
        seen[name] = {status: response.statusCode, data: response.data || null};
    };
}

(async () => {
    try {
        await NsApi.request({
            path: '*',
            method: "OPTIONS"
        }).then(keep('options'));
        await NsApi.request({
            path: 'record/v1/customer/'
        }).then(keep('customers'));
        await NsApi.request({
            path: 'record/v1/customer',
            method: "POST",
            body: JSON.stringify({companyName: 'Node Outfitters', externalId: 'NODE-café-1',
                                  subsidiary: {id: 1}})
        }).then(keep('create'));
        await NsApi.request({
            path: 'record/v1/customer/' + encodeURIComponent('eid:NODE-café-1')
        }).then(keep('read'));
        await NsApi.request({
            path: 'query/v1/suiteql?limit=5',
            method: "POST",
            body: `{
\t\t"q":
\t\t"SELECT
\t\t\tid, companyName, email, dateCreated
         FROM customer WHERE
            dateCreated >= '01/01/2019'
           \tAND dateCreated < '01/01/2020'"
\t}`
        }).then(keep('readmeQuery'));
        await NsApi.request({
            path: 'query/v1/suiteql?limit=5',
            method: "POST",
            body: `{
\t\t"q":
\t\t"SELECT
\t\t\tid, companyName, email, dateCreated
         FROM customer WHERE
            companyName = 'Node Outfitters'
           \tAND dateCreated >= '01/01/2019'"
\t}`
        }).then(keep('query'));
    } catch (err) {
        seen.error = {message: String(err && err.message),
                      status: err.response ? err.response.statusCode : null,
                      body: err.response ? String(err.response.body) : null};
    }
    console.log(JSON.stringify(seen));
})();
"""


@pytest.fixture(scope="module")
def client_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`netsuite-rest` installed from the npm registry, with the README's script beside it."""
    return npm_installed(tmp_path_factory, PACKAGE, DRIVE)


def drive(client_dir: Path, settings: dict[str, str]) -> dict[str, Any]:
    return run_drive(client_dir, settings, unset="NETSUITE_")


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    made = Sandbox()
    yield made
    made.close()


def _check_the_readme_calls(seen: dict[str, Any], server: HttpServer) -> None:
    assert seen["options"]["status"] == 204
    customers = seen["customers"]
    assert customers["status"] == 200
    assert "1001" in {item["id"] for item in customers["data"]["items"]}
    assert seen["create"]["status"] == 204
    read = seen["read"]
    assert read["status"] == 200
    assert (read["data"]["companyName"], read["data"]["externalId"]) == (
        "Node Outfitters",
        "NODE-café-1",
    )
    assert seen["readmeQuery"]["status"] == 200
    assert isinstance(seen["readmeQuery"]["data"]["items"], list)
    query = seen["query"]
    assert query["status"] == 200
    assert [row["companyname"] for row in query["data"]["items"]] == ["Node Outfitters"]


def test_netsuite_rest_from_npm_works_as_its_readme_shows(
    client_dir: Path, sandbox: Sandbox
) -> None:
    server = sandbox.serve_http()
    try:
        seen = drive(client_dir, sandbox.client_environment(server.url))
    finally:
        server.stop()
    _check_the_readme_calls(seen, server)


def test_netsuite_rest_from_npm_works_over_https_with_the_printed_ca(
    client_dir: Path, sandbox: Sandbox, tmp_path: Path
) -> None:
    certificate: TlsCertificate = write_certificate(tmp_path, [sandbox.host, "127.0.0.1"])
    server = sandbox.serve_http(tls=certificate)
    try:
        settings = sandbox.client_environment(server.url)
        seen = drive(client_dir, settings | {"NODE_EXTRA_CA_CERTS": str(certificate.ca_path)})
    finally:
        server.stop()
    assert server.url.startswith("https://")
    _check_the_readme_calls(seen, server)

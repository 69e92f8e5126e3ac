"""The official JavaScript client (`@woocommerce/woocommerce-rest-api` on npm), unmodified,
against the served store. Over plain HTTP it signs with OAuth 1.0a (the `oauth-1.0a` library,
HMAC-SHA256, the query normalised and sorted by the client itself) and sends through axios;
the script below uses it exactly as its README shows.

Needs Node.js (`.ci/run` installs it where it is absent) and the npm registry; a registry that
cannot be reached fails the test with npm's own words, never a silent skip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from woostore_helpers import place

from harness.woostore import EmbeddedStore, ManualClock
from harness.wsgi import LoopbackServer
from tests.npm_helpers import drive as run_drive
from tests.npm_helpers import npm_installed

PACKAGE = "@woocommerce/woocommerce-rest-api@1.0.2"  # pinned: the README followed is this one's

# The README's CJS setup and calls, settings from the environment.
DRIVE = r"""
const WooCommerceRestApi = require("@woocommerce/woocommerce-rest-api").default;

const api = new WooCommerceRestApi({
  url: process.env.WOO_URL,
  consumerKey: process.env.WOO_CONSUMER_KEY,
  consumerSecret: process.env.WOO_CONSUMER_SECRET,
  version: "wc/v3"
});

const seen = {};
const keep = (name) => (response) => {
  seen[name] = {status: response.status, data: response.data,
                total: response.headers["x-wp-total"] || null,
                pages: response.headers["x-wp-totalpages"] || null,
                link: response.headers["link"] || null};
};
const refused = (name) => (error) => {
  seen[name] = {status: error.response ? error.response.status : null,
                data: error.response ? error.response.data : String(error)};
};

(async () => {
  const order = process.env.ORDER_ID;
  await api.get("orders", {per_page: 2, order: "asc"}).then(keep("page1"));
  await api.get("orders", {per_page: 2, order: "asc", page: 2}).then(keep("page2"));
  await api.get("orders", {modified_after: process.env.SINCE, status: "any"})
    .then(keep("changed"));
  await api.put("orders/" + order, {
    status: "completed",
    meta_data: [{key: "_netsuite_sales_order", value: "SO-42"}]
  }).then(keep("update"));
  await api.post("orders/" + order + "/notes", {note: "Synced to NetSuite as SO-42"})
    .then(keep("note"));
  await api.get("orders", {search: "jane doe"}).then(keep("search"));
  await api.get("orders/999999").then(keep("missing"), refused("missing"));
  await api.get("orders", {per_page: 500}).then(keep("tooMany"), refused("tooMany"));
})().catch((err) => { seen.error = String(err && err.message); })
  .finally(() => console.log(JSON.stringify(seen)));
"""


@pytest.fixture(scope="module")
def client_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package installed from the npm registry, with the README-style script beside it."""
    return npm_installed(tmp_path_factory, PACKAGE, DRIVE)


def drive(client_dir: Path, settings: dict[str, str]) -> dict[str, Any]:
    return run_drive(client_dir, settings, unset="WOO")


def test_the_npm_client_polls_writes_back_and_reads_errors(
    client_dir: Path, store: EmbeddedStore, served: LoopbackServer, clock: ManualClock
) -> None:
    first = place(store, "existing-customer")[0]
    for name in ("new-customer", "tax-california"):
        clock.advance(minutes=10)
        place(store, name)
    clock.advance(minutes=10)
    settings = store.client_environment(served.url) | {
        "ORDER_ID": str(first.id), "SINCE": "2024-06-20T10:05:00"}
    seen = drive(client_dir, settings)

    page1, page2 = seen["page1"], seen["page2"]
    assert (page1["status"], page1["total"], page1["pages"]) == (200, "3", "2")
    assert [o["id"] for o in page1["data"]] == [1001, 1002]
    assert 'rel="next"' in page1["link"]
    assert [o["id"] for o in page2["data"]] == [1003]
    assert [o["id"] for o in seen["changed"]["data"]] == [1003, 1002]
    update = seen["update"]
    assert update["status"] == 200 and update["data"]["status"] == "completed"
    assert update["data"]["date_modified"] == "2024-06-20T10:30:00"
    assert store.order(first.id).meta("_netsuite_sales_order") == "SO-42"
    assert seen["note"]["status"] == 201
    assert store.notes(first.id)[-1].note == "Synced to NetSuite as SO-42"
    assert first.id in [o["id"] for o in seen["search"]["data"]]
    assert seen["missing"]["status"] == 404
    assert seen["missing"]["data"]["code"] == "woocommerce_rest_shop_order_invalid_id"
    assert seen["tooMany"]["status"] == 400
    assert seen["tooMany"]["data"]["data"]["params"] == {
        "per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"}

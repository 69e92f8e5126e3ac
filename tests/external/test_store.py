"""The WooCommerce REST client and the store driver, against a small fake store over HTTP(S)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from external_helpers import SECRET as WEBHOOK_SECRET
from external_helpers import Example, example_connector
from fake_store import KEY, SECRET, FakeStore, catalogue_store, self_signed

from harness.catalogue.spec import Catalogue
from harness.connector.external import (
    ExternalConnectorError,
    ObservedServer,
    connector_from_spec,
)
from harness.landing.verify import verify
from harness.mapping import Mapping
from harness.netsuite.calllog import CallLog
from harness.targets.sim import SimTarget
from harness.woo.generate import apply_update, generate
from harness.woo.order import WooOrder
from harness.woo.store import RUN_TAG, CreateOptions, WooStore, WooStoreError, create_payload
from harness.woo.webhook import Webhook


@pytest.fixture
def order(catalogue: Catalogue) -> WooOrder:
    return generate(catalogue.get("fee-positive"), 0)


@pytest.fixture
def store(order: WooOrder) -> Iterator[FakeStore]:
    fake = FakeStore(catalogue_store(order.to_wire())).start()
    yield fake
    fake.stop()


# -- the REST client -------------------------------------------------------------------------


def test_over_http_requests_are_signed_with_oauth_in_the_query(store: FakeStore) -> None:
    seen: list[requests.PreparedRequest] = []
    client = WooStore(store.url, KEY, SECRET,
                      on_exchange=lambda request, outcome, seconds: seen.append(request))
    created = client.create_order({"status": "processing", "line_items": [{"sku": "MUG-WHT",
                                                                            "quantity": 1}]})
    assert created["id"] == 5001
    query = dict(p.split("=", 1) for p in (seen[0].url or "").split("?", 1)[1].split("&"))
    assert query["oauth_signature_method"] == "HMAC-SHA256"
    assert query["oauth_consumer_key"] == KEY
    assert "Authorization" not in seen[0].headers
    assert store.auth_failures == []


def test_order_endpoints_create_read_update_list_and_delete(store: FakeStore) -> None:
    client = WooStore(store.url, KEY, SECRET)
    ids = [client.create_order({"line_items": [{"sku": "TEE-RED-S", "quantity": 1}]})["id"]
           for _ in range(3)]
    assert client.get_order(ids[0])["id"] == ids[0]
    assert client.update_order(ids[1], {"status": "completed"})["status"] == "completed"
    store_orders = list(WooStore(store.url, KEY, SECRET).orders(per_page=2))
    assert [o["id"] for o in store_orders] == ids  # two pages of two and one
    client.delete_order(ids[2], force=True)
    assert store.deleted == [ids[2]]
    with pytest.raises(WooStoreError) as gone:
        client.get_order(ids[2])
    assert gone.value.status == 404 and gone.value.code == "woocommerce_rest_shop_order_invalid_id"


def test_a_wrong_secret_is_refused_without_showing_it(store: FakeStore) -> None:
    client = WooStore(store.url, KEY, "cs_wrong_secret_value")
    with pytest.raises(WooStoreError) as refused:
        client.get_order(1)
    assert refused.value.status == 401
    assert refused.value.code == "woocommerce_rest_authentication_error"
    assert "cs_wrong_secret_value" not in str(refused.value)


def test_a_replayed_nonce_is_refused(store: FakeStore) -> None:
    client = WooStore(store.url, KEY, SECRET)
    prepared = client.session.prepare_request(
        requests.Request("GET", client.api + "/orders", auth=client.auth))
    assert client.session.send(prepared, timeout=5).status_code == 200
    assert client.session.send(prepared, timeout=5).status_code == 401
    assert "nonce" in store.auth_failures[-1]


def test_a_line_without_product_reference_is_a_400_with_woocommerces_code(
    store: FakeStore,
) -> None:
    with pytest.raises(WooStoreError) as refused:
        WooStore(store.url, KEY, SECRET).create_order({"line_items": [{"quantity": 1}]})
    assert (refused.value.status, refused.value.code) == (
        400, "woocommerce_rest_required_product_reference")
    assert "Product ID or SKU is required." in str(refused.value)


def test_over_https_requests_use_basic_auth(order: WooOrder, tmp_path: Path) -> None:
    tls = self_signed(tmp_path)
    secure = FakeStore(catalogue_store(order.to_wire()), tls=tls).start()
    try:
        seen: list[requests.PreparedRequest] = []
        client = WooStore(secure.url, KEY, SECRET, verify=str(tls[0]),
                          on_exchange=lambda request, outcome, seconds: seen.append(request))
        assert client.create_order({"line_items": [{"sku": "MUG-WHT", "quantity": 1}]})["id"]
        header = str(seen[0].headers["Authorization"])
        assert base64.b64decode(header.removeprefix("Basic ")).decode() == f"{KEY}:{SECRET}"
        assert "oauth_" not in (seen[0].url or "")
        with pytest.raises(WooStoreError, match="401 woocommerce_rest_authentication_error"):
            WooStore(secure.url, KEY, "cs_nope", verify=str(tls[0])).get_order(5001)
    finally:
        secure.stop()


def test_create_payload_names_products_by_sku_and_tags_the_run(order: WooOrder) -> None:
    payload = create_payload(order, CreateOptions(run_id="run-42"))
    assert [line["sku"] for line in payload["line_items"]] == [
        line.sku for line in order.line_items]
    first, line = payload["line_items"][0], order.line_items[0]
    assert (first["quantity"], Decimal(first["subtotal"]), Decimal(first["total"])) == (
        line.quantity, line.subtotal, line.total)
    assert payload["fee_lines"][0]["name"] == order.fee_lines[0].name
    assert Decimal(payload["fee_lines"][0]["total"]) == order.fee_lines[0].total
    assert [s["method_id"] for s in payload["shipping_lines"]] == [
        s.method_id for s in order.shipping_lines]
    assert payload["set_paid"] is (order.date_paid is not None)
    assert payload["meta_data"] == [{"key": RUN_TAG, "value": "run-42"}]
    assert payload["billing"]["email"] == order.billing.email
    assert "id" not in payload and "number" not in payload  # the store numbers its orders


def test_create_payload_can_name_products_by_id(catalogue: Catalogue) -> None:
    varied = generate(catalogue.get("variations"), 0)
    lines = create_payload(varied, CreateOptions(line_items_by="product_id"))["line_items"]
    assert all("sku" not in line for line in lines)
    assert [(x["product_id"], x.get("variation_id", 0)) for x in lines] == [
        (line.product_id, line.variation_id) for line in varied.line_items]


def test_coupons_are_sent_by_code(catalogue: Catalogue) -> None:
    coupons = generate(catalogue.get("two-coupons"), 0)
    assert create_payload(coupons)["coupon_lines"] == [
        {"code": c.code} for c in coupons.coupon_lines]


# -- the store driver, end to end ------------------------------------------------------------


@pytest.fixture(scope="module")
def example(netsuite_env: dict[str, str]) -> Iterator[Example]:
    with example_connector(netsuite_env) as running:
        yield running


@pytest.fixture
def wired_store(order: WooOrder, example: Example) -> Iterator[FakeStore]:
    """A store whose webhook delivers to the example connector."""
    fake = FakeStore(catalogue_store(order.to_wire()),
                     webhook=Webhook(example.url, WEBHOOK_SECRET)).start()
    yield fake
    fake.stop()


def test_a_store_order_reaches_netsuite_through_the_stores_own_connector(
    wired_store: FakeStore, order: WooOrder, served: ObservedServer, target: SimTarget,
    mapping: Mapping,
) -> None:
    factory = connector_from_spec(
        f"store:{wired_store.url}", consumer_key=KEY, consumer_secret=SECRET, run_id="run-7",
        observe=served, timeout=5, poll_interval=0.02,
    )
    calllog = CallLog()
    connector = factory(target.client(None, calllog), mapping)
    push = connector.push(order)
    assert push.status == "pushed" and push.sales_order_id, push
    stored = connector.landed_order(order)  # type: ignore[attr-defined]
    assert stored.id == 5001 and stored.number == "5001" and stored.number != order.number
    assert {"key": RUN_TAG, "value": "run-7"} in wired_store.created_payloads[0]["meta_data"]
    verdict = verify(stored, mapping, target.client(None, calllog), calllog, push)
    assert verdict.outcome == "landed", verdict
    store_calls = [c for c in calllog.calls if c.path == "/wp-json/wc/v3/orders"]
    assert store_calls and store_calls[0].status == 201
    assert SECRET not in calllog.to_jsonl()
    factory.close()
    assert wired_store.deleted == [5001] and wired_store.orders == {}


def test_an_update_is_sent_to_the_stores_order(
    catalogue: Catalogue, example: Example, served: ObservedServer, target: SimTarget,
    mapping: Mapping,
) -> None:
    spec = catalogue.get("on-hold-then-processing")
    created = generate(spec, 0)
    fake = FakeStore(catalogue_store(created.to_wire()),
                     webhook=Webhook(example.url, WEBHOOK_SECRET)).start()
    try:
        factory = connector_from_spec(f"store:{fake.url}", consumer_key=KEY,
                                      consumer_secret=SECRET, observe=served, timeout=5,
                                      poll_interval=0.02)
        connector = factory(target.client(), mapping)
        first = connector.push(created)
        second = connector.push(apply_update(created, spec.updates[0], 1))
        assert (first.status, second.status) == ("pushed", "pushed")
        assert fake.orders[5001]["status"] == "processing"
        assert "updated by the store, HTTP 200" in (second.said or "")
        factory.close()
        assert fake.deleted == [5001]
    finally:
        fake.stop()


def test_a_store_that_refuses_the_keys_fails_the_push(
    store: FakeStore, order: WooOrder, served: ObservedServer, target: SimTarget,
    mapping: Mapping,
) -> None:
    factory = connector_from_spec(f"store:{store.url}", consumer_key=KEY,
                                  consumer_secret="cs_not_this_one", observe=served, timeout=0.2)
    push = factory(target.client(), mapping).push(order)
    assert push.status == "failed"
    assert "the store refused" in (push.said or "") and "401" in (push.said or "")
    assert "cs_not_this_one" not in (push.said or "")
    factory.close()  # nothing was created, nothing to delete
    assert store.deleted == []


def test_a_store_connector_needs_its_keys() -> None:
    with pytest.raises(ExternalConnectorError, match="consumer_key and consumer_secret"):
        connector_from_spec("store:https://staging.example", consumer_key="ck_only")

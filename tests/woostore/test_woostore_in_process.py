"""The store from inside: what a test or a pull-style driver does as the shop itself."""

from __future__ import annotations

import re

import pytest
import requests
from woostore_helpers import API, scenario_order

from harness.woostore import EmbeddedStore, ManualClock
from harness.wsgi import LoopbackServer
from harness.yamlfile import ConfigFileError


def test_place_is_a_checkout(store: EmbeddedStore, clock: ManualClock) -> None:
    given = scenario_order("existing-customer")
    placed = store.place(given)
    assert placed.id == 1001 and placed.number == "1001"
    assert re.fullmatch(r"wc_order_[A-Za-z0-9]{13}", placed.order_key)
    assert str(placed.date_created_gmt) == str(placed.date_modified_gmt) == "2024-06-20 10:00:00"
    assert placed.status == given.status == "processing"
    assert str(placed.date_paid) == "2024-06-20 10:00:00"
    assert placed.total == given.total
    assert [line.sku for line in placed.line_items] == [line.sku for line in given.line_items]
    assert placed.check_invariants() == []
    item_ids = [item.id for item in placed.line_items + placed.shipping_lines]
    assert len(set(item_ids)) == len(item_ids)
    clock.advance(minutes=1)
    second = store.place(scenario_order("existing-customer"))
    assert second.id == 1002
    assert not {item.id for item in second.line_items} & set(item_ids)
    assert [o.id for o in store.orders()] == [1001, 1002]


def test_notes_status_and_meta_from_inside(store: EmbeddedStore, clock: ManualClock) -> None:
    placed = store.place(scenario_order("existing-customer"))
    assert [n.note for n in store.notes(placed.id)] == [
        "Order status changed from Pending payment to Processing."]
    clock.advance(hours=1)
    done = store.set_status(placed.id, "completed")
    assert str(done.date_modified_gmt) == "2024-06-20 11:00:00"
    assert store.notes(placed.id)[-1].note == (
        "Order status changed from Processing to Completed.")
    assert store.order(placed.id).meta("_netsuite_id") is None
    with pytest.raises(KeyError, match="no order 4242"):
        store.order(4242)


def test_reset_forgets_orders_and_webhooks(store: EmbeddedStore) -> None:
    store.place(scenario_order("existing-customer"))
    store.add_webhook("http://127.0.0.1:9/hook")
    store.reset()
    assert store.orders() == [] and store.hooks.records == {}
    assert store.place(scenario_order("existing-customer")).id == 1001


def test_intercept_answers_the_stores_own_host_only(store: EmbeddedStore) -> None:
    answer = requests.get(f"{store.url}{API}/orders",
                          auth=(store.consumer_key, store.consumer_secret), timeout=5)
    assert answer.status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get("http://127.0.0.1:9/", timeout=2)


def test_served_over_http(store: EmbeddedStore, served: LoopbackServer) -> None:
    url = served.url
    answer = requests.get(f"{url}{API}/orders/1", auth=(store.consumer_key,
                                                          store.consumer_secret), timeout=5)
    assert answer.status_code == 404
    assert answer.json()["code"] == "woocommerce_rest_shop_order_invalid_id"
    assert answer.headers["Content-Length"] == str(len(answer.content))


def test_another_catalogue(tmp_path: object, clock: ManualClock) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    good = folder / "store.yaml"
    good.write_text(
        "store:\n  name: Tiny\n  url: https://tiny.example\n  products:\n"
        "    - {sku: ONE, price: '3.00', product_id: 5}\n"
        "scenarios: []\n"
    )
    tiny = EmbeddedStore(good, clock=clock)
    assert tiny.url == "https://tiny.example"
    assert [p.sku for p in tiny.data.products.values()] == ["ONE"]
    bad = folder / "bad.yaml"
    bad.write_text("store:\n  name: Tiny\n  products:\n    - {sku: ONE, price: cheap}\n")
    with pytest.raises(ConfigFileError, match=r"bad.yaml:4: store.products.0.price"):
        EmbeddedStore(bad)
    empty = folder / "empty.yaml"
    empty.write_text("scenarios: []\n")
    with pytest.raises(ConfigFileError, match="store: section is missing"):
        EmbeddedStore(empty)

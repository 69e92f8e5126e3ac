"""The shop's own changes a pull-style driver makes: an order placed with its own id, and a
shop manager's edit saved over it (`EmbeddedStore.place(keep_id=True)`, `replace`)."""

from __future__ import annotations

import pytest
from woostore_helpers import Api, scenario_order

from harness.woo.generate import apply_update
from harness.woo.orderspec import OrderUpdate
from harness.woostore import EmbeddedStore, ManualClock


def test_an_order_can_keep_its_own_id_and_number(store: EmbeddedStore) -> None:
    given = scenario_order("existing-customer")
    placed = store.place(given, keep_id=True)
    assert (placed.id, placed.number) == (given.id, given.number)
    assert placed.order_key == given.order_key  # kept too: the same store answers every run
    assert str(placed.date_created_gmt) == "2024-06-20 10:00:00"
    assert store.place(scenario_order("new-customer")).id == given.id + 1  # ids go on after it
    with pytest.raises(ValueError, match=f"cannot take order id {given.id}: it has an order"):
        store.place(given, keep_id=True)


def test_a_shop_edit_moves_date_modified_even_when_nothing_changed(
    store: EmbeddedStore, clock: ManualClock, api: Api
) -> None:
    placed = store.place(scenario_order("existing-customer"), keep_id=True)
    clock.advance(minutes=5)
    again = store.replace(placed.id, placed)
    assert str(again.date_modified_gmt) == "2024-06-20 10:05:00"
    assert str(again.date_created_gmt) == "2024-06-20 10:00:00"
    assert again.order_key == placed.order_key
    listed = api.get("/orders", modified_after="2024-06-20T10:00:00", dates_are_gmt="true")
    assert [o["id"] for o in listed.json()] == [placed.id]  # a connector sees it again


def test_a_shop_edit_keeps_what_a_connector_wrote_back_and_notes_a_new_status(
    store: EmbeddedStore, clock: ManualClock, api: Api
) -> None:
    placed = store.place(scenario_order("existing-customer"), keep_id=True)
    written = api.put(f"/orders/{placed.id}",
                      {"meta_data": [{"key": "_netsuite_so_id", "value": "41"}]})
    assert written.status_code == 200
    clock.advance(minutes=1)
    cancelled = apply_update(placed, OrderUpdate(status="cancelled"))
    after = store.replace(placed.id, cancelled)
    assert after.status == "cancelled" and after.meta("_netsuite_so_id") == "41"
    assert store.notes(placed.id)[-1].note == (
        "Order status changed from Processing to Cancelled.")
    assert after.line_items[0].id != placed.line_items[0].id  # the store's new item ids
    with pytest.raises(KeyError, match="no order 4242"):
        store.replace(4242, placed)

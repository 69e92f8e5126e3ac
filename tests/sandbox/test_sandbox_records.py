"""The record service against reference/netsuite-rest.md section 3 (create, read, update,
upsert, delete) and section 7 (data formats). One test per documented behaviour."""

from __future__ import annotations

import re

from sandbox_helpers import Client, details, order_body

from harness.sandbox.serve import Sandbox

ID_AT_END = re.compile(r"/(\d+)$")


def test_create_returns_204_empty_body_and_absolute_location(ns: Client, sandbox: Sandbox) -> None:
    response = ns.post("record/v1/customer", {"companyName": "Globex", "subsidiary": {"id": "1"}})
    assert response.status_code == 204
    assert response.content == b""
    location = response.headers["Location"]
    assert location.startswith(sandbox.base_url + "/services/rest/record/v1/customer/")
    assert ID_AT_END.search(location)


def test_new_ids_are_sequential_per_family(ns: Client) -> None:
    first = int(ns.create("customer", {"companyName": "A Co", "subsidiary": {"id": "1"}}))
    second = int(ns.create("customer", {"companyName": "B Co", "subsidiary": {"id": "1"}}))
    assert first == 1006  # after the demo's last entity, 1005
    assert second == first + 1
    order = int(ns.create("salesOrder", order_body()))
    assert order == 1  # transactions have their own sequence


def test_get_shows_ids_as_strings_references_as_links_and_amounts_as_numbers(
    ns: Client, sandbox: Sandbox
) -> None:
    new_id = ns.create("salesOrder", order_body(otherRefNum="WOO-1001"))
    body = ns.get(f"record/v1/salesOrder/{new_id}").json()
    assert body["id"] == new_id
    assert body["links"] == [
        {"rel": "self", "href": f"{sandbox.base_url}/services/rest/record/v1/salesOrder/{new_id}"}
    ]
    assert body["entity"] == {
        "links": [
            {"rel": "self", "href": f"{sandbox.base_url}/services/rest/record/v1/customer/1001"}
        ],
        "id": "1001",
        "refName": "Jane Doe",
    }
    assert body["tranDate"] == "2024-03-15"  # the fixed clock's day in Los Angeles
    assert body["subtotal"] == 2 * 45.5 + 12.0
    assert isinstance(body["total"], float)
    assert body["otherRefNum"] == "WOO-1001"
    assert body["currencyPrecision"] == 2


def test_get_without_expansion_shows_sublists_as_links_only(ns: Client) -> None:
    new_id = ns.create("salesOrder", order_body())
    body = ns.get(f"record/v1/salesOrder/{new_id}").json()
    assert set(body["item"]) == {"links"}
    assert body["item"]["links"][0]["href"].endswith(f"/record/v1/salesorder/{new_id}/item")


def test_expand_sub_resources_lists_lines_with_paging_keys(ns: Client) -> None:
    new_id = ns.create("salesOrder", order_body())
    item = ns.get(f"record/v1/salesOrder/{new_id}", expandSubResources="true").json()["item"]
    assert item["totalResults"] == 2 and item["count"] == 2 and item["hasMore"] is False
    first, second = item["items"]
    assert first["line"] == 1 and second["line"] == 2
    assert first["item"]["refName"] == "HOODIE-BLK-M"
    assert first["quantity"] == 2.0 and first["rate"] == 45.5 and first["amount"] == 91.0
    assert first["price"]["id"] == "-1"  # a sent rate makes the price level Custom
    assert second["rate"] == 12.0  # sourced from the item's base price
    assert second["links"][0]["href"].endswith(f"/salesorder/{new_id}/item/2")


def test_customer_create_and_get_round_trip(ns: Client) -> None:
    new_id = ns.create(
        "customer",
        {
            "isPerson": True,
            "firstName": "Bob",
            "lastName": "Lee",
            "email": "bob@example.com",
            "subsidiary": {"id": 1},
        },
    )
    body = ns.get(f"record/v1/customer/{new_id}").json()
    assert body["entityId"] == "Bob Lee"
    assert body["isPerson"] is True
    assert body["currency"]["refName"] == "USA"  # from the subsidiary
    assert body["taxable"] is True


def test_nonexistent_entity_id_is_404_nonexistent_id(ns: Client) -> None:
    response = ns.get("record/v1/customer/999999")
    assert response.status_code == 404
    assert details(response) == [
        {
            "detail": "The record instance does not exist. Provide a valid record instance ID.",
            "o:errorCode": "NONEXISTENT_ID",
        }
    ]


def test_unknown_record_type_is_404(ns: Client) -> None:
    response = ns.get("record/v1/bad-path/1")
    assert response.status_code == 404
    assert details(response)[0]["detail"] == "Record type 'bad-path' does not exist."

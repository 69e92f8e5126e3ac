"""The record service against reference/netsuite-rest.md section 3 (create, read, update,
upsert, delete) and section 7 (data formats). One test per documented behaviour."""

from __future__ import annotations

import re
from decimal import Decimal

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


def test_transaction_id_of_another_type_or_none_is_transaction_type_incorrect(ns: Client) -> None:
    response = ns.get("record/v1/salesOrder/424242")
    assert response.status_code == 400
    assert details(response) == [
        {
            "detail": "Error while accessing a resource. Transaction type specified is incorrect.",
            "o:errorCode": "USER_ERROR",
        }
    ]


def test_record_type_names_in_urls_are_case_insensitive(ns: Client) -> None:
    new_id = ns.create("SALESORDER", order_body())
    assert ns.get(f"record/v1/salesorder/{new_id}").status_code == 200
    assert ns.get(f"record/v1/SalesOrder/{new_id}").json()["id"] == new_id


def test_property_names_match_case_insensitively_and_come_back_canonical(ns: Client) -> None:
    body = order_body(OTHERREFNUM="PO-7", memo="hello")
    body["ENTITY"] = body.pop("entity")
    new_id = ns.create("salesOrder", body)
    got = ns.get(f"record/v1/salesOrder/{new_id}").json()
    assert got["otherRefNum"] == "PO-7"
    assert got["entity"]["id"] == "1001"
    assert "OTHERREFNUM" not in got


def test_patch_returns_204_with_location_and_changes_only_sent_fields(
    ns: Client, sandbox: Sandbox
) -> None:
    new_id = ns.create("salesOrder", order_body(memo="first", otherRefNum="PO-1"))
    response = ns.patch(f"record/v1/salesOrder/{new_id}", {"memo": "second"})
    assert response.status_code == 204 and response.content == b""
    assert response.headers["Location"].endswith(f"/record/v1/salesOrder/{new_id}")
    got = ns.get(f"record/v1/salesOrder/{new_id}").json()
    assert got["memo"] == "second" and got["otherRefNum"] == "PO-1"


def test_patch_null_clears_a_field(ns: Client) -> None:
    new_id = ns.create("salesOrder", order_body(memo="to be cleared"))
    ns.patch(f"record/v1/salesOrder/{new_id}", {"memo": None})
    assert "memo" not in ns.get(f"record/v1/salesOrder/{new_id}").json()


def test_patch_targets_a_line_by_line_number_and_appends_lines_without_one(ns: Client) -> None:
    new_id = ns.create("salesOrder", order_body())
    response = ns.patch(
        f"record/v1/salesOrder/{new_id}",
        {"item": {"items": [{"line": 2, "quantity": 3}, {"item": {"id": "105"}, "quantity": 1}]}},
    )
    assert response.status_code == 204, response.text
    got = ns.get(f"record/v1/salesOrder/{new_id}", expandSubResources="true").json()
    lines = got["item"]["items"]
    assert [line["line"] for line in lines] == [1, 2, 3]
    assert lines[1]["quantity"] == 3.0 and lines[1]["amount"] == 36.0
    assert lines[2]["item"]["refName"] == "BEANIE-GRY"
    assert got["subtotal"] == 91.0 + 36.0 + 15.0


def test_patch_replace_item_keeps_only_the_lines_sent(ns: Client) -> None:
    new_id = ns.create("salesOrder", order_body())
    response = ns.request(
        "PATCH",
        f"record/v1/salesOrder/{new_id}",
        params={"replace": "item"},
        json={"item": {"items": [{"line": 2}]}},
    )
    assert response.status_code == 204, response.text
    got = ns.get(f"record/v1/salesOrder/{new_id}", expandSubResources="true").json()
    assert [line["line"] for line in got["item"]["items"]] == [2]
    assert got["subtotal"] == 12.0


def test_patch_of_an_unknown_line_is_an_invalid_field_value(ns: Client) -> None:
    new_id = ns.create("salesOrder", order_body())
    response = ns.patch(
        f"record/v1/salesOrder/{new_id}", {"item": {"items": [{"line": 9, "quantity": 1}]}}
    )
    assert response.status_code == 400
    assert details(response)[0]["o:errorPath"] == "item.items[0].line"


def test_put_eid_creates_then_updates_the_same_record(ns: Client) -> None:
    first = ns.put("record/v1/salesOrder/eid:WOO-77", order_body(memo="v1"))
    assert first.status_code == 204 and first.content == b""
    first_id = first.headers["Location"].rsplit("/", 1)[1]
    second = ns.put("record/v1/salesOrder/eid:WOO-77", {"memo": "v2"})
    assert second.status_code == 204
    assert second.headers["Location"].rsplit("/", 1)[1] == first_id
    got = ns.get("record/v1/salesOrder/eid:WOO-77").json()
    assert got["id"] == first_id and got["memo"] == "v2" and got["externalId"] == "WOO-77"
    count = ns.suiteql("SELECT COUNT(*) AS n FROM transaction WHERE externalid = 'WOO-77'")
    assert count.json()["items"][0]["n"] == "1"


def test_put_on_an_internal_id_is_not_an_upsert(ns: Client) -> None:
    new_id = ns.create("salesOrder", order_body())
    response = ns.put(f"record/v1/salesOrder/{new_id}", {"memo": "x"})
    assert response.status_code == 405
    assert "external ID" in details(response)[0]["detail"]


def test_delete_returns_204_and_the_record_is_gone(ns: Client) -> None:
    new_id = ns.create("customer", {"companyName": "Temp Co", "subsidiary": {"id": "1"}})
    response = ns.delete(f"record/v1/customer/{new_id}")
    assert response.status_code == 204 and response.content == b""
    assert ns.get(f"record/v1/customer/{new_id}").status_code == 404


def test_delete_of_a_customer_with_orders_is_refused(ns: Client) -> None:
    ns.create("salesOrder", order_body())
    response = ns.delete("record/v1/customer/1001")
    assert response.status_code == 400
    assert details(response)[0]["detail"].endswith("because it has dependent records.")
    assert ns.get("record/v1/customer/1001").status_code == 200


def test_eid_works_in_paths_and_in_references(ns: Client) -> None:
    ns.create(
        "customer",
        {"companyName": "Ext Co", "subsidiary": {"id": "1"}, "externalId": "WOO-CUST-9"},
    )
    got = ns.get("record/v1/customer/eid:WOO-CUST-9").json()
    assert got["companyName"] == "Ext Co"
    order_id = ns.create("salesOrder", order_body(entity={"externalId": "WOO-CUST-9"}))
    order = ns.get(f"record/v1/salesOrder/{order_id}").json()
    assert order["entity"]["id"] == got["id"]
    assert ns.delete("record/v1/customer/eid:NOPE").status_code == 404


def test_creating_a_duplicate_external_id_is_refused(ns: Client) -> None:
    ns.create("customer", {"companyName": "One", "subsidiary": {"id": "1"}, "externalId": "C1"})
    again = ns.post(
        "record/v1/customer", {"companyName": "Two", "subsidiary": {"id": "1"}, "externalId": "C1"}
    )
    assert again.status_code == 400
    assert details(again) == [
        {
            "detail": "Error while accessing a resource. This entity already exists.",
            "o:errorCode": "USER_ERROR",
        }
    ]
    ns.create("salesOrder", order_body(externalId="SO-1"))
    order_again = ns.post("record/v1/salesOrder", order_body(externalId="SO-1"))
    assert details(order_again)[0]["detail"].endswith("This record already exists.")


def test_missing_mandatory_fields_are_listed_by_label(ns: Client) -> None:
    response = ns.post("record/v1/customer", {"isPerson": True, "email": "x@example.com"})
    assert response.status_code == 400
    assert details(response) == [
        {
            "detail": "Error while accessing a resource. Please enter value(s) for: "
            "First Name, Last Name, Primary Subsidiary.",
            "o:errorCode": "USER_ERROR",
        }
    ]
    no_customer = ns.post("record/v1/salesOrder", {"item": order_body()["item"]})
    assert details(no_customer)[0]["detail"].endswith("Please enter value(s) for: Customer.")


def test_an_order_without_lines_is_refused(ns: Client) -> None:
    response = ns.post("record/v1/salesOrder", {"entity": {"id": "1001"}})
    assert response.status_code == 400
    assert details(response)[0]["detail"].endswith(
        "You must enter at least one line item for this transaction."
    )


def test_line_amounts_round_half_up_at_the_currency_precision(ns: Client) -> None:
    body = order_body()
    body["item"]["items"] = [{"item": {"id": "104"}, "quantity": 3, "rate": 0.335}]
    new_id = ns.create("salesOrder", body)
    got = ns.get(f"record/v1/salesOrder/{new_id}", expandSubResources="true").json()
    assert got["item"]["items"][0]["amount"] == 1.01  # 1.005 rounds up, not to even
    assert got["subtotal"] == 1.01


def test_an_amount_sent_without_rate_sets_the_rate(ns: Client) -> None:
    body = order_body()
    body["item"]["items"] = [{"item": {"id": "101"}, "quantity": 4, "amount": 150}]
    new_id = ns.create("salesOrder", body)
    line = ns.get(f"record/v1/salesOrder/{new_id}/item/1").json()
    assert line["amount"] == 150.0 and line["rate"] == 37.5


def test_order_sources_subsidiary_currency_and_prices_from_the_customer(ns: Client) -> None:
    body = {"entity": {"id": "1003"}, "item": {"items": [{"item": {"id": "104"}, "quantity": 2}]}}
    new_id = ns.create("salesOrder", body)
    got = ns.get(f"record/v1/salesOrder/{new_id}", expandSubResources="true").json()
    assert got["subsidiary"]["id"] == "2"
    assert got["currency"]["refName"] == "Canadian Dollar"
    assert got["exchangeRate"] == 0.73
    assert got["item"]["items"][0]["rate"] == 16.0  # the CAD base price
    assert got["subtotal"] == 32.0


def test_header_totals_add_shipping_and_discount(ns: Client) -> None:
    body = order_body(
        shipMethod={"id": "201"},
        discountItem={"id": "120"},
        discountRate="-10%",
        handlingCost=2.5,
    )
    new_id = ns.create("salesOrder", body)
    got = ns.get(f"record/v1/salesOrder/{new_id}").json()
    assert got["subtotal"] == 103.0
    assert got["shippingCost"] == 9.95  # the ship item's default cost
    assert got["discountTotal"] == -10.3
    tax = Decimal(str(got.get("taxTotal", 0)))  # whatever the tax rules computed
    assert (
        Decimal(str(got["total"]))
        == Decimal("103.00") - Decimal("10.30") + Decimal("9.95") + Decimal("2.50") + tax
    )


def test_fields_parameter_returns_only_the_listed_fields(ns: Client) -> None:
    new_id = ns.create("salesOrder", order_body(memo="m"))
    got = ns.get(f"record/v1/salesOrder/{new_id}", fields="memo,total").json()
    assert set(got) == {"links", "id", "memo", "total"}


def test_sub_resources_are_readable_on_their_own(ns: Client) -> None:
    address = {
        "addressee": "Jane Doe",
        "addr1": "1 Main St",
        "city": "SF",
        "state": "CA",
        "zip": "94105",
        "country": "US",
    }
    new_id = ns.create("salesOrder", order_body(shippingAddress=address))
    lines = ns.get(f"record/v1/salesOrder/{new_id}/item").json()
    assert [item["line"] for item in lines["items"]] == [1, 2]
    line = ns.get(f"record/v1/salesorder/{new_id}/item/2").json()
    assert line["item"]["refName"] == "MUG-WHT"
    ship = ns.get(f"record/v1/salesOrder/{new_id}/shippingAddress").json()
    assert ship["city"] == "SF" and ship["addrText"].startswith("Jane Doe\n1 Main St")
    order = ns.get(f"record/v1/salesOrder/{new_id}").json()
    assert order["shipAddress"] == ship["addrText"]
    assert ns.get(f"record/v1/salesOrder/{new_id}/item/7").status_code == 404


def test_sales_lines_are_stored_with_the_posting_sign(ns: Client) -> None:
    new_id = ns.create("salesOrder", order_body())
    rows = ns.suiteql(
        "SELECT tl.quantity, tl.foreignamount FROM transactionline tl "
        f"WHERE tl.transaction = {new_id} AND tl.mainline = 'F' ORDER BY tl.id"
    ).json()["items"]
    assert [(r["quantity"], r["foreignamount"]) for r in rows] == [("-2", "-91"), ("-1", "-12")]


def test_a_transaction_of_another_type_is_not_a_sales_order(ns: Client, sandbox: Sandbox) -> None:
    with sandbox.store.write() as conn:
        conn.execute(
            'INSERT INTO "transaction" (id, tranid, trandate, type, recordtype, entity)'
            " VALUES (900, 'INV1', '2024-01-01', 'CustInvc', 'invoice', 1001)"
        )
    response = ns.get("record/v1/salesOrder/900")
    assert response.status_code == 400
    assert details(response)[0]["detail"].endswith("Transaction type specified is incorrect.")
    assert ns.patch("record/v1/salesOrder/900", {"memo": "x"}).status_code == 400
    assert ns.delete("record/v1/salesOrder/900").status_code == 400


def test_fields_are_ignored_when_sub_resources_are_expanded(ns: Client) -> None:
    new_id = ns.create("salesOrder", order_body(memo="m"))
    got = ns.get(f"record/v1/salesOrder/{new_id}", fields="memo", expandSubResources="true").json()
    assert "total" in got and got["item"]["items"]

"""`POST salesOrder/<id>/!transform/{itemFulfillment,invoice,cashSale}` (reference 1.1,
Oracle's sales order use cases 6 and 7): the new record's 204 and Location; an empty body
takes every line that is due; `item.items[{orderLine, quantity | itemreceive}]` picks lines.
The choices the sources leave open are written in harness/sandbox/records/transform.py."""

from __future__ import annotations

from typing import Any

from sandbox_helpers import Client, details, order_body, tba
from wider_role import wide, wide_sandbox

from harness.sandbox.serve import Sandbox

__all__ = ["wide", "wide_sandbox"]  # fixtures

NO_LINES = (
    "Error while accessing a resource. "
    "You must have at least one valid line item for this transaction."
)


def approved_order(client: Client, **extra: Any) -> str:
    """Jane's order (2 x HOODIE-BLK-M at 45.50, 1 x MUG-WHT), approved, shipped UPS Ground."""
    return client.create(
        "salesOrder", order_body(orderStatus="B", shipMethod={"id": "201"}, **extra)
    )


def transform(client: Client, order: str, target: str, body: Any = None) -> Any:
    path = f"record/v1/salesOrder/{order}/!transform/{target}"
    if body is None:
        return client.request("POST", path)
    return client.post(path, body)


def made(client: Client, response: Any) -> dict[str, Any]:
    assert response.status_code == 204, response.text
    document: dict[str, Any] = client.get(
        response.headers["Location"], expandSubResources="true"
    ).json()
    return document


def order_state(client: Client, order: str) -> tuple[str, list[tuple[float, float]]]:
    document = client.get(f"record/v1/salesOrder/{order}", expandSubResources="true").json()
    lines = [
        (line.get("quantityFulfilled", 0), line.get("quantityBilled", 0))
        for line in document["item"]["items"]
    ]
    return document["status"], lines


def test_a_fulfillment_is_created_with_204_and_its_location(
    wide: Client, wide_sandbox: Sandbox
) -> None:
    order = approved_order(wide)
    response = transform(wide, order, "itemFulfillment")
    assert response.status_code == 204 and response.content == b""
    location = response.headers["Location"]
    assert location.startswith(f"{wide_sandbox.base_url}/services/rest/record/v1/itemFulfillment/")
    fulfillment = made(wide, response)
    assert fulfillment["createdFrom"]["id"] == order
    assert fulfillment["entity"]["id"] == "1001"
    assert fulfillment["shipStatus"] == "C"
    assert fulfillment["tranId"] == "IF1"
    assert [
        (ln["item"]["id"], ln["quantity"], ln["orderLine"]) for ln in fulfillment["item"]["items"]
    ] == [
        ("101", 2.0, 1),
        ("104", 1.0, 2),
    ]


def test_fulfilling_every_line_moves_the_order_to_pending_billing(wide: Client) -> None:
    order = approved_order(wide)
    made(wide, transform(wide, order, "itemFulfillment"))
    assert order_state(wide, order) == ("F", [(2.0, 0), (1.0, 0)])


def test_oracles_lowercase_path_and_a_partial_fulfillment(wide: Client) -> None:
    """CONFIRMED body (use case 6): a smaller quantity, and `itemreceive: false` to skip."""
    order = approved_order(wide)
    body = {
        "item": {
            "items": [
                {"orderLine": 1, "quantity": 1},
                {"orderLine": 2, "itemreceive": False},
            ]
        }
    }
    response = wide.post(f"record/v1/salesorder/{order}/!transform/itemfulfillment", body)
    fulfillment = made(wide, response)
    assert [(ln["orderLine"], ln["quantity"]) for ln in fulfillment["item"]["items"]] == [(1, 1.0)]
    assert order_state(wide, order) == ("E", [(1.0, 0), (0, 0)])
    rest = made(wide, transform(wide, order, "itemFulfillment"))
    assert [(ln["orderLine"], ln["quantity"]) for ln in rest["item"]["items"]] == [
        (1, 1.0),
        (2, 1.0),
    ]
    assert rest["tranId"] == "IF2"
    assert order_state(wide, order)[0] == "F"


def test_nothing_left_to_fulfill_is_refused_with_netsuites_words(wide: Client) -> None:
    order = approved_order(wide)
    made(wide, transform(wide, order, "itemFulfillment"))
    response = transform(wide, order, "itemFulfillment")
    assert response.status_code == 400
    assert details(response) == [{"detail": NO_LINES, "o:errorCode": "USER_ERROR"}]


def test_more_than_remains_on_a_line_is_refused_on_that_line(wide: Client) -> None:
    order = approved_order(wide)
    response = transform(
        wide, order, "itemFulfillment", {"item": {"items": [{"orderLine": 1, "quantity": 3}]}}
    )
    assert response.status_code == 400
    (detail,) = details(response)
    assert detail["o:errorPath"] == "item.items[0].quantity"
    assert "2 remaining on order line 1" in detail["detail"]


def test_an_order_line_that_is_not_on_the_order_is_an_invalid_field_value(wide: Client) -> None:
    order = approved_order(wide)
    response = transform(wide, order, "itemFulfillment", {"item": {"items": [{"orderLine": 9}]}})
    assert details(response) == [
        {
            "detail": "Error while accessing a resource. You have entered an Invalid Field "
            "Value 9 for the following field: orderline.",
            "o:errorCode": "INVALID_CONTENT",
            "o:errorPath": "item.items[0].orderLine",
        }
    ]


def test_an_order_pending_approval_is_neither_fulfilled_nor_billed(wide: Client) -> None:
    order = wide.create("salesOrder", order_body(orderStatus="A"))
    for target in ("itemFulfillment", "invoice"):
        response = transform(wide, order, target)
        assert response.status_code == 400
        assert "pending approval" in details(response)[0]["detail"]


def test_an_invoice_bills_what_was_fulfilled_with_the_orders_amounts(wide: Client) -> None:
    """CONFIRMED (use case 7): an empty body bills "all fulfilled items and quantities"."""
    order = approved_order(wide)
    response = transform(wide, order, "invoice")
    assert details(response) == [{"detail": NO_LINES, "o:errorCode": "USER_ERROR"}]
    made(wide, transform(wide, order, "itemFulfillment"))
    invoice = made(wide, transform(wide, order, "invoice"))
    sales_order = wide.get(f"record/v1/salesOrder/{order}", expandSubResources="true").json()
    for name in ("subtotal", "taxTotal", "shippingCost", "total"):
        assert invoice[name] == sales_order[name], name
    assert [ln["amount"] for ln in invoice["item"]["items"]] == [
        ln["amount"] for ln in sales_order["item"]["items"]
    ]
    assert invoice["tranId"] == "INV1"
    assert invoice["createdFrom"]["id"] == order
    assert invoice["billingAddress"] == {
        **sales_order["billingAddress"],
        "links": invoice["billingAddress"]["links"],
    }
    assert order_state(wide, order) == ("G", [(2.0, 2.0), (1.0, 1.0)])


def test_items_that_do_not_ship_are_billed_without_a_fulfillment(wide: Client) -> None:
    body = order_body(orderStatus="B")
    body["item"]["items"].append({"item": {"id": "106"}, "quantity": 3})
    order = wide.create("salesOrder", body)
    cash_sale = made(wide, transform(wide, order, "cashSale"))
    assert [(ln["item"]["id"], ln["quantity"]) for ln in cash_sale["item"]["items"]] == [
        ("106", 3.0)
    ]
    assert cash_sale["tranId"] == "CS1"
    assert order_state(wide, order)[0] == "B"


def test_a_partial_bill_prices_its_quantity_and_the_second_carries_no_shipping(
    wide: Client,
) -> None:
    order = approved_order(wide)
    made(wide, transform(wide, order, "itemFulfillment"))
    first = made(
        wide,
        transform(
            wide,
            order,
            "invoice",
            {"item": {"items": [{"orderLine": 1, "quantity": 1}, {"orderLine": 2, "quantity": 0}]}},
        ),
    )
    assert [(ln["quantity"], ln["amount"]) for ln in first["item"]["items"]] == [(1.0, 45.5)]
    assert first["shippingCost"] == 9.95
    second = made(wide, transform(wide, order, "invoice"))
    assert [ln["orderLine"] for ln in second["item"]["items"]] == [1, 2]
    assert "shippingCost" not in second
    assert order_state(wide, order)[0] == "G"


def test_deleting_a_fulfillment_gives_the_order_its_lines_back(wide: Client) -> None:
    order = approved_order(wide)
    fulfillment = made(wide, transform(wide, order, "itemFulfillment"))
    refused = wide.delete(f"record/v1/salesOrder/{order}")
    assert refused.status_code == 400  # a fulfillment still points at it
    assert wide.delete(f"record/v1/itemFulfillment/{fulfillment['id']}").status_code == 204
    assert order_state(wide, order) == ("B", [(0, 0), (0, 0)])


def test_a_role_without_item_fulfillment_cannot_fulfil(ns: Client, sandbox: Sandbox) -> None:
    order = ns.create("salesOrder", order_body(orderStatus="B"))
    view_only = Client(sandbox.base_url, tba(sandbox, 1))  # role 1011: orders at View only
    response = transform(view_only, order, "itemFulfillment")
    assert response.status_code == 403
    assert details(response)[0]["detail"].startswith(
        "Permission Violation: You need  the 'Transactions -> Item Fulfillment' permission"
    )


def test_fulfillments_and_bills_are_made_only_by_transform(wide: Client) -> None:
    response = wide.post("record/v1/invoice", {"entity": {"id": "1001"}})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, DELETE"
    assert "!transform/invoice" in details(response)[0]["detail"]


def test_a_transform_the_sandbox_does_not_know_is_refused(wide: Client) -> None:
    order = approved_order(wide)
    assert transform(wide, order, "customer").status_code == 400
    assert transform(wide, order, "nothing").status_code == 404
    assert wide.post("record/v1/customer/1001/!transform/invoice", {}).status_code == 400


def test_suiteql_sees_the_fulfillment_and_its_order(wide: Client) -> None:
    order = approved_order(wide)
    fulfillment = made(wide, transform(wide, order, "itemFulfillment"))
    rows = wide.suiteql(
        f"SELECT id, type, createdfrom FROM transaction WHERE createdfrom = {order}"
    ).json()["items"]
    assert rows == [
        {"links": [], "id": fulfillment["id"], "type": "ItemShip", "createdfrom": order}
    ]


def test_a_transforms_body_is_checked_like_any_other(wide: Client) -> None:
    order = approved_order(wide)
    response = transform(wide, order, "itemFulfillment", {"memo": "m" * 1000})
    assert details(response)[0]["o:errorPath"] == "memo"
    response = wide.request(
        "POST",
        f"record/v1/salesOrder/{order}/!transform/itemFulfillment",
        data='{"item": {"items": [{"orderLine": 1, "x\\udc00": 1}]}}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert details(response)[0]["o:errorCode"] == "INVALID_CONTENT"
    assert order_state(wide, order)[0] == "B"


def test_a_fulfilled_order_cannot_go_back_to_pending_approval(wide: Client) -> None:
    """CONFIRMED rule (reference salesorder-semantics 1.3); INFERRED wording."""
    order = approved_order(wide)
    made(wide, transform(wide, order, "itemFulfillment"))
    response = wide.patch(f"record/v1/salesOrder/{order}", {"orderStatus": "A"})
    assert response.status_code == 400
    assert details(response)[0]["o:errorPath"] == "orderStatus"
    assert order_state(wide, order)[0] == "F"


def test_an_edited_order_keeps_its_counts_and_status(wide: Client) -> None:
    order = approved_order(wide)
    made(wide, transform(wide, order, "itemFulfillment"))
    assert wide.patch(f"record/v1/salesOrder/{order}", {"memo": "gift"}).status_code == 204
    assert wide.patch(f"record/v1/salesOrder/{order}", {"orderStatus": "B"}).status_code == 204
    assert order_state(wide, order) == ("F", [(2.0, 0), (1.0, 0)])


def test_a_transform_and_the_metadata_work_over_http(wide_sandbox: Sandbox) -> None:
    """Over a socket, an empty POST without a Content-Type (as Oracle's samples send it) is a
    transform with no overrides, and the new record's Location is on the server's own URL."""
    wide_sandbox.reset()
    server = wide_sandbox.serve_http()
    try:
        client = Client(server.url, tba(wide_sandbox))
        order = approved_order(client)
        response = client.request(
            "POST", f"record/v1/salesorder/{order}/!transform/itemfulfillment"
        )
        assert response.status_code == 204, response.text
        assert response.headers["Location"].startswith(server.url)
        schema = client.request(
            "GET",
            "record/v1/metadata-catalog/itemfulfillment",
            headers={"Accept": "application/schema+json"},
        )
        assert schema.json()["properties"]["createdFrom"]["readOnly"] is True
    finally:
        server.stop()


def test_the_demo_integration_role_may_fulfil_and_bill_its_orders(ns: Client) -> None:
    """The demo account's integration role holds Item Fulfillment, Invoice and Cash Sale, so
    a connector that fulfils and bills what it lands can be tried with the demo credentials."""
    order = approved_order(ns)
    made(ns, transform(ns, order, "itemFulfillment"))
    made(ns, transform(ns, order, "invoice"))
    assert order_state(ns, order)[0] == "G"  # Billed

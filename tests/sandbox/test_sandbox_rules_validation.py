"""Conformance of the sandbox's business validation, one test per fact, each citing its source
(reference file and line, or an Oracle help page) or marked INFERRED where none says it.

Values NetSuite refuses although they are well formed, read-only fields, workflow locks on
DELETE, every missing field named, inputs that once answered 500, legacy tax records over
REST, ship items, and address countries."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from rules_helpers import count_rows, lines, running, variant
from sandbox_helpers import Client, details, order_body, tba

from harness.sandbox.records.context import RequestContext
from harness.sandbox.resterror import RestError
from harness.sandbox.serve import HttpServer, Sandbox
from harness.sandbox.store.fields import RefSource

PREFIX = "Error while accessing a resource. "
ORDERS = "record/v1/salesOrder"


def refused(value: str, field_id: str, path: str) -> dict[str, str]:
    """A value NetSuite refuses on the record: the live REST form (netsuite-rest.md line 215,
    `USER_ERROR` "You have entered an Invalid Field Value ..." with `o:errorPath`)."""
    return {
        "detail": f"{PREFIX}You have entered an Invalid Field Value {value} "
        f"for the following field: {field_id}.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": path,
    }


def one_line(quantity: object = 1, rate: object = 49, **header: Any) -> dict[str, Any]:
    line = {"item": {"id": "101"}, "quantity": quantity, "rate": rate, "price": {"id": "-1"}}
    return {"entity": {"id": "1001"}, "item": {"items": [line]}, **header}


# --- 1. values refused although well formed ----------------------------------------------


@pytest.mark.parametrize("quantity", [-2, -0.5])
def test_a_negative_line_quantity_is_refused_naming_its_path(ns: Client, quantity: float) -> None:
    """Oracle help section_4588373194 (Adding Items on a Sales Transaction): "Do not enter a
    negative quantity in a transaction"."""
    response = ns.post(ORDERS, one_line(quantity))
    assert response.status_code == 400
    assert details(response) == [refused(str(quantity), "quantity", "item.items[0].quantity")]


def test_a_zero_line_quantity_is_refused(sandbox: Sandbox, ns: Client) -> None:
    """INFERRED: no source says what NetSuite does with 0 (an account's form may take it);
    a zero line sells nothing, and a connector sending one has lost the quantity."""
    before = count_rows(sandbox)
    response = ns.post(ORDERS, one_line(0))
    assert details(response) == [refused("0", "quantity", "item.items[0].quantity")]
    assert count_rows(sandbox) == before


def test_a_fractional_positive_quantity_is_still_accepted(ns: Client) -> None:
    """The refusal is of quantities at or below zero, nothing else (reference 1.1: quantity)."""
    assert ns.post(ORDERS, one_line(0.5)).status_code == 204


def test_an_edit_to_a_negative_quantity_is_refused_like_a_create(ns: Client) -> None:
    """Same source as the create: the rule is the line's, whatever the verb."""
    order = ns.create("salesOrder", one_line(2))
    response = ns.patch(f"{ORDERS}/{order}", {"item": {"items": [{"line": 1, "quantity": -1}]}})
    assert details(response) == [refused("-1", "quantity", "item.items[0].quantity")]


@pytest.mark.parametrize("rate", [-5, 1000, "100.5"])
def test_a_tax_rate_outside_0_to_100_percent_is_refused(ns: Client, rate: object) -> None:
    """INFERRED range: the header tax rate is a percentage (reference salesorder-semantics 2.2,
    US model "header tax item/tax group (`taxItem`, `taxRate`)")."""
    response = ns.post(ORDERS, one_line(taxRate=rate))
    assert details(response) == [refused(str(rate), "taxrate", "taxRate")]


@pytest.mark.parametrize("rate", [0, 100, "7.25%"])
def test_a_tax_rate_within_0_to_100_percent_is_taken(ns: Client, rate: object) -> None:
    """The same range, from inside (INFERRED)."""
    assert ns.post(ORDERS, one_line(taxRate=rate)).status_code == 204


def test_a_negative_shipping_cost_is_refused(ns: Client) -> None:
    """INFERRED: a shipping cost is a charge (salesorder-semantics line 178: the integrator
    overwrites `shippingCost` with the storefront's amount); a negative one is no charge."""
    response = ns.post(ORDERS, one_line(shipMethod={"id": "201"}, shippingCost=-3))
    assert details(response) == [refused("-3", "shippingcost", "shippingCost")]


def test_every_refused_value_of_one_request_is_reported_together(ns: Client) -> None:
    """As every invalid value is (reference salesorder-semantics 1.7: one detail per failure)."""
    body = one_line(-1, taxRate=-5, shipMethod={"id": "201"}, shippingCost=-3)
    assert [d["o:errorPath"] for d in details(ns.post(ORDERS, body))] == [
        "item.items[0].quantity",
        "taxRate",
        "shippingCost",
    ]


def test_a_header_discount_larger_than_the_subtotal_is_a_negative_total(
    sandbox: Sandbox, ns: Client
) -> None:
    """CONFIRMED text, Oracle help section_164206526447 (Troubleshooting Negative Total Error):
    "The total cannot be negative." Subtotal 49.00, discount -100.00: total -51.00."""
    before = count_rows(sandbox)
    response = ns.post(ORDERS, one_line(discountItem={"id": "120"}, discountRate=-100))
    assert response.status_code == 400
    assert details(response) == [
        {
            "detail": f"{PREFIX}The total cannot be negative.",
            "o:errorCode": "USER_ERROR",
            "o:errorPath": "total",
        }
    ]
    assert count_rows(sandbox) == before


def test_a_discount_that_brings_the_total_to_zero_is_taken(ns: Client) -> None:
    """Only a total below zero is refused (same source)."""
    order = ns.create("salesOrder", one_line(discountItem={"id": "120"}, discountRate=-49))
    assert ns.get(f"{ORDERS}/{order}").json()["total"] == 0.0


def test_a_discount_line_with_no_item_line_before_it_is_refused(ns: Client) -> None:
    """reference salesorder-semantics line 196 (CONFIRMED): a discount item line "adjusts the
    line value of the item preceding it"; with nothing before it there is nothing to adjust.
    The wording of the answer is INFERRED."""
    body = {
        "entity": {"id": "1001"},
        "item": {"items": [{"item": {"id": "120"}, "rate": -5}, {"item": {"id": "101"}}]},
    }
    (detail,) = details(ns.post(ORDERS, body))
    assert detail["o:errorCode"] == "USER_ERROR"
    assert detail["o:errorPath"] == "item.items[0].item"
    assert "discount item on line 1 has no item line before it" in detail["detail"]


def test_a_discount_line_after_its_item_is_taken(ns: Client) -> None:
    """The same fact, the right way round: the discount follows the item it discounts."""
    body = {
        "entity": {"id": "1001"},
        "item": {"items": [{"item": {"id": "101"}}, {"item": {"id": "120"}, "rate": -5}]},
    }
    assert ns.post(ORDERS, body).status_code == 204


def _book(*flags: tuple[bool, bool]) -> dict[str, Any]:
    return {
        "items": [
            {
                "label": f"Address {n}",
                "defaultShipping": shipping,
                "defaultBilling": billing,
                "addressbookaddress": {"addr1": f"{n} Main St", "city": "Reno", "country": "US"},
            }
            for n, (shipping, billing) in enumerate(flags, start=1)
        ]
    }


def test_two_default_shipping_addresses_in_an_address_book_are_refused(ns: Client) -> None:
    """INFERRED (no source gives NetSuite's text): a customer has one default shipping
    address, the one an order sources (salesorder-semantics line 58 and section 5, address
    book `defaultBilling`/`defaultShipping`)."""
    body = {
        "companyName": "Two Docks",
        "subsidiary": {"id": 1},
        "addressbook": _book((True, False), (True, True)),
    }
    (detail,) = details(ns.post("record/v1/customer", body))
    assert detail["o:errorCode"] == "USER_ERROR"
    assert detail["o:errorPath"] == "addressbook.items[1].defaultShipping"
    assert "Only one address can be the default shipping address" in detail["detail"]


def test_a_new_default_shipping_address_takes_the_role_from_the_old_one(ns: Client) -> None:
    """INFERRED: as checking Default Shipping on another address does in the UI."""
    customer = ns.create(
        "customer",
        {"companyName": "Moving Co", "subsidiary": {"id": 1}, "addressbook": _book((True, True))},
    )
    assert (
        ns.patch(f"record/v1/customer/{customer}", {"addressbook": _book((True, False))})
    ).status_code == 204
    book = ns.get(f"record/v1/customer/{customer}", expandSubResources="true").json()
    flags = [(e["defaultShipping"], e["defaultBilling"]) for e in book["addressbook"]["items"]]
    assert flags == [(False, True), (True, False)]


# --- 2. read-only fields --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("taxTotal", 1.0),
        ("total", 1.0),
        ("subtotal", 1.0),
        ("discountTotal", -1.0),
        ("status", "G"),
        ("shipAddress", "1 Nowhere"),
        ("currencyName", "Yen"),
    ],
)
def test_a_read_only_field_is_dropped_with_a_299_warning(
    ns: Client, name: str, value: object
) -> None:
    """The wording is NetSuite's for setting such a field (CONFIRMED for SOAP: "You do not have
    permissions to set a value for element <f> due to one of the following reasons: 1) The
    field is read-only; ..."); a 299 warning as unknown fields get (netsuite-rest.md line 128,
    `X-NetSuite-PropertyNameValidation`) rather than a refusal is INFERRED."""
    order = ns.create("salesOrder", order_body())
    before = ns.get(f"{ORDERS}/{order}").json()
    response = ns.patch(f"{ORDERS}/{order}", {name: value, "memo": "kept"})
    assert response.status_code == 204
    warning = response.headers["Warning"]
    assert warning.startswith('299 - "You do not have permissions to set a value for element ')
    assert f"element {name.lower()} due to" in warning and "The field is read-only" in warning
    after = ns.get(f"{ORDERS}/{order}").json()
    assert after.get(name) == before.get(name) and after["memo"] == "kept"


def test_a_read_only_field_sent_on_every_line_warns_once(ns: Client) -> None:
    """INFERRED: one warning per field, however many lines echo it back from a GET."""
    body = order_body()
    for line in body["item"]["items"]:
        line["itemType"] = "InvtPart"
    warning = ns.post(ORDERS, body).headers["Warning"]
    assert warning.count("element itemtype") == 1


def test_no_read_only_warning_when_name_validation_is_ignore(ns: Client) -> None:
    """Ignore silences what Warning reports (netsuite-rest.md line 128)."""
    response = ns.post(
        ORDERS,
        order_body(total=1.0),
        headers={"X-NetSuite-PropertyNameValidation": "Ignore"},
    )
    assert response.status_code == 204 and "Warning" not in response.headers


# --- 3. workflow locks and DELETE -----------------------------------------------------------


def test_a_workflow_locked_order_cannot_be_deleted() -> None:
    """CONFIRMED text (netsuite-rest.md line 363: USER_ERROR "This record has been locked by a
    user defined workflow."); that the lock holds against DELETE as against an edit is
    INFERRED (the text names no operation)."""
    lock = {
        "name": "approved orders",
        "recordType": "salesOrder",
        "condition": "orderStatus == 'B'",
    }
    with running(variant(lambda p: p["workflowLocks"].append(lock))) as ns:
        body = {"entity": {"id": "1001"}, "item": lines([("101", 1, 49)])}
        approved = ns.create("salesOrder", {**body, "orderStatus": "B"})
        pending = ns.create("salesOrder", body)
        response = ns.delete(f"{ORDERS}/{approved}")
        assert response.status_code == 400
        assert details(response) == [
            {
                "detail": f"{PREFIX}This record has been locked by a user defined workflow.",
                "o:errorCode": "USER_ERROR",
            }
        ]
        assert ns.get(f"{ORDERS}/{approved}").status_code == 200
        assert ns.delete(f"{ORDERS}/{pending}").status_code == 204


# --- 4. every missing field named -----------------------------------------------------------


def test_every_missing_required_field_is_named_at_once() -> None:
    """reference salesorder-semantics line 87 (CONFIRMED): "Please enter value(s) for: <Label>[,
    <Label>...]", labels comma-separated; the customer, the "Make ... Mandatory" segments
    (line 40-41) and a mandatory custom field are all named, in one message."""

    def mandatory(profile: dict[str, Any]) -> None:
        profile["preferences"]["makeDepartmentsMandatory"] = True
        profile["preferences"]["makeClassesMandatory"] = True
        profile["customFields"][0]["mandatory"] = True

    with running(variant(mandatory)) as ns:
        body = order_body()
        del body["entity"]
        assert details(ns.post(ORDERS, body)) == [
            {
                "detail": f"{PREFIX}Please enter value(s) for: Customer, "
                "WooCommerce Order Number, Department, Class.",
                "o:errorCode": "USER_ERROR",
            }
        ]


def test_a_missing_field_is_still_reported_alone_when_it_is_the_only_one(ns: Client) -> None:
    """The same message with one label (reference salesorder-semantics line 87)."""
    body = order_body()
    del body["entity"]
    (detail,) = details(ns.post(ORDERS, body))
    assert detail["detail"] == f"{PREFIX}Please enter value(s) for: Customer."


# --- 5. inputs that once answered 500 -------------------------------------------------------


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Sandbox, HttpServer]]:
    sandbox = Sandbox()
    server = sandbox.serve_http()
    yield sandbox, server
    server.stop()
    sandbox.close()


@pytest.fixture
def over_http(
    served: tuple[Sandbox, HttpServer],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> Iterator[Client]:
    """A client of a sandbox served over a socket; afterwards nothing was logged at ERROR and
    no traceback reached stderr (the server's threads included)."""
    sandbox, server = served
    caplog.set_level(logging.INFO)
    yield Client(server.url, tba(sandbox))
    assert [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "Traceback" not in capfd.readouterr().err


def _order(line: dict[str, Any], **header: Any) -> dict[str, Any]:
    return {
        "entity": {"id": "1001"},
        "item": {"items": [{"item": {"id": "101"}, **line}]},
        **header,
    }


HUGE_INPUTS = [
    pytest.param(_order({"quantity": 1}, entity={"id": 2**64}), "entity.id", id="entity-2**64"),
    pytest.param(_order({"quantity": 1}, entity={"id": str(2**64)}), "entity", id="entity-'2**64'"),
    pytest.param(
        _order({"item": {"id": 2**63}, "quantity": 1}), "item.items[0].item.id", id="item-2**63"
    ),
    pytest.param(_order({"quantity": 1, "rate": 1e300}), "item.items[0].rate", id="rate-1e300"),
    pytest.param(_order({"quantity": 1, "rate": "1e300"}), "item.items[0].rate", id="rate-'1e300'"),
    pytest.param(
        _order({"quantity": 1e14, "rate": 1e14}), "item.items[0].amount", id="amount-1e28"
    ),
    pytest.param(
        _order(
            {"quantity": 9e14, "rate": 1}, discountItem={"id": 120}, discountRate="999999999999999%"
        ),
        "discountRate",
        id="discount-9e27",
    ),
]


@pytest.mark.parametrize(("body", "path"), HUGE_INPUTS)
def test_a_number_no_field_holds_is_a_400_over_http_without_a_traceback(
    over_http: Client, body: dict[str, Any], path: str
) -> None:
    """INFERRED limit (15 significant digits, the limit the sandbox's wire puts on every JSON
    number); the answer is NetSuite's Invalid Field Value (netsuite-rest.md line 214). These
    once answered 500: an id past 2**63 (OverflowError in SQLite), a rate of 1e300
    (decimal.InvalidOperation)."""
    response = over_http.post(ORDERS, body)
    assert response.status_code == 400, response.text
    (detail,) = details(response)
    assert detail["o:errorPath"] == path
    assert "Invalid Field Value" in detail["detail"]


def test_an_id_past_2_63_given_in_process_is_a_400_not_an_overflow(sandbox: Sandbox) -> None:
    """The same limit when no JSON wire stands between (a Python caller of the service)."""
    body = _order({"quantity": 1}, entity={"id": 2**64})
    with pytest.raises(RestError) as refusal:
        sandbox.app.records.create(RequestContext(), "salesOrder", body, {})
    assert refusal.value.status == 400
    assert refusal.value.details[0]["o:errorPath"] == "entity"
    customer = RefSource("customer", "entityid", "customer")
    assert sandbox.app.records.renderer.display(customer, 2**64) is None


# --- 6. legacy tax records and ship items ---------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "record/v1/salesTaxItem/302"),
        ("GET", "record/v1/salesTaxItem"),
        ("POST", "record/v1/salesTaxItem"),
        ("GET", "record/v1/metadata-catalog/salesTaxItem"),
    ],
)
def test_sales_tax_items_are_not_served_over_rest(ns: Client, method: str, path: str) -> None:
    """salesorder-semantics line 125 (CONFIRMED, Oracle help article_0814121722): "REST web
    services do not support legacy tax features"; refused as NetSuite refuses a type REST
    does not serve (netsuite-rest.md line 44: 404 "Record type 'file' does not exist")."""
    body = {"itemId": "NV", "rate": 6.85} if method == "POST" else None
    response = ns.request(method, path, json=body)
    assert response.status_code == 404
    assert details(response)[0]["detail"] == "Record type 'salesTaxItem' does not exist."


def test_suiteql_still_reads_the_salestaxitem_table_and_orders_still_take_tax_codes(
    ns: Client,
) -> None:
    """The SuiteQL table stays (public SuiteQL reads it: "SELECT id FROM salestaxitem WHERE
    description = ?"); a reference to a tax code shows no link to the unserved type."""
    rows = ns.suiteql("SELECT id, rate FROM salestaxitem WHERE id = 302").json()["items"]
    assert [(row["id"], row["rate"]) for row in rows] == [("302", "8.875")]
    order = ns.create("salesOrder", order_body(taxItem={"id": "302"}))
    tax_item = ns.get(f"{ORDERS}/{order}").json()["taxItem"]
    assert tax_item["id"] == "302" and tax_item["refName"] == "NY-NYC"
    assert tax_item["links"] == []
    names = {i["name"] for i in ns.get("record/v1/metadata-catalog").json()["items"]}
    assert "salesTaxItem" not in names and "taxGroup" in names


def test_a_ship_item_can_be_created_over_rest() -> None:
    """Oracle help article_61232355280 (Ship Item, REST): "Creating a Ship Item Using a POST
    Request", `POST .../record/v1/shipitem`. The "not create" of salesorder-semantics line 179
    is SuiteScript's (Oracle help s4230845019), so REST's create stays."""

    def grant(profile: dict[str, Any]) -> None:
        for permission in profile["roles"][0]["permissions"]:
            if permission["name"] == "Shipping Items":
                permission["level"] = "full"

    with running(variant(grant)) as ns:
        ship = ns.create("shipItem", {"itemId": "Courier", "rate": 12.5})
        assert ns.get(f"record/v1/shipItem/{ship}").json()["itemId"] == "Courier"


# --- 7. address countries -------------------------------------------------------------------


@pytest.mark.parametrize("country", [{"id": "US"}, "US"])
def test_an_address_country_is_taken_as_a_code_or_in_the_reference_form(
    ns: Client, country: object
) -> None:
    """netsuite-rest.md line 157: a client's salesOrder body sends `shippingAddress` with
    `country: {id: "US"}`; Oracle's addressbook sample shows `"country":"US"` (line 175)."""
    address = {"addr1": "1 Loop Rd", "city": "Reno", "state": "NV", "country": country}
    order = ns.create("salesOrder", order_body(shippingAddress=address))
    got = ns.get(f"{ORDERS}/{order}", expandSubResources="true").json()
    assert got["shippingAddress"]["country"] == "US"
    assert got["shipAddress"].endswith("\nUS")


@pytest.mark.parametrize("country", ["ZZ", "United States", "us", {"id": "ZZ"}])
def test_an_unknown_country_code_is_an_invalid_field_value(ns: Client, country: object) -> None:
    """Country is a list of codes (ISO 3166-1 alpha-2, the codes REST shows); anything else is
    NetSuite's invalid value (netsuite-rest.md line 214, INVALID_CONTENT with `o:errorPath`)."""
    address = {"addr1": "1 Loop Rd", "country": country}
    response = ns.post(ORDERS, order_body(shippingAddress=address))
    assert response.status_code == 400
    (detail,) = details(response)
    assert detail["o:errorPath"] == "shippingAddress.country"
    assert detail["o:errorCode"] == "INVALID_CONTENT"
    assert "for the following field: country." in detail["detail"]


def test_a_customer_address_book_country_is_checked_the_same_way(ns: Client) -> None:
    """The address subrecord is one (netsuite-rest.md line 159, `addressbookaddress`)."""
    book = _book((True, True))
    book["items"][0]["addressbookaddress"]["country"] = "XX"
    body = {"companyName": "Nowhere Co", "subsidiary": {"id": 1}, "addressbook": book}
    (detail,) = details(ns.post("record/v1/customer", body))
    assert detail["o:errorPath"] == "addressbook.items[0].addressbookaddress.country"


def test_amounts_round_trip_with_the_new_limits(ns: Client) -> None:
    """Ordinary amounts still land exactly (the limits are far above any order)."""
    order = ns.create("salesOrder", one_line(3, "19.99", shippingCost=0, taxRate=0))
    got = ns.get(f"{ORDERS}/{order}", expandSubResources="true").json()
    assert Decimal(str(got["item"]["items"][0]["amount"])) == Decimal("59.97")

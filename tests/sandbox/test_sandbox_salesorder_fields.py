"""The sales order header fields connectors send besides lines and amounts (reference 3.2,
3.3): `shipComplete`, `toBeEmailed`, `toBePrinted` (CONFIRMED in Oracle's salesOrder GET
sample), `promocode` (CONFIRMED, Oracle's "apply a promotion" use case), and the sales rep,
lead source, customer message and source (INFERRED names, SuiteScript's ids in camelCase)."""

from __future__ import annotations

from sandbox_helpers import Client, details, order_body
from wider_role import wide, wide_sandbox

from harness.sandbox.serve import Sandbox

__all__ = ["wide", "wide_sandbox"]  # fixtures


def read(ns: Client, body: dict[str, object]) -> dict[str, object]:
    new_id = ns.create("salesOrder", body)
    document: dict[str, object] = ns.get(f"record/v1/salesOrder/{new_id}").json()
    return document


def test_ship_complete_and_the_to_be_flags_are_stored_and_read_back(ns: Client) -> None:
    order = read(ns, order_body(shipComplete=True, toBeEmailed=True, toBePrinted=False))
    assert order["shipComplete"] is True
    assert order["toBeEmailed"] is True
    assert order["toBePrinted"] is False


def test_the_flags_default_to_false_as_in_oracles_sample(ns: Client) -> None:
    """CONFIRMED: a GET shows `"shipComplete":false,"toBeEmailed":false,"toBePrinted":false`."""
    order = read(ns, order_body())
    assert (order["shipComplete"], order["toBeEmailed"], order["toBePrinted"]) == (
        False,
        False,
        False,
    )


def test_the_flags_take_netsuite_t_and_f(ns: Client) -> None:
    assert read(ns, order_body(shipcomplete="T"))["shipComplete"] is True


def test_message_and_source_are_stored_and_read_back(ns: Client) -> None:
    order = read(ns, order_body(message="Thank you for your order!", source="Web Services"))
    assert order["message"] == "Thank you for your order!"
    assert order["source"] == "Web Services"


def test_a_flag_that_is_not_a_boolean_is_an_invalid_field_value(ns: Client) -> None:
    response = ns.post("record/v1/salesOrder", order_body(shipComplete="soon"))
    assert response.status_code == 400
    (detail,) = details(response)
    assert detail["o:errorPath"] == "shipComplete"


def test_a_promotion_code_is_stored_and_sources_its_discount(wide: Client) -> None:
    """CONFIRMED field (`"promocode": {"id": 1}`); INFERRED sourcing of the discount item and
    rate the promotion names, as a promotion code record's Discount and Rate."""
    promo = wide.create(
        "promotionCode", {"code": "SPRING10", "discount": {"id": "120"}, "rate": "-10%"}
    )
    order = read(wide, order_body(promocode={"id": promo}))
    assert order["promoCode"]["id"] == promo  # type: ignore[index]
    assert order["promoCode"]["refName"] == "SPRING10"  # type: ignore[index]
    assert order["discountItem"]["id"] == "120"  # type: ignore[index]
    assert order["discountRate"] == "-10%"
    assert order["discountTotal"] == round(-0.1 * order["subtotal"], 2)  # type: ignore[operator]


def test_a_discount_sent_with_the_promotion_wins(wide: Client) -> None:
    promo = wide.create(
        "promotionCode", {"code": "SPRING10", "discount": {"id": "120"}, "rate": "-10%"}
    )
    order = read(wide, order_body(promocode={"id": promo}, discountRate=-5))
    assert order["discountRate"] == -5.0


def test_an_unknown_or_inactive_promotion_is_an_invalid_field_value(wide: Client) -> None:
    promo = wide.create("promotionCode", {"code": "OLD", "isInactive": True})
    for key in (promo, "9999"):
        response = wide.post("record/v1/salesOrder", order_body(promocode={"id": key}))
        assert response.status_code == 400
        (detail,) = details(response)
        assert detail["o:errorPath"] == "promoCode"
        assert detail["detail"].endswith(
            f"Invalid Field Value {key} for the following field: promocode."
        )


def test_a_sales_rep_must_be_an_employee_who_is_a_sales_rep(wide: Client) -> None:
    rep = wide.create("employee", {"firstName": "Sam", "lastName": "Seller", "isSalesRep": True})
    clerk = wide.create("employee", {"firstName": "Cal", "lastName": "Clerk"})
    order = read(wide, order_body(salesRep={"id": rep}))
    assert order["salesRep"] == {
        "links": [
            {"rel": "self", "href": f"{wide.base[:-15]}/services/rest/record/v1/employee/{rep}"}
        ],
        "id": rep,
        "refName": "Sam Seller",
    }
    response = wide.post("record/v1/salesOrder", order_body(salesRep={"id": clerk}))
    assert response.status_code == 400
    assert details(response)[0]["o:errorPath"] == "salesRep"


def test_a_lead_source_is_a_campaign(wide: Client) -> None:
    campaign = wide.create("campaign", {"title": "Spring newsletter"})
    order = read(wide, order_body(leadSource={"id": campaign}))
    assert order["leadSource"]["refName"] == "Spring newsletter"  # type: ignore[index]


def test_employees_share_the_entity_id_sequence_with_customers(
    wide: Client, wide_sandbox: Sandbox
) -> None:
    """CONFIRMED-weak elsewhere in the store (schema.ID_FAMILIES): entities number together."""
    employee = int(wide.create("employee", {"firstName": "Ann", "lastName": "Lee"}))
    customer = int(wide.create("customer", {"companyName": "After Ann", "subsidiary": {"id": 1}}))
    assert customer == employee + 1


def test_the_new_fields_are_suiteql_columns(ns: Client) -> None:
    new_id = ns.create("salesOrder", order_body(shipComplete=True, message="Hi"))
    rows = ns.suiteql(
        f"SELECT shipcomplete, tobeemailed, message FROM transaction WHERE id = {new_id}"
    ).json()["items"]
    assert rows[0]["shipcomplete"] == "T" and rows[0]["tobeemailed"] == "F"
    assert rows[0]["message"] == "Hi"

"""Field values and property names checked as NetSuite checks them (reference 3.1, 3.4, 5):
invalid values answer "You have entered an Invalid Field Value ..." with `o:errorPath`;
the `X-NetSuite-Property{Name,Value}Validation` headers choose Error, Warning or Ignore."""

from __future__ import annotations

import pytest
from sandbox_helpers import Client, details, order_body

PREFIX = "Error while accessing a resource. "


def invalid(value: str, field: str, path: str) -> dict[str, str]:
    return {
        "detail": f"{PREFIX}You have entered an Invalid Field Value {value} "
        f"for the following field: {field}.",
        "o:errorCode": "INVALID_CONTENT",
        "o:errorPath": path,
    }


def test_a_string_in_a_numeric_field_is_an_invalid_field_value(ns: Client) -> None:
    body = order_body()
    body["item"]["items"][0]["quantity"] = "two"
    response = ns.post("record/v1/salesOrder", body)
    assert response.status_code == 400
    assert details(response) == [invalid("two", "quantity", "item.items[0].quantity")]


def test_numeric_strings_and_numeric_ids_are_accepted(ns: Client) -> None:
    body = {"entity": {"id": 1001}, "item": {"items": [{"item": {"id": 104}, "quantity": "2"}]}}
    assert ns.post("record/v1/salesOrder", body).status_code == 204


def test_a_bad_date_is_an_invalid_field_value(ns: Client) -> None:
    response = ns.post("record/v1/salesOrder", order_body(tranDate="2024-02-30"))
    assert details(response) == [invalid("2024-02-30", "trandate", "tranDate")]


def test_dates_without_zero_padding_are_accepted(ns: Client) -> None:
    new_id = ns.create("salesOrder", order_body(tranDate="2020-6-5"))
    assert ns.get(f"record/v1/salesOrder/{new_id}").json()["tranDate"] == "2020-06-05"


def test_a_reference_to_no_record_names_its_path(ns: Client) -> None:
    body = order_body()
    body["item"]["items"][0]["item"] = {"id": 9999}
    response = ns.post("record/v1/salesOrder", body)
    assert response.status_code == 400
    assert details(response) == [invalid("9999", "item", "item.items[0].item")]


def test_a_reference_must_be_an_object(ns: Client) -> None:
    response = ns.post("record/v1/salesOrder", order_body(entity="1001"))
    assert details(response) == [invalid("1001", "entity", "entity")]


def test_a_discount_reference_must_name_a_discount_item(ns: Client) -> None:
    response = ns.post("record/v1/salesOrder", order_body(discountItem={"id": "101"}))
    assert details(response) == [invalid("101", "discountitem", "discountItem")]


def test_every_bad_value_is_reported_at_once(ns: Client) -> None:
    response = ns.post("record/v1/salesOrder", order_body(memo=["x"], shipDate="soon"))
    assert [d["o:errorPath"] for d in details(response)] == ["memo", "shipDate"]


def test_a_boolean_field_rejects_other_values(ns: Client) -> None:
    response = ns.post(
        "record/v1/customer", {"companyName": "X", "subsidiary": {"id": 1}, "taxable": "maybe"}
    )
    assert details(response) == [invalid("maybe", "taxable", "taxable")]


def test_an_enumeration_rejects_unknown_codes(ns: Client) -> None:
    response = ns.post("record/v1/salesOrder", order_body(orderStatus="Z"))
    assert details(response) == [invalid("Z", "orderstatus", "orderStatus")]


def test_unknown_property_is_ignored_with_a_warning_by_default(ns: Client) -> None:
    response = ns.post("record/v1/salesOrder", order_body(favouriteColour="blue"))
    assert response.status_code == 204
    assert "favouriteColour" in response.headers["Warning"]


def test_unknown_property_fails_when_name_validation_is_error(ns: Client) -> None:
    response = ns.post(
        "record/v1/salesOrder",
        order_body(favouriteColour="blue"),
        headers={"X-NetSuite-PropertyNameValidation": "Error"},
    )
    assert response.status_code == 400
    (detail,) = details(response)
    assert detail["o:errorCode"] == "INVALID_CONTENT"
    assert detail["o:errorPath"] == "favouriteColour"
    assert "favouriteColour" in detail["detail"]


def test_unknown_line_property_is_reported_with_its_line_path(ns: Client) -> None:
    body = order_body()
    body["item"]["items"][1]["colour"] = "red"
    response = ns.post(
        "record/v1/salesOrder", body, headers={"X-NetSuite-PropertyNameValidation": "error"}
    )
    assert details(response)[0]["o:errorPath"] == "item.items[1].colour"


def test_unknown_property_passes_silently_when_name_validation_is_ignore(ns: Client) -> None:
    response = ns.post(
        "record/v1/salesOrder",
        order_body(favouriteColour="blue"),
        headers={"X-NetSuite-PropertyNameValidation": "Ignore"},
    )
    assert response.status_code == 204
    assert "Warning" not in response.headers


@pytest.mark.parametrize("mode", ["Warning", "Ignore"])
def test_invalid_values_are_dropped_when_value_validation_is_relaxed(ns: Client, mode: str) -> None:
    response = ns.post(
        "record/v1/salesOrder",
        order_body(shipDate="not a date", memo="kept"),
        headers={"X-NetSuite-PropertyValueValidation": mode},
    )
    assert response.status_code == 204, response.text
    got = ns.get(response.headers["Location"]).json()
    assert "shipDate" not in got and got["memo"] == "kept"
    assert ("Warning" in response.headers) == (mode == "Warning")


def test_an_unknown_validation_mode_is_a_header_error(ns: Client) -> None:
    response = ns.post(
        "record/v1/salesOrder", order_body(), headers={"X-NetSuite-PropertyNameValidation": "loud"}
    )
    assert response.status_code == 400
    (detail,) = details(response)
    assert detail["o:errorCode"] == "INVALID_HEADER"
    assert detail["o:errorHeader"] == "X-NetSuite-PropertyNameValidation"


def test_read_only_fields_sent_back_from_a_get_are_ignored(ns: Client) -> None:
    new_id = ns.create("salesOrder", order_body())
    got = ns.get(f"record/v1/salesOrder/{new_id}").json()
    response = ns.patch(
        f"record/v1/salesOrder/{new_id}",
        {"total": 1.0, "subtotal": 1.0, "links": got["links"], "id": "77", "memo": "ok"},
    )
    assert response.status_code == 204
    again = ns.get(f"record/v1/salesOrder/{new_id}").json()
    assert again["total"] == got["total"] and again["id"] == new_id and again["memo"] == "ok"

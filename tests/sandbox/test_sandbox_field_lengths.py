"""Text longer than its field takes is refused, never truncated (harness/sandbox/store/lengths.py
cites each limit): 400 USER_ERROR "The field <id> contained more than the maximum number
( <n> ) of characters allowed." (CONFIRMED wording, live errors quoted in
gh:getlago/lago-api#3233, #3245, #4689), with the field's path."""

from __future__ import annotations

import logging

import pytest
from sandbox_helpers import Client, details, order_body

from harness.commands.explain import explain_text
from harness.sandbox.serve import Sandbox
from harness.sandbox.store.fields import Kind
from harness.sandbox.store.lengths import CUSTOM_TEXT_LENGTH, DEFAULT_TEXT_LENGTH

PREFIX = "Error while accessing a resource. "


def too_long(field_id: str, limit: int, path: str) -> dict[str, str]:
    return {
        "detail": f"{PREFIX}The field {field_id} contained more than the maximum number "
        f"( {limit} ) of characters allowed.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": path,
    }


def company(name: str) -> dict[str, object]:
    return {"companyName": name, "subsidiary": {"id": "1"}}


def test_a_10000_character_company_name_is_refused_and_not_stored(ns: Client) -> None:
    before = ns.get("record/v1/customer").json()["totalResults"]
    response = ns.post("record/v1/customer", company("A" * 10_000))
    assert response.status_code == 400
    assert details(response) == [too_long("companyname", 83, "companyName")]
    assert ns.get("record/v1/customer").json()["totalResults"] == before


def test_a_company_name_at_the_limit_is_stored_whole(ns: Client) -> None:
    name = "B" * 83
    new_id = ns.create("customer", company(name))
    assert ns.get(f"record/v1/customer/{new_id}").json()["companyName"] == name


def test_limits_count_bytes_of_utf8_not_characters(ns: Client) -> None:
    """CONFIRMED for custom fields (ORA:section_N2842731), INFERRED for standard ones:
    "é" takes two bytes, so 42 of them (84 bytes) exceed an 83-byte field."""
    response = ns.post("record/v1/customer", company("é" * 42))
    assert details(response) == [too_long("companyname", 83, "companyName")]
    assert ns.post("record/v1/customer", company("é" * 41 + "x")).status_code == 204


def test_an_address_line_longer_than_150_is_refused_at_its_path(ns: Client) -> None:
    """CONFIRMED limit: "The field addr1 contained more than the maximum number ( 150 )"."""
    body = company("Long Street Inc")
    body["addressbook"] = {
        "items": [{"defaultBilling": True, "addressbookaddress": {"addr1": "x" * 151}}]
    }
    response = ns.post("record/v1/customer", body)
    assert details(response) == [
        too_long("addr1", 150, "addressbook.items[0].addressbookaddress.addr1")
    ]


@pytest.mark.parametrize(
    ("field", "limit"),
    [("city", 50), ("state", 30), ("addr2", 150), ("attention", 83), ("zip", 36)],
)
def test_address_fields_have_their_limits(ns: Client, field: str, limit: int) -> None:
    address = {field: "y" * (limit + 1)}
    response = ns.post("record/v1/salesOrder", order_body(shippingAddress=address))
    assert details(response) == [too_long(field, limit, f"shippingAddress.{field}")]
    address = {field: "y" * limit}
    assert ns.post("record/v1/salesOrder", order_body(shippingAddress=address)).status_code == 204


def test_a_phone_number_longer_than_32_is_refused(ns: Client) -> None:
    """CONFIRMED-weak: a live REST error quoted "field phone ... maximum number (32)"."""
    response = ns.post("record/v1/customer", {**company("Phone Co"), "phone": "1" * 33})
    assert details(response) == [too_long("phone", 32, "phone")]


def test_sales_order_memo_po_number_and_line_description_have_limits(ns: Client) -> None:
    body = order_body(memo="m" * 1000, otherRefNum="p" * 46)
    body["item"]["items"][1]["description"] = "d" * 1000
    response = ns.post("record/v1/salesOrder", body)
    assert response.status_code == 400
    by_path = {detail["o:errorPath"]: detail for detail in details(response)}
    assert by_path == {
        "memo": too_long("memo", 999, "memo"),
        "otherRefNum": too_long("otherrefnum", 45, "otherRefNum"),
        "item.items[1].description": too_long("description", 999, "item.items[1].description"),
    }


def test_a_patch_is_held_to_the_same_limits(ns: Client) -> None:
    new_id = ns.create("salesOrder", order_body())
    response = ns.patch(f"record/v1/salesOrder/{new_id}", {"memo": "m" * 1000})
    assert details(response) == [too_long("memo", 999, "memo")]
    assert "memo" not in ns.get(f"record/v1/salesOrder/{new_id}").json()


def test_custom_text_fields_take_300(ns: Client) -> None:
    """CONFIRMED-weak: a Free-Form Text custom field refuses more than ( 300 )."""
    response = ns.post("record/v1/salesOrder", order_body(custbody_woo_order_number="7" * 301))
    assert details(response) == [
        too_long("custbody_woo_order_number", CUSTOM_TEXT_LENGTH, "custbody_woo_order_number")
    ]


def test_the_value_validation_header_does_not_relax_a_length_limit(ns: Client) -> None:
    """INFERRED: the limit is checked when the record is saved, whatever the header says."""
    response = ns.post(
        "record/v1/customer",
        company("C" * 84),
        headers={"X-NetSuite-PropertyValueValidation": "Ignore"},
    )
    assert response.status_code == 400


def test_no_writable_text_field_is_unbounded(sandbox: Sandbox) -> None:
    for rtype in sandbox.app.records.types.values():
        parts = [rtype.fields, *(s.fields for s in rtype.sublists)]
        parts += [s.fields for s in rtype.subrecords]
        parts += [s.subrecord.fields for s in rtype.sublists if s.subrecord]
        for fields in parts:
            for fd in fields:
                if fd.kind is Kind.TEXT and not fd.readonly:
                    assert fd.max_length is not None, (rtype.name, fd.name)
                    assert fd.max_length <= DEFAULT_TEXT_LENGTH


def test_a_lone_surrogate_is_invalid_content_not_a_server_error(
    ns: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    response = ns.request(
        "POST",
        "record/v1/customer",
        data='{"companyName": "x\\ud800y", "subsidiary": {"id": "1"}}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    (detail,) = details(response)
    assert detail["o:errorCode"] == "INVALID_CONTENT"
    assert not caplog.records


def test_the_refusal_is_diagnosed_as_netsuites_own_field_check(ns: Client) -> None:
    """The answer a connector gets is read as `validation-rule` (not an account's script)."""
    response = ns.post("record/v1/customer", company("D" * 90))
    (finding,) = explain_text(response.text, name="body").findings
    assert finding.diagnosis.category == "validation-rule"
    assert "companyname" in finding.diagnosis.summary


def test_an_external_id_in_the_upsert_url_is_held_to_its_limit(ns: Client) -> None:
    """INFERRED limit (255): the `eid:` key becomes the record's external id."""
    response = ns.put(f"record/v1/customer/eid:{'e' * 256}", company("Eid Co"))
    assert details(response) == [too_long("externalid", 255, "externalId")]
    assert ns.put(f"record/v1/customer/eid:{'e' * 255}", company("Eid Co")).status_code == 204

"""Custom fields from the profile: body (custbody_), line (custcol_) and entity (custentity_)
fields round-trip over REST; mandatory ones are required like NetSuite's own fields."""

from __future__ import annotations

from sandbox_helpers import Client, details, order_body, tba

from harness.sandbox.account import CustomField, demo_profile
from harness.sandbox.serve import Sandbox
from harness.sandbox.store.catalog import build_record_types


def test_custom_body_line_and_entity_fields_round_trip(ns: Client) -> None:
    body = order_body(custbody_woo_order_number="1001", CUSTBODY_STORE_ORDER_TOTAL="115.5")
    body["item"]["items"][0]["custcol_woo_line_id"] = "77"
    new_id = ns.create("salesOrder", body)
    got = ns.get(f"record/v1/salesOrder/{new_id}", expandSubResources="true").json()
    assert got["custbody_woo_order_number"] == "1001"
    assert got["custbody_store_order_total"] == 115.5
    assert got["item"]["items"][0]["custcol_woo_line_id"] == "77"
    customer = ns.create(
        "customer",
        {"companyName": "C", "subsidiary": {"id": 1}, "custentity_woo_customer_id": "42"},
    )
    assert ns.get(f"record/v1/customer/{customer}").json()["custentity_woo_customer_id"] == "42"
    rows = ns.suiteql(
        f"SELECT custbody_woo_order_number FROM transaction WHERE id = {new_id}"
    ).json()["items"]
    assert rows[0]["custbody_woo_order_number"] == "1001"


def test_a_custom_field_value_is_type_checked(ns: Client) -> None:
    response = ns.post("record/v1/salesOrder", order_body(custbody_store_order_total="lots"))
    assert details(response)[0]["o:errorPath"] == "custbody_store_order_total"


def test_mandatory_custom_fields_are_required_by_label() -> None:
    demo = demo_profile()
    fields = [
        CustomField(id="custbody_channel", label="Sales Channel", type="text", mandatory=True),
        CustomField(id="custcol_fulfil_by", label="Fulfil By", type="date", mandatory=True),
    ]
    sandbox = Sandbox(demo.model_copy(update={"customFields": [*demo.customFields, *fields]}))
    with sandbox.intercept():
        ns = Client(sandbox.base_url, tba(sandbox))
        missing = ns.post("record/v1/salesOrder", order_body())
        body = order_body(custbody_channel="web")
        for line in body["item"]["items"]:
            line["custcol_fulfil_by"] = "2024-04-01"
        accepted = ns.post("record/v1/salesOrder", body)
    sandbox.close()
    assert details(missing)[0]["detail"].endswith(
        "Please enter value(s) for: Sales Channel, Fulfil By."
    )
    assert accepted.status_code == 204, accepted.text


def test_record_types_are_made_once_per_set_of_custom_fields() -> None:
    """A process builds many sandboxes of one profile (a test suite): their record types are
    the same objects; another set of custom fields (one more, or one made mandatory) has
    record types of its own, holding its fields."""
    demo = demo_profile()
    extra = CustomField(id="custbody_channel", label="Sales Channel", type="text")
    mandatory = demo.customFields[0].model_copy(update={"mandatory": True})
    first, again = build_record_types(demo), build_record_types(demo_profile())
    assert first["salesorder"] is again["salesorder"] and first is not again
    more = demo.model_copy(update={"customFields": [*demo.customFields, extra]})
    with_extra = build_record_types(more)
    assert with_extra["salesorder"] is not first["salesorder"]
    assert "custbody_channel" in {f.name for f in with_extra["salesorder"].fields}
    assert "custbody_channel" not in {f.name for f in first["salesorder"].fields}
    changed = demo.model_copy(update={"customFields": [mandatory, *demo.customFields[1:]]})
    assert build_record_types(changed)["salesorder"] is not first["salesorder"]

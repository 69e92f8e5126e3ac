"""The mapping's custom fields in the reference connector's Sales Order body: fixed values,
order fields and order meta on the header, line fields on each line; an order or line is
written out to read them only when a field reads one."""

from __future__ import annotations

from typing import Any

import pytest

from harness.catalogue.spec import load_catalogue
from harness.connector.reference import ReferenceConnector
from harness.mapping import Mapping, load_mapping
from harness.sandbox.serve import Sandbox
from harness.targets.sim import sandbox_client
from harness.woo.generate import generate
from harness.woo.order import LineItem, WooOrder

ORDER = generate(load_catalogue().get("multi-item"), 0)


def with_custom_fields(body: dict[str, Any], line: dict[str, Any]) -> Mapping:
    data = load_mapping().model_dump(mode="python", by_alias=True)
    data["custom_fields"] = {"body": body, "line": line}
    return Mapping.model_validate(data)


def sales_order_body(sandbox: Sandbox, mapping: Mapping) -> dict[str, Any]:
    sandbox.reset()
    connector = ReferenceConnector(sandbox_client(sandbox), mapping)
    return connector._sales_order_body(ORDER, 1)


def test_custom_fields_carry_fixed_values_order_fields_meta_and_line_fields(
    sandbox: Sandbox,
) -> None:
    mapping = with_custom_fields(
        {
            "custbody_channel": {"value": "Woo"},
            "custbody_paid_by": {"from": "payment_method"},
            "custbody_exempt": {"from": "meta:is_vat_exempt"},
            "custbody_absent": {"from": "meta:no_such_key"},
        },
        {"custcol_woo_sku": {"from": "sku"}, "custcol_woo_qty": {"from": "quantity"}},
    )
    body = sales_order_body(sandbox, mapping)
    assert body["custbody_channel"] == "Woo"
    assert body["custbody_paid_by"] == ORDER.payment_method
    assert body["custbody_exempt"] == ORDER.meta("is_vat_exempt")
    assert "custbody_absent" not in body
    lines = body["item"]["items"][: len(ORDER.line_items)]
    assert [line["custcol_woo_sku"] for line in lines] == [li.sku for li in ORDER.line_items]
    assert [line["custcol_woo_qty"] for line in lines] == [li.quantity for li in ORDER.line_items]


def test_without_a_field_reading_them_the_order_and_lines_are_not_written_out(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(self: object, **kwargs: Any) -> dict[str, Any]:
        raise AssertionError(f"{type(self).__name__} written out for no custom field")

    monkeypatch.setattr(WooOrder, "model_dump", refused)
    monkeypatch.setattr(LineItem, "model_dump", refused)
    fixed = with_custom_fields({"custbody_channel": {"value": "Woo"}}, {})
    assert sales_order_body(sandbox, fixed)["custbody_channel"] == "Woo"
    assert "custbody_channel" not in sales_order_body(sandbox, load_mapping())

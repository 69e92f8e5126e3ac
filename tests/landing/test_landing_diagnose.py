"""diagnose(): every category from NetSuite's real error bodies (through `responses` and the
client's call log) or from a landing's mismatches, with summary, hint and evidence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
import requests
import responses
from landing_helpers import (
    SO_PATH,
    SUITEQL_PATH,
    business,
    call,
    expected_line,
    make_actual,
    make_expected,
    problem,
    pushed,
)

from harness.landing.compare import compare
from harness.landing.diagnose import diagnose
from harness.landing.expected import ExpectedLanding
from harness.landing.findings.evidence import sales_order_writes
from harness.landing.readback import ActualLanding, ActualLine
from harness.landing.refdata import CustomerRef, NamedRef
from harness.landing.verdict import Diagnosis
from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.errors import ERROR_MEDIA_TYPE, NetSuiteError, error_detail, error_document
from harness.netsuite.retry import RetryPolicy
from harness.push import PushResult

BASE = "https://1234567-sb1.suitetalk.api.netsuite.com"
UPSERT = f"{BASE}{SO_PATH}/eid:woo-5001"
D = Decimal
BODY = {"externalId": "woo-5001", "entity": {"id": "1001"},
        "item": {"items": [{"item": {"id": "103"}, "quantity": 1, "rate": 26,
                            "price": {"id": "-1"}}]}}


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as active:
        yield active


def refused(
    mock: responses.RequestsMock,
    status: int,
    detail: str | None = None,
    code: str = "USER_ERROR",
    *,
    path: str | None = None,
    raw: str | None = None,
    method: str = "PUT",
    url: str = UPSERT,
    body: dict[str, Any] = BODY,
    exception: Exception | None = None,
) -> tuple[PushResult, CallLog]:
    """Push `body` through a real client against an answer NetSuite gives; the rejection."""
    if exception is not None:
        mock.add(method, url, body=exception)
    else:
        text = raw if raw is not None else json.dumps(
            error_document(status, [error_detail(detail or "", code, path=path)]))
        mock.add(method, url, body=text, status=status, content_type=ERROR_MEDIA_TYPE)
    log = CallLog()
    client = NetSuiteClient(BASE, calllog=log, retry=RetryPolicy.never())
    with pytest.raises(NetSuiteError) as raised:
        if method == "PUT":
            client.upsert("salesOrder", "woo-5001", body)
        elif method == "PATCH":
            client.update("salesOrder", "7001", body)
        else:
            client.create("salesOrder", body)
    return PushResult("5001", "rejected", error=raised.value, stage="sales-order"), log


def run(push: PushResult | None, log: CallLog, expected: ExpectedLanding | None = None,
        mismatches: list[Any] | None = None, actual: ActualLanding | None = None) -> Diagnosis:
    found = diagnose(push, log, mismatches or [], expected or make_expected(), actual=actual)
    assert found is not None
    return found


# -- NetSuite's refusals ----------------------------------------------------------------------


def test_auth_from_invalid_login(mock: responses.RequestsMock) -> None:
    detail = ("Invalid login attempt. For more details, see the Login Audit Trail in the "
              "NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.")
    push, log = refused(mock, 401, detail, "INVALID_LOGIN")
    found = run(push, log)
    assert found.category == "auth"
    assert found.summary.startswith("NetSuite refused order #5001")
    assert "realm" in found.hint and "Login Audit Trail" in found.hint
    assert found.evidence[0] == (
        f"PUT {SO_PATH}/eid:woo-5001 → 401 INVALID_LOGIN: {detail}"
    )


@pytest.mark.parametrize(
    ("status", "code", "detail", "method", "level"),
    [
        (400, "USER_ERROR",
         business("Your current role does not have permission to perform this action."),
         "POST", "Create"),
        (403, "INSUFFICIENT_PERMISSION",
         "Permission Violation: You need  the 'Transactions -> Sales Order' permission to "
         "access this page. Please contact your account administrator.", "PUT", "Create"),
        (403, "INSUFFICIENT_PERMISSION", "You do not have permission to access this record.",
         "PATCH", "Edit"),
    ],
)
def test_permission_names_the_permission_and_level(
    mock: responses.RequestsMock, status: int, code: str, detail: str, method: str, level: str
) -> None:
    url = {"POST": f"{BASE}{SO_PATH}", "PUT": UPSERT, "PATCH": f"{BASE}{SO_PATH}/7001"}[method]
    push, log = refused(mock, status, detail, code, method=method, url=url)
    found = run(push, log)
    assert found.category == "permission"
    assert f"Grant the role 'Transactions > Sales Order' at {level} level" in found.hint
    assert found.evidence[0].startswith(f"{method} {SO_PATH}")
    assert f"→ {status} {code}" in found.evidence[0]


def test_permission_for_a_subsidiary_restriction(mock: responses.RequestsMock) -> None:
    push, log = refused(mock, 403, "You do not have permission to access subsidiary 2.",
                        "INSUFFICIENT_PERMISSION")
    assert "Accessible Subsidiaries" in run(push, log).hint


def test_required_field_names_the_preference(mock: responses.RequestsMock) -> None:
    push, log = refused(mock, 400, business("Please enter value(s) for: Location, Class."))
    found = run(push, log)
    assert found.category == "required-field"
    assert "Location, Class" in found.summary
    assert "Make Locations Mandatory" in found.hint and "Make Classes Mandatory" in found.hint
    assert "Please enter value(s) for: Location, Class." in found.evidence[0]


def test_required_field_rest_variant(mock: responses.RequestsMock) -> None:
    push, log = refused(mock, 400, "Please enter a value for [entity]", "FIELD_PARAM_REQD",
                        path="entity")
    found = run(push, log)
    assert found.category == "required-field" and "entity" in found.summary


def test_item_not_in_subsidiary_names_the_sku_from_the_sent_line(
    mock: responses.RequestsMock,
) -> None:
    push, log = refused(mock, 400, business("Invalid item reference key 103 for subsidiary 2."),
                        "INVALID_KEY_OR_REF", path="item.items[0].item")
    expected = make_expected(lines=(expected_line("TEE-RED-S", "103", 1, "26.00"),))
    found = run(push, log, expected)
    assert found.category == "item-mapping"
    assert "TEE-RED-S (103)" in found.summary and "subsidiary 2" in found.summary
    assert found.evidence[0] == (
        f"PUT {SO_PATH}/eid:woo-5001 → 400 INVALID_KEY_OR_REF: "
        "Error while accessing a resource. Invalid item reference key 103 for subsidiary 2. "
        "(path: item.items[0].item)"
    )


def test_item_refusal_takes_the_hint_the_expectation_knew(mock: responses.RequestsMock) -> None:
    push, log = refused(mock, 400, business("Invalid item reference key 108."))
    known = problem("item-mapping", "lines[POSTER-OLD]", "Item POSTER-OLD (108) is inactive.",
                    "Reactivate item POSTER-OLD in NetSuite.")
    found = run(push, log, make_expected(problems=(known,)))
    assert found.category == "item-mapping" and found.hint == known.hint
    assert "expected: Item POSTER-OLD (108) is inactive." in found.evidence


def test_invalid_field_value_for_an_item(mock: responses.RequestsMock) -> None:
    push, log = refused(mock, 400, "Error while accessing resource: You have entered an Invalid "
                        "Field Value 9999 for the following field: item", "INVALID_CONTENT",
                        path="item.items[0].item")
    assert run(push, log).category == "item-mapping"


def test_customer_match_from_an_invalid_entity(mock: responses.RequestsMock) -> None:
    push, log = refused(mock, 400, business("Invalid entity reference key 5550381."))
    found = run(push, log)
    assert found.category == "customer-match" and "merged" in found.summary


@pytest.mark.parametrize(
    ("detail", "code", "path", "category"),
    [
        (business("You have entered an Invalid Field Value 999 for the following field: "
                  "taxitem."), "INVALID_CONTENT", "taxItem", "tax"),
        (business("Invalid taxcode reference key 304 for subsidiary 2."), "USER_ERROR",
         "item.items[0].taxCode", "tax"),
        (business("Invalid shipmethod reference key 299."), "USER_ERROR", None, "shipping"),
        (business("Invalid discountitem reference key 77."), "USER_ERROR", None, "discount"),
        (business("You have entered an Invalid Field Value 443 for the following field: "
                  "location."), "INVALID_CONTENT", "location", "validation-rule"),
        (business("The transaction date you specified is not within the date range of your "
                  "accounting period."), "USER_ERROR", None, "validation-rule"),
        (business("This record already exists."), "USER_ERROR", None, "sync-rule"),
        (business("This entity already exists."), "USER_ERROR", None, "customer-match"),
    ],
)
def test_field_families(mock: responses.RequestsMock, detail: str, code: str,
                        path: str | None, category: str) -> None:
    push, log = refused(mock, 400, detail, code, path=path)
    found = run(push, log)
    assert found.category == category
    assert found.evidence[0].startswith(f"PUT {SO_PATH}/eid:woo-5001 → 400 {code}")
    if "for subsidiary 2" in detail:
        assert "for subsidiary 2" in found.summary


def test_user_event_script_message_is_script_or_workflow(mock: responses.RequestsMock) -> None:
    push, log = refused(mock, 400, business(
        "Order total exceeds the 5,000.00 approval limit for web orders."))
    found = run(push, log)
    assert found.category == "script-or-workflow"
    assert '"Order total exceeds the 5,000.00 approval limit for web orders."' in found.summary
    assert "Script Deployments" in found.hint


def test_workflow_lock(mock: responses.RequestsMock) -> None:
    push, log = refused(mock, 400, business("This record has been locked by a user defined "
                                            "workflow."))
    found = run(push, log)
    assert found.category == "script-or-workflow" and "Workflows" in found.hint


def test_governance_from_the_published_malformed_429(mock: responses.RequestsMock) -> None:
    raw = ('{"type":"https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html","title":"Bad '
           'Request","status":429,\n "o:errorCode":"USER_ERROR"\n "o:errorDetails":[{"detail":'
           '"Concurrent request limit exceeded. Request blocked.","o:errorCode":'
           '"CONCURRENCY_LIMIT_EXCEEDED"}]}')
    push, log = refused(mock, 429, raw=raw)
    found = run(push, log)
    assert found.category == "governance"
    assert "CONCURRENCY_LIMIT_EXCEEDED" in found.evidence[0]


@pytest.mark.parametrize(
    ("status", "exception"),
    [(0, requests.ConnectionError("connection reset by peer")), (503, None)],
)
def test_transport(mock: responses.RequestsMock, status: int,
                   exception: Exception | None) -> None:
    push, log = refused(mock, status, "Service Unavailable", "UNEXPECTED_ERROR",
                        exception=exception)
    found = run(push, log)
    assert found.category == "transport"
    assert found.evidence[0].startswith(f"PUT {SO_PATH}/eid:woo-5001 → ")
    assert ("no answer" in found.evidence[0]) == (status == 0)


def test_error_without_a_call_log_record_is_its_own_evidence() -> None:
    error = NetSuiteError(400, business("Please enter value(s) for: Department."),
                          code="USER_ERROR", method="POST", url=f"{BASE}{SO_PATH}")
    found = run(PushResult("5001", "rejected", error=error), CallLog())
    assert found.category == "required-field"
    assert found.evidence == (f"POST {SO_PATH} → 400 USER_ERROR: "
                              + business("Please enter value(s) for: Department."),)


# -- the connector's own word -----------------------------------------------------------------


def test_connector_problem_at_a_stage() -> None:
    known = problem("item-mapping", "lines[HOODIE-PNK-XL]", "SKU HOODIE-PNK-XL has no item.",
                    "Create an item with Item Name/Number 'HOODIE-PNK-XL'.")
    push = PushResult("5001", "failed", problem="SKU HOODIE-PNK-XL of 'Hoodie' has no NetSuite "
                      "item", stage="items")
    found = run(push, CallLog(), make_expected(problems=(known,)))
    assert found.category == "item-mapping"
    assert found.summary == ("The connector could not send order #5001: SKU HOODIE-PNK-XL of "
                             "'Hoodie' has no NetSuite item")
    assert found.hint == known.hint
    assert found.evidence[0].startswith("connector: failed at stage items")


def test_external_connector_rejection_is_read_from_the_call_log() -> None:
    refusal = call("PUT", f"{SO_PATH}/eid:woo-5001", 400, code="USER_ERROR",
                   detail=business("Invalid shipmethod reference key 299."))
    push = PushResult("5001", "rejected", said="HTTP 500 from the connector")
    found = run(push, CallLog(calls=[refusal]))
    assert found.category == "shipping"
    assert found.evidence[0].startswith(f"PUT {SO_PATH}/eid:woo-5001 → 400 USER_ERROR")


def test_external_connector_rejection_without_a_log_uses_what_it_said() -> None:
    push = PushResult("5001", "rejected", said="tax code missing for rate NY")
    found = run(push, CallLog())
    assert found.category == "tax" and "tax code missing for rate NY" in found.summary
    assert found.evidence == ("connector: rejected: tax code missing for rate NY",)


def test_connector_problem_without_a_stage_is_read_for_its_subject() -> None:
    push = PushResult("5001", "failed", problem="2 customers have the email dup@example.com")
    assert run(push, CallLog()).category == "customer-match"


def test_skipped_by_status_is_a_sync_rule() -> None:
    expected = make_expected(should_sync=False, status="pending")
    push = PushResult("5001", "skipped", skipped_rule="sync.statuses is [processing]; the "
                      "order is 'pending'")
    found = run(push, CallLog(), expected)
    assert found.category == "sync-rule"
    assert "'pending'" in found.summary and "sync.statuses" in found.hint
    assert found.evidence == ("connector: skipped (sync.statuses is [processing]; the order "
                              "is 'pending')",)


def test_a_connector_skipping_an_order_that_should_sync() -> None:
    push = PushResult("5001", "skipped", skipped_rule="only completed orders")
    found = run(push, CallLog(), mismatches=compare(make_expected(), ActualLanding()))
    assert found.category == "sync-rule" and "only completed orders" in found.summary


def test_an_order_landing_although_its_status_is_not_synced() -> None:
    expected = make_expected(should_sync=False, status="pending")
    log = CallLog(calls=[call("PUT", f"{SO_PATH}/eid:woo-5001", 204, body={"externalId":
                                                                            "woo-5001"})])
    found = run(pushed(sales_order_id="7001"), log, expected,
                compare(expected, make_actual()))
    assert found.category == "sync-rule" and "must not reach NetSuite" in found.summary
    assert found.evidence[0] == f"PUT {SO_PATH}/eid:woo-5001 → 204"


# -- orders that landed wrong -----------------------------------------------------------------


def _diagnose_landing(actual: ActualLanding, log: CallLog | None = None,
                      expected: ExpectedLanding | None = None) -> Diagnosis:
    expected = expected or make_expected()
    mismatches = compare(expected, actual)
    return run(pushed(sales_order_id="7001"), log or CallLog(), expected, mismatches, actual)


def test_an_exact_landing_has_no_diagnosis() -> None:
    assert diagnose(pushed(), CallLog(), [], make_expected(), actual=make_actual()) is None


def test_price_level_not_custom() -> None:
    actual = make_actual()
    line = replace(actual.lines[0], rate=D("39.20"), amount=D("78.40"),
                   price_level=NamedRef("2", "Wholesale"))
    sent = {"externalId": "woo-5001", "item": {"items": [{"item": {"id": "101"},
                                                           "quantity": 2}]}}
    log = CallLog(calls=[call("PUT", f"{SO_PATH}/eid:woo-5001", 204, body=sent)])
    found = _diagnose_landing(replace(actual, lines=(line, actual.lines[1])), log)
    assert found.category == "item-mapping"
    assert "price level Custom (-1) with the rate" in found.hint
    assert "at rate 39.20 instead of 49.00" in found.summary and "Wholesale (2)" in found.summary
    assert 'sent item.items[0] = {"item": {"id": "101"}, "quantity": 2}' in found.evidence
    assert "lines[HOODIE-BLK-M].priceLevel: expected Custom (-1), actual Wholesale (2)" in (
        found.evidence)


def test_wrong_tax_code_names_both_codes() -> None:
    sent = {"externalId": "woo-5001", "taxItem": {"id": "302"}}
    log = CallLog(calls=[call("PUT", f"{SO_PATH}/eid:woo-5001", 204, body=sent)])
    actual = make_actual(tax_total=D("9.76"), total=D("127.76"),
                         tax_item=NamedRef("302", "NY-NYC"), tax_rate=D("8.875"))
    found = _diagnose_landing(actual, log)
    assert found.category == "tax"
    assert "landed as 9.76 instead of WooCommerce's 7.98" in found.summary
    assert "NY-NYC (302) at 8.875%" in found.summary and "US-CA-STATE TAX-1" in found.summary
    assert "Send tax code CA-STATE (301)" in found.hint
    assert 'sent {"taxItem": {"id": "302"}}' in found.evidence


def test_no_tax_at_all() -> None:
    found = _diagnose_landing(make_actual(tax_total=D(0), total=D("118.00")))
    assert found.category == "tax" and "no tax at all" in found.summary


def test_shipping_cost_dropped_outranks_the_tax_it_changed() -> None:
    sent = {"externalId": "woo-5001", "shipMethod": {"id": "201"}}
    log = CallLog(calls=[call("PUT", f"{SO_PATH}/eid:woo-5001", 204, body=sent)])
    found = _diagnose_landing(make_actual(shipping_cost=None, tax_total=D("7.40"),
                                          total=D("117.40")), log)
    assert found.category == "shipping"
    assert found.summary == (
        "The shipping cost 8.00 of order #5001 was dropped. Also wrong: tax (taxTotal).")
    assert any(e.startswith("also tax: Tax on order #5001 landed as 7.40") for e in
               found.evidence)
    assert "Send shippingCost" in found.hint
    assert 'sent {"shipMethod": {"id": "201"}}' in found.evidence


def test_discount_missing() -> None:
    expected = make_expected(discount_item=NamedRef("120", "Web Discount"),
                             discount_total=D("-5.00"), total=D("120.98"))
    found = _diagnose_landing(make_actual(total=D("125.98")), expected=expected)
    assert found.category == "discount" and "discountRate -5.00" in found.hint


def test_case_sensitive_customer_match_creates_a_duplicate() -> None:
    dup = CustomerRef("1006", "jane.doe@example.com", entity_id="Jane Doe")
    search = call("POST", SUITEQL_PATH, 200, body={
        "q": "SELECT id FROM customer WHERE email = 'Jane.Doe@Example.com'"})
    create = call("PUT", "/services/rest/record/v1/customer/eid:woo-customer-12", 204,
                  body={"email": "jane.doe@example.com"}, location="/services/rest/record/v1/"
                  "customer/1006")
    actual = make_actual(entity=NamedRef("1006", "Jane Doe"), customer=dup,
                         customers_with_email=(make_actual().customer, dup))
    found = _diagnose_landing(actual, CallLog(calls=[search, create]))
    assert found.category == "customer-match"
    assert "duplicate customer" in found.summary and "1001" in found.summary
    assert "case-insensitively" in found.hint and "merge customer 1006 into 1001" in found.hint
    assert (f"POST {SUITEQL_PATH} → 200 [SELECT id FROM customer WHERE email = "
            "'Jane.Doe@Example.com']") in found.evidence


def test_duplicate_orders_are_a_sync_rule() -> None:
    writes = [call("POST", SO_PATH, 204, body={"otherRefNum": "5001"}) for _ in range(2)]
    found = _diagnose_landing(make_actual(order_ids=("7001", "7002")), CallLog(calls=writes))
    assert found.category == "sync-rule"
    assert "2 Sales Orders" in found.summary and "7001, 7002" in found.summary
    assert "eid:woo-5001" in found.hint and len(found.evidence) == 3


def test_lines_appended_again_on_update() -> None:
    actual = make_actual()
    again = ActualLine(NamedRef("104", "MUG-WHT"), D(1), D(12), D(12))
    writes = [call("PUT", f"{SO_PATH}/eid:woo-5001", 204, body={"externalId": "woo-5001"})] * 2
    expected = make_expected(lines=(expected_line("HOODIE-BLK-M", "101", 2, "49.00"),
                                    expected_line("MUG-WHT", "104", 1, "12.00")))
    found = _diagnose_landing(replace(actual, lines=(*actual.lines, again), total=D("137.98")),
                              CallLog(calls=writes), expected)
    assert found.category == "item-mapping" and "replace=item" in found.hint


def test_a_wrong_subsidiary_is_a_validation_rule() -> None:
    found = _diagnose_landing(make_actual(subsidiary=NamedRef("2", "Acme Canada")))
    assert found.category == "validation-rule" and "subsidiary" in found.summary


def test_reference_numbers_are_a_sync_rule() -> None:
    found = _diagnose_landing(make_actual(external_id="WC-5001"))
    assert found.category == "sync-rule" and "externalId WC-5001 instead of woo-5001" in (
        found.summary)


# -- no error, but no order -------------------------------------------------------------------


def test_never_sent_is_diagnosed_not_success() -> None:
    found = run(None, CallLog(), mismatches=compare(make_expected(), ActualLanding()))
    assert found.category == "sync-rule" and "never reached NetSuite" in found.summary


def test_accepted_but_gone() -> None:
    log = CallLog(calls=[call("PUT", f"{SO_PATH}/eid:woo-5001", 204,
                              location=f"{SO_PATH}/7001")])
    found = run(pushed(sales_order_id="7001"), log,
                mismatches=compare(make_expected(), ActualLanding()))
    assert found.category == "script-or-workflow" and "Sales Order 7001" in found.summary
    assert found.evidence == (f"PUT {SO_PATH}/eid:woo-5001 → 204",)


def test_a_refused_write_seen_only_in_the_call_log() -> None:
    refusal = call("POST", SO_PATH, 400, code="USER_ERROR",
                   detail=business("Please enter value(s) for: Department."),
                   body={"externalId": "woo-5001"})
    found = run(None, CallLog(calls=[refusal]),
                mismatches=compare(make_expected(), ActualLanding()))
    assert found.category == "required-field"
    assert found.evidence[0].startswith(f"POST {SO_PATH} → 400 USER_ERROR")


def test_an_order_the_expectation_knew_could_not_land() -> None:
    known = problem("shipping", "shipMethod", "Shipping method table_rate has no ship item.",
                    "Map table_rate under shipping.methods.")
    expected = make_expected(problems=(known,))
    found = run(None, CallLog(), expected, compare(expected, ActualLanding()))
    # Expected to be refused (count 0) and it was: no mismatch, but still not a success.
    assert found is not None and found.category == "shipping"


def test_an_orders_writes_are_told_apart_from_similar_order_numbers() -> None:
    log = CallLog(calls=[
        call("PUT", f"{SO_PATH}/eid:woo-50012", 204, body={"otherRefNum": "50012"}),
        call("PUT", f"{SO_PATH}/eid:woo-5001", 204, body={"otherRefNum": "5001"}),
        call("POST", SO_PATH, 204, body={"otherRefNum": "5001"}),
        call("POST", "/services/rest/record/v1/customer", 204, body={"otherRefNum": "5001"}),
    ])
    found = sales_order_writes(log, "woo-5001", "5001")
    assert [c.path for c in found] == [f"{SO_PATH}/eid:woo-5001", SO_PATH]


def test_an_unnamed_item_is_shown_by_its_id_alone() -> None:
    from harness.landing.classify import classify
    from harness.landing.failure import Failure

    cause = classify(
        Failure(
            "PUT",
            "/services/rest/record/v1/salesOrder/eid:woo-1",
            400,
            "USER_ERROR",
            "Error while accessing a resource. Invalid item reference key 108.",
            "item.items[0].item",
        )
    )
    assert cause.category == "item-mapping"
    assert cause.summary == "Item 108 does not exist in NetSuite or is inactive."


@pytest.mark.parametrize(
    ("table", "grant"),
    [
        ("item", "Grant the role 'Lists > Items' at View level"),
        ("shipItem", "Grant the role 'Setup > Shipping Items' at View level"),
        ("customrecord_woo_map", "Grant the role the permission that shows these records"),
    ],
)
def test_a_suiteql_table_hidden_from_the_role_is_a_permission(table: str, grant: str) -> None:
    """SuiteQL answers a table the role may not view as if it did not exist."""
    from harness.landing.classify import classify
    from harness.landing.failure import Failure

    detail = (
        "Invalid search query. Detailed unprocessed description follows. Search error "
        f"occurred: Record '{table}' was not found."
    )
    cause = classify(Failure("POST", SUITEQL_PATH, 400, "INVALID_PARAMETER", detail))
    assert cause.category == "permission"
    assert f"may not read the {table} table in SuiteQL" in cause.summary
    assert cause.hint.startswith(grant)


def test_a_suiteql_table_no_role_has_is_not_a_permission() -> None:
    from harness.landing.classify import classify
    from harness.landing.failure import Failure

    detail = (
        "Invalid search query. Detailed unprocessed description follows. Invalid search "
        "type: transactiontablethatdoesnotexist."
    )
    cause = classify(Failure("POST", SUITEQL_PATH, 400, "INVALID_PARAMETER", detail))
    assert cause.category == "validation-rule"

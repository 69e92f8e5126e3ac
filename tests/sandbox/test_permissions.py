"""Role permissions: logging in, record levels per method, subsidiaries, SuiteQL tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from rules_helpers import lines, running, variant
from sandbox_helpers import Client, details

from harness.sandbox.account import demo_profile
from harness.sandbox.oauth import AuthFailure, Principal
from harness.sandbox.rules.permissions import AccessPolicy

CONTACT = "Please contact your account administrator."
LOGIN = [
    {"category": "setup", "name": "REST Web Services", "level": "full"},
    {"category": "setup", "name": "Log in using Access Tokens", "level": "full"},
]
ORDER = {"entity": {"id": "1001"}, "item": lines([("101", 1, 49)])}


def missing(label: str) -> str:
    return (
        f"Permission Violation: You need  the '{label}' permission to access this page. {CONTACT}"
    )


def too_low(label: str, wanted: str, held: str) -> str:
    return (
        f"Permission Violation: You need a higher level of the '{label}' permission "
        f"({wanted}; the role has {held}) to access this page. {CONTACT}"
    )


def grant(category: str, name: str, level: str) -> dict[str, str]:
    return {"category": category, "name": name, "level": level}


@contextmanager
def as_role(
    permissions: list[dict[str, str]], subsidiaries: list[int] | None = None
) -> Iterator[Client]:
    """A sandbox whose role 2000 has exactly `permissions`, and a client holding its token."""

    def add(p: dict[str, Any]) -> None:
        p["roles"].append(
            {"id": 2000, "name": "Test", "permissions": permissions, "subsidiaries": subsidiaries}
        )
        first = p["credentials"]["tba"][0]
        token = {"tokenId": "ab" * 28 + "00002000", "tokenSecret": "cd" * 28 + "00002000"}
        p["credentials"]["tba"].append({**first, "name": "test-role", "role": 2000, **token})

    profile = variant(add)
    with running(profile, credential=len(profile.credentials.tba) - 1) as ns:
        yield ns


def forbidden(response: Any, detail: str) -> None:
    assert response.status_code == 403, response.text
    assert details(response) == [{"detail": detail, "o:errorCode": "INSUFFICIENT_PERMISSION"}]


# --- logging in -----------------------------------------------------------------------------


@pytest.mark.parametrize("dropped", ["REST Web Services", "Log in using Access Tokens"])
def test_a_role_without_a_login_permission_cannot_log_in(dropped: str) -> None:
    granted = [g for g in LOGIN if g["name"] != dropped] + [
        grant("transactions", "Sales Order", "full")
    ]
    with as_role(granted) as ns:
        response = ns.get("record/v1/salesOrder")
    assert response.status_code == 401
    assert details(response)[0]["o:errorCode"] == "INVALID_LOGIN"
    assert details(response)[0]["detail"].startswith("Invalid login attempt.")
    assert response.headers["WWW-Authenticate"].startswith('OAuth realm="1234567_SB1"')


def test_m2m_login_needs_the_oauth2_permission_not_the_token_one() -> None:
    policy = AccessPolicy(demo_profile())
    policy.check_login(Principal("1010", "oauth2"))  # the demo role has both
    profile = demo_profile().model_copy(deep=True)
    tba_only = profile.roles[0].model_copy(
        update={
            "permissions": [p for p in profile.roles[0].permissions if "OAuth 2.0" not in p.name]
        }
    )
    policy = AccessPolicy(profile.model_copy(update={"roles": [tba_only]}))
    policy.check_login(Principal("1010", "tba"))
    with pytest.raises(AuthFailure) as failure:
        policy.check_login(Principal("1010", "oauth2"))
    assert failure.value.status == 401 and failure.value.code == "INVALID_LOGIN"
    assert failure.value.www_authenticate is not None
    assert failure.value.www_authenticate.startswith("Bearer ")
    assert "Log in using OAuth 2.0 Access Tokens" in failure.value.reason


# --- record permissions per method -------------------------------------------------------------


def test_a_role_without_sales_orders_cannot_even_read_them(ns: Client) -> None:
    order_id = ns.create("salesOrder", ORDER)
    with as_role([*LOGIN, grant("lists", "Customers", "full")]) as other:
        forbidden(other.get("record/v1/salesOrder"), missing("Transactions -> Sales Order"))
        forbidden(
            other.get(f"record/v1/salesOrder/{order_id}"), missing("Transactions -> Sales Order")
        )


def test_view_level_reads_but_cannot_create(ns: Client) -> None:
    del ns
    with as_role([*LOGIN, grant("transactions", "Sales Order", "view")]) as viewer:
        assert viewer.get("record/v1/salesOrder").status_code == 200
        forbidden(
            viewer.post("record/v1/salesOrder", ORDER),
            too_low("Transactions -> Sales Order", "Create", "View"),
        )


def test_the_demo_view_only_role_is_refused_a_create_but_may_read() -> None:
    with running(variant(lambda p: None), credential=1) as viewer:
        forbidden(
            viewer.put("record/v1/salesOrder/eid:woo-1", ORDER),
            too_low("Transactions -> Sales Order", "Create", "View"),
        )
        assert viewer.get("record/v1/salesOrder").status_code == 200


def test_create_level_cannot_edit_and_put_needs_the_level_of_what_it_does() -> None:
    with as_role([*LOGIN, grant("transactions", "Sales Order", "create")]) as creator:
        assert creator.put("record/v1/salesOrder/eid:woo-7", ORDER).status_code == 204
        forbidden(
            creator.put("record/v1/salesOrder/eid:woo-7", ORDER),
            too_low("Transactions -> Sales Order", "Edit", "Create"),
        )
        forbidden(
            creator.patch("record/v1/salesOrder/eid:woo-7", {"memo": "x"}),
            too_low("Transactions -> Sales Order", "Edit", "Create"),
        )


def test_edit_level_cannot_delete() -> None:
    with as_role([*LOGIN, grant("transactions", "Sales Order", "edit")]) as editor:
        order_id = editor.create("salesOrder", ORDER)
        assert editor.patch(f"record/v1/salesOrder/{order_id}", {"memo": "x"}).status_code == 204
        forbidden(
            editor.delete(f"record/v1/salesOrder/{order_id}"),
            too_low("Transactions -> Sales Order", "Full", "Edit"),
        )
    with as_role([*LOGIN, grant("transactions", "Sales Order", "full")]) as owner:
        order_id = owner.create("salesOrder", ORDER)
        assert owner.delete(f"record/v1/salesOrder/{order_id}").status_code == 204


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("record/v1/customer", "Lists -> Customers"),
        ("record/v1/inventoryItem", "Lists -> Items"),
        ("record/v1/taxGroup", "Setup -> Tax Records"),  # salesTaxItem: no REST (legacy tax)
        ("record/v1/shipItem", "Setup -> Shipping Items"),
        ("record/v1/subsidiary", "Lists -> Subsidiaries"),
        ("record/v1/currency", "Lists -> Currency"),
        ("record/v1/location", "Lists -> Locations"),
        ("record/v1/department", "Lists -> Departments"),
        ("record/v1/classification", "Lists -> Classes"),
        ("record/v1/term", "Lists -> Accounting Lists"),
    ],
)
def test_each_list_needs_its_own_permission(path: str, label: str) -> None:
    with as_role([*LOGIN, grant("transactions", "Sales Order", "full")]) as ns:
        forbidden(ns.get(path), missing(label))


def test_customer_create_needs_customers_at_create_level() -> None:
    body = {"companyName": "New Co", "subsidiary": {"id": "1"}}
    with as_role([*LOGIN, grant("lists", "Customers", "view")]) as ns:
        forbidden(
            ns.post("record/v1/customer", body), too_low("Lists -> Customers", "Create", "View")
        )
    with as_role([*LOGIN, grant("lists", "Customers", "create")]) as ns:
        assert ns.post("record/v1/customer", body).status_code == 204


def test_permission_is_checked_before_the_body_is_read() -> None:
    with as_role([*LOGIN, grant("transactions", "Sales Order", "view")]) as ns:
        forbidden(
            ns.post("record/v1/salesOrder", {"entity": "not a reference"}),
            too_low("Transactions -> Sales Order", "Create", "View"),
        )


# --- subsidiaries ------------------------------------------------------------------------------


FULL = [
    *LOGIN,
    grant("transactions", "Sales Order", "full"),
    grant("lists", "Customers", "full"),
]


def test_a_role_restricted_to_a_subsidiary_cannot_save_in_another() -> None:
    with as_role(FULL, subsidiaries=[1]) as ns:
        assert ns.post("record/v1/salesOrder", ORDER).status_code == 204
        canadian = {"entity": {"id": "1003"}, "item": lines([("104", 1, None)])}
        response = ns.post("record/v1/salesOrder", canadian)
        assert response.status_code == 403
        assert details(response) == [
            {
                "detail": "Permission Violation: Your role does not give you access to the "
                f"subsidiary 'Acme Outfitters Canada Ltd.' (2). {CONTACT}",
                "o:errorCode": "INSUFFICIENT_PERMISSION",
                "o:errorPath": "subsidiary",
            }
        ]
        customer = {"companyName": "Loon", "subsidiary": {"id": "2"}}
        assert ns.post("record/v1/customer", customer).status_code == 403


# --- SuiteQL -------------------------------------------------------------------------------------


def test_suiteql_hides_the_tables_of_records_the_role_cannot_view() -> None:
    with as_role([*LOGIN, grant("transactions", "Find Transaction", "view")]) as ns:
        assert ns.suiteql("SELECT COUNT(*) AS n FROM transaction").status_code == 200
        response = ns.suiteql("SELECT id FROM customer")
        assert response.status_code == 400
        assert "customer" in details(response)[0]["detail"]
        joined = ns.suiteql("SELECT t.id FROM transaction t JOIN customer c ON c.id = t.entity")
        assert joined.status_code == 400


def test_suiteql_with_the_demo_role_sees_what_the_connector_needs(ns: Client) -> None:
    for table in ("customer", "item", "shipitem", "salestaxitem", "currency", "transaction"):
        assert ns.suiteql(f"SELECT COUNT(*) AS n FROM {table}").status_code == 200, table

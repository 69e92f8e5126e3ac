"""Customer business rules: person or company, subsidiary, currency, tax, duplicates."""

from __future__ import annotations

from typing import Any

import pytest
from rules_helpers import entry, running, saved, variant
from sandbox_helpers import Client, details

PREFIX = "Error while accessing a resource. "


def refused(response: Any, detail: str, path: str | None = None) -> None:
    assert response.status_code == 400, response.text
    expected = {"detail": PREFIX + detail, "o:errorCode": "USER_ERROR"}
    if path:
        expected["o:errorPath"] = path
    assert details(response) == [expected]


@pytest.mark.parametrize(
    ("body", "labels"),
    [
        ({"isPerson": True, "subsidiary": {"id": "1"}}, "First Name, Last Name"),
        ({"isPerson": True, "firstName": "Ann", "subsidiary": {"id": "1"}}, "Last Name"),
        ({"isPerson": False, "subsidiary": {"id": "1"}}, "Company Name"),
        ({"isPerson": False, "companyName": "Acme"}, "Primary Subsidiary"),
    ],
)
def test_required_names_and_subsidiary(ns: Client, body: dict[str, Any], labels: str) -> None:
    refused(ns.post("record/v1/customer", body), f"Please enter value(s) for: {labels}.")


def test_person_and_company_names(ns: Client) -> None:
    person = saved(
        ns,
        "customer",
        {"isPerson": True, "firstName": "Ann", "lastName": "Lee", "subsidiary": {"id": "1"}},
    )
    assert (person["isPerson"], person["entityId"]) == (True, "Ann Lee")
    company = saved(ns, "customer", {"companyName": "Lee & Co", "subsidiary": {"id": "1"}})
    assert (company["isPerson"], company["entityId"]) == (False, "Lee & Co")


def test_currency_defaults_from_the_subsidiary_and_a_sent_one_wins(ns: Client) -> None:
    canadian = saved(ns, "customer", {"companyName": "Loon Ltd", "subsidiary": {"id": "2"}})
    assert canadian["currency"]["refName"] == "Canadian Dollar"
    usd = saved(
        ns,
        "customer",
        {"companyName": "Loon US", "subsidiary": {"id": "2"}, "currency": {"id": "1"}},
    )
    assert usd["currency"]["refName"] == "USA"


def test_taxable_defaults_from_the_preference_and_exemption_is_kept(ns: Client) -> None:
    assert saved(ns, "customer", {"companyName": "T", "subsidiary": {"id": "1"}})["taxable"]
    exempt = saved(
        ns, "customer", {"companyName": "E", "subsidiary": {"id": "1"}, "taxable": False}
    )
    assert exempt["taxable"] is False
    with running(variant(lambda p: p["preferences"].update(customersDefaultToTaxable=False))) as o:
        assert (
            saved(o, "customer", {"companyName": "T", "subsidiary": {"id": "1"}})["taxable"]
            is False
        )


def test_email_and_addressbook_are_kept(ns: Client) -> None:
    body = {
        "companyName": "Quay Co",
        "subsidiary": {"id": "1"},
        "email": "buyer@quay.example",
        "addressbook": {
            "items": [
                {
                    "defaultShipping": True,
                    "addressbookaddress": {
                        "addr1": "9 Pier St",
                        "city": "Oakland",
                        "country": "US",
                    },
                }
            ]
        },
    }
    got = saved(ns, "customer", body)
    assert got["email"] == "buyer@quay.example"
    assert got["addressbook"]["items"][0]["addressbookaddress"]["addr1"] == "9 Pier St"


def test_a_second_customer_with_the_same_external_id_already_exists(ns: Client) -> None:
    body = {"companyName": "Once", "subsidiary": {"id": "1"}, "externalId": "woo-cust-1"}
    ns.create("customer", body)
    refused(ns.post("record/v1/customer", body), "This entity already exists.")


def test_duplicate_email_detection_when_the_account_has_it_on(ns: Client) -> None:
    body = {"companyName": "Twin", "subsidiary": {"id": "1"}, "email": " Jane.Doe@Example.com "}
    assert ns.post("record/v1/customer", body).status_code == 204  # off in the demo
    with running(variant(lambda p: p["preferences"].update(duplicateEmailDetection=True))) as on:
        refused(on.post("record/v1/customer", body), "This entity already exists.")
        unique = {**body, "email": "someone.else@example.com"}
        assert on.post("record/v1/customer", unique).status_code == 204


def test_a_tax_item_of_another_subsidiary_is_refused(ns: Client) -> None:
    body = {"companyName": "X", "subsidiary": {"id": "1"}, "taxItem": {"id": "303"}}
    refused(
        ns.post("record/v1/customer", body),
        "Invalid taxitem reference key 303 for subsidiary 1.",
        "taxItem",
    )


def test_an_inactive_subsidiary_is_refused() -> None:
    with running(variant(lambda p: entry(p["subsidiaries"], 2).update(isInactive=True))) as ns:
        refused(
            ns.post("record/v1/customer", {"companyName": "X", "subsidiary": {"id": "2"}}),
            "Invalid subsidiary reference key 2.",
            "subsidiary",
        )

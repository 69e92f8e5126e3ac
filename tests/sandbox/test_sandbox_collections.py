"""Record collections (reference 4.1): one page of ids and links, the paging envelope,
and the `q` filter operators for the field types the sandbox stores."""

from __future__ import annotations

import pytest
from sandbox_helpers import Client, details, order_body

from harness.sandbox.serve import Sandbox


def ids(ns: Client, record_type: str, q: str) -> list[str]:
    response = ns.get(f"record/v1/{record_type}", q=q)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_collection_page_has_ids_links_and_the_paging_envelope(
    ns: Client, sandbox: Sandbox
) -> None:
    body = ns.get("record/v1/customer", limit="2", offset="0").json()
    assert [item["id"] for item in body["items"]] == ["1001", "1002"]
    assert body["items"][0] == {
        "links": [
            {"rel": "self", "href": f"{sandbox.base_url}/services/rest/record/v1/customer/1001"}
        ],
        "id": "1001",
    }
    assert body["count"] == 2 and body["hasMore"] is True
    assert body["offset"] == 0 and body["totalResults"] == 5
    rels = {link["rel"]: link["href"] for link in body["links"]}
    assert set(rels) == {"next", "last", "self"}
    assert rels["next"].endswith("/record/v1/customer?limit=2&offset=2")
    assert rels["last"].endswith("limit=2&offset=4")


def test_following_next_links_visits_every_record_once(ns: Client) -> None:
    seen: list[str] = []
    url = "record/v1/customer?limit=2"
    while True:
        page = ns.get(url).json()
        seen += [item["id"] for item in page["items"]]
        if not page["hasMore"]:
            break
        url = next(link["href"] for link in page["links"] if link["rel"] == "next")
    assert seen == ["1001", "1002", "1003", "1004", "1005"]
    assert {link["rel"] for link in page["links"]} == {"first", "prev", "self"}


def test_limit_above_1000_is_an_invalid_parameter(ns: Client) -> None:
    response = ns.get("record/v1/customer", limit="1001")
    assert response.status_code == 400
    (detail,) = details(response)
    assert detail["o:errorCode"] == "INVALID_PARAMETER" and detail["o:errorQueryParam"] == "limit"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('email IS "JANE.DOE@example.com"', ["1001"]),
        ("email IS_NOT jane.doe@example.com", ["1002", "1003", "1004", "1005"]),
        ("email START_WITH dup", ["1004", "1005"]),
        ("companyName CONTAIN leaf", ["1003"]),
        ("companyName END_WITH Traders", ["1002"]),
        ("companyName EMPTY", ["1001", "1004"]),
        ("companyName EMPTY_NOT", ["1002", "1003", "1005"]),
    ],
)
def test_string_operators(ns: Client, q: str, expected: list[str]) -> None:
    assert ids(ns, "customer", q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("id EQUAL 1003", ["1003"]),
        ("id GREATER 1003", ["1004", "1005"]),
        ("id LESS_OR_EQUAL 1002", ["1001", "1002"]),
        ("id BETWEEN [1002, 1004]", ["1002", "1003", "1004"]),
        ("id BETWEEN_NOT [1002, 1004]", ["1001", "1005"]),
        ("id ANY_OF [1001, 1005]", ["1001", "1005"]),
        ("subsidiary ANY_OF [2]", ["1003"]),
        ("subsidiary EQUAL_NOT 1", ["1003"]),
    ],
)
def test_numeric_operators(ns: Client, q: str, expected: list[str]) -> None:
    assert ids(ns, "customer", q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("isPerson IS true", ["1001", "1004"]),
        ("taxable IS false", ["1002"]),
        ('isPerson IS true AND email START_WITH "dup"', ["1004"]),
        ("companyName IS Northwind OR id EQUAL 1003", ["1003"]),
        ("(email START_WITH dup OR id EQUAL 1001) AND isPerson IS false", ["1005"]),
    ],
)
def test_boolean_operator_and_combinations(ns: Client, q: str, expected: list[str]) -> None:
    assert ids(ns, "customer", q) == expected


def test_date_operators_take_the_account_date_format(ns: Client) -> None:
    early = ns.create("salesOrder", order_body(tranDate="2024-01-10"))
    late = ns.create("salesOrder", order_body(tranDate="2024-02-20"))
    assert ids(ns, "salesOrder", 'tranDate ON "01/10/2024"') == [early]
    assert ids(ns, "salesOrder", 'tranDate AFTER "1/31/2024"') == [late]
    assert ids(ns, "salesOrder", 'tranDate ON_OR_BEFORE "02/20/2024"') == [early, late]
    assert ids(ns, "salesOrder", "tranDate WITHIN [01/01/2024, 01/31/2024]") == [early]
    assert ids(ns, "salesOrder", 'lastModifiedDate ON "03/15/2024"') == [early, late]


def test_an_unparseable_date_is_an_invalid_parameter(ns: Client) -> None:
    response = ns.get("record/v1/salesOrder", q='tranDate AFTER "2024-01-01"')
    assert response.status_code == 400
    (detail,) = details(response)
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert detail["detail"] == 'Unparseable date: "2024-01-01"'
    assert detail["o:errorQueryParam"] == "q"


def test_an_invalid_query_is_answered_like_netsuite(ns: Client) -> None:
    response = ns.get("record/v1/customer", q="email START_WITH")
    assert details(response) == [
        {
            "detail": "Invalid search query. Provide a valid search query.",
            "o:errorCode": "INVALID_PARAMETER",
            "o:errorQueryParam": "q",
        }
    ]


def test_an_operator_of_another_field_type_is_refused(ns: Client) -> None:
    response = ns.get("record/v1/customer", q="email GREATER 5")
    assert response.status_code == 400
    assert details(response)[0]["o:errorQueryParam"] == "q"


def test_an_unknown_field_in_q_is_nonexistent_field(ns: Client) -> None:
    response = ns.get("record/v1/customer", q="shoeSize EQUAL 9")
    assert details(response)[0]["o:errorCode"] == "NONEXISTENT_FIELD"


def test_q_on_sales_orders_reaches_header_fields_on_the_main_line(ns: Client) -> None:
    us = ns.create("salesOrder", order_body(externalId="A|B"))
    canada = ns.create(
        "salesOrder",
        {"entity": {"id": "1003"}, "item": {"items": [{"item": {"id": "104"}}]}},
    )
    assert ids(ns, "salesOrder", "subsidiary EQUAL 2") == [canada]
    assert ids(ns, "salesOrder", 'externalId IS "A|B"') == [us]
    assert ids(ns, "salesOrder", "total GREATER 100") == [us]


def test_item_collections_are_per_item_type(ns: Client) -> None:
    assert ids(ns, "nonInventorySaleItem", "isTaxable IS false") == ["107"]
    inactive = ids(ns, "inventoryItem", "isInactive IS true")
    assert inactive == ["108"]
    assert ids(ns, "inventoryItem", "subsidiary ANY_OF [2]") == ["101", "102", "104", "105"]


def test_an_offset_off_the_page_grid_is_refused_as_suiteql_refuses_it(ns: Client) -> None:
    """CONFIRMED-weak (reference 4.2): `offset` must be a multiple of `limit`; collections
    follow the same rule, in SuiteQL's words."""
    collection = ns.get("record/v1/customer", limit="2", offset="3")
    suiteql = ns.suiteql("SELECT id FROM customer", limit="2", offset="3")
    assert collection.status_code == suiteql.status_code == 400
    assert details(collection) == details(suiteql)
    (detail,) = details(collection)
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert detail["o:errorQueryParam"] == "offset"
    assert "multiple of the limit (2)" in detail["detail"]


def test_offsets_on_the_page_grid_are_accepted(ns: Client) -> None:
    assert ns.get("record/v1/customer", limit="2", offset="4").json()["items"][0]["id"] == "1005"

"""ReferenceData: one batched SuiteQL per kind, cached per instance, against the demo account."""

from __future__ import annotations

from decimal import Decimal

from landing_helpers import ClientFactory, FakeClient

from harness.landing.refdata import CustomerRef, ReferenceData, normalize_email, sql_text


def test_sql_text_doubles_single_quotes() -> None:
    assert sql_text("O'Brien's") == "'O''Brien''s'"


def test_normalize_email_trims_and_lowercases() -> None:
    assert normalize_email("  Jane.Doe@Example.COM \t") == "jane.doe@example.com"
    assert normalize_email(None) == ""


def test_items_are_resolved_in_one_query_and_cached() -> None:
    fake = FakeClient({"item": [
        {"id": "101", "itemid": "HOODIE-BLK-M", "isinactive": "F", "istaxable": "T",
         "subsidiary": "1, 2"},
        {"id": "108", "itemid": "POSTER-OLD", "isinactive": "T", "istaxable": "T",
         "subsidiary": "1"},
    ]})
    refs = ReferenceData(fake)
    found = refs.items(["HOODIE-BLK-M", "POSTER-OLD", "NOPE", "HOODIE-BLK-M"])
    assert len(fake.queries) == 1
    assert found["HOODIE-BLK-M"].subsidiaries == {"1", "2"}
    assert found["POSTER-OLD"].active is False
    assert "NOPE" not in found
    # Hits and misses are both remembered: asking again costs nothing.
    assert refs.item("NOPE") is None
    assert refs.item("HOODIE-BLK-M") is not None
    assert len(fake.queries) == 1


def test_only_unknown_names_are_queried() -> None:
    fake = FakeClient({"shipitem": [{"id": "201", "itemid": "UPS Ground"}]})
    refs = ReferenceData(fake)
    refs.ship_items(["UPS Ground"])
    refs.ship_items(["UPS Ground", "Will Call"])
    assert len(fake.queries) == 2
    assert "'UPS Ground'" not in fake.queries[1] and "'Will Call'" in fake.queries[1]


def test_long_name_lists_are_split_below_oracles_in_list_limit() -> None:
    fake = FakeClient({"item": []})
    ReferenceData(fake).items(f"SKU-{n}" for n in range(1200))
    assert len(fake.queries) == 3
    assert all(q.count("'SKU-") <= 500 for q in fake.queries)


def test_quotes_in_names_reach_suiteql_escaped() -> None:
    fake = FakeClient({"item": [{"id": "9", "itemid": "KID'S TEE"}]})
    assert ReferenceData(fake).item("KID'S TEE") is not None
    assert "'KID''S TEE'" in fake.queries[0]


def test_tax_names_fall_back_to_tax_groups() -> None:
    fake = FakeClient({
        "salestaxitem": [{"id": "301", "itemid": "CA-STATE", "rate": "7.25%"}],
        "taxgroup": [{"id": "401", "itemid": "NY-ALL", "rate": "8.875"}],
    })
    codes = ReferenceData(fake).tax_codes(["CA-STATE", "NY-ALL", "NONE"])
    assert codes["CA-STATE"].rate == Decimal("7.25") and not codes["CA-STATE"].group
    assert codes["NY-ALL"].group and codes["NY-ALL"].rate == Decimal("8.875")
    assert len(fake.queries) == 2


def test_for_client_shares_one_cache_per_client() -> None:
    fake, other = FakeClient(), FakeClient()
    assert ReferenceData.for_client(fake) is ReferenceData.for_client(fake)
    assert ReferenceData.for_client(fake) is not ReferenceData.for_client(other)


def test_remember_customers_replaces_what_is_known_for_an_email() -> None:
    fake = FakeClient({"customer": []})
    refs = ReferenceData(fake)
    refs.remember_customers(" Jane.Doe@Example.com", [
        CustomerRef("1006", "jane.doe@example.com"),
        CustomerRef("1001", "jane.doe@example.com"),
        CustomerRef("1002", "jane.doe@example.com", active=False),
    ])
    assert [c.id for c in refs.customers_with_email("jane.doe@example.com")] == ["1001", "1006"]
    assert fake.queries == []


def test_demo_account_reference_data_through_suiteql(make_client: ClientFactory) -> None:
    """The queries run as written against the sandbox's SuiteQL (real table/column names)."""
    refs = ReferenceData(make_client())
    items = refs.items(["HOODIE-BLK-M", "TEE-RED-S", "POSTER-OLD", "NO-SUCH-SKU"])
    assert items["HOODIE-BLK-M"].id == "101" and items["HOODIE-BLK-M"].subsidiaries == {"1", "2"}
    assert items["TEE-RED-S"].subsidiaries == {"1"}
    assert items["POSTER-OLD"].active is False
    assert "NO-SUCH-SKU" not in items
    assert refs.ship_item("Will Call") is not None and refs.ship_item("Will Call").id == "203"
    tax = refs.tax_code("NY-NYC")
    assert tax is not None and tax.rate == Decimal("8.875")
    assert refs.currency("cad") is not None and refs.currency("CAD").precision == 2
    assert refs.subsidiary(2) is not None and refs.subsidiary(2).name.startswith("Acme")
    assert refs.customers_with_email("JANE.DOE@example.com ")[0].id == "1001"
    assert [c.id for c in refs.customers_with_email("dup@example.com")] == ["1004", "1005"]
    assert refs.customers_with_email("nobody@example.com") == ()
    assert refs.queries == 8  # one per kind, and one per new email

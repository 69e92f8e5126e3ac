"""The metadata catalog (reference 4.3; ORA:section_1540810174, section_1545129726,
section_1545126526): the list's links resolve; a type's metadata is JSON Schema with
`Accept: application/schema+json` and OpenAPI 3.0 with `Accept: application/swagger+json`;
what the sandbox answers for a record is what its schema says."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest
from sandbox_helpers import Client, details, order_body

SCHEMA = {"Accept": "application/schema+json"}
SWAGGER = {"Accept": "application/swagger+json"}
CATALOG = "record/v1/metadata-catalog"


def fetch(ns: Client, path: str, headers: dict[str, str]) -> Any:
    response = ns.request("GET", path, headers=headers)
    assert response.status_code == 200, (path, response.text)
    return response.json()


def test_every_link_of_the_catalog_list_resolves_in_its_media_type(ns: Client) -> None:
    items = fetch(ns, CATALOG, {})["items"]
    assert {"customer", "salesOrder", "itemFulfillment", "invoice", "cashSale"} <= {
        item["name"] for item in items
    }
    for item in items:
        media = {link["mediaType"] for link in item["links"]}
        assert media == {"application/json", "application/swagger+json", "application/schema+json"}
        for link in item["links"]:
            response = ns.request("GET", link["href"], headers={"Accept": link["mediaType"]})
            assert response.status_code == 200, link
            if link["mediaType"] != "application/json":
                assert response.headers["Content-Type"] == link["mediaType"]


def test_a_json_schema_has_netsuites_shape(ns: Client) -> None:
    schema = fetch(ns, f"{CATALOG}/customer", SCHEMA)
    assert schema["$schema"] == "https://json-schema.org/draft-06/hyper-schema#"
    assert schema["type"] == "object"
    properties = schema["properties"]
    assert properties["companyName"] == {
        "title": "Company Name",
        "type": "string",
        "nullable": True,
        "maxLength": 83,
    }
    assert properties["subsidiary"]["$ref"] == (
        "/services/rest/record/v1/metadata-catalog/subsidiary"
    )
    assert properties["links"]["items"] == {
        "$ref": "/services/rest/record/v1/metadata-catalog/nsLink"
    }
    assert properties["dateCreated"]["format"] == "date-time"
    assert properties["dateCreated"]["readOnly"] is True
    assert properties["custentity_woo_customer_id"]["x-ns-custom-field"] is True
    assert {"companyName", "email", "lastModifiedDate"} <= set(schema["x-ns-filterable"])


def test_type_names_are_case_insensitive_and_unknown_ones_are_404(ns: Client) -> None:
    assert fetch(ns, f"{CATALOG}/SALESORDER", SCHEMA)["title"] == "salesOrder"
    response = ns.request("GET", f"{CATALOG}/nope", headers=SCHEMA)
    assert response.status_code == 404
    assert details(response)[0]["detail"] == "Record type 'nope' does not exist."


def test_every_reference_in_every_json_schema_resolves(ns: Client) -> None:
    names = [item["name"] for item in fetch(ns, CATALOG, {})["items"]]
    refs: set[str] = set()
    for name in names:
        refs |= set(_refs(fetch(ns, f"{CATALOG}/{name}", SCHEMA)))
    assert "/services/rest/record/v1/metadata-catalog/nsResource" in refs
    for ref in refs:
        fetch(ns, ns.base.rstrip("/").removesuffix("/services/rest") + ref, SCHEMA)


def test_records_the_sandbox_answers_match_their_json_schema(ns: Client) -> None:
    order = ns.create(
        "salesOrder",
        order_body(discountItem={"id": "120"}, discountRate="-10%", shipComplete=True),
    )
    cache: dict[str, Any] = {}

    def resolve(ref: str) -> Any:
        if ref not in cache:
            name = ref.rsplit("/", 1)[1]
            cache[ref] = fetch(ns, f"{CATALOG}/{name}", SCHEMA)
        return cache[ref]

    for path in (f"record/v1/salesOrder/{order}", "record/v1/customer/1001"):
        for expand in ("true", "false"):
            record = ns.get(path, expandSubResources=expand).json()
            type_name = path.split("/")[2]
            _validate(record, resolve(f"/x/{type_name}"), resolve, type_name)


def test_openapi_describes_paths_operations_and_schemas(ns: Client) -> None:
    document = fetch(ns, f"{CATALOG}/salesOrder", SWAGGER)
    assert document["openapi"].startswith("3.0")
    paths = document["paths"]
    assert set(paths["/salesorder"]) == {"get", "post"}
    assert set(paths["/salesorder/{id}"]) == {"get", "patch", "put", "delete"}
    assert "post" in paths["/salesorder/{id}/!transform/itemfulfillment"]
    schemas = document["components"]["schemas"]
    assert schemas["salesOrder"]["properties"]["entity"] == {
        "title": "Customer",
        "$ref": "#/components/schemas/nsResource",
    }
    for ref in _refs(document):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas


def test_openapi_for_the_list_takes_select(ns: Client) -> None:
    response = ns.request(
        "GET", CATALOG, params={"select": "customer,salesorder"}, headers=SWAGGER
    )
    assert response.headers["Content-Type"] == "application/swagger+json"
    document = response.json()
    assert {name for name in document["components"]["schemas"] if not name.startswith("ns")} == {
        "customer",
        "salesOrder",
    }
    assert "/invoice" not in document["paths"]
    assert set(fetch(ns, CATALOG, SWAGGER)["components"]["schemas"]) >= {"invoice", "employee"}


def test_records_made_by_transform_offer_no_create_in_openapi(ns: Client) -> None:
    paths = fetch(ns, f"{CATALOG}/itemFulfillment", SWAGGER)["paths"]
    assert set(paths["/itemfulfillment"]) == {"get"}
    assert set(paths["/itemfulfillment/{id}"]) == {"get", "delete"}


@pytest.mark.parametrize("accept", ["", "application/json", "*/*"])
def test_without_a_metadata_media_type_a_type_answers_its_json_schema(
    ns: Client, accept: str
) -> None:
    document = fetch(ns, f"{CATALOG}/customer", {"Accept": accept} if accept else {})
    assert document["properties"]["companyName"]["type"] == "string"


def test_an_airbyte_style_discovery_finds_incremental_streams(ns: Client) -> None:
    """gh:airbytehq/airbyte source-netsuite: list, then each type's JSON Schema, and a type
    is incremental when its schema has `lastModifiedDate`."""
    names = [item["name"] for item in fetch(ns, CATALOG, {})["items"]]
    schemas = {name: fetch(ns, f"{CATALOG}/{name}", SCHEMA) for name in names}
    incremental = {n for n, s in schemas.items() if s["properties"].get("lastModifiedDate")}
    assert {"customer", "salesOrder", "inventoryItem"} <= incremental


# --- a small JSON Schema checker (the subset the catalog uses) -------------------------


def _refs(document: Any) -> list[str]:
    found: list[str] = []
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "$ref":
                found.append(value)
            else:
                found += _refs(value)
    elif isinstance(document, list):
        for value in document:
            found += _refs(value)
    return found


def _validate(value: Any, schema: dict[str, Any], resolve: Any, path: str) -> None:
    if "$ref" in schema:
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**resolve(schema["$ref"]), **rest}
    if value is None:
        assert schema.get("nullable"), path
        return
    if "oneOf" in schema:
        matches = 0
        for option in schema["oneOf"]:
            try:
                _validate(value, option, resolve, path)
            except AssertionError:
                continue
            matches += 1
        assert matches == 1, path
        return
    kind = schema.get("type")
    if kind == "object":
        assert isinstance(value, dict), path
        properties = schema.get("properties", {})
        for key, item in value.items():
            assert key in properties, f"{path}.{key} is not in the schema"
            _validate(item, properties[key], resolve, f"{path}.{key}")
    elif kind == "array":
        assert isinstance(value, list), path
        for index, item in enumerate(value):
            _validate(item, schema["items"], resolve, f"{path}[{index}]")
    elif kind == "string":
        assert isinstance(value, str), path
        assert len(value.encode()) <= schema.get("maxLength", len(value.encode())), path
        if "enum" in schema:
            assert value in schema["enum"], path
        if schema.get("format") == "date":
            date.fromisoformat(value)
        if schema.get("format") == "date-time":
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value), path
            datetime.fromisoformat(value)
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), path
    elif kind == "number":
        assert isinstance(value, int | float) and not isinstance(value, bool), path
    elif kind == "boolean":
        assert isinstance(value, bool), path
    else:
        raise AssertionError(f"{path}: no type in {schema}")

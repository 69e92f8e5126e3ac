"""The metadata catalog: `GET /record/v1/metadata-catalog[/<type>]`, as NetSuite serves it.

CONFIRMED (reference 4.3; ORA:section_1540810174, section_1545129726, section_1545126526;
gh:airbytehq/airbyte source-netsuite):
- the list's items carry the record type's `name` and links to its metadata: canonical
  (`application/json`) and alternates for `application/swagger+json` and
  `application/schema+json`, all at `.../metadata-catalog/<type>`;
- `Accept: application/schema+json` on a type answers JSON Schema
  (`"$schema": "https://json-schema.org/draft-06/hyper-schema#"`), properties with `title`,
  `type`, `format` (`int64`, `date`), `nullable`, `x-ns-custom-field`, and the list of
  filterable fields `x-ns-filterable`; references are `$ref`s to
  `/services/rest/record/v1/metadata-catalog/<type>` and links to `.../nsLink`;
- `Accept: application/swagger+json` answers OpenAPI 3.0, on the list for every type or for
  those named in `?select=customer,salesorder`, with lowercase paths (`/salesorder`).

INFERRED: without either media type a type's metadata is its JSON Schema; a reference that can
name records of several types points at `nsResource` (id, refName, externalId, links), as
every reference does in the OpenAPI document, which must stand alone; text fields carry their
length limit as `maxLength`; an enumeration lists the values a request may send.
"""

from __future__ import annotations

from typing import Any

from harness.sandbox.resterror import RestError
from harness.sandbox.store.fields import FieldDef, Kind, RefTarget
from harness.sandbox.store.recordtypes import RecordType, SublistDef
from harness.sandbox.wire import COLLECTION

SCHEMA_JSON = "application/schema+json"
SWAGGER_JSON = "application/swagger+json"
PLAIN_JSON = "application/json"
HYPER_SCHEMA = "https://json-schema.org/draft-06/hyper-schema#"
CATALOG_PATH = "/services/rest/record/v1/metadata-catalog"
_SINGULAR = "application/vnd.oracle.resource+json; type=singular"
_COLLECTION = "application/vnd.oracle.resource+json; type=collection"
_ERROR = "application/vnd.oracle.resource+json; type=error"

Document = dict[str, Any]


def _shared_schemas() -> dict[str, Document]:
    """The schemas every record's schema leans on (`nsLink` CONFIRMED, airbyte constraints)."""
    link: Document = {
        "type": "object",
        "properties": {
            "rel": {"title": "Relationship", "type": "string"},
            "href": {"title": "Hypertext Reference", "type": "string"},
        },
    }
    resource: Document = {
        "type": "object",
        "properties": {
            "id": {"title": "Internal identifier", "type": "string"},
            "refName": {"title": "Reference Name", "type": "string"},
            "externalId": {"title": "External identifier", "type": "string"},
            "links": {"title": "Links", "type": "array", "readOnly": True, "items": link},
        },
    }
    error: Document = {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "o:errorDetails": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "detail": {"type": "string"},
                        "o:errorCode": {"type": "string"},
                        "o:errorPath": {"type": "string"},
                        "o:errorQueryParam": {"type": "string"},
                        "o:errorHeader": {"type": "string"},
                    },
                },
            },
        },
    }
    return {"nsLink": link, "nsResource": resource, "nsError": error}


class MetadataCatalog:
    """Metadata of one account's record types (documents built once per base URL)."""

    def __init__(self, types: dict[str, RecordType]) -> None:
        self.types = types
        self._shared = {name.lower(): (name, doc) for name, doc in _shared_schemas().items()}
        self._cache: dict[tuple[str, str, str], Document] = {}

    def answer(
        self, base_url: str, name: str | None, accept: str, params: dict[str, str]
    ) -> tuple[str, Document]:
        """(media type, document) for the list (`name` None) or one type's metadata."""
        media = _wanted(accept)
        if name is None:
            if media == SWAGGER_JSON:
                selected = self._selected(params.get("select"))
                return SWAGGER_JSON, self.openapi(base_url, selected)
            return COLLECTION, self.listing(base_url)
        if media == SWAGGER_JSON:
            return SWAGGER_JSON, self.openapi(base_url, [self._type(name)])
        return (media if media == SCHEMA_JSON else PLAIN_JSON), self.json_schema(base_url, name)

    # --- the list -------------------------------------------------------------------

    def listing(self, base_url: str) -> Document:
        base = base_url + CATALOG_PATH
        items = []
        for rtype in self.types.values():
            href = f"{base}/{rtype.name.lower()}"
            items.append(
                {
                    "name": rtype.name,
                    "links": [
                        {"rel": "canonical", "href": href, "mediaType": PLAIN_JSON},
                        {"rel": "alternate", "href": href, "mediaType": SWAGGER_JSON},
                        {"rel": "alternate", "href": href, "mediaType": SCHEMA_JSON},
                    ],
                }
            )
        return {"links": [{"rel": "self", "href": base}], "items": items}

    # --- JSON Schema ----------------------------------------------------------------

    def json_schema(self, base_url: str, name: str) -> Document:
        key = (base_url, name.lower(), SCHEMA_JSON)
        if key not in self._cache:
            shared = self._shared.get(name.lower())
            if shared is not None:
                document = {"$schema": HYPER_SCHEMA, "title": shared[0], **shared[1]}
            else:
                rtype = self._type(name)
                document = {
                    "$schema": HYPER_SCHEMA,
                    "title": rtype.name,
                    **self._record_schema(rtype, _CATALOG_REFS),
                    "x-ns-filterable": _filterable(rtype),
                }
            self._cache[key] = document
        return self._cache[key]

    # --- OpenAPI 3.0 ----------------------------------------------------------------

    def openapi(self, base_url: str, selected: list[RecordType]) -> Document:
        key = (base_url, ",".join(t.name for t in selected), SWAGGER_JSON)
        if key in self._cache:
            return self._cache[key]
        schemas: dict[str, Document] = dict(_shared_schemas())
        paths: dict[str, Document] = {}
        for rtype in selected:
            schemas[rtype.name] = {
                **self._record_schema(rtype, _COMPONENT_REFS),
                "x-ns-filterable": _filterable(rtype),
            }
            paths.update(_paths(rtype, self.types))
        document: Document = {
            "openapi": "3.0.1",
            "info": {"title": "NetSuite REST Record API", "version": "v1"},
            "servers": [{"url": base_url + "/services/rest/record/v1"}],
            "tags": [{"name": rtype.name.lower()} for rtype in selected],
            "paths": paths,
            "components": {"schemas": schemas},
        }
        self._cache[key] = document
        return document

    # --- helpers --------------------------------------------------------------------

    def _type(self, name: str) -> RecordType:
        rtype = self.types.get(name.lower())
        if rtype is None:
            raise RestError.one(404, "NONEXISTENT_ID", f"Record type '{name}' does not exist.")
        return rtype

    def _selected(self, select: str | None) -> list[RecordType]:
        if not select:
            return list(self.types.values())
        return [self._type(name.strip()) for name in select.split(",") if name.strip()]

    def _record_schema(self, rtype: RecordType, ref: _Refs) -> Document:
        properties: Document = {
            "links": _links(ref),
            "id": {"title": "Internal ID", "type": "string", "readOnly": True},
            # What a reference to a record of this type shows (references `$ref` the type).
            "refName": {"title": "Reference Name", "type": "string", "readOnly": True},
        }
        for fd in rtype.fields:
            properties[fd.name] = _property(fd, ref)
        for sublist in rtype.sublists:
            properties[sublist.name] = _sublist(sublist, ref)
        for sub in rtype.subrecords:
            properties[sub.name] = _object(sub.name, sub.fields, ref)
        return {"type": "object", "properties": properties}


class _Refs:
    """How one kind of document points at a named schema."""

    def __init__(self, prefix: str, *, by_type: bool) -> None:
        self.prefix = prefix
        self.by_type = by_type  # references point at their record type's schema

    def named(self, name: str) -> Document:
        return {"$ref": f"{self.prefix}{name}"}

    def reference(self, target: RefTarget | None) -> Document:
        """A reference field: its record type's schema, or `nsResource`."""
        if not self.by_type or target is None or len(target.sources) != 1:
            return self.named("nsResource")
        return self.named(target.sources[0].rest_type or "nsResource")


_CATALOG_REFS = _Refs(CATALOG_PATH + "/", by_type=True)
_COMPONENT_REFS = _Refs("#/components/schemas/", by_type=False)


def _component_ref(name: str) -> Document:
    return _COMPONENT_REFS.named(name)


def _links(ref: _Refs) -> Document:
    return {"title": "Links", "type": "array", "readOnly": True, "items": ref.named("nsLink")}


def _property(fd: FieldDef, ref: _Refs) -> Document:
    kind = fd.kind
    out: Document = {"title": fd.label}
    if kind is Kind.REF:
        out.update(ref.reference(fd.target))
    elif kind is Kind.MULTIREF:
        out.update(
            {
                "type": "object",
                "properties": {"items": {"type": "array", "items": ref.reference(fd.target)}},
            }
        )
    elif kind is Kind.RATE:
        out.update({"oneOf": [{"type": "number"}, {"type": "string"}], "nullable": True})
    else:
        out.update(_SIMPLE[kind])
        out["nullable"] = True
        if kind is Kind.TEXT and fd.max_length is not None:
            out["maxLength"] = fd.max_length
        if kind is Kind.ENUM:
            out["enum"] = list(fd.choices)
    if fd.readonly:
        out["readOnly"] = True
    if fd.custom:
        out["x-ns-custom-field"] = True
    return out


_SIMPLE: dict[Kind, Document] = {
    Kind.TEXT: {"type": "string"},
    Kind.INTEGER: {"type": "integer", "format": "int64"},
    Kind.FLOAT: {"type": "number", "format": "double"},
    Kind.MONEY: {"type": "number", "format": "double"},
    Kind.PERCENT: {"type": "number", "format": "double"},
    Kind.BOOLEAN: {"type": "boolean"},
    Kind.DATE: {"type": "string", "format": "date"},
    Kind.DATETIME: {"type": "string", "format": "date-time"},
    Kind.ENUM: {"type": "string"},
}


def _object(title: str, fields: tuple[FieldDef, ...], ref: _Refs) -> Document:
    properties: Document = {"links": _links(ref)}
    properties.update({fd.name: _property(fd, ref) for fd in fields})
    return {"title": title, "type": "object", "properties": properties}


def _sublist(sublist: SublistDef, ref: _Refs) -> Document:
    line = _object(f"{sublist.name} line", sublist.fields, ref)
    key: Document = (
        {"title": "Line", "type": "integer", "format": "int64"}
        if sublist.key_name == "line"
        else {"title": "Internal ID", "type": "string"}
    )
    line["properties"][sublist.key_name] = key
    if sublist.subrecord is not None:
        sub = sublist.subrecord
        line["properties"][sub.name] = _object(sub.name, sub.fields, ref)
    return {
        "title": sublist.name,
        "type": "object",
        "properties": {
            "links": _links(ref),
            "items": {"type": "array", "items": line},
            "totalResults": {"type": "integer", "format": "int64"},
            "count": {"type": "integer", "format": "int64"},
            "hasMore": {"type": "boolean"},
            "offset": {"type": "integer", "format": "int64"},
        },
    }


def _filterable(rtype: RecordType) -> list[str]:
    """The fields a collection's `q` may name (every kind the filter grammar compares)."""
    return ["id", *(fd.name for fd in rtype.fields if fd.kind is not Kind.RATE)]


def _wanted(accept: str) -> str:
    lowered = accept.lower()
    if SWAGGER_JSON in lowered:
        return SWAGGER_JSON
    if SCHEMA_JSON in lowered:
        return SCHEMA_JSON
    return PLAIN_JSON


def _content(media: str, schema: str) -> Document:
    return {media: {"schema": _component_ref(schema)}}


def _error() -> Document:
    return {"description": "Error response.", "content": _content(_ERROR, "nsError")}


def _paths(rtype: RecordType, types: dict[str, RecordType]) -> dict[str, Document]:
    """The operations the sandbox serves on `rtype`, under its lowercase path."""
    name = rtype.name
    lowered = name.lower()
    tags = [lowered]
    ident = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    query = [
        {
            "name": "q",
            "in": "query",
            "description": "Search query used to filter results",
            "schema": {"type": "string"},
        },
        {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 1000}},
        {"name": "offset", "in": "query", "schema": {"type": "integer", "default": 0}},
    ]
    body = {"required": True, "content": {PLAIN_JSON: {"schema": _component_ref(name)}}}
    created: Document = {
        "204": {"description": "Created; the Location header holds the new record."}
    }
    collection: Document = {
        "get": {
            "tags": tags,
            "summary": "Get list of records",
            "parameters": query,
            "responses": {
                "200": {
                    "description": "Get list of records",
                    "content": {_COLLECTION: {"schema": {"type": "object"}}},
                },
                "default": _error(),
            },
        }
    }
    one: Document = {
        "get": {
            "tags": tags,
            "summary": "Get record",
            "parameters": [
                ident,
                {"name": "expandSubResources", "in": "query", "schema": {"type": "boolean"}},
                {"name": "fields", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {"description": "Get record", "content": _content(_SINGULAR, name)},
                "default": _error(),
            },
        },
        "delete": {
            "tags": tags,
            "summary": "Remove record",
            "parameters": [ident],
            "responses": {"204": {"description": "Removed"}, "default": _error()},
        },
    }
    if rtype.transformed_from is None:
        collection["post"] = {
            "tags": tags,
            "summary": "Insert record",
            "requestBody": body,
            "responses": {**created, "default": _error()},
        }
        for method, summary in (("patch", "Update record"), ("put", "Insert or update record")):
            one[method] = {
                "tags": tags,
                "summary": summary,
                "parameters": [ident],
                "requestBody": body,
                "responses": {"204": {"description": summary}, "default": _error()},
            }
    paths = {f"/{lowered}": collection, f"/{lowered}/{{id}}": one}
    for target in types.values():
        if target.transformed_from == name:
            paths[f"/{lowered}/{{id}}/!transform/{target.name.lower()}"] = {
                "post": {
                    "tags": tags,
                    "summary": f"Transform to {target.name}",
                    "parameters": [ident],
                    "requestBody": {
                        "required": False,
                        "content": {PLAIN_JSON: {"schema": {"type": "object"}}},
                    },
                    "responses": {**created, "default": _error()},
                }
            }
    return paths

"""Random secrets, every spelling they could survive in, and traffic that carries them.

A secret counts as surviving when any of its spellings appears: as is, JSON-escaped (ASCII or
not), percent-encoded (path, query, form, OAuth), HTML- or XML-escaped. Written files are also
parsed (YAML, JSON) and every string inside scanned, which sees through escapes of the format.
"""

from __future__ import annotations

import html
import json
import string
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus
from xml.sax.saxutils import escape as xml_escape

import yaml
from hypothesis import strategies as st

from harness.connector.refdata import sql_text
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.errors import NetSuiteError
from harness.push import PushResult
from harness.sandbox.serve import Sandbox
from harness.woo.order import WooOrder

# The safe loader in C where PyYAML has it (as harness/recording/cassette_file.py reads
# cassettes): the same documents, parsed some ten times faster than in Python.
YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Printable, with the characters that change under every escaping; no `*` (the mask) and no
# whitespace (no credential has any).
SECRET_ALPHABET = string.ascii_letters + string.digits + "-_.~+/=%:@!$&'(),;<>\"\\?#[]{}|^`éü€"
SECRETS = st.text(alphabet=SECRET_ALPHABET, min_size=12, max_size=40).filter(
    lambda s: any(c.isdigit() for c in s) and any(c.isalpha() for c in s)
)


def spellings(secret: str) -> set[str]:
    return {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote(secret, safe="/"),
        quote(secret, safe="~"),
        quote_plus(secret),
        html.escape(secret),
        html.escape(secret, quote=False),
        xml_escape(secret, {'"': "&quot;"}),
    }


def survivors(text: str, secrets: Iterable[str]) -> list[str]:
    """The secrets that appear in `text` in any spelling."""
    return [s for s in secrets if any(form in text for form in spellings(s))]


def strings_in(document: Any) -> Iterator[str]:
    """Every string (keys included) in parsed JSON/YAML."""
    if isinstance(document, str):
        yield document
    elif isinstance(document, bytes):
        yield document.decode("utf-8", "replace")
    elif isinstance(document, dict):
        for key, value in document.items():
            yield from strings_in(key)
            yield from strings_in(value)
    elif isinstance(document, list | tuple):
        for value in document:
            yield from strings_in(value)


def leaks_in_file(text: str, secrets: Iterable[str], parse: str | None = None) -> list[str]:
    """Secrets in a written file: its raw text, then every string of its parsed form."""
    secrets = list(secrets)
    found = set(survivors(text, secrets))
    if parse is not None:
        document = yaml.load(text, Loader=YAML_LOADER) if parse == "yaml" else json.loads(text)
        for piece in strings_in(document):
            found.update(survivors(piece, secrets))
    return sorted(found)


def sandbox_secrets(sandbox: Sandbox) -> list[str]:
    return [
        value
        for c in sandbox.profile.credentials.tba
        for value in (c.consumerKey, c.consumerSecret, c.tokenId, c.tokenSecret)
    ]


def carry(client: NetSuiteClient, secret: str) -> list[str]:
    """Requests that put `secret` in a path, an externalId, a body, a SuiteQL literal and a
    query parameter, where NetSuite echoes some of it back; returns each error's str and repr."""
    said: list[str] = []
    attempts = (
        lambda: client.get("customer", secret),
        lambda: client.upsert("salesOrder", secret, {"entity": {"id": secret}, "memo": secret}),
        lambda: client.suiteql_all(f"SELECT id FROM customer WHERE email = {sql_text(secret)}"),
        lambda: client.suiteql_all(f"SELECT id FROM customer WHERE email = {sql_text(secret)} ("),
        lambda: list(client.list("customer", q=f'email IS "{secret}"')),
    )
    for attempt in attempts:
        try:
            attempt()
        except NetSuiteError as error:
            said += [str(error), repr(error), error.detail]
    return said


class LeakyConnector:
    """A connector that puts a secret where it does not belong (the customer reference and
    the memo); NetSuite refuses the order and echoes the value in its error."""

    name = "leaky"

    def __init__(self, client: NetSuiteClient, secret: str) -> None:
        self.client = client
        self.secret = secret

    def push(self, order: WooOrder) -> PushResult:
        number = order.number or str(order.id)
        body = {"entity": {"id": self.secret}, "memo": self.secret}
        try:
            self.client.upsert("salesOrder", f"woo-{number}", body, replace="item")
        except NetSuiteError as error:
            return PushResult(number, "rejected", error=error, stage="sales-order")
        return PushResult(number, "pushed")

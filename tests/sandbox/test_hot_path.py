"""The in-process sandbox's per-request shortcuts keep every check they replace.

SuiteQL's read-only guard is installed once per connection instead of per query, the TBA
signature check encodes its base string without a per-character scan, a saved row's
columns are worked out once per record type, and a save's rules read each row once; each
test shows the behaviour they replace still holds.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from requests_oauthlib import OAuth1
from sandbox_helpers import Client, order_body, tba

from harness.sandbox import wire
from harness.sandbox.oauth import AuthFailure, SandboxAuth, TbaCredential
from harness.sandbox.oauth1 import percent_encode
from harness.sandbox.rules.book import SaveContext
from harness.sandbox.serve import Sandbox
from harness.sandbox.store import recordstore
from harness.sandbox.store.db import Store
from harness.sandbox.store.fields import FieldDef, Kind
from harness.sandbox.suiteql import engine as suiteql_module
from harness.sandbox.suiteql import translate as suiteql_translate
from harness.sandbox.suiteql.engine import SuiteQLEngine, SuiteQLError

ACCOUNT = "1234567_SB1"
HOST = "https://1234567-sb1.suitetalk.api.netsuite.com"
CREDENTIAL = TbaCredential(
    name="bench",
    consumer_key="ck-1",
    consumer_secret="cs-1",
    token_id="tk-1",
    token_secret="ts-1",
    role="administrator",
)


# --- TBA -------------------------------------------------------------------------------------


@given(st.text())
def test_percent_encoding_is_rfc_5849_for_any_text(value: str) -> None:
    assert percent_encode(value) == quote(value, safe="~")


def _signed(method: str, url: str) -> tuple[str, str]:
    """The URL and Authorization header a real OAuth 1.0a client sends."""
    auth = OAuth1(
        CREDENTIAL.consumer_key,
        CREDENTIAL.consumer_secret,
        CREDENTIAL.token_id,
        CREDENTIAL.token_secret,
        signature_method="HMAC-SHA256",
        realm=ACCOUNT,
    )
    prepared = requests.Request(method, url, auth=auth).prepare()
    header = prepared.headers["Authorization"]
    text = header.decode("latin-1") if isinstance(header, bytes) else header
    return prepared.url or url, text


@pytest.fixture
def auth() -> SandboxAuth:
    return SandboxAuth(ACCOUNT, [CREDENTIAL], [], clock=time.time)


@pytest.mark.parametrize(
    "path",
    [
        "/services/rest/record/v1/salesOrder/eid:WOO-1",
        '/services/rest/record/v1/customer?q=email START_WITH "a+b@x.test"&limit=5',
        "/services/rest/record/v1/customer?fields=firstName,lastName&x=é ~*'()!&y=",
    ],
)
def test_a_signed_request_verifies_and_any_change_to_it_does_not(
    auth: SandboxAuth, path: str
) -> None:
    url, header = _signed("GET", HOST + path)
    assert auth.authenticate("GET", url, header).role == "administrator"
    url, header = _signed("GET", HOST + path)
    changed = url + ("&" if "?" in url else "?") + "extra=1"
    with pytest.raises(AuthFailure, match="signature mismatch"):
        auth.authenticate("GET", changed, header)
    with pytest.raises(AuthFailure, match="signature mismatch"):
        auth.authenticate("PUT", url, header)


def test_a_replayed_nonce_is_still_refused(auth: SandboxAuth) -> None:
    url, header = _signed("GET", HOST + "/services/rest/record/v1/customer/1")
    auth.authenticate("GET", url, header)
    with pytest.raises(AuthFailure, match="nonce already used"):
        auth.authenticate("GET", url, header)


# --- SuiteQL's read-only guard -----------------------------------------------------------------


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, email TEXT)")
    connection.executemany("INSERT INTO customer VALUES (?, ?)", [(1, "a@b.test"), (2, "c@d.test")])
    yield connection
    connection.close()


def _writing_translations(monkeypatch: pytest.MonkeyPatch, sql: str) -> None:
    """Every translation's page query becomes `sql`: what a translator bug would do."""
    genuine = suiteql_translate.translate

    def writing(*args: Any) -> suiteql_translate.Translation:
        return replace(genuine(*args), page_sql=sql)

    monkeypatch.setattr(suiteql_module, "translate", writing)


def _count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM customer").fetchone()[0])


def test_a_statement_the_store_prepared_is_not_reused_unchecked_by_a_query(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = SuiteQLEngine(conn, {})
    delete = "DELETE FROM customer WHERE id > :page_limit AND id > :page_offset"
    # the store's own write: prepared and cached, unguarded
    conn.execute(delete, {"page_limit": 100, "page_offset": 100})
    _writing_translations(monkeypatch, delete)
    with pytest.raises(SuiteQLError, match="read-only"):
        engine.run("SELECT id FROM customer WHERE email = 'a@b.test'", limit=5, offset=0)
    assert _count(conn) == 2


def test_every_engine_on_a_connection_stays_read_only(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = SuiteQLEngine(conn, {})
    SuiteQLEngine(conn, {})  # installs its own guard over the first one's
    _writing_translations(monkeypatch, "DELETE FROM customer WHERE :page_limit > :page_offset")
    with pytest.raises(SuiteQLError, match="read-only"):
        first.run("SELECT id FROM customer", limit=5, offset=0)
    assert _count(conn) == 2


def test_the_connection_writes_freely_between_queries(conn: sqlite3.Connection) -> None:
    engine = SuiteQLEngine(conn, {})
    assert engine.run("SELECT id FROM customer", limit=5, offset=0).total == 2
    conn.execute("INSERT INTO customer VALUES (3, 'e@f.test')")
    conn.execute("ALTER TABLE customer ADD COLUMN phone TEXT")
    found = engine.run("SELECT id, email FROM customer WHERE id = 3", limit=5, offset=0)
    assert found.rows == [{"id": "3", "email": "e@f.test"}]


# --- record rows ---------------------------------------------------------------------------------


def test_a_saved_row_takes_each_column_from_its_first_field_and_fills_defaults() -> None:
    fields = (
        FieldDef("status", "status", Kind.TEXT, "Status"),
        FieldDef("statusRef", "status", Kind.TEXT, "Status", default="ignored"),
        FieldDef("total", "total", Kind.MONEY, "Total", expr="(SELECT 1)"),
        FieldDef("isTaxable", "istaxable", Kind.BOOLEAN, "Taxable", default=False),
        FieldDef("memo", "memo", Kind.TEXT, "Memo"),
    )
    stored = recordstore._stored(fields)
    assert [fd.name for fd in stored] == ["status", "isTaxable", "memo"]
    values: dict[str, Any] = {"status": "A", "statusRef": "B", "total": 5, "memo": None}
    assert recordstore._columns(stored, values) == {"status": "A", "istaxable": "F", "memo": None}
    assert values["isTaxable"] is False  # the default is what the record now holds
    assert values["statusRef"] == "B"  # the second field on a column is neither written nor reset


# --- a save's reads --------------------------------------------------------------------------


def _statements(store: Store) -> list[str]:
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    return seen


def test_a_save_reads_each_row_once_and_every_rule_gets_its_answer(sandbox: Sandbox) -> None:
    store = sandbox.store
    ctx = SaveContext(store, store.profile, "create", None)
    seen = _statements(store)
    try:
        first = ctx.lookup("currency", 2)
        again = ctx.lookup("currency", 2)
        row = ctx.row("SELECT name FROM currency WHERE id = ?", 2)
        same_row = ctx.row("SELECT name FROM currency WHERE id = ?", 2)
        missing = ctx.lookup("item", 999_999)
        missing_again = ctx.lookup("item", 999_999)
    finally:
        store.conn.set_trace_callback(None)
    stored = store.conn.execute(
        "SELECT exchangerate, currencyprecision, name FROM currency WHERE id = 2"
    ).fetchone()
    assert first == again == {"exchangerate": stored[0], "currencyprecision": stored[1]}
    assert row == same_row == (stored[2],)
    assert missing is None and missing_again is None
    assert len(seen) == 3  # currency lookup, currency name, the missing item: once each


def test_the_next_save_sees_what_the_last_one_wrote(sandbox: Sandbox) -> None:
    store = sandbox.store
    ctx = SaveContext(store, store.profile, "create", None)
    before = ctx.lookup("currency", 2)
    assert before is not None
    with store.write() as conn:
        conn.execute("UPDATE currency SET exchangerate = exchangerate + 1 WHERE id = 2")
    after = SaveContext(store, store.profile, "create", None).lookup("currency", 2)
    assert after is not None
    assert after["exchangerate"] == before["exchangerate"] + 1  # type: ignore[operator]


def test_an_unhashable_parameter_reaches_sqlite_unremembered(sandbox: Sandbox) -> None:
    ctx = SaveContext(sandbox.store, sandbox.store.profile, "create", None)
    with pytest.raises(sqlite3.ProgrammingError):
        ctx.row("SELECT name FROM currency WHERE id = ?", [2])
    with pytest.raises(sqlite3.ProgrammingError):
        ctx.lookup("currency", [2])


def test_an_order_sources_the_customer_as_it_is_now(ns: Client) -> None:
    """Two saves in a row: the second one reads the customer the first one changed."""
    assert ns.patch("record/v1/customer/1001", {"email": "first@example.com"}).status_code == 204
    first = ns.create("salesOrder", order_body())
    assert ns.patch("record/v1/customer/1001", {"email": "second@example.com"}).status_code == 204
    second = ns.create("salesOrder", order_body())
    emails = [ns.get(f"record/v1/salesOrder/{key}").json()["email"] for key in (first, second)]
    assert emails == ["first@example.com", "second@example.com"]


# --- PUT eid: one lookup -----------------------------------------------------------------------


def test_an_upsert_looks_its_external_id_up_once(sandbox: Sandbox, ns: Client) -> None:
    seen = _statements(sandbox.store)
    try:
        created = ns.put("record/v1/salesOrder/eid:WOO-ONCE", order_body())
        updated = ns.put("record/v1/salesOrder/eid:WOO-ONCE", {"memo": "again"})
    finally:
        sandbox.store.conn.set_trace_callback(None)
    assert (created.status_code, updated.status_code) == (204, 204), updated.text
    assert created.headers["Location"] == updated.headers["Location"]
    lookups = [sql for sql in seen if "WHERE externalid = 'WOO-ONCE'" in sql]
    assert len(lookups) == 2  # one per request: the permission and the save share it
    assert ns.get("record/v1/salesOrder/eid:WOO-ONCE").json()["memo"] == "again"


def test_racing_upserts_of_one_external_id_make_one_record(sandbox: Sandbox) -> None:
    def put(n: int) -> int:
        client = Client(sandbox.base_url, tba(sandbox))
        return client.put("record/v1/salesOrder/eid:WOO-RACE", order_body(memo=str(n))).status_code

    workers = sandbox.profile.governance.concurrencyLimit  # more would be answered 429
    with sandbox.intercept(), ThreadPoolExecutor(max_workers=workers) as pool:
        statuses = list(pool.map(put, range(16)))
    assert statuses == [204] * 16
    count = sandbox.store.conn.execute(
        "SELECT COUNT(*) FROM \"transaction\" WHERE externalid = 'WOO-RACE'"
    ).fetchone()[0]
    assert count == 1


# --- answers' JSON ---------------------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(_JSON)
def test_the_shared_encoder_writes_the_bytes_json_dumps_would(document: Any) -> None:
    expected = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert wire.json_bytes(document) == expected


# --- reference display names ---------------------------------------------------------------


def test_a_renamed_customer_shows_its_new_name_on_the_orders_that_refer_to_it(
    sandbox: Sandbox, ns: Client
) -> None:
    order = ns.create("salesOrder", order_body())
    before = ns.get(f"record/v1/salesOrder/{order}").json()["entity"]["refName"]
    assert ns.patch("record/v1/customer/1001", {"entityId": "Jane Renamed"}).status_code == 204
    after = ns.get(f"record/v1/salesOrder/{order}").json()["entity"]["refName"]
    assert (before, after) == ("Jane Doe", "Jane Renamed")
    sandbox.reset()  # a new store generation: the rename is gone, and so is its name
    order = ns.create("salesOrder", order_body())
    assert ns.get(f"record/v1/salesOrder/{order}").json()["entity"]["refName"] == "Jane Doe"


def test_an_order_takes_each_default_address_the_customer_has_and_no_other(
    sandbox: Sandbox, ns: Client
) -> None:
    """Both default addresses come from one read; a missing one stays missing."""
    northwind = 1002
    with sandbox.store.write() as conn:
        conn.execute("UPDATE customer SET defaultshippingaddress = NULL WHERE id = ?", (northwind,))
    body = order_body(entity={"id": str(northwind)})
    got = ns.get(f"record/v1/salesOrder/{ns.create('salesOrder', body)}", expandSubResources="true")
    assert got.json()["billingAddress"]["attention"] == "Accounts Payable"
    assert set(got.json()["shippingAddress"]) == {"links"}  # no address: only its link


def test_a_new_customer_without_addresses_is_written_without_a_second_statement(
    sandbox: Sandbox, ns: Client
) -> None:
    seen = _statements(sandbox.store)
    try:
        plain = ns.create("customer", {"companyName": "No Address Co", "subsidiary": {"id": "1"}})
    finally:
        sandbox.store.conn.set_trace_callback(None)
    assert not [sql for sql in seen if sql.startswith("UPDATE")]
    address = {"addressBookAddress": {"addr1": "1 Main St", "city": "Boston", "country": "US"}}
    book = {"items": [{"defaultBilling": True, "defaultShipping": False, **address}]}
    billed = ns.create(
        "customer", {"companyName": "Billed Co", "subsidiary": {"id": "1"}, "addressBook": book}
    )
    rows = {
        row[0]: row[1:]
        for row in sandbox.store.conn.execute(
            "SELECT id, defaultbillingaddress, defaultshippingaddress FROM customer"
            " WHERE id IN (?, ?)",
            (int(plain), int(billed)),
        )
    }
    assert rows[int(plain)] == (None, None)
    assert rows[int(billed)][0] is not None and rows[int(billed)][1] is None

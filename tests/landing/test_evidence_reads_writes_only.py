"""An order's Sales Order writes are found by reading (redacting) the log's writes to a Sales
Order path only: a landing's reads (a store's order pages for one) and its customer writes are
left unread, and the writes found are the ones a read of every call finds. Failures are found
by reading the failed exchanges only."""

from __future__ import annotations

import requests

from harness.landing.findings.evidence import sales_order_writes
from harness.netsuite.calllog import CallLog
from harness.netsuite.redact import Redactor

BASE = "https://1234567-sb1.suitetalk.api.netsuite.com"
STORE = "https://shop.example/wp-json/wc/v3/orders"


class CountingRedactor(Redactor):
    """Counts the bodies it redacts: a request's and an answer's per exchange read."""

    def __init__(self) -> None:
        super().__init__([])
        self.bodies = 0

    def body(self, body: str, content_type: str = "") -> str:
        self.bodies += 1
        return super().body(body, content_type)


def note(log: CallLog, method: str, url: str, body: str | None, answer: bytes = b"") -> None:
    request = requests.Request(method, url, data=body).prepare()
    response = requests.Response()
    response.status_code = 200 if method == "GET" else 204
    response._content = answer
    response.request = request
    log.note_exchange(request, response, 0.01)


def log_of_a_pulled_order() -> CallLog:
    log = CallLog(redactor=CountingRedactor())
    note(log, "GET", STORE + "?modified_after=2025-01-01", None, b'[{"id": 1001}]' * 50)
    note(log, "PUT", BASE + "/services/rest/record/v1/salesOrder/eid:woo-1001",
         '{"otherRefNum": "1001"}')
    note(log, "GET", BASE + "/services/rest/record/v1/salesOrder/77", None, b'{"id": "77"}')
    note(log, "POST", BASE + "/services/rest/record/v1/salesOrder", '{"otherRefNum": "1002"}')
    note(log, "PATCH", BASE + "/services/rest/record/v1/customer/5", '{"x": "woo-1001"}')
    return log


def test_only_the_sales_order_writes_are_redacted_to_find_the_orders_writes() -> None:
    log = log_of_a_pulled_order()
    found = sales_order_writes(log, "woo-1001", "1001")
    assert [(c.method, c.path) for c in found] == [
        ("PUT", "/services/rest/record/v1/salesOrder/eid:woo-1001")
    ]
    redactor = log.redactor
    assert isinstance(redactor, CountingRedactor)
    assert redactor.bodies == 2 * 2  # the two Sales Order writes: no GET, no customer write


def test_the_writes_found_are_those_a_read_of_every_call_finds() -> None:
    log = log_of_a_pulled_order()
    every = log.calls
    found = sales_order_writes(log, "woo-1001", "1002")
    assert [c.path for c in found] == [every[1].path, every[3].path]
    assert all(any(c is e for e in every) for c in found)


def test_a_write_whose_path_holds_a_secret_is_judged_on_its_redacted_path() -> None:
    """Choosing by the path as sent keeps every write the redacted path could name: the
    verdict is still the redacted call's."""
    log = CallLog(redactor=Redactor(["eid:woo-1001"]))
    note(log, "PUT", BASE + "/services/rest/record/v1/salesOrder/eid:woo-1001", "{}")
    note(log, "PUT", BASE + "/services/rest/record/v1/salesOrder/eid:woo-1002", "{}")
    assert sales_order_writes(log, "woo-1001", "") == []
    assert [c.path for c in sales_order_writes(log, "woo-1002", "")] == [
        "/services/rest/record/v1/salesOrder/eid:woo-1002"
    ]


def test_only_failed_exchanges_are_redacted_to_find_the_failures() -> None:
    log = log_of_a_pulled_order()
    request = requests.Request("POST", BASE + "/services/rest/record/v1/salesOrder").prepare()
    refused = requests.Response()
    refused.status_code, refused._content, refused.request = 400, b'{"o:errorCode": "X"}', request
    log.note_exchange(request, refused, 0.01)
    redactor = log.redactor
    assert isinstance(redactor, CountingRedactor)
    assert [(c.method, c.status) for c in log.errors()] == [("POST", 400)]
    assert redactor.bodies == 2
    assert [c.status for c in log.errors()] == [c.status for c in log.calls if not c.ok]

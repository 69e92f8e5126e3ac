"""A connector that broke is told apart from one that refused an order, in the words the
drivers use for each route; a crash meets no expectation of the order."""

from __future__ import annotations

import pytest

from harness.landing.findings.crash import crash

TRACEBACK = (
    "exited 1; stderr: Traceback (most recent call last): File \"sync.py\", line 1, in "
    "<module> import requestz ModuleNotFoundError: No module named 'requestz'"
)


@pytest.mark.parametrize(
    ("said", "shows"),
    [
        ("raised NameError: name 'item_id' is not defined (at f.py:3 in push)", "NameError"),
        (TRACEBACK, "ModuleNotFoundError"),
        ("exited 1; stderr: ReferenceError: itemId is not defined\n    at push (sync.js:9:5)",
         "ReferenceError"),
        ("exited 255; stderr: PHP Parse error:  syntax error, unexpected '}' in sync.php",
         "PHP Parse error"),
        ("exited 127; stderr: sh: 1: sync: not found", "exited 127"),
        ("exited -11", "exited -11"),
        ("did not run: [Errno 2] No such file or directory: 'synk'", "did not run"),
        ("was killed after 5 s (timeout)", "was killed after 5 s (timeout)"),
        ("did not accept WooCommerce's activation ping (webhook_id=1, which must get exactly "
         "200): could not be reached: ConnectionError: HTTPConnectionPool(host='127.0.0.1', "
         "port=9): Max retries exceeded", "could not be reached"),
    ],
)
def test_code_that_cannot_run_is_a_crash_whatever_the_order(said: str, shows: str) -> None:
    for order_can_map in (True, False):
        assert crash(f"the connector {said}", order_can_map=order_can_map) == shows


@pytest.mark.parametrize(
    ("said", "shows"),
    [
        ("raised KeyError: 'table_rate' (at shop_sync.py:147 in shipping)", "KeyError"),
        ("raised TypeError: 'NoneType' object is not subscriptable (at s.py:9 in one)",
         "TypeError"),
        ("exited 1; stderr: TypeError: Cannot read properties of undefined (reading 'id')",
         "TypeError"),
        ("exited 255; stderr: PHP Fatal error:  Uncaught Error: Call to a member function id() "
         "on null", "PHP Fatal error"),
        ("answered HTTP 500: Internal Server Error", "answered HTTP 500: Internal Server Error"),
        ("answered HTTP 500 (empty body)", "answered HTTP 500 (empty body)"),
    ],
)
def test_an_error_data_can_cause_is_a_crash_only_where_the_order_can_map(
    said: str, shows: str
) -> None:
    assert crash(f"the connector {said}", order_can_map=True) == shows
    # The order cannot map as it is (a method with no ship item): the error is that showing.
    assert crash(f"the connector {said}", order_can_map=False) is None


@pytest.mark.parametrize(
    "said",
    [
        "raised LookupError: the item for SKU 'HOODIE-PNK-XL' does not exist in NetSuite",
        "raised CannotMap: shipping method table_rate is not mapped to a NetSuite ship method",
        "exited 1; stderr: Traceback (most recent call last): ... __main__.KeyError: 'sku'",
        "exited 2; stderr: SKU MUG-RED has no NetSuite item",
        "raised RuntimeError: NetSuite refused POST /salesOrder: 400 USER_ERROR",
        "answered HTTP 422: {\"error\": \"SKU MUG-RED has no item\"}",
        "answered HTTP 500: {\"error\": \"tax code CA-STATE does not exist\"}",
        "called sys.exit(3) (at sync.py:12 in push)",
        "exited 1",
    ],
)
def test_a_refusal_in_the_connectors_own_words_is_no_crash(said: str) -> None:
    assert crash(f"the connector {said}", order_can_map=True) is None

"""Client input that fails gets a 4xx in NetSuite's shape, quickly, and leaves no traceback.

JSON nested 100,000 deep, numbers no field holds (`1e308`, a 5,000-digit integer), OAuth
parameters in no client's shape, a collection `q` with 1,000 ORs: each is the client's
mistake (or attack), answered as NetSuite answers bad input, never as the sandbox's own
failure. Every test runs over a real socket, with logging and stderr captured.
"""

from __future__ import annotations

import http.client
import json
import logging
import time
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
from sandbox_helpers import Client, order_body, tba

from harness.sandbox.serve import HttpServer, Sandbox
from harness.sandbox.wire import MAX_JSON_DEPTH

RECORD = "/services/rest/record/v1"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Sandbox, HttpServer]]:
    sandbox = Sandbox()
    server = sandbox.serve_http()
    yield sandbox, server
    server.stop()
    sandbox.close()


@pytest.fixture
def client(served: tuple[Sandbox, HttpServer]) -> Client:
    sandbox, server = served
    return Client(server.url, tba(sandbox))


@pytest.fixture(autouse=True)
def quiet(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> Iterator[None]:
    """After each test: nothing logged at ERROR, no traceback on stderr (server threads too)."""
    caplog.set_level(logging.INFO)
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], [r.getMessage()[:200] for r in errors]
    assert "Traceback" not in capfd.readouterr().err


def netsuite_error(response: object, status: int) -> dict[str, str]:
    """The one error detail of a NetSuite-shaped answer with `status`."""
    code = getattr(response, "status_code", None) or getattr(response, "status", None)
    text = getattr(response, "text", None)
    body = json.loads(text if text is not None else getattr(response, "body", b""))
    assert code == status, body
    assert body["status"] == status and body["title"]
    [detail] = body["o:errorDetails"]
    return dict(detail)


def post_raw(client: Client, path: str, body: bytes) -> object:
    return client.request("POST", path, data=body, headers={"Content-Type": "application/json"})


# --- JSON bodies ------------------------------------------------------------------------------


def test_json_nested_100000_deep_is_a_quick_400(client: Client) -> None:
    began = time.perf_counter()
    answer = post_raw(client, "record/v1/salesOrder", b"[" * 100_000 + b"]" * 100_000)
    elapsed = time.perf_counter() - began
    detail = netsuite_error(answer, 400)
    assert detail["o:errorCode"] == "INVALID_CONTENT"
    assert f"nested more than {MAX_JSON_DEPTH} levels" in detail["detail"]
    assert elapsed < 2.0


def test_json_one_level_past_the_limit_is_refused_and_at_it_is_read(client: Client) -> None:
    def nested(depth: int) -> bytes:
        return b'{"a":' * (depth - 1) + b"{}" + b"}" * (depth - 1)

    over = netsuite_error(post_raw(client, "record/v1/customer", nested(MAX_JSON_DEPTH + 1)), 400)
    assert "nested more than" in over["detail"]
    at = post_raw(client, "record/v1/customer", nested(MAX_JSON_DEPTH))
    assert "nested more than" not in getattr(at, "text", "")  # refused later, for its fields


@pytest.mark.parametrize(
    ("line", "path", "shown"),
    [
        ({"quantity": 1e308}, "item.items[0].quantity", "1e+308"),
        ({"rate": -1e300}, "item.items[0].rate", "-1e+300"),
        ({"quantity": 10**400}, "item.items[0].quantity", "1" + "0" * 39 + "…"),
        ({"amount": 1e16}, "item.items[0].amount", "1e+16"),
    ],
    ids=["quantity-1e308", "rate-negative", "quantity-400-digits", "amount-1e16"],
)
def test_a_number_no_field_holds_is_a_400_naming_the_field(
    client: Client, line: dict[str, object], path: str, shown: str
) -> None:
    body = order_body()
    body["item"]["items"][0].update(line)
    detail = netsuite_error(client.post("record/v1/salesOrder", body), 400)
    field = path.rsplit(".", 1)[1]
    assert detail["o:errorCode"] == "INVALID_CONTENT"
    assert detail["o:errorPath"] == path
    assert detail["detail"].endswith(
        f"You have entered an Invalid Field Value {shown} for the following field: {field}."
    )


def test_a_5000_digit_integer_is_refused_without_being_converted(client: Client) -> None:
    raw = b'{"companyName": "x", "subsidiary": {"id": ' + b"7" * 5000 + b"}}"
    began = time.perf_counter()
    detail = netsuite_error(post_raw(client, "record/v1/customer", raw), 400)
    assert detail["o:errorPath"] == "subsidiary.id"
    assert detail["detail"].endswith("7" * 40 + "… for the following field: id.")
    assert time.perf_counter() - began < 2.0


@pytest.mark.parametrize("raw", [b'{"quantity": NaN}', b'{"rate": Infinity}', b"-Infinity"])
def test_nan_and_infinity_are_not_json(client: Client, raw: bytes) -> None:
    detail = netsuite_error(post_raw(client, "record/v1/customer", raw), 400)
    assert detail == {
        "detail": "Invalid content in the request body.",
        "o:errorCode": "INVALID_CONTENT",
    }


def test_ordinary_numbers_still_land(client: Client) -> None:
    body = order_body()
    body["item"]["items"][0].update({"quantity": 99_999, "rate": 0.01})
    assert client.post("record/v1/salesOrder", body).status_code == 204


# --- OAuth parameters -------------------------------------------------------------------------


@pytest.mark.parametrize("stamp", ["9" * 5000, "²", "1.7e9"], ids=["5000-digits", "sup2", "float"])
def test_an_oauth_timestamp_in_no_clients_shape_is_invalid_login(
    served: tuple[Sandbox, HttpServer], stamp: str
) -> None:
    sandbox, server = served
    c = sandbox.profile.credentials.tba[0]
    header = (
        f'OAuth realm="{sandbox.account_id}", oauth_consumer_key="{c.consumerKey}", '
        f'oauth_token="{c.tokenId}", oauth_signature_method="HMAC-SHA256", '
        f'oauth_timestamp="{quote(stamp, safe="")}", oauth_nonce="abc123", '
        'oauth_version="1.0", oauth_signature="AAAA"'
    )
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request("GET", f"{RECORD}/customer/1001", headers={"Authorization": header})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 401
    assert json.loads(body)["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"


# --- collection filters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "named"),
    [
        (" OR ".join(["companyName IS x"] * 1000), "more than 200 conditions"),
        ("(" * 500 + "companyName IS x" + ")" * 500, "more than 32 levels of nested parentheses"),
        ("id ANY_OF [" + ",".join(["1"] * 5000) + "]", "more than 1000 values"),
        (" OR ".join([f"id ANY_OF [{','.join(['1'] * 100)}]"] * 20), "more than 1000 values"),
    ],
    ids=["1000-ors", "500-parentheses", "5000-values", "values-over-conditions"],
)
def test_a_collection_filter_past_a_limit_is_a_400_naming_it(
    client: Client, q: str, named: str
) -> None:
    detail = netsuite_error(client.get("record/v1/customer", q=q), 400)
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert detail["o:errorQueryParam"] == "q"
    assert named in detail["detail"]


@pytest.mark.parametrize("value", ["1e999", "nan", "-inf"])
def test_a_filter_number_no_field_holds_is_a_400(client: Client, value: str) -> None:
    detail = netsuite_error(client.get("record/v1/customer", q=f"id EQUAL {value}"), 400)
    assert detail["detail"].endswith(f"Invalid number: {value}.")


def test_a_filter_within_the_limits_still_answers(client: Client) -> None:
    q = " OR ".join(f"id EQUAL {n}" for n in range(1000, 1200))
    answer = client.get("record/v1/customer", q=q)
    assert answer.status_code == 200, answer.text
    assert {item["id"] for item in answer.json()["items"]} >= {"1001", "1002"}


# --- digits Python calls digits and int() refuses ----------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "record/v1/customer/%C2%B2"),  # ²
        ("GET", "record/v1/salesOrder/-%C2%B9"),  # -¹
        ("POST", "record/v1/salesOrder/%C2%B2/!transform/invoice"),
        ("GET", "async/v1/job/%C2%B3"),
    ],
)
def test_a_key_of_superscript_digits_is_no_record(client: Client, method: str, path: str) -> None:
    """`'²'.isdigit()` is true and `int('²')` fails: such a key names no record (a 404),
    never a 500."""
    netsuite_error(client.request(method, path), 404)

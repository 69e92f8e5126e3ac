"""`harness reconcile`: the store side with `responses`, NetSuite with the embedded sandbox."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from click.testing import CliRunner

from harness.cli.main import main
from harness.commands.reconcile.storeorders import ReconcileError, fetch_store_orders
from harness.mapping import DEFAULT_MAPPING
from harness.sandbox.serve import Sandbox

STORE = "https://shop.example"


def _order(data: Path, number: int, *, total: str | None = None, day: str | None = None,
           status: str | None = None) -> dict[str, Any]:
    order: dict[str, Any] = json.loads((data / "order-lands.json").read_text())
    order["id"] = number
    order["number"] = str(number)
    if total is not None:
        order["total"] = total
    if day is not None:
        order["date_created"] = f"{day}T10:00:00"
    if status is not None:
        order["status"] = status
    return order


# -- the store side ----------------------------------------------------------------------------


def test_the_store_is_read_page_by_page_with_basic_auth() -> None:
    pages = {1: [{"id": 1}, {"id": 2}], 2: [{"id": 3}]}
    seen: list[dict[str, str]] = []

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        from urllib.parse import parse_qsl, urlsplit

        query = dict(parse_qsl(urlsplit(request.url or "").query))
        seen.append({**query, "auth": request.headers.get("Authorization", "")})
        page = int(query["page"])
        headers = {"X-WP-Total": "3", "X-WP-TotalPages": "2"}
        return 200, headers, json.dumps(pages[page])

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, f"{STORE}/wp-json/wc/v3/orders", callback=answer)
        orders = fetch_store_orders(
            STORE, "ck_key", "cs_secret", since=date(2024, 6, 1), until=date(2024, 6, 30)
        )
    assert [o["id"] for o in orders] == [1, 2, 3]
    assert [q["page"] for q in seen] == ["1", "2"]
    expected = "Basic " + base64.b64encode(b"ck_key:cs_secret").decode()
    assert all(q["auth"] == expected for q in seen)
    assert seen[0]["after"] == "2024-06-01T00:00:00"
    assert seen[0]["before"] == "2024-06-30T23:59:59"
    assert seen[0]["per_page"] == "100" and seen[0]["status"] == "any"


def test_a_refused_key_names_the_variables_to_check() -> None:
    body = {"code": "woocommerce_rest_authentication_error", "message": "Consumer key is invalid.",
            "data": {"status": 401}}
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, f"{STORE}/wp-json/wc/v3/orders", json=body, status=401)
        with pytest.raises(ReconcileError) as caught:
            fetch_store_orders(STORE, "ck_bad", "cs_bad", since=date(2024, 6, 1))
    message = str(caught.value)
    assert "401" in message and "Consumer key is invalid." in message
    assert "WOOCOMMERCE_CONSUMER_KEY" in message
    assert "cs_bad" not in message


def test_plain_http_is_refused_before_sending_the_secret() -> None:
    with responses.RequestsMock() as mock, pytest.raises(ReconcileError, match="https://"):
        fetch_store_orders("http://shop.example", "ck", "cs", since=date(2024, 6, 1))
        assert not mock.calls


# -- against NetSuite (the embedded sandbox over HTTP) -----------------------------------------


@pytest.fixture
def netsuite(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The demo account served over HTTP, with NETSUITE_* pointing at it."""
    box = Sandbox()
    server = box.serve_http()
    for key, value in box.client_environment(server.url).items():
        monkeypatch.setenv(key, value)
    yield box
    server.stop()
    box.close()


def _land(runner: CliRunner, path: Path, *extra: str, code: int = 0) -> str:
    command = ["land", "--target", "live", "--keep-records", str(path), *extra]
    result = runner.invoke(main, command)
    assert result.exit_code == code, result.output
    return result.output


def _write(tmp_path: Path, name: str, orders: list[dict[str, Any]]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(orders))
    return path


def test_missing_different_and_duplicated_orders_are_found(
    runner: CliRunner, tmp_path: Path, data: Path, netsuite: Sandbox
) -> None:
    landed = _order(data, 6001, day="2024-06-14")
    twice = _order(data, 6002, day="2024-06-15")
    _land(runner, _write(tmp_path, "landed.json", [landed, twice]))
    # A second connector (another externalId template) pushes 6002 again: same PO #.
    other = tmp_path / "other-mapping.yaml"
    other.write_text(DEFAULT_MAPPING.read_text().replace('"woo-{number}"', '"shop-{number}"'))
    said = _land(runner, _write(tmp_path, "again.json", [twice]), "--mapping", str(other), code=1)
    assert "NetSuite has 2 Sales Orders for order #6002" in said
    store = [
        {**landed, "total": "99.99"},  # the store's total moved on; NetSuite kept the old one
        twice,
        _order(data, 6003, day="2024-06-16"),  # never pushed
        _order(data, 6004, day="2024-06-16", status="pending"),  # not synced by the mapping
    ]
    export = _write(tmp_path, "export.json", store)
    result = runner.invoke(main, ["reconcile", "--orders", str(export), "--since", "2024-06-01",
                                  "--json"])
    assert result.exit_code == 1, result.output
    found = json.loads(result.output)
    assert [o["number"] for o in found["missing"]] == ["6003"]
    assert [o["number"] for o in found["different"]] == ["6001"]
    assert found["different"][0]["netsuite_total"] == landed["total"]
    assert [(o["number"], len(o["sales_orders"])) for o in found["duplicated"]] == [("6002", 2)]
    assert found["not_synced"] == 1 and found["matched"] == 2
    assert found["days"] == [
        {"day": "2024-06-14", "store": 1, "netsuite": 1},
        {"day": "2024-06-15", "store": 1, "netsuite": 1},
        {"day": "2024-06-16", "store": 1, "netsuite": 0},
    ]
    assert found["stalled_since"] == "2024-06-16"


def test_everything_landed_exits_0_and_prints_days(
    runner: CliRunner, tmp_path: Path, data: Path, netsuite: Sandbox
) -> None:
    orders = [_order(data, 6101, day="2024-06-14"), _order(data, 6102, day="2024-06-15")]
    path = _write(tmp_path, "orders.json", orders)
    _land(runner, path)
    result = runner.invoke(main, ["reconcile", "--orders", str(path), "--since", "2024-06-15"])
    assert result.exit_code == 0, result.output
    assert "1 store orders 2024-06-15 to now: 1 in NetSuite, 0 missing" in result.output
    assert "2024-06-15" in result.output and "2024-06-14" not in result.output


def test_the_store_and_netsuite_together(
    runner: CliRunner, tmp_path: Path, data: Path, netsuite: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    landed = _order(data, 6201, day="2024-06-20")
    _land(runner, _write(tmp_path, "landed.json", [landed]))
    monkeypatch.setenv("WOOCOMMERCE_CONSUMER_KEY", "ck_demo")
    monkeypatch.setenv("WOOCOMMERCE_CONSUMER_SECRET", "cs_demo")
    with responses.RequestsMock() as mock:
        mock.add_passthru("http://127.0.0.1")
        mock.add(responses.GET, f"{STORE}/wp-json/wc/v3/orders",
                 json=[landed, _order(data, 6202, day="2024-06-21")],
                 headers={"X-WP-Total": "2", "X-WP-TotalPages": "1"})
        result = runner.invoke(main, ["reconcile", "--store", STORE, "--since", "2024-06-20"])
    assert result.exit_code == 1, result.output
    assert "missing    #6202" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2024-06-01"], "exactly one of --store URL or --orders FILE"),
        (["--orders", "x.json", "--store", STORE, "--since", "2024-06-01"], "exactly one"),
        (["--orders", "x.json", "--since", "June"], "expected a date like 2024-06-01"),
        (["--orders", "x.json", "--since", "2024-06-02", "--until", "2024-06-01"],
         "is before --since"),
        (["--orders", "x.json"], "Missing option '--since'"),
    ],
)
def test_bad_arguments_are_usage_errors(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(main, ["reconcile", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_store_without_keys_and_unreadable_export_are_clear_errors(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WOOCOMMERCE_CONSUMER_KEY", raising=False)
    result = runner.invoke(main, ["reconcile", "--store", STORE, "--since", "2024-06-01"])
    assert result.exit_code == 2 and "WOOCOMMERCE_CONSUMER_KEY" in result.output
    export = tmp_path / "export.json"
    export.write_text('{"not": "an order"}')
    result = runner.invoke(main, ["reconcile", "--orders", str(export), "--since", "2024-06-01",
                                  "--target", "sim"])
    assert result.exit_code == 2 and "expected a JSON list of WooCommerce orders" in result.output
    assert "--orders" in result.output
    assert "Traceback" not in result.output

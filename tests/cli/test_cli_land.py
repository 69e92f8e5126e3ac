"""`harness land`: real orders through the reference connector into the embedded sandbox."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_helpers import REFERENCE
from click.testing import CliRunner

from harness.cli.main import main


def test_an_order_of_the_demo_store_lands_and_exits_0(runner: CliRunner, data: Path) -> None:
    result = runner.invoke(main, ["land", str(data / "order-lands.json")])
    assert result.exit_code == 0, result.output
    assert "order #5101 landed as Sales Order SO1001 (id 1)" in result.output  # number and id


def test_json_output_is_the_design_verdict(runner: CliRunner, data: Path) -> None:
    result = runner.invoke(main, ["land", "--json", str(data / "order-lands.json")])
    verdict = json.loads(result.output)
    assert set(verdict) == {
        "scenario", "order", "outcome", "sales_order_id", "mismatches", "diagnosis"
    }
    assert verdict["outcome"] == "landed"
    assert verdict["order"] == "5101"
    assert verdict["sales_order_id"]
    assert verdict["diagnosis"] is None


def test_a_product_the_account_lacks_is_diagnosed_as_item_mapping(
    runner: CliRunner, data: Path
) -> None:
    result = runner.invoke(main, ["land", "--json", str(data / "order-unknown-sku.json")])
    assert result.exit_code == 1
    verdict = json.loads(result.output)
    assert verdict["outcome"] == "rejected"
    assert verdict["diagnosis"]["category"] == "item-mapping"
    assert "KAYAK-RED" in verdict["diagnosis"]["summary"]


def test_an_order_whose_numbers_do_not_add_up_is_invalid_not_pushed(
    runner: CliRunner, data: Path
) -> None:
    result = runner.invoke(main, ["land", "--json", str(data / "order-bad-total.json")])
    assert result.exit_code == 1
    verdict = json.loads(result.output)
    assert verdict["outcome"] == "invalid-order"
    assert verdict["diagnosis"]["category"] == "invalid-order"
    assert any("total" in line for line in verdict["diagnosis"]["evidence"])


def test_a_list_of_one_is_answered_with_a_list(runner: CliRunner, data: Path, tmp_path: Path
                                               ) -> None:
    one = tmp_path / "one.json"
    one.write_text("[" + (data / "order-lands.json").read_text() + "]")
    result = runner.invoke(main, ["land", "--json", str(one)])
    assert [v["outcome"] for v in json.loads(result.output)] == ["landed"]


def test_a_list_lands_each_order(runner: CliRunner, data: Path) -> None:
    result = runner.invoke(main, ["land", "--json", str(data / "orders-two.json")])
    verdicts = json.loads(result.output)
    assert [(v["order"], v["outcome"]) for v in verdicts] == [
        ("5101", "landed"), ("5102", "rejected")
    ]
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"id": 5, "status": ', "is not JSON (line 1"),
        (b"[]", "empty list"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b'"an order"', "not a JSON object"),
    ],
)
def test_unreadable_files_are_invalid_order_verdicts_not_tracebacks(
    runner: CliRunner, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "order.json"
    path.write_bytes(content)
    result = runner.invoke(main, ["land", "--json", str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    document = json.loads(result.output)
    (verdict,) = document if isinstance(document, list) else [document]
    assert verdict["outcome"] == "invalid-order"
    assert expected in verdict["diagnosis"]["summary"]


def test_a_missing_file_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["land", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "nope.json" in result.output and "cannot read" in result.output
    assert "Traceback" not in result.output


def test_human_output_names_the_fix(runner: CliRunner, data: Path) -> None:
    result = runner.invoke(main, ["land", str(data / "order-unknown-sku.json")])
    assert "✗ order #5102 rejected" in result.output
    assert "fix:" in result.output and "[item-mapping]" in result.output


@pytest.mark.parametrize(
    "name",
    ["order-example-docs.json", "orders-list-example-docs.json",
     "subscription-orders-example-docs.json"],
)
def test_the_reference_examples_get_a_diagnosis(runner: CliRunner, name: str) -> None:
    path = REFERENCE / name
    result = runner.invoke(main, ["land", "--json", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    document = json.loads(result.output)
    verdicts = document if isinstance(document, list) else [document]
    for verdict in verdicts:
        # Their products are not in the demo store (and one is 'pending', which the demo
        # mapping does not sync): never a landing, always a reason.
        assert verdict["outcome"] != "landed"
        assert verdict["diagnosis"]["category"] in ("item-mapping", "sync-rule", "invalid-order")
        assert verdict["diagnosis"]["summary"]


def test_live_deletes_what_the_order_created_unless_kept(
    runner: CliRunner, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.netsuite.client import NetSuiteClient
    from harness.sandbox.serve import Sandbox

    box = Sandbox()
    server = box.serve_http()
    try:
        for key, value in box.client_environment(server.url).items():
            monkeypatch.setenv(key, value)
        query = "SELECT id FROM transaction WHERE externalid = 'woo-5101'"
        result = runner.invoke(main, ["land", "--target", "live", str(data / "order-lands.json")])
        assert result.exit_code == 0, result.output
        assert NetSuiteClient.from_env().suiteql_all(query) == []
        kept = ["land", "--target", "live", "--keep-records", str(data / "order-lands.json")]
        assert runner.invoke(main, kept).exit_code == 0
        assert len(NetSuiteClient.from_env().suiteql_all(query)) == 1
    finally:
        server.stop()
        box.close()


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONNECTORS = {
    "python": f"python:{EXAMPLES / 'webhook_connector' / 'push_once.py'}:push",
    "node": f"command:node {EXAMPLES / 'node_connector' / 'push_once.js'}",
}


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
def test_a_real_order_lands_through_your_own_connector(
    runner: CliRunner, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if kind == "node" and shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    order = str(Path(__file__).parent / "data" / "order-lands.json")
    landed = runner.invoke(main, ["land", "--json", order, "--connector", CONNECTORS[kind]])
    assert landed.exit_code == 0, landed.output
    assert json.loads(landed.output)["outcome"] == "landed"

    monkeypatch.setenv("CONNECTOR_BUGS", "ack-only")  # says ok, never writes
    silent = runner.invoke(main, ["land", "--json", order, "--connector", CONNECTORS[kind]])
    assert silent.exit_code == 1
    verdict = json.loads(silent.output)
    assert verdict["outcome"] == "not-pushed"
    assert "finished without writing to NetSuite" in " ".join(verdict["diagnosis"]["evidence"])


def test_a_connector_land_cannot_drive_is_refused(runner: CliRunner) -> None:
    order = str(Path(__file__).parent / "data" / "order-lands.json")
    result = runner.invoke(main, ["land", order, "--connector", "smtp:x"])
    assert result.exit_code != 0 and "is not one of webhook:URL" in result.output


def test_a_sku_holding_a_nul_character_is_an_item_nobody_has(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    """No SuiteQL literal can carry a NUL, and no NetSuite item name holds one: the SKU is
    not found (a verdict naming it), never a NetSuite 400 escaping the landing."""
    order = json.loads((data / "order-unknown-sku.json").read_text())
    order["line_items"][0]["sku"] = "KAYAK\x00RED"
    path = tmp_path / "nul-sku.json"
    path.write_text(json.dumps(order))
    result = runner.invoke(main, ["land", "--json", str(path)])
    assert result.exit_code == 1, result.output
    verdict = json.loads(result.output)
    assert verdict["outcome"] == "rejected"
    assert verdict["diagnosis"]["category"] == "item-mapping"

"""`harness woo serve` prints its settings and serves; `harness reconcile --store` reads the
served store (OAuth 1.0a over HTTP) and finds what never reached the embedded NetSuite."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from requests_oauthlib import OAuth1
from woostore_helpers import API, place

from harness.cli.main import main
from harness.sandbox.serve import Sandbox
from harness.woostore import EmbeddedStore
from harness.wsgi import LoopbackServer

SETTINGS = ("WOO_URL", "WOO_CONSUMER_KEY", "WOO_CONSUMER_SECRET", "WOOCOMMERCE_CONSUMER_KEY",
            "WOOCOMMERCE_CONSUMER_SECRET")


def serve(*extra: str, wanted: tuple[str, ...] = SETTINGS) -> Iterator[dict[str, str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "woo", "serve", "--port", "0", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        env: dict[str, str] = {}
        while not set(wanted) <= set(env):
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else "server ended"
            key, _, value = line.strip().partition("=")
            env[key] = value
        yield env
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def serving() -> Iterator[dict[str, str]]:
    yield from serve()


def test_both_ends_are_served_by_one_command() -> None:
    """`--with-sandbox 0`: the embedded NetSuite beside the store, its settings printed too,
    so a pull-style connector has both ends from one command."""
    wanted = (*SETTINGS, "NETSUITE_ACCOUNT", "NETSUITE_BASE_URL", "NETSUITE_TOKEN_SECRET")
    for env in serve("--with-sandbox", "0", wanted=wanted):
        auth = OAuth1(env["NETSUITE_CONSUMER_KEY"], env["NETSUITE_CONSUMER_SECRET"],
                      env["NETSUITE_TOKEN_ID"], env["NETSUITE_TOKEN_SECRET"],
                      signature_method="HMAC-SHA256", realm=env["NETSUITE_ACCOUNT"])
        answer = requests.post(
            f"{env['NETSUITE_BASE_URL']}/services/rest/query/v1/suiteql",
            json={"q": "SELECT itemid FROM item WHERE itemid = 'MUG-WHT'"},
            headers={"Prefer": "transient"}, auth=auth, timeout=10,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["items"][0]["itemid"] == "MUG-WHT"
        assert env["WOO_URL"] != env["NETSUITE_BASE_URL"]


def test_an_account_without_the_sandbox_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["woo", "serve", "--account", "x.yaml"])
    assert result.exit_code == 2
    assert "--with-sandbox" in result.output


def test_serve_prints_settings_a_connector_uses(serving: dict[str, str]) -> None:
    assert serving["WOO_URL"].startswith("http://127.0.0.1:")
    assert serving["WOO_CONSUMER_KEY"].startswith("ck_")
    signer = OAuth1(serving["WOO_CONSUMER_KEY"], client_secret=serving["WOO_CONSUMER_SECRET"],
                    signature_method="HMAC-SHA256", signature_type="query")
    answer = requests.get(f"{serving['WOO_URL']}{API}/products", params={"sku": "MUG-WHT"},
                          auth=signer, timeout=10)
    assert answer.status_code == 200, answer.text
    assert [p["sku"] for p in answer.json()] == ["MUG-WHT"]


def test_an_unreadable_catalogue_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "catalogue.yaml"
    bad.write_text("store:\n  name: X\n  products: 3\n")
    result = CliRunner().invoke(main, ["woo", "serve", "--catalogue", str(bad)])
    assert result.exit_code == 2  # a file it cannot use: cannot start
    assert "catalogue.yaml:3: store.products" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def netsuite(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    box = Sandbox()
    server = box.serve_http()
    for key, value in box.client_environment(server.url).items():
        monkeypatch.setenv(key, value)
    yield box
    server.stop()
    box.close()


def test_reconcile_reads_the_served_store(
    store: EmbeddedStore, served: LoopbackServer, netsuite: Sandbox, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    landed, missing = place(store, "existing-customer", "tax-california")
    export = tmp_path / "landed.json"
    export.write_text(json.dumps(store.order(landed.id).to_wire()))
    runner = CliRunner()
    pushed = runner.invoke(main, ["land", "--target", "live", "--keep-records", str(export)])
    assert pushed.exit_code == 0, pushed.output
    for key, value in store.client_environment(served.url).items():
        monkeypatch.setenv(key, value)
    result = runner.invoke(main, ["reconcile", "--store", served.url, "--since", "2024-06-20",
                                  "--target", "live", "--json"])
    assert result.exit_code == 1, result.output
    found = json.loads(result.output)
    assert (found["orders"], found["matched"]) == (2, 1)
    assert [o["number"] for o in found["missing"]] == [missing.number]
    assert found["days"] == [{"day": "2024-06-20", "store": 2, "netsuite": 1}]

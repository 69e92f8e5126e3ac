"""Serving the sandbox: in-process interception, HTTP on a loopback port, the CLI."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import responses
from requests_oauthlib import OAuth1
from sandbox_helpers import Client, order_body, tba

from harness.sandbox.account import Governance, demo_profile
from harness.sandbox.serve import Sandbox


@pytest.fixture
def http_sandbox() -> Sandbox:
    many = demo_profile().model_copy(update={"governance": Governance(concurrencyLimit=50)})
    return Sandbox(many)


def test_serve_http_answers_signed_requests_with_links_on_its_own_url(
    http_sandbox: Sandbox,
) -> None:
    server = http_sandbox.serve_http()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        client = Client(server.url, tba(http_sandbox))
        response = client.post(
            "record/v1/customer", {"companyName": "Wire", "subsidiary": {"id": 1}}
        )
        assert response.status_code == 204, response.text
        assert response.headers["Location"].startswith(server.url + "/services/rest/record/v1/")
        got = client.get(response.headers["Location"]).json()
        assert got["companyName"] == "Wire"
        assert got["subsidiary"]["links"][0]["href"].startswith(server.url)
    finally:
        server.stop()
        http_sandbox.close()
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + "/services/rest/record/v1/customer", timeout=2)


def test_http_threads_share_one_store_safely(http_sandbox: Sandbox) -> None:
    server = http_sandbox.serve_http()
    statuses: list[int] = []
    locations: list[str] = []
    lock = threading.Lock()

    def create(n: int) -> None:
        client = Client(server.url, tba(http_sandbox))
        response = client.post("record/v1/salesOrder", order_body(externalId=f"T-{n}"))
        with lock:
            statuses.append(response.status_code)
            locations.append(response.headers.get("Location", ""))

    try:
        threads = [threading.Thread(target=create, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert statuses == [204] * 20
        ids = sorted(int(location.rsplit("/", 1)[1]) for location in locations)
        assert ids == list(range(1, 21))
        count = Client(server.url, tba(http_sandbox)).suiteql(
            "SELECT COUNT(*) AS n FROM transaction WHERE type = 'SalesOrd'"
        )
        assert count.json()["items"][0]["n"] == "20"
    finally:
        server.stop()
        http_sandbox.close()


def test_http_refuses_a_host_that_is_not_loopback(http_sandbox: Sandbox) -> None:
    server = http_sandbox.serve_http()
    try:
        port = int(server.url.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request(
            "GET", "/services/rest/record/v1/customer/1001", headers={"Host": "example.com"}
        )
        response = connection.getresponse()
        assert response.status == 401
        assert response.getheader("Content-Type", "").startswith(
            "application/vnd.oracle.resource+json; type=error"
        )
        connection.close()
    finally:
        server.stop()
        http_sandbox.close()


def test_intercept_lets_other_hosts_through(sandbox: Sandbox, http_sandbox: Sandbox) -> None:
    server = http_sandbox.serve_http()
    try:
        with sandbox.intercept():
            inside = Client(sandbox.base_url, tba(sandbox)).get("record/v1/customer/1001")
            outside = Client(server.url, tba(http_sandbox)).get("record/v1/customer/1002")
        assert inside.json()["entityId"] == "Jane Doe"
        assert outside.json()["entityId"] == "Northwind Traders"
    finally:
        server.stop()
        http_sandbox.close()


def test_intercept_into_a_callers_mock_leaves_other_hosts_to_it(sandbox: Sandbox) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, "https://shop.example/wp-json/wc/v3/orders/1", json={"id": 1})
        with sandbox.intercept(mock):
            order = requests.get("https://shop.example/wp-json/wc/v3/orders/1", timeout=5)
            customer = Client(sandbox.base_url, tba(sandbox)).get("record/v1/customer/1001")
        assert order.json() == {"id": 1}
        assert customer.status_code == 200
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{sandbox.base_url}/services/rest/record/v1/customer/1001", timeout=5)


def test_handle_answers_one_request_as_a_tuple(sandbox: Sandbox) -> None:
    status, headers, body = sandbox.handle("GET", f"{sandbox.base_url}/services/rest/nowhere")
    assert status == 401  # authentication comes before routing inside /services/rest
    assert headers["Content-Type"].startswith("application/vnd.oracle.resource+json")
    assert body.startswith(b"{")


def test_a_file_store_keeps_records_between_sandboxes(tmp_path: Path) -> None:
    path = tmp_path / "account.sqlite"
    first = Sandbox(db_path=path)
    with first.intercept():
        new_id = Client(first.base_url, tba(first)).create(
            "customer", {"companyName": "Kept", "subsidiary": {"id": 1}}
        )
    first.close()
    second = Sandbox(db_path=path)
    with second.intercept():
        client = Client(second.base_url, tba(second))
        assert client.get(f"record/v1/customer/{new_id}").json()["companyName"] == "Kept"
        assert client.create("customer", {"companyName": "Next", "subsidiary": {"id": 1}}) == str(
            int(new_id) + 1
        )
        second.reset()
        assert client.get(f"record/v1/customer/{new_id}").status_code == 404
    second.close()


@pytest.mark.parametrize(
    "sigint_before",
    [signal.SIG_DFL, signal.SIG_IGN],
    ids=["from-a-terminal", "started-in-background"],
)
def test_cli_serve_prints_client_settings_then_serves_until_interrupted(
    sigint_before: signal.Handlers,
) -> None:
    # A job a non-interactive shell starts with `&` comes in with SIGINT ignored; Ctrl-C (or
    # `kill -INT`) must stop the server all the same.
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "sandbox", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, sigint_before),
        # faulthandler: a server still up after Ctrl-C is made to print where every thread is
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1"},
    )
    try:
        assert process.stdout is not None
        settings: dict[str, str] = {}
        while "NETSUITE_BASE_URL" not in settings:
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else "no output"
            key, _, value = line.strip().partition("=")
            settings[key] = value
        assert list(settings) == [
            "NETSUITE_ACCOUNT",
            "NETSUITE_CONSUMER_KEY",
            "NETSUITE_CONSUMER_SECRET",
            "NETSUITE_TOKEN_ID",
            "NETSUITE_TOKEN_SECRET",
            # the demo profile's second role, as scenarios that act as it find it
            "NETSUITE_WOO_INTEGRATION_VIEW_ONLY_TOKEN_ID",
            "NETSUITE_WOO_INTEGRATION_VIEW_ONLY_TOKEN_SECRET",
            "NETSUITE_BASE_URL",
        ]
        auth = OAuth1(
            settings["NETSUITE_CONSUMER_KEY"],
            settings["NETSUITE_CONSUMER_SECRET"],
            settings["NETSUITE_TOKEN_ID"],
            settings["NETSUITE_TOKEN_SECRET"],
            signature_method="HMAC-SHA256",
            realm=settings["NETSUITE_ACCOUNT"],
        )
        response = requests.get(
            settings["NETSUITE_BASE_URL"] + "/services/rest/record/v1/customer/1001",
            auth=auth,
            timeout=10,
        )
        assert response.json()["entityId"] == "Jane Doe"
        process.send_signal(signal.SIGINT)
        try:
            exit_code = process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            _, stacks = process.communicate(timeout=10)
            raise AssertionError(f"still serving 10 s after Ctrl-C:\n{stacks}") from None
        assert exit_code == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_cli_serve_reports_a_bad_account_file_by_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from harness.cli.main import main

    bad = tmp_path / "account.yaml"
    bad.write_text("account:\n  id: not an id\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["sandbox", "serve", "--account", str(bad)])
    assert result.exit_code == 2  # a profile the schema refuses: the server cannot start
    assert f"{bad}:2: account.id" in result.output


def _settings_of(process: subprocess.Popen[str]) -> dict[str, str]:
    assert process.stdout is not None
    settings: dict[str, str] = {}
    while "NETSUITE_BASE_URL" not in settings or "NODE_EXTRA_CA_CERTS" not in settings:
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else "no output"
        key, _, value = line.strip().partition("=")
        settings[key] = value
    return settings


def test_cli_serve_tls_prints_the_ca_to_trust_and_serves_https() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "sandbox", "serve", "--port", "0", "--tls"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        settings = _settings_of(process)
        ca = Path(settings["REQUESTS_CA_BUNDLE"])
        assert settings["NODE_EXTRA_CA_CERTS"] == str(ca)
        assert ca.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
        assert b"PRIVATE" not in ca.read_bytes()
        assert settings["NETSUITE_BASE_URL"].startswith("https://127.0.0.1:")
        auth = OAuth1(
            settings["NETSUITE_CONSUMER_KEY"],
            settings["NETSUITE_CONSUMER_SECRET"],
            settings["NETSUITE_TOKEN_ID"],
            settings["NETSUITE_TOKEN_SECRET"],
            signature_method="HMAC-SHA256",
            realm=settings["NETSUITE_ACCOUNT"],
        )
        response = requests.get(
            settings["NETSUITE_BASE_URL"] + "/services/rest/record/v1/customer/1001",
            auth=auth,
            timeout=10,
            verify=str(ca),
        )
        assert response.json()["entityId"] == "Jane Doe"
        process.send_signal(signal.SIGTERM)  # how a CI job stops it
        assert process.wait(timeout=10) == 0
        assert not ca.exists()  # the certificate and its key go with the server
        assert process.stderr is not None
        assert "--resolve 1234567-sb1.suitetalk.api.netsuite.com:" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_https_on_a_taken_port_fails_and_leaves_no_server_behind(tmp_path: Path) -> None:
    from harness.sandbox.tls import write_certificate

    certificate = write_certificate(tmp_path, ["127.0.0.1"])
    sandbox = Sandbox()
    first = sandbox.serve_http(tls=certificate)
    port = int(first.url.rsplit(":", 1)[1])
    threads_before = threading.active_count()
    try:
        with pytest.raises(OSError):
            sandbox.serve_http(port=port, tls=certificate)
        deadline = time.monotonic() + 5
        while threading.active_count() > threads_before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert threading.active_count() <= threads_before
    finally:
        first.stop()
        sandbox.close()

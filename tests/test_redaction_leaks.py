"""The leaks a security review found, each with a connector written the way a store's developer
writes one (plain requests + requests-oauthlib, no harness imports):

- L1: a failing connector (command:, python:, webhook:) that prints its settings; the consumer
  key and token id reached the terminal and all three reports (only the two secrets were
  masked);
- L2: at DEBUG, oauthlib / requests-oauthlib / urllib3 log whole Authorization headers, base
  strings and signatures into pytest's output;
- L3: a webhook delivery signature the connector echoes reached reports;
- request headers were Python bytes reprs in the JSON report (`"b'python-requests/...'"`).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from redaction_helpers import Search

from harness.cli.main import main
from harness.sandbox.account import demo_profile

pytest_plugins = ["pytester"]

WEBHOOK_SECRET = "whsec-Q3v<&>9/x+Za%c1"

SETTINGS_PRINTING_COMMAND = '''
"""push_order.py: the order on stdin; NetSuite settings from the environment."""
import json, os, sys
import requests
from requests_oauthlib import OAuth1

settings = {k: v for k, v in os.environ.items() if k.startswith("NETSUITE_")}
print("connecting with", settings["NETSUITE_CONSUMER_KEY"], settings["NETSUITE_TOKEN_ID"])
order = json.load(sys.stdin)
auth = OAuth1(settings["NETSUITE_CONSUMER_KEY"], settings["NETSUITE_CONSUMER_SECRET"],
              settings["NETSUITE_TOKEN_ID"], settings["NETSUITE_TOKEN_SECRET"],
              signature_method="HMAC-SHA256", realm=settings["NETSUITE_ACCOUNT"])
answer = requests.get(settings["NETSUITE_BASE_URL"] + "/services/rest/record/v1/customer/0",
                      auth=auth, timeout=30)
sys.exit(f"cannot push #{order['number']} as {settings['NETSUITE_CONSUMER_KEY']}:"
         f"{settings['NETSUITE_TOKEN_ID']} ({answer.status_code})")
'''

SETTINGS_PRINTING_FUNCTION = '''
"""connector.py: push(order) for the harness's python: driver."""
import os
import requests
from requests_oauthlib import OAuth1

def push(order):
    env = os.environ
    print("connecting with", env["NETSUITE_CONSUMER_KEY"], env["NETSUITE_TOKEN_ID"])
    auth = OAuth1(env["NETSUITE_CONSUMER_KEY"], env["NETSUITE_CONSUMER_SECRET"],
                  env["NETSUITE_TOKEN_ID"], env["NETSUITE_TOKEN_SECRET"],
                  signature_method="HMAC-SHA256", realm=env["NETSUITE_ACCOUNT"])
    answer = requests.get(env["NETSUITE_BASE_URL"] + "/services/rest/record/v1/customer/0",
                          auth=auth, timeout=30)
    raise RuntimeError(f"cannot push as {env['NETSUITE_CONSUMER_KEY']}:"
                       f"{env['NETSUITE_TOKEN_ID']}, sent {answer.request.headers}")
'''

SIGNATURE_ECHOING_WEBHOOK = '''
"""hook.py: a WooCommerce webhook receiver; on a bad delivery it says what it saw."""
import json, os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SEEN = open(sys.argv[1], "a", encoding="utf-8")

class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        signature = self.headers.get("X-WC-Webhook-Signature") or ""
        SEEN.write(signature + "\\n"); SEEN.flush()
        if body.startswith(b"webhook_id="):
            self.send_response(200); self.end_headers(); return
        settings = {k: v for k, v in os.environ.items() if k.startswith("NETSUITE_")}
        text = (f"cannot push: signature {signature} with key "
                f"{settings['NETSUITE_CONSUMER_KEY']} token {settings['NETSUITE_TOKEN_ID']} "
                + json.dumps(settings)).encode()
        self.send_response(500)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
print(f"listening on http://127.0.0.1:{server.server_address[1]}/hook", flush=True)
server.serve_forever()
'''


def demo_credentials() -> dict[str, str]:
    """The sim target's TBA credentials: what a connector there is handed."""
    first = demo_profile().credentials.tba[0]
    return {
        "consumer key": first.consumerKey,
        "consumer secret": first.consumerSecret,
        "token id": first.tokenId,
        "token secret": first.tokenSecret,
    }


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("NETSUITE_", "WOO_")):
            monkeypatch.delenv(name)


@pytest.fixture
def webhook(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The echoing receiver, run as its own program with the sim account's settings."""
    script, seen = tmp_path / "hook.py", tmp_path / "signatures.txt"
    script.write_text(SIGNATURE_ECHOING_WEBHOOK, encoding="utf-8")
    first = demo_profile().credentials.tba[0]
    env = {**os.environ, "NETSUITE_CONSUMER_KEY": first.consumerKey,
           "NETSUITE_TOKEN_ID": first.tokenId}
    process = subprocess.Popen([sys.executable, str(script), str(seen)], env=env,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    url = process.stdout.readline().split()[-1]
    yield url, seen
    process.terminate()
    process.wait(timeout=10)


def connector_spec(kind: str, tmp_path: Path, webhook_url: str | None) -> list[str]:
    if kind == "command":
        script = tmp_path / "push_order.py"
        script.write_text(SETTINGS_PRINTING_COMMAND, encoding="utf-8")
        return ["--connector", f"command:{shlex.quote(sys.executable)} {shlex.quote(str(script))}"]
    if kind == "python":
        script = tmp_path / "connector.py"
        script.write_text(SETTINGS_PRINTING_FUNCTION, encoding="utf-8")
        return ["--connector", f"python:{script}:push"]
    return ["--connector", f"webhook:{webhook_url}", "--webhook-secret", WEBHOOK_SECRET]


@pytest.mark.parametrize("kind", ["command", "python", "webhook"])
def test_l1_a_failing_connector_printing_its_settings_leaks_nothing(
    kind: str, tmp_path: Path, clean_environment: None, request: pytest.FixtureRequest
) -> None:
    url, seen = request.getfixturevalue("webhook") if kind == "webhook" else (None, None)
    reports = tmp_path / "reports"
    result = CliRunner().invoke(
        main,
        ["run", *connector_spec(kind, tmp_path, url), "-k", "new-customer or coupon-percent",
         "--landing-timeout", "0.2", "--report-dir", str(reports)],
    )
    assert result.exit_code == 1, result.output
    report = json.loads((reports / "harness-report.json").read_text(encoding="utf-8"))
    said = json.dumps(report["results"][0]["verdict"]["diagnosis"])
    assert "***" in said, "the connector's output reaches the report, masked"

    secrets = demo_credentials()
    if seen is not None:  # L3: every signature the receiver got, and echoed back
        signatures = seen.read_text().split()
        assert len(signatures) == 2
        secrets |= {f"delivery signature {n}": s for n, s in enumerate(signatures)}
    search = Search(secrets)
    search.text(result.output, "terminal")
    search.tree(reports)
    assert search.files == 3
    assert search.hits == [], "\n".join(search.hits[:10])


def test_l3_webhook_headers_in_the_report_are_text_without_the_signature(
    tmp_path: Path, clean_environment: None, webhook: tuple[str, Path]
) -> None:
    url, _ = webhook
    reports = tmp_path / "reports"
    result = CliRunner().invoke(
        main,
        ["run", "--connector", f"webhook:{url}", "--webhook-secret", WEBHOOK_SECRET,
         "-k", "new-customer", "--landing-timeout", "0.2", "--report-dir", str(reports)],
    )
    assert result.exit_code == 1, result.output
    [row] = json.loads((reports / "harness-report.json").read_text())["results"]
    deliveries = [call for call in row["calls"] if call["path"] == "/hook"]
    assert deliveries, "the deliveries are in the scenario's calls"
    for call in deliveries:
        headers = call["request_headers"]
        if "X-WC-Webhook-Topic" in headers:
            assert headers["X-WC-Webhook-Signature"] == "***"
            assert headers["X-WC-Webhook-Topic"] == "order.created"
        assert not any(value.startswith("b'") for value in headers.values())


def test_signed_request_headers_in_the_json_report_are_text(
    tmp_path: Path, clean_environment: None
) -> None:
    """A python: connector signs with requests-oauthlib, which leaves header values as bytes;
    the report shows them as text."""
    reports = tmp_path / "reports"
    result = CliRunner().invoke(
        main,
        ["run", *connector_spec("python", tmp_path, None), "-k", "new-customer",
         "--landing-timeout", "0.2", "--report-dir", str(reports)],
    )
    assert result.exit_code == 1, result.output
    [row] = json.loads((reports / "harness-report.json").read_text())["results"]
    [lookup] = [call for call in row["calls"] if call["path"].endswith("/customer/0")]
    headers = lookup["request_headers"]
    assert headers["User-Agent"].startswith("python-requests/")
    assert headers["Authorization"].startswith('OAuth realm="1234567_SB1", oauth_nonce="***"')
    assert "b'" not in json.dumps(row["calls"])


INNER_TEST = """
def test_scenario(scenario, land):
    verdict = land(scenario)
    assert verdict.met(scenario.expect), verdict
"""
# What an unredacted Authorization header, base string or signature log line looks like.
WIRE_VALUES = re.compile(
    r'oauth_(?:nonce|signature|consumer_key|token)(?:="|%3D|\', \')(?!\*\*\*)'
    r"|Signature: (?!\*\*\*)"
)


def test_l2_debug_logs_of_a_connector_in_pytest_keep_no_credential(
    pytester: pytest.Pytester, clean_environment: None
) -> None:
    """pytest --log-level=DEBUG with a python: connector: its requests-oauthlib, oauthlib and
    urllib3 records (and the harness client's own) reach the failure's captured log, live
    logging and --log-file, all redacted."""
    connector = pytester.path / "connector.py"
    connector.write_text(SETTINGS_PRINTING_FUNCTION, encoding="utf-8")
    pytester.makepyfile(test_debug=INNER_TEST)
    result = pytester.runpytest_inprocess(
        f"--ns-connector=python:{connector}:push", "-k", "new-customer",
        "--log-level=DEBUG", "-o", "log_cli=true", "--log-cli-level=DEBUG",
        "--log-file=debug.log", "--log-file-level=DEBUG", "-rA",
    )
    result.assert_outcomes(failed=1)
    output = result.stdout.str() + result.stderr.str()
    log = (pytester.path / "debug.log").read_text(encoding="utf-8")
    for needed in ("requests_oauthlib.oauth1_auth", "oauthlib.oauth1.rfc5849", "Signature: ***",
                   "Captured log call", "live log call", "connecting with *** ***"):
        assert needed in output, needed
    assert "Signature: ***" in log
    search = Search(demo_credentials())
    search.text(output, "pytest output")
    search.file(pytester.path / "debug.log")
    assert search.hits == [], "\n".join(search.hits[:10])
    assert WIRE_VALUES.findall(output + log) == []

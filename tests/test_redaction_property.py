"""Nothing leaks: random credentials of every kind, with characters that need escaping in URLs,
JSON and HTML, through record runs at DEBUG with connectors that print their whole
environment; every file written and everything printed is searched in every form.

Each seed makes a fresh account (consumer pair, two role tokens, an M2M client with a new EC
key, a webhook secret) and records two runs into `tmp_path`:

- `pytest --ns-target=record --log-level=DEBUG` (TBA; live logging, --log-file, -rA, JUnit
  XML, --ns-report) with a command connector that prints its credentials and its whole
  environment, logs requests-oauthlib/urllib3 at DEBUG to its stderr, signs a request of its
  own and fails naming its credentials;
- `harness run --target record` (M2M: client assertions and bearer tokens) with a DEBUG root
  handler writing a log file, and a webhook connector that answers every delivery with its
  environment, the webhook secret and the signature it got.

Searched: every credential, every OAuth nonce and signature, client assertion and bearer
token the sandbox saw, and every delivery signature the connector received. Two seeds x two
scenarios x two runs: about fifteen seconds.
"""

from __future__ import annotations

import logging
import os
import random
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from redaction_helpers import RandomAccount, Search, random_account, random_secret

# What `harness run` imports only when it prints, imported with this module: pytester puts
# back the modules of before each test, and a rich module first imported inside one would be
# dropped while modules kept from before still hold its classes (`Text + Text` fails).
import harness.report.files
import harness.report.html
import harness.report.terminal  # noqa: F401
from harness.cli.main import main

pytest_plugins = ["pytester"]

SCENARIOS = "new-customer or tax-new-york-city"

ENV_PRINTING_COMMAND = '''
"""push_order.py: reads the WooCommerce order on stdin, pushes it to NetSuite."""
import json, logging, os, sys
import requests
from requests_oauthlib import OAuth1

env = os.environ
ck, cs = env["NETSUITE_CONSUMER_KEY"], env["NETSUITE_CONSUMER_SECRET"]
tid, ts = env["NETSUITE_TOKEN_ID"], env["NETSUITE_TOKEN_SECRET"]
print("refused for", ck, tid, cs, ts, file=sys.stderr)
print("using", *[v for k, v in sorted(env.items()) if k.startswith("NETSUITE_")])
print({k: v for k, v in env.items() if k.startswith("NETSUITE_")})
for name, value in sorted(env.items()):
    print(f"{name}={value}")
logging.basicConfig(level=logging.DEBUG)  # requests-oauthlib and urllib3 to stderr
order = json.load(sys.stdin)
auth = OAuth1(ck, cs, tid, ts, signature_method="HMAC-SHA256", realm=env["NETSUITE_ACCOUNT"])
url = env["NETSUITE_BASE_URL"] + "/services/rest/query/v1/suiteql"
answer = requests.post(url, json={"q": "SELECT id FROM item"}, auth=auth,
                       headers={"Prefer": "transient"}, timeout=30)
print("sent", dict(answer.request.headers), "got", answer.status_code)
sys.exit(f"order {order['number']}: refused for {ck} {tid} / {cs}")
'''

ECHOING_WEBHOOK = '''
"""hook.py: a WooCommerce webhook receiver that says everything when it cannot push."""
import base64, hashlib, hmac, json, os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ["WOO_WEBHOOK_SECRET"]
SEEN = open(sys.argv[1], "a", encoding="utf-8")

class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        got = self.headers.get("X-WC-Webhook-Signature") or ""
        SEEN.write(got + "\\n"); SEEN.flush()
        if body.startswith(b"webhook_id="):
            self.send_response(200); self.end_headers(); return
        expected = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest())
        said = {"error": "cannot push", "debug": f"secret {SECRET} sig {got}",
                "signature": got, "expected": expected.decode(),
                "settings": {k: v for k, v in os.environ.items() if k.startswith("NETSUITE")},
                "headers": dict(self.headers), "environment": dict(os.environ)}
        text = json.dumps(said).encode()
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
print(f"listening on http://127.0.0.1:{server.server_address[1]}/hook", flush=True)
server.serve_forever()
'''

INNER_TEST = """
def test_scenario(scenario, land):
    verdict = land(scenario)
    assert verdict.met(scenario.expect), verdict
"""


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("NETSUITE_", "WOO_")) or name == "HARNESS_CATALOGUE":
            monkeypatch.delenv(name)


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """A DEBUG handler on the root logger, as `logging.basicConfig(level=DEBUG)` adds one."""
    path = tmp_path / "debug.log"  # beside `written`: searched on its own
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    handler.close()
    root.setLevel(level)


def start_webhook(account: RandomAccount, scripts: Path, secret: str) -> subprocess.Popen[str]:
    hook = scripts / "hook.py"
    hook.write_text(ECHOING_WEBHOOK, encoding="utf-8")
    env = {**os.environ, **account.env("m2m"), "WOO_WEBHOOK_SECRET": secret}
    seen = scripts / "signatures.txt"
    return subprocess.Popen([sys.executable, str(hook), str(seen)], env=env,
                            stdout=subprocess.PIPE, text=True)


def record_with_cli(account: RandomAccount, folder: Path, scripts: Path, secret: str) -> str:
    """`harness run --target record` (M2M) with the echoing webhook."""
    process = start_webhook(account, scripts, secret)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        clean = {name: None for name in os.environ if name.startswith("NETSUITE_")}
        result = CliRunner().invoke(
            main,
            ["run", "--target", "record", "--cassettes", str(folder / "tapes"),
             "--connector", f"webhook:{url}", "--webhook-secret", secret, "-k", SCENARIOS,
             "--landing-timeout", "0.2", "--report-dir", str(folder / "reports")],
            env={**clean, **account.env("m2m")},
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert result.exit_code == 1 and "0/2" in result.output, result.output
    return result.output


def record_with_pytest(
    account: RandomAccount, pytester: pytest.Pytester, folder: Path, scripts: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """`pytest --ns-target=record --log-level=DEBUG` (TBA) with the printing command."""
    script = scripts / "push_order.py"
    script.write_text(ENV_PRINTING_COMMAND, encoding="utf-8")
    connector = f"command:{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    for name, value in account.env("tba").items():
        monkeypatch.setenv(name, value)
    pytester.makepyfile(test_through_the_command=INNER_TEST)
    result = pytester.runpytest_inprocess(
        "--ns-target=record", f"--ns-cassettes={folder / 'tapes'}",
        f"--ns-connector={connector}", f"--ns-report={folder / 'ns-report.json'}",
        f"--junitxml={folder / 'junit.xml'}", "-k", SCENARIOS,
        "--log-level=DEBUG", "-o", "log_cli=true", "--log-cli-level=DEBUG",
        f"--log-file={folder / 'pytest-debug.log'}", "--log-file-level=DEBUG", "-rA",
    )
    output = result.stdout.str() + result.stderr.str()
    assert result.parseoutcomes().get("failed") == 2, output  # the command always fails
    assert "refused for ***" in output and "Captured log call" in output, output
    return output


@pytest.mark.parametrize("seed", [1, 2])
def test_no_credential_of_any_kind_reaches_any_output(
    seed: int, tmp_path: Path, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
    clean_environment: None, debug_log: Path, record_property: pytest.RecordProperty,
) -> None:
    rng = random.Random(seed)
    account = random_account(rng)
    webhook_secret = random_secret(rng)
    written = tmp_path / "written"  # everything the harness and pytest write, nothing else
    scripts = tmp_path / "connector"  # the connectors' own files, not searched
    scripts.mkdir()
    try:
        pytest_output = record_with_pytest(
            account, pytester, written / "plugin", scripts, monkeypatch
        )
        cli_output = record_with_cli(account, written / "cli", scripts, webhook_secret)
    finally:
        account.close()
    signatures = (scripts / "signatures.txt").read_text().split()
    assert len(signatures) >= 2, "the webhook received no signed delivery"

    secrets = {**account.secrets(), "webhook secret": webhook_secret}
    secrets |= {f"delivery signature {n}": s for n, s in enumerate(signatures)}
    secrets |= {f"on the wire {n}": v for n, v in enumerate(sorted(account.spy.seen))}
    assert any(len(v) > 200 for v in account.spy.seen), "no client assertion (M2M) was seen"
    assert len(account.spy.seen) > 20, "too few signed requests to prove anything"
    search = Search(secrets)
    search.text(cli_output, "harness run output")
    search.text(pytest_output, "pytest output")
    search.file(debug_log)
    files = [*search.tree(written), debug_log, *search.tree(pytester.path)]

    names = {path.name for path in files}
    assert {"harness-report.json", "harness-report.html", "harness-junit.xml", "debug.log",
            "ns-report.json", "junit.xml", "pytest-debug.log"} <= names, names
    assert sum(path.suffix == ".yaml" for path in files) >= 4, "two cassettes per run"
    summary = (
        f"searched {search.files} files and 2 captured outputs ({search.views} views) for "
        f"{len(secrets)} secrets x up to {search.forms_per_secret} forms each: "
        f"{search.comparisons} comparisons, {len(search.hits)} hits"
    )
    print(summary)
    record_property("redaction_search", summary)
    assert search.hits == [], "\n".join(search.hits[:20])

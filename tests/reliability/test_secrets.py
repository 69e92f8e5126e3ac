"""Random secrets through everything the harness writes down: call logs, error messages,
cassettes and reports. None survives, in any spelling."""

from __future__ import annotations

import json
import random
import string
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from secret_helpers import (
    SECRETS,
    LeakyConnector,
    carry,
    leaks_in_file,
    sandbox_secrets,
    survivors,
)

from harness.catalogue.spec import load_catalogue
from harness.landing.verify import verify
from harness.mapping import load_mapping
from harness.netsuite.auth import AuthConfigError, tba_auth
from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.credentials import Credentials
from harness.netsuite.retry import RetryPolicy
from harness.recording import Recorder
from harness.report.files import write_json, write_junit
from harness.report.html import render_html
from harness.runner import ScenarioResult
from harness.sandbox.serve import HttpServer, Sandbox
from harness.woo.generate import generate
from harness.woo.order import WooOrder
from tests.hypothesis_budget import examples

SECRET_RUNS = settings(
    deadline=None,
    max_examples=examples(15),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def client(sandbox: Sandbox, secret: str, base_url: str | None = None) -> NetSuiteClient:
    c = sandbox.profile.credentials.tba[0]
    return NetSuiteClient(
        base_url or sandbox.base_url,
        tba_auth(sandbox.account_id, c.consumerKey, c.consumerSecret, c.tokenId, c.tokenSecret),
        calllog=CallLog(),
        retry=RetryPolicy.never(),
        account_id=sandbox.account_id,
        secrets=[secret, c.consumerSecret, c.tokenSecret],
    )


@SECRET_RUNS
@given(SECRETS)
def test_call_logs_and_errors_keep_no_secret(sandbox: Sandbox, secret: str) -> None:
    with sandbox.intercept():
        ns = client(sandbox, secret)
        said = carry(ns, secret)

    assert said, "NetSuite refused nothing: the secret reached no error message"
    written = ns.calllog.to_jsonl()
    masked = [c for c in ns.calllog.calls if "***" in (c.request_body or "") + c.path]
    assert masked, "the secret was never sent, so its absence proves nothing"
    assert survivors(written, [secret, *sandbox_secrets(sandbox)]) == []
    assert survivors("\n".join(said), [secret, *sandbox_secrets(sandbox)]) == []
    for line in written.splitlines():
        assert survivors(json.dumps(json.loads(line), ensure_ascii=False), [secret]) == []


@SECRET_RUNS
@given(SECRETS)
def test_cassettes_keep_no_secret(
    served: tuple[Sandbox, HttpServer], tmp_path_factory: pytest.TempPathFactory, secret: str
) -> None:
    sandbox, server = served
    everything = [secret, *sandbox_secrets(sandbox)]
    directory = tmp_path_factory.mktemp("cassettes")
    recorder = Recorder(
        directory,
        "tests/test_orders.py::test_secret_in_traffic",
        mode="record",
        account_id=sandbox.account_id,
        base_url=server.url,
        secrets=everything,
    )

    with recorder:
        carry(client(sandbox, secret, server.url), secret)

    text = recorder.path.read_text(encoding="utf-8")
    assert text.count("uri:") >= 5  # every exchange was recorded
    assert leaks_in_file(text, everything, parse="yaml") == []


def _results(sandbox: Sandbox, secret: str, seed: int) -> tuple[ScenarioResult, WooOrder]:
    """A real rejection: a connector sends the secret, NetSuite echoes it, the harness
    verifies and diagnoses."""
    spec = load_catalogue().get("new-customer")
    order = generate(spec, seed)
    mapping = load_mapping()
    with sandbox.intercept():
        ns = client(sandbox, secret)
        push = LeakyConnector(ns, secret).push(order)
        verdict = verify(order, mapping, ns, ns.calllog, push, scenario=spec.name)
    calls = tuple(call.to_dict() for call in ns.calllog.calls)
    return ScenarioResult(spec.name, spec.expect, verdict, 0.1, calls), order


@settings(SECRET_RUNS, max_examples=examples(10))
@given(SECRETS, st.integers(1, 10_000))
def test_reports_keep_no_secret(
    sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory, secret: str, seed: int
) -> None:
    result, order = _results(sandbox, secret, seed)
    assert result.verdict.outcome == "rejected" and result.verdict.diagnosis is not None
    everything = [secret, *sandbox_secrets(sandbox)]
    folder = tmp_path_factory.mktemp("reports")

    as_json = write_json([result], folder / "report.json", target="sim", seed=seed)
    as_junit = write_junit([result], folder / "junit.xml", target="sim")
    as_html = render_html([result], target="sim", orders={result.scenario: order})

    assert leaks_in_file(as_json.read_text(encoding="utf-8"), everything, parse="json") == []
    assert leaks_in_file(as_junit.read_text(encoding="utf-8"), everything) == []
    assert leaks_in_file(as_html, everything) == []


HEX = string.hexdigits.lower()[:16]
TBA_VARIABLES = (
    "NETSUITE_CONSUMER_KEY",
    "NETSUITE_CONSUMER_SECRET",
    "NETSUITE_TOKEN_ID",
    "NETSUITE_TOKEN_SECRET",
)


def _hex64(rng: random.Random) -> str:
    return "".join(rng.choice(HEX) for _ in range(64))


def _wording() -> list[str]:
    """What the errors and the repr say whatever the values: every kind of problem the
    settings can have, with values that no text of the wording could hold."""
    neutral = "~" * 64
    tba = dict.fromkeys(TBA_VARIABLES, neutral)
    first = TBA_VARIABLES[0]
    envs = [
        tba,
        {**tba, "NETSUITE_CLIENT_ID": neutral},
        {name: value for name, value in tba.items() if name != first},
        {name: value for name, value in tba.items() if name not in TBA_VARIABLES[:2]},
        {**tba, first: " " + neutral},
        {**tba, first: neutral + " " + neutral},
        {**tba, first: neutral + "\x01"},
        {},
    ]
    said = []
    for env in envs:
        try:
            said.append(repr(Credentials.from_env({"NETSUITE_ACCOUNT": "1234567_SB1", **env})))
        except AuthConfigError as error:
            said.append(str(error))
    return [text.replace(neutral, " ") for text in said]


# A value that is part of what an error or the repr says whatever the values (a setting's name,
# "NETSUI"; "secret" as the redacted repr's `consumer_secret=` spells it; "missin" of "is
# missing") cannot be told apart from that wording: such a secret would be "found" in any text
# naming the setting.
WORDING = [*TBA_VARIABLES, *_wording()]


@settings(deadline=None, max_examples=examples(200))
@given(
    st.sampled_from(TBA_VARIABLES),
    st.text(min_size=6, max_size=60).filter(
        lambda s: len(s.strip()) >= 6 and not any(s.lower() in w.lower() for w in WORDING)
    ),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_auth_configuration_errors_name_the_setting_never_the_value(
    variable: str, value: str, drop_another: bool, rng: random.Random
) -> None:
    env = {"NETSUITE_ACCOUNT": "1234567_SB1", **{name: _hex64(rng) for name in TBA_VARIABLES}}
    env[variable] = value
    if drop_another:
        del env[next(name for name in TBA_VARIABLES if name != variable)]
    values = [v for k, v in env.items() if k != "NETSUITE_ACCOUNT"]
    try:
        credentials = Credentials.from_env(env)
    except AuthConfigError as error:
        assert survivors(str(error), values) == [], str(error)
        return
    assert survivors(repr(credentials), values) == []


@pytest.mark.parametrize(
    "key",
    [
        "-----BEGIN PRIVATE KEY-----\\n"
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7secretbits\\n"
        "-----END PRIVATE KEY-----",
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" + "A" * 200,
        "-----BEGIN RSA PRIVATE KEY-----\nnot base64 at all: s3cr3t-k3y-m4t3r14l\n"
        "-----END RSA PRIVATE KEY-----\n",
    ],
    ids=["inline-pem-one-line", "bare-base64", "broken-pem"],
)
def test_private_key_material_is_never_shown(key: str) -> None:
    env = {
        "NETSUITE_ACCOUNT": "1234567_SB1",
        "NETSUITE_CLIENT_ID": "c" * 64,
        "NETSUITE_CERTIFICATE_ID": "cert-1",
        "NETSUITE_PRIVATE_KEY": key,
    }
    with pytest.raises(AuthConfigError) as caught:
        Credentials.from_env(env)
    message = str(caught.value)
    for line in key.replace("\\n", "\n").splitlines():
        if "-----" not in line and len(line) >= 6:
            assert survivors(message, [line]) == [], message
    assert "c" * 64 not in message


def test_a_call_log_written_to_disk_keeps_no_secret(sandbox: Sandbox, tmp_path: Path) -> None:
    secret = f"s3cret-{time.time_ns()}-<&>\"'"
    with sandbox.intercept():
        ns = client(sandbox, secret)
        carry(ns, secret)
    path = tmp_path / "calls.jsonl"

    ns.calllog.write_jsonl(path)

    text = path.read_text(encoding="utf-8")
    assert leaks_in_file(text, [secret, *sandbox_secrets(sandbox)]) == []
    for line in text.splitlines():
        assert leaks_in_file(line, [secret], parse="json") == []

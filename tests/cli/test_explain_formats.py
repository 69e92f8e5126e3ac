"""`harness explain` on every shape of input: the files the harness writes (generated here by
running the real code) and the texts people paste (logs, exports, SOAP, HTML, JSON lines).
Each must give the findings the file holds and nothing invented, with secrets masked."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import DATA
from click.testing import CliRunner

from harness.catalogue.spec import load_catalogue
from harness.cli.main import main
from harness.mapping import load_mapping
from harness.netsuite.calllog import Call, CallLog
from harness.pytest_support.results import LandingRecord, RunResults, write_report
from harness.runner import run_scenario
from harness.targets.sim import SimTarget
from tests.plugin.conftest import CATALOGUE_TEST, TINY_CATALOGUE

SECRET_VARIABLE = "NETSUITE_TOKEN_SECRET"


def explained(
    runner: CliRunner, path: Path, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(main, ["explain", "--json", str(path)], env=env)
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.output)


def categories(found: dict[str, Any]) -> list[str]:
    return [finding["category"] for finding in found["findings"]]


# --- files the harness writes ---------------------------------------------------------------


@pytest.fixture(scope="module")
def run_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`harness run` on three scenarios: one lands, two fail as their scenario expects."""
    folder = tmp_path_factory.mktemp("run")
    result = CliRunner().invoke(
        main,
        [
            "run",
            "-k",
            "new-customer or inactive-item or pending-not-synced",
            "--report-dir",
            str(folder),
        ],
    )
    assert result.exit_code == 0, result.output
    return folder


def test_a_run_report_gives_the_diagnoses_it_holds(runner: CliRunner, run_reports: Path) -> None:
    code, found = explained(runner, run_reports / "harness-report.json")
    assert code == 0
    assert found["kind"] == "run-report" and found["requests"] > 0
    assert sorted(categories(found)) == ["item-mapping", "sync-rule"]
    wheres = sorted(f["where"] for f in found["findings"])
    assert wheres == ["scenario inactive-item", "scenario pending-not-synced"]
    assert all(f["expected"] is True for f in found["findings"])
    report = json.loads((run_reports / "harness-report.json").read_text(encoding="utf-8"))
    held = {
        r["verdict"]["diagnosis"]["summary"] for r in report["results"] if r["verdict"]["diagnosis"]
    }
    assert {f["summary"] for f in found["findings"]} == held, "the report's words, not new ones"


def test_the_junit_report_gives_the_same_categories(runner: CliRunner, run_reports: Path) -> None:
    code, found = explained(runner, run_reports / "harness-junit.xml")
    assert code == 0 and found["kind"] == "junit-xml"
    assert sorted(categories(found)) == ["item-mapping", "sync-rule"]


def test_a_run_where_everything_landed_has_nothing_to_explain(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(main, ["run", "-k", "new-customer", "--report-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in ("harness-report.json", "harness-junit.xml"):
        shown = runner.invoke(main, ["explain", str(tmp_path / name)])
        assert shown.exit_code == 0
        assert "Nothing to explain" in shown.output


@pytest.mark.parametrize(
    ("order_file", "expected", "exit_code"),
    [
        ("order-unknown-sku.json", ["item-mapping"], 0),
        ("orders-two.json", ["item-mapping"], 0),
        ("order-lands.json", [], 0),
    ],
)
def test_verdicts_from_harness_land(
    runner: CliRunner, tmp_path: Path, order_file: str, expected: list[str], exit_code: int
) -> None:
    landed = runner.invoke(main, ["land", "--json", str(DATA / order_file)])
    path = tmp_path / "verdict.json"
    path.write_text(landed.output, encoding="utf-8")
    code, found = explained(runner, path)
    assert found["kind"] == "verdict"
    assert categories(found) == expected
    assert code == exit_code


def test_the_pytest_report_gives_each_landing_its_diagnosis(
    pytester: pytest.Pytester, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NETSUITE_ACCOUNT", SECRET_VARIABLE):
        monkeypatch.delenv(name, raising=False)
    (pytester.path / "tiny.yaml").write_text(TINY_CATALOGUE, encoding="utf-8")
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    pytester.runpytest_inprocess("--ns-catalogue=tiny.yaml", "--ns-report=report.json")
    code, found = explained(runner, pytester.path / "report.json")
    assert code == 0 and found["kind"] == "pytest-report"
    by_where = {f["where"]: f["category"] for f in found["findings"]}
    assert by_where == {
        "test test_tiny_suite.py::test_scenario[sku-nobody-knows]": "item-mapping",
        "test test_tiny_suite.py::test_scenario[pending-order]": "sync-rule",
    }


@pytest.fixture(scope="module")
def real_calls() -> list[Call]:
    """The calls of a real landing NetSuite refuses: an inactive item."""
    with SimTarget() as target:
        result = run_scenario(load_catalogue().get("inactive-item"), 1, target, load_mapping())
    return [Call(**call) for call in result.calls]


def test_a_call_log_is_read_as_one_not_as_a_connector_log(
    runner: CliRunner, tmp_path: Path, real_calls: list[Call]
) -> None:
    path = tmp_path / "calls.jsonl"
    CallLog(calls=real_calls).write_jsonl(path)
    assert 'oauth_nonce=\\"***\\"' in path.read_text(encoding="utf-8")  # what once broke it
    code, found = explained(runner, path)
    assert code == 0 and found["kind"] == "call-log"
    assert found["requests"] == len(real_calls)
    (finding,) = found["findings"]
    assert finding["category"] == "item-mapping"
    assert finding["summary"] == "Item 108 does not exist in NetSuite or is inactive."
    assert finding["where"].startswith("call ") and finding["orders"][0].startswith("woo-")
    assert '***"***' not in json.dumps(found)


# --- texts people paste -------------------------------------------------------------------

SHIPMETHOD = "Invalid shipmethod reference key 4115 for entity 33676."


def test_the_same_cause_on_many_orders_is_one_finding(runner: CliRunner, tmp_path: Path) -> None:
    # Each order is for another customer (entity): the cause, ship method 4115, is one.
    lines = [
        f"2024-06-0{1 + n % 9} ERROR Failed to add Shopify Order #{1001 + n}. "
        + SHIPMETHOD.replace("33676", str(33676 + n))
        for n in range(12)
    ]
    path = tmp_path / "connector.log"
    path.write_text("\n".join(["INFO run started", *lines, "INFO run ended"]), encoding="utf-8")
    code, found = explained(runner, path)
    (finding,) = found["findings"]
    assert code == 0 and finding["category"] == "shipping" and finding["count"] == 12
    assert finding["summary"].startswith("12 orders: NetSuite refused ship method 4115")
    assert "entity" not in finding["summary"]
    assert finding["orders"] == [str(1001 + n) for n in range(12)]
    assert finding["where"].startswith("lines 2, 3, 4")
    shown = runner.invoke(main, ["explain", str(path)])
    assert "orders: 1001, 1002" in shown.output


def test_a_csv_export_reads_the_message_and_order_columns(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "errors.csv"
    path.write_text(
        "Order Number,Occurred At,Error Message\n"
        f'1001,2024-06-01,"Failed to add order. {SHIPMETHOD}"\n'
        '1002,2024-06-01,"Error while accessing a resource. Please enter value(s) for: '
        'Department, Class."\n'
        f'1003,2024-06-02,"{SHIPMETHOD}"\n'
        "1004,2024-06-02,Customer asked to call back\n",
        encoding="utf-8",
    )
    code, found = explained(runner, path)
    assert code == 0 and found["kind"] == "csv-export"
    assert categories(found) == ["shipping", "required-field"]
    shipping, required = found["findings"]
    assert shipping["orders"] == ["1001", "1003"] and shipping["where"] == "rows 1, 3"
    assert "Department, Class" in required["summary"] and required["orders"] == ["1002"]


def test_a_log_whose_first_line_has_commas_is_not_a_csv_export(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "app.log"
    path.write_text(
        "2024-06-02 10:00:01 INFO order 1 picked up, total 49.83 USD, customer a@example.com\n"
        f"2024-06-02 10:00:02 ERROR order 2, total 12.00 USD, {SHIPMETHOD}\n",
        encoding="utf-8",
    )
    code, found = explained(runner, path)
    assert code == 0 and found["kind"] == "text-log" and categories(found) == ["shipping"]
    assert found["findings"][0]["orders"] == ["2"]


def test_a_pretty_printed_list_of_calls_is_a_call_log(
    runner: CliRunner, tmp_path: Path, real_calls: list[Call]
) -> None:
    path = tmp_path / "calls.json"
    path.write_text(json.dumps([c.to_dict() for c in real_calls], indent=2), encoding="utf-8")
    code, found = explained(runner, path)
    assert (code, found["kind"], categories(found)) == (0, "call-log", ["item-mapping"])


def test_json_lines_with_an_escaped_netsuite_body(runner: CliRunner, tmp_path: Path) -> None:
    body = json.dumps(
        {
            "status": 400,
            "o:errorDetails": [
                {
                    "detail": "Error while accessing a resource. Invalid item reference key 108.",
                    "o:errorCode": "USER_ERROR",
                    "o:errorPath": "item.items[0].item",
                }
            ],
        }
    )
    lines = [
        {"level": "info", "msg": "order picked up", "order_id": 7001},
        {"level": "error", "msg": "NetSuite refused the order", "order_id": 7002, "response": body},
    ]
    path = tmp_path / "app.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    code, found = explained(runner, path)
    (finding,) = found["findings"]
    assert code == 0 and found["kind"] == "json-lines"
    assert finding["summary"] == "Item 108 does not exist in NetSuite or is inactive."
    assert finding["orders"] == ["7002"] and finding["where"] == "line 2"


def test_a_message_inside_an_escaped_body_in_a_text_line(runner: CliRunner, tmp_path: Path) -> None:
    body = json.dumps(
        {"o:errorDetails": [{"detail": "Invalid item reference key 108.", "o:errorCode": "X"}]}
    )
    path = tmp_path / "app.log"
    path.write_text(f"ERROR order 5: response_body={json.dumps(body)}\n", encoding="utf-8")
    (finding,) = explained(runner, path)[1]["findings"]
    assert finding["summary"] == "Item 108 does not exist in NetSuite or is inactive."
    assert finding["orders"] == ["5"]


def test_a_soap_fault_in_a_debug_log(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "savon.log"
    path.write_text(
        "I, [2017-03-21T16:01:46.945765 #4]  INFO -- : SOAP response (status 200)\n"
        'D, [2017-03-21T16:01:46.946699 #4] DEBUG -- : <?xml version="1.0"?>\n'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">\n'
        "  <soapenv:Body><addResponse><writeResponse>\n"
        '    <platformCore:status xmlns:platformCore="urn:core_2016_2.platform.webservices'
        '.netsuite.com" isSuccess="false">\n'
        '      <platformCore:statusDetail type="ERROR">\n'
        "        <platformCore:code>INVALID_KEY_OR_REF</platformCore:code>\n"
        "        <platformCore:message>Invalid entity reference key 5550381.</platformCore"
        ":message>\n"
        "      </platformCore:statusDetail>\n"
        "    </platformCore:status>\n"
        "  </writeResponse></addResponse></soapenv:Body>\n"
        "</soapenv:Envelope>\n",
        encoding="utf-8",
    )
    code, found = explained(runner, path)
    (finding,) = found["findings"]
    assert code == 0 and finding["category"] == "customer-match"
    assert finding["where"] == "line 3"


def test_a_node_stack_trace_with_a_dns_failure(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "trace.txt"
    path.write_text(
        "Error: getaddrinfo ENOTFOUND 1234567_sb1.suitetalk.api.netsuite.com\n"
        "    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26) {\n"
        "  errno: -3008,\n  code: 'ENOTFOUND',\n  syscall: 'getaddrinfo',\n"
        "  hostname: '1234567_sb1.suitetalk.api.netsuite.com'\n}\n",
        encoding="utf-8",
    )
    code, found = explained(runner, path)
    (finding,) = found["findings"]
    assert code == 0 and finding["category"] == "transport"
    assert "1234567-sb1.suitetalk.api.netsuite.com" in finding["hint"]


def test_a_network_error_towards_another_host_is_not_netsuite_s(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "sync.log"
    path.write_text(
        "10:00 INFO pushing orders to NetSuite\n"
        "10:01 WARN fetching https://shop.example/wp-json/wc/v3/orders failed: ECONNRESET\n"
        "10:02 WARN retry in 5 s\n"
        "10:03 INFO done\n",
        encoding="utf-8",
    )
    code, found = explained(runner, path)
    assert (code, found["findings"]) == (1, [])
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "https://shop.example/wp-json/wc/v3/orders",
            "https://1234567.suitetalk.api.netsuite.com/x",
        ),
        encoding="utf-8",
    )
    assert categories(explained(runner, path)[1]) == ["transport"]


@pytest.mark.parametrize(
    ("page", "found_category"),
    [
        (
            "<html><head><title>NetSuite</title></head><body>The account you are trying to access "
            "is currently unavailable while we undergo our regularly scheduled maintenance.</body>"
            "</html>",
            ["transport"],
        ),
        ("<!DOCTYPE html><html><body><h1>Our summer sale</h1></body></html>", []),
    ],
)
def test_html_pages(
    runner: CliRunner, tmp_path: Path, page: str, found_category: list[str]
) -> None:
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    code, found = explained(runner, path)
    assert found["kind"] == "html-page" and categories(found) == found_category
    assert code == (0 if found_category else 1)


def test_codes_are_read_whatever_the_account_s_language(runner: CliRunner, tmp_path: Path) -> None:
    body = {
        "status": 400,
        "o:errorDetails": [
            {
                "detail": "Erreur lors de l'accès à une ressource. Clé 108 non valide.",
                "o:errorCode": "INVALID_KEY_OR_REF",
                "o:errorPath": "item.items[0].item",
            }
        ],
    }
    path = tmp_path / "body.json"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    assert categories(explained(runner, path)[1]) == ["item-mapping"]
    path.write_text("Fehler: RCRD_HAS_BEEN_CHANGED Datensatz wurde geändert", encoding="utf-8")
    assert categories(explained(runner, path)[1]) == ["sync-rule"]


@pytest.mark.parametrize(
    ("line", "category", "said"),
    [
        (
            "ERROR order 77: The transaction date you specified is not within the date range of "
            "your accounting period.",
            "validation-rule",
            "closed or locked accounting period",
        ),
        ("ERROR DUP_RCRD This record already exists", "sync-rule", "already has this record"),
        (
            "ERROR The field memo contained more than the maximum number ( 999 ) of characters "
            "allowed.",
            "validation-rule",
            "at most 999 characters",
        ),
        (
            "ERROR This record has been locked by a user defined workflow.",
            "script-or-workflow",
            "workflow",
        ),
        ("ERROR RCRD_HAS_BEEN_CHANGED Record has been changed", "sync-rule", "between the read"),
        (
            "ERROR SSS_USAGE_LIMIT_EXCEEDED Script Execution Usage Limit Exceeded",
            "script-or-workflow",
            "SuiteScript",
        ),
        (
            "ERROR Invalid location reference key 443 for subsidiary 1.",
            "required-field",
            "Location 443 for subsidiary 1",
        ),
        ("ERROR Invalid subsidiary reference key 9.", "validation-rule", "subsidiary 9"),
        ("ERROR Invalid department reference key 12.", "required-field", "Department 12"),
        (
            "WARN POST https://1234567.suitetalk.api.netsuite.com/x failed: read ECONNRESET",
            "transport",
            "before an answer came",
        ),
        (
            "WARN connect ETIMEDOUT 1234567.restlets.api.netsuite.com:443",
            "transport",
            "before an answer came",
        ),
        (
            "ERROR netsuite: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to "
            "get local issuer certificate",
            "transport",
            "not trusted",
        ),
        (
            "ERROR netsuite sync: SyntaxError: Unexpected token < in JSON at position 0",
            "transport",
            "HTML page",
        ),
        ("ERROR netsuite 429 Too Many Requests", "governance", "too many requests"),
        (
            "ERROR UNEXPECTED_ERROR An unexpected error occurred. Error ID: kx1abc",
            "transport",
            "failed on its side",
        ),
        (
            "ERROR You do not have privileges to view this page, or your session has timed out.",
            "permission",
            "lacks a permission",
        ),
        (
            "ERROR INSUFFICIENT_PERMISSION Permission Violation: You need  the 'Transactions -> "
            "Sales Order' permission to access this page.",
            "permission",
            "lacks a permission",
        ),
    ],
)
def test_each_message_family_in_a_log_line(
    runner: CliRunner, tmp_path: Path, line: str, category: str, said: str
) -> None:
    path = tmp_path / "connector.log"
    path.write_text(f"INFO sync started\n{line}\nINFO sync ended\n", encoding="utf-8")
    code, found = explained(runner, path)
    (finding,) = found["findings"]
    assert (code, finding["category"], finding["where"]) == (0, category, "line 2")
    assert said in finding["summary"]


def test_invalid_login_names_its_causes_and_how_to_tell_them_apart(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "line.txt"
    path.write_text("401 INVALID_LOGIN Invalid login attempt.", encoding="utf-8")
    (finding,) = explained(runner, path)[1]["findings"]
    hint = finding["hint"]
    for cause in (
        "View Login Audit Trail",
        "InvalidSignature",
        "REST Web Services",
        "realm",
        "concurrency",
    ):
        assert cause in hint


def test_standard_input_is_read_with_a_dash(runner: CliRunner) -> None:
    result = runner.invoke(main, ["explain", "--json", "-"], input=f"{SHIPMETHOD}\n")
    assert result.exit_code == 0
    found = json.loads(result.output)
    assert found["file"] == "<stdin>" and categories(found) == ["shipping"]


# --- secrets ------------------------------------------------------------------------------


def _with_secret(secret: str, calls: list[Call], reports: Path) -> dict[str, Callable[[], str]]:
    """Every format, each holding `secret` where a careless tool would print it."""
    bad_line = f"consumer {secret}: {SHIPMETHOD}"
    run = json.loads((reports / "harness-report.json").read_text(encoding="utf-8"))
    for row in run["results"]:
        if row["verdict"]["diagnosis"]:
            row["verdict"]["diagnosis"]["evidence"].append(f"token {secret}")
            row["verdict"]["diagnosis"]["summary"] += f" ({secret})"
    junit = (reports / "harness-junit.xml").read_text(encoding="utf-8")
    failed_call = calls[-1]
    leaky = Call(
        **{
            **failed_call.to_dict(),
            "error_detail": f"{failed_call.error_detail} {secret}",
            "request_headers": {"Authorization": f'OAuth oauth_token="{secret}"'},
        }
    )
    landings = [
        LandingRecord(
            nodeid=f"test_catalogue.py::test_scenario[{row['scenario']}]",
            scenario=row["scenario"],
            expected=row["expected"],
            met=row["met"],
            seconds=row["seconds"],
            verdict=row["verdict"],
        )
        for row in run["results"]
    ]
    pytest_report = reports / f"pytest-report-{secret[:8]}.json"
    write_report(pytest_report, RunResults(landings=landings), {"target": "sim"})
    verdict = {
        "scenario": None,
        "order": "5102",
        "outcome": "rejected",
        "sales_order_id": None,
        "mismatches": [],
        "diagnosis": {
            "category": "item-mapping",
            "summary": secret,
            "hint": secret,
            "evidence": [secret],
        },
    }
    return {
        "text-log": lambda: f"INFO start\nERROR {bad_line}\n",
        "json-lines": lambda: json.dumps({"msg": bad_line, "auth": f"Bearer {secret}"}) + "\n",
        "csv-export": lambda: f"Order Number,Error Message\n1001,{bad_line}\n",
        "soap-xml": lambda: (
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
            "<soapenv:Body><soapenv:Fault><faultcode>soapenv:Server.userException</faultcode>"
            f"<faultstring>Invalid login attempt {secret}</faultstring></soapenv:Fault>"
            "</soapenv:Body></soapenv:Envelope>"
        ),
        "html-page": lambda: (
            f"<html><body>NetSuite: An unexpected error has occurred. {secret}</body></html>"
        ),
        "error-body": lambda: json.dumps(
            {
                "status": 400,
                "o:errorDetails": [
                    {"detail": f"Please enter value(s) for: {secret}", "o:errorCode": "USER_ERROR"}
                ],
            }
        ),
        "call-log": lambda: CallLog(calls=[*calls[:-1], leaky]).to_jsonl(),
        "run-report": lambda: json.dumps(run),
        "pytest-report": lambda: pytest_report.read_text(encoding="utf-8"),
        "junit-xml": lambda: junit.replace(
            'name="inactive-item"', f'name="inactive-item {secret}"'
        ),
        "verdict": lambda: json.dumps(verdict),
    }


KINDS = [
    "text-log",
    "json-lines",
    "csv-export",
    "soap-xml",
    "html-page",
    "error-body",
    "call-log",
    "run-report",
    "pytest-report",
    "junit-xml",
    "verdict",
]


@pytest.mark.parametrize("kind", KINDS)
def test_a_secret_from_the_environment_never_reaches_the_output(
    runner: CliRunner, tmp_path: Path, real_calls: list[Call], run_reports: Path, kind: str
) -> None:
    secret = secrets.token_hex(32)
    path = tmp_path / "input"
    path.write_text(_with_secret(secret, real_calls, run_reports)[kind](), encoding="utf-8")
    assert secret in path.read_text(encoding="utf-8")
    env = {SECRET_VARIABLE: secret}
    code, found = explained(runner, path, env)
    assert found["kind"] == kind and found["findings"], "the input must give a finding to mask"
    printed = runner.invoke(main, ["explain", str(path)], env=env).output
    assert secret not in json.dumps(found) and secret not in printed
    assert code == 0

"""record and live: production accounts refused before any test, and everything a run creates
deleted at teardown (also after failures and interruptions) unless kept on purpose.

The "account" is the embedded sandbox served over HTTP, reached through NETSUITE_BASE_URL.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from harness.woo.order import WooOrder
from tests.plugin.conftest import ServedAccount, outcomes, read_json

NEVER = "def test_never():\n    raise AssertionError('a test ran')\n"


def tba_environment(monkeypatch: pytest.MonkeyPatch, account: str) -> None:
    monkeypatch.setenv("NETSUITE_ACCOUNT", account)
    for name in ("CONSUMER_KEY", "CONSUMER_SECRET", "TOKEN_ID", "TOKEN_SECRET"):
        monkeypatch.setenv(f"NETSUITE_{name}", secrets.token_hex(32))


@pytest.mark.parametrize("target", ["live", "record"])
@pytest.mark.parametrize("account", ["1234567", "7654321"])
def test_a_production_account_is_refused_before_any_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, target: str, account: str
) -> None:
    tba_environment(monkeypatch, account)
    pytester.makepyfile(NEVER)
    result = pytester.runpytest_inprocess(f"--ns-target={target}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    stderr = result.stderr.str()
    assert f"account {account!r} is a production account" in stderr
    assert "--ns-allow-production" in stderr
    assert "a test ran" not in result.stdout.str()


def test_the_account_option_is_checked_like_the_environment(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(NEVER)
    result = pytester.runpytest_inprocess("--ns-target=live", "--ns-account=1234567")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "is a production account" in result.stderr.str()


def test_allowing_production_passes_the_guard_then_wants_credentials(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(NEVER)
    result = pytester.runpytest_inprocess(
        "--ns-target=live", "--ns-account=1234567", "--ns-allow-production"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    stderr = result.stderr.str()
    assert "production" not in stderr
    assert "--ns-target=live: no credentials" in stderr


@pytest.mark.parametrize("account", ["1234567_SB1", "1234567_SB12", "1234567_RP", "TSTDRV1234567"])
def test_sandbox_release_preview_and_test_drive_accounts_are_accepted(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, account: str
) -> None:
    tba_environment(monkeypatch, account)
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest_inprocess("--ns-target=live", "--co", "-q")
    assert result.ret == pytest.ExitCode.OK, result.stderr.str()


def test_live_without_an_account_says_what_to_set(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--ns-target=live")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--ns-target=live needs a NetSuite account: set NETSUITE_ACCOUNT" in (
        result.stderr.str()
    )


def test_an_account_option_contradicting_the_environment_is_refused(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    tba_environment(monkeypatch, "1234567_SB1")
    result = pytester.runpytest_inprocess("--ns-target=live", "--ns-account=7654321_SB2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "name different accounts" in result.stderr.str()


# -- cleanup ----------------------------------------------------------------------------------

LANDS_THEN = """
import pytest

@pytest.mark.parametrize("scenario_name", ["mug-for-jane", "mug-for-someone-new"])
def test_lands(scenario_name, land):
    assert land(scenario_name)
    {then}
"""


def tiny_order(tiny: Path, name: str) -> WooOrder:
    """A tiny-catalogue order as the inner run makes it (seed 0)."""
    from harness.catalogue.spec import load_catalogue
    from harness.woo.generate import generate

    return generate(load_catalogue(tiny).get(name), 0)


def new_customer_email(pytester: pytest.Pytester, tiny: Path) -> str:
    return str(tiny_order(tiny, "mug-for-someone-new").billing.email).lower()


@pytest.mark.parametrize(
    ("then", "ret"),
    [
        ("pass", pytest.ExitCode.OK),
        ("assert False, 'the test fails after landing'", pytest.ExitCode.TESTS_FAILED),
        ("raise KeyboardInterrupt", pytest.ExitCode.INTERRUPTED),
    ],
    ids=["passed", "failed", "interrupted"],
)
def test_a_live_run_deletes_what_it_created(
    pytester: pytest.Pytester, tiny: Path, served: ServedAccount, then: str, ret: int
) -> None:
    pytester.makepyfile(LANDS_THEN.format(then=then))
    result = pytester.runpytest_inprocess(
        "--ns-target=live", f"--ns-catalogue={tiny}", no_reraise_ctrlc=True
    )
    assert result.ret == ret, result.stdout.str()
    assert served.sales_orders() == []
    assert served.customers_named(new_customer_email(pytester, tiny)) == []
    assert "could not delete" not in result.stdout.str()


def test_keep_records_keeps_and_lists_them(
    pytester: pytest.Pytester, tiny: Path, served: ServedAccount
) -> None:
    pytester.makepyfile(LANDS_THEN.format(then="pass"))
    result = pytester.runpytest_inprocess(
        "--ns-target=live", f"--ns-catalogue={tiny}", "--ns-keep-records"
    )
    assert outcomes(result) == {"passed": 2}
    assert len(served.sales_orders()) == 2
    assert len(served.customers_named(new_customer_email(pytester, tiny))) == 1
    result.stdout.fnmatch_lines(
        ["kept 3 records (--ns-keep-records):", "  - customer *", "  - salesOrder *"]
    )


def test_a_live_run_namespaces_externalids_where_the_mapping_asks(
    pytester: pytest.Pytester, tiny: Path, served: ServedAccount
) -> None:
    from harness.mapping import DEFAULT_MAPPING

    mapping = pytester.path / "mapping.yaml"
    text = DEFAULT_MAPPING.read_text(encoding="utf-8")
    mapping.write_text(text.replace('"woo-{number}"', '"woo-{prefix}{number}"'), "utf-8")
    pytester.makepyfile(
        """
        import json, pathlib, pytest

        @pytest.mark.scenario("mug-for-jane")
        def test_lands(land, netsuite, ns_prefix):
            assert land()
            rows = netsuite.suiteql_all("SELECT externalid FROM transaction")
            pathlib.Path("seen.json").write_text(json.dumps([ns_prefix, rows]))
        """
    )
    result = pytester.runpytest_inprocess(
        "--ns-target=live", f"--ns-catalogue={tiny}", f"--ns-mapping={mapping}"
    )
    assert outcomes(result) == {"passed": 1}
    prefix, rows = read_json(pytester.path / "seen.json")
    assert prefix.startswith("run") and prefix.endswith("-")
    number = tiny_order(tiny, "mug-for-jane").number
    assert [row["externalid"] for row in rows] == [f"woo-{prefix}{number}"]
    result.stdout.fnmatch_lines([f"netsuite: connector=reference target=live * namespace={prefix}"])


def test_xdist_workers_share_the_runs_namespace(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    tba_environment(monkeypatch, "1234567_SB1")
    pytester.makepyfile(
        """
        import os, pathlib, pytest

        @pytest.mark.parametrize("n", range(4))
        def test_prefix(n, ns_prefix):
            worker = os.environ["PYTEST_XDIST_WORKER"]
            pathlib.Path(f"prefix-{n}.txt").write_text(f"{worker} {ns_prefix}")
        """
    )
    result = pytester.runpytest_subprocess(
        "-p", "xdist", "-n", "2", "--assert=plain", "-p", "no:hypothesispytest",
        "--ns-target=live",
    )
    assert outcomes(result) == {"passed": 4}
    seen = [path.read_text().split() for path in pytester.path.glob("prefix-*.txt")]
    assert {worker for worker, _ in seen} == {"gw0", "gw1"}
    prefixes = {prefix for _, prefix in seen}
    assert len(prefixes) == 1 and prefixes.pop().startswith("run")

"""Live and record runs never start against a production-form account without the explicit
flag, and the refusal shows none of the credentials it was given."""

from __future__ import annotations

import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st
from secret_helpers import survivors

from harness.netsuite.auth import AuthConfigError, is_production_account
from harness.targets.account import prepare_account
from harness.targets.settings import CLI_SPELLING, TargetConfigError, TargetSettings

BASES = st.from_regex(r"[1-9][0-9]{3,9}", fullmatch=True)
TBA_VARIABLES = (
    "NETSUITE_CONSUMER_KEY",
    "NETSUITE_CONSUMER_SECRET",
    "NETSUITE_TOKEN_ID",
    "NETSUITE_TOKEN_SECRET",
)
NEVER = "def test_never():\n    raise AssertionError('a test ran')\n"


def tba_environment(account: str) -> dict[str, str]:
    return {"NETSUITE_ACCOUNT": account, **{name: secrets.token_hex(32) for name in TBA_VARIABLES}}


@given(BASES)
def test_a_bare_account_number_is_production(base: str) -> None:
    assert is_production_account(base) is True


@given(
    BASES,
    st.one_of(
        st.integers(1, 99).map(lambda n: f"_SB{n}"),
        st.just("_RP"),
        st.integers(1, 99).map(lambda n: f"_sb{n}"),
    ),
)
def test_sandbox_and_release_preview_accounts_are_not_production(base: str, suffix: str) -> None:
    assert is_production_account(base + suffix) is False


@given(BASES)
def test_test_drive_accounts_are_not_production(base: str) -> None:
    assert is_production_account(f"TSTDRV{base}") is False


@given(st.text(max_size=20))
def test_anything_else_is_refused_as_an_account_not_taken_for_a_sandbox(text: str) -> None:
    """A value that is no account id must not slip through as "not production"."""
    try:
        production = is_production_account(text)
    except AuthConfigError:
        return
    upper = text.upper()
    assert production == ("_SB" not in upper and "_RP" not in upper and "TSTDRV" not in upper)


@pytest.mark.parametrize("mode", ["live", "record"])
@pytest.mark.parametrize("account", ["1234567", "987654"])
def test_harness_run_refuses_production_without_the_flag_and_shows_no_secret(
    mode: str, account: str
) -> None:
    env = tba_environment(account)

    with pytest.raises(TargetConfigError) as caught:
        prepare_account(TargetSettings(kind=mode), CLI_SPELLING, env)  # type: ignore[arg-type]

    message = str(caught.value)
    assert "production account" in message
    assert survivors(message, [env[name] for name in TBA_VARIABLES]) == []


def test_harness_run_with_the_flag_passes_the_guard() -> None:
    env = tba_environment("1234567")

    run = prepare_account(TargetSettings(kind="live", allow_production=True), CLI_SPELLING, env)

    assert run.account_id == "1234567"
    assert "****" in repr(run.credentials) and env["NETSUITE_TOKEN_SECRET"] not in repr(run)


@pytest.mark.parametrize("target", ["live", "record"])
def test_the_pytest_plugin_refuses_before_any_test_and_prints_no_secret(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    env = tba_environment("7654321")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # Nothing but the flag allows production: not an environment variable that looks like one.
    monkeypatch.setenv("NETSUITE_ALLOW_PRODUCTION", "1")
    pytester.makepyfile(NEVER)

    result = pytester.runpytest_inprocess(f"--ns-target={target}")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    output = result.stdout.str() + result.stderr.str()
    assert "production account" in output and "--ns-allow-production" in output
    assert "a test ran" not in output
    assert survivors(output, [env[name] for name in TBA_VARIABLES]) == []

"""`harness doctor`: the preflight checklist in sim and live (the sandbox served over HTTP)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from harness.cli.main import main
from harness.commands.doctor.landing import with_administrator
from harness.mapping import DEFAULT_MAPPING
from harness.sandbox.account import AccountProfile, demo_profile
from harness.sandbox.serve import Sandbox

Checks = list[dict[str, Any]]


def _doctor(runner: CliRunner, *args: str) -> tuple[int, Checks]:
    result = runner.invoke(main, ["doctor", "--json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.output)


def _failed(checks: Checks) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in checks if not c["ok"]}


def _profile(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = demo_profile().model_dump(mode="json")
    change(data)
    path = tmp_path / "account.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_the_demo_store_passes_every_check(runner: CliRunner) -> None:
    code, checks = _doctor(runner)
    assert code == 0, _failed(checks)
    sections = {c["section"] for c in checks}
    assert sections >= {"connection", "permissions", "items", "shipping", "tax",
                        "discounts and fees", "required fields", "sync rules", "landing"}
    names = {c["name"] for c in checks}
    assert {"SKU HOODIE-BLK-M", "ship item UPS Ground", "tax code ON-HST", "item Web Discount",
            "role may create salesOrder"} <= names
    # The catalogue's deliberately broken SKUs are not the account's fault.
    assert "SKU POSTER-OLD" not in names and "SKU HOODIE-PNK-XL" not in names


def test_the_administrator_proves_a_permission_gap_and_names_it(runner: CliRunner) -> None:
    code, checks = _doctor(runner, "--credential", "woo-integration-view-only",
                           "--admin-credential", "administrator")
    assert code == 1
    failed = _failed(checks)
    assert "role may create salesOrder" in failed
    admin = failed["with the administrator role"]
    assert "the order lands" in admin["detail"]
    assert admin["hint"] == (
        "Grant the integration role 'Transactions > Sales Order' at Create level."
    )


def test_the_administrator_rules_permissions_out(runner: CliRunner) -> None:
    code, checks = _doctor(runner, "--scenario", "over-approval-limit",
                           "--admin-credential", "administrator")
    assert code == 1
    assert "test order (over-approval-limit)" in _failed(checks)
    admin = next(c for c in checks if c["name"] == "with the administrator role")
    assert admin["ok"] is True
    assert "not a permission problem" in admin["detail"]
    assert "script-or-workflow" in admin["detail"]


def test_a_broken_account_fails_the_rows_it_breaks(runner: CliRunner, tmp_path: Path) -> None:
    def break_it(data: dict[str, Any]) -> None:
        hoodie = next(i for i in data["items"] if i["itemId"] == "HOODIE-BLK-M")
        hoodie["isInactive"] = True
        mug = next(i for i in data["items"] if i["itemId"] == "MUG-WHT")
        mug["subsidiaries"] = [1]  # the Canadian orders sell mugs too
        next(s for s in data["shipItems"] if s["itemId"] == "Will Call")["itemId"] = "Pickup"
        data["preferences"]["makeLocationsMandatory"] = True

    code, checks = _doctor(runner, "--account", str(_profile(tmp_path, break_it)))
    assert code == 1
    failed = _failed(checks)
    assert "inactive" in failed["SKU HOODIE-BLK-M"]["detail"]
    assert "subsidiary 2" in failed["SKU MUG-WHT"]["detail"]
    assert failed["ship item Will Call"]["detail"] == "does not exist"
    assert "Make Locations Mandatory" in failed["Location"]["detail"]
    assert all(c["hint"] for c in failed.values())


def test_unpaid_statuses_in_the_mapping_fail(runner: CliRunner, tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(DEFAULT_MAPPING.read_text().replace(
        "statuses: [processing, completed, on-hold]", "statuses: [processing, pending]"))
    code, checks = _doctor(runner, "--mapping", str(mapping))
    assert code == 1
    assert "pending" in _failed(checks)["synced statuses"]["detail"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--admin-token", "a:b"], "--admin-token is for --target live"),
        (["--credential", "nobody"], "credential 'nobody' is not in the account profile"),
        (["--scenario", "no-such"], "no scenario 'no-such'"),
        (["--target", "live", "--credential", "x"], "name profile entries"),
    ],
)
def test_bad_arguments_are_usage_errors(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(main, ["doctor", *args])
    assert result.exit_code == 2
    assert message in result.output


# -- live, against the sandbox served over HTTP ------------------------------------------------


def _serve(profile: AccountProfile, monkeypatch: pytest.MonkeyPatch,
           **override: str) -> Iterator[Sandbox]:
    box = Sandbox(profile)
    server = box.serve_http()
    for key, value in {**box.client_environment(server.url), **override}.items():
        monkeypatch.setenv(key, value)
    yield box
    server.stop()
    box.close()


@pytest.fixture
def live_view_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[AccountProfile]:
    """The demo account served over HTTP, NETSUITE_* signing as the view-only role, and an
    administrator token in the profile."""
    profile = with_administrator(demo_profile(), "administrator")
    tba = profile.credentials.tba
    view_only = next(c for c in tba if c.name == "woo-integration-view-only")
    reordered = profile.model_copy(update={"credentials": profile.credentials.model_copy(
        update={"tba": [view_only, *[c for c in tba if c is not view_only]]})})
    yield from (reordered for _ in _serve(reordered, monkeypatch))


def test_live_checks_read_the_account_and_probe_mandatory_fields(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in _serve(demo_profile(), monkeypatch):
        code, checks = _doctor(runner, "--target", "live")
    assert code == 0, _failed(checks)
    mandatory = next(c for c in checks if c["section"] == "required fields")
    assert "NetSuite asked for Customer" in mandatory["detail"]
    assert not any(c["section"] == "landing" for c in checks)  # no order without --scenario


def test_live_administrator_token_proves_the_gap(
    runner: CliRunner, live_view_only: AccountProfile
) -> None:
    admin = next(c for c in live_view_only.credentials.tba if c.name == "administrator")
    code, checks = _doctor(runner, "--target", "live", "--scenario", "new-customer",
                           "--admin-token", f"{admin.tokenId}:{admin.tokenSecret}")
    assert code == 1
    failed = _failed(checks)
    assert "Sales Order" in failed["with the administrator role"]["hint"]


def test_live_with_a_wrong_secret_fails_the_login_row(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in _serve(demo_profile(), monkeypatch, NETSUITE_TOKEN_SECRET="ab" * 32):
        code, checks = _doctor(runner, "--target", "live")
    assert code == 1
    login = checks[0]
    assert login["section"] == "connection" and not login["ok"]
    assert "INVALID_LOGIN" in login["detail"] or "login" in login["detail"].lower()
    assert "ab" * 32 not in json.dumps(checks)
    # One cause, reported once: every row it kept from running says "not checked".
    assert sum(1 for c in checks if not c["ok"] and c["checked"]) == 1
    blocked = [c for c in checks if not c["checked"]]
    assert {c["section"] for c in blocked} >= {"permissions", "items", "required fields"}
    assert all(c["detail"].startswith("not checked: credentials and realm") for c in blocked)
    assert json.dumps(checks).count("INVALID_LOGIN") <= 1


def test_the_first_line_names_target_account_and_credential(runner: CliRunner) -> None:
    result = runner.invoke(main, ["doctor"])
    first = result.output.splitlines()[0]
    assert first.startswith("doctor: target sim")
    assert "account 1234567_SB1" in first and "credential TBA 'woo-integration'" in first


def test_with_netsuite_settings_and_no_target_the_account_is_checked(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user with NETSUITE_* set means their account: the demo sandbox only when asked."""
    for _ in _serve(demo_profile(), monkeypatch):
        result = runner.invoke(main, ["doctor"])
        asked = runner.invoke(main, ["doctor", "--target", "sim"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("doctor: target live · account 1234567_SB1 (http://127.0.0.1:")
    assert "credential TBA (token-based)" in first
    assert asked.output.startswith("doctor: target sim")


def test_an_unreachable_host_fails_fast_with_one_message(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in demo_profile_environment("http://127.0.0.1:9").items():
        monkeypatch.setenv(key, value)  # nothing listens on the discard port
    started = time.monotonic()
    code, checks = _doctor(runner)
    assert time.monotonic() - started < 15
    assert code == 1
    failed = [c for c in checks if not c["ok"] and c["checked"]]
    assert [c["section"] for c in failed] == ["connection"]
    assert "did not answer" in failed[0]["detail"]
    assert all(not c["checked"] for c in checks if c["section"] in ("permissions", "items"))


def demo_profile_environment(base_url: str) -> dict[str, str]:
    box = Sandbox(demo_profile())
    try:
        return box.client_environment(base_url)
    finally:
        box.close()

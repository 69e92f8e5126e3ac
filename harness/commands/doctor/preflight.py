"""The doctor's checklist run on a target: the embedded sandbox, signing with a profile
credential (and an administrator's to compare with), or the NetSuite account in NETSUITE_*
(with an administrator's access token to compare with)."""

from __future__ import annotations

import os
from collections.abc import Callable
from collections.abc import Mapping as Environment
from dataclasses import replace
from typing import Any, cast

from harness.catalogue.spec import Catalogue, ScenarioSpec
from harness.commands.doctor.checks import (
    Check,
    blocked_by,
    check_auth,
    check_items,
    check_mandatory_from_probe,
    check_mandatory_from_profile,
    check_permissions,
    check_reference_data,
    check_sales_order_create,
    check_statuses,
)
from harness.commands.doctor.landing import check_landing, role_gap, role_of, with_administrator
from harness.mapping import Mapping
from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.retry import RetryPolicy
from harness.runner import ScenarioResult, clean_up, run_scenario
from harness.sandbox.account import profile_from
from harness.targets.account import prepare_account
from harness.targets.settings import CLI_SPELLING, TargetSettings
from harness.targets.sim import SimTarget

ADMIN_TOKEN_ENV = ("NETSUITE_ADMIN_TOKEN_ID", "NETSUITE_ADMIN_TOKEN_SECRET")
LOGIN_CONNECT_TIMEOUT = 5.0  # seconds; a reachable NetSuite answers a connect in well under one


class DoctorOptionError(ValueError):
    """A value the doctor cannot use; `option` names the command-line option it came from."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option
        self.message = message


def scenario_to_land(catalogue: Catalogue, name: str | None, target: str) -> ScenarioSpec | None:
    """The test order: the scenario named, else (sim only) the first one expected to land."""
    if name is not None:
        try:
            return catalogue.get(name)
        except KeyError:
            raise DoctorOptionError(
                "--scenario", f"no scenario {name!r} in the catalogue"
            ) from None
    if target == "sim":
        return next((s for s in catalogue.scenarios if s.expect == "landed"), None)
    return None


def admin_token_from_env(env: Environment[str, str] = os.environ) -> str | None:
    """`TOKEN_ID:TOKEN_SECRET` from NETSUITE_ADMIN_TOKEN_ID / _SECRET, when both are set."""
    if all(env.get(name) for name in ADMIN_TOKEN_ENV):
        return ":".join(env.get(name, "") for name in ADMIN_TOKEN_ENV)
    return None


def describe_sim(account: str | None, credential: str | None) -> str:
    """The doctor's first line in sim: target, account and credential."""
    profile = profile_from(account)
    name = credential or (profile.credentials.tba[0].name if profile.credentials.tba else "")
    return (
        f"target sim (the embedded sandbox) · account {profile.account.id} · "
        f"credential TBA {name!r} of the profile"
    )


def describe_live(allow_production: bool) -> str:
    """The doctor's first line on an account: target, account and credential kind (raises
    `TargetConfigError` when NETSUITE_* cannot be used)."""
    target = prepare_account(
        TargetSettings(kind="live", allow_production=allow_production), CLI_SPELLING
    )
    scheme = target.credentials.scheme if target.credentials else "none"
    kind = {"tba": "TBA (token-based)", "oauth2": "OAuth 2.0 M2M"}.get(scheme, scheme)
    return f"target live · account {target.account_id} ({target.base_url}) · credential {kind}"


def _check_login(client: NetSuiteClient) -> Check:
    """The login, tried once with a short connect timeout: an unreachable host is one quick
    failure, not minutes of retries before the same message."""
    patient = client.retry, client.timeout
    read = patient[1][1] if isinstance(patient[1], tuple) else patient[1]
    client.retry, client.timeout = RetryPolicy.never(), (LOGIN_CONNECT_TIMEOUT, read)
    try:
        return check_auth(client)
    finally:
        client.retry, client.timeout = patient


def _login_then_access(
    client: NetSuiteClient, mapping: Mapping, login: Callable[[NetSuiteClient], Check]
) -> tuple[list[Check], list[str] | None]:
    """The login, then read access and the Sales Order create probe, and the field labels
    NetSuite asked for; when the login fails, the rows it blocks and no labels."""
    auth = login(client)
    if not auth.ok:
        return [auth, *blocked_by(auth), check_statuses(mapping)], None
    checks = [auth, *check_permissions(client)]
    create, labels = check_sales_order_create(client)
    return [*checks, create], labels


def doctor_sim(
    account: str | None,
    credential: str | None,
    admin_credential: str | None,
    mapping: Mapping,
    catalogue: Catalogue,
    spec: ScenarioSpec | None,
) -> list[Check]:
    """The checklist on the embedded sandbox of the `account` profile, signing as
    `credential`; with `admin_credential`, a failed test order is landed again as it."""
    profile = profile_from(account)
    if admin_credential is not None:
        profile = with_administrator(profile, admin_credential)
    try:
        main_role = role_of(profile, credential)
        admin_role = role_of(profile, admin_credential) if admin_credential else None
    except KeyError as exc:
        raise DoctorOptionError("--credential", str(exc.args[0])) from None
    with SimTarget(cast(Any, profile)) as sim:
        client = sim.client(credential, CallLog())
        checks, labels = _login_then_access(client, mapping, check_auth)
        if labels is None:
            return checks
        sim.isolate()
        checks += check_items(client, catalogue, mapping)
        checks += check_reference_data(client, mapping)
        checks += check_mandatory_from_profile(profile, mapping)
        checks.append(check_statuses(mapping))
        if spec is not None:

            def land(scenario: ScenarioSpec, as_admin: str | None) -> ScenarioResult:
                acting = SimTarget(sandbox=sim.sandbox, credential=as_admin or credential)
                return run_scenario(scenario, 0, acting, mapping)

            def gap() -> list[str]:
                assert admin_role is not None
                return role_gap(profile, main_role.id, admin_role.id)

            checks += check_landing(land, spec, admin=admin_credential, gap=gap)
    return checks


def doctor_live(
    mapping: Mapping,
    catalogue: Catalogue,
    spec: ScenarioSpec | None,
    admin_token: str | None,
    allow_production: bool,
    on_leftover: Callable[[str], None] = lambda _: None,
) -> list[Check]:
    """The checklist on the NetSuite account in NETSUITE_* (raises `TargetConfigError` with
    what to set); with `admin_token`, a failed test order is landed again with it. What the test
    orders created is deleted; `on_leftover` gets what could not be."""
    settings = TargetSettings(kind="live", allow_production=allow_production)
    run_target = prepare_account(settings, CLI_SPELLING)
    admin_target = None
    if admin_token is not None:
        token_id, _, token_secret = admin_token.partition(":")
        if not token_id or not token_secret or run_target.credentials is None:
            raise DoctorOptionError(
                "--admin-token", "expected TOKEN_ID:TOKEN_SECRET of a TBA token"
            )
        from harness.netsuite.auth import AuthConfigError

        try:
            admin_credentials = replace(
                run_target.credentials, token_id=token_id, token_secret=token_secret
            )
        except AuthConfigError as exc:
            raise DoctorOptionError("--admin-token", str(exc)) from None
        admin_target = replace(
            run_target,
            credentials=admin_credentials,
            secrets=(*run_target.secrets, *admin_credentials.secrets()),
        )
    client = run_target.client(None, CallLog())
    checks, labels = _login_then_access(client, mapping, _check_login)
    if labels is None:
        return checks
    checks += check_items(client, catalogue, mapping)
    checks += check_reference_data(client, mapping)
    checks += check_mandatory_from_probe(labels)
    checks.append(check_statuses(mapping))
    if spec is not None:

        def land(scenario: ScenarioSpec, as_admin: str | None) -> ScenarioResult:
            chosen = admin_target if as_admin and admin_target is not None else run_target
            result = run_scenario(scenario, 0, chosen, mapping)
            for line in clean_up(chosen, result):
                on_leftover(line)
            return result

        admin = "administrator" if admin_target is not None else None
        checks += check_landing(land, spec, admin=admin)
    return checks

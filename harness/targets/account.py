"""A NetSuite account (live, record) or its cassettes (replay) as a target.

The embedded sandbox resets between scenarios; an account cannot, so the records each
scenario creates are deleted after it (`harness.targets.cleanup`). record and live refuse a
production account unless explicitly allowed, before any scenario runs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from harness.targets.settings import (
    ACCOUNT_ENV,
    BASE_URL_ENV,
    Spelling,
    TargetConfigError,
    TargetSettings,
)

if TYPE_CHECKING:
    from harness.netsuite.calllog import CallLog
    from harness.netsuite.client import NetSuiteClient
    from harness.netsuite.credentials import Credentials
    from harness.netsuite.governance import ConcurrencyBudget

# Replay needs a signer but no real secret: matching ignores OAuth signatures, nonces, tokens.
_REPLAY_PLACEHOLDER_KEY = "0" * 64
_CREDENTIAL_VARIABLES = (
    "NETSUITE_CONSUMER_KEY, NETSUITE_CONSUMER_SECRET, NETSUITE_TOKEN_ID, "
    "NETSUITE_TOKEN_SECRET, or the OAuth 2.0 M2M variables"
)


def _no_sleep(seconds: float) -> None:
    """Replayed answers arrive instantly; waiting before a replayed retry proves nothing."""


@dataclass
class AccountTarget:
    """A NetSuite account or its cassettes: everything known before the first scenario.

    It signs with the one credential in the environment: a scenario's own profile credential
    only exists in the embedded sandbox."""

    settings: TargetSettings
    account_id: str
    credentials: Credentials | None = None
    base_url_override: str | None = None
    governance: ConcurrencyBudget | None = None
    secrets: tuple[str, ...] = field(default=(), repr=False)
    env: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.settings.kind

    @property
    def base_url(self) -> str:
        """Where clients send requests."""
        from harness.netsuite.auth import host_for

        if self.base_url_override:
            return self.base_url_override
        if self.credentials is not None:
            return self.credentials.base_url
        return f"https://{host_for(self.account_id)}"

    def client(
        self, credential: str | None = None, calllog: CallLog | None = None
    ) -> NetSuiteClient:
        """A client for the account, its secrets registered with `calllog`."""
        import requests

        from harness.netsuite.auth import tba_auth
        from harness.netsuite.calllog import CallLog
        from harness.netsuite.client import NetSuiteClient
        from harness.netsuite.retry import RetryPolicy

        credentials = self.credentials_for(credential)
        session = requests.Session()
        retry = RetryPolicy(sleep=_no_sleep) if self.settings.kind == "replay" else None
        client = NetSuiteClient(
            self.base_url,
            None,
            session=session,
            calllog=calllog if calllog is not None else CallLog(),
            retry=retry,
            governance=self.governance,
            account_id=self.account_id,
            secrets=(*self.secrets, *(credentials.secrets() if credentials else ())),
        )
        if credentials is not None:
            client.auth = credentials.build_auth(session)
        else:
            key = _REPLAY_PLACEHOLDER_KEY
            client.auth = tba_auth(self.account_id, key, key, key, key)
        return client

    def credentials_for(self, credential: str | None) -> Credentials | None:
        """The environment's credential, with the named credential's token when it has one
        (`credential_variables`); the environment's own for None."""
        from harness.netsuite.credentials import credential_variables

        if credential is None or self.credentials is None:
            return self.credentials
        token_var, secret_var = credential_variables(credential)
        token, secret = self.env.get(token_var), self.env.get(secret_var)
        if not token or not secret:
            raise TargetConfigError(
                "credential",
                f"the scenario acts as credential {credential!r}: set {token_var} and "
                f"{secret_var} (a TBA token of that role for the same integration)",
            )
        return replace(self.credentials, token_id=token, token_secret=secret)

    def credentials_for_token(self, token_id: str) -> Credentials | None:
        """The credential whose TBA token is `token_id`: the environment's own, or a named
        one (`NETSUITE_<NAME>_TOKEN_ID`); None when the environment holds no such token."""
        if self.credentials is None:
            return None
        if self.credentials.token_id == token_id:
            return self.credentials
        for name, value in self.env.items():
            if value == token_id and name.startswith("NETSUITE_") and name.endswith("_TOKEN_ID"):
                secret = self.env.get(name.removesuffix("_ID") + "_SECRET")
                if secret:
                    return replace(self.credentials, token_id=token_id, token_secret=secret)
        return None

    def has_credential(self, credential: str) -> bool:
        """Whether the environment holds a token for the named credential."""
        from harness.netsuite.credentials import credential_variables

        return all(self.env.get(name) for name in credential_variables(credential))

    def isolate(self) -> None:
        """Nothing to reset: each scenario's records are deleted after it instead."""

    def __enter__(self) -> AccountTarget:
        return self

    def __exit__(self, *exc: object) -> None:
        """Nothing to release: clients are made per scenario."""


def account_from(
    settings: TargetSettings, env: Mapping[str, str], spelling: Spelling
) -> str | None:
    """The account id of a record/live/replay run: the setting, else the environment."""
    given = settings.account
    from_env = (env.get(ACCOUNT_ENV) or "").strip() or None
    if given and from_env and given != from_env:
        raise TargetConfigError(
            "account",
            f"{spelling.account} {given!r} and {ACCOUNT_ENV}={from_env!r} name different "
            "accounts; the credentials in the environment belong to one of them: make them agree",
        )
    return given or from_env


def check_production(settings: TargetSettings, account_id: str, spelling: Spelling) -> None:
    """record/live against a production account only when explicitly allowed."""
    from harness.netsuite.auth import AuthConfigError, is_production_account

    try:
        production = is_production_account(account_id)
    except AuthConfigError as exc:
        raise TargetConfigError("account", f"{spelling.account_sources}: {exc}") from None
    if production and not settings.allow_production:
        raise TargetConfigError(
            "allow_production",
            f"account {account_id!r} is a production account (no _SB<n>, _RP or TSTDRV "
            f"suffix), and {spelling.target_is(settings.kind)} creates and deletes records in "
            f"it. Point {ACCOUNT_ENV} at a sandbox account, or pass "
            f"{spelling.allow_production} if you really mean to test against production.",
        )


def prepare_account(
    settings: TargetSettings,
    spelling: Spelling,
    env: Mapping[str, str] | None = None,
    *,
    default_account: str | None = None,
) -> AccountTarget:
    """Check a live/record/replay target's settings (raising `TargetConfigError`) and gather
    what its scenarios need. `default_account` is what replay falls back on (the mapping's)."""
    from harness.netsuite.auth import AuthConfigError
    from harness.netsuite.credentials import Credentials

    env = os.environ if env is None else env
    kind = settings.kind
    account = account_from(settings, env, spelling)
    base_url = (env.get(BASE_URL_ENV) or "").strip() or None
    if kind == "replay":
        account = account or default_account
        if account is None:
            sources = ", ".join(filter(None, (spelling.account, ACCOUNT_ENV)))
            raise TargetConfigError(
                "account",
                f"{spelling.target_is('replay')} needs the account id the cassettes are "
                f"replayed as: {sources}, or `account:` in the mapping",
            )
        try:
            credentials: Credentials | None = Credentials.from_env({**env, ACCOUNT_ENV: account})
        except AuthConfigError:
            credentials = None  # replay works without credentials
        secrets = tuple(credentials.secrets()) if credentials else ()
        return AccountTarget(settings, account, credentials, base_url, secrets=secrets, env=env)
    if account is None:
        pass_it = f", or pass {spelling.account}" if spelling.account else ""
        raise TargetConfigError(
            "account",
            f"{spelling.target_is(kind)} needs a NetSuite account: set {ACCOUNT_ENV} and its "
            f"credentials ({_CREDENTIAL_VARIABLES}){pass_it}",
        )
    check_production(settings, account, spelling)
    try:
        credentials = Credentials.from_env({**env, ACCOUNT_ENV: account})
    except AuthConfigError as exc:
        raise TargetConfigError("credentials", f"{spelling.target_is(kind)}: {exc}") from None
    from harness.netsuite.governance import DEFAULT_LIMIT, ConcurrencyBudget, LockFolderError

    # One budget per process, slots shared through lock files: parallel workers together
    # stay within the account's concurrency limit.
    try:
        budget = ConcurrencyBudget(
            account,
            DEFAULT_LIMIT,
            timeout=settings.lock_timeout,
            timeout_option=spelling.lock_timeout,
        )
    except LockFolderError as exc:
        raise TargetConfigError("lock folder", f"{spelling.target_is(kind)}: {exc}") from None
    secrets = tuple(credentials.secrets())
    return AccountTarget(settings, account, credentials, base_url, budget, secrets, env)

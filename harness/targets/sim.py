"""The embedded sandbox as a target: answers in-process (every `requests` call to its host),
and resets to the account profile's records between scenarios in milliseconds.

Its own clients reach the sandbox through a transport adapter mounted on their session
(`SandboxAdapter`), a shorter way in than the `responses` interception that answers every
other `requests` call to the account's host (a connector's own, for one)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from harness.targets.settings import Spelling, TargetConfigError, TargetSettings

if TYPE_CHECKING:
    import responses

    from harness.netsuite.auth import TbaSigner
    from harness.netsuite.calllog import CallLog
    from harness.netsuite.client import NetSuiteClient
    from harness.sandbox.serve import Sandbox


class UnknownCredentialError(TargetConfigError, KeyError):
    """A credential name the account profile does not hold: a target setting that cannot be
    used (one line, no traceback), and a failed lookup for callers that treat it as one."""

    def __init__(self, message: str) -> None:
        super().__init__("credential", message)

    def __str__(self) -> str:
        return str(self.args[0])


def check_profile(settings: TargetSettings, spelling: Spelling) -> None:
    """sim: `account` names an account profile YAML, which must exist."""
    if settings.account is not None and not Path(settings.account).is_file():
        raise TargetConfigError(
            "account",
            f"{spelling.profile} {settings.account!r}: with {spelling.target_is('sim')} it "
            "names an account profile YAML, and there is no such file",
        )


def sandbox_client(
    sandbox: Sandbox,
    calllog: CallLog | None = None,
    credential: str | None = None,
    *,
    direct: Callable[[], bool] | None = None,
) -> NetSuiteClient:
    """A client of the embedded sandbox signing with the profile's TBA `credential`; with
    `direct`, its session reaches the sandbox without `responses` while `direct()` is true,
    and takes no proxy, CA bundle or `.netrc` from the environment (reading them was most of
    the cost of making a client, and none applies to an answer given in-process)."""
    import requests

    from harness.netsuite.client import NetSuiteClient

    credentials = sandbox.profile.credentials.tba
    if not credentials:
        raise TargetConfigError(
            "credential", f"the account profile of {sandbox.account_id} has no TBA credentials"
        )
    known = {c.name: c for c in credentials}
    name = credential or credentials[0].name
    if name not in known:
        raise UnknownCredentialError(
            f"credential {name!r} is not in the account profile (known: {', '.join(sorted(known))})"
        )
    c = known[name]
    auth = _signer(sandbox.account_id, c.consumerKey, c.consumerSecret, c.tokenId, c.tokenSecret)
    secrets = (c.consumerSecret, c.tokenSecret)
    session = requests.Session()
    if direct is not None:
        session.trust_env = False
        session.mount(sandbox.base_url + "/", sandbox.adapter(direct))
    return NetSuiteClient(
        sandbox.base_url, auth, session=session, calllog=calllog, secrets=secrets
    )


@lru_cache(maxsize=64)
def _signer(
    account_id: str, consumer_key: str, consumer_secret: str, token_id: str, token_secret: str
) -> TbaSigner:
    """One TBA signer per profile credential, shared by its clients: a signer keeps nothing
    between requests, and working out its keys again was a tenth of making a client."""
    from harness.netsuite.auth import tba_auth

    return tba_auth(account_id, consumer_key, consumer_secret, token_id, token_secret)


class SimTarget:
    """The embedded sandbox, answering in-process while the target is entered.

    Give it an account profile to build its own sandbox, or an existing `sandbox` (the pytest
    plugin keeps one per process). `credential` is the profile credential its clients sign
    with when asked for none (default: the profile's first)."""

    name = "sim"

    def __init__(
        self,
        account: str | Path | None = None,
        *,
        sandbox: Sandbox | None = None,
        credential: str | None = None,
    ) -> None:
        from harness.sandbox.serve import Sandbox

        self.sandbox = sandbox if sandbox is not None else Sandbox(account)
        self.credential = credential
        self._stack = ExitStack()
        self._mock: responses.RequestsMock | None = None

    def __enter__(self) -> SimTarget:
        self._mock = self._stack.enter_context(self.sandbox.intercept())
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()
        self._mock = None

    def client(
        self, credential: str | None = None, calllog: CallLog | None = None
    ) -> NetSuiteClient:
        return sandbox_client(
            self.sandbox, calllog, credential or self.credential, direct=self._entered
        )

    def _entered(self) -> bool:
        return self._mock is not None

    def isolate(self) -> None:
        self.sandbox.reset()
        if self._mock is not None:
            # `responses` keeps every request and answer it served: over a long run that is
            # every client and order; nobody reads them here.
            self._mock.calls.reset()
            for registered in self._mock.registered():
                registered.calls.reset()

"""Sending NetSuite REST requests: signing, a concurrency slot, the call log, retries.

`RequestSender` sends one logical call until NetSuite answers 2xx or `harness.netsuite.retry`
says to stop. Every exchange lands in its `CallLog` (redacted), including exchanges other code
makes through the same session (e.g. OAuth 2.0 token requests).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeAlias, cast

import requests
from requests.auth import AuthBase
from requests.cookies import RequestsCookieJar
from requests.structures import CaseInsensitiveDict
from requests.utils import check_header_validity

from harness.netsuite.auth import PLAIN_URL
from harness.netsuite.calllog import CallLog
from harness.netsuite.errors import NetSuiteError
from harness.netsuite.governance import ConcurrencyBudget
from harness.netsuite.retry import (
    Decision,
    Mode,
    Operation,
    RetryPolicy,
    Uncertain,
    check_budget,
    judge,
    maybe_applied,
    wait_for,
)

# Connect fast; NetSuite itself lets a request run up to 15 minutes, but a write that takes
# more than 5 minutes is better reported than waited for.
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 300.0)
# A request that waited this long for a concurrency slot is signed again: NetSuite refuses
# stale TBA timestamps (INFERRED window of about 5 minutes, reference 2.1).
RESIGN_AFTER = 60.0

Json: TypeAlias = dict[str, Any]
Timeout: TypeAlias = float | tuple[float, float]
_NO_BODY: Any = object()


class RequestSender:
    """The session, auth, call log, retry policy and concurrency budget every call goes through."""

    def __init__(
        self,
        rest_url: str,
        auth: AuthBase | None,
        *,
        session: requests.Session | None,
        calllog: CallLog | None,
        retry: RetryPolicy | None,
        governance: ConcurrencyBudget | None,
        timeout: Timeout,
        secrets: Iterable[str],
    ) -> None:
        self.auth = auth
        self.session = session or requests.Session()
        self.calllog = calllog if calllog is not None else CallLog()
        self.retry = retry or RetryPolicy()
        self.governance = governance
        self.timeout = timeout
        for secret in secrets:
            self.calllog.register_secret(secret)
        # Proxy and CA settings from the environment, as `Session.request` would apply them;
        # looked up once, since every request goes to the same host.
        self._send_settings = self.session.merge_environment_settings(
            rest_url, {}, None, None, None
        )
        self._hook = self.calllog.response_hook
        # Exchanges other code makes through this session (e.g. OAuth 2.0 token requests made
        # by the auth object) are logged by the hook; the sender records its own itself.
        session_hooks = self.session.hooks.setdefault("response", [])
        if self._hook not in session_hooks:
            session_hooks.append(self._hook)

    def _operation(self) -> Operation:
        return Operation(started=self.retry.clock())

    def _send(
        self,
        op: Operation,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = _NO_BODY,
        headers: Mapping[str, str] | None = None,
        mode: Mode = Mode.REPEATABLE,
        reason: str | None = None,
        waited: float = 0.0,
    ) -> requests.Response:
        """Send until a 2xx answer, following the retry rules of `mode`."""
        all_headers = dict(headers or {})
        data: bytes | None = None
        if body is not _NO_BODY:
            data = _encode(body)
            all_headers.setdefault("Content-Type", "application/json")
        while True:
            op.attempts += 1
            request, outcome = self._exchange(
                method, url, params, data, all_headers, op.attempts, reason, waited
            )
            decision, error, described = judge(request, outcome, mode, self.calllog.redactor)
            if error is None:
                return cast(requests.Response, outcome)
            if decision is Decision.FAIL:
                raise error
            if decision is Decision.UNCERTAIN:
                op.maybe_applied = True
                raise Uncertain(error, described)
            if maybe_applied(outcome):
                op.maybe_applied = True
            waited, source = wait_for(self.retry, outcome, op.attempts)
            check_budget(self.retry, op, error, described, waited)
            op.history.append(f"{described}; retried after {waited:.2f}s{source}")
            self.retry.sleep(waited)
            reason = f"attempt {op.attempts} got {described}"

    def _exchange(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        data: bytes | None,
        headers: Mapping[str, str],
        attempt: int,
        reason: str | None,
        waited: float,
    ) -> tuple[requests.PreparedRequest, requests.Response | requests.RequestException]:
        def record(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
            # First among the response hooks, so an answer the auth object handles itself
            # (a 401 re-sent with a fresh token) is logged before its follow-up exchanges.
            self.calllog.note_exchange(
                response.request,
                response,
                response.elapsed.total_seconds(),
                attempt,
                retry_reason=reason,
                waited_s=waited,
            )
            return response

        def prepare() -> requests.PreparedRequest:
            prepared = prepare_request(self.session, self.auth, method, url, params, data, headers)
            hooks = prepared.hooks.get("response", [])
            prepared.hooks["response"] = [record, *(hook for hook in hooks if hook != self._hook)]
            return prepared

        outcome: requests.Response | requests.RequestException
        # Recorded after the slot is given back: redaction is no reason to hold it.
        with self.calllog.deferred():
            # Prepared anew for every attempt (TBA signatures carry a one-time nonce), and
            # before taking a slot so that signing overlaps other requests' time in flight.
            # An OAuth 2.0 token fetched while preparing is sent outside the budget (INFERRED:
            # the token endpoint is an authentication call, not a governed web service call).
            prepared = prepare()
            with self._slot() as slot_wait:
                if slot_wait > RESIGN_AFTER:
                    prepared = prepare()
                started = time.perf_counter()
                try:
                    outcome = self.session.send(
                        prepared, timeout=self.timeout, allow_redirects=False, **self._send_settings
                    )
                except requests.RequestException as exc:
                    outcome = exc
                    self.calllog.note_exchange(
                        prepared,
                        exc,
                        time.perf_counter() - started,
                        attempt,
                        retry_reason=reason,
                        waited_s=waited,
                    )
        return prepared, outcome

    @contextmanager
    def _slot(self) -> Iterator[float]:
        """Hold one slot of the concurrency budget (if any); yields how long it took."""
        if self.governance is None:
            yield 0.0
            return
        asked = time.monotonic()
        slot = self.governance.acquire()
        try:
            yield time.monotonic() - asked
        finally:
            self.governance.release(slot)

    def _json_object(self, response: requests.Response) -> Json:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            request = response.request
            raise NetSuiteError(
                response.status_code,
                f"NetSuite answered {response.status_code} with a body that is not a JSON object",
                raw_body=response.text,
                method=request.method or "",
                url=request.url or "",
                redactor=self.calllog.redactor,
            )
        return data


def prepare_request(
    session: requests.Session,
    auth: AuthBase | None,
    method: str,
    url: str,
    params: Mapping[str, str] | None,
    data: bytes | None,
    headers: Mapping[str, str],
) -> requests.PreparedRequest:
    """`session.prepare_request(Request(method, url, params=..., data=..., headers=...,
    auth=auth))`, the same request, prepared without what a plain session does not need:
    merging empty cookie jars and parameters, and encoding a URL it has prepared before
    (remembered per URL and parameters). A session with cookies, parameters or an auth of its
    own, or a request without auth (which a session may take from `.netrc`), is prepared by
    requests itself. tests/netsuite/test_prepare.py holds the two to the same result."""
    if session.cookies or session.params or session.auth is not None or auth is None:
        return session.prepare_request(
            requests.Request(
                method, url, params=dict(params or {}), data=data, headers=dict(headers), auth=auth
            )
        )
    prepared = requests.PreparedRequest()
    prepared.method = method.upper()
    prepared.url = _prepared_url(url, tuple((params or {}).items()))
    merged: CaseInsensitiveDict[Any] = CaseInsensitiveDict(session.headers)
    merged.update(headers)
    prepared.headers = CaseInsensitiveDict()
    for name, value in merged.items():
        if value is None:
            continue  # a header set to None is left out, as requests leaves it out
        check_header_validity((name, value))
        prepared.headers[name] = value
    prepared._cookies = RequestsCookieJar()  # type: ignore[attr-defined]
    if data:
        prepared.body = data
        prepared.headers["Content-Length"] = str(len(data))
    elif prepared.method not in ("GET", "HEAD"):
        prepared.headers["Content-Length"] = "0"
    signed = auth(prepared)
    prepared.__dict__.update(signed.__dict__)
    prepared.prepare_content_length(prepared.body)
    for event, hooks in session.hooks.items():
        prepared.register_hook(event, hooks)  # type: ignore[no-untyped-call]
    return prepared


_PLAIN_PARAM = re.compile(r"[A-Za-z0-9_.~-]*")  # a query name or value PLAIN_URL allows


@lru_cache(maxsize=256)  # most URLs a run sends are new (externalIds): a few repeat often
def _prepared_url(url: str, params: tuple[tuple[str, str], ...]) -> str:
    """The URL requests prepares for `url` and `params` (`PreparedRequest.prepare_url`): a
    plain URL (`PLAIN_URL`: every URL a landing sends) as it is written, requests changing
    nothing in it (tests/netsuite/test_prepare.py)."""
    # Each name and value plain on its own: joined, `{"a&b": ""}` would read as two pairs.
    if "?" not in url and all(
        _PLAIN_PARAM.fullmatch(name) and _PLAIN_PARAM.fullmatch(value)
        for name, value in params
    ):
        query = "&".join(f"{name}={value}" for name, value in params)
        joined = f"{url}?{query}" if query else url
        if PLAIN_URL.fullmatch(joined):
            return joined
    scratch = requests.PreparedRequest()
    scratch.prepare_url(url, dict(params))
    return str(scratch.url)


def _encode(body: Any) -> bytes:
    return json.dumps(
        body, separators=(",", ":"), ensure_ascii=False, default=_json_default
    ).encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # JSON numbers: emit the float only when it prints as exactly the same decimal.
        as_float = float(value)
        if Decimal(repr(as_float)) == value:
            return int(value) if value == value.to_integral_value() else as_float
        raise ValueError(f"cannot send {value!r} as a JSON number without changing it")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__} {value!r} as JSON")

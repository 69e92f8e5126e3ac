"""The sandbox's WSGI app: routing, authentication, governance and NetSuite-shaped errors.

`SandboxApp.handle(method, url, headers, body)` is the whole server as one function call;
the in-process transport calls it directly and `__call__` adapts it to WSGI. Every answer,
including an unexpected exception deep inside, leaves in NetSuite's error shape. A request
with `Prefer: respond-async` runs as a job (`records/asyncjobs.py`).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache, partial
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from harness.netsuite.errors import error_detail
from harness.sandbox.governance import ConcurrencyGate, governance_limits
from harness.sandbox.oauth import INVALID_LOGIN_DETAIL, AuthFailure, Principal
from harness.sandbox.records.asyncjobs import AsyncJobs, is_job_path, wants_async
from harness.sandbox.records.context import RequestContext, page_envelope
from harness.sandbox.records.service import RecordService
from harness.sandbox.resterror import RestError
from harness.sandbox.rules.permissions import AccessPolicy, method_level
from harness.sandbox.store.db import Store
from harness.sandbox.store.recordtypes import RecordType
from harness.sandbox.store.schema import REFERENCES
from harness.sandbox.suiteql.engine import SuiteQLEngine, SuiteQLError
from harness.sandbox.wire import (
    COLLECTION,
    REASONS,
    SINGULAR,
    WAIT_ENVIRON_KEY,
    Request,
    Response,
    StartResponse,
    error_response,
    json_body,
    json_bytes,
    latin1,
    method_not_allowed,
    number_param,
)
from harness.wsgi import request_url

log = logging.getLogger("harness.sandbox.app")

MAX_BODY_BYTES = 10 * 1024 * 1024  # well under NetSuite's 104 MB; a sandbox needs no more
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


_RECORD = re.compile(
    r"^/services/rest/record/v1/(?P<type>[^/]+)(?:/(?P<key>[^/]+)(?P<sub>/.+)?)?/?$"
)
_METADATA = re.compile(r"^/services/rest/record/v1/metadata-catalog(?:/(?P<type>[^/]+))?/?$")
_SUITEQL = re.compile(r"^/services/rest/query/v1/suiteql/?$")
_GOVERNANCE = re.compile(r"^/services/rest/system/v1/governancelimits/?$", re.IGNORECASE)
_TOKEN = re.compile(r"^/services/rest/auth/oauth2/v1/token/?$")
_REST = re.compile(r"^/services/rest(?:/.*)?$")


class Authenticator(Protocol):
    """What the app needs from `harness.sandbox.oauth.SandboxAuth`."""

    def authenticate(
        self,
        method: str,
        url: str,
        authorization: str | None,
        *,
        form_body: bytes | None = None,
    ) -> Principal: ...

    def token_endpoint(
        self, url: str, form_body: bytes, content_type: str | None
    ) -> tuple[int, dict[str, str], bytes]: ...


_CACHED_QUERY_LENGTH = 512  # longer queries are parsed each time: none is kept in memory


def query_params(query: str) -> dict[str, str]:
    """A request's query parameters (the last value of a repeated name), a dict of its own.

    Clients send the same few queries again and again (`limit=1000&offset=0`,
    `expandSubResources=true`): short ones are parsed once."""
    if len(query) > _CACHED_QUERY_LENGTH:
        return dict(parse_qsl(query, keep_blank_values=True))
    return dict(_query_pairs(query))


@lru_cache(maxsize=256)
def _query_pairs(query: str) -> tuple[tuple[str, str], ...]:
    return tuple(parse_qsl(query, keep_blank_values=True))


def _is_form(request: Request) -> bool:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media == "application/x-www-form-urlencoded"


class SandboxApp:
    """One account's REST endpoints over its store."""

    def __init__(
        self,
        store: Store,
        *,
        auth: Authenticator,
        records: RecordService | None = None,
        access: AccessPolicy | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.store = store
        self.profile = store.profile
        self.host = self.profile.host
        self.auth = auth
        self.records = records or RecordService(store)
        self.access = access or AccessPolicy(self.profile)
        self.suiteql = SuiteQLEngine(
            store.query_conn,
            REFERENCES,
            date_format=self.profile.account.dateFormat,
            time_zone=store.zone,
            clock=store.clock,
        )
        self.gate = ConcurrencyGate(self.profile.governance.concurrencyLimit)
        self.jobs = AsyncJobs(store.now, lambda: store.generation)
        self.max_body_bytes = max_body_bytes

    # --- entry points ---------------------------------------------------------------

    def handle(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        body: bytes | str | None = b"",
        *,
        over_http: bool = False,
        wait: Callable[[], None] | None = None,
    ) -> Response:
        """Answer one request; never raises. `wait` (injected latency) runs once the request
        holds a concurrency slot."""
        try:
            request = self._request(method, url, headers or {}, body, over_http=over_http)
            self.gate.enter()
            try:
                if wait is not None:
                    wait()
                return self._dispatch(request)
            finally:
                self.gate.leave()
        except RestError as error:
            return error_response(error.status, error.details, error.headers)
        except AuthFailure as failure:
            extra = (
                {"WWW-Authenticate": failure.www_authenticate} if failure.www_authenticate else {}
            )
            return error_response(
                failure.status, [error_detail(failure.detail, failure.code)], extra
            )
        except Exception:
            error_id = uuid.uuid4().hex[:16]
            log.exception("sandbox: unexpected error %s on %s %s", error_id, method, url)
            return error_response(
                500,
                [
                    error_detail(
                        f"An unexpected error occurred. Error ID: {error_id}", "UNEXPECTED_ERROR"
                    )
                ],
            )

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """WSGI: loopback hosts and the account's own host are accepted (the client reaches
        us over HTTP, or over HTTPS with the account's host resolved to a loopback address)."""
        method = environ.get("REQUEST_METHOD", "GET")
        url = request_url(environ)
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        body = self._wsgi_body(environ)
        if body is None:
            status, out, payload = error_response(413, [self._too_large()])
        else:
            wait = environ.get(WAIT_ENVIRON_KEY)
            status, out, payload = self.handle(
                method, url, headers, body, over_http=True, wait=wait
            )
        reason = REASONS.get(status) or HTTPStatus(status).phrase
        out = {**out, "Content-Length": str(len(payload))}
        start_response(f"{status} {reason}", [(k, latin1(v)) for k, v in out.items()])
        return [payload]

    def _wsgi_body(self, environ: dict[str, Any]) -> bytes | None:
        """The request body, or None when it is over the limit (refused unread)."""
        stream = environ["wsgi.input"]
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = 0
        if length > self.max_body_bytes:
            return None
        if length >= 0:
            return stream.read(length) if length > 0 else b""
        if not environ.get("wsgi.input_terminated"):
            return b""  # no length, and a stream that would block at its end: no body
        body: bytes = stream.read(self.max_body_bytes + 1)  # a chunked body, dechunked
        return None if len(body) > self.max_body_bytes else body

    # --- parsing --------------------------------------------------------------------

    def _too_large(self) -> dict[str, str]:
        megabytes = self.max_body_bytes // (1024 * 1024)
        return error_detail(
            f"Invalid content in the request body. The body exceeds {megabytes} MB.",
            "INVALID_CONTENT",
        )

    def _request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str | bytes],
        body: bytes | str | None,
        *,
        over_http: bool,
    ) -> Request:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        # In-process, only the account's host is ours; over HTTP, a loopback address as well.
        accepted = host == self.host or (over_http and host in LOOPBACK_HOSTS)
        if not accepted:
            error = RestError.one(401, "INVALID_LOGIN", INVALID_LOGIN_DETAIL)
            error.headers["WWW-Authenticate"] = (
                f'OAuth realm="{self.profile.account_id}", error="token_rejected", '
                'error_description="Invalid login attempt."'
            )
            raise error
        if isinstance(body, str):
            body = body.encode("utf-8")
        body = body or b""
        if len(body) > self.max_body_bytes:
            raise RestError(413, [self._too_large()])
        return Request(
            method=method.upper(),
            url=url,
            scheme=parts.scheme,
            host=host,
            base_url=f"{parts.scheme}://{parts.netloc}",
            path=parts.path,
            params=query_params(parts.query),
            headers={
                k.lower(): v.decode("latin-1") if isinstance(v, bytes) else v
                for k, v in headers.items()
            },
            body=body,
        )

    def _json_body(self, request: Request) -> Any:
        """The body as JSON. A body sent without Content-Type is read as JSON (INFERRED: the
        `netsuite-rest` npm client, used as its README shows, sends every body so)."""
        content_type = request.headers.get("content-type", "")
        media = content_type.split(";", 1)[0].strip().lower()
        if media and media != "application/json" and not media.endswith("+json"):
            raise RestError.one(
                415,
                "INVALID_HEADER",
                f"Unsupported Content-Type '{media}'. Send the request body as application/json.",
                header="Content-Type",
            )
        return json_body(request.body)

    # --- routing --------------------------------------------------------------------

    def _dispatch(self, request: Request) -> Response:
        path, method = request.path, request.method
        if not _REST.match(path):
            raise self._not_found(request)
        if method == "OPTIONS":
            return 204, {}, b""
        if _TOKEN.match(path):
            if method != "POST":
                raise method_not_allowed(method, "POST")
            return self.auth.token_endpoint(
                request.url, request.body, request.headers.get("content-type")
            )
        principal = self.auth.authenticate(
            method,
            request.url,
            request.headers.get("authorization"),
            form_body=request.body if _is_form(request) else None,
        )
        self.access.check_login(principal)
        if is_job_path(path):
            return self.jobs.answer(request, principal.role)
        if wants_async(request):
            job = partial(self._authenticated, request, principal)
            return self.jobs.submit(request, principal.role, job)
        return self._authenticated(request, principal)

    def _authenticated(self, request: Request, principal: Principal) -> Response:
        path, method = request.path, request.method
        if _SUITEQL.match(path):
            if method != "POST":
                raise method_not_allowed(method, "POST")
            return self._suiteql(request, principal)
        if _GOVERNANCE.match(path):
            if method != "GET":
                raise method_not_allowed(method, "GET")
            return (
                200,
                {"Content-Type": SINGULAR},
                json_bytes(governance_limits(self.profile.governance)),
            )
        if metadata := _METADATA.match(path):
            name = unquote(metadata["type"]) if metadata["type"] else None
            return self._metadata(request, name)
        match = _RECORD.match(path)
        if match is None:
            raise self._not_found(request)
        ctx = RequestContext.from_headers(request.base_url, request.headers, principal.role)
        type_name = unquote(match["type"])
        key = unquote(match["key"]) if match["key"] else None
        sub = [unquote(p) for p in match["sub"].strip("/").split("/")] if match["sub"] else None
        response = self._record(request, ctx, type_name, key, sub)
        if ctx.warnings:
            warning = "; ".join(ctx.warnings)
            response[1]["Warning"] = f'299 - "{warning}"'
        return response

    def _record(
        self,
        request: Request,
        ctx: RequestContext,
        type_name: str,
        key: str | None,
        sub: list[str] | None,
    ) -> Response:
        records, method, params = self.records, request.method, request.params
        if method == "PUT" and sub is None and key is not None and key[:4].lower() == "eid:":
            return self._upsert(request, ctx, type_name, key)
        if method == "POST" and key is not None and sub and sub[0].lower() == "!transform":
            if len(sub) != 2:
                raise self._not_found(request)
            self._check_scope(ctx, records.record_type(type_name), key)
            body = self._json_body(request) if request.body.strip() else None
            new_type, new_id = records.transform(
                ctx, type_name, key, sub[1], body, self.access.require
            )
            return self._located(ctx, new_type, new_id)
        self._authorize(ctx, method, type_name, key)
        if key is None:
            if method == "GET":
                return (
                    200,
                    {"Content-Type": COLLECTION},
                    json_bytes(records.collection(ctx, type_name, params)),
                )
            if method == "POST":
                new_id = records.create(ctx, type_name, self._json_body(request), params)
                return self._located(ctx, type_name, new_id)
            records.record_type(type_name)
            raise method_not_allowed(method, "GET, POST")
        if sub is not None:
            if method != "GET":
                records.record_type(type_name)
                raise method_not_allowed(method, "GET")
            return (
                200,
                {"Content-Type": SINGULAR},
                json_bytes(records.get_subresource(ctx, type_name, key, sub, params)),
            )
        if method == "GET":
            return (
                200,
                {"Content-Type": SINGULAR},
                json_bytes(records.get(ctx, type_name, key, params)),
            )
        if method == "PATCH":
            record_id = records.update(ctx, type_name, key, self._json_body(request), params)
            return self._located(ctx, type_name, record_id)
        if method == "PUT":
            record_id = records.upsert(ctx, type_name, key, self._json_body(request), params)
            return self._located(ctx, type_name, record_id)
        if method == "DELETE":
            records.delete(ctx, type_name, key)
            return 204, {}, b""
        records.record_type(type_name)
        raise method_not_allowed(method, "GET, PATCH, PUT, DELETE")

    def _upsert(self, request: Request, ctx: RequestContext, type_name: str, key: str) -> Response:
        """PUT `eid:`: the external id is looked up once, for the permission (create or edit,
        as it lands) and the save; the store lock, held from the one to the other, keeps
        that answer true."""
        rtype = self.records.record_type(type_name)
        with self.store.lock:
            found = self.records.resolve_id(rtype, key, must_exist=False)
            self.access.require(ctx.role, rtype.name, method_level("PUT", exists=found is not None))
            if found is not None:
                self.access.check_record(self.store.conn, ctx.role, rtype, found)
            body = self._json_body(request)
            record_id = self.records.upsert(
                ctx, type_name, key, body, request.params, resolved=found
            )
        return self._located(ctx, type_name, record_id)

    def _authorize(self, ctx: RequestContext, method: str, type_name: str, key: str | None) -> None:
        """The role's record permission for this method (PUT: create or edit, as it lands)."""
        if method not in ("GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"):
            return
        rtype = self.records.record_type(type_name)
        exists = False
        if method == "PUT" and key is not None and key[:4].lower() == "eid:":
            with self.store.lock:
                exists = self.records.resolve_id(rtype, key, must_exist=False) is not None
        self.access.require(ctx.role, rtype.name, method_level(method, exists=exists))
        if key is not None:
            self._check_scope(ctx, rtype, key)

    def _check_scope(self, ctx: RequestContext, rtype: RecordType, key: str) -> None:
        """403 for a stored record of a subsidiary the role may not access."""
        if self.access.subsidiaries(ctx.role) is None:
            return
        with self.store.lock:
            found = self.records.resolve_id(rtype, key, must_exist=False)
            if found is not None:
                self.access.check_record(self.store.conn, ctx.role, rtype, found)

    def _located(self, ctx: RequestContext, type_name: str, record_id: int) -> Response:
        canonical = self.records.record_type(type_name).name
        return 204, {"Location": f"{ctx.record_base}/{canonical}/{record_id}"}, b""

    def _not_found(self, request: Request) -> RestError:
        # INFERRED code and wording: NetSuite's answer to an unknown REST path is unsampled.
        return RestError.one(
            404,
            "INVALID_URL",
            f"The requested URL {request.path} is not a valid REST web services resource.",
        )

    def _metadata(self, request: Request, name: str | None) -> Response:
        if request.method != "GET":
            raise method_not_allowed(request.method, "GET")
        media, document = self.records.metadata.answer(
            request.base_url, name, request.headers.get("accept", ""), request.params
        )
        return 200, {"Content-Type": media}, json_bytes(document)

    def _suiteql(self, request: Request, principal: Principal) -> Response:
        prefer = request.headers.get("prefer", "")
        if "transient" not in prefer.lower():
            # INFERRED: every documented client sends `Prefer: transient`; we require it.
            raise RestError.one(
                400,
                "INVALID_HEADER",
                "SuiteQL queries need the request header 'Prefer: transient'.",
                header="Prefer",
            )
        body = self._json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("q"), str):
            raise RestError.one(
                400,
                "INVALID_CONTENT",
                'Invalid content in the request body. Send {"q": "<SuiteQL query>"}.',
            )
        limit = number_param(request.params, "limit", 1000)
        offset = number_param(request.params, "offset", 0)
        try:
            # No store lock: the query runs on a reader of its own, in a snapshot of the
            # write-ahead-logged database, so saves and queries never wait for each other.
            page = self.suiteql.run(
                body["q"],
                limit=limit,
                offset=offset,
                allowed_tables=self.access.table_filter(principal.role),
                row_filters=self.access.row_filters(principal.role),
            )
        except SuiteQLError as error:
            raise RestError.one(
                error.status, error.code, error.detail, query_param=error.query_param
            ) from None
        items: list[dict[str, Any]] = [{"links": [], **row} for row in page.rows]
        href = request.base_url + "/services/rest/query/v1/suiteql"
        envelope = page_envelope(href, items, limit=limit, offset=offset, total=page.total)
        return 200, {"Content-Type": COLLECTION}, json_bytes(envelope)

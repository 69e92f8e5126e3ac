"""WooCommerce's REST authentication, as `WC_REST_Authentication` performs it.

Read in woocommerce/woocommerce `plugins/woocommerce/includes/class-wc-rest-authentication.php`
(reference woocommerce-orders.md section 8):

* over HTTPS, the key and secret as `?consumer_key=&consumer_secret=` (both, first) or as HTTP
  Basic; a known key with the wrong secret is `Consumer secret is invalid.`, an unknown key is
  no user at all;
* then (over HTTP, or when HTTPS gave no user) one-legged OAuth 1.0a: the five `oauth_*`
  parameters from the query, a form body or an `Authorization: OAuth` header; HMAC-SHA1 or
  HMAC-SHA256 over `METHOD&home URL + path&sorted parameters` keyed with `secret&`; a timestamp
  within 15 minutes; a nonce not seen in that window;
* a request that names no key at all is anonymous: the endpoint then refuses it
  (`woocommerce_rest_cannot_view`), which is also what keys in the query string over plain
  HTTP, and Basic over plain HTTP, come to.

The embedded store also takes Basic over plain HTTP from a loopback address (a choice of this
store, not WooCommerce's: the key never leaves the machine, as behind a TLS front).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from oauthlib.oauth1.rfc5849 import signature as rfc5849

from harness.woostore.errors import WooError, auth_error
from harness.woostore.params import php_query
from harness.woostore.wire import Request

Permission = Literal["read", "write", "read_write"]
WINDOW_SECONDS = 15 * 60
OAUTH_PARAMETERS = (
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
)
_SIGNERS = {
    "HMAC-SHA1": rfc5849.sign_hmac_sha1_with_client,
    "HMAC-SHA256": rfc5849.sign_hmac_sha256_with_client,
}


@dataclass(frozen=True)
class _Secrets:
    """The keys an HMAC is made with, as oauthlib's `*_with_client` read them: the consumer
    secret, and no token (one-legged)."""

    client_secret: str
    resource_owner_secret: str = ""


@dataclass(frozen=True)
class ApiKey:
    """A REST API key (WooCommerce > Settings > Advanced > REST API)."""

    consumer_key: str
    consumer_secret: str
    permissions: Permission = "read_write"
    user_id: int = 1
    description: str = "harness"

    def __repr__(self) -> str:  # the secret never appears
        return f"ApiKey({self.description!r}, ...{self.consumer_key[-7:]}, {self.permissions})"

    def may(self, method: str) -> None:
        """`check_permissions`: a read key reads, a write key writes; 401 otherwise."""
        if method in ("GET", "HEAD"):
            if self.permissions not in ("read", "read_write"):
                raise auth_error("The API key provided does not have read permissions.")
        elif method in ("POST", "PUT", "PATCH", "DELETE"):
            if self.permissions not in ("write", "read_write"):
                raise auth_error("The API key provided does not have write permissions.")
        elif method != "OPTIONS":
            raise auth_error("Unknown request method.")


class Authenticator:
    """Who a request is: an `ApiKey`, or None (anonymous); a `WooError` for a failed attempt."""

    def __init__(
        self,
        keys: Iterable[ApiKey],
        *,
        basic_over_loopback_http: bool = True,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.keys = {key.consumer_key: key for key in keys}
        self.basic_over_loopback_http = basic_over_loopback_http
        # Signatures are fresh against the wall clock the client signs with, whatever clock
        # the store dates its orders by.
        self.now = now
        self._nonces: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()

    def authenticate(self, request: Request) -> ApiKey | None:
        error: WooError | None = None
        if request.https or (self.basic_over_loopback_http and request.from_loopback):
            found, error = self._basic(request, query_keys=request.https)
            if found is not None:
                return found
        params = self._oauth_parameters(request)
        if params is None:
            if error is not None:
                raise error
            return None
        return self._oauth(request, params)

    # -- Basic ------------------------------------------------------------------------------

    def _basic(
        self, request: Request, *, query_keys: bool
    ) -> tuple[ApiKey | None, WooError | None]:
        key = secret = ""
        query = request.query
        given_key, given_secret = query.get("consumer_key"), query.get("consumer_secret")
        if query_keys and isinstance(given_key, str) and isinstance(given_secret, str) and (
            given_key and given_secret
        ):
            key, secret = given_key, given_secret
        if not key:
            key, secret = _basic_credentials(request.header("authorization"))
        if not key or not secret:
            return None, None
        found = self.keys.get(key)
        if found is None:
            return None, None
        if not hmac.compare_digest(found.consumer_secret.encode(), secret.encode()):
            return None, auth_error("Consumer secret is invalid.")
        return found, None

    # -- OAuth 1.0a -------------------------------------------------------------------------

    def _oauth_parameters(self, request: Request) -> dict[str, str] | None:
        """`get_oauth_parameters`: query, form body, then the Authorization header; None when
        no OAuth parameter is there at all (not an OAuth request)."""
        params: dict[str, str] = {}
        for name, value in request.query.items():
            if isinstance(value, list):
                params.update({f"{name}[{index}]": item for index, item in enumerate(value)})
            else:
                params[name] = value
        if request.header("content-type").startswith("application/x-www-form-urlencoded"):
            form = php_query(request.body.decode("utf-8", errors="replace"))
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        params.update(_header_parameters(request.header("authorization")))
        present = [name for name in OAUTH_PARAMETERS if params.get(name)]
        if not present:
            return None
        missing = [name for name in OAUTH_PARAMETERS if not params.get(name)]
        if missing:
            noun = "parameter" if len(missing) == 1 else "parameters"
            raise WooError(
                401,
                "woocommerce_rest_authentication_missing_parameter",
                f"Missing OAuth {noun} {', '.join(missing)}",
            )
        return params

    def _oauth(self, request: Request, params: dict[str, str]) -> ApiKey:
        key = self.keys.get(params["oauth_consumer_key"])
        if key is None:
            raise auth_error("Consumer key is invalid.")
        method = params["oauth_signature_method"]
        signer = _SIGNERS.get(method)
        # PHP decoded a raw `+` of the query as a space; WooCommerce puts it back.
        given = params["oauth_signature"].replace(" ", "+")
        if signer is None:
            raise auth_error("Invalid signature - signature method is invalid.")
        unsigned = [(name, value) for name, value in params.items() if name != "oauth_signature"]
        base = rfc5849.signature_base_string(
            request.method,
            rfc5849.base_string_uri(f"{request.scheme}://{request.host}{request.path}"),
            rfc5849.normalize_parameters(unsigned),
        )
        # oauthlib percent-encodes the secret before keying; WooCommerce keys with the raw
        # secret + "&". The two agree for WooCommerce's secrets (`cs_` and hex digits).
        expected = str(signer(base, _Secrets(key.consumer_secret)))
        if not hmac.compare_digest(expected.encode(), given.encode()):
            raise auth_error("Invalid signature - provided signature does not match.")
        self._fresh(key, params["oauth_timestamp"], params["oauth_nonce"])
        return key

    def _fresh(self, key: ApiKey, timestamp: str, nonce: str) -> None:
        """`check_oauth_timestamp_and_nonce`: 15 minutes either way; each nonce once."""
        now = self.now()
        try:
            stamp = float(timestamp)
        except ValueError:
            stamp = 0.0
        if not now - WINDOW_SECONDS <= stamp <= now + WINDOW_SECONDS:
            raise auth_error("Invalid timestamp.")
        with self._lock:
            used = self._nonces.setdefault(key.consumer_key, {})
            for old in [n for n, at in used.items() if at < now - WINDOW_SECONDS]:
                del used[old]
            if nonce in used:
                raise auth_error("Invalid nonce - nonce has already been used.")
            used[nonce] = stamp


def _basic_credentials(header: str) -> tuple[str, str]:
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    key, _, secret = decoded.partition(":")
    return key, secret


def _header_parameters(header: str) -> dict[str, str]:
    """`parse_header`: the `oauth_*` pairs of an `Authorization: OAuth ...` header."""
    text = header.strip()
    if not text.startswith("OAuth "):
        return {}
    pairs = rfc5849.collect_parameters(
        headers={"Authorization": text}, exclude_oauth_signature=False
    )
    return {name: value for name, value in pairs if name.startswith("oauth_")}

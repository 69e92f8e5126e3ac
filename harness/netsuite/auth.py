"""Authentication ground for NetSuite REST: account ids, the auth errors, and the TBA signer.

TBA (OAuth 1.0a, HMAC-SHA256) is a plain `requests` auth object (`TbaSigner`), as is OAuth 2.0
M2M (`harness.netsuite.oauth2`), so every caller (client, doctor, recorder) signs the same way.
`harness.netsuite.credentials` turns the environment into one of them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlparse

import requests
from oauthlib.oauth1 import rfc5849
from oauthlib.oauth1.rfc5849 import signature as rfc5849_signature
from requests.auth import AuthBase
from requests_oauthlib import OAuth1

HOST_SUFFIX = ".suitetalk.api.netsuite.com"
SIGNATURE_METHOD = "HMAC-SHA256"

# Production ids are digits; sandboxes add _SB<n>, Release Preview _RP; demo/test-drive
# accounts are TSTDRV<digits> (reference/netsuite-rest.md 1.2).
_ACCOUNT = re.compile(r"(?P<base>TSTDRV\d+|\d+)(?:_(?P<suffix>SB\d+|RP))?")
_ACCOUNT_EXAMPLE = (
    "digits with an optional _SB<n> or _RP suffix, or TSTDRV<digits> (e.g. 1234567_SB1)"
)


class AuthError(Exception):
    """Anything that stops the harness from authenticating to NetSuite."""


class AuthConfigError(AuthError, ValueError):
    """Credentials are missing or malformed; the message names the setting, never its value."""


# --- account ids ---------------------------------------------------------------------------


def _match_account(account_id: str, label: str = "account id") -> re.Match[str]:
    match = _ACCOUNT.fullmatch(account_id.upper())
    if match is None:
        raise AuthConfigError(
            f"{label} {account_id!r} is not a NetSuite account id; expected {_ACCOUNT_EXAMPLE}"
        )
    return match


def check_account_id(account_id: str, label: str = "account id") -> str:
    """`account_id` if it is a NetSuite account id exactly as NetSuite spells it (uppercase)."""
    if not account_id:
        raise AuthConfigError(f"{label} is missing; expected {_ACCOUNT_EXAMPLE}")
    _match_account(account_id, label)
    if account_id != account_id.upper():
        # A lowercase realm is answered with INVALID_LOGIN (reference 1.2), so refuse it early.
        raise AuthConfigError(
            f"{label} {account_id!r} must be uppercase as NetSuite shows it; "
            f"expected e.g. {account_id.upper()}"
        )
    return account_id


def host_for(account_id: str) -> str:
    """REST host of an account: lowercase with `_` -> `-` (`123456_SB1` -> `123456-sb1...`)."""
    _match_account(account_id)
    return account_id.lower().replace("_", "-") + HOST_SUFFIX


def realm_for(account_id: str) -> str:
    """OAuth realm of an account: the id in uppercase with `_` kept (`123456_SB1`)."""
    _match_account(account_id)
    return account_id.upper()


def is_production_account(account_id: str) -> bool:
    """False for sandbox (`_SB<n>`), Release Preview (`_RP`) and `TSTDRV` demo accounts."""
    match = _match_account(account_id)
    return match["suffix"] is None and not match["base"].startswith("TSTDRV")


# --- TBA -----------------------------------------------------------------------------------

_FORM = "application/x-www-form-urlencoded"
Pairs = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    """RFC 5849 3.6 percent-encoding, as oauthlib's `escape` (everything but ALPHA, DIGIT,
    `-._~`)."""
    return quote(value, safe="~")


_escaped = lru_cache(maxsize=4096)(_escape)


# A plain URL: http(s), a lower-case host without a port, a path of unreserved characters and
# `:` (a record's `eid:` key) with no segment starting with a dot, and a query (if any) of
# `name=value` pairs of unreserved characters. Every URL a landing sends is one; its base
# string URI (RFC 5849 3.4.1.2) is its text before `?`, its query's parameters its pairs as
# written, and requests prepares it into itself. tests/netsuite/test_tba_signer.py and
# tests/netsuite/test_prepare.py hold it to oauthlib and to requests.
PLAIN_URL = re.compile(
    r"(https?://[a-z0-9][a-z0-9.-]*(?:/(?:[A-Za-z0-9_~:-][A-Za-z0-9._~:-]*)?)+)"
    r"(?:\?([A-Za-z0-9_.~-]+=[A-Za-z0-9_.~-]*(?:&[A-Za-z0-9_.~-]+=[A-Za-z0-9_.~-]*)*))?"
)


def plain_url_share(url: str) -> tuple[str, Pairs] | None:
    """(base string URI, query pairs) of a plain URL (`PLAIN_URL`), None for any other."""
    plain = PLAIN_URL.fullmatch(url)
    if plain is None:
        return None
    uri, query = plain.groups()
    pairs = [pair.partition("=") for pair in query.split("&")] if query else []
    # A signature in the query is never part of what is signed (RFC 5849 3.4.1.3.1).
    return uri, tuple((name, value) for name, _, value in pairs if name != "oauth_signature")


@lru_cache(maxsize=256)  # most URLs a run signs are new (externalIds): a few repeat often
def _url_share(url: str) -> tuple[str, Pairs]:
    """A URL's share of the base string, worked out once per URL: the encoded base string
    URI and the query's parameters, each encoded."""
    plain = plain_url_share(url)
    if plain is not None:  # unreserved characters only: encoded, they stay as they are
        return _escape(plain[0]), plain[1]
    return _url_share_by_oauthlib(url)


def _url_share_by_oauthlib(url: str) -> tuple[str, Pairs]:
    """`_url_share` by oauthlib's own functions (so a query oauthlib refuses raises the same
    `ValueError`)."""
    uri = _escape(rfc5849_signature.base_string_uri(url))
    query = rfc5849_signature.collect_parameters(uri_query=urlparse(url).query)
    return uri, tuple((_escaped(name), _escaped(value)) for name, value in query)


class TbaSigner(AuthBase):
    """OAuth 1.0a HMAC-SHA256 in the Authorization header, exactly as requests-oauthlib's
    `OAuth1` signs it (same parameters and order, nonce and timestamp from oauthlib's own
    generators, realm unescaped, the header a str), with what repeats from one request to the
    next worked out once: the encoded consumer key, token and signature method, the HMAC key,
    each URL's base string URI and query parameters. Signing with oauthlib re-encodes all of
    them for every request, which was most of the cost of preparing one.

    A form-urlencoded body (whose parameters are signed), a body without a Content-Type (which
    requests-oauthlib may take for a form), an explicit Host header or a header in bytes is
    signed by requests-oauthlib itself. tests/netsuite/test_tba_signer.py checks that both
    produce the same header, and that the sandbox accepts it.
    """

    def __init__(
        self,
        realm: str,
        consumer_key: str,
        consumer_secret: str,
        token_id: str,
        token_secret: str,
    ) -> None:
        self.realm = realm
        self._keys = (consumer_key, consumer_secret, token_id, token_secret)
        self._oauth1: OAuth1 | None = None
        # oauthlib's order: nonce, timestamp, version, signature method, consumer key, token.
        fixed: Pairs = (
            ("oauth_version", "1.0"),
            ("oauth_signature_method", SIGNATURE_METHOD),
            ("oauth_consumer_key", consumer_key),
        )
        if token_id:
            fixed += (("oauth_token", token_id),)
        self._fixed: Pairs = tuple((_escaped(n), _escaped(v)) for n, v in fixed)
        self._header_fixed = "".join(f', {name}="{value}"' for name, value in self._fixed)
        key = f"{_escape(consumer_secret or '')}&{_escape(token_secret or '')}"  # never cached
        self._mac = hmac.new(key.encode("utf-8"), digestmod=hashlib.sha256)

    @property
    def _general(self) -> OAuth1:
        """requests-oauthlib's signer for the same keys, made when first needed."""
        if self._oauth1 is None:
            consumer_key, consumer_secret, token_id, token_secret = self._keys
            self._oauth1 = OAuth1(
                consumer_key,
                client_secret=consumer_secret,
                resource_owner_key=token_id,
                resource_owner_secret=token_secret,
                signature_method=SIGNATURE_METHOD,
                signature_type="AUTH_HEADER",
                realm=self.realm,
                decoding=None,  # keep the header a str, as every other header
            )
        return self._oauth1

    @property
    def client(self) -> Any:
        """The oauthlib `Client` holding the keys, where requests-oauthlib's `OAuth1` keeps
        it (code that hands a client's credentials on reads them there)."""
        return self._general.client

    def __repr__(self) -> str:
        return f"TbaSigner(realm={self.realm!r})"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if not self._signs_itself(request):
            signed: requests.PreparedRequest = self._general(request)
            return signed
        # Looked up at call time, in oauthlib's order, so whoever replaces them (a test
        # fixing the nonce) replaces them for both signers.
        nonce = rfc5849.generate_nonce()
        timestamp = rfc5849.generate_timestamp()
        method, url = str(request.method), str(request.url)
        request.headers["Authorization"] = self.authorization(method, url, nonce, timestamp)
        return request

    def authorization(self, method: str, url: str, nonce: str, timestamp: str) -> str:
        """The Authorization header for a request without signed body parameters."""
        uri, query = _url_share(url)
        varying = (("oauth_nonce", _escape(nonce)), ("oauth_timestamp", _escape(timestamp)))
        # RFC 5849 3.4.1.3.2: every name and value encoded, sorted, joined with = and &; the
        # result holds only unreserved characters, `%XX`, `=` and `&`, so encoding it again
        # (3.4.1.1) escapes just those three.
        normalized = "&".join(
            f"{name}={value}" for name, value in sorted((*query, *varying, *self._fixed))
        )
        encoded = normalized.replace("%", "%25").replace("=", "%3D").replace("&", "%26")
        base = f"{_escaped(method.upper())}&{uri}&{encoded}"
        mac = self._mac.copy()
        mac.update(base.encode("utf-8"))
        signature = _escape(base64.b64encode(mac.digest()).decode("ascii"))
        return (
            f'OAuth realm="{self.realm}", oauth_nonce="{varying[0][1]}", '
            f'oauth_timestamp="{varying[1][1]}"{self._header_fixed}, '
            f'oauth_signature="{signature}"'
        )

    @staticmethod
    def _signs_itself(request: requests.PreparedRequest) -> bool:
        """True when nothing but the URL, method and OAuth parameters is signed."""
        headers = request.headers
        content_type = headers.get("Content-Type", "")
        if content_type:
            if not isinstance(content_type, str) or _FORM in content_type:
                return False
        elif request.body:
            return False
        if "Host" in headers:
            return False
        return all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())


def tba_auth(
    account_id: str,
    consumer_key: str,
    consumer_secret: str,
    token_id: str,
    token_secret: str,
) -> TbaSigner:
    """OAuth 1.0a signer as NetSuite verifies it: HMAC-SHA256, realm = uppercase account id.

    It signs the URL with its query string and leaves JSON bodies out of the signature (only
    form-encoded bodies are signed), which is what NetSuite checks.
    """
    return TbaSigner(realm_for(account_id), consumer_key, consumer_secret, token_id, token_secret)

"""OAuth 1.0a (RFC 5849) as TBA signs requests, computed with oauthlib's signature functions.

The base string is built over the request URI as the client sent it: its path keeps its
percent-encoding (`salesOrder/eid%3AWOO-778`, `eid:caf%C3%A9`, as `encodeURIComponent` makes
them), because that is the text every client signs. The query's parameters, the OAuth
parameters and a form-urlencoded body's parameters (RFC 5849 3.4.1.3.1) are normalized as
oauthlib's `normalize_parameters` does, each name's and value's encoding (oauthlib's `escape`)
remembered: a client sends the same consumer key, token and query again and again, and
encoding them anew was most of the cost of verifying a request. A URL's share of the base
string is cached for the same reason. tests/sandbox/test_oauth1_base_string.py checks the
result against oauthlib's own `signature_base_string(normalize_parameters(...))`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

from oauthlib.oauth1.rfc5849 import signature as rfc5849
from oauthlib.oauth1.rfc5849.utils import escape

from harness.netsuite.auth import plain_url_share

Pairs = tuple[tuple[str, str], ...]


class UnsignableRequest(ValueError):
    """A request whose base string cannot be built (no host, a port out of range, a query or
    form body that is not form-urlencoded): its signature cannot match."""


@dataclass(frozen=True)
class Secrets:
    """The two secrets an HMAC signature is keyed with, as oauthlib's `*_with_client` read."""

    client_secret: str
    resource_owner_secret: str


_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ASCII_ESCAPES = {chr(code): f"%{code:02X}" for code in range(128) if chr(code) not in _UNRESERVED}


def percent_encode(value: str) -> str:
    """RFC 5849 3.6 percent-encoding (everything but ALPHA / DIGIT / - . _ ~).

    ASCII text (every URL, nonce and timestamp a client sends) is encoded by replacing each
    reserved character it holds, `%` first (the escapes add only `%` and hex digits): the
    result of oauthlib's `escape`, without its byte-by-byte pass. Other text goes to `escape`.
    """
    if not value.isascii():
        return str(escape(value))
    reserved = set(value).difference(_UNRESERVED)
    if not reserved:
        return value
    if "%" in reserved:
        value = value.replace("%", "%25")
        reserved.discard("%")
    for char in reserved:
        value = value.replace(char, _ASCII_ESCAPES[char])
    return value


def base_string_uri(url: str) -> str:
    """RFC 5849 3.4.1.2 base string URI: lowercase scheme://host[:non-default port]/path, the
    path as sent."""
    try:
        return str(rfc5849.base_string_uri(url))
    except ValueError as error:
        raise UnsignableRequest(f"no base string URI for the request: {error}") from None


def _form_pairs(text: str) -> Pairs:
    """Form-urlencoded pairs, decoded (RFC 5849 3.4.1.3.1).

    oauthlib refuses text holding a character outside its form-urlencoded set; WHATWG URL
    clients (Node.js, browsers) leave `[`, `]`, `|` and others raw in a query, and sign the
    decoded values, so those are decoded by the standard library instead.
    """
    if not text:
        return ()  # no query (most URLs a client signs): no parameters
    try:
        return tuple(rfc5849.collect_parameters(uri_query=text))
    except ValueError:
        pass
    try:
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise UnsignableRequest("the query is not form-urlencoded") from None
    return tuple((name, value) for name, value in pairs if name != "oauth_signature")


@lru_cache(maxsize=256)  # most URLs a run signs are new (externalIds): a few repeat often
def _url_share(url: str) -> tuple[str, Pairs]:
    """A URL's share of the base string: its encoded base string URI and its query's pairs
    (a plain URL's, `harness.netsuite.auth.PLAIN_URL`, read off its text)."""
    plain = plain_url_share(url)
    if plain is not None:
        return percent_encode(plain[0]), plain[1]
    return _url_share_parsed(url)


def _url_share_parsed(url: str) -> tuple[str, Pairs]:
    return percent_encode(base_string_uri(url)), _form_pairs(urlsplit(url).query)


_encoded = lru_cache(maxsize=8192)(percent_encode)
# Values new with every request: remembering them would only crowd out the ones that repeat
# (and keep every nonce alive until it is crowded out in turn).
_ONCE = frozenset({"oauth_nonce", "oauth_timestamp"})


def _normalized(params: list[tuple[str, str]]) -> str:
    """RFC 5849 3.4.1.3.2: every name and value encoded, the pairs sorted, joined with = and &."""
    return "&".join(
        f"{name}={value}"
        for name, value in sorted(
            (_encoded(name), percent_encode(value) if name in _ONCE else _encoded(value))
            for name, value in params
        )
    )


def _encode_normalized(normalized: str) -> str:
    """`percent_encode` of normalized parameters. Their text holds only unreserved characters,
    `%XX` escapes, `=` and `&` (every name and value is encoded), so encoding it escapes just
    those three characters: the same result as encoding it byte by byte, a hundred times as
    fast on the few hundred characters of a request's parameters."""
    return normalized.replace("%", "%25").replace("=", "%3D").replace("&", "%26")


def base_string(
    method: str, url: str, oauth: dict[str, str], form_body: bytes | None = None
) -> str:
    """RFC 5849 3.4.1 signature base string over the URL as sent, the OAuth parameters
    (`oauth_signature` and `realm` left out) and a form-urlencoded body's parameters."""
    uri, query = _url_share(url)
    params = [*query, *((n, v) for n, v in oauth.items() if n not in ("oauth_signature", "realm"))]
    if form_body:
        try:
            params.extend(_form_pairs(form_body.decode("utf-8")))
        except UnicodeDecodeError:
            raise UnsignableRequest("the form body is not UTF-8") from None
    # RFC 5849 3.4.1.1: METHOD & encoded base string URI & encoded normalized parameters.
    return f"{_encoded(method.upper())}&{uri}&{_encode_normalized(_normalized(params))}"


def hmac_sha256(base: str, secrets: Secrets) -> str:
    """base64(HMAC-SHA256(enc(consumer secret)&enc(token secret), base)) (RFC 5849 3.4.2)."""
    return str(rfc5849.sign_hmac_sha256_with_client(base, secrets))


class HmacSigner:
    """`hmac_sha256` for one pair of secrets, its key encoded and set up once."""

    __slots__ = ("_mac",)

    def __init__(self, secrets: Secrets) -> None:
        key = f"{escape(secrets.client_secret or '')}&{escape(secrets.resource_owner_secret or '')}"
        self._mac = hmac.new(key.encode("utf-8"), digestmod=hashlib.sha256)

    def __call__(self, base: str) -> str:
        mac = self._mac.copy()
        mac.update(base.encode("utf-8"))
        return base64.b64encode(mac.digest()).decode("ascii")

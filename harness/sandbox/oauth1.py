"""OAuth 1.0a (RFC 5849) as TBA signs requests: percent-encoding, base string, HMAC-SHA256.

Runs on every TBA request, so the encoding of ASCII text is one `str.translate` and a URL's
share of the base string is cached (clients call the same URLs again and again).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import string
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlsplit

_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
# RFC 5849 3.6 for ASCII text as one str.translate: the base string is encoded twice per request.
_ASCII_ENCODING = {
    code: chr(code) if chr(code) in _UNRESERVED else f"%{code:02X}" for code in range(128)
}


def percent_encode(value: str) -> str:
    """RFC 5849 3.6 percent-encoding (everything but ALPHA / DIGIT / - . _ ~)."""
    if value.isascii():
        return value.translate(_ASCII_ENCODING)
    return quote(value, safe="~")


def base_string_uri(url: str) -> str:
    """RFC 5849 3.4.1.2 base string URI: lowercase scheme://host[:non-default port]/path."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    # A path that went through WSGI's PATH_INFO is decoded; re-encode what cannot be on the wire.
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    return f"{scheme}://{host}{path}"


@lru_cache(maxsize=1024)
def _url_parts(url: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A URL's share of the signature base string: its encoded base string URI and encoded
    query pairs. Clients call the same URLs again and again (SuiteQL, record collections)."""
    try:
        pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        pairs = []  # undecodable query: the signature cannot match, the request is rejected
    return percent_encode(base_string_uri(url)), tuple(
        (percent_encode(n), percent_encode(v)) for n, v in pairs
    )


def signature(method: str, url: str, oauth: dict[str, str], key: bytes) -> bytes:
    """base64(HMAC-SHA256(key, METHOD&enc(uri)&enc(sorted params))) per RFC 5849 3.4."""
    uri, query = _url_parts(url)
    pairs = [
        *query,
        *(
            (percent_encode(n), percent_encode(v))
            for n, v in oauth.items()
            if n != "oauth_signature"
        ),
    ]
    normalized = "&".join(f"{name}={value}" for name, value in sorted(pairs))
    # Every character of `normalized` is unreserved, `%`, `=` or `&`: encoding it again only
    # has those three to replace (the text `percent_encode` gives, without a scan per char).
    again = normalized.replace("%", "%25").replace("=", "%3D").replace("&", "%26")
    base = f"{method.upper()}&{uri}&{again}"
    digest = hmac.new(key, base.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest)

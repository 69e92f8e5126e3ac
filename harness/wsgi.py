"""What a loopback server of the harness reads from a WSGI request: headers and body.

Shared by the servers connectors in other processes talk to (the observed sandbox and the
recording proxy). A leaf: imports nothing of the harness.
"""

from __future__ import annotations

from wsgiref.types import WSGIEnvironment


def request_headers(environ: WSGIEnvironment) -> dict[str, str]:
    """The request's headers, named as sent (`Content-Type`, `X-Netsuite-Idempotency-Key`)."""
    headers = {
        key[5:].replace("_", "-").title(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers[name] = str(environ[key])
    return headers


def request_body(environ: WSGIEnvironment) -> bytes:
    """The request's body (empty when it declares none, or an unreadable length)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""

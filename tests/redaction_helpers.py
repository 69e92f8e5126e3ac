"""The leak oracle of the redaction tests, written apart from the harness's own redaction.

A secret leaks when any of its forms appears in an output, compared without letter case: raw,
JSON-escaped (Python, PHP's `\\/`), percent-encoded (`quote` with and without `/`,
`quote_plus`), HTML/XML-escaped, base64 (standard and URL-safe, padded or not), or its first
or last twelve characters (a secret masked in part). Files are
searched as written and as decoded (JSON and YAML strings, XML text and attributes, HTML
unescaped), which sees through the escaping of the format itself.
"""

from __future__ import annotations

import base64
import html
import json
import random
import re
import string
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote

import yaml

from tests.reliability.secret_helpers import strings_in

# The safe loader in C where PyYAML has it (as harness/recording/cassette_file.py reads
# cassettes): the same documents, parsed some ten times faster than in Python.
YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# What `Credentials` accepts in a key or token (printable ASCII, no whitespace or quotes),
# weighted towards what changes under URL, JSON and HTML escaping; no `*` (the mask).
SPECIALS = "<>&%+/=?#:;@!$()[]{}|^~`,\\"
ALPHABET = string.ascii_letters + string.digits + SPECIALS


def random_secret(rng: random.Random, length: int = 32) -> str:
    """A secret nothing else in a run could contain: random, with escaping characters."""
    core = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(12))
    rest = [rng.choice(ALPHABET) for _ in range(length - 12)]
    for special in rng.sample(SPECIALS, 4):  # at least a few that every escaping changes
        rest[rng.randrange(len(rest))] = special
    return core + "".join(rest)


def forms(secret: str) -> dict[str, str]:
    """Every form of `secret` the search looks for (letter case is ignored when comparing)."""
    raw = secret.encode("utf-8")
    found = {
        "raw": secret,
        "json": json.dumps(secret)[1:-1],
        "json-unicode": json.dumps(secret, ensure_ascii=False)[1:-1],
        "json-php": json.dumps(secret)[1:-1].replace("/", "\\/"),
        "url-quote": quote(secret, safe=""),
        "url-quote-path": quote(secret),
        "url-quote-plus": quote_plus(secret),
        "html": html.escape(secret),
        "html-text": html.escape(secret, quote=False),
        "base64": base64.b64encode(raw).decode("ascii"),
        "base64-unpadded": base64.b64encode(raw).decode("ascii").rstrip("="),
        "base64-urlsafe": base64.urlsafe_b64encode(raw).decode("ascii"),
        "base64-urlsafe-unpadded": base64.urlsafe_b64encode(raw).decode("ascii").rstrip("="),
    }
    if len(secret) >= 24:  # a secret masked only in part still leaks: its ends are searched
        found |= {"head": secret[:12], "tail": secret[-12:]}
    return {name: form for name, form in found.items() if len(form) >= 6}


@dataclass
class Search:
    """Secrets (by label) searched for in texts and files; counts what was searched."""

    secrets: dict[str, str]
    hits: list[str] = field(default_factory=list)
    views: int = 0
    comparisons: int = 0
    files: int = 0

    def __post_init__(self) -> None:
        self._forms = {
            label: {name: form.lower() for name, form in forms(value).items()}
            for label, value in self.secrets.items()
        }

    @property
    def forms_per_secret(self) -> int:
        return max((len(f) for f in self._forms.values()), default=0)

    def text(self, text: str, where: str) -> None:
        self.views += 1
        lowered = text.lower()
        for label, spelled in self._forms.items():
            for name, form in spelled.items():
                self.comparisons += 1
                if form in lowered:
                    at = lowered.index(form)
                    context = text[max(0, at - 60) : at + len(form) + 20]
                    self.hits.append(f"{label} ({name}) in {where}: ...{context}...")

    def file(self, path: Path) -> None:
        self.files += 1
        text = path.read_text(encoding="utf-8", errors="replace")
        self.text(text, str(path))
        for number, piece in enumerate(_decoded(path, text)):
            self.text(piece, f"{path} (decoded #{number})")

    def tree(self, folder: Path) -> list[Path]:
        paths = sorted(p for p in folder.rglob("*") if p.is_file())
        for path in paths:
            self.file(path)
        return paths


def _decoded(path: Path, text: str) -> Iterator[str]:
    suffix = path.suffix.lower()
    if suffix == ".json":
        yield "\n".join(strings_in(json.loads(text)))
    elif suffix == ".jsonl":
        for line in text.splitlines():
            if line.strip():
                yield "\n".join(strings_in(json.loads(line)))
    elif suffix in (".yaml", ".yml"):
        yield "\n".join(strings_in(yaml.load(text, Loader=YAML_LOADER)))
    elif suffix == ".xml":
        root = ET.fromstring(text.encode("utf-8"))
        yield "\n".join(
            piece
            for element in root.iter()
            for piece in (element.text or "", element.tail or "", *element.attrib.values())
        )
    elif suffix in (".html", ".htm"):
        yield html.unescape(text)


# -- a NetSuite account nobody has seen the credentials of ----------------------------------


class AuthSpy:
    """Wraps the sandbox's authenticator to learn what only travels on the wire: OAuth nonces
    and signatures, client assertions (JWTs) and the bearer tokens issued for them."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seen: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def authenticate(self, method: str, url: str, authorization: Any, **kwargs: Any) -> Any:
        text = authorization
        if isinstance(authorization, bytes):
            text = authorization.decode("latin-1")
        scheme, _, rest = (text or "").strip().partition(" ")
        if scheme.lower() == "bearer":
            self.seen.add(rest.strip())
        for value in re.findall(r'oauth_(?:nonce|signature)="([^"]*)"', rest):
            self.seen.add(unquote(value))
        return self.inner.authenticate(method, url, authorization, **kwargs)

    def token_endpoint(self, url: str, form_body: bytes, content_type: str | None) -> Any:
        for name, value in parse_qsl(form_body.decode("utf-8", "replace")):
            if name == "client_assertion":
                self.seen.add(value)
        status, headers, body = self.inner.token_endpoint(url, form_body, content_type)
        token = json.loads(body).get("access_token") if status == 200 else None
        if token:
            self.seen.add(token)
        return status, headers, body


@dataclass
class RandomAccount:
    """The demo account served over HTTP with fresh credentials of every kind: the consumer
    pair and both role tokens (TBA), an OAuth 2.0 M2M client with a new EC key."""

    sandbox: Any
    server: Any
    spy: AuthSpy
    tba: dict[str, str]
    m2m: dict[str, str]
    key_lines: list[str]

    def env(self, scheme: str) -> dict[str, str]:
        common = {"NETSUITE_ACCOUNT": self.sandbox.account_id, "NETSUITE_BASE_URL": self.server.url}
        return {**common, **(self.tba if scheme == "tba" else self.m2m)}

    def secrets(self) -> dict[str, str]:
        """Every credential, by the variable (or key line) that holds it."""
        found = {**self.tba, **{k: v for k, v in self.m2m.items() if "PRIVATE_KEY" not in k}}
        found |= {f"private key line {n}": line for n, line in enumerate(self.key_lines)}
        return found

    def close(self) -> None:
        self.server.stop()
        self.sandbox.close()


def random_account(rng: random.Random) -> RandomAccount:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from harness.netsuite.credentials import credential_variables
    from harness.sandbox.account import demo_profile
    from harness.sandbox.serve import Sandbox

    profile = demo_profile()
    fresh: dict[str, str] = {}

    def new(old: str) -> str:
        return fresh.setdefault(old, random_secret(rng, rng.randrange(24, 48)))

    tba = [
        c.model_copy(update={name: new(getattr(c, name)) for name in
                             ("consumerKey", "consumerSecret", "tokenId", "tokenSecret")})
        for c in profile.credentials.tba
    ]
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    first = profile.credentials.m2m[0]
    client = first.model_copy(
        update={"clientId": random_secret(rng), "certificateId": random_secret(rng, 20),
                "publicKeyPem": public}
    )
    credentials = profile.credentials.model_copy(update={"tba": tba, "m2m": [client]})
    sandbox = Sandbox(profile.model_copy(update={"credentials": credentials}))
    spy = AuthSpy(sandbox.app.auth)
    sandbox.app.auth = spy
    server = sandbox.serve_http()
    main, *others = tba
    tba_env = {
        "NETSUITE_CONSUMER_KEY": main.consumerKey,
        "NETSUITE_CONSUMER_SECRET": main.consumerSecret,
        "NETSUITE_TOKEN_ID": main.tokenId,
        "NETSUITE_TOKEN_SECRET": main.tokenSecret,
    }
    for other in others:
        token_var, secret_var = credential_variables(other.name)
        tba_env |= {token_var: other.tokenId, secret_var: other.tokenSecret}
    m2m_env = {
        "NETSUITE_CLIENT_ID": client.clientId,
        "NETSUITE_CERTIFICATE_ID": client.certificateId,
        # Inline, squeezed into one line: the way a CI secret holds it.
        "NETSUITE_PRIVATE_KEY": private.strip().replace("\n", "\\n"),
    }
    lines = [line for line in private.splitlines() if line and not line.startswith("-----")]
    return RandomAccount(sandbox, server, spy, tba_env, m2m_env, lines)

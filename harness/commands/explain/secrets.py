"""Masking for everything `explain` prints: the account's own secrets and any credential shape.

A log pasted into `explain` may hold the very token the shell has in NETSUITE_TOKEN_SECRET,
so every credential-looking variable is registered with the Redactor before anything is read.
Masking happens on decoded values: a JSON line is parsed first and its strings are masked one
by one, because masking the raw text breaks JSON escapes (`oauth_nonce=\\"...\\"`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from harness.netsuite.redact import Redactor

# NETSUITE_TOKEN_SECRET, NETSUITE_<ROLE>_TOKEN_ID, WOOCOMMERCE_CONSUMER_SECRET, WOO_WEBHOOK_SECRET
_SECRET_VARIABLE = re.compile(
    r"^(NETSUITE|WOOCOMMERCE|WOO)_\w*(SECRET|TOKEN|KEY|PASSWORD|CLIENT_ID|CERTIFICATE_ID)\w*$"
)
_ESCAPED_QUOTE = '\\"'
_LONGEST_EVIDENCE = 400


def redactor_from(environ: Mapping[str, str] | None = None) -> Redactor:
    """A Redactor that knows every credential the environment holds."""
    env = os.environ if environ is None else environ
    redactor = Redactor()
    for name, value in env.items():
        if _SECRET_VARIABLE.match(name.upper()) and value:
            redactor.register(value.strip())
    return redactor


def mask_line(redactor: Redactor, line: str) -> str:
    """One line of any text, ready to print: JSON-escaped quotes read as quotes (so a quoted
    OAuth parameter is masked whole), credentials masked, long lines cut."""
    text = line.strip()
    if _ESCAPED_QUOTE in text:
        text = text.replace(_ESCAPED_QUOTE, '"')
    text = redactor.text(text)
    if len(text) > _LONGEST_EVIDENCE:
        text = text[: _LONGEST_EVIDENCE - 1] + "…"
    return text


def mask_value(redactor: Redactor, value: Any) -> Any:
    """A decoded JSON value with credential fields and secrets masked."""
    return redactor.value(value)

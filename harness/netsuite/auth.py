"""Authentication ground for NetSuite REST: account ids, the auth errors, and the TBA signer.

TBA (OAuth 1.0a, HMAC-SHA256) is a plain `requests` auth object, as is OAuth 2.0 M2M
(`harness.netsuite.oauth2`), so every caller (client, doctor, recorder) signs the same way.
`harness.netsuite.credentials` turns the environment into one of them.
"""

from __future__ import annotations

import re
from typing import cast

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


def tba_auth(
    account_id: str,
    consumer_key: str,
    consumer_secret: str,
    token_id: str,
    token_secret: str,
) -> AuthBase:
    """OAuth 1.0a signer as NetSuite verifies it: HMAC-SHA256, realm = uppercase account id.

    requests-oauthlib signs the URL with its query string and leaves JSON bodies out of the
    signature (only form-encoded bodies are signed), which is what NetSuite checks.
    """
    signer = OAuth1(
        consumer_key,
        client_secret=consumer_secret,
        resource_owner_key=token_id,
        resource_owner_secret=token_secret,
        signature_method=SIGNATURE_METHOD,
        signature_type="AUTH_HEADER",
        realm=realm_for(account_id),
        decoding=None,  # keep the header a str, as every other header
    )
    return cast(AuthBase, signer)

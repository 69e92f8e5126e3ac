"""The NetSuite account id in cassettes: a placeholder on disk, the replaying account in memory.

A cassette recorded against sandbox `1234567_SB1` must replay for `7654321_SB2` (another
developer's sandbox, or the same one after a refresh) and must not tell readers which account
it came from. NetSuite spells an account two ways (reference/netsuite-rest.md 1.2): the realm
(`1234567_SB1`, in the OAuth header and error texts) and the host label (`1234567-sb1`,
lowercase with `-`). Each spelling has its own placeholder, `ACCOUNT_ID` and `account-id`, so
mapping back restores the right one, and `account-id.suitetalk.api.netsuite.com` is still a
valid host name.

`base_url` covers runs whose client talks to another address than the account's NetSuite host
(`NETSUITE_BASE_URL`: the embedded sandbox over HTTP, a local test server). That address is
recorded as the placeholder NetSuite origin and mapped back to the replaying run's own address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from harness.netsuite.auth import HOST_SUFFIX, host_for, realm_for

PLACEHOLDER_ACCOUNT = "ACCOUNT_ID"
PLACEHOLDER_HOST_LABEL = "account-id"
PLACEHOLDER_HOST = PLACEHOLDER_HOST_LABEL + HOST_SUFFIX
PLACEHOLDER_ORIGIN = "https://" + PLACEHOLDER_HOST

# Not inside a longer word or number; a percent escape (`%2F1234567-sb1`) still counts as a
# boundary, and `1234567.89` is an amount, not a production account id.
_BEFORE = r"(?:(?<![A-Za-z0-9])|(?<=%[0-9A-Fa-f]{2}))(?<!\d\.)"
_AFTER = r"(?![A-Za-z0-9]|\.\d)"

_PLACEHOLDER_ORIGIN = re.compile(r"https?://" + re.escape(PLACEHOLDER_HOST), re.IGNORECASE)
_PLACEHOLDER_HOST = re.compile(_BEFORE + re.escape(PLACEHOLDER_HOST) + _AFTER)
_PLACEHOLDER_REALM = re.compile(_BEFORE + re.escape(PLACEHOLDER_ACCOUNT) + _AFTER)
_PLACEHOLDER_LABEL = re.compile(_BEFORE + re.escape(PLACEHOLDER_HOST_LABEL) + _AFTER)


@dataclass(frozen=True)
class AccountMapping:
    """One run's account: `to_placeholder` when writing, `from_placeholder` when replaying."""

    account_id: str
    base_url: str | None = None
    realm: str = field(init=False)
    host_label: str = field(init=False)
    _spellings: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _base: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _base_netloc: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        realm = realm_for(self.account_id)  # raises AuthConfigError naming the bad value
        label = host_for(self.account_id).removesuffix(HOST_SUFFIX)
        parts = re.split(r"[_-]", realm)
        spelling = r"[_-]".join(re.escape(part) for part in parts)
        object.__setattr__(self, "realm", realm)
        object.__setattr__(self, "host_label", label)
        object.__setattr__(
            self, "_spellings", re.compile(_BEFORE + spelling + _AFTER, re.IGNORECASE)
        )
        base, netloc = None, None
        if self.base_url is not None:
            base_url = self.base_url.rstrip("/")
            split = urlsplit(base_url)
            if split.scheme not in ("http", "https") or not split.netloc:
                raise ValueError(
                    f"base_url: {self.base_url!r} is not an http(s) URL "
                    "(expected e.g. http://127.0.0.1:8080)"
                )
            object.__setattr__(self, "base_url", base_url)
            base = re.compile(re.escape(base_url) + r"(?![A-Za-z0-9.-])", re.IGNORECASE)
            netloc = re.compile(
                r"(?<![A-Za-z0-9.:/-])" + re.escape(split.netloc) + r"(?![A-Za-z0-9])",
                re.IGNORECASE,
            )
        object.__setattr__(self, "_base", base)
        object.__setattr__(self, "_base_netloc", netloc)

    def to_placeholder(self, text: str) -> str:
        """Every spelling of this account (and of `base_url`) replaced by its placeholder."""
        if self._base is not None and self._base_netloc is not None:
            text = self._base.sub(PLACEHOLDER_ORIGIN, text)
            text = self._base_netloc.sub(PLACEHOLDER_HOST, text)
        return self._spellings.sub(_placeholder_for, text)

    def from_placeholder(self, text: str) -> str:
        """The placeholders replaced by this run's account (and `base_url`, when it has one)."""
        if PLACEHOLDER_HOST_LABEL not in text and PLACEHOLDER_ACCOUNT not in text:
            return text
        if self.base_url is not None:
            text = _PLACEHOLDER_ORIGIN.sub(self.base_url, text)
            text = _PLACEHOLDER_HOST.sub(urlsplit(self.base_url).netloc, text)
        text = _PLACEHOLDER_LABEL.sub(self.host_label, text)
        return _PLACEHOLDER_REALM.sub(self.realm, text)


def _placeholder_for(match: re.Match[str]) -> str:
    """Host spelling for `-`, lowercase or a host label position; realm spelling otherwise."""
    found = match.group(0)
    if "-" in found:
        return PLACEHOLDER_HOST_LABEL
    if "_" in found:
        return PLACEHOLDER_ACCOUNT
    if any(ch.islower() for ch in found):
        return PLACEHOLDER_HOST_LABEL
    if any(ch.isupper() for ch in found):
        return PLACEHOLDER_ACCOUNT
    # A production id is digits only: the same in both spellings, so the position decides.
    after = match.string[match.end() : match.end() + 2]
    return (
        PLACEHOLDER_HOST_LABEL if after[:1] == "." and after[1:].isalpha() else PLACEHOLDER_ACCOUNT
    )

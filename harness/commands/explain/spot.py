"""Finding NetSuite's words inside any text: a log line, a CSV cell, a stack trace.

Each pattern below matches one message family as NetSuite (or a client library talking to
it) writes it, and captures exactly the message, so that the rest of the line (timestamps,
order numbers, JSON punctuation) never leaks into it. NetSuite's error codes are recognised
on their own too: an account set to another language translates the messages, not the codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A message runs to the end of its line, or of the JSON string it sits in.
_END = r"(?=\s*(?:$|\\?\"))"
_SENTENCE = r"[^\"\n]*?"
_KEY_END = r"(?=\.?(?:[\s\"',;)\]}\\]|$))"

# (pattern, needs NetSuite context): generic network errors only count near NetSuite.
_FAMILIES: tuple[tuple[re.Pattern[str], bool], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), generic)
    for pattern, generic in (
        (r"Error while accessing (?:a )?resource[.:]\s*" + _SENTENCE + _END, False),
        (
            r"Invalid \w+ reference key '?[^\s'\"\\]+?'?(?: for \w+ '?[^\s\"'.\\]+'?)?" + _KEY_END,
            False,
        ),
        (r"You have entered an Invalid Field Value .+? for the following field: [\w.\[\]]+", False),
        (r"Please enter (?:value\(s\)|values?|a value) for\s*:?\s*" + _SENTENCE + _END, False),
        (r"Inserire il/i valore/i\s*:" + _SENTENCE + _END, False),
        (r"Permission Violation:" + _SENTENCE + _END, False),
        (r"You do not have (?:permissions?|privileges) " + _SENTENCE + _END, False),
        (r"Your current role does not have permission" + _SENTENCE + _END, False),
        (r"Invalid login attempt\.?(?: For more details" + _SENTENCE + r"Audit Trail\.)?", False),
        (r"Your account is disabled for .+? failed login attempts\.?", False),
        (r"(?:SuiteTalk )?concurrent request limit exceeded\.?(?: Request blocked\.?)?", False),
        (r"Only one request may be made against a session at a time", False),
        (r"This record has been locked by a user defined workflow\.?", False),
        (r"Record has been changed\.?", False),
        (
            r"Unable to save record\. Record was changed by a different user" + _SENTENCE + _END,
            False,
        ),
        (r"This (?:record|entity) already exists\.?", False),
        (r"A customer record with this ID already exists\." + _SENTENCE + _END, False),
        (r"A request with the same idempotency key is already submitted" + _SENTENCE + _END, False),
        (
            r"The transaction date you specified is not within the date range of your accounting"
            r" period\.?",
            False,
        ),
        (
            r"The field \w+ contained more than the maximum number \(\s*\d+\s*\) of characters"
            r" allowed\.?",
            False,
        ),
        (
            r"An unexpected error (?:has )?occurred\.(?:\s*Error ID: \w+|\s*Technical Support has"
            r" been alerted to this problem\.)?",
            False,
        ),
        (
            r"The account you are trying to access is currently unavailable while we undergo our"
            r" regularly scheduled maintenance\.?",
            False,
        ),
        (
            r"You are not requesting the correct data center for your company!" + _SENTENCE + _END,
            False,
        ),
        (r"[\w.]*NLDatabaseOfflineException", False),
        (r"The Connection Pool is not in\w*ali[sz]ed\.?", False),
        (r"Unable to find a matching line for sub-list \w+ with key: .+", False),
        (r"Sales Order contains inconsistent items" + _SENTENCE + _END, False),
        (r"(?:Error: )?getaddrinfo (?:ENOTFOUND|EAI_AGAIN) [^\s\"']+(?: [^\s\"']+)?", True),
        (
            r"(?:Failed to establish a new connection: )?\[Errno -?\d+\] (?:Name or service not "
            r"known|nodename nor servname provided, or not known|Temporary failure in name "
            r"resolution)",
            True,
        ),
        (
            r"\b(?:ECONNRESET|ECONNREFUSED|ETIMEDOUT|ESOCKETTIMEDOUT|EHOSTUNREACH)\b"
            + _SENTENCE
            + _END,
            True,
        ),
        (r"socket hang up|Connection reset by peer|Read timed out\.?|Connect timed out", True),
        (r"The operation has timed out\.?", True),
        (
            r"(?:\[SSL: CERTIFICATE_VERIFY_FAILED\] )?certificate verify failed" + _SENTENCE + _END,
            True,
        ),
        (
            r"unable to get local issuer certificate"
            r"|self[- ]signed certificate in certificate chain"
            r"|\w*SunCertPathBuilderException|PKIX path building failed",
            True,
        ),
        (r"(?:SyntaxError: )?Unexpected token\s*'?<'?(?: in JSON at position \d+)?", True),
        (r"Exceeded(?:Concurrent)?RequestLimitFault", False),
        (r"(?:\b429\b\W{0,3})?Too Many Requests", True),
    )
)
# NetSuite error codes (REST o:errorCode, SOAP statusDetail codes, SuiteScript error names).
KNOWN_CODES = frozenset(
    {
        "USER_ERROR",
        "INVALID_KEY_OR_REF",
        "INVALID_FLD_VALUE",
        "INVALID_CONTENT",
        "INVALID_PARAMETER",
        "INSUFFICIENT_PERMISSION",
        "INVALID_LOGIN",
        "INVALID_LOGIN_ATTEMPT",
        "INVALID_LOGIN_CREDENTIALS",
        "INVALID_CREDENTIALS",
        "RCRD_HAS_BEEN_CHANGED",
        "RCRD_LOCKED_BY_WF",
        "RCRD_DSNT_EXIST",
        "DUP_RCRD",
        "DUP_RECORD",
        "DUP_ENTITY",
        "UNIQUE_CUST_ID_REQD",
        "UNEXPECTED_ERROR",
        "SSS_REQUEST_LIMIT_EXCEEDED",
        "SSS_USAGE_LIMIT_EXCEEDED",
        "SSS_TIME_LIMIT_EXCEEDED",
        "SSS_INSTRUCTION_COUNT_EXCEEDED",
        "CONCURRENCY_LIMIT_EXCEEDED",
        "WS_CONCUR_SESSION_DISALLWD",
        "WS_REQUEST_BLOCKED",
        "REQD_FLD_MISSING",
        "FIELD_REQUIRED",
        "FIELD_PARAM_REQD",
        "NONEXISTENT_ID",
        "NONEXISTENT_FIELD",
        "IDEMPOTENCY_ERROR",
        "MAX_STRING_LENGTH",
    }
)
# Codes that only say "NetSuite refused it": meaningful with their message, not alone.
_GENERIC_CODES = frozenset(
    {"USER_ERROR", "INVALID_CONTENT", "INVALID_PARAMETER", "INVALID_FLD_VALUE"}
)
_CODE = re.compile(r"\b(" + "|".join(sorted(KNOWN_CODES, key=len, reverse=True)) + r")\b")


@dataclass(frozen=True)
class Spotted:
    """One NetSuite message found in a text, and where it sits."""

    message: str
    code: str | None
    start: int
    generic: bool = False  # a network-level error: NetSuite's only with NetSuite nearby


# Words at least one family above needs: a line without any is skipped after a few substring
# tests (most lines of a log are about orders that went through).
_TRIGGERS = tuple(
    word.lower()
    for word in (
        "error while accessing",
        "reference key",
        "invalid field value",
        "please enter",
        "inserire",
        "permission",
        "you do not have",
        "your current role",
        "invalid login",
        "failed login",
        "concurrent request",
        "only one request",
        "locked by",
        "been changed",
        "was changed",
        "already exists",
        "idempotency",
        "accounting period",
        "maximum number",
        "unexpected error",
        "scheduled maintenance",
        "data center",
        "NLDatabase",
        "Connection Pool",
        "sub-list",
        "inconsistent items",
        "getaddrinfo",
        "Errno",
        "ECONN",
        "ETIMEDOUT",
        "ESOCKET",
        "EHOSTUNREACH",
        "socket hang up",
        "reset by peer",
        "timed out",
        "certificate",
        "SunCert",
        "PKIX",
        "Unexpected token",
        "RequestLimitFault",
        "Too Many Requests",
    )
)


def _may_hold_message(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in _TRIGGERS) or any(code in text for code in KNOWN_CODES)


def spot(text: str) -> list[Spotted]:
    """Every NetSuite message in `text`, in order; a known code alone counts as one."""
    if not _may_hold_message(text):
        return []
    matches: list[tuple[int, int, bool]] = []
    for pattern, generic in _FAMILIES:
        matches.extend((m.start(), m.end(), generic) for m in pattern.finditer(text))
    matches.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    chosen: list[tuple[int, int, bool]] = []
    for start, end, generic in matches:
        if chosen and start < chosen[-1][1]:
            continue  # inside (or across) a message already taken
        chosen.append((start, end, generic))
    code = first_code(text)
    found = [
        Spotted(_clean(text[start:end]), code, start, generic) for start, end, generic in chosen
    ]
    if found or code is None:
        return found
    at = text.find(code)
    rest = _clean(text[at + len(code) :].lstrip(" :-=\"',}"))
    if not re.search(r"\w", rest) and code in _GENERIC_CODES:
        return []  # "USER_ERROR" on its own says nothing about the cause
    return [Spotted(rest or code, code, at)]


def first_code(text: str) -> str | None:
    """The first NetSuite error code in `text`."""
    found = _CODE.search(text)
    return found.group(1) if found else None


def _clean(message: str) -> str:
    return message.strip().rstrip(",;").strip()

"""Message families `harness.landing.classify` does not know, or knows too coarsely for a log.

Landings only ever see NetSuite's REST answers; a log holds much more: a Node or Python
network error, a SOAP fault, a message in the account's language, an old SuiteScript error
code. `diagnose` asks this table first and falls back to the landing rules, so a REST error
body gets the same category here and in a run.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from harness.landing.classify import Cause, classify
from harness.landing.failure import Failure
from harness.landing.verdict import Category

_AUDIT_TRAIL = "Setup > Users/Roles > User Management > View Login Audit Trail"
_ROLES = "Setup > Users/Roles > Manage Roles"
_CLASSIFICATIONS = "Setup > Accounting > Accounting Preferences > General > Classifications"
_IDEMPOTENT = (
    "Make creates idempotent (upsert the Sales Order by externalId) so that a retry never "
    "makes a second order."
)

_DNS = re.compile(
    r"(?i)getaddrinfo|ENOTFOUND|EAI_AGAIN|Name or service not known|nodename nor servname"
    r"|No such host is known|Temporary failure in name resolution|UnknownHostException"
)
_TLS = re.compile(
    r"(?i)certificate verify failed|CERTIFICATE_VERIFY_FAILED|unable to get local issuer"
    r"|UNABLE_TO_GET_ISSUER_CERT|self[- ]signed certificate|CERT_HAS_EXPIRED|SSLError"
    r"|SunCertPathBuilderException|PKIX path building failed|ssl handshake"
)
_RESET = re.compile(
    r"(?i)ECONNRESET|socket hang up|Connection reset|ECONNREFUSED|Connection refused"
    r"|EHOSTUNREACH|ConnectionError|Max retries exceeded|Failed to establish a new connection"
)
_TIMEOUT = re.compile(
    r"(?i)ETIMEDOUT|ESOCKETTIMEDOUT|timed? ?out|Timeout(?:Error|Exception)|ReadTimeout"
    r"|deadline exceeded"
)
_HTML_NOT_JSON = re.compile(
    r"(?i)Unexpected token\s*'?<|Unexpected character \('<'|JSONDecodeError.*char 0"
    r"|Expecting value: line 1 column 1|is not valid JSON|Bad envelope tag:\s*htm"
)
_DATA_CENTER = re.compile(r"(?i)not requesting the correct data center")
_SERVER_SIDE = re.compile(
    r"(?i)NLDatabaseOfflineException|NoCompanyDbsOnlineException|CacheUnavailableException"
    r"|Connection Pool is not in\w*ali[sz]ed|Technical Support has been alerted"
    r"|An unexpected error (?:has )?occurred|\bUNEXPECTED_ERROR\b"
)
_MAINTENANCE = re.compile(
    r"(?i)currently unavailable while we undergo our regularly scheduled maintenance"
    r"|scheduled maintenance"
)
_PERMISSION = re.compile(
    r"(?i)\bINSUFFICIENT_PERMISSION\b|Permission Violation"
    r"|You do not have (?:permissions?|privileges)|Your current role does not have permission"
)
_NAMED_PERMISSION = re.compile(r"(?i)the\s+'([^']+)'\s+permission")
_SOAP_GOVERNANCE = re.compile(
    r"(?i)Exceeded(?:Concurrent)?RequestLimitFault|Too Many Requests|\bWS_REQUEST_BLOCKED\b"
    r"|\bWS_CONCUR_SESSION_DISALLWD\b|\bSSS_REQUEST_LIMIT_EXCEEDED\b"
)
_LOGIN = re.compile(r"(?i)invalid login attempt|\bINVALID_LOGIN(?:_ATTEMPT|_CREDENTIALS)?\b")
_LOCKED_OUT = re.compile(r"(?i)account is disabled for .*failed login attempts")
# NetSuite's "Please enter value(s) for:" as Italian accounts write it
# (netsuitephp/netsuite-php#81: "Inserire il/i valore/i:Controllata principale").
_PLEASE_ENTER_TRANSLATED = re.compile(r"(?i)Inserire il/i valore/i\s*:\s*(.+?)\.?$")
_REFERENCE_KEY = re.compile(
    r"(?i)invalid (\w+) reference key\s+'?([^\s']+?)'?(?: for (\w+) (\S+?))?\.?$"
)
_CHANGED = re.compile(
    r"(?i)Record has been changed|Record was changed by a different user|RCRD_HAS_BEEN_CHANGED"
)
_DUPLICATE_RECORD = re.compile(r"(?i)\bDUP_RCRD\b|\bIDEMPOTENCY_ERROR\b|same idempotency key")
_DUPLICATE_CUSTOMER = re.compile(
    r"(?i)\bUNIQUE_CUST_ID_REQD\b|customer record with this ID already exists"
)
_CLOSED_PERIOD = re.compile(
    r"(?i)not within the date range of your accounting period|period is (?:closed|locked)"
    r"|closed (?:accounting|posting) period"
)
_TOO_LONG = re.compile(
    r"(?i)field (\w+) contained more than the maximum number \(\s*(\d+)\s*\)"
    r"|exceeds? (?:the )?max(?:imum)? length|\bMAX_STRING_LENGTH\b"
)
_SUBLIST_APPLY = re.compile(r"(?i)Unable to find a matching line for sub-list (\w+)")
_SCRIPT_LIMIT = re.compile(
    r"\bSSS_(?:USAGE_LIMIT|TIME_LIMIT|INSTRUCTION_COUNT)_EXCEEDED\b|\bSSS_\w+_ERROR\b"
)

# Reference fields whose failure belongs to the classification preferences (required-field)
# or to the order's routing (validation-rule); item, entity, ship method and tax code are
# the landing rules' own.
_CLASSIFICATION_FIELDS = {"location", "department", "class", "classification"}
_ROUTING_FIELDS = {"subsidiary", "currency", "account", "country", "terms", "pricelevel"}
_PATH_CATEGORIES: dict[str, Category] = {
    "item": "item-mapping",
    "entity": "customer-match",
    "customer": "customer-match",
    "shipmethod": "shipping",
    "taxitem": "tax",
    "taxcode": "tax",
    "discountitem": "discount",
    "location": "required-field",
    "department": "required-field",
    "class": "required-field",
}


def diagnose(failure: Failure) -> Cause:
    """The cause of one failure: this module's families first, then the landing rules."""
    return recognise(failure) or classify(failure)


def recognise(failure: Failure) -> Cause | None:
    """A cause from the families below, or None to leave the failure to the landing rules."""
    text = f"{failure.code or ''} {failure.message} {failure.transport_error or ''}"
    for check in _CHECKS:
        cause = check(failure, text)
        if cause is not None:
            return cause
    return None


def _network(failure: Failure, text: str) -> Cause | None:
    said = _said(failure)
    if _DATA_CENTER.search(text):
        return Cause(
            "transport",
            f"The request went to another data center than the account's: {said}",
            "Use the account's own host, <account id>.suitetalk.api.netsuite.com (lower case, "
            "'_' as '-': 1234567-sb1), instead of a shared webservices.netsuite.com host.",
        )
    # The client's own network errors only where no answer came: NetSuite's messages may say
    # "timed out" too ("... or your session has timed out" is a permission refusal).
    no_answer = bool(failure.transport_error) or failure.status == 0
    if no_answer and _DNS.search(text):
        return Cause(
            "transport",
            f"The NetSuite host name does not resolve: {said}",
            "The host is built from the account id: check NETSUITE_ACCOUNT (1234567_SB1 "
            "becomes 1234567-sb1.suitetalk.api.netsuite.com; no quotes, no 'rest.' prefix) and "
            "the machine's DNS or proxy.",
        )
    if no_answer and _TLS.search(text):
        return Cause(
            "transport",
            f"The TLS connection to NetSuite was not trusted: {said}",
            "A proxy or firewall that re-signs HTTPS, or an outdated CA bundle, is in the "
            "way: give the client the proxy's CA (REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, the "
            "JVM trust store) rather than turning verification off.",
        )
    if no_answer and _HTML_NOT_JSON.search(text):
        return Cause(
            "transport",
            f"NetSuite answered with an HTML page where JSON (or XML) was expected: {said}",
            "NetSuite serves HTML during maintenance and outages, for a wrong URL and for a "
            "login redirect: open the URL the client called, check the account host, and "
            f"retry later. {_IDEMPOTENT}",
        )
    if no_answer and (_RESET.search(text) or _TIMEOUT.search(text)):
        return Cause(
            "transport",
            f"The connection to NetSuite failed before an answer came: {said}",
            "A network problem, a proxy or a NetSuite outage, not the order: retry with "
            f"backoff. {_IDEMPOTENT} A create that timed out may still have been saved: look "
            "the order up by externalId before sending it again.",
        )
    if _MAINTENANCE.search(text):
        return Cause(
            "transport",
            f"NetSuite was down for scheduled maintenance: {said}",
            "Nothing is wrong with the order or the integration: retry after the maintenance "
            f"window (NetSuite publishes them per data center). {_IDEMPOTENT}",
        )
    if _SERVER_SIDE.search(text):
        return Cause(
            "transport",
            f"NetSuite failed on its side: {said}",
            "Retry later; if it persists, quote the Error ID (when there is one) to NetSuite "
            f"support. {_IDEMPOTENT}",
        )
    return None


def _governance(failure: Failure, text: str) -> Cause | None:
    if not _SOAP_GOVERNANCE.search(text):
        return None
    return Cause(
        "governance",
        f"NetSuite turned the request away: too many requests at once ({_said(failure)})",
        "The account's concurrency limit covers SOAP, REST and RESTlets together: send fewer "
        "requests at once (or give this integration a share of the limit in Setup > "
        "Integration > Integration Management > Integration Governance) and retry with "
        "backoff.",
    )


def _auth(failure: Failure, text: str) -> Cause | None:
    if _LOCKED_OUT.search(text):
        return Cause(
            "auth",
            f"NetSuite locked the user out after repeated failed logins: {_said(failure)}",
            "Wait for the lock to end, then fix the credentials before retrying: a retry with "
            "the wrong ones only adds failed attempts. Token-based authentication (TBA) avoids "
            "password logins altogether.",
        )
    if not _LOGIN.search(text) and not (failure.status == 401 and not failure.message):
        return None
    # The Detail values (InvalidSignature, ...) are what issue threads quote from the Login
    # Audit Trail (netsuitephp/netsuite-php#121); INFERRED: that a wrong realm leaves no
    # entry, and the order of the causes (how often public threads end with each one).
    return Cause(
        "auth",
        "NetSuite refused the login (Invalid login attempt); the message is the same for "
        "several different causes.",
        "Open the Login Audit Trail (" + _AUDIT_TRAIL + "; add the Detail and Role columns): "
        "'InvalidSignature' means a wrong consumer or token secret, or a signing bug; "
        "'InvalidToken' or an unknown consumer key means a revoked, expired or mistyped "
        "token or key; a role without 'REST Web Services' and 'Log in using Access Tokens' "
        "shows as that role's failed login; no entry at all points to a wrong realm or "
        "account id (upper case, 1234567_SB1, and the sandbox's own id). If only some "
        "requests fail, at the same moment as others succeed, the account's concurrency "
        "limit is the likelier cause (some clients report it as this error): send fewer "
        "requests at once.",
    )


def _permission(failure: Failure, text: str) -> Cause | None:
    """A permission error outside a REST call (a log line, a SOAP status, a SuiteScript
    error): the landing rules need the request to name the record; here NetSuite's own
    words name the permission."""
    if failure.record_type is not None or not _PERMISSION.search(text):
        return None
    named = _NAMED_PERMISSION.search(failure.message)
    if named:
        permission = named.group(1).replace(" -> ", " > ")
        hint = f"Grant the integration role '{permission}' ({_ROLES} > the role > Permissions)."
    elif "web services" in failure.message.lower():
        hint = (
            "Give the integration role the web services permission it uses: 'SOAP Web "
            f"Services' or 'REST Web Services', and 'Log in using Access Tokens' ({_ROLES})."
        )
    else:
        hint = f"Grant the integration role the permission NetSuite names ({_ROLES})."
    return Cause(
        "permission",
        f"The integration role lacks a permission NetSuite names: {_said(failure)}",
        hint + " A permission granted on another role of the same user does not count: the token's "
        "role is the one NetSuite checks.",
    )


def _required_translated(failure: Failure, text: str) -> Cause | None:
    found = _PLEASE_ENTER_TRANSLATED.search(failure.message)
    if found is None:
        return None
    label = found.group(1).strip()
    return Cause(
        "required-field",
        f"NetSuite requires '{label}' on the {failure.record_name}, and it was not sent "
        "(the label is in the account's language).",
        f"Send the field NetSuite names ('{label}': mandatory on the role's form, by an "
        f"accounting preference such as {_CLASSIFICATIONS}, or a mandatory custom field); "
        "a customer needs its primary subsidiary.",
    )


def _reference(failure: Failure, text: str) -> Cause | None:
    found = _REFERENCE_KEY.search(failure.message)
    if found is None:
        if (failure.code or "").upper() == "INVALID_KEY_OR_REF":
            return _reference_by_path(failure)
        return None
    field, key, scope, scope_id = found.groups()
    name = field.lower()
    if key.lower() == "error":  # "Invalid Account Reference Key Error": no key named
        key = "(not named)"
    where = f" for {scope} {scope_id}" if scope else ""
    if name in _CLASSIFICATION_FIELDS:
        # INFERRED: a stale location/department/class is fixed where mandatory classifications
        # are (the mapping's defaults), so it shares their category.
        label = name.capitalize()
        return Cause(
            "required-field",
            f"NetSuite refused {label} {key}{where}: it does not exist, is inactive or "
            "belongs to another subsidiary.",
            f"Set the {label} the mapping sends (or its default) to an active {name} of the "
            f"order's subsidiary; it is sent because {label} is mandatory "
            f"({_CLASSIFICATIONS}) or mapped.",
        )
    if name in _ROUTING_FIELDS:
        return Cause(
            "validation-rule",
            f"NetSuite refused {name} {key}{where}: it does not exist, is inactive or does "
            "not fit the order's subsidiary.",
            _ROUTING_HINTS.get(name, f"Send a {name} that exists and is active."),
        )
    return None


_ROUTING_HINTS = {
    "subsidiary": "Route the order to a subsidiary the customer, the items and the role may "
    "use (the mapping's subsidiaries.routes; the role's Accessible Subsidiaries).",
    "currency": "Send a currency the customer and the order's subsidiary use (the customer's "
    "Currencies subtab; Multiple Currencies on).",
    "account": "Point the mapping (or the connector's settings) at an active GL account of the "
    "order's subsidiary, e.g. the default A/R or A/P account the integration posts to.",
    "country": "Send countries as NetSuite knows them (in CSV imports the full name, 'United "
    "States', not 'US').",
}


def _reference_by_path(failure: Failure) -> Cause:
    last = re.split(r"[.\[\]]+", (failure.path or "").lower().strip(".[]"))[-1]
    category: Category = _PATH_CATEGORIES.get(last, "validation-rule")
    where = f" at {failure.path}" if failure.path else ""
    return Cause(
        category,
        f"NetSuite refused a reference{where} (INVALID_KEY_OR_REF): {failure.message}",
        "A record the order points at does not exist, is inactive or is not available to "
        "the order's subsidiary or customer: fix the id the mapping sends"
        + (f" for {failure.path}." if failure.path else "."),
    )


def _concurrent_edit(failure: Failure, text: str) -> Cause | None:
    if _CHANGED.search(text):
        return Cause(
            "sync-rule",
            f"Someone else saved the record between the read and the write: {_said(failure)}",
            "Two writers raced on one record: two deliveries of the same order, or a script "
            "or workflow that saves it after the connector read it. Update each order from one "
            "worker at a time and retry the write after reading the record again.",
        )
    if _DUPLICATE_RECORD.search(text):
        return Cause(
            "sync-rule",
            f"NetSuite already has this record or request: {_said(failure)}",
            "The same order (or request) was sent twice: upsert the Sales Order by externalId "
            "(PUT salesOrder/eid:<externalId>) and reuse an idempotency key only for the very "
            "same request.",
        )
    if _DUPLICATE_CUSTOMER.search(text):
        return Cause(
            "customer-match",
            f"NetSuite already has a customer with this ID: {_said(failure)}",
            "Look the customer up (by email, trimmed and case-insensitive, or by externalId) "
            "before creating one, and let NetSuite number new customers instead of sending an "
            "entity ID.",
        )
    return None


def _validation(failure: Failure, text: str) -> Cause | None:
    if _CLOSED_PERIOD.search(text):
        # INFERRED: sending the sync date for late orders is the usual connector setting; the
        # preference named is NetSuite's (Accounting Preferences > General Ledger).
        return Cause(
            "validation-rule",
            f"The order's date falls in a closed or locked accounting period: {_said(failure)}",
            "Send today's date as tranDate (not the WooCommerce order date) for late syncs, "
            "or ask accounting to reopen the period (Setup > Accounting > Manage Accounting "
            "Periods); 'Allow Transaction Date Outside of the Posting Period' decides which.",
        )
    too_long = _TOO_LONG.search(text)
    if too_long:
        field = too_long.group(1) or failure.path or "a field"
        limit = f" (at most {too_long.group(2)} characters)" if too_long.group(2) else ""
        return Cause(
            "validation-rule",
            f"A value is longer than NetSuite allows for {field}{limit}: {_said(failure)}",
            f"Cut {field} to NetSuite's length before sending (WooCommerce allows longer "
            "names, addresses and notes than NetSuite's fields hold).",
        )
    sublist = _SUBLIST_APPLY.search(text)
    if sublist:
        return Cause(
            "validation-rule",
            f"NetSuite found no open line to apply to in the {sublist.group(1)} sublist: "
            f"{_said(failure)}",
            "The transaction the payment or credit is applied to is already paid in full, "
            "or its amount changed: check that record before sending the application again.",
        )
    return None


def _script_limit(failure: Failure, text: str) -> Cause | None:
    found = _SCRIPT_LIMIT.search(text)
    if found is None:
        return None
    return Cause(
        "script-or-workflow",
        f"A SuiteScript in the account failed while saving the record ({found.group(0)}): "
        f"{_said(failure)}",
        "Ask the NetSuite administrator which script runs on this record (Customization > "
        "Scripting > Script Deployments; the execution log names it) and whether it should "
        "run for web services (execution context REST/SOAP Web Services).",
    )


def _said(failure: Failure) -> str:
    """NetSuite's (or the client's) own words, without the generic prefix."""
    return failure.message or failure.transport_error or failure.code or "no detail"


_CHECKS: tuple[Callable[[Failure, str], Cause | None], ...] = (
    _network,
    _governance,
    _auth,
    _permission,
    _required_translated,
    _reference,
    _concurrent_edit,
    _validation,
    _script_limit,
)

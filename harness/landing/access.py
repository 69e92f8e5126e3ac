"""Refusals about who may do what: the integration's login, and its role's permissions
(reference netsuite-rest 5.3; salesorder-semantics 7).

Each check takes a refused request and returns its cause, or None when it is about something
else; `classify` runs them in its order.
"""

from __future__ import annotations

import re

from harness.landing.failure import Cause, Failure, ItemNamer

_ROLES_PAGE = "Setup > Users/Roles > Manage Roles"
_AUTH_CODES = frozenset(
    {
        "INVALID_LOGIN",
        "INVALID_LOGIN_ATTEMPT",
        "INVALID_LOGIN_CREDENTIALS",
        "TOKEN_REJECTED",
        "INVALID_CLIENT",
        "INVALID_GRANT",
        "UNAUTHORIZED_CLIENT",
        "INVALID_TOKEN",
    }
)
_PERMISSION_TEXTS = (
    "permission violation",
    "your current role does not have permission",
    "you do not have permission",
    "you do not have privileges",
    "you do not have permissions to set a value",
    "you need a higher level of the",
)
_NEED_PERMISSION = re.compile(
    r"you need\s+(?:a higher level of\s+)?the '([^']+)' permission", re.IGNORECASE
)

# (record type in the URL, lower-cased) -> the NetSuite permission that governs it.
_PERMISSIONS = {
    "salesorder": "Transactions > Sales Order",
    "customer": "Lists > Customers",
    "inventoryitem": "Lists > Items",
    "noninventorysaleitem": "Lists > Items",
    "otherchargesaleitem": "Lists > Items",
    "serviceitem": "Lists > Items",
    "discountitem": "Lists > Items",
    "shipitem": "Setup > Shipping Items",
    "salestaxitem": "Setup > Tax Records",
    "suiteql": "Reports > SuiteAnalytics Workbook",
}
# SuiteQL answers a query on a table the role may not view as if the table did not exist:
# "Search error occurred: Record 'item' was not found." (CONFIRMED-weak: public client tests
# quote it for a record the role lacks; the sandbox answers so, suiteql/errors.py). A table
# that exists for no role reads "Invalid search type: ..." instead (reference netsuite-rest
# 4.2).
_HIDDEN_TABLE = re.compile(r"search error occurred: record '([^']+)' was not found", re.I)
# SuiteQL table -> the permission that shows it, View being enough (INFERRED, as the sandbox's
# own table permissions in sandbox/rules/permissions.py).
_TABLE_PERMISSIONS = {
    **dict.fromkeys(("item", "pricing"), "Lists > Items"),
    **dict.fromkeys(("customer", "customeraddressbook", "entityaddress"), "Lists > Customers"),
    **dict.fromkeys(
        ("transaction", "transactionline", "transactionbillingaddress",
         "transactionshippingaddress"),
        "Transactions > Find Transaction",
    ),
    "shipitem": "Setup > Shipping Items",
    "salestaxitem": "Setup > Tax Records",
    "taxgroup": "Setup > Tax Records",
    "subsidiary": "Lists > Subsidiaries",
    "currency": "Lists > Currency",
    "location": "Lists > Locations",
    "department": "Lists > Departments",
    "classification": "Lists > Classes",
    "term": "Lists > Accounting Lists",
    "pricelevel": "Lists > Accounting Lists",
}
_LEVELS = {"POST": "Create", "PUT": "Create", "PATCH": "Edit", "DELETE": "Full", "GET": "View"}


def auth(failure: Failure, _names: ItemNamer) -> Cause | None:
    code = (failure.code or "").upper()
    login = "invalid login attempt" in failure.message.lower()
    if failure.status == 401 or code in _AUTH_CODES or login:
        return Cause(
            "auth",
            "NetSuite did not accept the integration's login (INVALID_LOGIN).",
            "Check the credentials: consumer key/secret and token id/secret (or the OAuth 2.0 "
            "client id and certificate), the account id as realm in upper case (e.g. "
            "1234567_SB1), and that the token's role has 'Setup > REST Web Services' and "
            "'Setup > Log in using Access Tokens'. NetSuite's Login Audit Trail (Setup > "
            "Users/Roles > User Management > View Login Audit Trail) names the reason.",
        )
    return None


def hidden_table(failure: Failure, _names: ItemNamer) -> Cause | None:
    """A SuiteQL query on a table the role may not view (see `_HIDDEN_TABLE`)."""
    found = _HIDDEN_TABLE.search(failure.message)
    if found is None:
        return None
    table = found.group(1)
    permission = _TABLE_PERMISSIONS.get(table.lower())
    grant = (
        f"Grant the role '{permission}' at View level"
        if permission
        else "Grant the role the permission that shows these records"
    )
    return Cause(
        "permission",
        f"The integration role may not read the {table} table in SuiteQL: NetSuite answers "
        f"as if it did not exist ({failure.message})",
        f"{grant} ({_ROLES_PAGE} > the integration role > Permissions); SuiteQL hides a "
        "table from a role that may not view its records.",
    )


def permission(failure: Failure, _names: ItemNamer) -> Cause | None:
    text = failure.message.lower()
    code = (failure.code or "").upper()
    if not (
        failure.status == 403
        or code == "INSUFFICIENT_PERMISSION"
        or any(t in text for t in _PERMISSION_TEXTS)
    ):
        return None
    if "set a value for element" in text:
        return Cause(
            "permission",
            f"The integration role may not set a field NetSuite hides from it: {failure.message}",
            "Show the field on the role's preferred transaction form (Customization > Forms) "
            "or stop sending it.",
        )
    named = _NEED_PERMISSION.search(failure.message)
    record = (failure.record_type or "").lower()
    permission = named.group(1).replace(" -> ", " > ") if named else _PERMISSIONS.get(record)
    level = _LEVELS.get(failure.method.upper(), "Full")
    what = {
        "POST": "create",
        "PUT": "create or update",
        "PATCH": "edit",
        "DELETE": "delete",
        "GET": "read",
    }.get(failure.method.upper(), "use")
    thing = failure.record_name
    if "subsidiar" in text:
        hint = (
            "Give the integration role access to the order's subsidiary (the role's "
            f"Accessible Subsidiaries, {_ROLES_PAGE})."
        )
    elif permission:
        hint = (
            f"Grant the role '{permission}' at {level} level ({_ROLES_PAGE} > the integration "
            "role > Permissions)."
        )
    else:
        hint = f"Grant the integration role the permission NetSuite names ({_ROLES_PAGE})."
    return Cause(
        "permission",
        f"The integration role may not {what} {thing} records: {failure.message}",
        hint,
    )

"""What surrounds an error in a line: the order it was about, the record, the request.

Connectors write the order next to the error in many spellings ("Order #1011", "order 1002:",
"PO # 4471", "eid:woo-7004", `"orderId": 5102`); internal ids come as "internal id 123" or in
a record URL. A generic network error (a DNS failure, a reset connection) is only NetSuite's
when something ties it to NetSuite: the line or the file names a NetSuite host or NetSuite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ORDER_PATTERNS = (
    re.compile(
        r"(?i)\b(?:sales\s*)?order[\s_-]*(?:#|no\.?|number|num|id)?[\"']?\s*[:=]?\s*[\"']?"
        r"\s*#?\s*([A-Z]{0,4}[-_]?\d[\w-]*)"
    ),
    re.compile(r"(?i)\bPO\s*(?:#|number|no\.?)?\s*[:=]?\s*#?\s*(\d[\w-]*)"),
    re.compile(r"(?i)\beid:([\w-]+)"),
    re.compile(r"(?<![\w&])#(\d{3,})\b"),
)
_RECORD_URL = re.compile(r"/record/v1/([A-Za-z]+)/(\d+)\b")
_INTERNAL_ID = re.compile(r"(?i)\binternal\s*_?id\s*[:=#]?\s*\"?(\d+)")
_METHOD_AND_URL = re.compile(
    r"\b(GET|POST|PUT|PATCH|DELETE)\s+(\S*?/(?:services/rest|record/v1|query/v1|app/site)\S*)",
    re.IGNORECASE,
)
_STATUS = re.compile(r"(?<![\w.:/-])([45]\d\d)(?![\w.%])")
_NETSUITE = re.compile(
    r"(?i)netsuite|suitetalk|suitescript|restlet|netledger|/services/rest/|/record/v1/"
    r"|/query/v1/|o:errorDetails|o:errorCode|urn:\w+_\d{4}_\d\.\w+\.webservices"
)
_URL = re.compile(r"(?i)\bhttps?://[^\s\"'<>]+")
# Field names a structured log or an export uses for the order.
ORDER_KEYS = frozenset(
    {
        "order",
        "orderid",
        "ordernumber",
        "orderno",
        "ordernum",
        "ordername",
        "salesorder",
        "woocommerceorder",
        "shopifyorder",
        "channelorderid",
        "externalid",
        "ponumber",
        "po",
        "otherrefnum",
        "documentnumber",
        "tranid",
    }
)


@dataclass(frozen=True)
class Request:
    """The request a line mentions, if any."""

    method: str = "?"
    resource: str = ""
    status: int | None = None


def normal_key(name: str) -> str:
    """`Order Number`, `order_number`, `orderNumber` -> `ordernumber`."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def order_in(text: str) -> str | None:
    """The order a line is about, as the line writes it (without a leading #)."""
    for pattern in _ORDER_PATTERNS:
        found = pattern.search(text)
        if found:
            return found.group(1)
    return None


def record_in(text: str) -> str | None:
    """A NetSuite record the line names by internal id: `salesOrder 1234` or `internal id 42`."""
    url = _RECORD_URL.search(text)
    if url:
        return f"{url.group(1)} {url.group(2)}"
    internal = _INTERNAL_ID.search(text)
    return f"internal id {internal.group(1)}" if internal else None


def request_in(text: str) -> Request:
    """The method, resource and HTTP status a line mentions before its error."""
    found = _METHOD_AND_URL.search(text)
    status = _STATUS.search(text)
    return Request(
        method=found.group(1).upper() if found else "?",
        resource=found.group(2) if found else "",
        status=int(status.group(1)) if status else None,
    )


def names_another_host(text: str) -> bool:
    """True when the line calls a URL that is not NetSuite's (a shop, a webhook, a queue)."""
    return any(not _NETSUITE.search(url) for url in _URL.findall(text))


def mentions_netsuite(text: str) -> bool:
    """True when the text names NetSuite, one of its hosts or its wire format."""
    return _NETSUITE.search(text) is not None

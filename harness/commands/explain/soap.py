"""SuiteTalk SOAP answers: a `soapenv:Fault`, or a `statusDetail` inside a response whose
`status isSuccess="false"` (an add, update or upsert NetSuite refused).

A SOAP fault names a Java-ish faultcode (`soapenv:Server.userException`) and the message in
`faultstring`; its `detail` usually repeats it with NetSuite's code. A refused record write
answers HTTP 200 with `<platformCore:statusDetail type="ERROR">` holding `code` and `message`.
Envelopes are found whole inside logs too (client libraries log them across many lines).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from harness.commands.explain.findings import Occurrence
from harness.commands.explain.secrets import mask_line
from harness.landing.failure import Failure
from harness.netsuite.redact import Redactor

_ENVELOPE = re.compile(
    r"<(?P<prefix>[\w-]+:)?Envelope\b.*?</(?P=prefix)?Envelope\s*>", re.DOTALL | re.IGNORECASE
)
_PREFIX = re.compile(r"<(/?)[A-Za-z_][\w.-]*:(?=[A-Za-z_])")
_ATTRIBUTE_PREFIX = re.compile(r"\s[A-Za-z_][\w.-]*:([A-Za-z_][\w.-]*=)")
_XMLNS = re.compile(r"\sxmlns:[\w.-]+=\"[^\"]*\"")
_FAULT_STATUS = 500  # SOAP faults come with HTTP 500 (SOAP 1.1)


def parse_xml(text: str) -> ET.Element | None:
    """The document element, or None when the text is not well-formed XML. A fragment cut
    out of an envelope (its namespace declarations left behind) is read without prefixes."""
    source = text.strip().lstrip("\ufeff")
    bare = _ATTRIBUTE_PREFIX.sub(r" \1", _PREFIX.sub(r"<\1", _XMLNS.sub("", source)))
    for candidate in (source, bare):
        try:
            return ET.fromstring(candidate)
        except ET.ParseError:
            continue
    return None


def local(tag: str) -> str:
    """`{urn:core_2016_2.platform.webservices.netsuite.com}code` -> `code`."""
    return tag.rsplit("}", 1)[-1]


def is_envelope(root: ET.Element) -> bool:
    return local(root.tag) == "Envelope"


def envelopes_in(text: str) -> list[tuple[int, int, ET.Element]]:
    """SOAP envelopes inside a longer text: (first line, last line, parsed envelope)."""
    found = []
    for match in _ENVELOPE.finditer(text):
        root = parse_xml(match.group(0))
        if root is not None:
            first = text.count("\n", 0, match.start()) + 1
            last = text.count("\n", 0, match.end()) + 1
            found.append((first, last, root))
    return found


def soap_occurrences(root: ET.Element, where: str, redactor: Redactor) -> list[Occurrence]:
    """One occurrence per fault or per error statusDetail in an envelope."""
    found: list[Occurrence] = []
    for element in root.iter():
        name = local(element.tag)
        if name == "Fault":
            found.append(_fault(element, where, redactor))
        elif name == "statusDetail" and element.get("type", "ERROR").upper() == "ERROR":
            code, message = _child(element, "code"), _child(element, "message")
            if code or message:
                found.append(_occurrence(where, redactor, 400, code, message))
    return found


def _fault(fault: ET.Element, where: str, redactor: Redactor) -> Occurrence:
    faultstring = _child(fault, "faultstring") or ""
    code = message = None
    for element in fault.iter():
        if local(element.tag) == "code" and element.text:
            code = code or element.text.strip()
        if local(element.tag) == "message" and element.text:
            message = message or element.text.strip()
    return _occurrence(where, redactor, _FAULT_STATUS, code, message or faultstring)


def _child(element: ET.Element, name: str) -> str | None:
    for child in element:
        if local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def _occurrence(
    where: str, redactor: Redactor, status: int, code: str | None, message: str | None
) -> Occurrence:
    detail = redactor.text(" ".join((message or "").split()))
    shown = mask_line(redactor, f"{code}: {detail}" if code else detail)
    # A fault is HTTP 500 only for the transport; NetSuite's message decides the cause.
    failure = Failure(
        method="?",
        resource="",
        status=400 if detail or code else status,
        code=code,
        detail=detail,
    )
    return Occurrence(where=where, evidence=shown, failure=failure)

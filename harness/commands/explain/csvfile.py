"""Error exports as CSV: one row per failed record, a column with NetSuite's message and one
with the order (Celigo's error download, FarApp's order export, a NetSuite CSV import's
response file).

The columns are found by their headers: "Error Message", "Error", "Reason", "Message",
"Details"... for the message; "Order Number", "Order ID", "PO #", "External ID"... for the
order. Without a message column every cell of the row is searched.
"""

from __future__ import annotations

import csv
import io
import re

from harness.commands.explain.context import ORDER_KEYS, normal_key
from harness.commands.explain.findings import Occurrence
from harness.commands.explain.secrets import mask_line
from harness.commands.explain.text import scan_unit
from harness.netsuite.redact import Redactor

_MESSAGE_HEADER = re.compile(r"(?i)error|message|reason|detail|exception|response|status|fault")
_ORDER_HEADER = re.compile(r"(?i)order|\bpo\b|purchase order|external ?id|document ?number")
_LONGEST_HEADER = 60
_HEADER_CELL = re.compile(r"[A-Za-z][A-Za-z0-9 _#./()&:-]*(?<!\d\d\d)")


def read_csv(text: str) -> tuple[list[str], list[list[str]]] | None:
    """(header, rows) when the text is a CSV export with a header row, else None."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    if first.count(delimiter) == 0:
        return None
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))
    except csv.Error:  # a cell past the csv module's field limit (128 KiB): not an export
        return None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        return None
    header = [cell.strip() for cell in rows[0]]
    if not all(_HEADER_CELL.fullmatch(cell) and len(cell) <= _LONGEST_HEADER for cell in header):
        return None  # a header names columns; a log line or a data row does not look like one
    if not any(_MESSAGE_HEADER.search(cell) or _ORDER_HEADER.search(cell) for cell in header):
        return None
    even = sum(1 for row in rows[1:] if len(row) == len(header))
    if even < (len(rows) - 1) / 2:
        return None
    return header, rows[1:]


def scan_csv(
    header: list[str], rows: list[list[str]], redactor: Redactor, *, netsuite_nearby: bool
) -> list[Occurrence]:
    """The NetSuite failures of every row; `row N` counts data rows from 1."""
    messages = [i for i, name in enumerate(header) if _MESSAGE_HEADER.search(name)]
    orders = [
        i
        for i, name in enumerate(header)
        if normal_key(name) in ORDER_KEYS or _ORDER_HEADER.search(name)
    ]
    found: list[Occurrence] = []
    for number, row in enumerate(rows, start=1):
        order = next(
            (row[i].strip().lstrip("#") for i in orders if i < len(row) and row[i].strip()), None
        )
        columns = messages or range(len(row))
        for index in columns:
            if index >= len(row) or not row[index].strip():
                continue
            cell = row[index]
            label = header[index] if index < len(header) else f"column {index + 1}"
            prefix = f"{header[orders[0]]} {order}, " if order and orders else ""
            found.extend(
                scan_unit(
                    cell,
                    f"row {number}",
                    redactor,
                    netsuite_nearby=netsuite_nearby,
                    order=order,
                    evidence=f"{prefix}{label}: {mask_line(redactor, cell)}",
                )
            )
    return found

"""How values, mismatches and sent fields read inside a diagnosis's sentences."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from harness.landing.failure import field_of
from harness.landing.verdict import Mismatch

Worded = tuple[str, str, list[str]]  # summary, hint, extra evidence


def shown(value: Any) -> str:
    """A mismatch value in a sentence: Decimals as written, None as "nothing"."""
    if value is None:
        return "nothing"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def money(value: Decimal, precision: int = 2) -> str:
    """An amount at the currency's decimals: `0.71`, `8.00`."""
    return format(value.quantize(Decimal(1).scaleb(-precision)), "f")


def mismatch_line(m: Mismatch) -> str:
    """`taxTotal: expected 6.58, actual 5.87`."""
    return f"{m.field}: expected {shown(m.expected)}, actual {shown(m.actual)}"


def as_json(value: Any) -> str:
    return json.dumps(value, separators=(", ", ": "), default=str)


def sent_fields(body: dict[str, Any], *names: str) -> str:
    """What the connector sent for some header fields: `sent {"shippingCost": 8}`."""
    present = {name: field_of(body, name) for name in names if field_of(body, name) is not None}
    return f"sent {as_json(present)}" if present else f"sent no {', '.join(names)}"


def line_key(m: Mismatch) -> str:
    """`lines[HOODIE-BLK-M].rate` -> `HOODIE-BLK-M`."""
    return m.field.split("]")[0].removeprefix("lines[")

"""Values as the store holds them, under SuiteQL's conventions (see `schema.py`).

Booleans are `'T'`/`'F'`, timestamps UTC text, multi-selects one text of ids, addresses
carry their printable text.
"""

from __future__ import annotations

from datetime import UTC, datetime


def tf(value: bool) -> str:
    """A Python bool as SuiteQL's `'T'`/`'F'`."""
    return "T" if value else "F"


def timestamp(moment: datetime) -> str:
    """An aware datetime as the stored UTC form `YYYY-MM-DDTHH:MM:SSZ`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def id_list(ids: list[int]) -> str:
    """A multi-select value as stored: `'1, 2'`."""
    return ", ".join(str(i) for i in ids)


def parse_id_list(text: str | None) -> list[int]:
    """The ids of a stored multi-select value (`'1, 2'` -> `[1, 2]`)."""
    if not text:
        return []
    return [int(part) for part in text.split(",") if part.strip()]


def format_address(parts: dict[str, str | None]) -> str:
    """An address's printable text, as NetSuite fills `addrText` (one part per line)."""
    city_line = " ".join(p for p in (parts.get("city"), parts.get("state"), parts.get("zip")) if p)
    lines = [
        parts.get("attention"),
        parts.get("addressee"),
        parts.get("addr1"),
        parts.get("addr2"),
        parts.get("addr3"),
        city_line,
        parts.get("country"),
    ]
    return "\n".join(line for line in lines if line)

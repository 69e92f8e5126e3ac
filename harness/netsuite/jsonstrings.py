"""Every string of a JSON-shaped value, and the value with its strings replaced: how
redaction masks a whole document's strings in one scan (`Redactor.registered_value`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def plain_strings_in(data: Any, found: set[str]) -> None:
    """Every `str` of a JSON-shaped value, keys included."""
    if isinstance(data, Mapping):
        found.update(key for key in data if isinstance(key, str))
        for item in data.values():
            plain_strings_in(item, found)
    elif isinstance(data, list | tuple):
        for item in data:
            plain_strings_in(item, found)
    elif isinstance(data, str):
        found.add(data)


def replaced(data: Any, shown: Mapping[str, str]) -> Any:
    """`data` with each `str` (keys included) replaced by `shown[str]`."""
    if isinstance(data, Mapping):
        return {
            shown[key] if isinstance(key, str) else key: replaced(item, shown)
            for key, item in data.items()
        }
    if isinstance(data, list | tuple):
        return [replaced(item, shown) for item in data]
    return shown[data] if isinstance(data, str) else data

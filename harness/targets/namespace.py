"""Per-run namespaces for externalIds, so runs against one shared account never collide.

A mapping template may use `{prefix}` (e.g. `external_id: "woo-{prefix}{number}"`). The run
fills it in once, in the mapping itself, so the connector that pushes and the verification
that reads back agree on every externalId without either having to know about namespaces.
"""

from __future__ import annotations

import secrets
import string
from typing import TYPE_CHECKING, Any

from harness.targets.settings import TargetKind

if TYPE_CHECKING:
    from harness.mapping import Mapping

# Recordings must replay byte for byte, so record and replay share one fixed namespace; a
# random one per run would make every cassette miss on its own externalIds.
RECORDING_PREFIX = "rec-"


def run_prefix(target: TargetKind) -> str:
    """The namespace of a new run: none in the throwaway sandbox, fresh per live run."""
    if target == "sim":
        return ""
    if target in ("record", "replay"):
        return RECORDING_PREFIX
    return f"run{secrets.token_hex(3)}-"


def fill_prefix(template: str, prefix: str) -> str:
    """`template` with `{prefix}` replaced by `prefix` and every other placeholder kept."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return template  # not a template
    if not any(name == "prefix" for _, name, _, _ in parsed):
        return template
    out: list[str] = []
    for literal, name, spec, conversion in parsed:
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        if name == "prefix":
            out.append(prefix.replace("{", "{{").replace("}", "}}"))
            continue
        out.append(
            "{"
            + name
            + (f"!{conversion}" if conversion else "")
            + (f":{spec}" if spec else "")
            + "}"
        )
    return "".join(out)


def _filled(value: Any, prefix: str) -> Any:
    if isinstance(value, str):
        return fill_prefix(value, prefix)
    if isinstance(value, dict):
        return {key: _filled(item, prefix) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, prefix) for item in value]
    return value


def namespaced(mapping: Mapping, prefix: str) -> Mapping:
    """`mapping` with the run's namespace written into every template that asks for it."""
    data = mapping.model_dump(mode="python", by_alias=True)
    filled = _filled(data, prefix)
    if filled == data:
        return mapping
    return type(mapping).model_validate(filled)

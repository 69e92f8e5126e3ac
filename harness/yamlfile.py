"""YAML files validated by pydantic models, with errors that point at `file:line`.

Every configuration file of the harness (account profiles, mappings, the scenario
catalogue) is loaded through `load_model`, so a typo anywhere is reported the same way:
`accounts/demo.yaml:42: items.3.basePrice: Input should be a valid number (got 'abc')`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


class ConfigFileError(ValueError):
    """A configuration file is unreadable or invalid; `problems` are `file:line: message`."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class LoadedYaml:
    """Parsed YAML plus the line (1-based) where every mapping key / sequence item starts."""

    path: str
    data: Any
    lines: dict[Loc, int]

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest known prefix of `loc` (the file's first line at worst)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1


def _record_lines(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            lines[(*loc, key)] = key_node.start_mark.line + 1
            _record_lines(value_node, (*loc, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*loc, index), lines)


# libyaml's parser where PyYAML was built with it (every wheel on PyPI is): the same nodes,
# marks and errors as the pure-Python one, ~10x faster on the catalogue and profiles.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: str | Path) -> LoadedYaml:
    """Parse a YAML file, keeping line numbers; syntax errors become `ConfigFileError`."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigFileError([f"{name}:1: cannot read file ({exc.strerror})"]) from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        where = f"byte 0x{exc.object[exc.start]:02x} at offset {exc.start}"
        raise ConfigFileError([f"{name}:{line}: not UTF-8 text ({where})"]) from None
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ConfigFileError([f"{name}:{line}: invalid YAML: {exc.problem}"]) from None
    except yaml.YAMLError as exc:
        raise ConfigFileError([f"{name}:1: invalid YAML: {exc}"]) from None
    finally:
        loader.dispose()
    lines: dict[Loc, int] = {}
    if node is not None:
        _record_lines(node, (), lines)
    return LoadedYaml(name, data, lines)


def dotted(loc: Loc) -> str:
    """`('items', 3, 'price')` -> `items.3.price` (`<root>` for the empty path)."""
    return ".".join(str(part) for part in loc) or "<root>"


def describe(error: Any) -> str:
    """One pydantic error dict as `path: message (got X)`."""
    got = error.get("input")
    shown = repr(got)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    suffix = f" (got {shown})" if error.get("type") != "missing" else ""
    return f"{dotted(tuple(error['loc']))}: {error['msg']}{suffix}"


def problems_at(loaded: LoadedYaml, exc: ValidationError) -> list[str]:
    """Every pydantic error of `exc` as `file:line: path: message (got X)`."""
    return [
        f"{loaded.path}:{loaded.line_of(tuple(err['loc']))}: {describe(err)}"
        for err in exc.errors(include_url=False)
    ]


def load_model(path: str | Path, model: type[M], *, context: dict[str, Any] | None = None) -> M:
    """Load `path` and validate it as `model`; any problem raises `ConfigFileError`."""
    loaded = load_yaml(path)
    try:
        return model.model_validate(loaded.data, context=context)
    except ValidationError as exc:
        raise ConfigFileError(problems_at(loaded, exc)) from None

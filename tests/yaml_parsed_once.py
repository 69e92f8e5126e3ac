"""A YAML file parsed once per content in a test process.

The demo store's catalogue, account and mapping are parsed again by nearly every test (each
store, sandbox and catalogue a test makes reads them; a catalogue parse is ~50 ms, about a
third of the suite's time). `harness.yamlfile.load_yaml` is a function of the file's name and
text, so its result is kept per (name, text) and each caller gets its own copy of the data, as
from a fresh parse; a file that changes is parsed again, and an unreadable or invalid one
raises from the real function every time.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import harness.yamlfile as yamlfile

KEPT = 64  # the shipped files and a test module's own; files in tmp_path are rarely read twice

_parse_file = yamlfile.load_yaml
_parsed: dict[tuple[str, bytes], yamlfile.LoadedYaml] = {}


def _read(path: str | Path) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


def load_yaml_once_per_content(path: str | Path) -> yamlfile.LoadedYaml:
    """`load_yaml`, parsing a given (name, text) once; a copy of the data for every caller."""
    before = _read(path)
    key = (str(path), before or b"")
    loaded = _parsed.get(key) if before is not None else None
    if loaded is None:
        loaded = _parse_file(path)
        if before is not None and _read(path) == before:
            if len(_parsed) >= KEPT:
                del _parsed[next(iter(_parsed))]
            _parsed[key] = loaded
    return yamlfile.LoadedYaml(loaded.path, copy.deepcopy(loaded.data), dict(loaded.lines))


def install() -> None:
    """In `harness.yamlfile` and every module that imported `load_yaml` by name already."""
    for module in list(sys.modules.values()):
        if getattr(module, "load_yaml", None) is _parse_file:
            module.load_yaml = load_yaml_once_per_content  # type: ignore[attr-defined]

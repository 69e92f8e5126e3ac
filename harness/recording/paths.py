"""Where a test node's cassette lives: one file per node id, the same in every process.

`tests/test_orders.py::TestGuest::test_lands[usd]` ->
`<cassette_dir>/tests/test_orders/TestGuest.test_lands[usd].yaml`: one directory per test
module (as pytest-recording does), the rest of the node id as the file name. A name that had to
be changed to be filesystem-safe, or is too long, keeps a readable prefix and ends with a short
sha256 of the whole node id, so two node ids never share a file. Nothing here depends on the
process (no `hash()`), so xdist workers and later runs agree.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

SUFFIX = ".yaml"
# Well under the usual 255-byte limit for one path component, and still readable.
MAX_NAME = 100
_DIGEST_CHARS = 12
_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-\[\]]")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:_DIGEST_CHARS]


def _safe(segment: str) -> tuple[str, bool]:
    """`segment` made filesystem-safe, and whether that lost information."""
    safe = _UNSAFE.sub("_", segment)
    lossy = safe != segment
    if safe.strip(".") != safe or not safe:
        # No hidden files, no `.`/`..`, no trailing dots (Windows drops them).
        safe, lossy = safe.strip(".") or "_", True
    return safe, lossy


def _shorten(name: str, digest: str, limit: int = MAX_NAME) -> str:
    """A readable prefix of `name` and the digest, in at most `limit` characters."""
    return name[: limit - len(digest) - 1].rstrip(".") + "-" + digest


def cassette_path(cassette_dir: Path, nodeid: str) -> Path:
    """The cassette file of pytest node `nodeid` under `cassette_dir`."""
    if not nodeid.strip():
        raise ValueError(
            f"nodeid: {nodeid!r} is empty (expected a pytest node id like tests/test_x.py::test_y)"
        )
    module, sep, test = nodeid.partition("::")
    parts = module.split("/")
    # Node ids of test files end in .py; anything else could collide with one that does.
    lossy = not parts[-1].endswith(".py") or not sep
    parts[-1] = parts[-1].removesuffix(".py")
    directories: list[str] = []
    for part in parts:
        safe, changed = _safe(part)
        lossy = lossy or changed
        if len(safe) > MAX_NAME:
            safe, lossy = _shorten(safe, _digest(part)), True
        directories.append(safe)
    # `Class::test` -> `Class.test`; ambiguous only when the node id also holds a `.`.
    name, changed = _safe(test.replace("::", ".")) if sep else ("_", True)
    lossy = lossy or changed or ("::" in test and "." in test)
    if lossy or len(name) + len(SUFFIX) > MAX_NAME:
        name = _shorten(name, _digest(nodeid), MAX_NAME - len(SUFFIX))
    return Path(cassette_dir).joinpath(*directories, name + SUFFIX)


CATALOGUE_TEST = "scenarios/test_catalogue.py::test_scenario"
"""The catalogue suite's test: `harness run` and pytest share its cassettes."""


def scenario_nodeid(name: str) -> str:
    """The pytest node id the catalogue suite gives a scenario (and its cassette)."""
    return f"{CATALOGUE_TEST}[{name}]"

"""`harness explain`: what NetSuite errors in any text a user has actually mean.

People paste what they have: one error body NetSuite sent (REST JSON, a SuiteScript or
RESTlet error, a SOAP fault, the HTML page its edge serves during outages), a connector's log
(text, JSON lines, a stack trace), an error export (CSV), or a file the harness wrote itself
(a call log, the run report, the pytest report, JUnit XML, `harness land --json`). Each
NetSuite failure found is diagnosed with the rules that diagnose landings
(`harness.landing.classify`, preceded by this package's table of the families only logs
hold), repeated causes are grouped, and every printed string is masked first.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from harness.commands.explain.model import ExplainError, Explanation, Finding, SourceKind
from harness.commands.explain.read import explain_text

__all__ = [
    "ExplainError",
    "Explanation",
    "Finding",
    "SourceKind",
    "explain_file",
    "explain_text",
]

STDIN = "-"


def explain_file(path: str | Path, *, environ: Mapping[str, str] | None = None) -> Explanation:
    """Read `path` (`-`: standard input) and explain every failure in it."""
    if str(path) == STDIN:
        raw = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        source = Path(path)
        name = str(source)
        try:
            raw = source.read_bytes()
        except OSError as exc:
            raise ExplainError(f"{source}: cannot read the file ({exc.strerror or exc})") from None
    return explain_text(_decoded(raw), name=name, environ=environ)


def _decoded(raw: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 as exported by Windows tools; else Latin-1."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")

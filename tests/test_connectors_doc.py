"""docs/connectors.md says only what is true: every example in it runs.

Each ```python or ```sh block of the page carries a marker on the line before it:

- `<!-- excerpt of FILE -->`: the block is, verbatim, part of the starter project's FILE;
- `<!-- file: NAME in EXAMPLE -->`: the block is the file NAME of the example project EXAMPLE;
- `<!-- run in EXAMPLE; expect: TEXT -->`: the block is run with bash (`-e -o pipefail`) in
  EXAMPLE's project, must exit 0 and print TEXT.

An example project is what `harness init` writes, without its conftest.py (an example brings
its own when it needs one), plus the example's files. The fixed ports of the page are swapped
for free ones.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harness.commands.init import starter_files, write_project

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "docs" / "connectors.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.M | re.S)
MARKER = re.compile(r"<!--\s*(.*?)\s*-->\s*$")
PORTS = ("8765", "8080")


@dataclass
class Example:
    name: str
    files: dict[str, str] = field(default_factory=dict)
    runs: list[tuple[str, str]] = field(default_factory=list)  # (script, expected text)


@dataclass
class Page:
    excerpts: list[tuple[str, str]] = field(default_factory=list)  # (starter file, text)
    examples: dict[str, Example] = field(default_factory=dict)
    unmarked: list[str] = field(default_factory=list)


def read_page(text: str) -> Page:
    page = Page()
    for fence in FENCE.finditer(text):
        language, body = fence.group(1), fence.group(2)
        if language not in ("python", "sh"):
            continue
        before = text[: fence.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = MARKER.match(before.strip())
        what = marker.group(1) if marker else ""
        if excerpt := re.fullmatch(r"excerpt of (\S+)", what):
            page.excerpts.append((excerpt.group(1), body))
        elif named := re.fullmatch(r"file: (\S+) in ([\w-]+)", what):
            example = page.examples.setdefault(named.group(2), Example(named.group(2)))
            example.files[named.group(1)] = body
        elif run := re.fullmatch(r"run in ([\w-]+); expect: (.+)", what):
            example = page.examples.setdefault(run.group(1), Example(run.group(1)))
            example.runs.append((body, run.group(2)))
        else:
            page.unmarked.append(body.splitlines()[0] if body else language)
    return page


PAGE_READ = read_page(PAGE.read_text(encoding="utf-8"))


def test_every_example_of_the_page_is_marked_and_runs_somewhere() -> None:
    assert PAGE_READ.unmarked == []
    assert PAGE_READ.excerpts
    assert set(PAGE_READ.examples) == {"fixture", "python", "external", "command", "webhook"}
    assert all(example.runs for example in PAGE_READ.examples.values())


def test_a_block_without_a_marker_is_found() -> None:
    page = read_page("text\n\n```python\nprint(1)\n```\n\n<!-- run in x; expect: y -->\n"
                     "```sh\ntrue\n```\n")
    assert page.unmarked == ["print(1)"] and page.examples["x"].runs == [("true\n", "y")]


@pytest.mark.parametrize(("name", "excerpt"), PAGE_READ.excerpts, ids=lambda v: str(v)[:30])
def test_an_excerpt_is_what_the_starter_project_holds(name: str, excerpt: str) -> None:
    starter = {f.path: f.text for f in starter_files()}
    assert excerpt in starter[name]


def _free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def _environment() -> dict[str, str]:
    """The page's reader: the harness's virtualenv first on PATH, no account of theirs."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NETSUITE_", "PYTEST_")) and k != "HARNESS_CATALOGUE"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def _run(script: str, cwd: Path, log: Path) -> int:
    """bash -e: the script's status; whatever it left running in the background is stopped."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", "-e", "-o", "pipefail", "-c", script],
            cwd=cwd, env=_environment(), stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            return process.wait(timeout=300)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)


@pytest.mark.parametrize("name", sorted(PAGE_READ.examples))
def test_the_example_runs_as_the_page_says(name: str, tmp_path: Path) -> None:
    example = PAGE_READ.examples[name]
    project = tmp_path / name
    write_project(project)
    (project / "conftest.py").unlink()
    for file_name, text in example.files.items():
        (project / file_name).write_text(text, encoding="utf-8")
    ports = {port: _free_port() for port in PORTS}
    for index, (script, expected) in enumerate(example.runs):
        for fixed, free in ports.items():
            script = script.replace(fixed, free)
        log = tmp_path / f"run-{index}.log"
        status = _run(script, project, log)
        output = log.read_text(encoding="utf-8", errors="replace")
        assert status == 0, f"$ {script}\n{output}"
        assert expected in output, f"$ {script}\n{output}"

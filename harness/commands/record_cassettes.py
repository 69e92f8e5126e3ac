"""Record the catalogue's cassettes from the embedded sandbox served over HTTP.

`make cassettes` (or `python -m harness.commands.record_cassettes DIR`) serves the demo account
on a loopback port, points the NETSUITE_* settings at it and runs the catalogue with
`--ns-target=record`, so the committed cassettes are exactly what a real client exchanged
with a NetSuite host: signed requests, scrubbed on write.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from harness.sandbox.serve import Sandbox

CATALOGUE_SUITE = "scenarios/test_catalogue.py"


def record(cassettes: Path, extra: list[str]) -> int:
    """Rewrite `cassettes` whole from a fresh embedded sandbox; returns pytest's exit code."""
    sandbox = Sandbox()
    server = sandbox.serve_http()
    try:
        env = {**os.environ, **sandbox.client_environment(server.url)}
        if cassettes.exists():
            shutil.rmtree(cassettes / "scenarios", ignore_errors=True)
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:xdist",
            CATALOGUE_SUITE,
            "--ns-target=record",
            f"--ns-cassettes={cassettes}",
            *extra,
        ]
        return subprocess.call(command, env=env)
    finally:
        server.stop()
        sandbox.close()


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path("cassettes")
    return record(target, argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The committed cassettes replay the whole catalogue offline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_cassettes_replay_the_catalogue_with_the_network_blocked() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETSUITE_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:xdist",
            "-p",
            "no:randomly",
            "scenarios/test_catalogue.py",
            "--ns-target=replay",
            "--ns-strict-cassettes",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 skipped" in done.stdout  # the second-role scenario needs the in-process sandbox
    assert " failed" not in done.stdout

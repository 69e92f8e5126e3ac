"""A package from the npm registry with a script beside it, run by Node.js as its README shows:
what the tests of third-party JavaScript clients share. A registry that cannot be reached
fails the test with npm's own words; without Node.js the test fails under CI (`.ci/run`
installs it) and is skipped elsewhere."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest


def node_or_skip() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm:
        return node
    message = "Node.js (node and npm) is not installed; .ci/run installs Debian's nodejs and npm"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def npm_installed(factory: pytest.TempPathFactory, package: str, script: str) -> Path:
    """A folder with `package` installed from the npm registry and `script` as `drive.js`."""
    node_or_skip()
    directory = factory.mktemp(re.sub(r"[^A-Za-z0-9]+", "-", package).strip("-"))
    npm = shutil.which("npm") or "npm"
    try:
        installed = subprocess.run(
            [npm, "install", "--prefix", str(directory), package, "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"npm install {package} did not finish in 300 s: is the registry reachable?")
    if installed.returncode != 0:
        pytest.fail(
            f"npm install {package} failed (is the npm registry reachable from here?):\n"
            + "\n".join((installed.stderr or installed.stdout).strip().splitlines()[-15:])
        )
    (directory / "drive.js").write_text(script, encoding="utf-8")
    return directory


def drive(client_dir: Path, settings: dict[str, str], *, unset: str) -> dict[str, Any]:
    """`node drive.js` with `settings` (and none of the environment's variables starting with
    `unset`): the JSON object its last line prints, which must name no error."""
    ran = subprocess.run(
        [node_or_skip(), str(client_dir / "drive.js")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=client_dir,
        env={k: v for k, v in os.environ.items() if not k.startswith(unset)} | settings,
    )
    assert ran.returncode == 0, ran.stderr
    seen: dict[str, Any] = json.loads(ran.stdout.strip().splitlines()[-1])
    assert "error" not in seen, seen["error"]
    return seen

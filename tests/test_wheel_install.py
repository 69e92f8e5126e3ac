"""Installed like any tool: the wheel in a fresh virtualenv outside the repository, then a new
user's first steps in a project of their own. Every step must exit 0 and say what it should.

One test, one wheel, one virtualenv, reused by every step. The wheel is built by its own
build backend and installed by pip with no index. Its dependencies are not fetched again: the
virtualenv sees exactly the closure of the wheel's `Requires-Dist` as installed here (a
folder of links, one per top-level name each of those distributions installed), and their
versions must satisfy what the wheel declares. A module the package imports but does not
declare is therefore missing in the virtualenv, as it would be after a `pip install`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import requests
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from requests_oauthlib import OAuth1

REPO = Path(__file__).resolve().parents[1]
ORDER = REPO / "tests" / "cli" / "data" / "order-lands.json"
PIP_TIMEOUT = 600


def _source_copy(target: Path) -> Path:
    """What the wheel is built from (pyproject, README, the package), away from the checkout,
    so the build writes nothing into the repository."""
    shutil.copy2(REPO / "pyproject.toml", target / "pyproject.toml")
    shutil.copy2(REPO / "README.md", target / "README.md")
    shutil.copytree(REPO / "harness", target / "harness",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def _pip(*args: str) -> None:
    """pip as this interpreter runs it, but blind to a PYTHONPATH of the shell's: one naming the
    checkout shows pip its `.egg-info`, and pip then takes the wheel as already installed."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True, text=True, timeout=PIP_TIMEOUT, env=env,
    )
    assert done.returncode == 0, f"pip {' '.join(args)}:\n{done.stdout}\n{done.stderr}"


def _requirements(distribution: metadata.Distribution) -> list[Requirement]:
    """What a distribution needs without extras, in this interpreter."""
    needed = [Requirement(text) for text in distribution.requires or []]
    return [r for r in needed if r.marker is None or r.marker.evaluate({"extra": ""})]


def _dependency_closure(wheel_metadata: metadata.Distribution) -> list[metadata.Distribution]:
    """The installed distributions the wheel's `Requires-Dist` reaches, each version checked
    against every requirement naming it."""
    found: dict[str, metadata.Distribution] = {}
    pending = _requirements(wheel_metadata)
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        try:
            installed = found.get(name) or metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            raise AssertionError(f"{requirement} is declared but not installed here") from None
        version = installed.version
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{requirement.name} {version} is installed, the wheel declares {requirement}"
        )
        if name not in found:
            found[name] = installed
            pending.extend(_requirements(installed))
    return list(found.values())


def _link_dependencies(closure: list[metadata.Distribution], folder: Path) -> None:
    """One link per top-level name (package, module, `.dist-info`) each distribution put in
    its site-packages: the wheel's dependencies, and nothing else installed here."""
    folder.mkdir()
    for distribution in closure:
        root = Path(str(distribution.locate_file("")))
        tops = {Path(str(f)).parts[0] for f in distribution.files or []}
        for top in tops - {".."}:
            link = folder / top
            if (root / top).exists() and not link.exists():
                link.symlink_to(root / top)


def _install(wheel: Path, venv: Path) -> None:
    """The wheel into a fresh virtualenv by pip, its dependencies as linked from here."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    _pip("--python", str(python), "install", "--quiet", "--no-compile", "--no-deps",
         "--no-index", str(wheel))
    (site,) = (venv / "lib").glob("python3*/site-packages")
    (installed,) = metadata.distributions(path=[str(site)], name="woo-netsuite-harness")
    closure = _dependency_closure(installed)
    assert {canonicalize_name(d.metadata["Name"]) for d in closure} >= {"pytest", "requests"}
    _link_dependencies(closure, venv / "dependencies")
    (site / "dependencies.pth").write_text(f"{venv / 'dependencies'}\n", encoding="utf-8")


def _user_environment(venv: Path) -> dict[str, str]:
    """A shell of a user who has only this virtualenv: none of the repository, no account."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NETSUITE_", "PYTHON", "PYTEST", "HARNESS_", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    shown = f"$ {' '.join(args)}  (in {cwd})\n{done.stdout}\n{done.stderr}"
    assert done.returncode == 0, shown
    return done.stdout + done.stderr


def _serve_once(env: dict[str, str], cwd: Path) -> tuple[str, int]:
    """`harness sandbox serve`: read the settings it prints, make one signed request with
    them (plain requests + requests-oauthlib, as any client would), stop."""
    process = subprocess.Popen(
        ["harness", "sandbox", "serve", "--port", "0"],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    settings: dict[str, str] = {}
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 120
        while "NETSUITE_BASE_URL" not in settings and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            key, _, value = line.strip().partition("=")
            settings[key] = value
        assert "NETSUITE_BASE_URL" in settings, f"it printed {settings}"
        auth = OAuth1(
            settings["NETSUITE_CONSUMER_KEY"],
            client_secret=settings["NETSUITE_CONSUMER_SECRET"],
            resource_owner_key=settings["NETSUITE_TOKEN_ID"],
            resource_owner_secret=settings["NETSUITE_TOKEN_SECRET"],
            signature_method="HMAC-SHA256",
            realm=settings["NETSUITE_ACCOUNT"],
        )
        answer = requests.post(
            f"{settings['NETSUITE_BASE_URL']}/services/rest/query/v1/suiteql",
            json={"q": "SELECT itemid FROM item ORDER BY id"},
            headers={"Prefer": "transient"},
            auth=auth,
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
        items = answer.json()["items"]
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert any(row["itemid"] == "MUG-WHT" for row in items), items
    return settings["NETSUITE_BASE_URL"], process.returncode


def test_the_wheel_installs_and_a_new_project_runs_green(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    source = _source_copy(tmp_path / "src")
    _pip("wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path / "dist"), str(source))
    (wheel,) = (tmp_path / "dist").glob("woo_netsuite_harness-*.whl")

    venv = tmp_path / "venv"
    _install(wheel, venv)
    env = _user_environment(venv)
    home = tmp_path / "home"
    home.mkdir()

    where = _run(["python", "-c", "import harness; print(harness.__file__)"], home, env)
    assert str(venv) in where and str(REPO) not in where, where
    # Installed here, not declared by the wheel: out of the virtualenv's sight.
    undeclared = _run(["python", "-c", "import importlib.util as u; print(u.find_spec('xdist'))"],
                      home, env)
    assert undeclared.strip() == "None", undeclared

    out = _run(["harness", "init", "my-store"], home, env)
    project = home / "my-store"
    assert "wrote my-store/conftest.py" in out and "next: cd my-store && pytest" in out
    assert (project / ".github" / "workflows" / "harness.yml").is_file()

    files = ["--catalogue", "catalogue.yaml", "--account", "account.yaml",
             "--mapping", "mapping.yaml"]
    out = _run(["harness", "run", *files], project, env)
    assert "6/6 scenarios met their expectation" in out, out
    assert (project / "reports" / "harness-report.html").is_file()

    shutil.copy2(ORDER, project / "order.json")
    out = _run(["harness", "land", "order.json", "--json"], project, env)
    assert '"outcome": "landed"' in out, out

    url, code = _serve_once(env, project)
    assert url.startswith("http://127.0.0.1:") and code == 0

    out = _run(["python", "-m", "pytest", "--ns-target=sim", "-p", "no:cacheprovider"],
               project, env)
    assert "7 passed" in out and "7 of 7 scenario landings met their expectation" in out, out

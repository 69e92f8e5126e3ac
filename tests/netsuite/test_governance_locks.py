"""The governance lock files: a private folder per user and account, files nobody else can
plant or hold, and a wait that ends with a message instead of hanging.

Before: every user shared `/tmp/woo-netsuite-harness/governance/<account>/` (files 0666, no
O_NOFOLLOW), a second user got PermissionError, and a run whose account had every slot held
by another process waited silently until killed.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import responses
from click.testing import CliRunner

from harness.netsuite import lockfolder
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.governance import (
    DEFAULT_LIMIT,
    ConcurrencyBudget,
    GovernanceTimeout,
    LockFolderError,
    default_lock_root,
)
from harness.netsuite.retry import RetryPolicy

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "1234567_SB1"
OTHER_UID = 54321


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _private(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


# -- where the folder is ------------------------------------------------------------------------


def test_the_runtime_dir_is_used_when_it_is_the_users_and_private(tmp_path: Path) -> None:
    runtime = _private(tmp_path / "run")
    env = {"XDG_RUNTIME_DIR": str(runtime), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert default_lock_root(env) == runtime / "woo-netsuite-harness"


@pytest.mark.parametrize("problem", ["missing", "relative", "group-writable"])
def test_an_unusable_runtime_dir_falls_back_to_the_users_cache(
    tmp_path: Path, problem: str
) -> None:
    runtime = _private(tmp_path / "run")
    given = str(runtime)
    if problem == "missing":
        given = str(tmp_path / "nowhere")
    elif problem == "relative":
        given = "run"
    else:
        runtime.chmod(0o770)
    env = {"XDG_RUNTIME_DIR": given, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert default_lock_root(env) == tmp_path / "cache" / "woo-netsuite-harness"


def test_without_a_writable_cache_the_folder_is_per_uid_in_the_temp_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(lockfolder, "_writable_cache", lambda env: None)
    root = default_lock_root({})
    assert root.name == f"woo-netsuite-harness-{os.getuid()}"


def test_two_users_never_share_a_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lockfolder, "_writable_cache", lambda env: None)
    mine = default_lock_root({})
    monkeypatch.setattr(lockfolder, "_uid", lambda: OTHER_UID)
    assert default_lock_root({}) != mine


# -- what the folder and the files are ------------------------------------------------------------


def test_folders_are_0700_and_slot_files_0600_whatever_the_umask(tmp_path: Path) -> None:
    root = tmp_path / "runtime" / "woo-netsuite-harness"
    old = os.umask(0o000)
    try:
        budget = ConcurrencyBudget(ACCOUNT, 2, lock_dir=root)
        budget.release(budget.acquire())
    finally:
        os.umask(old)
    assert budget.directory == root / "governance" / ACCOUNT
    for folder in (root, root / "governance", budget.directory):
        assert _mode(folder) == 0o700, folder
    files = sorted(budget.directory.iterdir())
    assert [path.name for path in files] == ["slot-0.lock", "slot-1.lock"]
    assert {_mode(path) for path in files} == {0o600}
    budget.close()


def test_slot_descriptors_are_not_inherited_by_programs_the_run_starts(tmp_path: Path) -> None:
    budget = ConcurrencyBudget(ACCOUNT, 2, lock_dir=_private(tmp_path / "locks"))
    slot = budget.acquire()
    assert not any(os.get_inheritable(fd) for fd in budget._fds)
    budget.release(slot)
    budget.close()


def test_a_symlinked_slot_file_is_refused_not_followed(tmp_path: Path) -> None:
    root = _private(tmp_path / "locks")
    target = tmp_path / "elsewhere.txt"
    target.write_text("precious\n")
    folder = _private(root / "governance" / ACCOUNT)
    (folder / "slot-0.lock").symlink_to(target)
    budget = ConcurrencyBudget(ACCOUNT, 1, lock_dir=root)
    with pytest.raises(LockFolderError, match=r"slot-0\.lock is a symbolic link; remove it"):
        budget.acquire(timeout=0)
    assert target.read_text() == "precious\n"


def test_a_symlinked_folder_is_refused(tmp_path: Path) -> None:
    root = _private(tmp_path / "locks")
    elsewhere = _private(tmp_path / "elsewhere")
    (root / "governance").symlink_to(elsewhere)
    with pytest.raises(LockFolderError, match=r"governance is a symbolic link"):
        ConcurrencyBudget(ACCOUNT, 1, lock_dir=root)


def _owned_by_someone_else(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`path` belongs to another uid: chown as root, else this process claims another uid."""
    if os.geteuid() == 0:
        os.chown(path, OTHER_UID, -1)
    else:
        real = os.getuid()
        monkeypatch.setattr(lockfolder, "_uid", lambda: real + 1)


@pytest.mark.parametrize("which", ["root", "account"])
def test_a_folder_owned_by_another_user_is_refused_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    root = _private(tmp_path / "locks")
    account = _private(root / "governance" / ACCOUNT)
    _owned_by_someone_else(root if which == "root" else account, monkeypatch)
    with pytest.raises(LockFolderError) as refused:
        ConcurrencyBudget(ACCOUNT, 1, lock_dir=root)
    message = str(refused.value)
    assert "belongs to uid" in message and "not to you" in message
    assert "set XDG_RUNTIME_DIR to a folder of yours" in message


@pytest.mark.parametrize(
    ("mode", "who"), [(0o770, "group"), (0o707, "others"), (0o777, "group and others")]
)
def test_a_folder_others_may_write_is_refused_clearly(tmp_path: Path, mode: int, who: str) -> None:
    root = _private(tmp_path / "locks")
    account = _private(root / "governance" / ACCOUNT)
    account.chmod(mode)
    with pytest.raises(LockFolderError) as refused:
        ConcurrencyBudget(ACCOUNT, 1, lock_dir=root)
    assert str(refused.value) == (
        f"lock folder {account} is writable by {who} (mode {mode:04o}); expected 0700: "
        f"run `chmod 700 {account}`"
    )


def test_a_private_folder_of_ones_own_that_others_may_read_is_used(tmp_path: Path) -> None:
    root = _private(tmp_path / "locks")
    root.chmod(0o755)  # e.g. ~/.cache made by another program
    budget = ConcurrencyBudget(ACCOUNT, 1, lock_dir=root)
    budget.release(budget.acquire(timeout=0))
    budget.close()


def test_the_live_target_reports_a_refused_folder_as_a_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.targets.account import prepare_account
    from harness.targets.settings import CLI_SPELLING, TargetConfigError, TargetSettings

    runtime = _private(tmp_path / "run")
    _private(runtime / "woo-netsuite-harness").chmod(0o775)
    env = {
        "XDG_RUNTIME_DIR": str(runtime),
        "NETSUITE_ACCOUNT": ACCOUNT,
        **{f"NETSUITE_{k}": "a" * 64 for k in ("CONSUMER_KEY", "CONSUMER_SECRET", "TOKEN_ID")},
        "NETSUITE_TOKEN_SECRET": "b" * 64,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(TargetConfigError, match=r"--target live: lock folder .* is writable by"):
        prepare_account(TargetSettings(kind="live"), CLI_SPELLING, env)


# -- a wait with an end ---------------------------------------------------------------------------

HOLDER = textwrap.dedent(
    """
    import sys
    from harness.netsuite.governance import ConcurrencyBudget

    lock_dir = sys.argv[3] if len(sys.argv) > 3 else None
    budget = ConcurrencyBudget(sys.argv[1], int(sys.argv[2]), lock_dir=lock_dir)
    for _ in range(budget.limit):
        budget.acquire(timeout=10)
    print("held", budget.directory, flush=True)
    sys.stdin.readline()
    """
)


class Holder:
    """Another process holding every slot of an account until stopped."""

    def __init__(self, env: dict[str, str], account: str, limit: int, lock_dir: Path | None):
        args = [sys.executable, "-c", HOLDER, account, str(limit)]
        if lock_dir is not None:
            args.append(str(lock_dir))
        self.process = subprocess.Popen(
            args, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith("held "), line
        self.directory = Path(line.split(" ", 1)[1].strip())

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.write("\n")
            self.process.stdin.flush()
            self.process.wait(10)


def _child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **extra}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@pytest.fixture
def runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private XDG_RUNTIME_DIR for this test alone (its lock folder is not the user's)."""
    runtime = _private(tmp_path / "run")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    return runtime


@pytest.fixture
def all_slots_held(runtime_dir: Path) -> Iterator[Holder]:
    """Another process holds every slot of the demo account's default budget."""
    holder = Holder(_child_env(XDG_RUNTIME_DIR=str(runtime_dir)), ACCOUNT, DEFAULT_LIMIT, None)
    yield holder
    holder.stop()


def test_a_wait_for_slots_another_process_holds_ends_with_who_holds_them(
    tmp_path: Path,
) -> None:
    root = _private(tmp_path / "locks")
    holder = Holder(_child_env(), ACCOUNT, 2, root)
    try:
        budget = ConcurrencyBudget(ACCOUNT, 2, lock_dir=root, timeout=0.3, timeout_option="--x")
        started = time.monotonic()
        with pytest.raises(GovernanceTimeout) as waited:
            budget.acquire()
        elapsed = time.monotonic() - started
    finally:
        holder.stop()
    assert 0.3 <= elapsed < 5
    message = str(waited.value)
    assert f"no concurrency slot of account {ACCOUNT} became free within 0.3s" in message
    assert f"all 2 slots are held (2 by 1 other process(es) (pid {holder.pid})" in message
    assert "0 by this process" in message
    assert f"lock folder {holder.directory}" in message
    assert message.endswith("or wait longer (--x)")
    # Once the holder is gone, its slots are free again.
    budget.release(budget.acquire(timeout=5))


def test_the_default_wait_is_bounded() -> None:
    assert ConcurrencyBudget.__init__.__kwdefaults__["timeout"] == 300.0


def test_harness_run_live_fails_fast_when_another_process_holds_every_slot(
    all_slots_held: Holder, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from harness.cli.main import main
    from harness.sandbox.serve import Sandbox

    sandbox = Sandbox()
    server = sandbox.serve_http()
    try:
        for name, value in sandbox.client_environment(server.url).items():
            monkeypatch.setenv(name, value)
        started = time.monotonic()
        result = CliRunner().invoke(
            main,
            ["run", "--target", "live", "-k", "tax-california", "--lock-timeout", "0.5",
             "--report-dir", str(tmp_path / "reports")],
        )
        elapsed = time.monotonic() - started
    finally:
        server.stop()
        sandbox.close()
    assert result.exit_code == 1, result.output
    assert elapsed < 30
    assert "Traceback" not in result.output
    assert f"Error: no concurrency slot of account {ACCOUNT} became free within 0.5s" in (
        result.output
    )
    assert f"all {DEFAULT_LIMIT} slots are held" in result.output
    assert f"lock folder {all_slots_held.directory}" in result.output.replace("\n", "")
    assert "(--lock-timeout)" in result.output


def test_pytest_live_fails_fast_when_another_process_holds_every_slot(
    all_slots_held: Holder, monkeypatch: pytest.MonkeyPatch, pytester: pytest.Pytester
) -> None:
    from harness.sandbox.serve import Sandbox

    sandbox = Sandbox()
    server = sandbox.serve_http()
    try:
        for name, value in sandbox.client_environment(server.url).items():
            monkeypatch.setenv(name, value)
        pytester.makepyfile("def test_lands(land):\n    assert land('tax-california')\n")
        started = time.monotonic()
        result = pytester.runpytest_inprocess("--ns-target=live", "--ns-lock-timeout=0.5")
        elapsed = time.monotonic() - started
    finally:
        server.stop()
        sandbox.close()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert elapsed < 30
    output = result.stdout.str()
    assert f"GovernanceTimeout: no concurrency slot of account {ACCOUNT}" in output
    assert "or wait longer (--ns-lock-timeout)" in output


# -- a slot always goes back ---------------------------------------------------------------------


def _free_in_another_instance(budget: ConcurrencyBudget) -> bool:
    """Every slot can be taken by a second budget on the same files (its own descriptors, as
    another process would have)."""
    other = ConcurrencyBudget(budget.account_id, budget.limit, lock_dir=budget.directory.parents[1])
    try:
        slots = [other.acquire(timeout=0) for _ in range(budget.limit)]
    except GovernanceTimeout:
        return False
    finally:
        other.close()
    return len(set(slots)) == budget.limit


def test_a_slot_is_released_when_the_with_block_raises(tmp_path: Path) -> None:
    budget = ConcurrencyBudget(ACCOUNT, 1, lock_dir=_private(tmp_path / "locks"))
    with pytest.raises(ValueError, match="inside"), budget:
        assert not _free_in_another_instance(budget)
        raise ValueError("inside")
    assert _free_in_another_instance(budget)
    budget.close()


@pytest.mark.parametrize(
    "failure",
    [requests.ConnectionError("connection refused"), RuntimeError("a bug in a hook")],
    ids=["transport", "unexpected"],
)
def test_a_slot_is_released_when_sending_raises(tmp_path: Path, failure: Exception) -> None:
    budget = ConcurrencyBudget(ACCOUNT, 1, lock_dir=_private(tmp_path / "locks"))
    client = NetSuiteClient(
        "https://1234567-sb1.suitetalk.api.netsuite.com",
        governance=budget,
        retry=RetryPolicy.never(),
    )
    with responses.RequestsMock() as mock:
        mock.get(
            "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/customer/1",
            body=failure,
        )
        with pytest.raises(Exception):  # noqa: B017 - NetSuiteError or the bug itself
            client.get("customer", "1")
    assert _free_in_another_instance(budget)
    budget.close()


def test_an_interrupted_try_leaves_the_slot_triable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import filelock  # the budget takes its locks from filelock when it first needs one

    budget = ConcurrencyBudget(ACCOUNT, 1, lock_dir=_private(tmp_path / "locks"))

    def interrupted(fd: int, *, blocking: bool) -> bool:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(filelock, "lock_descriptor", interrupted)
        with pytest.raises(KeyboardInterrupt):
            budget.acquire(timeout=0)
    budget.release(budget.acquire(timeout=0))
    budget.close()


# -- the option -----------------------------------------------------------------------------------

SHOW_LOCK_TIMEOUT = """
import json, pathlib

def test_show(ns_config):
    seen = [ns_config.lock_timeout, ns_config.sources["lock_timeout"],
            ns_config.target_settings().lock_timeout]
    pathlib.Path(__file__).with_name("seen.json").write_text(json.dumps(seen))
"""


@pytest.mark.parametrize(
    ("args", "ini", "seen"),
    [
        ((), "", [300.0, "default", 300.0]),
        (("--ns-lock-timeout=2.5",), "", [2.5, "command line", 2.5]),
        ((), "ns_lock_timeout = 7", [7.0, "ini", 7.0]),
        (("--ns-lock-timeout=0",), "ns_lock_timeout = 7", [0.0, "command line", 0.0]),
    ],
    ids=["default", "command-line", "ini", "command-line-wins"],
)
def test_the_lock_timeout_comes_from_the_command_line_the_ini_or_the_default(
    pytester: pytest.Pytester, args: tuple[str, ...], ini: str, seen: list[object]
) -> None:
    import json

    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(test_show=SHOW_LOCK_TIMEOUT)
    pytester.runpytest_inprocess(*args).assert_outcomes(passed=1)
    assert json.loads((pytester.path / "seen.json").read_text()) == seen


@pytest.mark.parametrize(
    ("args", "ini", "message"),
    [
        (("--ns-lock-timeout=soon",), "", "--ns-lock-timeout: expected a number of seconds >= 0"),
        (("--ns-lock-timeout=-1",), "", "--ns-lock-timeout: expected a number of seconds >= 0"),
        ((), "ns_lock_timeout = nan", "ini option ns_lock_timeout: expected a number of seconds"),
    ],
    ids=["word", "negative", "nan"],
)
def test_an_unusable_lock_timeout_stops_pytest_before_any_test(
    pytester: pytest.Pytester, args: tuple[str, ...], ini: str, message: str
) -> None:
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile("def test_never(): raise AssertionError('ran')")
    result = pytester.runpytest_inprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str()


@pytest.mark.parametrize("verb", ["run", "land"])
def test_the_cli_lock_timeout_is_checked_and_documented(verb: str, tmp_path: Path) -> None:
    from harness.cli.main import main

    order = tmp_path / "order.json"
    order.write_text("{}")
    args = [verb, *([str(order)] if verb == "land" else []), "--lock-timeout", "-1"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2
    assert "Invalid value for '--lock-timeout'" in refused.output
    shown = CliRunner().invoke(main, [verb, "--help"])
    assert "--lock-timeout SECONDS" in shown.output
    assert "default: 300" in shown.output

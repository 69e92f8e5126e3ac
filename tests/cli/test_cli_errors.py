"""Every `harness` error is one `Error:` line with the right exit code, never a traceback.

Exit 2: the command cannot start: a wrong option or argument, input that cannot be read
(missing, refused, not UTF-8) or is not in the form the command takes (YAML that does not
parse), missing settings. Exit 1: the command ran and failed (a NetSuite refusal, a report
that could not be written after the run).
"""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from harness.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
# TEST-NET-1 (RFC 5737): an address no machine running the tests has.
FOREIGN_ADDRESS = "192.0.2.1"


def _fails(args: list[str], code: int, *fragments: str, env: dict[str, str] | None = None) -> str:
    """Run `harness ARGS`; it must exit `code` with one Error line holding every fragment."""
    result: Result = CliRunner().invoke(main, args, env=env)
    output = result.output
    assert result.exit_code == code, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, output
    flat = " ".join(output.split())
    for fragment in fragments:
        assert fragment in flat, output
    return output


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port something else is listening on."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    yield listener.getsockname()[1]
    listener.close()


# -- harness sandbox serve -------------------------------------------------------------------------


def test_serve_on_a_busy_port_names_the_port(busy_port: int) -> None:
    _fails(
        ["sandbox", "serve", "--port", str(busy_port)],
        2,
        f"Invalid value for --port: port {busy_port} is already in use on 127.0.0.1",
        "0: any free port",
    )


def test_serve_on_an_address_not_on_this_machine_names_the_host() -> None:
    _fails(
        ["sandbox", "serve", "--host", FOREIGN_ADDRESS],
        2,
        f"Invalid value for --host: {FOREIGN_ADDRESS} is not an address of this machine",
    )


def test_serve_on_a_name_that_does_not_resolve_names_the_host() -> None:
    _fails(
        ["sandbox", "serve", "--host", "no-such-host.invalid"],
        2,
        "Invalid value for '--host': 'no-such-host.invalid' is not an address or a host name "
        "that resolves",
    )


def test_serve_on_a_port_out_of_range_is_refused_not_wrapped() -> None:
    _fails(["sandbox", "serve", "--port", "70000"], 2, "70000 is not in the range 0<=x<=65535")


def test_the_installed_command_on_a_busy_port_prints_one_line(busy_port: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli", "sandbox", "serve", "--port", str(busy_port)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""  # no NETSUITE_* settings for a server that never started
    assert f"port {busy_port} is already in use" in done.stderr


def test_run_with_an_external_connector_on_a_busy_sandbox_port(
    busy_port: int, tmp_path: Path
) -> None:
    _fails(
        ["run", "--connector", "command:true", "--sandbox-port", str(busy_port),
         "-k", "tax-california", "--report-dir", str(tmp_path)],
        2,
        f"Invalid value for --sandbox-port: port {busy_port} is already in use",
    )


# -- input that cannot be read --------------------------------------------------------------------


@pytest.fixture
def unreadable(tmp_path: Path) -> dict[str, Path]:
    """A missing file, a folder, and a file that is not UTF-8 text."""
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes("name: Crème brûlée\n".encode("latin-1"))
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    return {"missing": tmp_path / "missing.yaml", "folder": folder, "latin-1": latin}


OPTIONS_READING_YAML = [
    ["run", "--catalogue"],
    ["run", "--mapping"],
    ["run", "--account"],
    ["doctor", "--catalogue"],
    ["doctor", "--mapping"],
    ["sandbox", "serve", "--account"],
    ["cassettes", "check", "--catalogue"],
]


@pytest.mark.parametrize("kind", ["missing", "folder", "latin-1"])
@pytest.mark.parametrize("command", OPTIONS_READING_YAML, ids=" ".join)
def test_an_unreadable_input_file_is_exit_2_naming_the_option(
    command: list[str], kind: str, unreadable: dict[str, Path], tmp_path: Path
) -> None:
    path = unreadable[kind]
    extra = [str(tmp_path)] if command[0] == "cassettes" else []
    expected = {
        "missing": "does not exist",
        "folder": "is a directory",
        "latin-1": "not UTF-8 text (byte 0xe8 at offset 8); save it as UTF-8",
    }[kind]
    _fails([*command, str(path), *extra], 2, f"Invalid value for '{command[-1]}'", expected)


def test_a_file_that_may_not_be_read_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text("scenarios: []\n")
    if os.geteuid() == 0:  # root reads anything: refuse the open itself
        real_open = open

        def refusing(file: object, *args: object, **kwargs: object) -> object:
            if str(file) == str(path):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

        monkeypatch.setattr("builtins.open", refusing)
    else:
        path.chmod(0)
    _fails(["run", "--catalogue", str(path)], 2, "cannot read it (Permission denied)")


def test_an_orders_export_that_cannot_be_read_is_exit_2(tmp_path: Path) -> None:
    _fails(
        ["reconcile", "--orders", str(tmp_path / "none.json"), "--since", "2024-06-01",
         "--target", "sim"],
        2,
        "--orders",
        "none.json: cannot read it (No such file or directory)",
    )


def test_a_cassette_that_is_not_utf8_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_bytes(b"interactions: []\n# \xff\xfe")
    _fails(
        ["cassettes", "check", str(tmp_path)],
        2,
        "a cassette cannot be read",
        f"{tmp_path / 'x.yaml'}: not UTF-8 text (byte 0xff at offset 19); save it as UTF-8",
    )


def test_an_order_file_that_cannot_be_read_is_exit_2(tmp_path: Path) -> None:
    _fails(["land", str(tmp_path / "none.json")], 2, "cannot read the order file")


# -- input that was read but is not what the command takes ----------------------------------------


@pytest.mark.parametrize("command", OPTIONS_READING_YAML, ids=" ".join)
def test_bad_yaml_is_exit_2_naming_file_and_line(command: list[str], tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nitems: [1, 2\n")
    extra = [str(tmp_path)] if command[0] == "cassettes" else []
    _fails([*command, str(path), *extra], 2, f"{path}:3: invalid YAML")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--connector", "smtp:mail.example"], "Invalid value for --connector: connector "),
        (["--connector", "python:no_such_module_xyz:push"], "failed to import"),
        (["--connector", "command:true", "--landing-query", "SELECT 1"],
         "Invalid value for --landing-query"),
    ],
    ids=["unknown-kind", "python-import", "landing-query"],
)
@pytest.mark.parametrize("verb", ["run", "land"])
def test_a_connector_that_cannot_be_driven_is_exit_2(
    verb: str, args: list[str], message: str, tmp_path: Path
) -> None:
    order = tmp_path / "order.json"
    order.write_text("{}")
    where = [str(order)] if verb == "land" else ["--report-dir", str(tmp_path / "out")]
    _fails([verb, *where, *args], 2, message)
    assert not (tmp_path / "out").exists()


# -- reports ---------------------------------------------------------------------------------------


def test_a_report_dir_that_cannot_be_written_is_refused_before_any_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    if os.geteuid() == 0:  # root writes anywhere: refuse the probe file

        def refused(*args: object, **kwargs: object) -> None:
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    else:
        out.chmod(0o500)
    landed: list[str] = []
    monkeypatch.setattr(
        "harness.runner.run_catalogue", lambda *a, **k: landed.append("ran") or []
    )
    _fails(
        ["run", "-k", "tax-california", "--report-dir", str(out)],
        2,
        f"Invalid value for --report-dir: {out}: cannot write the reports there "
        "(Permission denied)",
    )
    assert landed == []


def test_a_report_dir_under_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    _fails(
        ["run", "-k", "tax-california", "--report-dir", str(tmp_path / "file" / "reports")],
        2,
        "cannot write the reports there (Not a directory)",
    )


def test_a_report_that_fails_to_write_after_the_run_is_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("harness.report.files.write_json", full)
    output = _fails(
        ["run", "-k", "tax-california", "--report-dir", str(tmp_path)],
        1,
        f"--report-dir {tmp_path}: cannot write the reports there (No space left on device)",
    )
    assert "tax-california" in output  # the results were shown before


# -- the last resort -------------------------------------------------------------------------------


def _bug(*args: object, **kwargs: object) -> None:
    raise RuntimeError("an invariant broke \x1b[2J")


def test_an_unforeseen_exception_is_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("harness.commands.explain.explain_file", _bug)
    monkeypatch.delenv("HARNESS_TRACEBACK", raising=False)
    (tmp_path / "log.txt").write_text("nothing\n")
    output = _fails(
        ["explain", str(tmp_path / "log.txt")],
        1,
        "unexpected RuntimeError: an invariant broke \\x1b[2J",
        "HARNESS_TRACEBACK=1",
    )
    assert "\x1b" not in output


def test_harness_traceback_shows_the_traceback_for_a_bug_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("harness.commands.explain.explain_file", _bug)
    (tmp_path / "log.txt").write_text("nothing\n")
    result = CliRunner().invoke(
        main, ["explain", str(tmp_path / "log.txt")], env={"HARNESS_TRACEBACK": "1"}
    )
    assert isinstance(result.exception, RuntimeError)


def test_an_interrupt_is_still_click_s_abort(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("harness.commands.explain.explain_file", interrupted)
    (tmp_path / "log.txt").write_text("nothing\n")
    result = CliRunner().invoke(main, ["explain", str(tmp_path / "log.txt")])
    assert result.exit_code == 1
    assert "Aborted!" in result.output

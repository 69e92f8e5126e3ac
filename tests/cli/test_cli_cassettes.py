"""`harness cassettes check`: clean, orphaned, stale, unscrubbed and unplayable cassettes."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import record_scenarios
from click.testing import CliRunner

from harness.catalogue.spec import catalogue_path
from harness.cli.main import main

SUITE = Path("scenarios") / "test_catalogue"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("recorded")
    env = record_scenarios(folder, ["new-customer", "guest-checkout"])
    return folder, env


@pytest.fixture
def cassettes(recorded: tuple[Path, dict[str, str]], tmp_path: Path) -> Path:
    """A private copy of the recorded cassettes, free to damage."""
    import shutil

    copy = tmp_path / "cassettes"
    shutil.copytree(recorded[0], copy)
    return copy


def _guest_checkout_changed(folder: Path) -> Path:
    """The catalogue with one more hoodie in guest-checkout's order."""
    head, tail = catalogue_path().read_text().split("- name: guest-checkout", 1)
    changed = folder / "catalogue.yaml"
    changed.write_text(
        head + "- name: guest-checkout" + tail.replace("quantity: 3", "quantity: 4", 1)
    )
    return changed


def _check(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(main, ["cassettes", "check", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_fresh_recordings_pass(runner: CliRunner, cassettes: Path) -> None:
    code, output = _check(runner, str(cassettes))
    assert code == 0, output
    assert "2 cassettes" in output and "0 with problems" in output


def test_a_cassette_no_scenario_records_into_is_orphaned(
    runner: CliRunner, cassettes: Path
) -> None:
    old = cassettes / SUITE / "test_scenario[guest-checkout].yaml"
    old.rename(old.with_name("test_scenario[retired-scenario].yaml"))
    code, output = _check(runner, str(cassettes))
    assert code == 1
    assert "test_scenario[retired-scenario].yaml: orphaned" in output


def test_a_changed_scenario_makes_its_cassette_stale(
    runner: CliRunner, cassettes: Path, tmp_path: Path
) -> None:
    changed = _guest_checkout_changed(tmp_path)
    code, output = _check(runner, str(cassettes), "--catalogue", str(changed))
    assert code == 1
    assert "test_scenario[guest-checkout].yaml: stale" in output
    assert "new-customer" not in output.split("cassettes in")[0]


def test_a_credential_in_a_cassette_is_unscrubbed(
    runner: CliRunner,
    cassettes: Path,
    recorded: tuple[Path, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = recorded[1]
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    leaked = cassettes / SUITE / "test_scenario[new-customer].yaml"
    leaked.write_text(leaked.read_text() + f"# {env['NETSUITE_TOKEN_SECRET']}\n")
    code, output = _check(runner, str(cassettes))
    assert code == 1
    assert "test_scenario[new-customer].yaml: unscrubbed" in output
    assert env["NETSUITE_TOKEN_SECRET"] not in output


def test_a_hand_broken_cassette_is_unplayable(runner: CliRunner, cassettes: Path) -> None:
    (cassettes / SUITE / "test_scenario[new-customer].yaml").write_text("interactions: [oops\n")
    code, output = _check(runner, str(cassettes))
    assert code == 1
    assert "test_scenario[new-customer].yaml: unplayable" in output


def test_other_tests_cassettes_are_orphaned_only_against_collected_node_ids(
    runner: CliRunner, cassettes: Path, tmp_path: Path
) -> None:
    mine = cassettes / "tests" / "test_mine" / "test_one.yaml"
    mine.parent.mkdir(parents=True)
    (cassettes / SUITE / "test_scenario[new-customer].yaml").replace(mine)
    code, output = _check(runner, str(cassettes))
    assert "orphaned" not in output
    nodeids = tmp_path / "collected.txt"
    nodeids.write_text("tests/test_mine.py::test_two\n")
    code, output = _check(runner, str(cassettes), "--nodeids", str(nodeids))
    assert code == 1 and "test_one.yaml: orphaned" in output


def test_a_missing_directory_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    code, output = _check(runner, str(tmp_path / "nowhere"))
    assert code == 2 and "no such cassette directory" in output


def test_a_cassette_with_no_interactions_is_a_problem(runner: CliRunner, cassettes: Path) -> None:
    """What a scenario skipped while recording leaves behind: it would replay nothing."""
    path = cassettes / SUITE / "test_scenario[new-customer].yaml"
    text = path.read_text()
    path.write_text(text[: text.index("interactions:")] + "interactions: []\n")
    code, output = _check(runner, str(cassettes))
    assert code == 1
    assert "test_scenario[new-customer].yaml: empty: holds no interactions" in output


def test_a_scenario_cassette_outside_the_catalogue_suite_goes_stale_too(
    runner: CliRunner, cassettes: Path, tmp_path: Path
) -> None:
    """A store's own test that lands a catalogue scenario records its name: when the
    scenario changes, the check says so, as the plugin does when it replays it."""
    mine = cassettes / "tests" / "test_mine" / "test_lands[guest-checkout].yaml"
    mine.parent.mkdir(parents=True)
    (cassettes / SUITE / "test_scenario[guest-checkout].yaml").replace(mine)
    changed = _guest_checkout_changed(tmp_path)
    code, output = _check(runner, str(cassettes), "--catalogue", str(changed))
    assert code == 1
    assert "test_lands[guest-checkout].yaml: stale" in output

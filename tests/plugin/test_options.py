"""Every `--ns-*` option from the command line and from the ini file, and which one wins."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox.account import DEMO_PROFILE
from tests.plugin.conftest import read_json

SHOW_CONFIG = """
import json, pathlib

def test_show(ns_config):
    seen = {
        "target": ns_config.target,
        "account": ns_config.account,
        "cassettes": str(ns_config.cassettes),
        "seed": ns_config.seed,
        "allow_production": ns_config.allow_production,
        "keep_records": ns_config.keep_records,
        "strict_cassettes": ns_config.strict_cassettes,
        "shard": str(ns_config.shard) if ns_config.shard else None,
        "mapping": str(ns_config.mapping) if ns_config.mapping else None,
        "catalogue": str(ns_config.catalogue) if ns_config.catalogue else None,
        "report": str(ns_config.report) if ns_config.report else None,
        "sources": dict(ns_config.sources),
    }
    pathlib.Path(__file__).with_name("seen.json").write_text(json.dumps(seen))
"""


def seen_config(pytester: pytest.Pytester, *args: str) -> dict[str, Any]:
    pytester.makepyfile(test_show=SHOW_CONFIG)
    result = pytester.runpytest_inprocess(*args)
    result.assert_outcomes(passed=1)
    data: dict[str, Any] = read_json(pytester.path / "seen.json")
    return data


def project_file(pytester: pytest.Pytester, name: str) -> Path:
    """A copy of the demo account profile, so path options have something real to name."""
    target = pytester.path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DEMO_PROFILE, target)
    return target


def test_defaults_without_any_setting(pytester: pytest.Pytester) -> None:
    seen = seen_config(pytester)
    assert seen["target"] == "sim"
    assert seen["seed"] == 0
    assert seen["cassettes"] == str(pytester.path / "cassettes")
    assert seen["account"] is seen["shard"] is seen["mapping"] is seen["report"] is None
    assert not (seen["allow_production"] or seen["keep_records"] or seen["strict_cassettes"])
    assert set(seen["sources"].values()) == {"default"}


# (option, command-line value or None for a flag, ini value, what ns_config shows)
CASES: list[tuple[str, str | None, str, Any]] = [
    ("target", "replay", "replay", "replay"),
    ("account", "acct.yaml", "acct.yaml", "{root}/acct.yaml"),
    ("cassettes", "tapes", "tapes", "{root}/tapes"),
    ("seed", "7", "7", 7),
    ("allow_production", None, "true", True),
    ("keep_records", None, "true", True),
    ("strict_cassettes", None, "true", True),
    ("shard", "2/3", "2/3", "2/3"),
    ("mapping", "map.yaml", "map.yaml", "{root}/map.yaml"),
    ("catalogue", "cat.yaml", "cat.yaml", "{root}/cat.yaml"),
    ("report", "out/report.json", "out/report.json", "{root}/out/report.json"),
]


def expected_value(pytester: pytest.Pytester, shown: Any) -> Any:
    return shown.format(root=pytester.path) if isinstance(shown, str) else shown


@pytest.mark.parametrize(("name", "cli", "ini", "shown"), CASES, ids=[c[0] for c in CASES])
def test_each_option_on_the_command_line(
    pytester: pytest.Pytester, name: str, cli: str | None, ini: str, shown: Any
) -> None:
    project_file(pytester, "acct.yaml")
    flag = "--ns-" + name.replace("_", "-")
    seen = seen_config(pytester, flag if cli is None else f"{flag}={cli}")
    assert seen[name] == expected_value(pytester, shown)
    assert seen["sources"][name] == "command line"


@pytest.mark.parametrize(("name", "cli", "ini", "shown"), CASES, ids=[c[0] for c in CASES])
def test_each_option_in_pyproject(
    pytester: pytest.Pytester, name: str, cli: str | None, ini: str, shown: Any
) -> None:
    project_file(pytester, "acct.yaml")
    value = ini if cli is None else f'"{ini}"'
    pytester.makepyprojecttoml(f"[tool.pytest.ini_options]\nns_{name} = {value}\n")
    seen = seen_config(pytester)
    assert seen[name] == expected_value(pytester, shown)
    assert seen["sources"][name] == "ini"


def test_command_line_beats_ini_beats_default(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nns_seed = 3\nns_cassettes = from-ini\n")
    seen = seen_config(pytester, "--ns-seed=5")
    assert seen["seed"] == 5 and seen["sources"]["seed"] == "command line"
    assert seen["cassettes"] == str(pytester.path / "from-ini")
    assert seen["sources"]["cassettes"] == "ini"
    assert seen["shard"] is None and seen["sources"]["shard"] == "default"


def test_toml_native_values_are_accepted(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml("[tool.pytest.ini_options]\nns_seed = 11\nns_keep_records = true\n")
    seen = seen_config(pytester)
    assert seen["seed"] == 11 and seen["keep_records"] is True


def test_ini_paths_are_relative_to_the_ini_file_and_cli_paths_to_the_invocation(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\nns_cassettes = tapes\n")
    sub = pytester.mkdir("sub")
    sub.joinpath("test_show.py").write_text(SHOW_CONFIG, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(sub)
        pytester.runpytest_inprocess("--ns-report=here.json").assert_outcomes(passed=1)
    seen = read_json(sub / "seen.json")
    assert seen["cassettes"] == str(pytester.path / "tapes")
    assert seen["report"] == str(sub / "here.json")


@pytest.mark.parametrize(
    ("args", "ini", "message"),
    [
        ((), "ns_target = staging", "ns_target: expected one of sim, replay, record, live"),
        (("--ns-seed=seven",), "", "--ns-seed: expected an integer (got 'seven')"),
        ((), "ns_seed = seven", "ini option ns_seed: expected an integer (got 'seven')"),
        (("--ns-shard=3/2",), "", "--ns-shard: expected K/N with 1 <= K <= N (got '3/2')"),
        (("--ns-shard=half",), "", "--ns-shard: expected K/N, e.g. 1/4 (got 'half')"),
        (("--ns-account=nowhere.yaml",), "", "with --ns-target=sim it names an account profile"),
    ],
    ids=["target-ini", "seed-cli", "seed-ini", "shard-range", "shard-shape", "sim-account"],
)
def test_unusable_values_stop_the_run_before_any_test(
    pytester: pytest.Pytester, args: tuple[str, ...], ini: str, message: str
) -> None:
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile("def test_never(): raise AssertionError('ran')")
    result = pytester.runpytest_inprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str()
    assert "ran" not in result.stdout.str()


def test_an_unknown_target_on_the_command_line_is_refused_by_the_parser(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest_inprocess("--ns-target=staging")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "invalid choice: 'staging'" in result.stderr.str()


def test_the_header_names_the_target(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest_inprocess("--ns-seed=4", "--ns-target=replay")
    result.stdout.fnmatch_lines(
        ["netsuite: connector=reference target=replay seed=4 account=1234567_SB1 *"]
    )


def test_options_are_grouped_in_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--help")
    result.stdout.fnmatch_lines(
        ["NetSuite target, scenarios and record/replay*", "*--ns-target=*", "*--ns-shard=K/N*"]
    )


def test_only_path_values_written_with_a_space_are_found(tmp_path: Path) -> None:
    from harness.pytest_support.options import spaced_path_values

    (tmp_path / "tapes").mkdir()
    (tmp_path / "3").write_text("")
    args = [
        "--ns-cassettes", "tapes",  # an existing folder, as an argument of its own
        "--ns-mapping=tapes",  # one argument: pytest leaves it alone
        "--ns-report", "out.json",  # not there (yet): pytest does not count it
        "--ns-allow-production", "3",  # a flag takes no value: 3 is a real argument
        "--ns-seed", "-1",
    ]
    assert spaced_path_values(args, tmp_path) == [("--ns-cassettes", "tapes")]

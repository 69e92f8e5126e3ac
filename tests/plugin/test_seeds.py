"""--ns-seeds (and ini ns_seeds): the catalogue test at every seed, ids that name the seed, the
seed reaching the orders, under xdist, and one cassette per scenario and seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.catalogue.spec import load_catalogue
from harness.woo.generate import generate
from tests.plugin.conftest import (
    CATALOGUE_TEST,
    TINY_NAMES,
    ServedAccount,
    outcomes,
    read_json,
)
from tests.plugin.test_recording import forget_the_account

# The catalogue test, writing down the order each test instance landed.
ORDERS_SEEN = """
import pathlib

def test_scenario(scenario, land, woo_order, request):
    order = woo_order()
    folder = pathlib.Path(__file__).with_name("orders")
    folder.mkdir(exist_ok=True)
    (folder / f"{request.node.callspec.id}.txt").write_text(str(order.number))
    verdict = land(scenario)
    assert verdict.order == str(order.number)
    assert verdict.met(scenario.expect), verdict


@pytest.mark.scenario("mug-for-jane")
def test_without_the_scenario_argument(land):
    assert land().outcome == "landed"
"""


def collected(pytester: pytest.Pytester, tiny: Path, *args: str) -> list[str]:
    result = pytester.runpytest_inprocess("--collect-only", "-q", f"--ns-catalogue={tiny}", *args)
    return [line for line in result.stdout.lines if "::" in line]


def orders_seen(pytester: pytest.Pytester) -> dict[str, str]:
    return {path.stem: path.read_text() for path in (pytester.path / "orders").glob("*.txt")}


def test_ns_seeds_runs_every_scenario_at_every_seed_with_that_seeds_order(
    pytester: pytest.Pytester, tiny: Path
) -> None:
    pytester.makepyfile(test_tiny_suite="import pytest\n" + ORDERS_SEEN)
    ids = collected(pytester, tiny, "--ns-seeds=1..2")
    assert ids == [
        *(
            f"test_tiny_suite.py::test_scenario[{name}-seed{seed}]"
            for name in TINY_NAMES
            for seed in (1, 2)
        ),
        "test_tiny_suite.py::test_without_the_scenario_argument",
    ]
    result = pytester.runpytest_inprocess(f"--ns-catalogue={tiny}", "--ns-seeds=1..2")
    assert outcomes(result) == {"passed": 2 * len(TINY_NAMES) + 1}, result.stdout.str()
    catalogue = load_catalogue(tiny)
    assert orders_seen(pytester) == {
        f"{name}-seed{seed}": str(generate(catalogue.get(name), seed).number)
        for name in TINY_NAMES
        for seed in (1, 2)
    }
    result.stdout.fnmatch_lines(
        ["netsuite: connector=reference target=sim seeds=1,2*", "*= netsuite scenarios =*"]
    )
    result.stdout.fnmatch_lines(["mug-for-jane[[]seed=1[]] * landed * landed * yes*"])
    result.stdout.fnmatch_lines(["mug-for-jane[[]seed=2[]] * landed * landed * yes*"])


def test_without_ns_seeds_the_ids_are_the_scenario_names_as_before(
    pytester: pytest.Pytester, tiny: Path
) -> None:
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    assert collected(pytester, tiny) == [
        f"test_tiny_suite.py::test_scenario[{name}]" for name in TINY_NAMES
    ]


def test_ini_ns_seeds_sweeps_and_a_command_line_seed_overrides_it(
    pytester: pytest.Pytester, tiny: Path
) -> None:
    pytester.makeini("[pytest]\nns_seeds = 3,5\n")
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    assert collected(pytester, tiny, "-k", "mug-for-jane") == [
        "test_tiny_suite.py::test_scenario[mug-for-jane-seed3]",
        "test_tiny_suite.py::test_scenario[mug-for-jane-seed5]",
    ]
    # The command line beats the ini file: one run seed, the usual ids.
    assert collected(pytester, tiny, "-k", "mug-for-jane", "--ns-seed=4") == [
        "test_tiny_suite.py::test_scenario[mug-for-jane]"
    ]


@pytest.mark.parametrize(
    ("args", "ini", "message"),
    [
        (("--ns-seeds=5..1",), "", "--ns-seeds: 5..1 is an empty range"),
        (("--ns-seeds=x",), "", "--ns-seeds: 'x' is not a seed: expected A..B"),
        ((), "ns_seeds = 1,,2", "ini option ns_seeds: '' lacks a seed"),
        (("--ns-seeds=1..2", "--ns-seed=3"), "", "--ns-seed and --ns-seeds: give one"),
        ((), "ns_seed = 3\nns_seeds = 1..2", "ini options ns_seed and ns_seeds: give one"),
    ],
    ids=["empty-range", "not-a-seed", "ini-missing", "both-cli", "both-ini"],
)
def test_unusable_seeds_stop_the_run_before_any_test(
    pytester: pytest.Pytester, args: tuple[str, ...], ini: str, message: str
) -> None:
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile("def test_never(): raise AssertionError('ran')")
    result = pytester.runpytest_inprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str()
    assert "ran" not in result.stdout.str()


def test_a_sweep_under_xdist_gathers_every_seed_on_the_controller(
    pytester: pytest.Pytester, tiny: Path
) -> None:
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    result = pytester.runpytest_subprocess(
        "-p",
        "xdist",
        "-n",
        "2",
        "--assert=plain",
        "-p",
        "no:hypothesispytest",
        f"--ns-catalogue={tiny}",
        "--ns-seeds=1..3",
        "--ns-report=report.json",
    )
    assert outcomes(result) == {"passed": 3 * len(TINY_NAMES)}, result.stdout.str()
    report = read_json(pytester.path / "report.json")
    assert report["run"]["seeds"] == [1, 2, 3]
    rows = {(row["scenario"], row["seed"]): row for row in report["landings"]}
    assert sorted(rows) == sorted((name, seed) for name in TINY_NAMES for seed in (1, 2, 3))
    assert rows["mug-for-jane", 2]["nodeid"] == (
        "test_tiny_suite.py::test_scenario[mug-for-jane-seed2]"
    )
    assert len({row["verdict"]["order"] for row in report["landings"]}) == len(rows)
    result.stdout.fnmatch_lines(
        ["*= netsuite scenarios =*", "mug-for-jane[[]seed=1[]] *", "mug-for-jane[[]seed=2[]] *"]
    )


def test_each_seed_records_its_own_cassette_and_a_seed_never_recorded_says_how(
    pytester: pytest.Pytester, tiny: Path, served: ServedAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    common = (f"--ns-catalogue={tiny}", "--ns-cassettes=tapes", "-k", "mug-for-jane")
    recorded = pytester.runpytest_inprocess("--ns-target=record", "--ns-seeds=1..2", *common)
    assert outcomes(recorded) == {"passed": 2}, recorded.stdout.str()
    tapes = sorted(path.name for path in (pytester.path / "tapes").rglob("*.yaml"))
    assert tapes == [f"test_scenario[mug-for-jane-seed{seed}].yaml" for seed in (1, 2)]

    forget_the_account(monkeypatch, served)
    replayed = pytester.runpytest_inprocess("--ns-target=replay", "--ns-seeds=1..3", *common)
    assert outcomes(replayed) == {"passed": 2, "errors": 1}, replayed.stdout.str()
    replayed.stdout.fnmatch_lines(
        [
            "No cassette for test test_tiny_suite.py::test_scenario[[]mug-for-jane-seed3[]] "
            "(scenario 'mug-for-jane'): * does not exist.",
            "Record it against a NetSuite sandbox with:",
            "    pytest --ns-target=record --ns-cassettes=* --ns-seeds=1..3 --ns-catalogue=* "
            '"test_tiny_suite.py::test_scenario[[]mug-for-jane-seed3[]]"',
        ]
    )

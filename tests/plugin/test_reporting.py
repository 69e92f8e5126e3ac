"""What a run tells: failing assertions with diff and diagnosis, the end-of-run table, the JSON
report, shards that split the catalogue, and all of it gathered from xdist workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plugin.conftest import CATALOGUE_TEST, TINY_NAMES, outcomes, read_json
from tests.plugin.test_fixtures import DROP_SHIPPING

PLAIN_ASSERT = """
import pytest

@pytest.mark.scenario("mug-for-jane")
def test_plain(land):
    verdict = land()
    assert verdict
"""


def test_a_plain_assert_shows_the_verdict_the_diff_and_the_diagnosis(
    pytester: pytest.Pytester, tiny: Path
) -> None:
    pytester.makeconftest(DROP_SHIPPING)
    pytester.makepyfile(PLAIN_ASSERT)
    result = pytester.runpytest_inprocess(f"--ns-catalogue={tiny}")
    assert outcomes(result) == {"failed": 1}
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: assert Verdict(landed-wrong, scenario 'mug-for-jane', *",
            "*- netsuite landing -*",
            "order * (scenario 'mug-for-jane'): landed-wrong; expected landed (NOT met)*",
            "field * expected * actual",
            "shippingCost * 8.00 * (none)",
            "total * 20.87 * 12.87",
            "diagnosis: shipping: *",
            "hint: *",
            "evidence:",
            "  PUT /services/rest/record/v1/salesOrder/eid:woo-* 204",
        ]
    )


def test_a_passing_test_shows_no_landing_section(pytester: pytest.Pytester, tiny: Path) -> None:
    pytester.makepyfile(PLAIN_ASSERT)
    result = pytester.runpytest_inprocess(f"--ns-catalogue={tiny}")
    assert outcomes(result) == {"passed": 1}
    assert "netsuite landing" not in result.stdout.str()


def test_comparing_verdicts_explains_them(pytester: pytest.Pytester, tiny: Path) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_two_orders(land):
            assert land("mug-for-jane") == land("sku-nobody-knows")
        """
    )
    result = pytester.runpytest_inprocess(f"--ns-catalogue={tiny}")
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: assert Verdict(landed, *) == Verdict(rejected, *",
            "E         order * (scenario 'sku-nobody-knows'): rejected*",
            "E         diagnosis: item-mapping: *",
        ]
    )


def test_the_summary_table_lists_every_landing(pytester: pytest.Pytester, tiny: Path) -> None:
    pytester.makeconftest(DROP_SHIPPING)
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    result = pytester.runpytest_inprocess(f"--ns-catalogue={tiny}")
    result.stdout.fnmatch_lines(
        [
            "*= netsuite scenarios =*",
            "scenario * expected * outcome * met",
            "mug-for-jane * landed * landed-wrong * NO",
            "mug-for-someone-new * landed * landed-wrong * NO",
            "pending-order * sync-rule * not-pushed * yes",
            "sku-nobody-knows * item-mapping * rejected * yes",
            "",
            "met: yes when the landing is what its scenario expects. A scenario that expects*",
            "*negative scenario*",
            "",
            "mug-for-jane ?shipping? *",
            "mug-for-someone-new ?shipping? *",
            "pending-order ?sync-rule? *",
            "sku-nobody-knows ?item-mapping? *",
            "2 of 4 scenario landings met their expectation",
        ]
    )


def test_the_summary_fits_a_ci_log_and_breaks_no_word(
    pytester: pytest.Pytester, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    pytester.makeconftest(DROP_SHIPPING)
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    result = pytester.runpytest_inprocess(f"--ns-catalogue={tiny}")
    lines = result.stdout.lines
    start = next(i for i, line in enumerate(lines) if "netsuite scenarios" in line)
    end = next(i for i, line in enumerate(lines) if "scenario landings met" in line)
    section = lines[start + 1 : end + 1]
    words = " ".join(section).split()
    for line in section:
        # Only a word longer than a line may make one longer.
        assert len(line) <= 80 or " " not in line.strip(), line
    for name in TINY_NAMES:
        assert name in words  # whole, never cut
    assert "…" not in " ".join(section)
    # Not met first.
    rows = [line.split()[0] for line in section if line.split()[-1:] in (["NO"], ["yes"])]
    assert rows[:2] == ["mug-for-jane", "mug-for-someone-new"]


def test_no_table_when_nothing_landed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_unrelated(): pass")
    result = pytester.runpytest_inprocess()
    assert "netsuite scenarios" not in result.stdout.str()


def test_the_json_report_holds_each_verdict(pytester: pytest.Pytester, tiny: Path) -> None:
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    result = pytester.runpytest_inprocess(
        f"--ns-catalogue={tiny}", "--ns-report=out/report.json", "--ns-seed=5"
    )
    result.stdout.fnmatch_lines([f"report: {pytester.path / 'out' / 'report.json'}"])
    report = read_json(pytester.path / "out" / "report.json")
    assert report["run"] == {
        "connector": "reference", "target": "sim", "seed": 5, "account": None, "shard": None,
        "prefix": "",
    }
    assert report["summary"] == {"landings": 4, "met": 4, "not_met": 0}
    by_name = {row["scenario"]: row for row in report["landings"]}
    assert sorted(by_name) == sorted(TINY_NAMES)
    jane = by_name["mug-for-jane"]
    assert jane["nodeid"] == "test_tiny_suite.py::test_scenario[mug-for-jane]"
    assert jane["expected"] == "landed" and jane["met"] is True
    assert set(jane["verdict"]) == {
        "scenario", "order", "outcome", "sales_order_id", "mismatches", "diagnosis"
    }
    assert jane["verdict"]["outcome"] == "landed" and jane["verdict"]["diagnosis"] is None
    assert any("salesOrder" in call for call in jane["calls"])
    sku = by_name["sku-nobody-knows"]["verdict"]
    assert sku["outcome"] == "rejected" and sku["diagnosis"]["category"] == "item-mapping"
    assert sku["diagnosis"]["evidence"], "the evidence lines travel into the report"


def selected(pytester: pytest.Pytester, tiny: Path, *args: str) -> set[str]:
    result = pytester.runpytest_inprocess("--co", "-q", f"--ns-catalogue={tiny}", *args)
    return {line for line in result.stdout.lines if "::" in line}


@pytest.mark.parametrize("count", [2, 3])
def test_shards_are_disjoint_cover_the_catalogue_and_keep_other_tests(
    pytester: pytest.Pytester, tiny: Path, count: int
) -> None:
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST + "\n\ndef test_other():\n    pass\n")
    everything = selected(pytester, tiny)
    shards = [selected(pytester, tiny, f"--ns-shard={k}/{count}") for k in range(1, count + 1)]
    other = "test_tiny_suite.py::test_other"
    assert all(other in shard for shard in shards)
    scenario_parts = [shard - {other} for shard in shards]
    assert set().union(*scenario_parts) == everything - {other}
    assert sum(len(part) for part in scenario_parts) == len(TINY_NAMES)
    # Stable: asking again gives the same split.
    assert selected(pytester, tiny, f"--ns-shard=1/{count}") == shards[0]


WHICH_WORKER = """
import os, pathlib

@pytest.fixture(autouse=True)
def _which_worker(request):
    name = request.node.callspec.id if hasattr(request.node, "callspec") else request.node.name
    pathlib.Path(f"worker-{name}.txt").write_text(os.environ.get("PYTEST_XDIST_WORKER", "-"))
"""


def test_xdist_workers_results_are_gathered_on_the_controller(
    pytester: pytest.Pytester, tiny: Path
) -> None:
    pytester.makeconftest(DROP_SHIPPING + WHICH_WORKER)
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    # A fresh interpreter per process: no assertion rewriting, no hypothesis plugin, to keep
    # three cold starts quick.
    result = pytester.runpytest_subprocess(
        "-p", "xdist", "-n", "2", "--assert=plain", "-p", "no:hypothesispytest",
        f"--ns-catalogue={tiny}", "--ns-report=report.json",
    )
    assert outcomes(result) == {"failed": 2, "passed": 2}
    result.stdout.fnmatch_lines(
        [
            "*= netsuite scenarios =*",
            "mug-for-jane * landed * landed-wrong * NO",
            "mug-for-someone-new * landed * landed-wrong * NO",
            "pending-order * sync-rule * not-pushed * yes",
            "sku-nobody-knows * item-mapping * rejected * yes",
            "mug-for-jane ?shipping? *",
            "2 of 4 scenario landings met their expectation",
        ]
    )
    # The failure's diff and diagnosis travel from the worker with its report.
    result.stdout.fnmatch_lines(["*- netsuite landing -*", "diagnosis: shipping: *"])
    report = read_json(pytester.path / "report.json")
    assert sorted(row["scenario"] for row in report["landings"]) == sorted(TINY_NAMES)
    assert len({row["nodeid"] for row in report["landings"]}) == len(TINY_NAMES)
    ran_on = {path.read_text() for path in pytester.path.glob("worker-*.txt")}
    assert len(ran_on) == 2 and ran_on <= {"gw0", "gw1"}, ran_on

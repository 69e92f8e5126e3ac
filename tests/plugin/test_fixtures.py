"""The fixtures, the `scenario` marker and parametrization, each as a user's test sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plugin.conftest import CATALOGUE_TEST, TINY_NAMES, outcomes, read_json


def collected_ids(result: pytest.RunResult) -> list[str]:
    return [line.split("::", 1)[1] for line in result.stdout.lines if "::" in line]


def test_scenario_is_parametrized_over_the_catalogue_with_names_as_ids(
    pytester: pytest.Pytester, tiny: Path
) -> None:
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    result = pytester.runpytest_inprocess("--co", "-q", f"--ns-catalogue={tiny}")
    assert collected_ids(result) == [f"test_scenario[{name}]" for name in TINY_NAMES]


def test_the_catalogue_lands_every_scenario_as_it_expects(
    pytester: pytest.Pytester, tiny: Path
) -> None:
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    result = pytester.runpytest_inprocess(f"--ns-catalogue={tiny}")
    assert outcomes(result) == {"passed": len(TINY_NAMES)}


def test_the_marker_picks_the_scenarios_of_a_test(pytester: pytest.Pytester, tiny: Path) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.scenario("pending-order")
        def test_one(scenario):
            assert scenario.name == "pending-order"

        @pytest.mark.scenario("mug-for-jane", "pending-order")
        def test_two(scenario):
            pass

        @pytest.mark.scenario("sku-nobody-knows")
        class TestMarkedClass:
            def test_inherits(self, scenario, woo_order):
                assert woo_order().line_items[0].sku == "NO-SUCH-SKU"
        """
    )
    result = pytester.runpytest_inprocess("-v", f"--ns-catalogue={tiny}")
    result.stdout.fnmatch_lines(
        [
            "*::test_one[[]pending-order[]] PASSED*",
            "*::test_two[[]mug-for-jane[]] PASSED*",
            "*::test_two[[]pending-order[]] PASSED*",
            "*::TestMarkedClass::test_inherits[[]sku-nobody-knows[]] PASSED*",
        ]
    )
    assert outcomes(result) == {"passed": 4}


def test_an_unknown_scenario_name_fails_collection_suggesting_close_names(
    pytester: pytest.Pytester, tiny: Path
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.scenario("mug-for-jnae")
        def test_typo(woo_order):
            pass
        """
    )
    result = pytester.runpytest_inprocess(f"--ns-catalogue={tiny}")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting*",
            "*test_typo: @pytest.mark.scenario: no scenario named 'mug-for-jnae' in the "
            "catalogue; did you mean mug-for-jane?",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_a_marker_without_a_name_is_an_error(pytester: pytest.Pytester, tiny: Path) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.scenario()
        def test_empty(scenario):
            pass
        """
    )
    result = pytester.runpytest_inprocess(f"--ns-catalogue={tiny}")
    result.stdout.fnmatch_lines(["*@pytest.mark.scenario needs at least one scenario name*"])


def test_woo_order_is_seeded_by_the_run_seed(pytester: pytest.Pytester, tiny: Path) -> None:
    pytester.makepyfile(
        """
        import json, pathlib, pytest

        @pytest.mark.scenario("mug-for-jane")
        def test_order(woo_order, request):
            seen = {
                "default": woo_order().to_wire(),
                "by_name": woo_order("mug-for-jane").to_wire(),
                "seed_9": woo_order("mug-for-jane", seed=9).to_wire(),
                "other": woo_order("pending-order").number,
            }
            pathlib.Path(__file__).with_name("seen.json").write_text(json.dumps(seen, default=str))
        """
    )
    runs = {}
    for seed in ("0", "9"):
        pytester.runpytest_inprocess(f"--ns-catalogue={tiny}", f"--ns-seed={seed}").assert_outcomes(
            passed=1
        )
        runs[seed] = read_json(pytester.path / "seen.json")
    assert runs["0"]["default"] == runs["0"]["by_name"]
    assert runs["0"]["default"]["number"] != runs["0"]["other"]
    # --ns-seed=9 makes exactly the order an explicit seed=9 makes; seed 0 makes another.
    assert runs["9"]["default"] == runs["0"]["seed_9"] == runs["9"]["seed_9"]
    assert runs["9"]["default"]["number"] != runs["0"]["default"]["number"]


def test_woo_order_without_a_scenario_says_how_to_name_one(
    pytester: pytest.Pytester, tiny: Path
) -> None:
    pytester.makepyfile("def test_bare(woo_order):\n    woo_order()\n")
    result = pytester.runpytest_inprocess(f"--ns-catalogue={tiny}")
    result.stdout.fnmatch_lines(["*this test has no scenario: call woo_order('name')*"])


def test_land_takes_a_name_an_order_or_the_tests_scenario(
    pytester: pytest.Pytester, tiny: Path
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.scenario("mug-for-jane")
        def test_forms(land, woo_order):
            assert land().outcome == "landed"
            assert land("pending-order").outcome == "not-pushed"
            verdict = land(woo_order("mug-for-jane", seed=3))
            assert verdict and verdict.scenario is None
        """
    )
    assert outcomes(pytester.runpytest_inprocess(f"--ns-catalogue={tiny}")) == {"passed": 1}


def test_each_test_starts_from_the_profiles_records(pytester: pytest.Pytester, tiny: Path) -> None:
    pytester.makepyfile(
        """
        import pytest

        def orders(netsuite):
            return netsuite.suiteql_all("SELECT id FROM transaction WHERE type = 'SalesOrd'")

        @pytest.mark.parametrize("round", [1, 2])
        @pytest.mark.scenario("mug-for-jane")
        def test_lands_into_an_empty_account(round, land, netsuite):
            assert orders(netsuite) == []
            assert land()
            assert len(orders(netsuite)) == 1
        """
    )
    assert outcomes(pytester.runpytest_inprocess(f"--ns-catalogue={tiny}")) == {"passed": 2}


# -- every fixture can be replaced by the user's own -------------------------------------------

DROP_SHIPPING = """
import pytest
from harness.connector.reference import ReferenceConnector

class NoShipping(ReferenceConnector):
    name = "no-shipping"

    def _apply_shipping(self, order, body):
        pass  # the bug under test: shipping never reaches NetSuite

@pytest.fixture
def connector(netsuite, mapping):
    return NoShipping(netsuite, mapping)
"""


def test_a_users_connector_replaces_the_reference_one_and_its_bug_is_caught(
    pytester: pytest.Pytester, tiny: Path
) -> None:
    pytester.makeconftest(DROP_SHIPPING)
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    result = pytester.runpytest_inprocess(f"--ns-catalogue={tiny}")
    assert outcomes(result) == {"failed": 2, "passed": 2}
    result.stdout.fnmatch_lines(
        [
            "*test_scenario[[]mug-for-jane[]]*",
            "*- netsuite landing -*",
            "order * (scenario 'mug-for-jane'): landed-wrong; expected landed (NOT met)*",
            "diagnosis: shipping: *",
        ]
    )


OVERRIDES = {
    "mapping": (
        """
        import pytest
        from harness.mapping import load_mapping

        @pytest.fixture(scope="session")
        def mapping():
            demo = load_mapping()
            return demo.model_copy(update={"sync": demo.sync.model_copy(
                update={"statuses": ["processing", "completed", "on-hold", "pending"]})})
        """,
        """
        import pytest

        @pytest.mark.scenario("pending-order")
        def test_it(land):
            assert land().outcome == "landed"
        """,
    ),
    "sandbox": (
        """
        import pytest
        from harness.sandbox.serve import Sandbox

        class Counting(Sandbox):
            resets = 0

            def reset(self):
                Counting.resets += 1
                super().reset()

        @pytest.fixture(scope="session")
        def sandbox():
            return Counting()
        """,
        """
        import pytest

        @pytest.mark.scenario("mug-for-jane")
        def test_it(land, sandbox):
            assert land()
            assert type(sandbox).resets == 1
        """,
    ),
    "calllog": (
        """
        import pytest
        from harness.netsuite.calllog import CallLog

        @pytest.fixture
        def calllog():
            log = CallLog(max_body_bytes=16)
            log.mine = True
            return log
        """,
        """
        import pytest

        @pytest.mark.scenario("mug-for-jane")
        def test_it(land, netsuite):
            assert land()
            assert netsuite.calllog.mine
            assert any(call.response_truncated for call in netsuite.calllog.calls)
        """,
    ),
    "ns_config": (
        """
        import pytest
        from harness.pytest_support.options import NsConfig

        @pytest.fixture(scope="session")
        def ns_config():
            return NsConfig(seed=9)
        """,
        """
        import pytest

        @pytest.mark.scenario("mug-for-jane")
        def test_it(woo_order):
            assert woo_order() == woo_order(seed=9)
            assert woo_order() != woo_order(seed=0)
        """,
    ),
    "netsuite": (
        """
        import pytest

        @pytest.fixture
        def netsuite(ns_target):
            client = ns_target.client("woo-integration-view-only")
            client.mine = True
            return client
        """,
        """
        import pytest

        @pytest.mark.scenario("mug-for-jane")
        def test_it(land, connector):
            assert connector.client.mine
            assert land().diagnosis.category == "permission"
        """,
    ),
    "woo_order": (
        """
        import pytest

        @pytest.fixture
        def woo_order():
            return lambda *args, **kwargs: "a fixed order"
        """,
        """
        def test_it(woo_order):
            assert woo_order("anything") == "a fixed order"
        """,
    ),
}


@pytest.mark.parametrize("fixture", sorted(OVERRIDES))
def test_a_fixture_redefined_in_conftest_is_the_one_used(
    pytester: pytest.Pytester, tiny: Path, fixture: str
) -> None:
    conftest, test = OVERRIDES[fixture]
    pytester.makeconftest(conftest)
    pytester.makepyfile(test)
    result = pytester.runpytest_inprocess(f"--ns-catalogue={tiny}")
    assert outcomes(result) == {"passed": 1}, result.stdout.str()

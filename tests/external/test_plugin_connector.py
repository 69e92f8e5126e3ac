"""The pytest plugin with a connector we don't own: --ns-connector, --ns-webhook-secret and the
`external_connector` fixture, each as a user's test suite sees them."""

from __future__ import annotations

import shlex
import sys

import pytest
from external_helpers import EXAMPLE

PUSH_ONCE = f"command:{shlex.quote(sys.executable)} {shlex.quote(str(EXAMPLE / 'push_once.py'))}"

LANDS = """
import pytest

@pytest.mark.scenario("coupon-percent")
def test_lands(land, connector):
    verdict = land()
    assert verdict, verdict
    assert connector.name.startswith("command:")
"""

BUILDS = f"""
def test_builds_one(external_connector, woo_order):
    connector = external_connector({PUSH_ONCE!r}, timeout=5)
    push = connector.push(woo_order("two-coupons"))
    assert push.status == "pushed", push
"""


def test_ns_connector_puts_the_external_connector_behind_land(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner=LANDS + BUILDS)
    result = pytester.runpytest_inprocess(f"--ns-connector={PUSH_ONCE}")
    result.assert_outcomes(passed=2)  # and external_connector builds one of its own


def test_a_bug_in_the_external_connector_fails_the_test_with_its_diagnosis(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_inner=LANDS.replace("coupon-percent", "tax-new-york-city"))
    monkeypatch.setenv("CONNECTOR_BUGS", "fixed-tax")  # the command inherits it
    result = pytester.runpytest_inprocess(f"--ns-connector={PUSH_ONCE}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*landed-wrong*", "*CA-STATE*"])


def test_an_unusable_connector_fails_with_one_message(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner=LANDS)
    result = pytester.runpytest_inprocess("--ns-connector=smtp:nowhere")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*--ns-connector smtp:nowhere: connector*is not one of*"])
    assert "Traceback" not in result.stdout.str()


def test_the_webhook_secret_option_reaches_the_driver(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner="""
        def test_secret(connector):
            assert connector.settings.secret == "whsec-from-option"
            assert connector.name == "webhook:http://127.0.0.1:9/hook"
    """)
    result = pytester.runpytest_inprocess("--ns-connector=webhook:http://127.0.0.1:9/hook",
                                          "--ns-webhook-secret=whsec-from-option")
    result.assert_outcomes(passed=1)



def test_a_connector_fixture_that_breaks_fails_the_scenario_that_expects_a_refusal(
    pytester: pytest.Pytester,
) -> None:
    """A store's own `connector` fixture with a typo: its NameError names `item_id`, and the
    scenario expects `item-mapping`; the test fails, saying the connector broke."""
    pytester.makeconftest("""
        import pytest

        class StoreSync:
            name = "store-sync"

            def push(self, order):
                for line in order.line_items:
                    print(item_id)  # meant line.sku

        @pytest.fixture
        def connector():
            return StoreSync()
    """)
    pytester.makepyfile(test_inner="""
        import pytest

        @pytest.mark.scenario("unknown-sku")
        def test_refused(land, scenario):
            verdict = land()
            assert verdict.met(scenario.expect), verdict
    """)
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*connector-crash*(NameError)*"])

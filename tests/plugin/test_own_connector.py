"""A connector the test suite brings itself, as a store's developer writes it (plain requests
+ requests-oauthlib, configured from NETSUITE_*): through a redefined `connector` fixture or
`external_connector(...)`, in the embedded sandbox, acting as each scenario's role."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plugin.conftest import CATALOGUE_TEST, outcomes, read_json

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "webhook_connector"

# The example connector's mapper: reads NETSUITE_* when it pushes, raises when it cannot.
OWN_FIXTURE = f"""
import sys

import pytest

sys.path.insert(0, {str(EXAMPLE)!r})
from push_once import push as push_order  # noqa: E402


class StoreConnector:
    name = "store-connector"

    def push(self, order):
        push_order(order.to_wire())


@pytest.fixture
def connector():
    return StoreConnector()
"""

EXTERNAL_FIXTURE = f"""
import pytest


@pytest.fixture
def connector(external_connector):
    return external_connector({"python:" + str(EXAMPLE / "push_once.py") + ":push"!r})
"""

SCENARIOS = "guest-checkout or unknown-sku or role-without"


def test_a_redefined_fixture_pushes_with_the_netsuite_settings_and_is_judged(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(OWN_FIXTURE)
    pytester.makepyfile(test_own_suite=CATALOGUE_TEST)
    report = pytester.path / "report.json"
    result = pytester.runpytest_inprocess("-k", SCENARIOS, f"--ns-report={report}")
    assert outcomes(result) == {"passed": 3}, result.stdout.str()
    landings = {row["scenario"]: row for row in read_json(report)["landings"]}
    role = landings["role-without-salesorder-create"]["verdict"]
    assert role["outcome"] == "rejected"
    assert role["diagnosis"]["category"] == "permission"
    assert landings["unknown-sku"]["verdict"]["diagnosis"]["category"] == "item-mapping"
    # Its own requests are the evidence: the upsert it made is in the landing's calls.
    calls = landings["guest-checkout"]["calls"]
    assert [c for c in calls if c.startswith("PUT /services/rest/record/v1/salesOrder/eid:")]


def test_what_the_connector_raises_is_its_answer_not_a_traceback(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(OWN_FIXTURE)
    pytester.makepyfile(
        test_own_raises="""
        import pytest

        @pytest.mark.scenario("unknown-sku")
        def test_claims_it_lands(land):
            assert land()
        """
    )
    result = pytester.runpytest_inprocess()
    assert outcomes(result) == {"failed": 1}
    result.stdout.fnmatch_lines(
        ["*diagnosis: item-mapping*", "*raised CannotMap: SKU HOODIE-PNK-XL*(at connector.py:*"]
    )


def test_a_connector_that_calls_sys_exit_is_answered_not_ended(
    pytester: pytest.Pytester,
) -> None:
    """A push written like the script it came from (`sys.exit(2)` on a problem): the
    landing's verdict says so; the test fails on it, and the next test runs."""
    pytester.makeconftest(
        """
        import sys

        import pytest


        class ScriptLike:
            name = "script-like"

            def push(self, order):
                sys.exit(2)


        @pytest.fixture
        def connector():
            return ScriptLike()
        """
    )
    pytester.makepyfile(
        test_exits="""
        import pytest

        @pytest.mark.scenario("new-customer")
        def test_claims_it_lands(land):
            assert land()

        def test_next():
            pass
        """
    )
    result = pytester.runpytest_inprocess()
    assert outcomes(result) == {"failed": 1, "passed": 1}, result.stdout.str()
    result.stdout.fnmatch_lines(["*called sys.exit(2) (at conftest.py:*"])
    assert "SystemExit" not in result.stdout.str()


def test_external_connector_as_the_fixture_acts_as_the_scenarios_role(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(EXTERNAL_FIXTURE)
    pytester.makepyfile(
        test_own_role="""
        import pytest

        @pytest.mark.scenario("role-without-salesorder-create")
        def test_role(land):
            verdict = land()
            assert verdict.outcome == "rejected", verdict
            assert verdict.diagnosis.category == "permission", verdict
        """
    )
    result = pytester.runpytest_inprocess()
    assert outcomes(result) == {"passed": 1}, result.stdout.str()


def test_a_connector_on_the_harness_client_is_logged_once(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        from harness.connector.reference import ReferenceConnector


        class Wrapped:
            name = "wrapped-reference"

            def __init__(self, netsuite, mapping):
                self.inner = ReferenceConnector(netsuite, mapping)

            def push(self, order):
                return self.inner.push(order)


        @pytest.fixture
        def connector(netsuite, mapping):
            return Wrapped(netsuite, mapping)
        """
    )
    pytester.makepyfile(test_own_suite=CATALOGUE_TEST)
    report = pytester.path / "report.json"
    result = pytester.runpytest_inprocess("-k", "guest-checkout", f"--ns-report={report}")
    assert outcomes(result) == {"passed": 1}
    calls = read_json(report)["landings"][0]["calls"]
    upserts = [c for c in calls if c.startswith("PUT /services/rest/record/v1/salesOrder/")]
    assert len(upserts) == 1, calls


def test_a_python_module_in_the_rootdir_is_found_from_another_directory(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    (pytester.path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (pytester.path / "store_connector.py").write_text(
        f"import sys\nsys.path.insert(0, {str(EXAMPLE)!r})\nfrom push_once import push\n",
        encoding="utf-8",
    )
    tests = pytester.mkdir("tests")
    (tests / "test_rooted.py").write_text(CATALOGUE_TEST, encoding="utf-8")
    elsewhere = pytester.mkdir("elsewhere")
    monkeypatch.chdir(elsewhere)
    result = pytester.runpytest_inprocess(
        str(tests), "-k", "guest-checkout", "--ns-connector=python:store_connector:push"
    )
    assert outcomes(result) == {"passed": 1}, result.stdout.str()

"""The pull driver: spec strings, the store it serves as the shop, a poller the user started,
an order nobody pulled, and which connector may run a `driver: pull` scenario."""

from __future__ import annotations

import re
import shlex
import socket
import sys
import unittest
from pathlib import Path

import pytest
from click.testing import CliRunner
from external_helpers import EXAMPLE
from pull_helpers import COMMAND, poller, run

from harness.catalogue.spec import Catalogue
from harness.cli.main import main
from harness.connector.drivers.pull import moved_past
from harness.connector.drivers.storeside import EPOCH, StoreRequest, StoreSide
from harness.connector.external import (
    ExternalConnectorError,
    ObservedServer,
    connector_from_spec,
)
from harness.connector.reference import ReferenceConnector
from harness.mapping import Mapping
from harness.runner import run_scenario
from harness.runner.drivers import ScenarioSkipped, cannot_run, driven
from harness.targets.sim import SimTarget
from harness.woo.generate import generate

# -- spec strings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    ["pull:https://127.0.0.1:8766", "pull:http://shop.example:8766", "pull:ftp://127.0.0.1",
     "pull:http://127.0.0.1:8766/wp-json"],
)
def test_a_store_address_the_harness_cannot_serve_is_refused(spec: str) -> None:
    with pytest.raises(ExternalConnectorError, match="not an address the harness can serve"):
        connector_from_spec(spec)


def test_a_pull_command_must_name_a_program() -> None:
    with pytest.raises(ExternalConnectorError, match="command is empty"):
        connector_from_spec("pull:command:")


def test_an_option_that_does_not_apply_to_pull_is_named() -> None:
    with pytest.raises(ExternalConnectorError, match="option 'secret' does not apply to a pull"):
        connector_from_spec("pull:command:true", secret="s")


def test_a_store_port_in_use_names_the_option() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ExternalConnectorError, match=rf"127.0.0.1:{port}.*--store-port"):
            connector_from_spec("pull:", store_port=port)


def test_the_store_is_served_where_the_spec_says() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with connector_from_spec(f"pull:http://127.0.0.1:{port}") as factory:
        assert factory.side.server.url == f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]


# -- the store as the shop -------------------------------------------------------------------


def test_the_shop_places_the_order_with_its_id_on_the_store_clock(catalogue: Catalogue) -> None:
    side = StoreSide()
    order = generate(catalogue.get("pulled-order-written-back"), 0)
    placed = side.deliver(order)
    assert (placed.id, placed.number, placed.status) == (order.id, order.number, "processing")
    assert placed.date_created_gmt is not None
    assert placed.date_created_gmt.isoformat()[:19] == "2024-06-20T16:01:00"  # EPOCH + a minute
    assert EPOCH.startswith("2024-06-20T16:00:00")


def test_an_edit_moves_date_modified_and_keeps_what_the_connector_wrote(
    catalogue: Catalogue,
) -> None:
    side = StoreSide()
    spec = catalogue.get("pulled-order-edited-after-landing")
    first = generate(spec, 0)
    side.deliver(first)
    # The connector writes back and completes the order.
    side.store.handle("PUT", f"{side.store.api_url}/orders/{first.id}",
                      {"Authorization": "Basic " + _basic(side)},
                      '{"meta_data": [{"key": "_netsuite_so_id", "value": "7"}], '
                      '"status": "completed"}')
    edited = generate(spec.resent(spec.resend[0]), 0)
    after = side.deliver(edited)
    assert after.date_modified_gmt is not None and after.date_modified_gmt.minute == 2
    assert after.meta("_netsuite_so_id") == "7"
    assert after.status == "completed"  # the shop did not change it: the connector's stands
    assert [line.quantity for line in after.line_items] == [3, 1]
    assert after.billing.state == "NY"
    assert side.after(first.id) is not None
    assert side.after(first.id).statuses == ("processing",)  # type: ignore[union-attr]


def _basic(side: StoreSide) -> str:
    import base64

    raw = f"{side.store.consumer_key}:{side.store.consumer_secret}".encode()
    return base64.b64encode(raw).decode()


def test_a_cursor_past_the_order_means_the_poller_is_done_with_it(
    catalogue: Catalogue,
) -> None:
    side = StoreSide()
    order = side.deliver(generate(catalogue.get("pulled-order-written-back"), 0))

    def listing(**query: str) -> StoreRequest:
        return StoreRequest(0.0, "GET", "/wp-json/wc/v3/orders",
                            {k: [v] for k, v in query.items()}, 200)

    gmt = "2024-06-20T16:01:00"
    assert moved_past(order, [listing(modified_after=gmt, dates_are_gmt="true")]) is not None
    assert moved_past(order, [listing(modified_after="2024-06-20T16:00:59",
                                      dates_are_gmt="true")]) is None
    # Site time (the demo store is 8 hours behind GMT) unless dates_are_gmt.
    assert moved_past(order, [listing(modified_after="2024-06-20T08:01:00")]) is not None
    assert moved_past(order, [listing(modified_after=gmt)]) is not None  # 16:01 local is later
    assert moved_past(order, [listing()]) is None


# -- a poller the user started, and one that never comes -------------------------------------


def test_a_poller_the_user_started_is_waited_for_and_verified(
    served: ObservedServer, netsuite_env: dict[str, str], target: SimTarget,
    catalogue: Catalogue, mapping: Mapping, tmp_path: Path,
) -> None:
    factory = connector_from_spec("pull:", store_port=0, observe=served, timeout=10,
                                  poll_interval=0.02)
    url = factory.side.server.url  # type: ignore[attr-defined]
    with poller(url, netsuite_env, str(tmp_path / "cursor.json")):
        for name in ("pulled-order-written-back", "pulled-order-edited-after-landing",
                     "pulled-order-cancelled-after-landing"):
            result = run_scenario(catalogue.get(name), 0, target, mapping, factory)
            assert result.met, result.verdict
            assert result.seconds < 5  # done when its cursor moved past, not at the timeout
    factory.close()


def test_a_poller_whose_cursor_is_ahead_of_the_order_is_told_so_at_once(
    served: ObservedServer, netsuite_env: dict[str, str], target: SimTarget,
    catalogue: Catalogue, mapping: Mapping, tmp_path: Path,
) -> None:
    state = tmp_path / "cursor.json"
    state.write_text('{"modified_after": "2099-01-01T00:00:00"}')  # kept from another store
    factory = connector_from_spec("pull:", store_port=0, observe=served, timeout=10,
                                  poll_interval=0.02)
    with poller(factory.side.server.url, netsuite_env, str(state)):  # type: ignore[attr-defined]
        result = run("pulled-order-written-back", factory, target, catalogue, mapping)
    verdict = result.verdict
    assert (verdict.outcome, result.met) == ("not-pushed", False)
    assert result.seconds < 5  # not the landing timeout: it will never pull the order
    assert verdict.diagnosis is not None
    assert "never pulled order" in verdict.diagnosis.summary
    assert "a cursor kept from an earlier run" in verdict.diagnosis.summary


def test_an_order_no_poller_pulls_is_not_verified_never_a_pass(
    served: ObservedServer, target: SimTarget, catalogue: Catalogue, mapping: Mapping,
) -> None:
    factory = connector_from_spec("pull:", store_port=0, observe=served, timeout=0.3,
                                  poll_interval=0.02)
    result = run("pulled-order-written-back", factory, target, catalogue, mapping)
    verdict = result.verdict
    assert (verdict.outcome, result.met) == ("not-pushed", False)
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "sync-rule"
    # The time it was given, as waited: 0.3 s or a little more on a busy machine.
    said = re.search(
        rf"not verified: the connector never pulled order {verdict.order} within ([\d.]+) s: "
        "it made no request to the store",
        verdict.diagnosis.summary,
    )
    assert said is not None and 0.3 <= float(said[1]) < 5, verdict.diagnosis.summary


def test_a_command_that_never_polls_is_not_verified(
    served: ObservedServer, target: SimTarget, catalogue: Catalogue, mapping: Mapping,
) -> None:
    factory = connector_from_spec(f"pull:command:{shlex.quote(sys.executable)} -c pass",
                                  observe=served, timeout=0.3)
    result = run("pulled-order-written-back", factory, target, catalogue, mapping)
    assert result.verdict.outcome == "not-pushed"
    assert result.verdict.diagnosis is not None
    assert "never pulled order" in result.verdict.diagnosis.summary
    assert "polled the store once and exited 0" in result.verdict.diagnosis.summary


# -- who can run a `driver: pull` scenario ----------------------------------------------------


def test_the_reference_connector_runs_a_pull_scenario_as_a_poller(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping,
) -> None:
    spec = catalogue.get("pulled-order-written-back")
    reference = ReferenceConnector(target.client(), mapping)
    assert driven(reference, spec).name == "reference (pull)"
    assert driven(reference, catalogue.get("new-customer")) is reference


def test_a_connector_that_cannot_poll_skips_a_pull_scenario_with_the_reason(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping,
) -> None:
    spec = catalogue.get("pulled-order-written-back")
    push_once = f"command:{shlex.quote(sys.executable)} {EXAMPLE / 'push_once.py'}"
    with connector_from_spec(push_once) as factory:
        connector = factory(target.client(), mapping)
        with pytest.raises(ScenarioSkipped, match="goes through the store") as skipped:
            driven(connector, spec)
    assert isinstance(skipped.value, unittest.SkipTest)  # pytest reports it as skipped
    assert cannot_run(push_once, spec) is not None
    assert cannot_run("reference", spec) is None and cannot_run(COMMAND, spec) is None
    role = catalogue.get("role-without-salesorder-create")
    assert "keeps the token" in (cannot_run("pull:", role) or "")
    assert cannot_run(COMMAND, role) is None


def test_harness_run_deselects_pull_scenarios_for_a_push_connector(tmp_path: Path) -> None:
    push_once = f"command:{shlex.quote(sys.executable)} {EXAMPLE / 'push_once.py'}"
    result = CliRunner().invoke(main, ["run", "--connector", push_once, "-k",
                                       "pulled-order-written-back or coupon-percent",
                                       "--report-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "deselected pulled-order-written-back: goes through the store" in result.output
    assert "1/1 scenarios met their expectation" in result.output


def test_harness_run_drives_a_pull_command_with_its_store_port(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(main, ["run", "--connector", COMMAND, "--store-port", str(port),
                                       "-k", "pulled-order-cancelled-after-landing",
                                       "--report-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1/1 scenarios met their expectation" in result.output
    assert f"127.0.0.1:{port}" in (tmp_path / "harness-report.json").read_text()


# -- the pytest plugin -----------------------------------------------------------------------

PULL_TESTS = """
import pytest

@pytest.mark.scenario("pulled-order-written-back")
def test_pulled(land, connector):
    verdict = land()
    assert verdict, verdict

@pytest.mark.scenario("new-customer")
def test_pushed(land):
    assert land()
"""


def test_ns_connector_drives_a_pull_command(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner=PULL_TESTS)
    result = pytester.runpytest_inprocess(f"--ns-connector={COMMAND}")
    result.assert_outcomes(passed=2)


def test_a_pull_scenario_is_skipped_with_the_reason_for_a_push_connector(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_inner=PULL_TESTS)
    push_once = f"command:{shlex.quote(sys.executable)} {EXAMPLE / 'push_once.py'}"
    result = pytester.runpytest_inprocess(f"--ns-connector={push_once}", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*scenario pulled-order-written-back goes through the store*"])

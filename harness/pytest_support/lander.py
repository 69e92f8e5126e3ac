"""The `land` and `woo_order` fixtures' callables, around the runner's one landing core.

A scenario is generated with the run seed, pushed, then pushed again after each of its
`updates` (as WooCommerce's order.updated deliveries would), and verified against what
WooCommerce says, with the account's default role reading back: the scenario's own role may
be the very thing under test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn, cast

if TYPE_CHECKING:
    from harness.catalogue.spec import Catalogue, ScenarioSpec
    from harness.landing.verdict import Verdict
    from harness.mapping import Mapping
    from harness.netsuite.calllog import CallLog
    from harness.netsuite.client import NetSuiteClient
    from harness.push import Connector
    from harness.recording import Recorder
    from harness.woo.order import WooOrder


@dataclass(frozen=True)
class Landed:
    """One landing, for the run's results and a failing test's report."""

    verdict: Verdict
    scenario: ScenarioSpec | None
    seconds: float
    calls: tuple[str, ...]

    @property
    def expected(self) -> str | None:
        return self.scenario.expect if self.scenario else None

    @property
    def met(self) -> bool | None:
        return None if self.scenario is None else self.verdict.met(self.scenario.expect)


class NoScenarioError(LookupError):
    """`woo_order()` / `land()` without a scenario, in a test that has none."""


@dataclass(repr=False)
class Lander:
    """The `land` fixture's callable (see the module docstring)."""

    connector: Connector
    reader: NetSuiteClient
    calllog: CallLog
    mapping: Mapping
    catalogue: Callable[[], Catalogue]
    seed: int
    default: ScenarioSpec | None = None
    on_landed: Callable[[Landed], None] | None = None
    # Errors that say the target itself failed (a replay miss): reported with their own
    # message through `on_fatal`, not as a traceback from deep inside the connector.
    fatal: tuple[type[BaseException], ...] = ()
    on_fatal: Callable[[BaseException], NoReturn] | None = None
    replay: Recorder | None = None  # the cassette answering (replay): landings are strict
    # A client acting as a credential (None: the default one): a connector the test suite
    # brings itself gets its NETSUITE_* settings from it (see `own_connector`).
    acting: Callable[[str | None], NetSuiteClient] | None = None

    def __repr__(self) -> str:
        name = getattr(self.connector, "name", type(self.connector).__name__)
        scenario = f", scenario {self.default.name!r}" if self.default else ""
        return f"<land via connector {name!r}, seed {self.seed}{scenario}>"

    def spec(self, what: ScenarioSpec | str | None) -> ScenarioSpec:
        """A scenario by name (the test's own when None)."""
        if what is None:
            if self.default is None:
                raise NoScenarioError(
                    "this test has no scenario: pass one (land('guest-checkout')), mark the "
                    "test with @pytest.mark.scenario('name'), or request the `scenario` fixture"
                )
            return self.default
        if isinstance(what, str):
            return self.catalogue().get(what)
        return what

    def __call__(self, what: WooOrder | ScenarioSpec | str | None = None) -> Verdict:
        try:
            return self._land(what)
        except self.fatal as exc:
            if self.on_fatal is None:
                raise
            fatal = exc
        # Outside the except block: the report shows this error alone, not a chain.
        self.on_fatal(fatal)

    def _land(self, what: WooOrder | ScenarioSpec | str | None) -> Verdict:
        from harness.netsuite.calllog import summaries
        from harness.runner import land
        from harness.woo.order import WooOrder

        spec = None if isinstance(what, WooOrder) else self.spec(what)
        landing = land(
            spec or what,  # type: ignore[arg-type]  # an order, or the scenario it names
            self._connector(spec or self.default),
            self.reader,
            self.calllog,
            self.mapping,
            seed=self.seed,
            scenario=spec.name if spec else None,
            replay=self.replay,
        )
        calls = summaries(landing.calls)
        landed = Landed(landing.verdict, spec, landing.seconds, calls)
        if self.on_landed is not None:
            self.on_landed(landed)
        return landing.verdict

    def _connector(self, spec: ScenarioSpec | None) -> Connector:
        """The connector, given the target's NETSUITE_* settings if it is the suite's own."""
        from harness.pytest_support.own_connector import OwnConnector, is_harness_connector

        if self.acting is None or is_harness_connector(self.connector):
            return self.connector
        client = self.acting(spec.target.credential if spec else None)
        own = OwnConnector(self.connector, client, self.calllog, self.fatal)
        return cast("Connector", own)


@dataclass(repr=False)
class OrderMaker:
    """The `woo_order` fixture's callable: `woo_order(name_or_spec=None, *, seed=None)`."""

    catalogue: Callable[[], Catalogue]
    seed: int
    default: ScenarioSpec | None = None

    def __repr__(self) -> str:
        scenario = f", scenario {self.default.name!r}" if self.default else ""
        return f"<woo_order seed {self.seed}{scenario}>"

    def __call__(
        self, what: ScenarioSpec | str | None = None, *, seed: int | None = None
    ) -> WooOrder:
        from harness.woo.generate import generate

        if what is None:
            if self.default is None:
                raise NoScenarioError(
                    "this test has no scenario: call woo_order('name'), or mark the test "
                    "with @pytest.mark.scenario('name')"
                )
            what = self.default
        spec = self.catalogue().get(what) if isinstance(what, str) else what
        return generate(spec, self.seed if seed is None else seed)

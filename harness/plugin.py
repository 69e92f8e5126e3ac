"""pytest plugin: NetSuite targets, scenario fixtures and record/replay.

Options, hooks and fixtures only; the work happens in `harness.pytest_support`. Every fixture
can be replaced by defining one with the same name in a conftest.py (e.g. `connector`, to test
your own connector). Heavy imports wait until a fixture needs them: this module is loaded by
every pytest run in an environment where the harness is installed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from harness.pytest_support.options import NsConfig, OptionError, Places, add_options, resolve
from harness.pytest_support.seeds import scenario_values, seed_of, sweep_seed, without_seed
from harness.pytest_support.selection import (
    MARKER,
    MARKER_HELP,
    SelectionError,
    parametrized_by_user,
    scenario_of,
    scenario_parameters,
    split_shard,
)
from harness.pytest_support.session import (
    NsSession,
    acting_client,
    failing_cleanly,
)

if TYPE_CHECKING:
    from harness.catalogue.spec import Catalogue, ScenarioSpec
    from harness.connector.external import DriverFactory, ObservedServer
    from harness.mapping import Mapping
    from harness.netsuite.calllog import CallLog
    from harness.netsuite.client import NetSuiteClient
    from harness.push import Connector
    from harness.pytest_support.lander import Landed, Lander, OrderMaker
    from harness.sandbox.serve import Sandbox
    from harness.targets.scenario import ActiveTarget

SESSION = pytest.StashKey[NsSession]()
LANDED = pytest.StashKey[list["Landed"]]()
CALL_FAILED = pytest.StashKey[bool]()
_PREFIX_KEY = "ns_prefix"
_RESULTS_KEY = "ns_results"


def _session(config: pytest.Config) -> NsSession:
    return config.stash[SESSION]


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _fail(problem: str) -> NoReturn:
    """Fail with a message that says it all: no traceback, no chained exception."""
    raise pytest.fail.Exception(problem, pytrace=False) from None


# -- options and configuration --------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    """Resolve the options and check the target before any test (UsageError if unusable)."""
    config.addinivalue_line("markers", MARKER_HELP)
    places = Places(
        invocation=config.invocation_params.dir,
        ini=config.inipath.parent if config.inipath else config.rootpath,
        root=config.rootpath,
    )
    workerinput = getattr(config, "workerinput", {})
    try:
        settings = resolve(config.getoption, config.getini, places)
        ns = NsSession.start(settings, prefix=workerinput.get(_PREFIX_KEY), rootdir=places.root)
    except OptionError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[SESSION] = ns
    from harness.pytest_support.options import warn_of_spaced_values
    warn_of_spaced_values(config)


def pytest_report_header(config: pytest.Config) -> str:
    return _session(config).describe()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist controller: every worker shares the run's externalId namespace."""
    node.workerinput[_PREFIX_KEY] = _session(node.config).prefix


# -- collection: the marker, `scenario` parametrization, shards -----------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Check `@pytest.mark.scenario` names; parametrize `scenario` (ids: names, `name-seedS`)."""
    wants = "scenario" in metafunc.fixturenames and not parametrized_by_user(
        metafunc.definition.iter_markers("parametrize")
    )
    marker = metafunc.definition.get_closest_marker(MARKER)
    ns = _session(metafunc.config)
    try:
        names = scenario_parameters(marker, wants, ns.catalogue, metafunc.definition.nodeid)
    except (SelectionError, OptionError) as exc:
        problem = str(exc)
    else:
        if names is not None:
            values = scenario_values(names, ns.config.seeds)
            metafunc.parametrize("scenario", values, indirect=True, ids=str)
        return
    _fail(problem)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """--ns-shard K/N: keep this shard's scenario-parametrized tests (and all the others).

    On an account, a scenario that cannot run there (a second role whose token is not set, or
    was never recorded) is skipped now, with the reason, before any cassette is opened."""
    ns = _session(config)
    shard = ns.config.shard
    if shard is not None:
        items[:], dropped = split_shard(items, shard)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
    for item, reason in ns.not_runnable(items):
        item.add_marker(pytest.mark.skip(reason=reason))


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def ns_config(pytestconfig: pytest.Config) -> NsConfig:
    """The run's resolved settings (command line > ini > default)."""
    return _session(pytestconfig).config


@pytest.fixture(scope="session")
def ns_catalogue(pytestconfig: pytest.Config) -> Catalogue:
    """The scenario catalogue (--ns-catalogue)."""
    try:
        return _session(pytestconfig).catalogue()
    except OptionError as exc:
        problem = str(exc)
    _fail(problem)


@pytest.fixture(scope="session")
def ns_prefix(pytestconfig: pytest.Config) -> str:
    """This run's externalId namespace, filled into the mapping's `{prefix}` placeholders."""
    return _session(pytestconfig).prefix


@pytest.fixture(scope="session")
def mapping(ns_config: NsConfig, ns_prefix: str) -> Mapping:
    """The connector mapping (--ns-mapping), with the run's namespace filled in."""
    from harness.mapping import load_mapping
    from harness.targets.namespace import namespaced
    from harness.yamlfile import ConfigFileError

    try:
        return namespaced(load_mapping(ns_config.mapping), ns_prefix)
    except ConfigFileError as exc:
        problem = f"the mapping cannot be used:\n{exc}"
    _fail(problem)


@pytest.fixture(scope="session")
def sandbox(ns_config: NsConfig) -> Iterator[Sandbox]:
    """The embedded NetSuite (--ns-account profile with --ns-target=sim), one per process."""
    from harness.sandbox.serve import Sandbox

    embedded = Sandbox(ns_config.account if ns_config.target == "sim" else None)
    yield embedded
    embedded.close()


@pytest.fixture
def clean_sandbox(sandbox: Sandbox) -> Sandbox:
    """The embedded sandbox, back to its profile's records for this test (milliseconds)."""
    sandbox.reset()
    return sandbox


@pytest.fixture
def calllog() -> CallLog:
    """Every exchange this test makes with NetSuite, redacted."""
    from harness.netsuite.calllog import CallLog

    return CallLog()


@pytest.fixture
def ns_scenario(request: pytest.FixtureRequest) -> ScenarioSpec | None:
    """This test's scenario: its `scenario` parameter, else its marker's (single) name."""
    ns = _session(request.config)
    name = scenario_of(request.node)
    if name is None:
        marker = request.node.get_closest_marker(MARKER)
        if marker is None or len(marker.args) != 1:
            return None
        name = marker.args[0]
    try:
        return ns.catalogue().get(str(name))
    except (KeyError, OptionError) as exc:
        problem = str(exc.args[0] if exc.args else exc)
    _fail(problem)


@pytest.fixture
def ns_records(request: pytest.FixtureRequest, calllog: CallLog) -> Iterator[None]:
    """record/live: delete what the test created, newest first, after its cassette closed."""
    yield
    _session(request.config).clean_up(request.node.nodeid, calllog)


@pytest.fixture
def ns_target(
    request: pytest.FixtureRequest,
    ns_config: NsConfig,
    calllog: CallLog,
    mapping: Mapping,
    ns_scenario: ScenarioSpec | None,
    ns_records: None,
) -> Iterator[ActiveTarget]:
    """This test's NetSuite: intercepted sandbox (sim), its cassette (replay/record), or live."""
    node = request.node
    embedded = request.getfixturevalue("clean_sandbox") if ns_config.target == "sim" else None
    target = _session(request.config).target(
        calllog,
        nodeid=node.nodeid,
        sandbox=embedded,
        scenario=ns_scenario,
        mapping=mapping,
        call_failed=lambda: node.stash.get(CALL_FAILED, False),
    )
    with failing_cleanly(), target as active:
        yield active


@pytest.fixture
def netsuite(ns_target: ActiveTarget) -> NetSuiteClient:
    """A NetSuite client for the target, signing with the account's default credential."""
    return ns_target.client()


@pytest.fixture(scope="session")
def ns_http_sandbox(
    request: pytest.FixtureRequest, ns_config: NsConfig
) -> Iterator[ObservedServer | None]:
    """sim: the embedded sandbox also served over HTTP on a loopback port, for connectors in
    other processes (their exchanges land in each test's call log); None otherwise."""
    if ns_config.target != "sim":
        yield None
        return
    from harness.connector.external import serve_for_connectors

    with serve_for_connectors(request.getfixturevalue("sandbox").app) as server:
        yield server


@pytest.fixture(scope="session")
def ns_connector_endpoint(
    request: pytest.FixtureRequest, ns_config: NsConfig
) -> Iterator[ObservedServer | None]:
    """Where a connector in another process reaches NetSuite, its exchanges copied into each
    test's call log: the embedded sandbox over HTTP (sim), or a loopback recording proxy
    (record, replay: its requests are recorded into, or answered from, the test's cassette).
    None in live: the connector reaches the account itself."""
    if ns_config.target == "sim":
        yield request.getfixturevalue("ns_http_sandbox")
        return
    from harness.runner import connector_endpoint

    with connector_endpoint(_session(request.config).require_account()) as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def ns_connector_factory(
    request: pytest.FixtureRequest, ns_config: NsConfig
) -> Iterator[DriverFactory | None]:
    """--ns-connector's driver factory for the whole session (None: the reference connector)."""
    external = ns_config.connector not in (None, "", "reference")
    endpoint = request.getfixturevalue("ns_connector_endpoint") if external else None
    with failing_cleanly(), _session(request.config).connectors(endpoint) as factory:
        yield factory


@pytest.fixture
def connector(
    netsuite: NetSuiteClient,
    ns_target: ActiveTarget,
    ns_scenario: ScenarioSpec | None,
    mapping: Mapping,
    ns_connector_factory: DriverFactory | None,
) -> Connector:
    """The connector under test, acting as the scenario's role: the reference connector, or
    the one --ns-connector names.

    Replace it with your own by defining a `connector` fixture in your conftest.py."""
    from harness.connector.reference import ReferenceConnector

    credential = ns_scenario.target.credential if ns_scenario else None
    client = acting_client(ns_target, netsuite, credential)
    if ns_connector_factory is not None:
        return ns_connector_factory(client, mapping)
    return ReferenceConnector(client, mapping)


@pytest.fixture
def external_connector(
    request: pytest.FixtureRequest,
    netsuite: NetSuiteClient,
    ns_target: ActiveTarget,
    ns_scenario: ScenarioSpec | None,
    mapping: Mapping,
    ns_connector_endpoint: ObservedServer | None,
) -> Iterator[Callable[..., Connector]]:
    """`external_connector("webhook:URL", secret=..., **options) -> Connector` for this test's
    target, acting as its scenario's role (harness.connector.external.connector_from_spec;
    connectors in other processes reach NetSuite through `ns_connector_endpoint`); torn down
    after the test."""
    from harness.connector.external import connector_from_spec

    factories: list[DriverFactory] = []

    def make(spec: str, **options: Any) -> Connector:
        if ns_connector_endpoint is not None:
            options.setdefault("observe", ns_connector_endpoint)
        credential = ns_scenario.target.credential if ns_scenario else None
        client = acting_client(ns_target, netsuite, credential)
        with _session(request.config).importable():
            factories.append(connector_from_spec(spec, **options))
        return factories[-1](client, mapping)

    yield make
    for factory in factories:
        factory.close()


@pytest.fixture
def scenario(request: pytest.FixtureRequest) -> ScenarioSpec:
    """The catalogue scenario this test instance runs (parametrized over the catalogue, or
    over the names in its `@pytest.mark.scenario(...)`)."""
    value = without_seed(getattr(request, "param", None))  # a sweep's param: its name
    if value is None:
        pytest.fail(
            "the `scenario` fixture is parametrized at collection; request it as a test "
            "argument rather than through getfixturevalue()",
            pytrace=False,
        )
    if not isinstance(value, str):
        return value  # type: ignore[no-any-return]  # a user's indirect ScenarioSpec
    try:
        return _session(request.config).catalogue().get(value)
    except (KeyError, OptionError) as exc:
        problem = str(exc.args[0] if exc.args else exc)
    _fail(problem)


@pytest.fixture
def woo_order(
    ns_config: NsConfig, ns_scenario: ScenarioSpec | None, request: pytest.FixtureRequest
) -> OrderMaker:
    """`woo_order(name_or_spec=None, *, seed=None)`: a scenario's WooCommerce order, made with
    the test's seed (--ns-seed, or its own in a --ns-seeds sweep); without a name, its scenario."""
    from harness.pytest_support.lander import OrderMaker

    seed = seed_of(request.node, ns_config.seed)
    return OrderMaker(_session(request.config).catalogue, seed, ns_scenario)


@pytest.fixture
def land(
    request: pytest.FixtureRequest,
    connector: Connector,
    netsuite: NetSuiteClient,
    calllog: CallLog,
    mapping: Mapping,
    ns_config: NsConfig,
    ns_scenario: ScenarioSpec | None,
    ns_target: ActiveTarget,
) -> Lander:
    """`land(order_or_scenario=None) -> Verdict`: push through `connector`, then verify.

    In replay, only what this test did counts: a request the cassette cannot answer, or a
    recorded write the connector no longer makes, fails it whatever the connector did with
    the error."""
    from harness.pytest_support.lander import Lander

    ns = _session(request.config)
    node = request.node
    node.stash[LANDED] = []

    def keep(landed: Landed) -> None:
        node.stash[LANDED].append(landed)
        ns.landed(node.nodeid, landed, seed=sweep_seed(node))

    def fail(exc: BaseException) -> NoReturn:
        _fail(str(exc))

    fatal: tuple[type[BaseException], ...] = ()
    if ns_config.uses_cassettes:
        from harness.recording import RecordingError

        fatal = (RecordingError,)
    return Lander(
        connector=connector,
        reader=netsuite,
        calllog=calllog,
        mapping=mapping,
        catalogue=ns.catalogue,
        seed=seed_of(node, ns_config.seed),
        default=ns_scenario,
        on_landed=keep,
        fatal=fatal,
        on_fatal=fail,
        replay=ns_target.replay,
        acting=lambda credential: acting_client(ns_target, netsuite, credential),
    )


# -- reporting -------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failing test that landed orders shows each verdict in full: diff and diagnosis."""
    report = yield
    if report.when != "call":
        return report
    item.stash[CALL_FAILED] = report.failed
    landed = item.stash.get(LANDED, [])
    if report.failed and landed and hasattr(report.longrepr, "addsection"):
        from harness.pytest_support.verdict_text import landing_sections

        for title, text in landing_sections(landed):
            report.longrepr.addsection(title, text)
    return report


def pytest_assertrepr_compare(
    config: pytest.Config, op: str, left: object, right: object
) -> list[str] | None:
    """`assert verdict == other` (or `in`, `!=`): show the verdict's diff and diagnosis."""
    if "Verdict" not in (type(left).__name__, type(right).__name__):
        return None  # cheap test first: most comparisons involve no verdict at all
    from harness.pytest_support.verdict_text import explain_comparison

    return explain_comparison(op, left, right)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Workers hand their results to the controller; the controller writes the report."""
    config = session.config
    ns = config.stash.get(SESSION, None)
    if ns is None:
        return
    if _is_worker(config):
        config.workeroutput[_RESULTS_KEY] = ns.results.to_json()  # type: ignore[attr-defined]
        return
    if ns.config.report is not None:
        from harness.pytest_support.results import write_report

        write_report(ns.config.report, ns.results, ns.report_settings())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: gather a finished worker's results."""
    output = getattr(node, "workeroutput", None) or {}
    _session(node.config).results.merge_json(output.get(_RESULTS_KEY))


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    """One table for the whole run: scenario, expected, outcome, met, diagnosis."""
    ns = config.stash.get(SESSION, None)
    if ns is None or _is_worker(config) or ns.results.empty:
        return
    from harness.pytest_support.results import summary_lines

    terminalreporter.section("netsuite scenarios")
    for line in summary_lines(ns.results):
        terminalreporter.write_line(line)
    if ns.config.report is not None:
        terminalreporter.write_line(f"report: {ns.config.report}")


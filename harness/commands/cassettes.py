"""`harness cassettes check`: the catalogue's view of a cassette directory.

`check_cassettes` knows how to judge one cassette; this module supplies what it judges
against: the node ids the catalogue suite records into (the orphan check), what each of them
would record now (scenario and mapping fingerprints: the staleness check) and the account's
secrets from the environment (the leak scan).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from harness.catalogue.spec import Catalogue
from harness.mapping import Mapping as ConnectorMapping
from harness.recording import CassetteMetadata, CassetteProblem, check_cassettes
from harness.recording.paths import CATALOGUE_TEST, cassette_path, scenario_nodeid


def expected_metadata(
    catalogue: Catalogue, mapping: ConnectorMapping
) -> Callable[[CassetteMetadata], CassetteMetadata]:
    """What the test of a recorded cassette would write down today: its scenario (by the name
    it recorded, in any test) as the catalogue now has it, and the mapping, as the pytest
    plugin describes a recording."""
    specs = {spec.name: spec for spec in catalogue.scenarios}

    def expected(recorded: CassetteMetadata) -> CassetteMetadata:
        spec = specs.get(recorded.scenario or "")
        return CassetteMetadata.describe(
            nodeid=recorded.nodeid,
            scenario=recorded.scenario if spec is not None else None,
            scenario_spec=spec,
            mapping=mapping,
        )

    return expected


def environment_secrets(env: Mapping[str, str] = os.environ) -> list[str]:
    """The account's secrets, when NETSUITE_* holds usable credentials (else none)."""
    from harness.netsuite.auth import AuthConfigError
    from harness.netsuite.credentials import Credentials

    try:
        return list(Credentials.from_env(env).secrets())
    except AuthConfigError:
        return []


def audit(
    cassette_dir: Path,
    catalogue: Catalogue,
    mapping: ConnectorMapping,
    *,
    nodeids: Iterable[str] | None = None,
    secrets: Iterable[str] = (),
    max_age_days: float | None = None,
) -> list[CassetteProblem]:
    """Every problem of every cassette under `cassette_dir`.

    Without `nodeids` (e.g. `pytest --collect-only -q` output) only the catalogue suite's
    cassettes can be called orphaned: other tests' cassettes are not judged on that point."""
    known = {scenario_nodeid(spec.name) for spec in catalogue.scenarios} | set(nodeids or ())
    problems = check_cassettes(
        cassette_dir,
        secrets=list(secrets),
        known_nodeids=known,
        expected=expected_metadata(catalogue, mapping),
        max_age_days=max_age_days,
    )
    if nodeids is not None:
        return problems
    suite_folder = cassette_path(cassette_dir, f"{CATALOGUE_TEST}[x]").parent.resolve()
    return [
        problem
        for problem in problems
        if problem.kind != "orphaned" or problem.path.resolve().parent == suite_folder
    ]


def read_nodeids(path: str | Path) -> list[str]:
    """The test node ids in `pytest --collect-only -q` output (the lines with `::`)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if "::" in line]


def count_cassettes(cassette_dir: Path) -> int:
    """How many cassettes (YAML files) `cassette_dir` holds, at any depth."""
    return sum(1 for _ in cassette_dir.rglob("*.yaml"))

"""`NsSession`: the one object that owns the plugin's state for a pytest run."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.pytest_support.namespace import run_prefix
from harness.pytest_support.options import NsConfig, OptionError
from harness.pytest_support.results import CassetteNote, LandingRecord, RunResults
from harness.pytest_support.targets import RunTarget, prepare

if TYPE_CHECKING:
    from harness.pytest_support.landing import Landed
    from harness.woo.generate import Catalogue


class StaleCassetteWarning(UserWarning):
    """A replayed cassette was recorded for another scenario, mapping or harness version."""


@dataclass
class NsSession:
    """Resolved settings, the run's target, its namespace, and what its tests found."""

    config: NsConfig
    run: RunTarget
    prefix: str
    results: RunResults = field(default_factory=RunResults)
    _catalogue: Catalogue | None = field(default=None, repr=False)

    @classmethod
    def start(
        cls,
        config: NsConfig,
        *,
        prefix: str | None = None,
        env: Mapping[str, str] | None = None,
        default_account: Callable[[], str | None] = lambda: None,
    ) -> NsSession:
        """Check the settings and prepare the target (raises OptionError)."""
        account = default_account() if config.target == "replay" else None
        run = prepare(config, env, default_account=account)
        return cls(config, run, run_prefix(config.target) if prefix is None else prefix)

    def catalogue(self) -> Catalogue:
        """The scenario catalogue, loaded on first use (raises OptionError naming the file)."""
        if self._catalogue is None:
            from harness.woo.generate import load_catalogue
            from harness.yamlfile import ConfigFileError

            try:
                self._catalogue = load_catalogue(self.config.catalogue)
            except (ConfigFileError, OSError) as exc:
                raise OptionError(f"the scenario catalogue cannot be used:\n{exc}") from None
        return self._catalogue

    def landed(self, nodeid: str, landed: Landed) -> LandingRecord:
        """Keep one landing for the summary and the report."""
        # Through JSON once: what a worker sends and what the report holds are plain data.
        verdict = json.loads(json.dumps(landed.verdict.to_json(), default=str))
        record = LandingRecord(
            nodeid=nodeid,
            scenario=landed.scenario.name if landed.scenario else landed.verdict.scenario,
            expected=landed.expected,
            met=landed.met,
            seconds=landed.seconds,
            verdict=verdict,
            calls=landed.calls,
        )
        self.results.landings.append(record)
        return record

    def cassette(
        self, nodeid: str, path: Path, *, stale: list[str], unplayed: list[str]
    ) -> None:
        if stale or unplayed:
            self.results.cassettes.append(
                CassetteNote(nodeid, str(path), tuple(stale), tuple(unplayed))
            )

    def report_settings(self) -> dict[str, Any]:
        config = self.config
        return {
            "target": config.target,
            "seed": config.seed,
            "account": self.run.account_id or config.account,
            "shard": str(config.shard) if config.shard else None,
            "prefix": self.prefix,
        }

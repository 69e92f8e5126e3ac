"""The plugin's options: one table, registered for the command line and the ini file alike.

Precedence, for every option: command line > `[tool.pytest.ini_options]` (or pytest.ini) >
default. A flag given on the command line can only switch a setting on; an ini `true` is
switched off by editing the file (or `-o ns_keep_records=false`). Relative paths are taken
from where they were written: command-line paths from the invocation directory, ini paths
from the ini file's directory, defaults from the rootdir.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal, Protocol, cast

from harness.netsuite.lockfolder import DEFAULT_LOCK_TIMEOUT
from harness.targets.settings import TARGET_KINDS, Spelling, TargetKind, TargetSettings

Source = Literal["command line", "ini", "default"]
Kind = Literal["choice", "text", "path", "int", "seconds", "flag", "shard", "seeds"]

GROUP = "netsuite"
GROUP_DESCRIPTION = "NetSuite target, scenarios and record/replay (woo-netsuite-harness)"


class OptionError(ValueError):
    """An option value that cannot be used; the message names the option, value and fix."""


SPELLING = Spelling(
    target="--ns-target={}",
    allow_production="--ns-allow-production",
    profile="--ns-account",
    account="--ns-account",
    lock_timeout="--ns-lock-timeout",
)
"""How the plugin's options are written in the target's messages."""


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count` (1-based), as `--ns-shard 2/4` writes it."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, scenario: str) -> bool:
        """Whether `scenario` belongs to this shard: a hash of its name, stable everywhere."""
        digest = hashlib.sha256(scenario.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1


def parse_shard(text: str) -> Shard:
    """`"K/N"` with 1 <= K <= N."""
    index_text, slash, count_text = text.strip().partition("/")
    try:
        if not slash:
            raise ValueError
        index, count = int(index_text), int(count_text)
    except ValueError:
        raise OptionError(f"expected K/N, e.g. 1/4 (got {text!r})") from None
    if count < 1 or not 1 <= index <= count:
        raise OptionError(f"expected K/N with 1 <= K <= N (got {text!r})")
    return Shard(index, count)


@dataclass(frozen=True)
class Option:
    """One setting: its `--ns-*` flag, its `ns_*` ini key, and how its value is read."""

    name: str
    kind: Kind
    help: str
    default: Any = None
    metavar: str | None = None

    @property
    def flag(self) -> str:
        return "--ns-" + self.name.replace("_", "-")

    @property
    def ini(self) -> str:
        return "ns_" + self.name

    @property
    def dest(self) -> str:
        return "ns_" + self.name


OPTIONS: tuple[Option, ...] = (
    Option(
        "target",
        "choice",
        "where orders land: sim (embedded sandbox, default), replay (cassettes only, network "
        "blocked), record (a NetSuite account, cassettes rewritten), live (a NetSuite account)",
        "sim",
    ),
    Option(
        "account",
        "text",
        "sim: account profile YAML (default: the demo store); replay/record/live: NetSuite "
        "account id (default: $NETSUITE_ACCOUNT)",
        metavar="PROFILE|ID",
    ),
    Option("cassettes", "path", "cassette directory (default: cassettes/)", "cassettes", "DIR"),
    Option("seed", "int", "run seed: the same seed makes the same orders (default: 0)", 0, "N"),
    Option(
        "seeds",
        "seeds",
        "sweep seeds: the scenario-parametrized tests run at each of these seeds (1..29 both "
        "included, 1,5,9, or 1..3,7), with ids like new-customer-seed3; not with --ns-seed",
        metavar="A..B|S,S,...",
    ),
    Option(
        "allow_production",
        "flag",
        "let record/live runs use a production account (not _SB<n>, _RP or TSTDRV)",
        False,
    ),
    Option("keep_records", "flag", "record/live: keep the records the run created", False),
    Option(
        "lock_timeout",
        "seconds",
        "record/live: the longest wait for a slot of the account's concurrency budget, shared "
        "with every run on this machine, before failing with who holds them "
        f"(default: {DEFAULT_LOCK_TIMEOUT:g})",
        DEFAULT_LOCK_TIMEOUT,
        "SECONDS",
    ),
    Option(
        "strict_cassettes",
        "flag",
        "replay: fail tests whose cassette is stale instead of warning",
        False,
    ),
    Option(
        "shard",
        "shard",
        "run only shard K of N of the scenario-parametrized tests (hash of the scenario name)",
        metavar="K/N",
    ),
    Option("mapping", "path", "connector mapping YAML (default: the demo store's)", metavar="FILE"),
    Option(
        "catalogue",
        "path",
        "scenario catalogue YAML (default: $HARNESS_CATALOGUE, else the demo store's)",
        metavar="FILE",
    ),
    Option("report", "path", "write the scenario results as JSON to FILE", metavar="FILE"),
    Option(
        "connector",
        "text",
        'the connector under test: reference (default), webhook:URL, command:"PROGRAM ARGS" '
        "or python:module:function (sim serves the sandbox over HTTP for it)",
        metavar="SPEC",
    ),
    Option(
        "webhook_secret",
        "text",
        "webhook connectors: the secret deliveries are signed with (default: $WOO_WEBHOOK_SECRET)",
        metavar="SECRET",
    ),
)
BY_NAME: Mapping[str, Option] = {option.name: option for option in OPTIONS}


class _Group(Protocol):
    def addoption(self, *opts: str, **attrs: Any) -> None: ...


class _Parser(Protocol):
    def getgroup(self, name: str, description: str = "", after: str | None = None) -> Any: ...

    def addini(self, name: str, help: str, type: Any = None, default: Any = ...) -> None: ...


def add_options(parser: _Parser) -> None:
    """Register every option under one `netsuite` group and as an ini key."""
    group = cast(_Group, parser.getgroup(GROUP, GROUP_DESCRIPTION))
    for option in OPTIONS:
        # default=None on the command line: "not given" must fall through to the ini file.
        if option.kind == "flag":
            group.addoption(
                option.flag, dest=option.dest, action="store_true", default=None, help=option.help
            )
            parser.addini(option.ini, option.help, type="bool", default=False)
            continue
        extra: dict[str, Any] = {"metavar": option.metavar} if option.metavar else {}
        if option.kind == "choice":
            extra["choices"] = TARGET_KINDS
        group.addoption(option.flag, dest=option.dest, default=None, help=option.help, **extra)
        parser.addini(option.ini, option.help, type="string", default="")


@dataclass(frozen=True)
class NsConfig:
    """The resolved settings of one run (the `ns_config` fixture)."""

    target: TargetKind = "sim"
    account: str | None = None
    cassettes: Path = Path("cassettes")
    seed: int = 0
    seeds: tuple[int, ...] | None = None  # a seed sweep (--ns-seeds)
    allow_production: bool = False
    keep_records: bool = False
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    strict_cassettes: bool = False
    shard: Shard | None = None
    mapping: Path | None = None
    catalogue: Path | None = None
    report: Path | None = None
    connector: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)  # never printed
    sources: Mapping[str, Source] = field(default_factory=dict, compare=False)

    @property
    def uses_account(self) -> bool:
        return self.target_settings().uses_account

    @property
    def uses_cassettes(self) -> bool:
        return self.target_settings().uses_cassettes

    def target_settings(self) -> TargetSettings:
        """The target's part of the settings, as the CLI and the runner know them."""
        return TargetSettings(
            kind=self.target,
            account=self.account,
            cassettes=self.cassettes,
            allow_production=self.allow_production,
            keep_records=self.keep_records,
            lock_timeout=self.lock_timeout,
        )


@dataclass(frozen=True)
class Places:
    """Where relative paths are anchored, per source."""

    invocation: Path
    ini: Path
    root: Path


def _convert(option: Option, raw: Any, source: Source, places: Places) -> Any:
    where = option.flag if source == "command line" else f"ini option {option.ini}"
    text = str(raw).strip()
    if option.kind == "choice":
        if text not in TARGET_KINDS:
            raise OptionError(f"{where}: expected one of {', '.join(TARGET_KINDS)} (got {text!r})")
        return text
    if option.kind == "int":
        try:
            return int(text)
        except ValueError:
            raise OptionError(f"{where}: expected an integer (got {text!r})") from None
    if option.kind == "seconds":
        try:
            seconds = float(text)
        except ValueError:
            seconds = -1.0
        if not 0 <= seconds < float("inf"):
            raise OptionError(f"{where}: expected a number of seconds >= 0 (got {text!r})")
        return seconds
    if option.kind == "shard":
        try:
            return parse_shard(text)
        except OptionError as exc:
            raise OptionError(f"{where}: {exc}") from None
    if option.kind == "seeds":
        from harness.runner.selection import SeedsError, parse_seeds

        try:
            return parse_seeds(text)
        except SeedsError as exc:
            raise OptionError(f"{where}: {exc}") from None
    if option.kind == "path":
        base = {"command line": places.invocation, "ini": places.ini, "default": places.root}
        return base[source] / Path(text).expanduser()
    return text


def resolve(cli: Callable[[str], Any], ini: Callable[[str], Any], places: Places) -> NsConfig:
    """Settings from `cli(dest)` and `ini(key)`: command line > ini > default (see module)."""
    values: dict[str, Any] = {}
    sources: dict[str, Source] = {}
    for option in OPTIONS:
        given = cli(option.dest)
        from_ini = ini(option.ini)
        if option.kind == "flag":
            value, source = (True, "command line") if given else (bool(from_ini), "ini")
            if not from_ini and not given:
                source = "default"
            values[option.name], sources[option.name] = value, cast(Source, source)
            continue
        if given is not None and str(given).strip() != "":
            raw, source = given, "command line"
        elif from_ini not in (None, ""):
            raw, source = from_ini, "ini"
        elif option.default is not None:
            raw, source = option.default, "default"
        else:
            values[option.name], sources[option.name] = None, "default"
            continue
        values[option.name] = _convert(option, raw, cast(Source, source), places)
        sources[option.name] = cast(Source, source)
    _one_of_seed_and_seeds(values, sources)
    # An account given as a relative profile path is anchored like any other path.
    account = values["account"]
    if account is not None and values["target"] == "sim":
        anchor = places.invocation if sources["account"] == "command line" else places.ini
        values["account"] = str(anchor / Path(account).expanduser())
    return NsConfig(**values, sources=sources)


def spaced_path_values(args: Sequence[str], invocation: Path) -> list[tuple[str, str]]:
    """`(flag, value)` for every `--ns-*` option in `args` whose value is written as an
    argument of its own (`--ns-cassettes DIR`, not `--ns-cassettes=DIR`) and names a file or
    folder that exists.

    pytest chooses its rootdir and ini file before it loads plugins, so it does not know yet
    that such a value belongs to an option: it counts the value as a test path, and the
    rootdir, the ini file and the test ids (the cassettes' names) can change with it. This is
    pytest's own behaviour (https://github.com/pytest-dev/pytest/issues/8846);
    `--ns-cassettes=DIR` is one argument, which pytest leaves alone."""
    takes_value = {option.flag for option in OPTIONS if option.kind != "flag"}
    found: list[tuple[str, str]] = []
    for flag, value in pairwise(args):
        if flag not in takes_value or value.startswith("-"):
            continue
        try:
            exists = (invocation / Path(value).expanduser()).exists()
        except (OSError, ValueError):
            exists = False
        if exists:
            found.append((flag, value))
    return found


def spaced_value_warning(flag: str, value: str, rootdir: Path) -> str:
    """What `spaced_path_values` found, and how to write it instead."""
    return (
        f"{flag} {value}: pytest chose its rootdir ({rootdir}) and ini file before it knew "
        f"this option, and counted {value} as a test path (pytest's own behaviour, "
        f"https://github.com/pytest-dev/pytest/issues/8846), which can move the rootdir and "
        f"with it the test ids and cassette names. Write {flag}={value}"
    )


def warn_of_spaced_values(config: Any) -> None:
    """A PytestConfigWarning for every value `spaced_path_values` finds on the command line
    (and in PYTEST_ADDOPTS, read before the rootdir too); by the controller only, once."""
    if hasattr(config, "workerinput"):
        return
    import os
    import shlex

    import pytest

    params = config.invocation_params
    args = [*shlex.split(os.environ.get("PYTEST_ADDOPTS", "")), *params.args]
    for flag, value in spaced_path_values(args, Path(params.dir)):
        warning = pytest.PytestConfigWarning(spaced_value_warning(flag, value, config.rootpath))
        config.issue_config_time_warning(warning, stacklevel=2)


def _one_of_seed_and_seeds(values: dict[str, Any], sources: dict[str, Source]) -> None:
    """A run has one seed (--ns-seed) or sweeps several (--ns-seeds): both at the same level
    is an error; otherwise the command line wins over the ini file, as for every option."""
    seed_set, seeds_set = sources["seed"] != "default", values["seeds"] is not None
    if not (seed_set and seeds_set):
        return
    if sources["seed"] == sources["seeds"]:
        where = "ini options ns_seed and ns_seeds"
        if sources["seed"] == "command line":
            where = "--ns-seed and --ns-seeds"
        raise OptionError(
            f"{where}: give one (ns_seed is the seed of the whole run, ns_seeds the seeds "
            "a sweep runs every scenario at)"
        )
    if sources["seed"] == "command line":
        values["seeds"], sources["seeds"] = None, "default"

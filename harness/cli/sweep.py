"""`harness run --seeds`: the seeds a run sweeps, and its summary: per scenario in how many
seeds it met its expectation, and the command that reproduces each seed that failed."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field

import click
from click.core import ParameterSource
from rich.console import Console

from harness.report.visible import markup
from harness.runner import ScenarioResult, exact_selector, format_seeds, repeated_seeds

# A failing scenario's reproduce commands shown in full; its other failed seeds are listed.
COMMANDS_PER_SCENARIO = 5

# Options that do not change what lands, left out of a reproduce command; everything else
# given on the command line is repeated (the webhook secret never is: it is a secret).
_NOT_REPRODUCED = frozenset(
    {"selector", "seed", "seeds", "repeat", "all_calls", "workers", "report_dir", "webhook_secret"}
)


def sweep_seeds(
    ctx: click.Context, seed: int, seeds: tuple[int, ...] | None, repeat: int | None
) -> tuple[int, ...] | None:
    """The seeds of a sweep (`--seeds`, or `--repeat` from `--seed`), None for a run of one
    seed; a combination that says two things is a usage error (exit 2)."""
    seed_given = ctx.get_parameter_source("seed") not in (ParameterSource.DEFAULT, None)
    if seeds is not None and repeat is not None:
        raise click.UsageError(
            "--seeds and --repeat: give one (--repeat N sweeps N seeds from --seed)"
        )
    if seeds is not None and seed_given:
        raise click.UsageError(
            f"--seeds {format_seeds(seeds)} and --seed {seed}: give one (--seed is the seed "
            "of a single run, --seeds the seeds of a sweep)"
        )
    if repeat is not None:
        return repeated_seeds(seed, repeat)
    return seeds


def reproduce_options(ctx: click.Context) -> list[str]:
    """The options of this `harness run` that shape a landing, as given on the command line."""
    words: list[str] = []
    for param in ctx.command.params:
        name = param.name
        if not isinstance(param, click.Option) or name is None or name in _NOT_REPRODUCED:
            continue
        if ctx.get_parameter_source(name) is not ParameterSource.COMMANDLINE:
            continue
        flag = max(param.opts, key=len)
        value = ctx.params[name]
        if param.is_flag:
            words += [flag] if value else []
        else:
            words += [flag, str(value)]
    return words


@dataclass
class Tally:
    """One scenario across the seeds of a sweep."""

    scenario: str
    met: int = 0
    failed: list[ScenarioResult] = field(default_factory=list)

    @property
    def seeds(self) -> int:
        return self.met + len(self.failed)


def tally(results: Sequence[ScenarioResult]) -> list[Tally]:
    """Per scenario (in the order first met), how many seeds met and which results failed."""
    tallies: dict[str, Tally] = {}
    for result in results:
        entry = tallies.setdefault(result.scenario, Tally(result.scenario))
        if result.met:
            entry.met += 1
        else:
            entry.failed.append(result)
    return list(tallies.values())


def reproduce_command(result: ScenarioResult, names: Sequence[str], options: list[str]) -> str:
    """`harness run -k NAME --seed S ...`: this one landing again, alone."""
    words = ["harness", "run", "-k", exact_selector(result.scenario, names)]
    words += ["--seed", str(result.seed), *options]
    return shlex.join(words)


def print_sweep(
    console: Console,
    results: Sequence[ScenarioResult],
    title: str,
    *,
    catalogue_names: Sequence[str],
    options: list[str],
) -> None:
    """A line per scenario (met in k of n seeds, the seeds that failed), then each failed
    seed with what happened and the command that lands it again."""
    tallies = tally(results)
    console.print(title, soft_wrap=True)
    width = max(len(entry.scenario) for entry in tallies)
    for entry in tallies:
        mark = "[green]✓[/green]" if not entry.failed else "[red]✗[/red]"
        line = f"{mark} {markup(entry.scenario.ljust(width))}  met in {entry.met} of {entry.seeds}"
        line += " seeds"
        if entry.failed:
            failed = format_seeds(sorted(r.seed for r in entry.failed if r.seed is not None))
            line += f" · failed at seeds {failed}"
        console.print(line, soft_wrap=True)
    failing = [entry for entry in tallies if entry.failed]
    if failing:
        console.print("\nReproduce each failed seed:")
    for entry in failing:
        for result in entry.failed[:COMMANDS_PER_SCENARIO]:
            console.print(f"  [red]✗[/red] {markup(result.name)}: {markup(_what_happened(result))}")
            command = reproduce_command(result, catalogue_names, options)
            console.print(f"    {markup(command)}", soft_wrap=True, highlight=False)
        rest = entry.failed[COMMANDS_PER_SCENARIO:]
        if rest:
            more = format_seeds([r.seed for r in rest if r.seed is not None])
            console.print(f"    … and seeds {more}: the same command with their --seed")
    every = sum(not entry.failed for entry in tallies)
    console.print(
        f"{sum(r.met for r in results)}/{len(results)} landings met their expectation; "
        f"{every} of {len(tallies)} scenarios met it in every seed",
        soft_wrap=True,
    )


def _what_happened(result: ScenarioResult) -> str:
    """Expected what, got what (and the diagnosis's category): the rest is in the reports."""
    verdict = result.verdict
    text = f"expected {result.expected}, got {verdict.outcome}"
    if verdict.diagnosis is not None and verdict.diagnosis.category != result.expected:
        text += f" ({verdict.diagnosis.category})"
    return text

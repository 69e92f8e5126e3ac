"""Cost of one landing (reference connector push + verify) three ways, in one run.

- static: every answer canned as a plain `responses` registration, replayed in the order one
  in-process landing of the same scenario produced them (the floor of any mocked test);
- sim: the embedded sandbox answering in-process (what `--ns-target=sim` costs);
- http: the embedded sandbox served on a loopback port by a process of its own (what a
  non-Python connector sees, `harness sandbox serve`); its CPU time is added to the client's;
- static-http: the static answers served over HTTP the same way by a server that only
  answers (the transport floor: client sockets, HTTP parsing, a waitress server).

All three run the same client, connector and verification code on the same orders (every
catalogue scenario at one seed), so the ratios isolate what the answers cost. Rounds alternate
between the sides so that each sees the same machine conditions; medians of CPU seconds per
landing are reported (HTTP counts the serving process too).

    .venv/bin/python bench/bench_landing.py [--rounds 5] [--seed 7] [--profile] [--shared-lookups]

Targets: sim at most 6 ms of CPU per landing ("thousands of landings in seconds"), and at
most 1.5x the static floor. `--profile` adds where an in-process landing's time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from collections.abc import Sequence
from functools import partial

from benchlib import (
    Captured,
    HttpTarget,
    StaticHttpTarget,
    StaticTarget,
    capture_scenario,
    cpu_seconds,
    median,
    ms,
    print_header,
    ratio,
    served_cpu_seconds,
    table,
)

from harness.catalogue.spec import ScenarioSpec, load_catalogue
from harness.mapping import Mapping, load_mapping
from harness.runner import run_scenario
from harness.runner.core import RunCaches
from harness.targets.base import Target
from harness.targets.sim import SimTarget

SIM_TARGET = 1.5
HTTP_TARGET = 1.6  # the sandbox served: at most this times the static floor
SIM_TARGET_MS = 6.0


SHARED = False  # --shared-lookups: reference data learnt once per round, as `harness run` does


def round_caches() -> RunCaches | None:
    """What one round's landings share: nothing, or the run's reference data."""
    return RunCaches() if SHARED else None


def land_all(target: Target, specs: Sequence[ScenarioSpec], seed: int, mapping: Mapping) -> None:
    caches = round_caches()
    for spec in specs:
        run_scenario(spec, seed, target, mapping, caches=caches)


def land_static(
    target: StaticTarget | StaticHttpTarget,
    specs: Sequence[ScenarioSpec],
    seed: int,
    mapping: Mapping,
    captured: dict[str, Captured],
) -> None:
    """Every scenario against its canned answers; a different verdict means they drifted."""
    caches = round_caches()
    for spec in specs:
        target.load(captured[spec.name].exchanges)
        outcome = run_scenario(spec, seed, target, mapping, caches=caches).verdict.outcome
        recorded = captured[spec.name].result.verdict.outcome
        if outcome != recorded:
            raise SystemExit(
                f"static replay of {spec.name} ended {outcome}, in the sandbox {recorded}: "
                "the canned answers did not replay"
            )


def profile_sim(sim: SimTarget, specs: Sequence[ScenarioSpec], seed: int, mapping: Mapping) -> str:
    """The harness functions an in-process landing spends its time in (cumulative)."""
    profiler = cProfile.Profile()
    profiler.enable()
    land_all(sim, specs, seed, mapping)
    profiler.disable()
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    raw = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(tottime for _, _, tottime, _, _ in raw.values())
    rows = []
    for (path, line, name), (_, calls, _, cumulative, _) in raw.items():
        if "/harness/" not in path:
            continue
        module = path.split("/harness/", 1)[1].removesuffix(".py").replace("/", ".")
        rows.append((cumulative, f"harness.{module}.{name}:{line}", calls))
    rows.sort(reverse=True)
    shown = [
        (name, calls, ms(cumulative / len(specs)), f"{cumulative / total:.0%}")
        for cumulative, name, calls in rows[:25]
    ]
    print(f"Profiled total: {ms(total / len(specs))} per landing (with profiler overhead).\n")
    return table(["function", "calls", "per landing", "share"], shown)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds per side (median taken)")
    parser.add_argument("--seed", type=int, default=7, help="run seed of the scenarios")
    parser.add_argument("--profile", action="store_true", help="profile the in-process sandbox")
    parser.add_argument(
        "--shared-lookups",
        action="store_true",
        help="share reference data across a round's landings, as `harness run` does",
    )
    args = parser.parse_args()

    mapping = load_mapping()
    specs = list(load_catalogue().scenarios)
    sim = SimTarget()
    global SHARED
    SHARED = args.shared_lookups
    caches = round_caches()
    captured = {
        spec.name: capture_scenario(sim, spec, args.seed, mapping, caches) for spec in specs
    }
    static = StaticTarget(sim.sandbox)
    http = HttpTarget(sim.sandbox)
    canned_http = StaticHttpTarget(sim.sandbox)
    times: dict[str, list[float]] = {
        "static": [],
        "sim": [],
        "http": [],
        "static-http": [],
        "fresh": [],
    }
    with http, canned_http:
        land_all(http, specs, args.seed, mapping)  # warm-up: connections, caches
        for round_no in range(args.rounds):
            with static:
                times["static"].append(
                    cpu_seconds(lambda: land_static(static, specs, args.seed, mapping, captured))
                )
            with sim:
                times["sim"].append(cpu_seconds(lambda: land_all(sim, specs, args.seed, mapping)))
            times["http"].append(
                served_cpu_seconds(http, lambda: land_all(http, specs, args.seed, mapping))
            )
            times["static-http"].append(
                served_cpu_seconds(
                    canned_http,
                    lambda: land_static(canned_http, specs, args.seed, mapping, captured),
                )
            )
            # New orders every round (the others land the same orders again): what caches
            # keyed on a query's text or an order's values save does not count here.
            fresh = args.seed + 1 + round_no
            with sim:
                times["fresh"].append(cpu_seconds(partial(land_all, sim, specs, fresh, mapping)))
    per = {side: median(values) / len(specs) for side, values in times.items()}
    calls = sum(len(c.exchanges) for c in captured.values()) / len(specs)

    print_header("Landing cost: static mocks vs in-process sandbox vs sandbox over HTTP")
    print(
        f"{len(specs)} catalogue scenarios at seed {args.seed}, {calls:.1f} requests per landing "
        f"on average, median of {args.rounds} rounds (CPU time); reference data "
        f"{'shared by a round' if SHARED else 'looked up by every landing'}.\n"
    )
    rows = [
        ("static `responses` mocks (floor)", ms(per["static"]), "1.00×"),
        ("embedded sandbox, in-process (sim)", ms(per["sim"]), ratio(per["sim"], per["static"])),
        (
            "the same canned answers over HTTP (transport floor)",
            ms(per["static-http"]),
            ratio(per["static-http"], per["static"]),
        ),
        ("embedded sandbox over HTTP", ms(per["http"]), ratio(per["http"], per["static"])),
        (
            "embedded sandbox, in-process, new orders every round",
            ms(per["fresh"]),
            ratio(per["fresh"], per["static"]),
        ),
    ]
    print(table(["answered by", "per landing", "vs floor"], rows))
    met = "met" if per["sim"] <= SIM_TARGET * per["static"] else "NOT met"
    print(f"\nTarget sim ≤ {SIM_TARGET}× floor: {met}.")
    met_ms = "met" if per["sim"] * 1000 <= SIM_TARGET_MS else "NOT met"
    print(f"Target sim ≤ {SIM_TARGET_MS:.0f} ms per landing: {met_ms} ({ms(per['sim'])}).")
    over_http = per["http"] - per["static-http"]
    print(
        f"Over HTTP the sandbox itself adds {ms(over_http)} per landing to the transport floor "
        f"({ratio(per['http'], per['static-http'])} of it); "
        f"in-process it adds {ms(per['sim'] - per['static'])}."
    )
    met_http = "met" if per["http"] <= HTTP_TARGET * per["static"] else "NOT met"
    print(
        f"Target over HTTP ≤ {HTTP_TARGET}× floor: {met_http} "
        f"({ratio(per['http'], per['static'])}; canned answers over the same HTTP alone: "
        f"{ratio(per['static-http'], per['static'])})."
    )
    if args.profile or per["sim"] > SIM_TARGET * per["static"]:
        print("\n### Where an in-process landing spends its time\n")
        with sim:
            print(profile_sim(sim, specs, args.seed, mapping))


if __name__ == "__main__":
    main()

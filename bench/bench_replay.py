"""Replaying the catalogue's cassettes: `harness.recording.Recorder` against plain vcrpy.

Every catalogue scenario is recorded once from the embedded sandbox served over HTTP, into a
temporary directory, twice: by `Recorder` (scrubbed, with metadata, NetSuite-aware matching)
and by plain vcrpy (`match_on` method, uri and body; the Authorization header filtered). Both
are then replayed by the same scenario code with the server stopped, rounds alternating
between the two; the median CPU time per scenario is reported, cassette loading included.

    .venv/bin/python bench/bench_replay.py [--rounds 5] [--seed 7]

Target: Recorder at most 1.0x plain vcrpy.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import vcr
from benchlib import HttpTarget, cpu_seconds, median, ms, print_header, ratio, table

from harness.catalogue.spec import ScenarioSpec, load_catalogue
from harness.mapping import Mapping, load_mapping
from harness.recording import Recorder
from harness.runner import run_scenario
from harness.sandbox.serve import Sandbox
from harness.targets.sim import SimTarget

RECORDER_TARGET = 1.0
Cassette = Callable[[ScenarioSpec], AbstractContextManager[Any]]


def secrets_of(sandbox: Sandbox) -> list[str]:
    return [
        value
        for c in sandbox.profile.credentials.tba
        for value in (c.consumerKey, c.consumerSecret, c.tokenId, c.tokenSecret)
    ]


def harness_cassette(directory: Path, sandbox: Sandbox, base_url: str, mode: str) -> Cassette:
    def use(spec: ScenarioSpec) -> AbstractContextManager[Any]:
        return Recorder(
            directory,
            f"scenarios/test_catalogue.py::test_scenario[{spec.name}]",
            mode=mode,  # type: ignore[arg-type]
            account_id=sandbox.account_id,
            base_url=base_url,
            secrets=secrets_of(sandbox),
        )

    return use


def plain_cassette(directory: Path, mode: str) -> Cassette:
    recorder = vcr.VCR(
        record_mode="all" if mode == "record" else "none",
        match_on=("method", "uri", "body"),
        filter_headers=["authorization"],
    )

    def use(spec: ScenarioSpec) -> AbstractContextManager[Any]:
        path = directory / f"{spec.name}.yaml"
        if mode == "record":
            path.unlink(missing_ok=True)
        return recorder.use_cassette(str(path))  # type: ignore[no-any-return]

    return use


def land(
    target: HttpTarget, specs: Sequence[ScenarioSpec], seed: int, mapping: Mapping, use: Cassette
) -> list[str]:
    outcomes: list[str] = []
    for spec in specs:
        with use(spec):
            outcomes.append(run_scenario(spec, seed, target, mapping).verdict.outcome)
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds per side (median taken)")
    parser.add_argument("--seed", type=int, default=7, help="run seed of the scenarios")
    args = parser.parse_args()

    mapping = load_mapping()
    specs = list(load_catalogue().scenarios)
    sandbox = SimTarget().sandbox
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        ours, plain = Path(tmp, "harness"), Path(tmp, "plain")
        target = HttpTarget(sandbox)
        target.__enter__()
        url = target.url
        recorded = land(
            target, specs, args.seed, mapping, harness_cassette(ours, sandbox, url, "record")
        )
        plain_recorded = land(target, specs, args.seed, mapping, plain_cassette(plain, "record"))
        if recorded != plain_recorded:
            raise SystemExit(
                "the two recordings ended differently; the sandbox is not deterministic"
            )
        target.__exit__(None, None, None)  # replay with the server gone: nothing may reach it
        ours_replay = harness_cassette(ours, sandbox, url, "replay")
        plain_replay = plain_cassette(plain, "replay")
        times: dict[str, list[float]] = {"harness": [], "plain": []}
        for _ in range(args.rounds):
            for side, use in (("harness", ours_replay), ("plain", plain_replay)):
                outcomes: list[str] = []

                def run(use: Cassette = use, outcomes: list[str] = outcomes) -> None:
                    outcomes.extend(land(target, specs, args.seed, mapping, use))

                times[side].append(cpu_seconds(run))
                if outcomes != recorded:
                    raise SystemExit(f"{side} replay ended differently from the recording")
        sizes = {
            side: sum(p.stat().st_size for p in folder.glob("**/*.yaml")) / len(specs)
            for side, folder in (("harness", ours), ("plain", plain))
        }
    per = {side: median(values) / len(specs) for side, values in times.items()}

    print_header("Replay: harness Recorder vs plain vcrpy")
    print(
        f"{len(specs)} catalogue scenarios at seed {args.seed}, recorded once from the sandbox "
        f"over HTTP; median of {args.rounds} replay rounds (CPU time).\n"
    )
    rows = [
        ("plain vcrpy", ms(per["plain"]), "1.00×", f"{sizes['plain'] / 1024:.1f} KiB"),
        (
            "harness Recorder",
            ms(per["harness"]),
            ratio(per["harness"], per["plain"]),
            f"{sizes['harness'] / 1024:.1f} KiB",
        ),
    ]
    print(table(["replayed by", "per scenario", "vs plain vcrpy", "cassette size"], rows))
    met = "met" if per["harness"] <= RECORDER_TARGET * per["plain"] else "NOT met"
    print(f"\nTarget Recorder ≤ {RECORDER_TARGET}× plain vcrpy: {met}.")


if __name__ == "__main__":
    main()

"""Memory of one worker landing the catalogue seed after seed, as `harness run` does.

One process, one in-process sandbox reset per scenario (the runner's way); `tracemalloc`
follows Python allocations and `ru_maxrss` the process's peak resident set. Checkpoints show
whether memory grows with the number of landings (a leak) or levels off.

    .venv/bin/python bench/bench_memory.py [--landings 560]

Tracing makes landings roughly twice as slow; the time column is not a speed figure.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

from benchlib import print_header, table

from harness.catalogue.spec import load_catalogue
from harness.mapping import load_mapping
from harness.runner import run_scenario
from harness.targets.sim import SimTarget

# Per landing, between the first and the last checkpoint. What remains is mostly the
# sandbox's memory of TBA nonces (about 15 requests x 0.3 KiB per landing), which
# forgets each nonce 5 minutes after its timestamp and is capped at 200,000 entries.
GROWTH_LIMIT_KIB = 16.0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--landings", type=int, default=560)
    args = parser.parse_args()

    specs = list(load_catalogue().scenarios)
    mapping = load_mapping()
    checkpoints = sorted({n for n in (28, 112, 280, args.landings) if n <= args.landings})
    baseline_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    rows = []
    traced: dict[int, float] = {}
    began = time.perf_counter()
    landed = 0
    with SimTarget() as target:
        seed = 1
        while landed < args.landings:
            for spec in specs:
                run_scenario(spec, seed, target, mapping)
                landed += 1
                if landed in checkpoints:
                    current, peak = tracemalloc.get_traced_memory()
                    traced[landed] = current / 1024
                    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                    rows.append(
                        (
                            landed,
                            f"{current / 2**20:.1f} MiB",
                            f"{peak / 2**20:.1f} MiB",
                            f"{rss / 1024:.0f} MiB",
                            f"{time.perf_counter() - began:.1f} s",
                        )
                    )
                if landed == args.landings:
                    break
            seed += 1
    tracemalloc.stop()

    print_header("Memory of one worker")
    print(
        f"{args.landings} landings (the catalogue's {len(specs)} scenarios seed after seed), "
        f"reset per scenario; RSS before the first landing {baseline_kib / 1024:.0f} MiB.\n"
    )
    headers = ["landings", "traced now", "traced peak", "peak RSS (ru_maxrss)", "elapsed"]
    print(table(headers, rows))
    first, last = checkpoints[0], checkpoints[-1]
    if last > first:
        growth = (traced[last] - traced[first]) / (last - first)
        verdict = "levels off" if growth <= GROWTH_LIMIT_KIB else "GROWS"
        print(
            f"\nTraced memory from landing {first} to {last}: {growth:+.2f} KiB per landing "
            f"({verdict}; limit {GROWTH_LIMIT_KIB} KiB)."
        )


if __name__ == "__main__":
    main()

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
import sys
import time
import tracemalloc

from benchlib import print_header, table

from harness.catalogue.spec import load_catalogue
from harness.mapping import load_mapping
from harness.runner import run_scenario
from harness.targets.sim import SimTarget

# Per landing, between the first and the last checkpoint. What remains is the sandbox's
# memory of TBA nonces (about 16 requests x 20 bytes per landing), which forgets each nonce
# 5 minutes after its timestamp and is capped at 200,000 entries, and caches bounded by
# their number of entries (URLs signed, SuiteQL translations) filling up.
GROWTH_LIMIT_KIB = 4.0
# The nonce memory alone, per landing while its nonces live.
NONCE_LIMIT_KIB = 2.0


def nonce_memory_bytes(target: SimTarget) -> tuple[int, int]:
    """How many nonces the sandbox remembers, and the bytes that takes (the sorted array, the
    set of recent digests, the per-slice arrays)."""
    memory = target.sandbox.app.auth._nonces  # type: ignore[attr-defined]
    recent, slices = memory._recent, memory._slices
    size = sys.getsizeof(memory._settled) + sys.getsizeof(recent)
    size += sum(sys.getsizeof(digest) for digest in recent)
    size += sys.getsizeof(slices) + sum(sys.getsizeof(listed) for listed in slices.values())
    size += sum(sys.getsizeof(listed) for listed in memory._expired)
    return len(memory), size


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--landings", type=int, default=560)
    args = parser.parse_args()

    specs = list(load_catalogue().scenarios)
    mapping = load_mapping()
    marks = (28, 112, 280, 560, 1000, 2500, 5000, args.landings)
    checkpoints = sorted({n for n in marks if n <= args.landings})
    baseline_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    rows = []
    traced: dict[int, float] = {}
    per_nonce_landing: dict[int, float] = {}
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
                    nonces, nonce_bytes = nonce_memory_bytes(target)
                    per_nonce_landing[landed] = nonce_bytes / landed / 1024
                    rows.append(
                        (
                            landed,
                            f"{current / 2**20:.1f} MiB",
                            f"{peak / 2**20:.1f} MiB",
                            f"{rss / 1024:.0f} MiB",
                            f"{nonces:,} ({nonce_bytes / 2**20:.2f} MiB)",
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
    headers = [
        "landings",
        "traced now",
        "traced peak",
        "peak RSS (ru_maxrss)",
        "nonces remembered",
        "elapsed",
    ]
    print(table(headers, rows))
    first, last = checkpoints[0], checkpoints[-1]
    if last > first:
        growth = (traced[last] - traced[first]) / (last - first)
        verdict = "levels off" if growth <= GROWTH_LIMIT_KIB else "GROWS"
        print(
            f"\nTraced memory from landing {first} to {last}: {growth:+.2f} KiB per landing "
            f"({verdict}; limit {GROWTH_LIMIT_KIB} KiB)."
        )
    nonce_kib = per_nonce_landing[last]
    print(
        f"The sandbox's nonce memory: {nonce_kib:.2f} KiB per landing while its nonces live "
        f"({'within' if nonce_kib <= NONCE_LIMIT_KIB else 'OVER'} {NONCE_LIMIT_KIB} KiB); "
        "each is forgotten 5 minutes after its timestamp (a run this short keeps them all)."
    )


if __name__ == "__main__":
    main()

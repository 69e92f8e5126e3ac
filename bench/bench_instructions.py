"""Instructions per landing, counted by valgrind: a measure machine noise cannot move.

CPU time on a shared machine drifts by a fifth within minutes, more than most changes to a
landing save, so only ratios from one run compare (bench_landing.py). The number of
instructions a landing executes does not drift: cachegrind counts them the same to five
digits run after run (`PYTHONHASHSEED` fixed). It is not time (a cache miss costs more than
an add), but a change that runs fewer instructions for the same work is faster, and the
count tells by how much before the clock can.

Each tree runs `bench/landing_loop.py` (every catalogue scenario in the in-process sandbox,
one warm-up round, then `--rounds` rounds) under `valgrind --tool=cachegrind`, once with no
measured round and once with them: the difference, divided by the landings, is what one
landing costs, start-up and warm-up left out. Repeated orders (seed 7 every round) and new
orders (a new seed every round, as a seed sweep lands them) are counted apart.

    .venv/bin/python bench/bench_instructions.py [--rounds 2] [--against OTHER_TREE]

Needs valgrind (Debian: `apt-get install valgrind`); under it a round of the catalogue takes
about ten seconds.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

from benchlib import print_header, ratio, table, tree_environment, trees

HERE = Path(__file__).resolve().parent
LOOP = HERE / "landing_loop.py"
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def instructions(tree: Path, rounds: int, new_orders: bool) -> tuple[int, int]:
    """(instructions, scenarios) of the loop with `rounds` measured rounds, importing the
    `harness` of `tree`."""
    env = {
        **tree_environment(tree),
        "PYTHONHASHSEED": "0",
        "ROUNDS": str(rounds),
        "NEW_ORDERS": "1" if new_orders else "0",
    }
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        str(LOOP),
    ]
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=False)
    found = _REFS.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{tree}: the landing loop failed under valgrind:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", "")), int(done.stdout.split()[-1])


def per_landing(tree: Path, rounds: int) -> tuple[float, float]:
    """Millions of instructions per landing: (repeated orders, new orders). The loop runs
    once first, uncounted: in a tree without bytecode yet, the first counted run would also
    compile every module, and the start subtracted would hide a landing's cost."""
    env = {**tree_environment(tree), "ROUNDS": "0"}
    subprocess.run([sys.executable, str(LOOP)], cwd=tree, env=env, capture_output=True, check=True)
    start, scenarios = instructions(tree, 0, new_orders=False)
    repeated, _ = instructions(tree, rounds, new_orders=False)
    new, _ = instructions(tree, rounds, new_orders=True)
    landings = rounds * scenarios
    return (repeated - start) / landings / 1e6, (new - start) / landings / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="measured rounds of the catalogue")
    parser.add_argument("--against", default=None, help="another checkout to count the same way")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    compared = trees(args.against)
    counted = {label: per_landing(tree, args.rounds) for label, tree in compared}
    print_header("Instructions per landing (valgrind cachegrind)")
    print(
        f"Every catalogue scenario in the in-process sandbox, {args.rounds} measured rounds "
        "after a warm-up; start-up and warm-up subtracted.\n"
    )
    base = counted[compared[-1][0]]
    rows = [
        (label, f"{repeated:.2f} M", f"{new:.2f} M", ratio(repeated, base[0]), ratio(new, base[1]))
        for label, (repeated, new) in counted.items()
    ]
    headers = ["tree", "repeated orders", "new orders", "repeated vs last", "new vs last"]
    print(table(headers, rows))


if __name__ == "__main__":
    main()

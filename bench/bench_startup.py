"""What one process of the harness costs around its work: the fixed price every `harness`
command, every pytest run where the harness is installed, every xdist worker and every process
the suite starts pays once, however few landings it makes.

- the interpreter alone (`python -c pass`): the floor;
- `harness --help`: the command group;
- a plain pytest run (one test using nothing of the harness) in a project where the harness is
  installed: what the plugin adds to any pytest run;
- `harness run -k guest-checkout --workers 1` in a project `harness init` wrote: one landing in
  the embedded sandbox, start-up and reports included;
- `pytest -k guest-checkout` in the same project: one landing through the plugin.

Medians of the CPU time (user and system) of each command's process, rounds alternating
between this tree and `--against`'s; bytecode caches warm (one unmeasured run of each first).

    .venv/bin/python bench/bench_startup.py [--rounds 7] [--against OTHER_TREE]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchlib import median, print_header, tree_environment, trees, trees_table

HERE = Path(__file__).resolve().parent
ONE_SCENARIO = "guest-checkout"
PROJECT_FILES = [
    "--catalogue",
    "catalogue.yaml",
    "--account",
    "account.yaml",
    "--mapping",
    "mapping.yaml",
]


def commands(plain: Path, project: Path) -> list[tuple[str, list[str], Path]]:
    """(what it measures, argv, where it runs)."""
    python = sys.executable
    return [
        ("the interpreter alone", [python, "-c", "pass"], plain),
        ("`harness --help`", [python, "-m", "harness.cli", "--help"], plain),
        (
            "pytest, one plain test, the harness installed",
            [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            plain,
        ),
        (
            "`harness run`, one landing",
            [
                python,
                "-m",
                "harness.cli",
                "run",
                *PROJECT_FILES,
                "-k",
                ONE_SCENARIO,
                "--workers",
                "1",
                "--report-dir",
                "reports",
            ],
            project,
        ),
        (
            "pytest, one landing (`harness init` project)",
            [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", ONE_SCENARIO],
            project,
        ),
    ]


def cpu_of(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    """CPU seconds (user and system) of the command's process, which must exit 0."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed in {cwd}:\n{done.stdout}\n{done.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def make_projects(root: Path) -> tuple[Path, Path]:
    plain = root / "plain"
    plain.mkdir()
    (plain / "test_plain.py").write_text("def test_plain():\n    assert 1 + 1 == 2\n")
    env = tree_environment(HERE.parent)
    subprocess.run(
        [sys.executable, "-m", "harness.cli", "init", "project"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    return plain, root / "project"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="runs of each command per tree")
    parser.add_argument("--against", default=None, help="another checkout, run alternately")
    args = parser.parse_args(argv)
    compared = trees(args.against)
    with tempfile.TemporaryDirectory() as scratch:
        plain, project = make_projects(Path(scratch))
        measured = commands(plain, project)
        seconds: dict[tuple[str, str], list[float]] = {}
        for _, tree in compared:  # warm the bytecode caches of both compared
            for _, command, cwd in measured:
                cpu_of(command, cwd, tree_environment(tree))
        for _ in range(args.rounds):
            for what, command, cwd in measured:
                for label, tree in compared:
                    cpu = cpu_of(command, cwd, tree_environment(tree))
                    seconds.setdefault((what, label), []).append(cpu)
    print_header("One process of the harness: start-up and one landing")
    print(f"Median CPU seconds (user + system) of {args.rounds} runs per command and tree.\n")
    rows = []
    for what, _, _ in measured:
        values = [median(seconds[what, label]) for label, _ in compared]
        rows.append((what, [f"{value:.3f} s" for value in values], values))
    labels = [label for label, _ in compared]
    print(trees_table("command", labels, rows, "this tree vs the other"))


if __name__ == "__main__":
    main()

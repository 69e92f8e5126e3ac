"""Seed sweeps (--ns-seeds): `scenario` parametrized over every seed too, and the seed each
collected test runs at."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SeededScenario:
    """A `scenario` parameter of a seed sweep: the scenario's name and the seed it runs at."""

    name: str
    seed: int

    def __str__(self) -> str:
        """Its test id (`new-customer-seed3`), and so its cassette's name: one per seed."""
        return f"{self.name}-seed{self.seed}"


def scenario_values(
    names: Sequence[str], seeds: Sequence[int] | None
) -> list[str] | list[SeededScenario]:
    """What `scenario` is parametrized with: the names, or in a sweep every name at every
    seed, by name then seed (`str` of each is its id)."""
    if seeds is None:
        return list(names)
    return [SeededScenario(name, seed) for name in names for seed in seeds]


def without_seed(value: Any) -> Any:
    """A `scenario` parameter as the fixture reads it: a sweep's gives its scenario's name;
    others (a name, a user's own ScenarioSpec, None) are left as they are."""
    return value.name if isinstance(value, SeededScenario) else value


def sweep_seed(item: Any) -> int | None:
    """The seed a collected test of a seed sweep runs at (None: it runs at the run seed)."""
    callspec = getattr(item, "callspec", None)
    value = callspec.params.get("scenario") if callspec is not None else None
    return value.seed if isinstance(value, SeededScenario) else None


def seed_of(item: Any, run_seed: int) -> int:
    """The seed a collected test's orders are made with: its own in a sweep, else the run's."""
    swept = sweep_seed(item)
    return run_seed if swept is None else swept

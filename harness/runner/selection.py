"""Which scenarios a run takes (pytest's own `-k` expressions over scenario names) and at
which seeds (`1..29`, `1,5,9`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.catalogue.spec import Catalogue, ScenarioSpec


class SelectorError(ValueError):
    """A `-k` expression pytest's own parser refuses; the message says where."""


def select(catalogue: Catalogue, selector: str | None = None) -> list[ScenarioSpec]:
    """The scenarios a pytest `-k` expression selects (all of them without one): each word
    matches a scenario whose name contains it, case-insensitively, as in `pytest -k`
    (`tax`, `not role`, `tax and not exempt`, `coupon or fee`)."""
    if not selector or not selector.strip():
        return list(catalogue.scenarios)
    from _pytest.mark.expression import Expression

    try:
        expression = Expression.compile(selector)
    except SyntaxError as exc:  # what pytest's parser raises (pytest 8, 9)
        raise SelectorError(f"-k {selector!r}: {exc.msg}") from None
    return [spec for spec in catalogue.scenarios if expression.evaluate(_NameMatcher(spec.name))]


class _NameMatcher:
    """pytest's `-k` matching against one scenario name."""

    def __init__(self, name: str) -> None:
        self.name = name.lower()

    def __call__(self, word: str, /, **kwargs: str | int | bool | None) -> bool:
        return word.lower() in self.name


# -- seeds -------------------------------------------------------------------------------------

MAX_SEEDS = 100_000
"""The most seeds one run takes: a range typed with a digit too many fails at once rather
than after hours of landings (or out of memory)."""

SEEDS_FORMAT = "A..B (both included, e.g. 1..29), a comma list (1,5,9), or both (1..3,7)"


class SeedsError(ValueError):
    """Seeds that cannot be read; the message names the part at fault and what was expected."""


def parse_seeds(text: str) -> tuple[int, ...]:
    """The seeds `text` names, in the order written: `A..B` (inclusive), `1,5,9`, or both."""
    if not text.strip():
        raise SeedsError(f"no seeds given; expected {SEEDS_FORMAT}")
    seeds: list[int] = []
    seen: set[int] = set()
    for part in text.split(","):
        first, dots, last = part.strip().partition("..")
        start = _seed(first, part)
        end = _seed(last, part) if dots else start
        if end < start:
            raise SeedsError(
                f"{part.strip()} is an empty range: the first seed must not be above the last "
                f"(did you mean {end}..{start}?)"
            )
        if len(seeds) + end - start + 1 > MAX_SEEDS:
            raise SeedsError(
                f"{text.strip()} names more than {MAX_SEEDS:,} seeds (the most one run takes)"
            )
        for seed in range(start, end + 1):
            if seed in seen:
                raise SeedsError(f"seed {seed} is given twice in {text.strip()}")
            seen.add(seed)
            seeds.append(seed)
    return tuple(seeds)


def _seed(word: str, part: str) -> int:
    word = word.strip()
    if not word:
        raise SeedsError(f"{part.strip()!r} lacks a seed: expected {SEEDS_FORMAT}")
    if not word.isascii() or not word.isdigit():
        raise SeedsError(
            f"{word!r} is not a seed: expected {SEEDS_FORMAT}, seeds being whole numbers >= 0"
        )
    return int(word)


def repeated_seeds(first: int, count: int) -> tuple[int, ...]:
    """`--repeat N` from seed `first`: first, first+1, ..., first+N-1."""
    if count < 1 or count > MAX_SEEDS:
        raise SeedsError(f"{count} repeats: expected 1 to {MAX_SEEDS:,}")
    return tuple(range(first, first + count))


def format_seeds(seeds: Sequence[int]) -> str:
    """`seeds` as `parse_seeds` reads them, runs of consecutive seeds as ranges (`1..29`)."""
    parts: list[str] = []
    index = 0
    while index < len(seeds):
        end = index
        while end + 1 < len(seeds) and seeds[end + 1] == seeds[end] + 1:
            end += 1
        start_seed, end_seed = seeds[index], seeds[end]
        if end == index:
            parts.append(str(start_seed))
        elif end == index + 1:
            parts += [str(start_seed), str(end_seed)]
        else:
            parts.append(f"{start_seed}..{end_seed}")
        index = end + 1
    return ",".join(parts)


def exact_selector(name: str, names: Sequence[str]) -> str:
    """The `-k` expression that selects the scenario `name` and no other of `names` (a `-k`
    word matches every name containing it: `existing-customer` needs
    `existing-customer and not existing-customer-email-case`)."""
    longer = [other for other in names if other != name and name.lower() in other.lower()]
    return " and not ".join([name, *longer])

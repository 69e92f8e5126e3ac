"""Random hostile order files never end in a traceback: through `harness land`, `harness
explain` and `harness reconcile --orders` (their library functions), each ends in a verdict
or an error the CLI prints as one line. The mutations are bench/fuzz_orders.py's, drawn by
Hypothesis; the bench runs 10,000 of them."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hypothesis_budget import examples

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from fuzz_orders import MUTATIONS, Fuzzer, base_orders, mutated

FUZZ = settings(
    max_examples=examples(50),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def fuzzer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzer]:
    opened = Fuzzer.open(tmp_path_factory.mktemp("fuzz"), landings_per_kind=3)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def bases() -> list[dict[str, Any]]:
    return base_orders(count=8)


def assert_no_escape(fuzzer: Fuzzer, kind: str, data: bytes) -> dict[str, str]:
    ended = fuzzer.feed(kind, data)
    assert "TRACEBACK" not in ended.values(), fuzzer.escaped[-3:]
    return ended


@FUZZ
@given(kind=st.sampled_from(sorted(MUTATIONS)), rng=st.randoms(use_true_random=False))
def test_random_mutations_never_end_in_a_traceback(
    fuzzer: Fuzzer, bases: list[dict[str, Any]], kind: str, rng: random.Random
) -> None:
    _, data = mutated(bases, rng, kind)
    assert_no_escape(fuzzer, kind, data)


@pytest.mark.parametrize("kind", sorted(MUTATIONS))
def test_every_mutation_kind_ends_cleanly_for_a_fixed_seed(
    fuzzer: Fuzzer, bases: list[dict[str, Any]], kind: str
) -> None:
    rng = random.Random(kind)
    for _ in range(3):
        _, data = mutated(bases, rng, kind)
        assert_no_escape(fuzzer, kind, data)


@pytest.mark.parametrize("kind", ["huge-integer", "negative-discount", "duplicate-item-id"])
def test_the_issue_s_cases_are_invalid_orders_and_read_cleanly_elsewhere(
    fuzzer: Fuzzer, bases: list[dict[str, Any]], kind: str
) -> None:
    rng = random.Random(7)
    for _ in range(5):
        _, data = mutated(bases, rng, kind)
        ended = assert_no_escape(fuzzer, kind, data)
        assert ended["land"] == "verdict invalid-order"
        assert ended["explain"] in ("nothing to explain", "error, exit 2 (ExplainError)")
        assert ended["reconcile"].startswith(("reconciled", "error, exit"))

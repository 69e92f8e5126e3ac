"""The suite starts its longest tests first (tests/longest_first.py)."""

from __future__ import annotations

import pytest

from tests.longest_first import LONGEST_FIRST, rank


def test_the_collected_tests_are_in_rank_order(request: pytest.FixtureRequest) -> None:
    ranks = [rank(item.nodeid) for item in request.session.items]
    assert ranks == sorted(ranks)


def test_a_listed_test_ranks_before_any_other() -> None:
    assert rank("tests/test_wheel_install.py::test_x") == 0
    assert rank("tests/test_money.py::test_x") == len(LONGEST_FIRST)

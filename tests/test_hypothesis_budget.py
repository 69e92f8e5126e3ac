"""Property tests try a bounded share of their examples every day and all of them under the
long profile, chosen on pytest's command line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.hypothesis_budget import FULL_PROFILE, examples


@pytest.fixture
def profile_restored() -> Iterator[None]:
    before = settings.get_current_profile_name()
    yield
    settings.load_profile(before)


def test_every_day_a_fifth_of_the_examples_never_under_20(profile_restored: None) -> None:
    settings.load_profile("default")
    assert [examples(n) for n in (1000, 300, 150, 60, 20, 15)] == [200, 60, 30, 20, 20, 15]


def test_the_long_profile_tries_every_example(profile_restored: None) -> None:
    settings.load_profile(FULL_PROFILE)
    assert [examples(n) for n in (1000, 300, 15)] == [1000, 300, 15]


def test_the_long_profile_is_chosen_on_the_command_line(
    pytester: pytest.Pytester, profile_restored: None
) -> None:
    pytester.makepyfile(
        test_counts="""
        from hypothesis import given, settings, strategies as st
        from tests.hypothesis_budget import examples

        tried = []

        @settings(max_examples=examples(300), database=None)
        @given(st.integers())
        def test_counted(n):
            tried.append(n)

        def test_all_of_them():
            assert len(tried) == 300
        """
    )
    hypothesis = ("-p", "_hypothesis_pytestplugin")  # the option is its pytest plugin's
    everyday = pytester.runpytest_inprocess(*hypothesis, "--hypothesis-profile=default")
    everyday.assert_outcomes(passed=1, failed=1)
    full = pytester.runpytest_inprocess(*hypothesis, f"--hypothesis-profile={FULL_PROFILE}")
    full.assert_outcomes(passed=2)

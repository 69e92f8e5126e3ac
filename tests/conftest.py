"""The whole suite's settings: the Hypothesis profiles exist before `--hypothesis-profile` is
read (tests/hypothesis_budget.py); a YAML file is parsed once per content
(tests/yaml_parsed_once.py); the longest tests start first."""

from __future__ import annotations

import pytest

import tests.hypothesis_budget  # noqa: F401  (registers the ci-long profile)
from tests.longest_first import rank
from tests.yaml_parsed_once import install

install()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first; every other test keeps its place."""
    items.sort(key=lambda item: rank(item.nodeid))  # stable

"""Fixtures for the `harness` command's tests: a Click runner and the hand-made orders."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import DATA
from click.testing import CliRunner


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def data() -> Path:
    return DATA

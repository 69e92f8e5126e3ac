"""The whole suite's settings: the Hypothesis profiles exist before `--hypothesis-profile`
is read."""

from __future__ import annotations

import tests.hypothesis_budget  # noqa: F401  (registers the ci-long profile)

"""The whole suite's settings: the Hypothesis profiles exist before `--hypothesis-profile` is
read (tests/hypothesis_budget.py); a YAML file is parsed once per content
(tests/yaml_parsed_once.py)."""

from __future__ import annotations

import tests.hypothesis_budget  # noqa: F401  (registers the ci-long profile)
from tests.yaml_parsed_once import install

install()

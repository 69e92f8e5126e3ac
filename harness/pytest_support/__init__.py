"""The pytest plugin's machinery, kept apart from `harness.plugin` so it stays usable and
testable without pytest hooks: option resolution, scenario selection and sharding, the per-test
NetSuite target, record cleanup, landing, and the run's results.

Modules here import pytest only where they talk to it; heavy harness imports are deferred so
loading the plugin (which every pytest run in an installed environment does) stays cheap.
"""

from __future__ import annotations

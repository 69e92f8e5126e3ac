"""Repo-level fixtures for the project's own scenario suite.

The fixtures, options and marker come from the harness's pytest plugin (`harness.plugin`,
registered as the `harness` entry point), exactly as any store's test suite gets them; see
docs/pytest.md. Redefine a fixture here only to change what the whole repository tests with.
"""

# `pytester` for the plugin's own tests (tests/plugin/). pytest accepts `pytest_plugins` only
# in the rootdir's conftest, so it is enabled here rather than next to those tests.
pytest_plugins = ["pytester"]

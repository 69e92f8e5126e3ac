"""The order tests start in under xdist: the longest first."""

from __future__ import annotations

# The longest tests (several seconds each: a wheel built and installed, whole pytest or
# `harness` runs in other processes, the real-time poller), started first so that no worker is
# left with one of them at the end while the other has nothing to do.
LONGEST_FIRST = (
    "tests/test_wheel_install.py::",
    "tests/test_connectors_doc.py::test_the_example_runs_as_the_page_says",
    "tests/plugin/test_seeds.py::test_a_sweep_under_xdist",
    "tests/plugin/test_reporting.py::test_xdist_workers",
    "tests/plugin/test_live.py::test_xdist_workers",
    "tests/plugin/test_replay_strict.py::test_a_node_command_connector",
    "tests/plugin/test_repo_cassettes.py::",
    "tests/test_redaction_property.py::",
    "tests/reliability/test_secrets.py::test_cassettes_keep_no_secret",
    "tests/recording/test_leaks.py::test_no_registered_secret_survives",
    "tests/external/test_pull_driver.py::test_a_poller_the_user_started",
    "tests/cli/test_ci_example.py::",
    "tests/test_init.py::test_pytest_runs_green_in_the_project",
    "tests/woo/test_generate.py::test_same_scenario_and_seed_give_the_same_bytes",
    "tests/sandbox/test_nonce_memory.py::",
    "tests/reliability/test_memory.py::",
)



def rank(nodeid: str) -> int:
    """A test's place in LONGEST_FIRST; every other test after them all."""
    return next((n for n, prefix in enumerate(LONGEST_FIRST) if nodeid.startswith(prefix)),
                len(LONGEST_FIRST))

"""The library behind each `harness` verb: one function per command, callable from tests.

May import the layers beneath (runner, landing, connector, sandbox, ...); never another command, `harness.cli` or `harness.pytest_support`."""

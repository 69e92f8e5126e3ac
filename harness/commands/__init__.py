"""The library behind each `harness` verb: one function per command, callable from tests.
May import the layers beneath; never another command, `harness.cli` or `harness.pytest_support`.
"""

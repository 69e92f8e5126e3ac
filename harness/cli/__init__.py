"""The `harness` command: Click options, one error-handling context and printing, per verb.
May import `harness.commands` and the library beneath; nothing imports it but its entry points.
"""

"""How many examples a property test tries: bounded in the everyday run, in full in the long
one (`pytest --hypothesis-profile=ci-long`).

A test states its full count, `settings(max_examples=examples(1000))`; the everyday run tries a
fifth of it, never fewer than 20 (nor more than the full count), so a failure a property test
finds in a few hundred examples is found there too and the suite stays quick.
"""

from __future__ import annotations

from hypothesis import settings

FULL_PROFILE = "ci-long"
EVERYDAY_SHARE = 5
EVERYDAY_FLOOR = 20

settings.register_profile(FULL_PROFILE, settings.get_profile("default"))


def examples(full: int) -> int:
    """`full` under the long profile; a fifth of it, at least 20, otherwise."""
    if settings.get_current_profile_name() == FULL_PROFILE:
        return full
    return max(min(full, EVERYDAY_FLOOR), full // EVERYDAY_SHARE)

"""Redactors holding the same secrets share their compiled spellings, and nothing else.

A run makes a call log, and so a Redactor, per landing, each with the account's secrets;
compiling every spelling of them again for each was most of the cost of redacting a
landing's evidence. Sharing must not let one Redactor's secret into another.
"""

from __future__ import annotations

from harness.netsuite import redact
from harness.netsuite.redact import MASK, Redactor

FIRST = "first-secret-0123456789"
SECOND = "second-secret-0123456789"
THIRD = "third-secret-0123456789"


def shown(redactor: Redactor) -> str:
    return redactor.registered(f"{FIRST} {SECOND} {THIRD}")


def test_redactors_with_the_same_secrets_share_one_compiled_set() -> None:
    one, two = Redactor([FIRST, SECOND]), Redactor([SECOND, FIRST])
    assert one._own is two._own
    assert shown(one) == shown(two) == f"{MASK} {MASK} {THIRD}"


def test_a_secret_registered_later_is_masked_by_that_redactor_only() -> None:
    one, two = Redactor([FIRST, SECOND]), Redactor([FIRST, SECOND])
    one.register(THIRD)
    assert shown(one) == f"{MASK} {MASK} {MASK}"
    assert shown(two) == f"{MASK} {MASK} {THIRD}"
    assert one.secrets >= {FIRST, SECOND, THIRD} and THIRD not in two.secrets


def test_a_redactor_collecting_many_secrets_keeps_its_own_set() -> None:
    many = [f"delivery-signature-{n:04d}-abcdef" for n in range(redact._PRIVATE_AFTER + 3)]
    collector = Redactor()
    for value in many:
        collector.register(value)
    assert collector._private
    assert collector.registered(" ".join(many)) == " ".join([MASK] * len(many))
    assert not Redactor([FIRST])._private


def test_short_and_empty_values_are_ignored_as_before() -> None:
    redactor = Redactor(["", "abc", FIRST])
    assert redactor.registered("abc " + FIRST) == "abc " + MASK

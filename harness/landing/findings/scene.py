"""Everything a wording reads about one wrong landing, and whose words the hint must speak.

A hint for the reference connector may name the mapping's keys (`tax.codes`,
`shipping.methods`): that connector reads them (its PushResult says `reads_mapping`). Any other
connector (a webhook, a command, a function, a store's own class in a `connector` fixture, or
none seen at all) has no such file, so its hints name NetSuite records and fields and the
WooCommerce data instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from harness.landing.expected import ExpectedLanding
from harness.landing.failure import field_of, sent_lines
from harness.landing.readback import ActualLanding
from harness.netsuite.calllog import CallLog
from harness.push import PushResult

TOLERANCE = Decimal("0.01")


def own_connector(push: PushResult | None) -> bool:
    """Whether the PushResult comes from a connector that reads the harness's mapping."""
    return push is not None and push.reads_mapping


def in_words(own: bool, mapping_words: str, store_words: str) -> str:
    """The mapping's words for the reference connector, the store's for any other."""
    return mapping_words if own else store_words


@dataclass(frozen=True)
class Scene:
    """One wrong landing: what was expected, what NetSuite holds, what the connector sent."""

    expected: ExpectedLanding
    actual: ActualLanding | None
    body: dict[str, Any]  # the last Sales Order body the connector sent ({} when unseen)
    calllog: CallLog
    order: str  # `order #5001`
    own: bool = True  # the reference connector: hints may name the mapping's keys

    def words(self, mapping_words: str, store_words: str) -> str:
        """The hint in the reader's words: the mapping's for our connector, else the store's."""
        return in_words(self.own, mapping_words, store_words)

    def sent(self, *names: str) -> bool:
        """Whether the sent body carries any of the header fields `names`."""
        return any(field_of(self.body, name) is not None for name in names)

    def line_sent(self, name: str) -> bool:
        """Whether any sent line carries the field `name`."""
        return any(field_of(line, name) is not None for line in sent_lines(self.body))


def close(a: Decimal | None, b: Decimal | None, tolerance: Decimal = TOLERANCE) -> bool:
    """Two amounts within `tolerance` (a missing amount counts as zero, as NetSuite omits it)."""
    return abs((a or Decimal(0)) - (b or Decimal(0))) <= tolerance

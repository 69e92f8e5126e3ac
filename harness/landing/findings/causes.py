"""Every cause of one wrong landing, worded and ranked: the primary first, then the others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from harness.landing.findings.categories import CONSEQUENCES, Finding, group, ranked
from harness.landing.findings.representation import representations
from harness.landing.findings.scene import Scene
from harness.landing.findings.wording import mismatch_wording
from harness.landing.verdict import Mismatch


def causes(mismatches: Sequence[Mismatch], scene: Scene) -> list[Finding]:
    """The findings of `mismatches` (no `orders.count`), primary cause first."""
    shapes, rest = representations(list(mismatches), scene)
    if shapes:
        # A total that differs because of a shape found is that shape's consequence.
        rest = [m for m in rest if m.field not in CONSEQUENCES]
    worded = list(shapes)
    for finding in group(rest):
        summary, hint, extra = mismatch_wording(finding.category, list(finding.mismatches), scene)
        worded.append(replace(finding, summary=summary, hint=hint, evidence=tuple(extra)))
    return ranked(worded)

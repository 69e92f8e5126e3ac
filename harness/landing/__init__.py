"""Landing verification: expected vs actual Sales Order, and diagnosis."""

from __future__ import annotations

from harness.landing.compare import DEFAULT_TOLERANCE, compare, render_diff
from harness.landing.diagnose import diagnose, diagnose_invalid_order
from harness.landing.expect import ExpectedLanding, expect, prefetch
from harness.landing.readback import ActualLanding, readback
from harness.landing.refdata import ReferenceData
from harness.landing.verdict import (
    CATEGORIES,
    OUTCOMES,
    Category,
    Diagnosis,
    Mismatch,
    Outcome,
    Verdict,
)
from harness.landing.verify import LandingCheckError, verify

__all__ = [
    "CATEGORIES",
    "DEFAULT_TOLERANCE",
    "OUTCOMES",
    "ActualLanding",
    "Category",
    "Diagnosis",
    "ExpectedLanding",
    "LandingCheckError",
    "Mismatch",
    "Outcome",
    "ReferenceData",
    "Verdict",
    "compare",
    "diagnose",
    "diagnose_invalid_order",
    "expect",
    "prefetch",
    "readback",
    "render_diff",
    "verify",
]

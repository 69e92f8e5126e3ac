"""Landing verification: expected vs actual Sales Order, and diagnosis."""

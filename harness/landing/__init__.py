"""Landing verification: what an order's Sales Order must be, what NetSuite holds, the Verdict.
Imports only `woo`, `netsuite`, `mapping`, `push`, `money`, `yamlfile` and itself (no `connector`).
"""

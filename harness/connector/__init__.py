"""Connectors under test: the reference connector (its own reading of the mapping) and drivers.
Imports only `woo`, `netsuite`, `mapping`, `push`, `money`, `yamlfile` and itself (no `landing`).
"""

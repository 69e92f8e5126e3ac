"""Connectors under test: the reference connector (its own reading of the mapping, pushing or
polling a store) and drivers. Imports only `woo`, `woostore`, `netsuite`, `mapping`, `push`,
`money`, `yamlfile`, `wsgi` and itself (no `landing`).
"""

"""Drivers for connectors we don't own (command, Python, webhook, store, pull), the store a
pull-style connector polls, observed NetSuite, watch. Imports only `woo`, `woostore`,
`netsuite`, `mapping`, `push`, `money`, `yamlfile`, `wsgi` and `connector`.
"""

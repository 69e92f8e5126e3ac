"""Drivers for connectors we don't own (command, Python, webhook, store), observed NetSuite, watch.
Imports only `woo`, `netsuite`, `mapping`, `push`, `money`, `yamlfile` and `connector`.
"""

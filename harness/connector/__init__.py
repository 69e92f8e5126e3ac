"""Connectors under test: the reference mapper and drivers for external ones."""

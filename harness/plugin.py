"""pytest plugin: NetSuite targets, scenario fixtures and record/replay."""

from __future__ import annotations

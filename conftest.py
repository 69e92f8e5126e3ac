"""Repo-level fixtures for the project's own scenario suite."""

"""The demo store shipped with the package: its account profile (`accounts/demo.yaml`), its
connector mapping (`mappings/demo.yaml`) and the scenario catalogue (`catalogue.yaml`); and
the files `harness init` writes (`init/`). Data only, read through `importlib.resources`;
imports nothing."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_file(*parts: str) -> Path:
    """A file of the package's data, as a path (the package is installed as files)."""
    return Path(str(files(__name__).joinpath(*parts)))

"""Configuration files report problems as `file:line: path: message`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from harness import yamlfile
from harness.yamlfile import ConfigFileError, load_model, load_yaml


class Item(BaseModel):
    sku: str
    price: float


class Store(BaseModel):
    name: str
    items: list[Item]


def test_validation_error_points_at_the_line_of_the_bad_value(tmp_path: Path) -> None:
    path = tmp_path / "store.yaml"
    path.write_text("name: Acme\nitems:\n  - sku: A\n    price: 1\n  - sku: B\n    price: abc\n")
    with pytest.raises(ConfigFileError) as info:
        load_model(path, Store)
    (problem,) = info.value.problems
    assert problem.startswith(f"{path}:6: items.1.price: ")
    assert "(got 'abc')" in problem


def test_missing_field_points_at_its_parent(tmp_path: Path) -> None:
    path = tmp_path / "store.yaml"
    path.write_text("name: Acme\nitems:\n  - sku: A\n    price: 1\n  - sku: B\n")
    with pytest.raises(ConfigFileError) as info:
        load_model(path, Store)
    assert info.value.problems == [f"{path}:5: items.1.price: Field required"]


def test_every_problem_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "store.yaml"
    path.write_text("items:\n  - sku: A\n    price: x\n")
    with pytest.raises(ConfigFileError) as info:
        load_model(path, Store)
    assert len(info.value.problems) == 2
    assert any(":1: name: Field required" in p for p in info.value.problems)


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: Acme\nitems: [\n  {sku: A\n")
    with pytest.raises(ConfigFileError) as info:
        load_model(path, Store)
    assert info.value.problems[0].startswith(f"{path}:")
    assert "invalid YAML" in info.value.problems[0]


def test_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError, match="cannot read file"):
        load_yaml(tmp_path / "absent.yaml")


def test_a_file_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("a: 1\nb: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigFileError) as caught:
        load_yaml(path)
    assert str(caught.value) == f"{path}:2: not UTF-8 text (byte 0xe9 at offset 11)"


def test_files_are_parsed_by_libyaml_where_pyyaml_has_it() -> None:
    # The catalogue and profiles are read by every run and every worker: libyaml is ~4x faster
    # and gives the same nodes and marks (the line numbers above are checked through it).
    assert yaml.__with_libyaml__
    assert yamlfile._SafeLoader is yaml.CSafeLoader

"""The suite parses a YAML file once per content (yaml_parsed_once.py); nobody can tell."""

from __future__ import annotations

from pathlib import Path

import pytest

import harness.sandbox.account as account
import harness.yamlfile as yamlfile
from harness.yamlfile import ConfigFileError
from tests.yaml_parsed_once import load_yaml_once_per_content


def test_every_loader_of_the_harness_goes_through_it() -> None:
    assert yamlfile.load_yaml is load_yaml_once_per_content
    assert account.load_yaml is load_yaml_once_per_content


def test_each_caller_gets_data_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("items:\n  - {sku: MUG, price: 1}\n", encoding="utf-8")
    first = yamlfile.load_yaml(path)
    first.data["items"][0]["price"] = 99
    first.lines.clear()
    second = yamlfile.load_yaml(path)
    assert second.data == {"items": [{"sku": "MUG", "price": 1}]}
    assert second.line_of(("items", 0)) == 2


def test_a_changed_file_is_parsed_again_and_an_invalid_one_always_raises(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert yamlfile.load_yaml(path).data == {"a": 1}
    path.write_text("a: 2\n", encoding="utf-8")
    assert yamlfile.load_yaml(path).data == {"a": 2}
    path.write_text("a: [1\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ConfigFileError, match="invalid YAML"):
            yamlfile.load_yaml(path)
    with pytest.raises(ConfigFileError, match="cannot read file"):
        yamlfile.load_yaml(tmp_path / "missing.yaml")

"""Cassette file names: readable, filesystem-safe, unique, the same in every process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.recording import cassette_path
from harness.recording.paths import MAX_NAME

SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-[]")


def test_a_plain_node_id_gives_a_readable_path_per_module(tmp_path: Path) -> None:
    path = cassette_path(tmp_path, "tests/test_orders.py::TestGuest::test_lands[usd]")
    assert path == tmp_path / "tests" / "test_orders" / "TestGuest.test_lands[usd].yaml"


def test_a_name_that_had_to_change_keeps_a_prefix_and_gains_a_digest(tmp_path: Path) -> None:
    path = cassette_path(tmp_path, "tests/test_x.py::test_y[a/b c]")
    assert path.parent == tmp_path / "tests" / "test_x"
    assert path.name.startswith("test_y[a_b_c]-")
    assert set(path.name) <= SAFE


def test_node_ids_that_sanitize_alike_get_different_files(tmp_path: Path) -> None:
    first = cassette_path(tmp_path, "tests/test_x.py::test_y[a/b]")
    second = cassette_path(tmp_path, "tests/test_x.py::test_y[a b]")
    third = cassette_path(tmp_path, "tests/test_x.py::test_y[a_b]")
    assert len({first, second, third}) == 3


def test_long_node_ids_are_shortened_stably_and_uniquely(tmp_path: Path) -> None:
    prefix = "tests/test_x.py::test_scenario[" + "guest-order-with-many-lines-" * 8
    first = cassette_path(tmp_path, prefix + "one]")
    second = cassette_path(tmp_path, prefix + "two]")
    assert first != second
    assert len(first.name) <= MAX_NAME and len(second.name) <= MAX_NAME
    assert first.name.startswith("test_scenario[guest-order-with-many-lines-")
    assert cassette_path(tmp_path, prefix + "one]") == first


def test_the_path_is_the_same_in_another_process(tmp_path: Path) -> None:
    nodeid = "tests/test_x.py::test_y[" + "é/" * 80 + "]"
    code = (
        "import sys; from pathlib import Path; from harness.recording import cassette_path; "
        "print(cassette_path(Path(sys.argv[1]), sys.argv[2]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), nodeid],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        encoding="utf-8",
    )
    assert out.stdout.strip() == str(cassette_path(tmp_path, nodeid))


def test_dot_segments_never_escape_the_cassette_directory(tmp_path: Path) -> None:
    path = cassette_path(tmp_path, "../../etc/passwd.py::test_x")
    assert tmp_path in path.parents
    assert ".." not in path.parts


def test_an_empty_node_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="nodeid"):
        cassette_path(tmp_path, " ")


_parts = st.text(alphabet=st.sampled_from("ab_.-[]/: é"), min_size=1, max_size=12) | st.text(
    alphabet="ab[]", min_size=90, max_size=140
)
_nodeids = st.builds(
    lambda module, test: f"{module}.py::{test}" if test else module, _parts, _parts | st.just("")
)


@given(first=_nodeids, second=_nodeids)
def test_different_node_ids_never_share_a_file(first: str, second: str) -> None:
    root = Path("/cassettes")
    if first.strip() and second.strip() and first != second:
        assert cassette_path(root, first) != cassette_path(root, second)


@given(nodeid=_nodeids | st.text(min_size=1, max_size=300))
def test_every_path_is_filesystem_safe_and_inside_the_directory(nodeid: str) -> None:
    root = Path("/cassettes")
    if not nodeid.strip():
        return
    path = cassette_path(root, nodeid)
    relative = path.relative_to(root)
    for part in relative.parts:
        assert set(part) <= SAFE
        assert part not in (".", "..") and not part.startswith(".")
        assert len(part) <= MAX_NAME

"""`harness explain` on real NetSuite errors people posted, against the cause their source
states (tests/data/netsuite_errors.yaml): at least 90% must get the stated category."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.commands.explain import explain_file
from harness.landing.verdict import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "netsuite_errors.yaml"
DOCS = ROOT / "docs" / "cli.md"
REQUIRED_SHARE = 0.9


def load_corpus() -> list[dict[str, Any]]:
    entries = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    assert isinstance(entries, list)
    return entries


def _normal(text: str) -> str:
    return " ".join(html.unescape(text).split())


def test_every_entry_is_sourced_and_well_formed() -> None:
    entries = load_corpus()
    assert len(entries) >= 40
    ids = [entry["id"] for entry in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:
        assert {"id", "message", "source", "stated_cause", "category"} <= entry.keys(), entry
        assert re.match(r"^https?://\S+$", entry["source"]), entry["id"]
        assert entry["category"] in CATEGORIES, entry["id"]
        assert ("body" in entry) != ("line" in entry), entry["id"]
        # What is tested is the message the source quotes, not a paraphrase of it.
        assert _normal(entry["message"]).rstrip(".") in _normal(entry.get("body") or entry["line"])


def _explained(entry: dict[str, Any], folder: Path) -> list[str]:
    path = folder / f"{entry['id']}.txt"
    path.write_text(entry.get("body") or entry["line"], encoding="utf-8")
    return [finding.diagnosis.category for finding in explain_file(path, environ={}).findings]


def per_category(results: list[tuple[dict[str, Any], bool]]) -> str:
    """The markdown table docs/cli.md shows: category, messages, recognised."""
    count: Counter[str] = Counter()
    recognised: Counter[str] = Counter()
    for entry, ok in results:
        count[entry["category"]] += 1
        recognised[entry["category"]] += ok
    rows = [
        f"| {name} | {count[name]} | {recognised[name]} |" for name in CATEGORIES if count[name]
    ]
    total = f"| all | {sum(count.values())} | {sum(recognised.values())} |"
    return "\n".join(["| category | messages | recognised |", "|---|---|---|", *rows, total])


def test_explain_gives_the_stated_category_for_nine_in_ten(tmp_path: Path) -> None:
    results = []
    for entry in load_corpus():
        categories = _explained(entry, tmp_path)
        results.append((entry, categories == [entry["category"]]))
    table = per_category(results)
    print(f"\n{table}")
    missed = [f"{e['id']}: expected {e['category']}" for e, ok in results if not ok]
    share = sum(ok for _, ok in results) / len(results)
    assert share >= REQUIRED_SHARE, f"{share:.0%} recognised; missed {missed}\n{table}"
    assert table in DOCS.read_text(encoding="utf-8"), (
        "docs/cli.md must show the current table under `harness explain`:\n" + table
    )


@pytest.mark.parametrize(
    ("entry_id", "order"),
    [("celigo-invalid-entity", "1011"), ("celigo-invalid-shipmethod", "1234")],
)
def test_the_order_next_to_a_message_is_named(tmp_path: Path, entry_id: str, order: str) -> None:
    entry = next(e for e in load_corpus() if e["id"] == entry_id)
    path = tmp_path / "line.txt"
    path.write_text(entry["line"], encoding="utf-8")

    (finding,) = explain_file(path, environ={}).findings

    assert finding.orders == (order,)

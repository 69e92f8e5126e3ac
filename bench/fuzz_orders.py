"""Hostile order files through every entry point that reads one: `harness land`, `harness
explain` and `harness reconcile --orders`, as their library functions (the CLI's work
without Click: the same readers, the same error families).

Each case is a valid order generated from a catalogue scenario (seeded) with one mutation:
the cases of the "no bad order slips through" issue (a 5,000-digit quantity, JSON nested
100,000 deep, `price: 1e308`, zero-width and bidi characters in an email, a 1 MB email,
name or note, item ids used twice, a negative coupon discount) and generic ones (wrong types,
missing keys, huge, negative and non-finite numbers, control characters, truncated text, bad
bytes, swapped containers, ...). Every case must end in a verdict or in one of the errors the
CLI prints as `Error: ...` (exit 1 or 2); anything else is an escape, printed with the case.

    .venv/bin/python bench/fuzz_orders.py [--orders 10000] [--seed 1]

`MUTATIONS` and `Fuzzer` are shared with `tests/test_fuzz_orders.py`, which draws the
mutations with Hypothesis.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from harness.catalogue.spec import load_catalogue
from harness.commands.explain import ExplainError, explain_file
from harness.commands.land import land_all, read_order_file
from harness.commands.reconcile.compare import reconcile as reconcile_orders
from harness.commands.reconcile.storeorders import (
    ReconcileError,
    UnreadableExport,
    read_store_orders,
)
from harness.connector.external import ExternalConnectorError
from harness.landing.verify import LandingCheckError
from harness.mapping import Mapping, load_mapping
from harness.netsuite.errors import NetSuiteError
from harness.targets.sim import SimTarget
from harness.woo.generate import generate
from harness.woo.order import WooOrder, WooOrderError

Wire = dict[str, Any]
Path_ = tuple[str | int, ...]
Mutation = Callable[[Wire, random.Random], "str | bytes"]

# -- building blocks ---------------------------------------------------------------------------

_SENTINEL = "\u0000mutated\u0000"
_HOSTILE_CHARS = (
    "\u0000", "\u0007", "\u001b", "\u007f", "\u0085", "\u009b", "\u00a0", "\u00ad", "\u200b",
    "\u200c", "\u200d", "\u200e", "\u202a", "\u202e", "\u2066", "\u2069", "\u2028", "\u2029",
    "\ufeff", "\ufffd", "\ue000", "\U000e0001", "\t", "\n", "\r", " ",
)  # fmt: skip
_UNICODE_TEXT = ("Zoë Ðlãmini", "محمد", "张伟", "Ὀδυσσεύς", "😀🎉", "a\u0308", "ﬃ", "Ⅻ")


def _paths(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every (path, value) of a parsed document, containers included, depth first."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _get(wire: Any, path: Path_) -> Any:
    for part in path:
        wire = wire[part]
    return wire


def _set(wire: Wire, path: Path_, value: Any) -> None:
    _get(wire, path[:-1])[path[-1]] = value


def _pick(rng: random.Random, wire: Wire, wanted: Callable[[Path_, Any], bool]) -> Path_ | None:
    found = [path for path, value in _paths(wire) if path and wanted(path, value)]
    return rng.choice(found) if found else None


def _leaf(path: Path_, value: Any) -> bool:
    return not isinstance(value, dict | list)


def _named(*names: str) -> Callable[[Path_, Any], bool]:
    return lambda path, value: bool(path) and path[-1] in names


def _with_text(wire: Wire, path: Path_, text: str) -> str:
    """The document's JSON with the value at `path` replaced by raw JSON `text`."""
    _set(wire, path, _SENTINEL)
    return json.dumps(wire).replace(json.dumps(_SENTINEL), text, 1)


def _nested(depth: int, rng: random.Random) -> str:
    """Raw JSON nested `depth` deep: lists, objects, or both mixed."""
    shape = rng.choice((("[",), ('{"a":',), ("[", '{"k":')))
    opens = [rng.choice(shape) for _ in range(depth)]
    return "".join(opens) + "1" + "".join("]" if o == "[" else "}" for o in reversed(opens))


def _digits(rng: random.Random) -> str:
    length = rng.choice((20, 25, 40, 400, 4300, 4301, 5000, 20000))
    sign = rng.choice(("", "", "-"))
    return sign + "9" * length


def _long_text(rng: random.Random) -> str:
    unit = rng.choice(("a", "é", "😀", "\u202e", "<b>"))
    size = rng.choice((100, 256, 1000, 5000, 16384, 65536, 70000, 1_000_000))
    if size >= 65536 and rng.random() < 0.8:
        size = rng.choice((5000, 16384))  # megabyte texts are rare: they dominate the time
    return unit * (size // len(unit))


# -- the cases -------------------------------------------------------------------------


def huge_integer(wire: Wire, rng: random.Random) -> str:
    path = _pick(rng, wire, _named("quantity", "id", "product_id", "customer_id", "rate_id"))
    return _with_text(wire, path or ("id",), _digits(rng))


def deep_nesting(wire: Wire, rng: random.Random) -> str:
    depth = rng.choice((3, 20, 50, 60, 64, 65, 66, 100, 1000, 100_000))
    where = rng.random()
    if where < 0.2:
        text = json.dumps(wire)
        return "[" * depth + text + "]" * depth
    if where < 0.6 and wire.get("meta_data"):
        path: Path_ = ("meta_data", rng.randrange(len(wire["meta_data"])), "value")
    else:
        path = _pick(rng, wire, _leaf) or ("customer_note",)
    return _with_text(wire, path, _nested(depth, rng))


def absurd_number(wire: Wire, rng: random.Random) -> str:
    numeric = _named(
        "price", "quantity", "total", "subtotal", "total_tax", "subtotal_tax", "discount",
        "cart_tax", "shipping_total", "discount_total", "tax_total", "rate_percent", "id",
    )  # fmt: skip
    path = _pick(rng, wire, numeric) or ("total",)
    value = rng.choice(
        (
            "1e308", "-1e308", "1e400", "-1e400", "1e-400", "NaN", "Infinity", "-Infinity",
            "-0.0", "1e16", "0.30000000000000004", "9007199254740993", '"1e308"', '"NaN"',
            '"99999999999999999999.99"', '"-0.00"', '"1000000000000.01"', "-1", "0",
            '"9' + "9" * 40 + '.00"', str(2**63), str(2**64), str(-(2**63)),
        )
    )  # fmt: skip
    return _with_text(wire, path, value)


_EMAILS = (
    "jane\u200b@example.com", "jane\u202e@example.com", "jane@exa\u200dmple.com",
    "\ufeffjane@example.com", "jane\u0000@example.com", "jane\n@example.com",
    "jane doe@example.com", "jane@example.com ", "jane\u00a0@example.com",
    "jane\u0085@example.com", "jane@@example.com", "jane@-example.com", "jane@example..com",
    "jane@.example.com", "jane@example", "(jane)@example.com", '"jane"@example.com',
    "grå@grå.org", "jane+tag@example.com", "ace@204.32.222.14", "to@[192.168.1.1]",
)  # fmt: skip


def hostile_email(wire: Wire, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        size = rng.choice((255, 320, 321, 1000, 1_000_000 if rng.random() < 0.2 else 5000))
        email = "a" * (size - len("@example.com")) + "@example.com"
    elif roll < 0.25:
        return _with_text(wire, ("billing", "email"), '"jane\\ud800@example.com"')
    else:
        email = rng.choice(_EMAILS)
    wire["billing"]["email"] = email
    return json.dumps(wire)


def long_text(wire: Wire, rng: random.Random) -> str:
    places = [("billing", "first_name"), ("billing", "last_name"), ("billing", "company"),
              ("shipping", "address_1"), ("billing", "city"), ("customer_note",)]  # fmt: skip
    places += [("line_items", i, "name") for i in range(len(wire["line_items"]))]
    places += [("shipping_lines", i, "method_title") for i in range(len(wire["shipping_lines"]))]
    places += [("meta_data", i, "value") for i in range(len(wire["meta_data"]))]
    _set(wire, rng.choice(places), _long_text(rng))
    return json.dumps(wire)


def duplicate_item_id(wire: Wire, rng: random.Random) -> str:
    items = [
        (kind, index)
        for kind in ("line_items", "shipping_lines", "fee_lines", "coupon_lines", "tax_lines")
        for index in range(len(wire[kind]))
    ]
    if len(items) < 2:
        wire["line_items"].append(copy.deepcopy(wire["line_items"][0]))
    else:
        (kind_a, a), (kind_b, b) = rng.sample(items, 2)
        wire[kind_b][b]["id"] = wire[kind_a][a]["id"]
    return json.dumps(wire)


def negative_discount(wire: Wire, rng: random.Random) -> str:
    if not wire["coupon_lines"]:
        wire["coupon_lines"].append(
            {"id": 987654, "code": "minus", "discount": "0.00", "discount_tax": "0.00"}
        )
    line = rng.choice(wire["coupon_lines"])
    line[rng.choice(("discount", "discount_tax"))] = rng.choice(("-10.00", "-0.01", "-1e3"))
    return json.dumps(wire)


# -- generic mutations -------------------------------------------------------------------------

_VALUES = (0, -1, 1.5, "", "x", True, None, [], {}, [1, [2]], {"a": {"b": None}}, "0", 2**70)


def _typed(path: Path_, value: Any) -> bool:
    """A value the order model types (not free-form meta values)."""
    return not {"meta_data", "refunds", "_links"} & set(path)


_REQUIRED = frozenset(
    {"id", "status", "currency", "total", "total_tax", "cart_tax", "billing", "shipping",
     "line_items", "tax_lines", "shipping_lines", "fee_lines", "coupon_lines", "product_id",
     "quantity", "subtotal", "method_id", "rate_id", "tax_total", "code", "key",
     "discount", "prices_include_tax", "customer_id", "subtotal_tax", "shipping_tax_total"}
)  # fmt: skip


def wrong_type(wire: Wire, rng: random.Random) -> str:
    typed = rng.random() < 0.85
    path = _pick(rng, wire, lambda path, value: not typed or _typed(path, value)) or ("id",)
    _set(wire, path, copy.deepcopy(rng.choice(_VALUES)))
    return json.dumps(wire)


def missing_key(wire: Wire, rng: random.Random) -> str:
    required = rng.random() < 0.95
    path = _pick(
        rng,
        wire,
        lambda path, value: isinstance(path[-1], str) and (path[-1] in _REQUIRED or not required),
    ) or ("id",)
    del _get(wire, path[:-1])[path[-1]]
    return json.dumps(wire)


def control_characters(wire: Wire, rng: random.Random) -> str:
    path = _pick(rng, wire, lambda path, value: isinstance(value, str)) or ("number",)
    text = _get(wire, path)
    if rng.random() < 0.15:  # an unpaired surrogate, as JSON can write one
        cut = rng.randint(0, len(text))
        return _with_text(wire, path, json.dumps(text[:cut])[:-1] + '\\udc80"')
    chars = "".join(rng.choice(_HOSTILE_CHARS) for _ in range(rng.randint(1, 4)))
    cut = rng.randint(0, len(text))
    _set(wire, path, text[:cut] + chars + text[cut:])
    return json.dumps(wire)


def unicode_text(wire: Wire, rng: random.Random) -> str:
    path = _pick(rng, wire, lambda path, value: isinstance(value, str)) or ("number",)
    _set(wire, path, rng.choice(_UNICODE_TEXT))
    return json.dumps(wire, ensure_ascii=rng.random() < 0.5)


def swapped_container(wire: Wire, rng: random.Random) -> str:
    typed = rng.random() < 0.9
    path = _pick(
        rng,
        wire,
        lambda path, value: isinstance(value, dict | list) and (not typed or _typed(path, value)),
    ) or ("billing",)
    value = _get(wire, path)
    swapped = {str(i): item for i, item in enumerate(value)} if isinstance(value, list) else [value]
    _set(wire, path, rng.choice((swapped, "[]", 0, None)))
    return json.dumps(wire)


def extra_keys(wire: Wire, rng: random.Random) -> str:
    path = _pick(rng, wire, lambda path, value: isinstance(value, dict)) or ()
    target = _get(wire, path) if path else wire
    for _ in range(rng.choice((1, 5, 5000))):
        key = rng.choice(("__proto__", "", "constructor", "\u202ekey", "x" * 300, "id "))
        target[f"{key}{rng.randrange(10**6)}"] = rng.choice(_VALUES)
    return json.dumps(wire)


def duplicate_json_key(wire: Wire, rng: random.Random) -> str:
    """A key given twice: JSON readers keep the last, so the second one is the bad one."""
    key = rng.choice(("id", "total", "line_items", "billing", "status"))
    value = rng.choice(('"abc"', "null", "[]", '"-1.00"', "-5"))
    text = json.dumps(wire)
    return text[: text.rindex("}")] + ", " + json.dumps(key) + ": " + value + "}"


def truncated(wire: Wire, rng: random.Random) -> str:
    text = json.dumps(wire)
    return text[: rng.randrange(len(text))]


def bad_bytes(wire: Wire, rng: random.Random) -> bytes:
    data = json.dumps(wire, ensure_ascii=False).encode("utf-8")
    how = rng.choice(("invalid", "invalid", "utf16", "bom", "nul", "latin1"))
    if how == "invalid":
        cut = rng.randrange(len(data))
        return data[:cut] + rng.choice((b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80")) + data[cut:]
    if how == "utf16":
        return json.dumps(wire).encode("utf-16")
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "nul":
        return data.replace(b",", b",\x00", 1)
    wire["billing"]["first_name"] = "Jåne"
    return json.dumps(wire, ensure_ascii=False).encode("latin-1", "replace")


def wrong_root(wire: Wire, rng: random.Random) -> str:
    broken = copy.deepcopy(wire)
    broken["total"] = "abc"
    return rng.choice(
        (
            json.dumps([broken, broken]), json.dumps([broken, 7, None]), "[]", "{}", "null", "7",
            '"order"', json.dumps([[wire]]), json.dumps({"orders": [wire]}), "", " \n",
        )
    )  # fmt: skip


def many_items(wire: Wire, rng: random.Random) -> str:
    first = wire["line_items"][0]
    count = rng.choice((20, 200, 1000))
    for index in range(count):
        item = copy.deepcopy(first)
        item["id"] = 10_000_000 + index
        wire["line_items"].append(item)
    return json.dumps(wire)


def money_format(wire: Wire, rng: random.Random) -> str:
    path = _pick(rng, wire, _named("total", "subtotal", "total_tax", "cart_tax", "discount"))
    value = rng.choice(("12,50", "1.2.3", " 5.00", "5.00 ", "+5.00", "٥٠.٠٠", "5.", ".5", "0x10",
                        "1_000.00", "１２.５０", "12.5e1", "--5"))  # fmt: skip
    _set(wire, path or ("total",), value)
    return json.dumps(wire)


MUTATIONS: dict[str, Mutation] = {
    "huge-integer": huge_integer,
    "deep-nesting": deep_nesting,
    "absurd-number": absurd_number,
    "hostile-email": hostile_email,
    "long-text": long_text,
    "duplicate-item-id": duplicate_item_id,
    "negative-discount": negative_discount,
    "wrong-type": wrong_type,
    "missing-key": missing_key,
    "control-characters": control_characters,
    "unicode-text": unicode_text,
    "swapped-container": swapped_container,
    "extra-keys": extra_keys,
    "duplicate-json-key": duplicate_json_key,
    "truncated": truncated,
    "bad-bytes": bad_bytes,
    "wrong-root": wrong_root,
    "many-items": many_items,
    "money-format": money_format,
}
# How often each is drawn: the cases that make a landable order (long or unusual text) are
# rarer, as each landing costs ~70 ms where a refusal costs ~1 ms.
WEIGHTS = {
    "long-text": 1,
    "unicode-text": 1,
    "extra-keys": 1,
    "many-items": 1,
    "control-characters": 2,
}


def base_orders(count: int = 60, seed: int = 1) -> list[Wire]:
    """Valid orders of the catalogue's scenarios (seeded), as WooCommerce JSON."""
    scenarios = load_catalogue().scenarios
    return [generate(scenarios[i % len(scenarios)], seed + i).to_wire() for i in range(count)]


def mutated(bases: list[Wire], rng: random.Random, kind: str | None = None) -> tuple[str, bytes]:
    """(kind, file bytes): one base order with one mutation of `kind` (drawn if None)."""
    if kind is None:
        kinds = list(MUTATIONS)
        kind = rng.choices(kinds, weights=[WEIGHTS.get(k, 6) for k in kinds])[0]
    made = MUTATIONS[kind](copy.deepcopy(rng.choice(bases)), rng)
    return kind, made if isinstance(made, bytes) else made.encode("utf-8", "surrogatepass")


# -- feeding the entry points ------------------------------------------------------------------


class NoSalesOrders:
    """A NetSuite that holds none of the orders: reconciliation's reading is what is tested."""

    def suiteql_all(self, q: str) -> list[dict[str, str]]:
        return []


# What the CLI prints as `Error: ...` for each command (harness/cli/errors.py `reported`).
LAND_ERRORS = (OSError, WooOrderError, NetSuiteError, LandingCheckError, ExternalConnectorError)
EXPLAIN_ERRORS = (ExplainError,)
RECONCILE_ERRORS = (ReconcileError, NetSuiteError)


@dataclass
class Fuzzer:
    """The three entry points on one sandbox; `outcomes[command]` counts what each case
    ended in, `escaped` lists the cases that ended otherwise (with the exception)."""

    target: SimTarget
    mapping: Mapping
    folder: Path
    landings_per_kind: int | None = None
    outcomes: dict[str, Counter[str]] = field(default_factory=dict)
    escaped: list[str] = field(default_factory=list)
    landed: Counter[str] = field(default_factory=Counter)

    @classmethod
    def open(cls, folder: Path, landings_per_kind: int | None = None) -> Fuzzer:
        """`landings_per_kind`: how many valid orders of each mutation kind are pushed to
        the sandbox (~70 ms each); past it a valid order is only read (None: every one)."""
        return cls(SimTarget(None).__enter__(), load_mapping(), folder, landings_per_kind)

    def close(self) -> None:
        self.target.__exit__(None, None, None)

    def feed(self, kind: str, data: bytes) -> dict[str, str]:
        """Run one case through land, explain and reconcile; what each ended in."""
        path = self.folder / "order.json"
        path.write_bytes(data)
        ended = {
            "land": self._one("land", kind, lambda: self._land(path, kind), LAND_ERRORS),
            "explain": self._one("explain", kind, lambda: self._explain(path), EXPLAIN_ERRORS),
            "reconcile": self._one(
                "reconcile", kind, lambda: self._reconcile(path), RECONCILE_ERRORS
            ),
        }
        return ended

    def _one(
        self,
        command: str,
        kind: str,
        run: Callable[[], str],
        clean: tuple[type[BaseException], ...],
    ) -> str:
        try:
            outcome = run()
        except clean as error:
            code = 2 if isinstance(error, UnreadableExport | ExplainError | OSError) else 1
            outcome = f"error, exit {code} ({type(error).__name__})"
        except Exception as error:  # the point: nothing else may come out
            outcome = "TRACEBACK"
            self.escaped.append(f"{command} / {kind}: {type(error).__name__}: {error}"[:300])
        self.outcomes.setdefault(command, Counter())[outcome] += 1
        return outcome

    def _land(self, path: Path, kind: str) -> str:
        read, _ = read_order_file(path)
        valid = [
            item for item in read if isinstance(item, WooOrder) and not item.check_invariants()
        ]
        if valid and self.landings_per_kind is not None:
            if self.landed[kind] >= self.landings_per_kind:
                return "valid order, read only (past the landings per kind)"
            self.landed[kind] += 1
        landings = land_all(read, self.target, self.mapping)
        outcomes = sorted({landing.verdict.outcome for landing in landings})
        return "verdict " + "+".join(outcomes)

    def _explain(self, path: Path) -> str:
        found = explain_file(path)
        return "explained" if found.findings else "nothing to explain"

    def _reconcile(self, path: Path) -> str:
        raw = read_store_orders(None, path, since=date(2000, 1, 1))
        result = reconcile_orders(raw, NoSalesOrders(), self.mapping, since=date(2000, 1, 1))
        return f"reconciled ({'missing' if result.missing else 'none missing'})"


def fuzz(
    count: int, seed: int, landings_per_kind: int | None = 10
) -> tuple[Fuzzer, Counter[str], float]:
    """`count` cases, seeded; the fuzzer (outcomes, escapes), cases per kind, seconds."""
    rng = random.Random(seed)
    bases = base_orders(seed=seed)
    kinds: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        fuzzer = Fuzzer.open(Path(folder), landings_per_kind)
        began = time.perf_counter()
        try:
            for _ in range(count):
                kind, data = mutated(bases, rng)
                kinds[kind] += 1
                fuzzer.feed(kind, data)
        finally:
            fuzzer.close()
        return fuzzer, kinds, time.perf_counter() - began


def print_report(fuzzer: Fuzzer, kinds: Counter[str], seconds: float) -> None:
    from benchlib import table

    total = sum(kinds.values())
    print(f"{total} hostile order files through land, explain and reconcile in {seconds:.1f} s.\n")
    print(table(["mutation", "cases"], sorted(kinds.items())))
    for command, counted in fuzzer.outcomes.items():
        print()
        print(table([f"{command}: ended in", "cases"], sorted(counted.items())))
    print()
    tracebacks = sum(counted["TRACEBACK"] for counted in fuzzer.outcomes.values())
    print(table(["check", "count"], [("tracebacks (any command)", tracebacks)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--landings-per-kind",
        type=int,
        default=10,
        help="valid orders of each mutation kind pushed to the sandbox (0: none; -1: all)",
    )
    args = parser.parse_args()
    per_kind = None if args.landings_per_kind < 0 else args.landings_per_kind
    fuzzer, kinds, seconds = fuzz(args.orders, args.seed, per_kind)
    print_report(fuzzer, kinds, seconds)
    if fuzzer.escaped:
        print("\n" + "\n".join(fuzzer.escaped[:30]))
        raise SystemExit(1)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()

"""Cost per landing with 100, 1,000 and 10,000 orders already in the sandbox.

Each size gets a fresh sandbox, preloaded by landing a few real orders through the reference
connector and then copying their rows (Sales Order, lines, addresses, a new customer per copy,
each with its own ids, document number, externalId and email) straight into the store, ids
drawn from the store's own sequences. Then new orders land on top, none reset in between; the
median CPU time per landing is reported, with its ratio to the smallest size.

    .venv/bin/python bench/bench_scaling.py [--sizes 100 1000 10000] [--landings 56]

Target: flat (the largest size within 1.2x of the smallest).
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Sequence
from functools import partial
from typing import Any

from benchlib import KeepState, cpu_seconds, median, ms, print_header, ratio, table

from harness.catalogue.spec import ScenarioSpec, load_catalogue
from harness.mapping import Mapping, load_mapping
from harness.runner import run_scenario
from harness.sandbox.store.db import Store
from harness.targets.sim import SimTarget

FLAT = 1.2
TEMPLATE_SEED = 900_000


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    names = list(rows[0])
    columns = ", ".join(f'"{n}"' for n in names)
    marks = ", ".join("?" for _ in names)
    conn.executemany(
        f'INSERT INTO "{table}" ({columns}) VALUES ({marks})',
        [tuple(row[n] for n in names) for row in rows],
    )


def preload(store: Store, templates: Sequence[int], count: int) -> None:
    """`count` copies of the template Sales Orders, each with its own new customer."""
    numbering = store.profile.preferences.salesOrderNumbering
    conn = store.conn
    with store.write():
        sources = {
            tid: (
                _rows(conn, 'SELECT * FROM "transaction" WHERE id = ?', (tid,))[0],
                _rows(conn, 'SELECT * FROM transactionline WHERE "transaction" = ?', (tid,)),
            )
            for tid in templates
        }
        people = {
            head["entity"]: _rows(conn, "SELECT * FROM customer WHERE id = ?", (head["entity"],))[0]
            for head, _ in sources.values()
        }
        batches: dict[str, list[dict[str, Any]]] = {}
        for n in range(count):
            head, lines = sources[templates[n % len(templates)]]
            email = f"bulk{n}@example.com"
            customer = {
                **people[head["entity"]],
                "id": store.next_id("customer"),
                "entityid": f"BULK-{n}",
                "email": email,
                "externalid": f"bulk-customer-{n}",
                "defaultbillingaddress": None,
                "defaultshippingaddress": None,
            }
            order_id = store.next_id("transaction")
            order = {
                **head,
                "id": order_id,
                "tranid": store.next_number("SalesOrd", numbering.prefix, numbering.nextNumber),
                "entity": customer["id"],
                "externalid": f"bulk-{n}",
                "otherrefnum": f"B{n}",
                "email": email,
            }
            for column, table in (
                ("billingaddress", "transactionbillingaddress"),
                ("shippingaddress", "transactionshippingaddress"),
            ):
                if head.get(column) is None:
                    continue
                found = _rows(conn, f'SELECT * FROM "{table}" WHERE nkey = ?', (head[column],))
                if found:
                    nkey = store.next_id(table)
                    order[column] = nkey
                    batches.setdefault(table, []).append(
                        {**found[0], "nkey": nkey, "recordowner": order_id}
                    )
            batches.setdefault("customer", []).append(customer)
            batches.setdefault("transaction", []).append(order)
            batches.setdefault("transactionline", []).extend(
                {**line, "transaction": order_id, "entity": customer["id"]}
                if "entity" in line
                else {**line, "transaction": order_id}
                for line in lines
            )
        for name in ("customer", "transaction", "transactionline"):
            _insert(conn, name, batches.pop(name, []))
        for name, rows in batches.items():
            _insert(conn, name, rows)
    conn.execute("ANALYZE")


def land(
    target: KeepState, specs: Sequence[ScenarioSpec], seeds: Sequence[int], m: Mapping
) -> None:
    for seed in seeds:
        for spec in specs:
            run_scenario(spec, seed, target, m)


def preloaded(size: int, specs: Sequence[ScenarioSpec], mapping: Mapping) -> SimTarget:
    """A sandbox holding `size` Sales Orders: the catalogue's landed ones, then copies."""
    sim = SimTarget()
    with sim:
        land(KeepState(sim), specs, [TEMPLATE_SEED], mapping)
    store = sim.sandbox.store
    templates = [
        int(row[0])
        for row in store.conn.execute("SELECT id FROM \"transaction\" WHERE type = 'SalesOrd'")
    ]
    preload(store, templates, max(0, size - len(templates)))
    return sim


def sales_orders(sim: SimTarget) -> int:
    query = "SELECT COUNT(*) FROM \"transaction\" WHERE type = 'SalesOrd'"
    return int(sim.sandbox.store.conn.execute(query).fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10_000])
    parser.add_argument("--landings", type=int, default=56, help="landings per round")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    mapping = load_mapping()
    specs = [spec for spec in load_catalogue().scenarios if not spec.target.credential]
    sandboxes = {size: preloaded(size, specs, mapping) for size in args.sizes}
    per_round = max(1, args.landings // len(specs))
    samples: dict[int, list[float]] = {size: [] for size in args.sizes}
    # Rounds alternate between the sizes, so that each sees the same machine conditions.
    for r in range(args.rounds):
        seeds = [1 + r * per_round + k for k in range(per_round)]
        for size, sim in sandboxes.items():
            with sim:
                spent = cpu_seconds(partial(land, KeepState(sim), specs, seeds, mapping))
            samples[size].append(spent / (per_round * len(specs)))
    results = [(size, median(samples[size]), sales_orders(sim)) for size, sim in sandboxes.items()]

    print_header("Scaling: cost per landing with orders already in the sandbox")
    print(
        f"{per_round * len(specs)} new orders per round on top of the preload, median of "
        f"{args.rounds} rounds alternating between the sizes (CPU time); no reset between "
        "landings.\n"
    )
    smallest = results[0][1]
    rows = [
        (f"{size:,}", f"{orders:,}", ms(per), ratio(per, smallest)) for size, per, orders in results
    ]
    print(table(["preloaded orders", "orders at the end", "per landing", "vs smallest"], rows))
    largest = results[-1][1]
    met = "met" if largest <= FLAT * smallest else "NOT met"
    print(f"\nTarget flat (largest ≤ {FLAT}× smallest): {met}.")


if __name__ == "__main__":
    main()

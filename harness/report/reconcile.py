"""A reconciliation printed for a person: the problems first, then orders per day."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from harness.commands.reconcile.compare import Reconciliation, StoreOrder
from harness.report.visible import markup


def _order(order: StoreOrder) -> str:
    day = order.created.isoformat() if order.created else "?"
    return (
        f"#{markup(order.number)} ({day}, {markup(order.status)}, "
        f"{order.total} {markup(order.currency)}, externalId {markup(order.external_id)})"
    )


def print_reconciliation(console: Console, found: Reconciliation) -> None:
    period = f"{found.since}" + (f" to {found.until}" if found.until else " to now")
    console.print(
        f"{found.orders} store orders {period}: {found.matched} in NetSuite, "
        f"{len(found.missing)} missing, {len(found.duplicated)} duplicated, "
        f"{len(found.different)} with another total"
        + (
            f", {found.not_synced} in statuses the mapping does not sync"
            if found.not_synced
            else ""
        ),
        soft_wrap=True,
    )
    for order in found.missing:
        console.print(f"[red]missing[/red]    {_order(order)}", soft_wrap=True)
    for order, sales_orders in found.duplicated:
        ids = markup(", ".join(so.id for so in sales_orders))
        console.print(
            f"[yellow]duplicated[/yellow] {_order(order)}: Sales Orders {ids}", soft_wrap=True
        )
    for different in found.different:
        ns = different.netsuite
        shown = "no total" if ns.total is None else f"{ns.total}"
        console.print(
            f"[yellow]different[/yellow]  {_order(different.order)}: Sales Order "
            f"{markup(ns.id)} has {markup(shown)} ({different.difference:+})",
            soft_wrap=True,
        )
    if found.days:
        table = Table(title="orders per day")
        table.add_column("day")
        table.add_column("store", justify="right")
        table.add_column("NetSuite", justify="right")
        for day in found.days:
            style = (
                "red"
                if day.store and not day.netsuite
                else ("yellow" if day.netsuite < day.store else "")
            )
            table.add_row(day.day.isoformat(), str(day.store), str(day.netsuite), style=style)
        console.print(table)
    stalled = found.stalled_since
    if stalled is not None:
        console.print(
            f"[red]No order since {stalled} reached NetSuite[/red]: the sync looks stalled; "
            "check the connector's queue and log (`harness explain` reads it).",
            soft_wrap=True,
        )

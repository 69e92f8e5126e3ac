"""After the landing, the store's side: what a pull-style connector wrote back, and what it
did with an order cancelled after it landed.

A pull-style connector reads orders from the store and, once NetSuite took one, writes back
to it (the mapping's `write_back`: the Sales Order in the order's meta, a note, a status). A
connector that lands the order and never writes back, or writes back the wrong id, leaves the
store unable to find its Sales Order: category `write-back`. An order cancelled after it
landed is judged by the mapping's `sync.cancelled` (its Sales Order kept, or closed) instead
of as an order that must never have synced. Only landings through a store (a `PushResult`
with `store`) are judged here; every other verdict passes through unchanged.
"""

from __future__ import annotations

from dataclasses import replace

from harness.landing.mapping_reading import (
    closes_cancelled,
    meta_written_back,
    note_written_back,
    status_syncs,
    status_written_back,
    write_back_values,
)
from harness.landing.readback import ActualLanding
from harness.landing.refdata import QueryClient, sql_text
from harness.landing.verdict import Diagnosis, Mismatch, Verdict
from harness.mapping import Mapping
from harness.netsuite.errors import NetSuiteError
from harness.push import PushResult, StoreAfter
from harness.woo.order import WooOrder

# INFERRED from SuiteQL's `SalesOrd:H`: the order status NetSuite shows once every line is
# closed (closing is done by closing lines, salesorder-semantics line 62).
CLOSED = "H"
_LANDED = ("landed", "landed-wrong")


def after_landing(
    verdict: Verdict,
    order: WooOrder,
    mapping: Mapping,
    push: PushResult | None,
    actual: ActualLanding | None,
    client: QueryClient,
    prefix: str = "",
) -> Verdict:
    """`verdict` with the store's side judged: a cancelled order by `sync.cancelled`, then
    the write-back. Unchanged for a landing that went through no store."""
    store = push.store if push is not None else None
    if store is None or actual is None or not actual.found or actual.sales_order_id is None:
        return verdict
    synced_before = any(status_syncs(mapping, status) for status in store.statuses[:-1])
    cancelled = order.status == "cancelled" and synced_before
    if cancelled:
        verdict = _cancelled(verdict, mapping, actual)
    exported = cancelled or status_syncs(mapping, order.status)
    if verdict.outcome not in _LANDED or not exported or not mapping.write_back.declared:
        return verdict
    tran_id = _tran_id(mapping, actual, client)
    values = write_back_values(order, actual.sales_order_id, tran_id, prefix)
    wanted_status = None if cancelled else status_written_back(mapping, order.status)
    found = _write_back(mapping, values, store, wanted_status)
    if not found:
        return verdict
    return _with_findings(verdict, found, _write_back_diagnosis(order, found, actual, tran_id))


# -- cancelled after landing --------------------------------------------------------------


def _status_of(actual: ActualLanding) -> str:
    return (actual.order_status or "").strip()


def _cancelled(verdict: Verdict, mapping: Mapping, actual: ActualLanding) -> Verdict:
    """The verdict on an order cancelled after it landed: one Sales Order, closed or kept as
    `sync.cancelled` says (the comparison of a synced order does not apply any more)."""
    # It landed once, so exactly one Sales Order must hold it still.
    count = len(actual.order_ids)
    counts = () if count == 1 else (Mismatch("orders.count", 1, count),)
    status = _status_of(actual)
    closed = status.upper() == CLOSED
    number = f"order #{verdict.order}"
    so = f"Sales Order {actual.sales_order_id}"
    if closes_cancelled(mapping) and not closed:
        wrong = Mismatch("orderStatus", f"{CLOSED} (Closed)", status or None)
        summary = (
            f"{number} was cancelled in WooCommerce after it landed, but its {so} is still "
            f"open (status {status or 'unknown'}): cancelled orders' Sales Orders are closed."
        )
        hint = (
            "When WooCommerce cancels an order that already landed, close every line of its "
            "Sales Order (PATCH the salesOrder with item.items[].isClosed = true, each line "
            "by its `line`); if such orders should stay open, tell the harness: "
            "sync.cancelled: keep in the mapping it checks against."
        )
    elif not closes_cancelled(mapping) and closed:
        wrong = Mismatch("orderStatus", "open", f"{CLOSED} (Closed)")
        summary = (
            f"{number} was cancelled in WooCommerce after it landed and its {so} was "
            "closed, but cancelled orders' Sales Orders are kept as they are."
        )
        hint = (
            "Leave the Sales Order of a cancelled order as it is; if the connector rightly "
            "closes it, tell the harness: sync.cancelled: close in the mapping it checks "
            "against."
        )
    elif counts:
        summary = (f"NetSuite has {count} Sales Orders for {number}, cancelled after it "
                   "landed; it must have exactly one.")
        hint = ("Update the Sales Order the order landed as (by its externalId) when the order "
                "changes; delete the extra orders.")
        shown = (f"Sales Orders: {', '.join(actual.order_ids)}",)
        diagnosis = Diagnosis("sync-rule", summary, hint, shown)
        return replace(verdict, outcome="landed-wrong", mismatches=counts, diagnosis=diagnosis)
    else:
        return replace(verdict, outcome="landed", mismatches=(), diagnosis=None)
    evidence = (f"orderStatus: expected {wrong.expected}, actual {wrong.actual}",)
    return replace(
        verdict,
        outcome="landed-wrong",
        mismatches=(*counts, wrong),
        diagnosis=Diagnosis("sync-rule", summary, hint, evidence),
    )


# -- the write-back -------------------------------------------------------------------------


def _tran_id(mapping: Mapping, actual: ActualLanding, client: QueryClient) -> str:
    """The Sales Order's number (tranId), read back with it; asked for only when a template
    needs it and the record read back did not carry it."""
    for key, value in actual.record.items():
        if str(key).lower() == "tranid" and value:
            return str(value)
    templates = [*mapping.write_back.meta.values(), mapping.write_back.note or ""]
    if not any("sales_order.tranId" in template for template in templates):
        return ""
    so_id = str(actual.sales_order_id)
    where = so_id if so_id.isdigit() else sql_text(so_id)
    try:
        rows = client.suiteql_all(f"SELECT tranid FROM transaction WHERE id = {where}")
    except NetSuiteError:
        return ""
    return str(rows[0].get("tranid") or "") if rows else ""


def _written(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _write_back(
    mapping: Mapping, values: dict[str, object], store: StoreAfter, wanted_status: str | None
) -> list[Mismatch]:
    found: list[Mismatch] = []
    for key, wanted in meta_written_back(mapping, values).items():
        got = _written(store.order.meta(key))
        if got is None or got.strip() != wanted:
            found.append(Mismatch(f"writeBack.meta.{key}", wanted, got))
    note = note_written_back(mapping, values)
    if note is not None:
        count = sum(note in text for text in store.notes)
        if count == 0:
            found.append(Mismatch("writeBack.note", note, None))
        elif count > 1:
            found.append(Mismatch("writeBack.note.count", 1, count))
    if wanted_status is not None and store.order.status != wanted_status:
        found.append(Mismatch("writeBack.status", wanted_status, store.order.status))
    return found


def _write_back_diagnosis(
    order: WooOrder, found: list[Mismatch], actual: ActualLanding, tran_id: str
) -> Diagnosis:
    number = order.number or str(order.id)
    so = f"Sales Order {tran_id} (internal id {actual.sales_order_id})" if tran_id else (
        f"Sales Order {actual.sales_order_id}"
    )
    head = f"Order #{number} landed as {so}, but"
    missing = [m for m in found if m.actual is None]
    if len(missing) == len(found) and not any(m.field == "writeBack.status" for m in found):
        summary = f"{head} the connector wrote nothing back to WooCommerce."
        hint = (
            f"Once NetSuite has accepted the order, write the Sales Order back to it: "
            f"PUT /wp-json/wc/v3/orders/{order.id} with the meta_data entries listed, and "
            f"POST /wp-json/wc/v3/orders/{order.id}/notes for the note. Without them the "
            "store cannot tell which Sales Order holds the order."
        )
    else:
        summary = f"{head} {'; '.join(_said(m, actual, tran_id) for m in found)}."
        hint = _hint(found, order)
    evidence = tuple(
        f"{m.field}: expected {m.expected!r}, actual {m.actual!r}" for m in found
    )
    return Diagnosis("write-back", summary, hint, evidence)


def _said(m: Mismatch, actual: ActualLanding, tran_id: str) -> str:
    """One finding in words: what the store holds, and what it should."""
    if m.field.startswith("writeBack.meta."):
        key = m.field.removeprefix("writeBack.meta.")
        if m.actual is None:
            return f"the order has no {key} meta (expected {m.expected})"
        meaning = _what_the_id_is(str(m.actual), actual, tran_id)
        return f"the connector wrote back {key} = {m.actual}{meaning} instead of {m.expected}"
    if m.field == "writeBack.note":
        return f"no order note says {m.expected!r}"
    if m.field == "writeBack.note.count":
        return (
            f"the connector wrote its note {m.actual} times: it exported the order again "
            "although nothing had changed (it re-reads orders it already pulled)"
        )
    return f"the order stayed '{m.actual}' instead of moving to '{m.expected}'"


def _what_the_id_is(value: str, actual: ActualLanding, tran_id: str) -> str:
    if actual.entity is not None and value == actual.entity.id:
        return " (the internal id of the order's customer)"
    if value == tran_id and tran_id:
        return " (the Sales Order's number, not its internal id)"
    if value == actual.sales_order_id:
        return " (the Sales Order's internal id, not its number)"
    return ""


def _hint(found: list[Mismatch], order: WooOrder) -> str:
    fields = {m.field.split(".")[1] for m in found}
    parts = []
    if "meta" in fields:
        parts.append(
            "write the id of the Sales Order NetSuite made for this very order (the "
            "`Location` of its create, or the upsert's answer) into its meta"
        )
    if any(m.field == "writeBack.note.count" for m in found):
        parts.append(
            "ask for orders modified after the newest date_modified already pulled "
            "(modified_after), and note an order only when it is first exported"
        )
    elif "note" in fields:
        parts.append(f"add the note to order {order.id} (POST .../orders/{order.id}/notes)")
    if "status" in fields:
        parts.append(f"move order {order.id} to the status listed once it landed")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _with_findings(verdict: Verdict, found: list[Mismatch], diagnosis: Diagnosis) -> Verdict:
    """`found` added to `verdict`: the primary diagnosis when the landing was otherwise
    right, listed after the primary cause when not."""
    mismatches = (*verdict.mismatches, *found)
    if verdict.outcome == "landed" or verdict.diagnosis is None:
        return replace(verdict, outcome="landed-wrong", mismatches=mismatches, diagnosis=diagnosis)
    fields = ", ".join(dict.fromkeys(m.field for m in found))
    primary = verdict.diagnosis
    also = replace(
        primary,
        summary=f"{primary.summary} Also wrong: write-back ({fields}).",
        evidence=(*primary.evidence, f"also write-back: {diagnosis.summary}"),
    )
    return replace(verdict, outcome="landed-wrong", mismatches=mismatches, diagnosis=also)

"""After the landing, the store's side: the mapping's write-back and the cancelled-order rule
(`harness.landing.writeback.after_landing`), judged from the store's order and NetSuite's."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from harness.catalogue.spec import load_catalogue
from harness.landing.readback import ActualLanding
from harness.landing.refdata import NamedRef
from harness.landing.verdict import Diagnosis, Mismatch, Verdict
from harness.landing.writeback import after_landing
from harness.mapping import Mapping, MappingError, load_mapping
from harness.push import PushResult, StoreAfter
from harness.recording.metadata import fingerprint
from harness.woo.generate import generate
from harness.woo.order import WooOrder

SO_ID, TRAN_ID, CUSTOMER_ID = "41", "SO1041", "1007"


class NoQueries:
    """A client that must not be asked anything."""

    def suiteql_all(self, q: str) -> list[dict[str, str]]:
        raise AssertionError(f"unexpected query {q}")


class TranIds:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def suiteql_all(self, q: str) -> list[dict[str, str]]:
        self.asked.append(q)
        return [{"tranid": TRAN_ID}]


@pytest.fixture(scope="module")
def mapping() -> Mapping:
    return load_mapping()


@pytest.fixture(scope="module")
def order() -> WooOrder:
    return generate(load_catalogue().get("pulled-order-written-back"), 0)


def stored(order: WooOrder, meta: dict[str, Any] | None = None, status: str | None = None
           ) -> WooOrder:
    wire = order.to_wire()
    wire["meta_data"] = [*wire["meta_data"], *({"key": k, "value": v} for k, v in
                                               (meta or {}).items())]
    if status:
        wire["status"] = status
    return WooOrder.parse(wire, dp=order.dp)


def push(order: WooOrder, meta: dict[str, Any] | None = None, notes: tuple[str, ...] = (),
         statuses: tuple[str, ...] = ("processing",), status: str | None = None) -> PushResult:
    after = StoreAfter(stored(order, meta, status), notes, statuses)
    return PushResult(order.number or "", "pushed", sales_order_id=SO_ID, store=after)


def actual(**changes: Any) -> ActualLanding:
    base = ActualLanding(order_ids=(SO_ID,), sales_order_id=SO_ID,
                         entity=NamedRef(CUSTOMER_ID, "Ada Moreau"), order_status="B",
                         record={"id": SO_ID, "tranId": TRAN_ID})
    return replace(base, **changes)


def landed(order: WooOrder) -> Verdict:
    return Verdict(order=order.number or "", outcome="landed", sales_order_id=SO_ID)


WRITTEN = {"_netsuite_so_id": SO_ID}
NOTE = (f"NetSuite Sales Order {TRAN_ID}",)


def test_a_landing_without_a_store_is_not_judged_here(mapping: Mapping, order: WooOrder) -> None:
    verdict = landed(order)
    plain = PushResult(order.number or "", "pushed", sales_order_id=SO_ID)
    assert after_landing(verdict, order, mapping, plain, actual(), NoQueries()) is verdict


def test_a_complete_write_back_keeps_the_landing(mapping: Mapping, order: WooOrder) -> None:
    verdict = landed(order)
    judged = after_landing(verdict, order, mapping, push(order, WRITTEN, NOTE), actual(),
                           NoQueries())
    assert judged == verdict


def test_nothing_written_back_is_a_write_back_failure(mapping: Mapping, order: WooOrder) -> None:
    judged = after_landing(landed(order), order, mapping, push(order), actual(), NoQueries())
    assert judged.outcome == "landed-wrong" and not judged
    assert judged.diagnosis is not None and judged.diagnosis.category == "write-back"
    assert judged.diagnosis.summary == (
        f"Order #{order.number} landed as Sales Order {TRAN_ID} (internal id {SO_ID}), but the "
        "connector wrote nothing back to WooCommerce."
    )
    assert {m.field: (m.expected, m.actual) for m in judged.mismatches} == {
        "writeBack.meta._netsuite_so_id": (SO_ID, None),
        "writeBack.note": (f"NetSuite Sales Order {TRAN_ID}", None),
    }
    assert f"PUT /wp-json/wc/v3/orders/{order.id}" in judged.diagnosis.hint


@pytest.mark.parametrize(
    ("written", "meaning"),
    [(CUSTOMER_ID, "the internal id of the order's customer"),
     (TRAN_ID, "the Sales Order's number, not its internal id"),
     ("999", "")],
)
def test_a_wrong_id_is_caught_and_said_what_it_is(
    mapping: Mapping, order: WooOrder, written: str, meaning: str
) -> None:
    judged = after_landing(landed(order), order, mapping,
                           push(order, {"_netsuite_so_id": written}, NOTE), actual(), NoQueries())
    assert judged.diagnosis is not None and judged.diagnosis.category == "write-back"
    assert [(m.field, m.expected, m.actual) for m in judged.mismatches] == [
        ("writeBack.meta._netsuite_so_id", SO_ID, written)
    ]
    assert f"wrote back _netsuite_so_id = {written}" in judged.diagnosis.summary
    assert meaning in judged.diagnosis.summary


def test_a_numeric_meta_value_is_the_same_id(mapping: Mapping, order: WooOrder) -> None:
    verdict = landed(order)
    judged = after_landing(verdict, order, mapping, push(order, {"_netsuite_so_id": 41}, NOTE),
                           actual(), NoQueries())
    assert judged == verdict


def test_a_note_written_twice_is_a_duplicate(mapping: Mapping, order: WooOrder) -> None:
    judged = after_landing(landed(order), order, mapping, push(order, WRITTEN, NOTE * 2),
                           actual(), NoQueries())
    assert [(m.field, m.expected, m.actual) for m in judged.mismatches] == [
        ("writeBack.note.count", 1, 2)
    ]
    assert judged.diagnosis is not None and "wrote its note 2 times" in judged.diagnosis.summary


def test_the_note_need_only_contain_the_text(mapping: Mapping, order: WooOrder) -> None:
    verdict = landed(order)
    notes = ("Order status changed from Pending payment to Processing.",
             f"Synced: NetSuite Sales Order {TRAN_ID} (by the connector)")
    assert after_landing(verdict, order, mapping, push(order, WRITTEN, notes), actual(),
                         NoQueries()) == verdict


def test_a_declared_status_change_is_checked(mapping: Mapping, order: WooOrder) -> None:
    data = mapping.model_dump(mode="python", by_alias=True)
    data["write_back"]["status"] = {"from": ["processing"], "to": "completed"}
    completing = Mapping.model_validate(data)
    stays = after_landing(landed(order), order, completing, push(order, WRITTEN, NOTE),
                          actual(), NoQueries())
    assert [(m.field, m.expected, m.actual) for m in stays.mismatches] == [
        ("writeBack.status", "completed", "processing")
    ]
    done = after_landing(landed(order), order, completing,
                         push(order, WRITTEN, NOTE, status="completed"), actual(), NoQueries())
    assert done.outcome == "landed"


def test_beside_another_cause_the_write_back_is_listed_after_it(
    mapping: Mapping, order: WooOrder
) -> None:
    tax = Diagnosis("tax", "Tax landed as 1.00 instead of 2.00.", "Send the tax code.")
    wrong = Verdict(order=order.number or "", outcome="landed-wrong", sales_order_id=SO_ID,
                    mismatches=(Mismatch("taxTotal", "2.00", "1.00"),), diagnosis=tax)
    judged = after_landing(wrong, order, mapping, push(order), actual(), NoQueries())
    assert judged.diagnosis is not None and judged.diagnosis.category == "tax"
    assert judged.diagnosis.summary.endswith(
        "Also wrong: write-back (writeBack.meta._netsuite_so_id, writeBack.note)."
    )
    assert len(judged.mismatches) == 3


def test_an_order_that_did_not_land_is_left_as_it_is(mapping: Mapping, order: WooOrder) -> None:
    refused = Verdict(order=order.number or "", outcome="rejected")
    assert after_landing(refused, order, mapping, push(order), actual(), NoQueries()) is refused
    assert after_landing(refused, order, mapping, push(order), ActualLanding(),
                         NoQueries()) is refused


def test_the_number_is_asked_of_netsuite_when_the_record_lacks_it(
    mapping: Mapping, order: WooOrder
) -> None:
    client = TranIds()
    verdict = landed(order)
    judged = after_landing(verdict, order, mapping, push(order, WRITTEN, NOTE),
                           actual(record={"id": SO_ID}), client)
    assert judged == verdict
    assert client.asked == [f"SELECT tranid FROM transaction WHERE id = {SO_ID}"]


# -- cancelled after it landed -----------------------------------------------------------------


def cancelled_verdict(order: WooOrder) -> Verdict:
    """What the comparison says of a cancelled order with a Sales Order: it must not exist."""
    rule = Diagnosis("sync-rule", "order is 'cancelled' and must not reach NetSuite", "")
    return Verdict(order=order.number or "", outcome="landed-wrong", sales_order_id=SO_ID,
                   mismatches=(Mismatch("orders.count", 0, 1),), diagnosis=rule)


@pytest.fixture(scope="module")
def cancelled(order: WooOrder) -> WooOrder:
    return stored(order, status="cancelled")


def closing(mapping: Mapping) -> Mapping:
    data = mapping.model_dump(mode="python", by_alias=True)
    data["sync"]["cancelled"] = "close"
    return Mapping.model_validate(data)


def test_a_cancelled_order_whose_sales_order_was_closed_meets_the_close_rule(
    mapping: Mapping, cancelled: WooOrder
) -> None:
    result = push(cancelled, WRITTEN, NOTE, statuses=("processing", "cancelled"))
    judged = after_landing(cancelled_verdict(cancelled), cancelled, closing(mapping), result,
                           actual(order_status="H"), NoQueries())
    assert (judged.outcome, judged.mismatches, judged.diagnosis) == ("landed", (), None)


def test_a_cancelled_order_whose_sales_order_stays_open_breaks_the_close_rule(
    mapping: Mapping, cancelled: WooOrder
) -> None:
    result = push(cancelled, WRITTEN, NOTE, statuses=("processing", "cancelled"))
    judged = after_landing(cancelled_verdict(cancelled), cancelled, closing(mapping), result,
                           actual(order_status="B"), NoQueries())
    assert judged.outcome == "landed-wrong"
    assert judged.diagnosis is not None and judged.diagnosis.category == "sync-rule"
    assert "is still open (status B)" in judged.diagnosis.summary
    assert "isClosed" in judged.diagnosis.hint
    assert [(m.field, m.actual) for m in judged.mismatches] == [("orderStatus", "B")]


def test_the_keep_rule_wants_the_sales_order_left_open(
    mapping: Mapping, cancelled: WooOrder
) -> None:
    result = push(cancelled, WRITTEN, NOTE, statuses=("processing", "cancelled"))
    kept = after_landing(cancelled_verdict(cancelled), cancelled, mapping, result,
                         actual(order_status="B"), NoQueries())
    assert kept.outcome == "landed"
    closed = after_landing(cancelled_verdict(cancelled), cancelled, mapping, result,
                           actual(order_status="H"), NoQueries())
    assert closed.diagnosis is not None and "was closed" in closed.diagnosis.summary


def test_a_cancelled_order_that_never_synced_keeps_the_sync_rule_verdict(
    mapping: Mapping, cancelled: WooOrder
) -> None:
    verdict = cancelled_verdict(cancelled)
    result = push(cancelled, statuses=("pending", "cancelled"))
    assert after_landing(verdict, cancelled, closing(mapping), result,
                         actual(order_status="H"), NoQueries()) is verdict


def test_a_second_sales_order_of_a_cancelled_order_is_a_duplicate(
    mapping: Mapping, cancelled: WooOrder
) -> None:
    result = push(cancelled, WRITTEN, NOTE, statuses=("processing", "cancelled"))
    judged = after_landing(cancelled_verdict(cancelled), cancelled, closing(mapping), result,
                           actual(order_status="H", order_ids=(SO_ID, "42")), NoQueries())
    assert [(m.field, m.expected, m.actual) for m in judged.mismatches] == [
        ("orders.count", 1, 2)
    ]


def test_a_cancelled_order_keeps_its_write_back(mapping: Mapping, cancelled: WooOrder) -> None:
    result = push(cancelled, statuses=("processing", "cancelled"))
    judged = after_landing(cancelled_verdict(cancelled), cancelled, closing(mapping), result,
                           actual(order_status="H"), NoQueries())
    assert judged.diagnosis is not None and judged.diagnosis.category == "write-back"


# -- the mapping's declaration -----------------------------------------------------------------


def test_the_demo_mapping_declares_the_write_back(mapping: Mapping) -> None:
    assert mapping.write_back.meta == {"_netsuite_so_id": "{sales_order.id}"}
    assert mapping.write_back.note == "NetSuite Sales Order {sales_order.tranId}"


def test_a_write_back_template_names_known_placeholders_only(tmp_path: Any) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text("write_back:\n  meta:\n    _so: '{sales_order.number}'\n")
    with pytest.raises(MappingError, match=r"mapping.yaml:2: write_back.meta: .*_so: unknown "
                                           r"placeholder \{sales_order.number\}"):
        load_mapping(path)


def test_the_write_back_is_no_part_of_a_cassettes_fingerprint(mapping: Mapping) -> None:
    """It goes to the store; cassettes hold NetSuite's side (and keep their fingerprint)."""
    without = mapping.model_copy(update={"write_back": type(mapping.write_back)()})
    assert fingerprint(mapping) == fingerprint(without)
    assert mapping.model_dump(mode="python", by_alias=True)["write_back"]["meta"]
    remade = Mapping.model_validate(mapping.model_dump(mode="python", by_alias=True))
    assert remade.write_back == mapping.write_back


def test_the_cancelled_rule_defaults_to_keep_and_changes_the_fingerprint_when_set(
    mapping: Mapping,
) -> None:
    assert mapping.sync.cancelled == "keep"
    assert "cancelled" not in mapping.model_dump(mode="json")["sync"]
    assert fingerprint(closing(mapping)) != fingerprint(mapping)

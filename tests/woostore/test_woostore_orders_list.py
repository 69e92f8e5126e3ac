"""`GET /orders`: the filters a polling connector uses, paging and its headers, argument errors
(WooCommerce's and WordPress' own codes and sentences)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from woostore_helpers import Api, error_of, place

from harness.woostore import EmbeddedStore, ManualClock

OUT_OF_BOUNDS = "per_page must be between 1 (inclusive) and 100 (inclusive)"


def ids(response: object) -> list[int]:
    assert hasattr(response, "json")
    return [order["id"] for order in response.json()]


@pytest.fixture
def five(store: EmbeddedStore, clock: ManualClock) -> list[int]:
    """Five orders placed a minute apart (10:00 to 10:04)."""
    placed = []
    for name in ("existing-customer", "new-customer", "tax-california", "guest-checkout",
                 "coupon-percent"):
        placed.append(place(store, name)[0].id)
        clock.advance(minutes=1)
    return placed


def test_newest_first_ten_a_page_with_the_totals_in_headers(api: Api, five: list[int]) -> None:
    answer = api.get("/orders")
    assert answer.status_code == 200
    assert ids(answer) == list(reversed(five))
    assert answer.headers["X-WP-Total"] == "5"
    assert answer.headers["X-WP-TotalPages"] == "1"
    assert "Link" not in answer.headers
    assert answer.headers["Content-Type"] == "application/json; charset=UTF-8"


def test_pages_and_their_links(api: Api, five: list[int]) -> None:
    first = api.get("/orders", per_page=2, order="asc", status="any")
    assert ids(first) == five[:2]
    assert (first.headers["X-WP-Total"], first.headers["X-WP-TotalPages"]) == ("5", "3")
    assert set(first.links) == {"next"}
    following = first.links["next"]["url"]
    assert parse_qs(urlsplit(following).query) == {
        "per_page": ["2"], "order": ["asc"], "status": ["any"], "page": ["2"]
    }
    second = api.call("GET", following.removeprefix(api.base))
    assert ids(second) == five[2:4]
    assert set(second.links) == {"prev", "next"}
    last = api.get("/orders", per_page=2, order="asc", page=3)
    assert ids(last) == five[4:]
    assert set(last.links) == {"prev"}
    beyond = api.get("/orders", per_page=2, page=9)
    assert beyond.json() == [] and beyond.headers["X-WP-Total"] == "5"


def test_links_never_carry_the_key(store: EmbeddedStore, five: list[int]) -> None:
    api = Api(store)
    answer = api.call("GET", "/orders", auth=None, params={
        "per_page": 2, "consumer_key": store.consumer_key,
        "consumer_secret": store.consumer_secret})
    assert answer.status_code == 200
    assert store.consumer_secret not in answer.headers["Link"]
    assert store.consumer_key not in answer.headers["Link"]


def test_offset_skips_from_the_start(api: Api, five: list[int]) -> None:
    assert ids(api.get("/orders", order="asc", offset=3)) == five[3:]


@pytest.mark.parametrize(
    ("params", "name", "message"),
    [
        ({"per_page": 101}, "per_page", OUT_OF_BOUNDS),
        ({"per_page": 0}, "per_page", OUT_OF_BOUNDS),
        ({"per_page": "ten"}, "per_page", "per_page is not of type integer."),
        ({"page": 0}, "page", "page must be greater than or equal to 1"),
        ({"order": "up"}, "order", "order is not one of asc, desc."),
        ({"orderby": "price"}, "orderby",
         "orderby is not one of date, id, include, title, slug, modified, total."),
        ({"status": "processing,shipped"}, "status",
         "status[1] is not one of any, trash, pending, processing, on-hold, completed, "
         "cancelled, refunded, failed, checkout-draft."),
        ({"modified_after": "yesterday"}, "modified_after", "Invalid date."),
        ({"dates_are_gmt": "yes"}, "dates_are_gmt", "dates_are_gmt is not of type boolean."),
    ],
)
def test_bad_arguments_are_rest_invalid_param(
    api: Api, params: dict[str, object], name: str, message: str
) -> None:
    answer = api.get("/orders", **params)
    assert error_of(answer) == (400, "rest_invalid_param", f"Invalid parameter(s): {name}")
    data = answer.json()["data"]
    assert data["params"] == {name: message}
    assert data["details"][name]["message"] == message


def test_every_bad_argument_is_named_at_once(api: Api) -> None:
    answer = api.get("/orders", per_page=500, order="sideways")
    assert answer.json()["message"] == "Invalid parameter(s): per_page, order"


def test_status_list_and_any(api: Api, store: EmbeddedStore, five: list[int]) -> None:
    store.set_status(five[0], "completed")
    store.set_status(five[1], "on-hold")
    assert ids(api.get("/orders", status="completed")) == [five[0]]
    assert sorted(ids(api.get("/orders", status="completed,on-hold"))) == five[:2]
    both = api.call("GET", "/orders", params=[("status[]", "completed"), ("status[]", "on-hold")])
    assert sorted(ids(both)) == five[:2]
    assert len(ids(api.get("/orders", status="any"))) == 5


def test_trash_is_left_out_of_any(api: Api, five: list[int]) -> None:
    assert api.delete(f"/orders/{five[0]}").status_code == 200
    assert five[0] not in ids(api.get("/orders"))
    assert ids(api.get("/orders", status="trash")) == [five[0]]


def test_created_after_and_before_are_exclusive(api: Api, five: list[int]) -> None:
    after = api.get("/orders", after="2024-06-20T10:01:00", order="asc")
    assert ids(after) == five[2:]
    before = api.get("/orders", before="2024-06-20T10:02:00", order="asc")
    assert ids(before) == five[:2]
    window = api.get("/orders", after="2024-06-20T10:00:30Z", before="2024-06-20T10:03:00+00:00")
    assert sorted(ids(window)) == five[1:3]


def test_modified_after_finds_what_changed_since_the_last_poll(
    api: Api, store: EmbeddedStore, clock: ManualClock, five: list[int]
) -> None:
    last_poll = "2024-06-20T10:10:00"
    clock.set("2024-06-20T10:20:00+00:00")
    changed = api.put(f"/orders/{five[1]}", {"status": "completed"})
    assert changed.json()["date_modified"] == "2024-06-20T10:20:00"
    found = api.get("/orders", modified_after=last_poll)
    assert ids(found) == [five[1]]
    assert ids(api.get("/orders", modified_before=last_poll, order="asc")) == [
        five[0], *five[2:]
    ]


def test_site_time_and_gmt(clock: ManualClock) -> None:
    """Dates are compared on site time unless `dates_are_gmt`; an offset is honoured."""
    from datetime import timedelta

    east = EmbeddedStore(clock=clock, utc_offset=timedelta(hours=2))
    with east.intercept():
        placed = place(east, "existing-customer")[0]
        assert str(placed.date_created) == "2024-06-20 12:00:00"
        assert str(placed.date_created_gmt) == "2024-06-20 10:00:00"
        api = Api(east)
        assert ids(api.get("/orders", after="2024-06-20T11:00:00")) == [placed.id]
        assert ids(api.get("/orders", after="2024-06-20T11:00:00", dates_are_gmt="true")) == []
        assert ids(api.get("/orders", after="2024-06-20T09:30:00Z")) == [placed.id]


def test_include_exclude_and_orderby(api: Api, five: list[int]) -> None:
    chosen = f"{five[3]},{five[0]},{five[2]}"
    assert ids(api.get("/orders", include=chosen, orderby="include")) == [five[3], five[0], five[2]]
    assert ids(api.get("/orders", include=chosen, orderby="id", order="asc")) == [
        five[0], five[2], five[3]
    ]
    assert ids(api.get("/orders", exclude=f"{five[0]},{five[1]}", order="asc")) == five[2:]


def test_search_customer_and_product(api: Api, store: EmbeddedStore, five: list[int]) -> None:
    jane = store.order(five[0])
    assert jane.customer_id == 12
    assert ids(api.get("/orders", customer=12)) == [five[0]]
    assert five[0] in ids(api.get("/orders", search="jane.doe@example"))
    assert five[0] in ids(api.get("/orders", search="Jane Doe"))
    assert ids(api.get("/orders", search="nobody-at-all")) == []
    assert ids(api.get("/orders", customer="JANE.DOE@example.com")) == [five[0]]
    mug_orders = ids(api.get("/orders", product=104))
    assert five[0] in mug_orders
    for order_id in mug_orders:
        assert any(line.product_id == 104 for line in store.order(order_id).line_items)


def test_dp_formats_every_amount(api: Api, five: list[int]) -> None:
    plain = api.get(f"/orders/{five[0]}").json()
    order = api.get(f"/orders/{five[0]}", dp=3).json()
    assert order["total"] == plain["total"] + "0"
    assert len(order["total"].partition(".")[2]) == 3
    assert len(order["line_items"][0]["subtotal"].partition(".")[2]) == 3
    listed = api.get("/orders", dp=0, include=five[0]).json()[0]
    assert "." not in listed["total"]

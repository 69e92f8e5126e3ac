"""The sandbox's memory of TBA nonces: refuses replays, forgets expired nonces, stays small.

Every signed request adds a nonce, kept while its timestamp could still be accepted (5
minutes, reference/netsuite-rest.md 2.1); a run of thousands of landings in one process must
not pay for it more than a few bytes a request.
"""

from __future__ import annotations

import tracemalloc

from harness.sandbox.oauth import TIMESTAMP_WINDOW, _NonceMemory

TOKEN = "2e7e0e6a6d6a70c93a0b81f1c1b5bdf7e6a7e8f5ca1e7f3d1e8a9c7b1c3d5e7f"
# 2 KiB per landing of about 16 requests (the catalogue's, every lookup made anew).
BYTES_PER_NONCE = 2048 / 16


def key(n: int) -> str:
    return f"{TOKEN}\x00{n * 7919:020d}"


def test_a_nonce_is_refused_the_second_time_only() -> None:
    memory = _NonceMemory(capacity=100)
    assert memory.add_new(key(1), None, 1300.0, 1000.0)
    assert memory.add_new(key(2), None, 1300.0, 1000.0)
    assert not memory.add_new(key(1), None, 1400.0, 1100.0)
    assert len(memory) == 2


def test_a_nonce_is_forgotten_once_its_slice_has_expired() -> None:
    memory = _NonceMemory(capacity=100)
    memory.add_new(key(1), None, 1300.0, 1000.0)
    memory.add_new(key(2), None, 1000.0 + 2 * TIMESTAMP_WINDOW, 1000.0)
    # Kept at least until its expiry, at most a slice longer.
    assert not memory.add_new(key(1), None, 1600.0, 1299.0)
    assert memory.add_new(key(3), None, 1700.0, 1300.0 + _NonceMemory.SLICE)
    assert memory.add_new(key(1), None, 1700.0, 1300.0 + _NonceMemory.SLICE)
    assert not memory.add_new(key(2), None, 1700.0, 1300.0 + _NonceMemory.SLICE)


def test_the_memory_is_bounded_forgetting_what_expires_soonest() -> None:
    memory = _NonceMemory(capacity=1000)
    for n in range(5000):
        assert memory.add_new(key(n), None, 2000.0 + n, 1000.0)
    assert len(memory) <= 1000
    assert memory.add_new(key(0), None, 9000.0, 1000.0)  # the soonest were forgotten
    assert not memory.add_new(key(4999), None, 9000.0, 1000.0)  # the latest were not


def test_replays_are_refused_across_merges_and_expired_slices_leave() -> None:
    memory = _NonceMemory(capacity=100_000)
    memory.MERGE_EVERY = 50  # type: ignore[misc]
    for n in range(400):  # expiring over 400 seconds: slices of 30
        assert memory.add_new(key(n), None, 1300.0 + n, 1000.0)
    assert len(memory._settled) >= 350  # merged into the sorted array
    assert not any(memory.add_new(key(n), None, 1700.0, 1000.0) for n in range(400))
    now = 1530.0  # the slices of everything expiring before 1530 have ended: n < 230
    for n in range(400, 700):
        assert memory.add_new(key(n), None, now + 300, now)
    assert len(memory) == 170 + 300
    assert memory._digest(key(0)) not in memory._settled  # forgotten at a merge
    assert not memory.add_new(key(230), None, now + 300, now)  # still live
    assert memory.add_new(key(229), None, now + 300, now)  # expired (its timestamp is stale)


def test_a_nonce_costs_under_128_bytes() -> None:
    """Measured as the memory grows from 10,000 to 30,000 nonces (a thousand landings, spread
    over the window, five merges): what each costs while it is remembered (about 20 bytes)."""
    memory = _NonceMemory(capacity=1_000_000)
    keys = [key(n) for n in range(30_000)]  # made first: the memory keeps digests, not keys
    tracemalloc.start()
    try:
        sizes = []
        for n, text in enumerate(keys):
            memory.add_new(text, None, 1000.0 + TIMESTAMP_WINDOW * 2 * n / len(keys), 900.0)
            if n + 1 in (10_000, 30_000):
                sizes.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    assert (sizes[1] - sizes[0]) / 20_000 <= BYTES_PER_NONCE

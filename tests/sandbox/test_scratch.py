"""The store's scratch database: removed when the store closes, and by the next store when the
process that made it ended without cleaning up (killed, or a multiprocessing worker)."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

from harness.sandbox.serve import Sandbox
from harness.sandbox.store.scratch import remove_abandoned


def _folder(sandbox: Sandbox) -> Path:
    scratch = sandbox.store._scratch
    assert scratch is not None
    return scratch.folder


def test_the_folder_goes_when_the_store_closes() -> None:
    sandbox = Sandbox()
    folder = _folder(sandbox)
    assert (folder / "store.db").is_file()
    assert folder.name.startswith(f"harness-sandbox-{os.getpid()}-")
    sandbox.close()
    assert not folder.exists()


_KEPT: list[Sandbox] = []


def _leave_a_sandbox_behind(queue: multiprocessing.Queue[str]) -> None:
    _KEPT.append(Sandbox())  # alive until the worker leaves, by os._exit: no exit handlers
    queue.put(str(_folder(_KEPT[0])))


def test_a_folder_whose_process_ended_is_removed_by_the_next_store() -> None:
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[str] = context.Queue()
    worker = context.Process(target=_leave_a_sandbox_behind, args=(queue,))
    worker.start()
    left = Path(queue.get(timeout=30))
    worker.join(timeout=30)
    assert left.exists()  # what a multiprocessing worker leaves
    sandbox = Sandbox()
    try:
        assert not left.exists()
        assert _folder(sandbox).exists()  # this process's own stays
    finally:
        sandbox.close()


def test_only_this_users_folders_of_ended_processes_are_removed(tmp_path: Path) -> None:
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    gone = tmp_path / f"harness-sandbox-{ended.stdout.strip()}-abc"
    alive = tmp_path / f"harness-sandbox-{os.getpid()}-def"
    other = tmp_path / "harness-sandbox-notapid"
    for folder in (gone, alive, other):
        folder.mkdir()
    assert remove_abandoned(tmp_path) == [gone]
    assert alive.exists() and other.exists()


def test_a_store_stays_small_however_often_it_is_reset() -> None:
    """A reset writes what it restores into the write-ahead log (a whole copy never
    checkpoints it by itself: it grew by ~180 KB a reset, 36 MB after 200, in memory)."""
    sandbox = Sandbox()
    try:
        sizes = []
        for _ in range(100):
            sandbox.store.conn.execute("DELETE FROM customer")
            sandbox.reset()
            sizes.append(sum(f.stat().st_size for f in _folder(sandbox).iterdir()))
        assert max(sizes) < 2_000_000, max(sizes)
    finally:
        sandbox.close()

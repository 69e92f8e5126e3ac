"""Where a store keeps a database nobody named: a file of its own, in memory where possible.

SQLite's write-ahead log lets a save commit while SuiteQL queries read (each query sees the
database as it was when it began), so a slow query never holds up a save. The in-memory
`memdb` VFS has no write-ahead log: it needs a real file with its shared-memory index beside
it. The file lives in /dev/shm where Linux offers it (RAM, never the disk), else in the temp
folder, in a folder only this user can open; it is deleted when the store closes, or when
the store is collected without closing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from pathlib import Path

_MEMORY_BACKED = Path("/dev/shm")


class ScratchDatabase:
    """A database file path in a private folder of its own; `remove()` deletes the folder."""

    def __init__(self, owner: object) -> None:
        base = _MEMORY_BACKED if _usable(_MEMORY_BACKED) else None
        self.folder = Path(tempfile.mkdtemp(prefix="harness-sandbox-", dir=base))
        self.path = self.folder / "store.db"
        self._finalizer = weakref.finalize(owner, shutil.rmtree, self.folder, True)

    def remove(self) -> None:
        self._finalizer()


def _usable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)

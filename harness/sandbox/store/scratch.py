"""Where a store keeps a database nobody named: a file of its own, in memory where possible.

SQLite's write-ahead log lets a save commit while SuiteQL queries read (each query sees the
database as it was when it began), so a slow query never holds up a save. The in-memory
`memdb` VFS has no write-ahead log: it needs a real file with its shared-memory index beside
it. The file lives in /dev/shm where Linux offers it with room to spare (RAM, never the disk),
else in the temp folder, in a folder only this user can open, named after the process.

It is deleted when the store closes, or is collected, or the process exits. A process that
ends without running its exit handlers (killed, or a multiprocessing worker, which leaves by
`os._exit`) leaves its folder behind: the next store to start removes every folder of this
user whose process is gone.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import weakref
from pathlib import Path

_MEMORY_BACKED = Path("/dev/shm")
# Below this much free room (a container's /dev/shm is often 64 MB), the temp folder is used.
_ROOM_NEEDED = 256 * 1024 * 1024
_PREFIX = "harness-sandbox-"
_OURS = re.compile(rf"^{_PREFIX}(?P<pid>\d+)-")


class ScratchDatabase:
    """A database file path in a private folder of its own; `remove()` deletes the folder."""

    def __init__(self, owner: object) -> None:
        base = _MEMORY_BACKED if _roomy(_MEMORY_BACKED) else Path(tempfile.gettempdir())
        remove_abandoned(base)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=base))
        self.path = self.folder / "store.db"
        self._finalizer = weakref.finalize(owner, shutil.rmtree, self.folder, True)

    def remove(self) -> None:
        self._finalizer()


def remove_abandoned(base: Path) -> list[Path]:
    """Remove this user's scratch folders in `base` whose process has ended; those removed."""
    removed: list[Path] = []
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    for entry in entries:
        found = _OURS.match(entry.name)
        if found is None or _alive(int(found["pid"])):
            continue
        try:
            if entry.lstat().st_uid != os.getuid() or entry.is_symlink():
                continue
        except OSError:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's process, or not ours to judge: leave it
    return True


def _roomy(folder: Path) -> bool:
    if not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)):
        return False
    try:
        return shutil.disk_usage(folder).free >= _ROOM_NEEDED
    except OSError:
        return False

"""A private folder per user for lock files: found, created 0700, and checked before use.

A lock file another user can create, replace or hold is a way to stall or fool every run on
the machine, so the folder is the user's own: under `$XDG_RUNTIME_DIR` when it is usable (the
XDG Base Directory spec: owned by the user, mode 0700), else under the user's cache
(`$XDG_CACHE_HOME` or `~/.cache`), else `<tempdir>/woo-netsuite-harness-<uid>`. A folder that
exists already is used only when it belongs to this user and no one else may write in it.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping
from pathlib import Path

APP_FOLDER = "woo-netsuite-harness"
PRIVATE_MODE = 0o700
FILE_MODE = 0o600
# A slot file is opened, never followed: a planted symlink must not redirect the lock.
# (Windows has neither flag, nor symlinks a user can plant without privileges, nor uids.)
FILE_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
POSIX = hasattr(os, "getuid")
# How long a wait for a lock may last by default: long enough for another run's requests to
# finish, short enough that a stuck holder is reported well before a CI job's own timeout
# kills the run without a word.
DEFAULT_LOCK_TIMEOUT = 300.0


class LockFolderError(Exception):
    """A lock folder (or file in it) this user cannot trust; the message says which and why."""


def _uid() -> int:
    return os.getuid() if POSIX else 0


def _usable_runtime_dir(path: Path) -> bool:
    """`$XDG_RUNTIME_DIR` as the spec wants it: absolute, ours, 0700, writable."""
    if not path.is_absolute():
        return False
    try:
        info = os.stat(path)
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == _uid()
        and info.st_mode & 0o077 == 0
        and os.access(path, os.W_OK | os.X_OK)
    )


def _writable_cache(env: Mapping[str, str]) -> Path | None:
    """`$XDG_CACHE_HOME` or `~/.cache`, when it exists writable or can be made."""
    given = env.get("XDG_CACHE_HOME", "")
    if given and Path(given).is_absolute():
        cache = Path(given)
    else:
        try:
            cache = Path.home() / ".cache"
        except (RuntimeError, KeyError):  # no HOME and no passwd entry
            return None
    existing = cache
    while not existing.exists():
        if existing.parent == existing:
            return None
        existing = existing.parent
    return cache if existing.is_dir() and os.access(existing, os.W_OK | os.X_OK) else None


def default_lock_root(env: Mapping[str, str] | None = None) -> Path:
    """This user's folder for the harness's lock files (not created here)."""
    env = os.environ if env is None else env
    runtime = env.get("XDG_RUNTIME_DIR", "")
    if runtime and _usable_runtime_dir(Path(runtime)):
        return Path(runtime) / APP_FOLDER
    cache = _writable_cache(env)
    if cache is not None:
        return cache / APP_FOLDER
    import tempfile

    return Path(tempfile.gettempdir()) / f"{APP_FOLDER}-{_uid()}"


def _mode(bits: int) -> str:
    return f"{stat.S_IMODE(bits):04o}"


def check_private(path: Path, what: str = "lock folder") -> None:
    """Refuse `path` unless it is a real folder of this user's that no one else may write."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise LockFolderError(f"{what} {path}: {exc.strerror or exc}") from None
    uid = _uid()
    if stat.S_ISLNK(info.st_mode):
        raise LockFolderError(
            f"{what} {path} is a symbolic link; expected a folder of your own (uid {uid}): "
            f"remove the link"
        )
    if not stat.S_ISDIR(info.st_mode):
        raise LockFolderError(f"{what} {path} is not a folder; remove it or move it away")
    if not POSIX:
        return  # owners and modes are ACLs there, not uid and mode bits
    if info.st_uid != uid:
        raise LockFolderError(
            f"{what} {path} belongs to uid {info.st_uid}, not to you (uid {uid}): locks in "
            f"another user's folder cannot be trusted; remove it, or set XDG_RUNTIME_DIR to "
            f"a folder of yours"
        )
    writers = [who for who, bit in (("group", 0o020), ("others", 0o002)) if info.st_mode & bit]
    if writers:
        raise LockFolderError(
            f"{what} {path} is writable by {' and '.join(writers)} (mode "
            f"{_mode(info.st_mode)}); expected {PRIVATE_MODE:04o}: run `chmod 700 {path}`"
        )


def private_folder(path: Path, *, below: Path | None = None) -> Path:
    """`path`, created 0700 where missing, every level from `below` (or `path` alone) down
    checked with `check_private`. Returns `path`."""
    levels = [path]
    if below is not None:
        relative = path.relative_to(below)
        levels = [below / Path(*relative.parts[:n]) for n in range(len(relative.parts) + 1)]
    top = levels[0]
    if not top.parent.exists():
        try:
            top.parent.mkdir(mode=PRIVATE_MODE, parents=True, exist_ok=True)
        except OSError as exc:
            raise LockFolderError(
                f"cannot create the lock folder's parent {top.parent}: {exc.strerror or exc}"
            ) from None
    for level in levels:
        try:
            os.mkdir(level, PRIVATE_MODE)
        except FileExistsError:
            pass
        except OSError as exc:
            raise LockFolderError(
                f"cannot create lock folder {level}: {exc.strerror or exc}"
            ) from None
        else:
            os.chmod(level, PRIVATE_MODE)  # the umask may have taken bits we need
        check_private(level)
    return path


def open_lock_file(path: Path) -> int:
    """A descriptor on the lock file `path` (created 0600), never through a symlink, never
    inherited by a program this process starts."""
    try:
        fd = os.open(path, FILE_FLAGS, FILE_MODE)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LockFolderError(f"lock file {path} is a symbolic link; remove it") from None
        raise LockFolderError(f"lock file {path}: {exc.strerror or exc}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or (POSIX and info.st_uid != _uid()):
        os.close(fd)
        raise LockFolderError(
            f"lock file {path} is not a regular file of yours (uid {info.st_uid}, mode "
            f"{_mode(info.st_mode)}); remove it"
        )
    return fd

"""An exclusive lock across processes, for read-merge-write cycles on a dataset file.

Two imports at once would both read the old file and the second write would drop the first
one's rows; holding this lock around the whole cycle serialises them. It is an advisory
``flock`` on a lock file beside the data (POSIX), released when the holder exits, even when it
is killed, so a crashed import never leaves the lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["LockTimeoutError", "exclusive_lock"]


class LockTimeoutError(RuntimeError):
    """Another process held the lock for longer than the caller was willing to wait."""


@contextmanager
def exclusive_lock(
    path: Path,
    timeout_s: float = 300.0,
    on_wait: Callable[[], None] | None = None,
    poll_s: float = 0.05,
) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the ``with`` block.

    ``on_wait`` is called once when the lock is busy, so a command can say it is waiting.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_s
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited and on_wait is not None:
                    on_wait()
                waited = True
                if time.monotonic() > deadline:
                    message = f"{path}: still locked after {timeout_s:.0f} s"
                    raise LockTimeoutError(message) from None
                time.sleep(poll_s)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)

"""One ``eligo batch`` at a time on an output: ``OUT.lock``, held with ``flock`` for the run.

Two runs writing the same ``OUT`` would interleave or overwrite each other's lines and both
exit 0. The first run takes an exclusive ``flock`` on ``OUT.lock`` (beside ``OUT``, like the
error log) and writes its process id in it; a second run finds the lock held and is refused,
naming that process. The kernel drops the lock when its holder exits, however it exits
(SIGKILL, power loss), so a lock file left behind by a dead run is stale by construction: the
next run simply takes it. A finished run deletes the file.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from nlp.errors import E_OUTPUT_IN_USE, EligoError


class OutputInUse(EligoError):
    """Another run holds the output's lock."""

    code = E_OUTPUT_IN_USE


def lock_path(out: Path) -> Path:
    return out.with_name(out.name + ".lock")


class OutputLock:
    """``with OutputLock(out):`` the run owns ``out`` (see the module docstring)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = lock_path(out)
        self._fd = -1

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
                os.close(fd)
                raise OutputInUse(
                    f"{self.out}: another eligo batch (process {holder}) is writing it; wait for "
                    f"it to finish or stop it (the lock is {self.path})"
                ) from None
            # A run that was finishing may have deleted the file we opened: lock the one there.
            try:
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd < 0:
            return
        self.path.unlink(missing_ok=True)
        os.close(self._fd)  # closing drops the flock
        self._fd = -1

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

"""What a batch worker process needs to end well: exit with the main process, and a time limit.

- :func:`exit_with`: a worker's parent is the multiprocessing fork server, not the batch's main
  process, and its task queue stays open after the main process dies (the workers hold both ends
  of its pipe), so a SIGKILLed ``eligo batch`` left its workers (~430 MB each) running. A thread
  in each worker waits for the main process to end (``pidfd``, else polling) and exits the worker
  at once.
- :func:`time_limit`: SIGALRM raises :class:`RecordTimeout` in the parsing thread when a
  record's time is up. Only in a process's main thread (where signals are delivered): the local
  workers and ``--workers 1``; not in Dask's worker threads.

Nothing here builds a parser: tests start workers with it cheaply.
"""

from __future__ import annotations

import os
import select
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class RecordTimeout(BaseException):  # a signal, like KeyboardInterrupt
    """A record's time is up. A BaseException, so that the parser's ``except Exception`` (one
    bad item or record never stops the others) does not swallow it."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"parsing took longer than {seconds:g} s")
        self.seconds = seconds


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _wait_for_exit(pid: int, pidfd: int | None, poll: float) -> None:
    if pidfd is not None:
        select.select([pidfd], [], [])  # readable once the process has exited
    else:
        while _alive(pid):
            time.sleep(poll)
    os._exit(1)


def exit_with(pid: int, poll: float = 0.5) -> None:
    """In a worker: exit as soon as process ``pid`` (the batch's main process) has ended."""
    try:
        pidfd: int | None = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)  # already gone
    except (AttributeError, OSError):  # not Linux >= 5.3: poll instead
        pidfd = None
    threading.Thread(
        target=_wait_for_exit, args=(pid, pidfd, poll), name="eligo-exit-with-main", daemon=True
    ).start()


def ignore_interrupts() -> None:
    """In a worker: Ctrl-C is for the main process, which stops the workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`RecordTimeout` in the block after ``seconds`` (None or 0: no limit; no
    limit either outside a main thread, where no signal can be delivered)."""
    if not seconds or not _can_alarm():
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise RecordTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

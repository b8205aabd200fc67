"""Where the parsing runs: in this process, in local worker processes, or on a Dask cluster.

Every engine runs the same function, :func:`process_chunk`, on chunks of items and hands back
plain data (the entries of :mod:`nlp.export`: bytes lines or row dicts), so nothing
spaCy-shaped crosses a process boundary (medSpaCy pipelines do not pickle, which is why
``nlp.pipe(n_process=...)`` is not used). The parser is built once per process (per thread on
Dask) and cached at module level.

Chunks are submitted through a bounded window (``max_inflight``) and their results come back
in submission order, so memory stays flat however long the input, and the output order is the
input order whatever the number of workers.

Each record has a time limit (``timeout``): a chunk is first parsed whole within one record's
limit (the usual case, a few milliseconds a record); a chunk that takes longer is parsed again
record by record, each within the limit, and a record that runs out of time comes back as a
``timeout`` failure while the others of its chunk are parsed as usual. Local workers exit with
the main process and leave Ctrl-C to it (:mod:`nlp.batch.watchdog`); on Ctrl-C the main process
stops them at once rather than wait for their chunks.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from nlp.batch.sources import Item
from nlp.batch.watchdog import RecordTimeout, exit_with, ignore_interrupts, time_limit
from nlp.errors import E_RECORD_FAILED, E_TIMEOUT, E_WORKER_DIED, SPLIT_WARNINGS, EligoError
from nlp.export import StreamExporter, get_exporter

_local = threading.local()


def get_parser() -> Any:
    """The parser of this process (or thread): built on first use, then reused."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        from nlp.parser import Parser

        parser = _local.parser = Parser()
        if multiprocessing.parent_process() is not None:
            # A worker process of ours: the pipeline (~150k objects) lives as long as the
            # process, so keep the cyclic collector from walking it again and again (~15% of
            # parse time). Not done in the caller's own process, where it would pin garbage.
            gc.freeze()
    return parser


@dataclass
class Outcome:
    """What a worker hands back for one item: a payload to write, or why it failed."""

    key: str
    trial_id: str | None
    source: str
    payload: Any = None
    stage: str | None = None  # set on failure: read | parse | timeout | duplicate
    reason: str | None = None
    code: str | None = None  # set on failure: the error code (docs/errors.md)
    warnings: int = 0
    split_warnings: int = 0  # warnings about the inclusion/exclusion split (errors.SPLIT_WARNINGS)
    chars: int = 0


def process_chunk(
    items: list[Item], fmt: str, include_text: bool, timeout: float | None = None
) -> list[Outcome]:
    """Parse the readable items of a chunk; failed items come back in their place.

    ``timeout``: seconds a record may take (None: no limit), see the module docstring.
    """
    exporter = get_exporter(fmt)
    assert isinstance(exporter, StreamExporter), f"{fmt} writes no entry per record"
    records = [item.record for item in items if item.record is not None and item.error is None]
    results = iter(_parse_all(records, timeout))
    out = []
    for item in items:
        key, source = item.key, item.location
        if item.error is not None or item.record is None:
            out.append(
                Outcome(
                    key, item.trial_id, source, stage=item.stage, reason=item.error, code=item.code
                )
            )
            continue
        result = next(results)
        if isinstance(result, RecordTimeout):
            reason = f"{result} (--timeout)"
            out.append(
                Outcome(key, item.trial_id, source, stage="timeout", reason=reason, code=E_TIMEOUT)
            )
            continue
        if isinstance(result, Exception):
            reason = str(result)
            if reason.startswith(item.record.source + ": "):
                reason = reason[len(item.record.source) + 2 :]
            code = getattr(result, "code", E_RECORD_FAILED)
            out.append(Outcome(key, item.trial_id, source, stage="parse", reason=reason, code=code))
            continue
        try:
            payload = exporter.entry(result, key, source, include_text=include_text)
        except Exception as exc:
            out.append(
                Outcome(
                    key,
                    item.trial_id,
                    source,
                    stage="parse",
                    reason=repr(exc),
                    code=E_RECORD_FAILED,
                )
            )
            continue
        chars = len(item.record.eligibility_text)
        split = sum(1 for w in result.warnings if w.code in SPLIT_WARNINGS)
        out.append(
            Outcome(
                key,
                item.trial_id,
                source,
                payload,
                warnings=len(result.warnings),
                split_warnings=split,
                chars=chars,
            )
        )
    return out


def _parse_all(records: list[Any], timeout: float | None = None) -> list[Any]:
    """Protocols, errors or RecordTimeouts, one per record; a chunk that fails as a whole or
    takes longer than one record's ``timeout`` is parsed again one record at a time."""
    if not records:
        return []
    parser = get_parser()  # built before the clock starts
    try:
        with time_limit(timeout):
            return list(parser.parse_records(records, errors="return"))
    except RecordTimeout:  # one of them is slow: each gets its own limit, below
        pass
    except Exception:  # the parser isolates records itself; this is the belt to its braces
        pass
    results: list[Any] = []
    for record in records:
        try:
            with time_limit(timeout):
                results.append(parser.parse_record(record))
        except RecordTimeout as late:
            results.append(late)
        except Exception as exc:
            results.append(exc if str(exc) else RuntimeError(repr(exc)))
    return results


def _init_worker(main_pid: int) -> None:
    exit_with(main_pid)
    ignore_interrupts()
    get_parser()


def ordered(
    submit: Callable[[list[Item]], Future],
    chunks: Iterable[list[Item]],
    max_inflight: int,
    cancel: bool = True,
) -> Iterator[list[Outcome]]:
    """Submit chunks through a window of ``max_inflight`` and yield results in order; if
    stopped early, the chunks still in the window are cancelled (``cancel``) or left to the
    caller."""
    window: deque[Future] = deque()
    try:
        for chunk in chunks:
            window.append(submit(chunk))
            if len(window) >= max_inflight:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
    finally:
        if cancel:
            for future in window:
                future.cancel()


class LocalEngine:
    """``workers`` == 1: parse in this process; more: a pool of processes, each with a parser."""

    def __init__(
        self,
        workers: int = 1,
        timeout: float | None = None,
        *,
        task: Callable[..., list[Outcome]] | None = None,
        initializer: Callable[[int], None] | None = None,
    ) -> None:
        self.workers = max(1, workers)
        self.timeout = timeout
        # what a worker runs (tests put cheap stand-ins here): process_chunk, _init_worker
        self.task = task or process_chunk
        self.initializer = initializer or _init_worker
        self._pool: Executor | None = None

    def run(
        self, chunks: Iterable[list[Item]], fmt: str, include_text: bool
    ) -> Iterator[list[Outcome]]:
        timeout = self.timeout
        task = self.task
        if self.workers == 1:
            for chunk in chunks:
                yield task(chunk, fmt, include_text, timeout)
            return
        # forkserver: workers start from a clean process that has imported the NLP stack once,
        # not from a fork of this (threaded) process; each then builds its own parser.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["nlp.parser"])
        pool = self._pool = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=self.initializer, initargs=(os.getpid(),)
        )
        try:
            yield from ordered(
                lambda chunk: pool.submit(task, chunk, fmt, include_text, timeout),
                chunks,
                self.workers * 4,
                cancel=False,  # see _stop_workers
            )
        except BrokenProcessPool:
            raise EligoError(
                "a worker process died (killed, or out of memory); the records written so far "
                "are kept: run the same command with --resume to continue",
                E_WORKER_DIED,
            ) from None
        except BaseException:  # Ctrl-C, or the caller stopped: no use waiting for the chunks
            _stop_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True)
            self._pool = None


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's workers now, their chunks unfinished.

    The pool's manager thread then sees a broken pool, fails the futures left and closes its
    queues. No future may be cancelled first: Python 3.11's manager thread dies on a cancelled
    one (InvalidStateError) before closing the queues, and the process then hangs at exit on
    its queue's feeder thread.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)


class DaskEngine:
    """Run :func:`process_chunk` on a Dask cluster: ``client``, or a scheduler address, or a
    LocalCluster of ``workers`` single-threaded worker processes started for the run."""

    def __init__(self, workers: int = 1, scheduler: str | None = None, client: Any = None) -> None:
        self.workers = max(1, workers)
        self.scheduler = scheduler
        self.client = client

    def run(
        self, chunks: Iterable[list[Item]], fmt: str, include_text: bool
    ) -> Iterator[list[Outcome]]:
        from distributed import Client, LocalCluster

        own_cluster = own_client = None
        client = self.client
        if client is None:
            if self.scheduler:
                client = own_client = Client(self.scheduler)
            else:
                own_cluster = LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True
                )
                client = own_client = Client(own_cluster)
        try:
            threads = sum(client.nthreads().values()) or self.workers
            yield from ordered(
                lambda chunk: client.submit(process_chunk, chunk, fmt, include_text, pure=False),
                chunks,
                threads * 4,
            )
        finally:
            if own_client is not None:
                own_client.close()
            if own_cluster is not None:
                own_cluster.close()

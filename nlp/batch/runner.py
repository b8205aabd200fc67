"""``run_batch``: inputs → items → chunks → engine → writers, with the summary kept on the way.

Duplicate trial ids: the first *readable* record with a trial id keeps it; a later readable
record with the same id goes to the error log (stage ``duplicate``, naming where the id was
first seen) and is not parsed. Records that could not be read do not claim their id. The rule
is applied here, in input order, before any parsing, so it gives the same result whatever the
engine, and after a resume (the ids already placed are read back from the outputs).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from nlp.batch.engine import DaskEngine, LocalEngine, Outcome
from nlp.batch.lock import OutputLock, lock_path
from nlp.batch.sources import Item, check_inputs, estimate_total, iter_items
from nlp.batch.summary import Summary
from nlp.batch.writers import Done, ErrorLog, errors_path, open_output
from nlp.errors import E_DUPLICATE, E_MISSING_EXTRA, E_OUTPUT_EXISTS, EligoError
from nlp.limits import MAX_RECORD_CHARS, RECORD_TIMEOUT

CHUNK_ITEMS = 32
CHUNK_CHARS = 1_000_000  # at most one more record past this: ~0.5 GB a worker, whatever the input


def _log_stderr(message: str) -> None:
    print(message, file=sys.stderr)


def run_batch(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    fmt: str = "jsonl",
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    client: Any = None,
    resume: bool = False,
    overwrite: bool = False,
    include_text: bool = False,
    progress: bool = False,
    chunk_items: int = CHUNK_ITEMS,
    max_chars: int | None = MAX_RECORD_CHARS,
    timeout: float | None = RECORD_TIMEOUT,
    log: Callable[[str], None] | None = _log_stderr,
) -> Summary:
    """Parse every record of ``inputs`` into ``out`` (see docs/batch.md); return the counts.

    A record over ``max_chars`` characters of eligibility text (None: no limit) is logged as a
    ``read`` error; one that takes longer than ``timeout`` seconds to parse (None: no limit;
    local engine only) as a ``timeout`` error (docs/batch.md, "Limits"). On Ctrl-C, what is
    done is kept and :class:`Interrupted` (a KeyboardInterrupt) carries the counts so far.

    Example::

        summary = run_batch(["studies/"], "out.jsonl", workers=2)
        assert summary.records_read == summary.parsed + summary.failed

    One run at a time on ``out``: a second one is refused with :class:`OutputInUse` while the
    first holds ``OUT.lock`` (see :mod:`nlp.batch.lock`).
    """
    paths = check_inputs(inputs)
    out = Path(out)
    if engine == "dask" and client is None:
        _require_dask()
    with OutputLock(out):
        return _run_batch(
            paths, out, fmt, workers, engine, scheduler, client, resume, overwrite,
            include_text, progress, chunk_items, max_chars, timeout, log,
        )  # fmt: skip


def _run_batch(
    paths: list[Path],
    out: Path,
    fmt: str,
    workers: int,
    engine: str,
    scheduler: str | None,
    client: Any,
    resume: bool,
    overwrite: bool,
    include_text: bool,
    progress: bool,
    chunk_items: int,
    max_chars: int | None,
    timeout: float | None,
    log: Callable[[str], None] | None,
) -> Summary:
    own_files = (out, errors_path(out), lock_path(out))  # never read back as input
    if not resume and not overwrite and _has_content(out):
        raise FileExistsError(
            f"{out}: already exists; --resume continues it, --overwrite replaces it"
        )
    summary = Summary(output=str(out), errors_file=str(errors_path(out)))
    writer = open_output(out, fmt, resume)
    errors = ErrorLog(errors_path(out), resume)
    done = Done()
    if resume:
        for log_file in (writer, errors):
            try:
                log_file.scan(done)
            except (ValueError, KeyError) as err:
                writer.close()
                errors.close()
                raise EligoError(
                    f"{getattr(log_file, 'path', out)}: cannot resume from it, a line was not "
                    f"written by eligo batch ({err!r})",
                    E_OUTPUT_EXISTS,
                ) from None
        if log and (errors.repaired or getattr(writer, "repaired", 0)):
            log("resume: cut a torn last line left by the interrupted run")
    if engine == "dask":
        runner: Any = DaskEngine(workers, scheduler, client)
    else:
        runner = LocalEngine(workers, timeout)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(
            total=estimate_total(paths, own_files), unit="rec", file=sys.stderr, dynamic_ncols=True
        )
    items = iter_items(paths, own_files, max_chars)
    results = runner.run(_chunks(_planned(items, done, summary), chunk_items), fmt, include_text)
    try:
        skipped = 0
        for outcomes in results:
            _write(outcomes, writer, errors, summary)
            if bar is not None:
                bar.update(len(outcomes) + summary.already_done - skipped)
                skipped = summary.already_done
                bar.set_postfix(errors=summary.failed, refresh=False)
    except KeyboardInterrupt:
        # Records read but still in flight are not written: they are not counted as read (a
        # resume reads and parses them), so read == already done + parsed + failed still holds.
        summary.records_read = summary.already_done + summary.parsed + summary.failed
        summary.interrupted = True
        raise Interrupted(summary) from None
    finally:
        # Whatever stops the run (the end, Ctrl-C, a dead worker), what is done is kept whole;
        # the engine stops first (on Ctrl-C its workers are stopped, not waited for).
        results.close()
        writer.close()
        errors.close()
        if bar is not None:
            bar.close()
        summary.stop()
    return summary


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`run_batch`: what was done is written; ``summary`` has its counts."""

    def __init__(self, summary: Summary) -> None:
        super().__init__("interrupted")
        self.summary = summary


def _require_dask() -> None:
    """Dask is an extra: say how to install it rather than raise ModuleNotFoundError later."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise EligoError(
            "--engine dask needs Dask, which is not installed: pip install 'eligo[dask]'",
            E_MISSING_EXTRA,
        ) from None


def _planned(items: Iterator[Item], done: Done, summary: Summary) -> Iterator[Item]:
    """Count every item, skip those already done, and turn duplicate ids into failures."""
    for item in items:
        summary.records_read += 1
        if item.key in done.keys:
            summary.already_done += 1
            continue
        if item.trial_id and item.record is not None and item.error is None:
            first = done.ids.setdefault(item.trial_id, item.location)
            if first != item.location:
                reason = f"duplicate id {item.trial_id}: first seen at {first}"
                item = Item(
                    item.location, item.trial_id, error=reason, stage="duplicate", code=E_DUPLICATE
                )
        yield item


def _chunks(items: Iterator[Item], size: int, max_chars: int = CHUNK_CHARS) -> Iterator[list[Item]]:
    """Chunks of ``size`` items, cut early once they hold ``max_chars`` characters of text.

    A worker holds a whole chunk's docs at once (~270 bytes a character): 32 records at the
    size limit would need some 10 GB, so a chunk of long records is made shorter.
    """
    chunk: list[Item] = []
    chars = 0
    for item in items:
        chunk.append(item)
        chars += len(item.record.eligibility_text) if item.record is not None else 0
        if len(chunk) >= size or chars >= max_chars:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _write(outcomes: list[Outcome], writer: Any, errors: ErrorLog, summary: Summary) -> None:
    for o in outcomes:
        if o.stage is None:
            writer.write(o.key, o.trial_id, o.source, o.payload)
            summary.parsed += 1
            summary.warnings += o.warnings
            if o.split_warnings:
                summary.doubtful_split += 1
            summary.chars += o.chars
        else:
            errors.write(o.key, o.trial_id, o.source, o.stage, o.reason or "", o.code)
            summary.fail(o.stage)
    writer.flush()
    errors.flush()


def _has_content(out: Path) -> bool:
    """An output file with bytes in it, or an output directory with files in it."""
    if out.is_dir():
        return any(out.iterdir())
    return out.is_file() and out.stat().st_size > 0

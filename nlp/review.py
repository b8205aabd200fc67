"""Review pages written to files: what ``eligo review`` does, as library calls.

Each function reads its inputs, builds the page(s) with :mod:`nlp.export.html` and writes them,
returning the one line the command prints (``wrote review.html: 42 criteria, 230 marks, ...``).
"""

from __future__ import annotations

from pathlib import Path

from models import Protocol
from nlp.errors import E_NO_ELIGIBILITY, InputError
from nlp.export.html.batch import is_batch_output, write_batch_review
from nlp.limits import MAX_RECORD_CHARS

__all__ = ["is_batch_output", "review_audit", "review_batch", "review_input"]


def _with_text(protocol: Protocol, path: Path | str) -> Protocol:
    if not protocol.eligibility_text:
        raise InputError(
            f"{path}: the encoding holds no eligibility_text (written with --no-text?): "
            "review its record instead, or write the rule file with its text",
            E_NO_ELIGIBILITY,
        )
    return protocol


def _write(path: Path, html: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def review_input(
    path: Path | None, output: Path, *, max_chars: int | None = MAX_RECORD_CHARS
) -> str:
    """The page of one record or rule file (``None``: the embedded reference trial)."""
    from nlp import default_source, parse_text
    from nlp.audit import load_side
    from nlp.export.html import review_page

    if path is None:
        name, content = default_source()
        protocol = parse_text(content, source=name, max_chars=max_chars)
    else:
        name = str(path)
        protocol = _with_text(load_side(path), path)
    _write(output, review_page(protocol, sources={"input": name}))
    criteria = len(protocol.iter_criteria())
    return f"wrote {output}: {criteria} criteria, {len(protocol.warnings)} warnings"


def review_audit(reference: Path, candidate: Path, output: Path, *, strict: bool = False) -> str:
    """The audit page of ``candidate`` against ``reference``, on the reference's text, audited
    as ``eligo audit`` does (``strict``: what the candidate does not state counts too)."""
    from nlp.audit import audit, read_side
    from nlp.export.html import review_page

    ref_side, cand_side = read_side(reference), read_side(candidate)
    ref = _with_text(ref_side.protocol, reference)
    report = audit(
        ref,
        cand_side.protocol,
        reference_source=str(reference),
        candidate_source=str(candidate),
        reference_kind="parsed" if ref_side.parsed else "encoding",
        candidate_parsed=cand_side.parsed,
        strict=strict,
    )
    roles = {"reference": str(reference), "candidate": str(candidate)}
    _write(output, review_page(ref, audit=report, sources=roles))
    silent = len(report.not_stated())
    note = f", {silent} facts not stated by the candidate" if silent else ""
    return f"wrote {output}: {len(report.errors())} disagreements{note}"


def review_batch(path: Path, out_dir: Path, *, limit: int | None = None) -> str:
    """``index.html`` and a page per record of a batch run's JSONL, in ``out_dir``."""
    done = write_batch_review(path, out_dir, limit=limit)
    note = (
        f" ({done.without_text} without text: run the batch with --include-text)"
        if (done.without_text)
        else ""
    )
    return f"wrote {done.index}: {done.pages} record pages, {done.errors} records not parsed{note}"

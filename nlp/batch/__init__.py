"""``eligo batch``: many registry records in, one encoding (or one error) per record out.

- :mod:`nlp.batch.sources`: input discovery and streaming readers (records in canonical order);
- :mod:`nlp.batch.engine`: where parsing runs (this process, local workers, Dask);
- :mod:`nlp.batch.writers`: the files of the JSONL / Parquet output (their lines and rows are
  :mod:`nlp.export`'s), the error log, what resume reads back;
- :mod:`nlp.batch.summary`: the counts of a run;
- :mod:`nlp.batch.runner`: :func:`run_batch`, which ties them together.

User documentation: docs/batch.md.
"""

from nlp.batch.runner import Interrupted, run_batch
from nlp.batch.summary import Summary

__all__ = ["Interrupted", "Summary", "run_batch"]

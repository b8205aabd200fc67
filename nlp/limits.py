"""Input limits, in one place: what Eligo refuses or bounds, and why (docs/batch.md, "Limits").

- :data:`MAX_RECORD_CHARS`: the eligibility text of one record. The parser needs about 270
  bytes of memory per character of a record, so a 200 MB text would need some 50 GB; a longer
  record is refused with an :class:`~nlp.errors.InputError` naming the limit (``eligo parse``
  exits 2; ``eligo batch`` logs it as a ``read`` error and goes on). ``--max-chars`` changes it.
- :data:`MAX_ITEM_CHARS`: one criterion (item) as the pipeline sees it: spaCy's ``max_length``.
  A longer item (only possible with ``--max-chars`` raised) is kept with its text and a W106
  warning, not analysed.
- :data:`LONG_RUN`: characters without a space that the tokenizer takes in one piece. spaCy's
  tokenizer is quadratic in the punctuation of one space-free run (8,000 ``(`` take 15 s); a
  longer run is tokenized in pieces of this size, which keeps it linear. No real eligibility
  text seen has a run over 60 characters.
- JSON nesting: Python's JSON reader stops at about 1,000 levels (its recursion limit); deeper
  input is refused as "JSON nested too deeply" (a ``read`` error for one JSONL line in a batch).
- :data:`RECORD_TIMEOUT`: seconds one record may take in ``eligo batch`` before it is logged as
  failed with stage ``timeout`` (``--timeout``; 0 turns it off).
"""

from __future__ import annotations

MAX_RECORD_CHARS = 1_000_000
MAX_ITEM_CHARS = 1_000_000
LONG_RUN = 200
RECORD_TIMEOUT = 60.0

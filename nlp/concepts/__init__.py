"""Concepts: codes in standard vocabularies.

- :func:`code_measure`, :func:`code_mention`: LOINC, DrugBank, ICD-10-CM and HPO codes
  (:mod:`nlp.concepts.codes`), from offline vocabularies (:mod:`nlp.concepts.vocab`).
"""

from nlp.concepts.codes import code_measure, code_mention, load_vocabularies

__all__ = ["code_measure", "code_mention", "load_vocabularies"]

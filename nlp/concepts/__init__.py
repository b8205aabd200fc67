"""Concepts: codes in standard vocabularies, and biomarkers with their results.

- :func:`code_measure`, :func:`code_mention`: LOINC, DrugBank, ATC, ICD-10-CM and HPO codes
  (:mod:`nlp.concepts.codes`), from offline vocabularies (:mod:`nlp.concepts.vocab`);
- :func:`find_biomarkers`: "EGFR-mutant", "HER2-negative", "MSI-H" with gene and result
  (:mod:`nlp.concepts.biomarkers`).
"""

from nlp.concepts.biomarkers import Biomarker, find_biomarkers
from nlp.concepts.codes import code_measure, code_mention, load_vocabularies

__all__ = ["Biomarker", "code_measure", "code_mention", "find_biomarkers", "load_vocabularies"]

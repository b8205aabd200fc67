"""The spaCy/medspaCy pipeline that annotates one criterion's clean text.

``nlp(doc)`` yields the whole analysis of a criterion; :mod:`nlp.encode` only reads it. In
order (:data:`~nlp.pipeline.build.PIPELINE`, config in :func:`~nlp.pipeline.build.pipeline_config`):

1. tokenizer ``eligo.Tokenizer.v1``: medspaCy's clinical tokenizer, linear on long space-free
   runs (:mod:`nlp.pipeline.tokenizer`);
2. spaCy's rule ``sentencizer`` (medspaCy's PyRuSH is ~8x slower on short items);
3. ``eligo_concepts``: medspaCy's target matcher with the concept lexicon ``rules/mentions.csv``
   (lower-case phrase matching) → ``doc.ents``, labels = mention categories;
4. ``eligo_context``: medspaCy's ConText with ``rules/context_rules.json`` applied to its
   default rules, its token matcher gated (:mod:`nlp.pipeline.gated_matcher`) →
   ``span._.modifiers``, ``doc._.context_graph`` (:mod:`nlp.pipeline.medspacy_components`);
5. ``eligo_quantities``, ``eligo_time_windows``, ``eligo_logic``, ``eligo_mentions``,
   ``eligo_assertion``, ``eligo_number_checks`` → ``doc._.quantities``, ``doc._.time_windows``,
   ``doc._.logic``, ``doc._.mentions``, ``doc._.assertion``, ``doc._.number_warnings``
   (:mod:`nlp.pipeline.components`).

Example::

    >>> (doc,) = annotate(["History of myocardial infarction within 12 weeks"])
    >>> [(m.text, m.category, m.assertion) for m in doc._.mentions]
    [('myocardial infarction', 'condition', 'historical')]
"""

from nlp.pipeline.build import PIPELINE, annotate, blank_nlp, build_nlp, get_nlp, pipeline_config
from nlp.pipeline.docs import ALIASES_KEY, TEXT_KEY, doc_aliases, doc_text, item_doc

__all__ = [
    "ALIASES_KEY",
    "PIPELINE",
    "TEXT_KEY",
    "annotate",
    "blank_nlp",
    "build_nlp",
    "doc_aliases",
    "doc_text",
    "get_nlp",
    "item_doc",
    "pipeline_config",
]

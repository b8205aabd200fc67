"""Building the pipeline: one config, one way (:func:`build_nlp`), one process-wide copy."""

from __future__ import annotations

import importlib
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Config

from nlp.limits import LONG_RUN, MAX_ITEM_CHARS
from nlp.pipeline.docs import item_doc

PIPELINE = (
    "sentencizer",
    "eligo_concepts",
    "eligo_biomarkers",
    "eligo_mention_model",
    "eligo_drug_names",
    "eligo_drug_classes",
    "eligo_context",
    "eligo_quantities",
    "eligo_time_windows",
    "eligo_logic",
    "eligo_mentions",
    "eligo_assertion",
    "eligo_codes",
    "eligo_number_checks",
)
"""The components in order; each is named after its factory."""


def _register() -> None:
    """Import the modules whose decorators register Eligo's factories and tokenizer."""
    from loguru import logger

    logger.disable("PyRuSH")  # imported with medspaCy, logs at import
    for module in (
        "components",
        "concept_components",
        "drug_class_components",
        "medspacy_components",
        "tokenizer",
    ):
        importlib.import_module(f"nlp.pipeline.{module}")


def pipeline_config(gated: bool = True) -> Config:
    """The pipeline's spaCy config: tokenizer, components in order, and their settings."""
    components: dict[str, dict] = {name: {"factory": name} for name in PIPELINE}
    components["eligo_context"]["gated"] = gated
    return Config(
        {
            "nlp": {
                "lang": "en",
                "pipeline": list(PIPELINE),
                "tokenizer": {"@tokenizers": "eligo.Tokenizer.v1", "max_run": LONG_RUN},
            },
            "components": components,
        }
    )


def build_nlp(gated: bool = True, config: Config | None = None) -> Language:
    """A fresh pipeline (~1 s: the lexicon is tokenised once). Prefer :func:`get_nlp`.

    ``config`` defaults to :func:`pipeline_config`; any pipeline's ``nlp.config`` rebuilds it.
    ``gated=False`` leaves ConText's matcher as medspaCy built it (the gate's reference).
    """
    _register()
    nlp = spacy.util.load_model_from_config(
        config if config is not None else pipeline_config(gated), auto_fill=True, validate=True
    )
    nlp.max_length = MAX_ITEM_CHARS
    return nlp


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The process-wide pipeline, built on first use."""
    return build_nlp()


def annotate(
    texts: list[str],
    aliases: dict[str, str] | None = None,
    batch_size: int = 256,
    definitions: dict[str, str] | None = None,
    dosed: frozenset[str] | None = None,
) -> list[Doc]:
    """Run the pipeline over criterion texts (each one criterion's clean text), in order.

    ``aliases`` (the record's abbreviations of anchor events, e.g. ``{"LD": "lymphodepletion"}``)
    reach the time-window component, ``definitions`` (all it defines, ``{"LN": "lupus
    nephritis"}``) the codes, ``dosed`` (the code names it doses, ``{"TCZ"}``) the mentions,
    through the doc (:func:`nlp.pipeline.docs.item_doc`).
    """
    nlp = get_nlp()
    docs = [item_doc(nlp, text, aliases, definitions, dosed) for text in texts]
    return run_stagewise(nlp, docs, batch_size)


def run_stagewise(nlp: Language, docs: list[Doc], batch_size: int = 256) -> list[Doc]:
    """``list(nlp.pipe(docs))``, one component at a time over all the docs.

    ``nlp.pipe`` takes each doc through every component before the next doc; here each
    component sees all the docs in turn, so its patterns and tables stay in the CPU caches: the
    same docs, faster (docs/performance.md). A component's error propagates, as
    from ``nlp.pipe`` (whose default error handler raises).
    """
    for _name, component in nlp.pipeline:
        if hasattr(component, "pipe"):
            docs = list(component.pipe(docs, batch_size=batch_size))
        else:
            docs = [component(doc) for doc in docs]
    return docs


def blank_nlp() -> Language:
    """Tokenizer and sentencizer only: a base for small test pipelines."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp

"""medspaCy's target matcher and ConText as components whose rules come from their config.

``eligo_concepts`` is medspaCy's ``TargetMatcher`` loaded with the concept lexicon
(``rules/mentions.csv``, or the CSV named by ``lexicon``); ``eligo_context`` is medspaCy's
``ConText`` with medspaCy's default English rules, minus the literals listed in
``rules/context_rules.json`` → ``remove_default``, plus that file's ``context_rules`` and
``terminated_by`` (or the file named by ``rules``) and the TERMINATE/PSEUDO rules made from the
exception and optional triggers of ``rules/logic.json``, its token matcher gated
(:mod:`nlp.pipeline.gated_matcher`) unless ``gated`` is false. Because the rules are read from
the config, ``spacy.util.load_model_from_config(nlp.config)`` rebuilds the same pipeline.
"""

# no "from __future__ import annotations": spaCy validates factory signatures at run time
import json
from pathlib import Path
from typing import Any

from spacy.language import Language

from nlp.rulefiles import load_context_rules, load_lexicon, logic_rules, packaged_lexicon


def medspacy_default_rules() -> Path:
    """medspaCy's English ConText rules, found the way medspaCy finds them: beside its package.

    medspaCy installs them in a top-level package named ``resources``; importing that name
    would pick up any folder called ``resources`` in the user's working directory instead.
    """
    import medspacy

    path = Path(medspacy.__file__).resolve().parents[1] / "resources" / "en" / "context_rules.json"
    if not path.is_file():
        raise FileNotFoundError(f"medspaCy's default ConText rules are missing: {path}")
    return path


@Language.factory(
    "eligo_concepts",
    default_config={"lexicon": None},
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
)
def make_concepts(nlp: Language, name: str, lexicon: str | None) -> Any:
    """Concept mentions from the lexicon → ``doc.ents`` (labels: mention categories)."""
    from medspacy.target_matcher import TargetMatcher, TargetRule

    rows = packaged_lexicon() if lexicon is None else load_lexicon(lexicon)
    matcher = TargetMatcher(nlp, name=name)
    matcher.add(
        [
            TargetRule(
                row.literal, row.category, pattern=json.loads(row.pattern) if row.pattern else None
            )
            for row in rows
        ]
    )
    return matcher


@Language.factory(
    "eligo_context",
    default_config={"rules": None, "gated": True},
    requires=["doc.ents", "token.is_sent_start"],
    assigns=["doc._.context_graph", "span._.modifiers"],
)
def make_context(nlp: Language, name: str, rules: str | None, gated: bool) -> Any:
    """ConText's modifiers of the concept mentions → ``span._.modifiers``, ``doc._.context_graph``.

    ``gated=False`` leaves the token matcher as medspaCy built it: the reference that the gated
    matcher must reproduce (a test compares the two on real criteria).
    """
    from medspacy.context import ConText, ConTextRule

    from nlp.pipeline.gated_matcher import gate_context_matcher

    spec = load_context_rules(rules)
    removed = {lit.lower() for lit in spec.remove_default}
    context_rules = [
        r for r in ConTextRule.from_json(str(medspacy_default_rules())) if r.literal not in removed
    ]
    for rule in [*spec.context_rules, *logic_rules().context_rules()]:
        kwargs = rule.model_dump(exclude_none=True)
        for key in ("allowed_types", "excluded_types"):
            if key in kwargs:
                kwargs[key] = set(kwargs[key])
        context_rules.append(ConTextRule(**kwargs))
    for rule in context_rules:  # "History of X, Hepatitis B positive at screening": not history
        enders = spec.terminated_by.get(rule.category.upper())
        if enders:
            rule.terminated_by = {*(rule.terminated_by or ()), *(e.upper() for e in enders)}
    context = ConText(nlp, name=name, rules=None)
    context.add(context_rules)
    if gated:
        gate_context_matcher(context)
    return context

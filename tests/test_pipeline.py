"""The pipeline: component order, rule files, and what each component stores on the doc."""

import pytest

from nlp import pipeline
from nlp.pipeline import annotate, get_nlp, load_context_rules, load_lexicon


def test_pipeline_has_medspacy_tokenizer_sentencizer_matcher_context_and_eligo_components():
    assert get_nlp().pipe_names == [
        "sentencizer",
        "medspacy_target_matcher",
        "medspacy_context",
        "eligo_quantities",
        "eligo_time_windows",
    ]


def test_medspacy_tokenizer_splits_comparators_from_values():
    # spaCy's default tokenizer keeps "HbA1c>7" as one token
    assert [t.text for t in get_nlp().make_doc("HbA1c>7%")] == ["HbA1c", ">", "7", "%"]


def test_get_nlp_is_built_once():
    assert get_nlp() is get_nlp()


def test_lexicon_rows_are_valid_and_include_hand_written_concepts():
    literals = {row.literal: row.category for row in load_lexicon()}
    assert len(literals) > 1000
    assert literals["pregnancy"] == "condition"
    assert literals["dialysis"] == "procedure"


def test_context_rule_file_is_validated():
    spec = load_context_rules()
    assert any(r.literal == "expected to require" for r in spec.context_rules)


def test_context_rule_with_unknown_key_is_rejected():
    with pytest.raises(ValueError):
        pipeline.ContextRuleSpec.model_validate(
            {"literal": "planned", "category": "HYPOTHETICAL", "direction": "FORWARD", "x": 1}
        )


def test_matching_is_case_insensitive():
    (doc,) = annotate(["PREGNANCY or BREAST FEEDING"])
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("PREGNANCY", "condition"),
        ("BREAST FEEDING", "condition"),
    ]


def test_annotate_keeps_order_and_sets_extractor_results():
    texts = ["Negative SARS-CoV-2 test", "Prior cellular therapy"]
    docs = annotate(texts)
    assert [d.text for d in docs] == texts
    assert all(isinstance(d._.quantities, list) for d in docs)
    assert all(isinstance(d._.time_windows, list) for d in docs)


def test_aliases_reach_the_time_window_extractor(monkeypatch):
    import nlp.temporal

    seen = []
    monkeypatch.setattr(
        nlp.temporal, "find_time_windows", lambda text, aliases=None: seen.append(aliases) or []
    )
    annotate(["within 30 days of planned LD"], aliases={"LD": "lymphodepletion"})
    assert seen == [{"LD": "lymphodepletion"}]


def test_quantities_component_stores_the_extractor_result(monkeypatch):
    import nlp.quantities

    monkeypatch.setattr(nlp.quantities, "find_quantities", lambda text: ["q:" + text])
    (doc,) = annotate(["platelet count < 100,000/mm^3"])
    assert doc._.quantities == ["q:platelet count < 100,000/mm^3"]


def test_who_matches_only_as_the_capitalised_acronym():
    from nlp.pipeline import annotate

    (doc,) = annotate(["Patients who have a WHO performance status of 0-1"])
    assert [e.text for e in doc.ents if e.text.lower() == "who"] == ["WHO"]


def _context_facts(doc) -> list[tuple]:
    graph = doc._.context_graph
    modifiers = sorted(
        (m.category, m.modifier_span, m.scope_span, m.direction) for m in graph.modifiers
    )
    edges = sorted(((t.start, t.end), m.category, m.modifier_span) for t, m in graph.edges)
    return [modifiers, edges]


def _context_matcher(nlp):
    """The token matcher inside medspaCy's ConText component (private attributes)."""
    context = nlp.get_pipe("medspacy_context")
    return context._ConText__matcher._MedspacyMatcher__matcher


def test_the_trigger_gated_context_matcher_gives_what_medspacy_gives():
    """The speed-up reads private spaCy/medspaCy attributes: an upgrade breaking it fails."""
    from pathlib import Path

    from nlp.pipeline import TriggerGatedMatcher, build_nlp

    root = Path(__file__).resolve().parent
    texts = [
        line
        for path in sorted((root / "fixtures" / "corpora").glob("*/*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    seed = root.parent / "gold" / "NCT06557265" / "source.txt"
    texts += [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    gated, plain = build_nlp(), build_nlp(gated=False)
    installed = _context_matcher(gated)
    assert isinstance(installed, TriggerGatedMatcher) and installed.gated  # not silently off
    assert not isinstance(_context_matcher(plain), TriggerGatedMatcher)
    facts = [_context_facts(d) for d in gated.pipe(texts)]
    assert sum(len(f[0]) for f in facts) > 100  # the texts exercise many cues
    assert facts == [_context_facts(d) for d in plain.pipe(texts)]

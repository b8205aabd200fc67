"""The pipeline: component order, rule files, and what each component stores on the doc."""

import pytest

from nlp import rulefiles
from nlp.pipeline import annotate, build_nlp, get_nlp
from nlp.rulefiles import RuleFileError, load_context_rules, load_lexicon


def test_pipeline_runs_sentencizer_medspacy_matcher_and_context_then_eligo_stages():
    assert get_nlp().pipe_names == [
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
    ]


def lexicon_ents(text: str, nlp=None) -> list[tuple[str, str]]:
    """The entities of the lexicon's target matcher alone (``eligo_concepts``)."""
    nlp = nlp or get_nlp()
    with nlp.select_pipes(enable=["sentencizer", "eligo_concepts"]):
        return [(e.text, e.label_) for e in nlp(text).ents]


def test_every_component_finds_what_it_requires_from_an_earlier_one():
    problems = get_nlp().analyze_pipes()["problems"]
    assert problems == {name: [] for name in get_nlp().pipe_names}


def _analysis(doc) -> tuple:
    logic = doc._.logic
    return (
        [q.model_dump() for q in doc._.quantities],
        [w.model_dump() for w in doc._.time_windows],
        [m.model_dump() for m in doc._.mentions],
        doc._.assertion,
        (logic.logic, logic.separated, logic.optional, logic.exceptions),
        doc._.number_warnings,
    )


def test_the_pipeline_config_rebuilds_the_same_pipeline():
    import spacy

    nlp = get_nlp()
    rebuilt = spacy.util.load_model_from_config(nlp.config, auto_fill=True)
    assert rebuilt.pipe_names == nlp.pipe_names
    texts = [
        "No history of myocardial infarction within 6 months prior to Day 1, except stable angina",
        "Hemoglobin >= 9 g/dL and platelets >= 100 x 109/L",
    ]
    assert [_analysis(d) for d in rebuilt.pipe(texts)] == [_analysis(d) for d in nlp.pipe(texts)]


@pytest.mark.filterwarnings("ignore:.*W036")  # a lexicon of phrases only: no token patterns
def test_a_lexicon_named_in_the_config_replaces_the_packaged_one(tmp_path):
    lexicon = tmp_path / "mine.csv"
    lexicon.write_text("literal,category,source,docs,pattern\nzorblax,drug,,,\n")
    from nlp.pipeline import pipeline_config

    config = pipeline_config()
    config["components"]["eligo_concepts"]["lexicon"] = str(lexicon)
    nlp = build_nlp(config=config)
    assert lexicon_ents("Prior zorblax or pregnancy", nlp) == [("zorblax", "drug")]
    (doc,) = nlp.pipe(["Prior zorblax or pregnancy"])
    assert ("zorblax", "drug") in [(m.text, m.category) for m in doc._.mentions]


def test_a_lexicon_row_with_an_unknown_category_names_the_file_and_line(tmp_path):
    lexicon = tmp_path / "bad.csv"
    lexicon.write_text("literal,category,source,docs,pattern\nstroke,condition,,,\nx,disease,,,\n")
    with pytest.raises(RuleFileError, match=r"bad\.csv:3: category"):
        load_lexicon(lexicon)


def test_medspacy_tokenizer_splits_comparators_from_values():
    # spaCy's default tokenizer keeps "HbA1c>7" as one token
    assert [t.text for t in get_nlp().make_doc("HbA1c>7%")] == ["HbA1c", ">", "7", "%"]


def test_a_capital_letter_and_the_final_full_stop_are_two_tokens():
    nlp = get_nlp()
    assert [t.text for t in nlp.make_doc("Child-Pugh class B.")][-2:] == ["B", "."]
    assert "H." in [t.text for t in nlp.make_doc("Infection with H. pylori")]  # an initial
    assert [t.text for t in nlp.make_doc("hepatitis B.\n")][-3:] == ["B", ".", "\n"]


def test_splitting_the_final_letter_keeps_the_norms_of_the_other_tokens():
    doc = get_nlp().make_doc("Patients don't have hepatitis B.")
    assert [t.norm_ for t in doc if t.text == "n't"] == ["not"]


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
        rulefiles.ContextRuleSpec.model_validate(
            {"literal": "planned", "category": "HYPOTHETICAL", "direction": "FORWARD", "x": 1}
        )


def test_matching_is_case_insensitive():
    assert lexicon_ents("PREGNANCY or BREAST FEEDING") == [
        ("PREGNANCY", "condition"),
        ("BREAST FEEDING", "condition"),
    ]


def test_annotate_keeps_order_and_sets_extractor_results():
    texts = ["Negative SARS-CoV-2 test", "Prior cellular therapy"]
    docs = annotate(texts)
    assert [d.text for d in docs] == texts
    assert all(isinstance(d._.quantities, list) for d in docs)
    assert all(isinstance(d._.time_windows, list) for d in docs)


def test_aliases_reach_the_time_window_extractor():
    text = "within 14 days before the FIH"  # the record defines "first-in-human (FIH) dose"
    (plain,) = annotate([text])
    (aliased,) = annotate([text], aliases={"FIH": "first dose"})
    assert [w.anchor for w in plain._.time_windows] == [None]
    assert [w.anchor for w in aliased._.time_windows] == ["first dose"]


def test_quantities_component_stores_the_extractor_result():
    from nlp.quantities import find_quantities

    text = "platelet count < 100,000/mm^3"
    (doc,) = annotate([text])
    assert [q.model_copy(update={"codes": []}) for q in doc._.quantities] == find_quantities(text)
    assert [(q.measure, q.comparator, q.value) for q in doc._.quantities] == [
        ("platelet count", "<", 100000.0)
    ]


def test_number_checks_store_a_lost_superscript_warning_in_doc_offsets():
    text = "platelets >= 100 x 109/L"
    (doc,) = annotate([text])
    [(start, end, code, _)] = doc._.number_warnings
    assert (code, text[start:end]) == ("W114", "109/L")


def test_who_matches_only_as_the_capitalised_acronym():

    found = lexicon_ents("Patients who have a WHO performance status of 0-1")
    assert [t for t, _ in found if t.lower() == "who"] == ["WHO"]


def _context_facts(doc) -> list[tuple]:
    graph = doc._.context_graph
    modifiers = sorted(
        (m.category, m.modifier_span, m.scope_span, m.direction) for m in graph.modifiers
    )
    edges = sorted(((t.start, t.end), m.category, m.modifier_span) for t, m in graph.edges)
    return [modifiers, edges]


def _context_matcher(nlp):
    """The token matcher inside medspaCy's ConText component (private attributes)."""
    context = nlp.get_pipe("eligo_context")
    return context._ConText__matcher._MedspacyMatcher__matcher


def test_the_trigger_gated_context_matcher_gives_what_medspacy_gives():
    """The speed-up reads private spaCy/medspaCy attributes: an upgrade breaking it fails."""
    from pathlib import Path

    from nlp.pipeline.gated_matcher import TriggerGatedMatcher

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


def test_the_gate_refuses_to_build_when_medspacy_internals_have_moved():
    from nlp.pipeline.gated_matcher import GateError, gate_context_matcher

    class RenamedContext:  # what a medspaCy release renaming its private matcher would give
        _matcher = object()

    with pytest.raises(GateError, match=r"ConText\._ConText__matcher.*checked with spacy 3\.7\.5"):
        gate_context_matcher(RenamedContext())


def test_the_gate_refuses_a_matcher_without_the_spacy_internals_it_reads():
    from nlp.pipeline.gated_matcher import GateError, TriggerGatedMatcher

    with pytest.raises(GateError, match=r"Matcher\._patterns"):
        TriggerGatedMatcher(object())


def test_the_packaged_context_rules_keep_the_gate_on():
    from nlp.pipeline.gated_matcher import TriggerGatedMatcher

    installed = _context_matcher(get_nlp())
    assert isinstance(installed, TriggerGatedMatcher)
    assert installed.ungated_by is None


# criteria of NCT06557265 and of the shared records, a few shapes each
STAGEWISE_TEXTS = [
    "History of myocardial infarction within 6 months prior to lymphodepletion",
    "Platelets ≥ 100 x 10^9/L and hemoglobin ≥ 9 g/dL without transfusion within 14 days",
    "No prior treatment with rituximab, or with any anti-CD20 antibody, except low-dose steroids",
    "Corrected QT interval (QTc) (Fridericia) interval of > 480 msec",
    "",
    "KRAS G12C mutation and PD-L1 TPS >= 50%; strong CYP3A4 inhibitors are not allowed",
]


def test_running_the_components_one_at_a_time_gives_what_nlp_pipe_gives():
    from nlp.encode import read_analysis
    from nlp.pipeline.build import run_stagewise
    from nlp.pipeline.docs import item_doc

    nlp = get_nlp()
    piped = list(nlp.pipe([item_doc(nlp, t) for t in STAGEWISE_TEXTS]))
    staged = run_stagewise(nlp, [item_doc(nlp, t) for t in STAGEWISE_TEXTS])
    assert [read_analysis(d) for d in staged] == [read_analysis(d) for d in piped]
    assert [[(e.start, e.end, e.label_) for e in d.ents] for d in staged] == [
        [(e.start, e.end, e.label_) for e in d.ents] for d in piped
    ]


def test_the_token_table_holds_what_the_tokens_hold():
    from nlp.pipeline.docs import doc_tokens, item_doc

    nlp = get_nlp()
    for text in [*STAGEWISE_TEXTS, "", "HbA1c>7% (ULN) ; SSRIs, e.g. Prozac®"]:
        doc = item_doc(nlp, text)
        table = doc_tokens(doc)
        assert table.starts == [t.idx for t in doc]
        assert table.ends == [t.idx + len(t) for t in doc]
        assert table.lower == [t.lower_ for t in doc]
        assert table.is_punct == [t.is_punct for t in doc]
        assert [text[s:e] for s, e in zip(table.starts, table.ends, strict=True)] == [
            t.text for t in doc
        ]
        assert doc_tokens(doc) is table  # made once per doc

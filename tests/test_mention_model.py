"""The shipped mention model (nlp/data/mentions_model) and its training split."""

from __future__ import annotations

import doctest
import importlib.util
import json
import os
import re
import socket
import sys
from collections import Counter
from pathlib import Path

import pytest

import nlp.mention_model as mention_model
from nlp.mention_model import LABELS, load_mention_model, model_path, predict_mentions

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("ELIGO_CORPORA", "/work/shared/corpora"))


def _trainer():
    spec = importlib.util.spec_from_file_location(
        "train_mentions", ROOT / "scripts" / "train_mentions.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_mentions", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


train_mentions = _trainer()

# Real criteria: NCT06557265 (the reference trial NKX019-102), exclusions 8.2, 7, 8.5, 14
NKX019 = [
    "History of myocardial infarction within 12 weeks prior to the first dose of NKX019",
    "White blood cell count \\< 3,000/mm\\^3; hemoglobin levels \\< 9 gm/dL absolute neutrophil "
    "count \\< 2,000/mm\\^3; platelet count \\< 100,000/mm\\^3",
    "Prolongation of the QT interval corrected for heart rate (QTc) (Fridericia) interval of "
    "\\> 480 msec",
    "Major surgery within 28 days prior to the first dose of NKX019",
]


def spans(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], label) for s, e, label in predict_mentions([text])[0]]


# --- the model --------------------------------------------------------------------------------


def test_the_model_loads_from_the_package_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the mention model tried to open a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    load_mention_model.cache_clear()
    nlp = load_mention_model()
    assert model_path().is_relative_to(Path(mention_model.__file__).parent)
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert set(nlp.get_pipe("ner").labels) == set(LABELS)
    assert load_mention_model() is nlp  # cached


def test_the_model_is_small_and_documented():
    folder = model_path()
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert size < 8_000_000
    readme = (folder / "README.md").read_text(encoding="utf-8")
    names = ("Kury", "Sci Data 7:281", "CC BY 4.0", "Dobbins", "Sci Data 9:490", "split.json")
    for needed in names:
        assert needed in readme
    config = (folder / "config.cfg").read_text(encoding="utf-8")
    assert "eligo." not in config and "/tmp" not in config  # no training-time code or paths
    scores = json.loads((folder / "scores.json").read_text(encoding="utf-8"))
    assert {"lct", "chia", "speed"} <= set(scores)


def test_a_drug_after_prior_treatment():
    assert ("pembrolizumab", "DRUG") in spans("Prior treatment with pembrolizumab")


def test_a_condition_after_history_of():
    found = spans(NKX019[0])
    assert ("myocardial infarction", "CONDITION") in found
    assert not any("NKX019" in text and label == "CONDITION" for text, label in found)


def test_lab_measures_in_a_list_of_limits():
    found = spans(NKX019[1])
    for measure in ("White blood cell count", "hemoglobin", "platelet count"):
        assert any(measure in text and label == "MEASUREMENT" for text, label in found), found
    assert not any("\\" in text for text, _ in found)  # the markdown escapes stay out


def test_spans_are_inside_their_text_in_order_and_trimmed():
    texts = [*NKX019, "", "   ", "Prior treatment with pembrolizumab"]
    results = predict_mentions(texts)
    assert len(results) == len(texts)
    for text, found in zip(texts, results, strict=True):
        end = 0
        for s, e, label in found:
            assert end <= s < e <= len(text)
            assert label in LABELS
            assert text[s:e] == text[s:e].strip()
            end = e
    assert predict_mentions([]) == []


def test_a_mention_does_not_end_on_the_bracket_of_its_abbreviation():
    # NCT04787042; the model's own span is "Eastern Cooperative Oncology Group ("
    found = spans("Eastern Cooperative Oncology Group (ECOG) performance status of 0 or 1")
    assert ("Eastern Cooperative Oncology Group", "MEASUREMENT") in found


def test_a_function_word_at_the_end_of_a_mention_is_cut_off():
    doc = load_mention_model().make_doc("QTc interval of more than 470 ms")
    assert mention_model._trimmed(doc, doc.text, 0, 3) == (0, 12)  # "QTc interval"


def test_a_word_glued_to_the_one_before_it_is_no_edge():
    doc = load_mention_model().make_doc("Metformin as add-on therapy")
    assert mention_model._trimmed(doc, doc.text, 2, 5) == (13, 19)  # "add-on", not "add-"


def test_no_span_is_left_with_a_bracket_open():
    # every prefix of texts with nested, glued and unclosed brackets, as the model may cut them
    texts = [
        "a[Ab[ x",
        "Interleukin-2 (IL-2 x",
        "Translocation t(9;22) y",
        "x (a [b c",
        "Renal Pathology Society (ISN/RPS) criteria",
    ]
    for text in texts:
        for end in range(1, len(text) + 1):
            span = mention_model._closed(text, 0, end)
            if span is not None:
                part = text[span[0] : span[1]]
                assert part.count("(") == part.count(")") and part.count("[") == part.count("]")
                assert 0 <= span[0] < span[1] <= len(text)


def test_a_mention_closes_no_bracket_it_did_not_open():
    # every start inside real criteria whose brackets the model may cut through
    texts = [
        "glucagon-like peptide-1 (GLP-1) analogs, related compounds",
        "Left-to-right shunt with [Qp: Qs] >=1.5:1.",
        "a (b [c) d] e",
    ]
    for text in texts:
        for start in range(len(text)):
            for before in range(start):  # with and without a mention just before
                found: list[tuple[int, int, str]] = [(0, before, "X")] if before else []
                mention_model._add_unbracketed(text, found, (start, len(text), "DRUG"))
                for s, e, _ in found[-1:]:
                    part = text[s:e]
                    assert mention_model._first_unopened(part, 0, len(part)) is None, part


def test_a_bracket_that_holds_no_short_form_joins_nothing():
    text = "diabetes (type 1 or 2) requiring insulin"
    found = [(0, 8, "CONDITION")]
    mention_model._add_unbracketed(text, found, (10, len(text), "CONDITION"))
    assert [text[s:e] for s, e, _ in found] == ["diabetes", "requiring insulin"]


def test_a_short_form_between_a_name_and_its_head_joins_the_two():
    # LCT NCT03929744: the model found "glucagon-like peptide-1" and "GLP-1) analogs"
    text = "Have known allergies to LY3502970, glucagon-like peptide-1 (GLP-1) analogs"
    found = [(0, 9, "CONDITION"), (35, 58, "PROCEDURE")]
    mention_model._add_unbracketed(text, found, (60, len(text), "DRUG"))
    assert [(text[s:e], label) for s, e, label in found] == [
        ("Have know", "CONDITION"),
        ("glucagon-like peptide-1 (GLP-1) analogs", "DRUG"),
    ]


def test_a_mention_never_ends_on_a_hyphen_glued_to_the_rest_of_its_word():
    # LCT NCT03925649, NCT03868436: the model gave "HB-", "SES-"
    texts = [
        "Any condition that interferes with study participation or HB-adMSC administration",
        "Crohn's disease assessed by SF, AP score, and SES-CD",
    ]
    spans = [
        [text[s:e] for s, e, _ in found]
        for text, found in zip(texts, predict_mentions(texts), strict=True)
    ]
    assert not [t for found in spans for t in found if t.endswith("-")], spans
    assert "SES-CD" in spans[1]


def test_a_word_run_on_to_stops_at_a_slash_and_never_ends_on_a_hyphen():
    assert mention_model._word_end("IL- 6R-", 3) == 3  # no word glued
    assert mention_model._word_end("IL-6R-mediated", 3) == len("IL-6R-mediated")
    assert mention_model._word_end("IL-6R- x", 3) == len("IL-6R")
    assert mention_model._word_end("anti-PD-1/PD-L1", 5) == len("anti-PD-1")


def test_a_mention_cut_to_nothing_by_its_edges_is_dropped():
    doc = load_mention_model().make_doc("of the")
    assert mention_model._trimmed(doc, "of the", 0, 2) is None


def test_the_tokenizer_splits_comparators_and_brackets_glued_to_words():
    nlp = load_mention_model()
    tokens = [t.text for t in nlp.make_doc("BMI>30 kg/m2, HbA1c≥7.5%, HER2(+) or (ECOG)0-1")]
    for token in ("BMI", ">", "HbA1c", "≥", "HER2", "(", "ECOG", "kg", "/", "m2"):
        assert token in tokens, tokens
    assert [t.text for t in nlp.make_doc("100,000/mm3")][:1] == ["100,000"]


def test_docstring_example_holds():
    result = doctest.testmod(mention_model, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# --- the split --------------------------------------------------------------------------------


def test_the_split_file_is_well_formed_and_disjoint():
    split = json.loads(train_mentions.SPLIT_FILE.read_text(encoding="utf-8"))
    assert split["seed"] == train_mentions.SPLIT_SEED
    for corpus in ("lct", "chia"):
        sides = split[corpus]
        assert set(sides) == {"validation", "dev", "train"}
        ids = [nct for ids in sides.values() for nct in ids]
        assert len(ids) == len(set(ids)) == 494
        for name, listed in sides.items():
            assert listed == sorted(listed)
            assert all(re.fullmatch(r"NCT\d{8}", nct) for nct in listed)
            assert all(train_mentions.side(nct) == name for nct in listed)
        assert 0.15 <= len(sides["validation"]) / len(ids) <= 0.20


def test_training_lines_come_from_training_trials_only(tmp_path):
    # a tiny corpus in brat: two LCT trials and two Chia trials (each with _inc and _exc)
    split = {"lct": {}, "chia": {}}
    text = "Inclusion Criteria:\n  1. inflammatory bowel disease\n"
    ann = "T1\tCondition 25 51\tinflammatory bowel disease\n"
    for corpus, suffixes in (("lct", [""]), ("chia", ["_inc", "_exc"])):
        (tmp_path / corpus).mkdir()
        for nct in ("NCT00000001", "NCT00000002"):
            for suffix in suffixes:
                (tmp_path / corpus / f"{nct}{suffix}.txt").write_text(text, encoding="utf-8")
                (tmp_path / corpus / f"{nct}{suffix}.ann").write_text(ann, encoding="utf-8")
        split[corpus] = {"validation": ["NCT00000001"], "dev": [], "train": ["NCT00000002"]}
    lines, _ = train_mentions.build_lines(tmp_path, split, {"train", "dev"})
    assert {line.doc_id for line in lines["lct"]} == {"NCT00000002"}
    assert {line.doc_id for line in lines["chia"]} == {"NCT00000002_inc", "NCT00000002_exc"}
    (_heading, item) = lines["lct"]
    assert item.text == "inflammatory bowel disease"  # the bullet is cut off
    assert item.ents == [(0, 26, "CONDITION")]


@pytest.mark.skipif(not (CORPORA / "lct").is_dir(), reason="corpora not available")
def test_the_split_lists_every_trial_of_the_corpora():
    split = json.loads(train_mentions.SPLIT_FILE.read_text(encoding="utf-8"))
    train_mentions.check_split(CORPORA, split)  # exits on a trial missing or on the wrong side


def test_overlapping_and_discontinuous_spans_are_flattened():
    # Chia: "psychiatric or neurological disease" holds two Conditions, one discontinuous
    text = "psychiatric or neurological disease"
    golds = [
        train_mentions.Gold([(0, 11), (28, 35)], "CONDITION", "psychiatric disease"),
        train_mentions.Gold([(15, 35)], "CONDITION", "neurological disease"),
    ]
    stats = Counter()
    ents, missing = train_mentions.resolve(golds, stats)
    assert [(text[s:e], label) for s, e, label in ents] == [
        ("psychiatric", "CONDITION"),
        ("neurological disease", "CONDITION"),
    ]
    assert missing == []
    assert stats["discontinuous"] == 1


def test_scoring_is_one_to_one_by_overlap():
    gold = [
        train_mentions.Gold([(0, 11), (28, 35)], "CONDITION", "psychiatric disease"),
        train_mentions.Gold([(15, 35)], "CONDITION", "neurological disease"),
    ]
    result = train_mentions.score([(gold, [(0, 35, "CONDITION")])])
    assert result["overlap"]["untyped"]["r"] == 0.5  # one prediction matches one gold
    assert result["overlap"]["untyped"]["p"] == 1.0
    assert result["exact"]["untyped"]["p"] == 0.0

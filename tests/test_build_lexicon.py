"""The concept lexicon (nlp/rules/mentions.csv) as scripts/build_lexicon.py builds it."""

import importlib.util
import sys
from pathlib import Path

from nlp.pipeline import annotate

ROOT = Path(__file__).resolve().parents[1]


def _build_lexicon():
    spec = importlib.util.spec_from_file_location(
        "build_lexicon", ROOT / "scripts" / "build_lexicon.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_lexicon", module)
    spec.loader.exec_module(module)
    return module


def test_a_corpus_string_mostly_left_unannotated_where_it_occurs_is_no_lexicon_row(tmp_path):
    # "willing" is annotated in two trials, and left unannotated in four more places
    lexicon = _build_lexicon()
    (tmp_path / "lct").mkdir()
    (tmp_path / "chia").mkdir()
    annotated = "willing to comply with asthma care\n"
    plain = "subjects willing to sign; willing to return\n"
    for nct, text in (("NCT00000001", annotated), ("NCT00000002", annotated)):
        (tmp_path / "chia" / f"{nct}_inc.txt").write_text(text, encoding="utf-8")
        (tmp_path / "chia" / f"{nct}_inc.ann").write_text(
            "T1\tObservation 0 7\twilling\nT2\tCondition 23 29\tasthma\n", encoding="utf-8"
        )
    for nct in ("NCT00000003", "NCT00000004"):
        (tmp_path / "chia" / f"{nct}_inc.txt").write_text(plain, encoding="utf-8")
        (tmp_path / "chia" / f"{nct}_inc.ann").write_text("", encoding="utf-8")
    kept = {r["literal"] for r in lexicon.build(tmp_path, min_precision=0.45)}
    assert "asthma" in kept  # annotated wherever it occurs
    assert "willing" not in kept  # 2 of 6 occurrences annotated
    assert "willing" in {r["literal"] for r in lexicon.build(tmp_path, min_precision=0.0)}


def test_informed_consent_is_no_concept():
    # the corpora annotate it at 1 in 10 of its occurrences; it was a hand-written row
    (doc,) = annotate(["Subjects must sign an informed consent form"])
    assert doc._.mentions == []


def test_annotations_are_placed_by_the_offsets_of_the_text_as_stored_crlf_included(tmp_path):
    # Chia's offsets count the "\r" of "\r\n": read as text, the word after twenty CRLF lines
    # would sit twenty characters before its annotation and look unannotated
    lexicon = _build_lexicon()
    (tmp_path / "lct").mkdir()
    (tmp_path / "chia").mkdir()
    text = "a\r\n" * 20 + "bronchiectasis\r\n"
    for nct in ("NCT00000001", "NCT00000002"):
        (tmp_path / "chia" / f"{nct}_inc.txt").write_bytes(text.encode("utf-8"))
        (tmp_path / "chia" / f"{nct}_inc.ann").write_text(
            "T1\tCondition 60 74\tbronchiectasis\n", encoding="utf-8"
        )
    kept = {r["literal"] for r in lexicon.build(tmp_path, min_precision=0.45)}
    assert "bronchiectasis" in kept

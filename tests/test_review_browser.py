"""Review pages rendered in a real headless Chromium (marker ``browser``; CI installs Debian's
``chromium``). Skipped, saying why, where no Chromium is found (``ELIGO_CHROMIUM`` names one);
an error instead when ``ELIGO_REQUIRE_BROWSER`` is set, as .ci/run sets it.

What a reviewer relies on is checked in the rendered DOM, against the encoding walked here
independently of the page's code: every extracted object is marked exactly once, at its span,
holding exactly the text of its span; the rows hold the eligibility text exactly; every
criterion has one card; an audit page shows each planted disagreement of tests/test_audit.py
with both values; the filters, the keys and the print styles work; and a screenshot is not
blank.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium_cdp import Browser, Element, find_chromium, ink_share, parse_dom

from models import Protocol
from nlp import default_source, parse_file, parse_text
from nlp.audit import audit, load_side
from nlp.cli import main
from nlp.export.html import review_page

pytestmark = pytest.mark.browser

CHROMIUM = find_chromium()
if CHROMIUM is None and os.environ.get("ELIGO_REQUIRE_BROWSER"):
    raise RuntimeError("ELIGO_REQUIRE_BROWSER is set (CI) but no Chromium was found")
if CHROMIUM is None:
    pytest.skip(
        "no Chromium found (install Debian's `chromium`, or set ELIGO_CHROMIUM): "
        "the review pages are not rendered",
        allow_module_level=True,
    )

ROOT = Path(__file__).parent.parent
AUDIT = Path(__file__).parent / "fixtures" / "audit"
BATCH = Path(__file__).parent / "fixtures" / "batch"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    chromium = Browser(CHROMIUM)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def seed() -> Protocol:
    source, content = default_source()
    return parse_text(content, source=source)


def rendered(browser: Browser, html: str, path: Path, fragment: str = "") -> Element:
    path.write_text(html, encoding="utf-8")
    browser.load(path, fragment)
    assert browser.evaluate("document.documentElement.dataset.ready") == "true", "script failed"
    return parse_dom(browser.dom())


def expected_objects(protocol: Protocol) -> dict[str, tuple[str, tuple[int, int]]]:
    """Every object of the encoding that has a span: its key on the page, family, span."""
    out: dict[str, tuple[str, tuple[int, int]]] = {}

    def put(key: str, family: str, span: tuple[int, int] | None) -> None:
        if span is not None:
            out[key] = (family, span)

    for g, group in enumerate(protocol.groups):
        for r, remark in enumerate(group.remarks):
            put(f"g{g}/remarks/{r}", "remark", remark.span)
    for n, (_group, c, _depth) in enumerate(protocol.iter_criteria()):
        for i, q in enumerate(c.quantities):
            put(f"c{n}/quantities/{i}", "quantity", q.span)
        for i, w in enumerate(c.time_windows):
            put(f"c{n}/time_windows/{i}", "time_window", w.span)
        for i, m in enumerate(c.mentions):
            put(f"c{n}/mentions/{i}", "concept", m.span)
            if m.cue is not None:
                put(f"c{n}/mentions/{i}/cue", "cue", m.cue.span)
        for name in ("optional", "exceptions"):
            for i, part in enumerate(getattr(c, name)):
                put(f"c{n}/{name}/{i}", "part", part.span)
                if part.cue is not None:
                    put(f"c{n}/{name}/{i}/cue", "cue", part.cue.span)
        for i, remark in enumerate(c.remarks):
            put(f"c{n}/remarks/{i}", "remark", remark.span)
    return out


def check_page(dom: Element, protocol: Protocol) -> int:
    """Assert the page shows ``protocol`` exactly; returns the number of objects checked."""
    text = protocol.eligibility_text or ""
    elements = dom.walk()
    cells = [e for e in elements if e.tag == "div" and e.classes() == {"text"}]
    assert "".join(c.text() for c in cells) == text, "the rows do not hold the text exactly"
    in_cells = {id(e) for c in cells for e in c.walk()}
    heads = [e for e in elements if e.tag == "mark" and "data-obj" in e.attrs]
    pieces: dict[str, list[Element]] = {}
    for e in elements:
        if e.tag == "mark" and "data-of" in e.attrs:
            pieces.setdefault(e.attrs["data-of"], []).append(e)
    wanted = expected_objects(protocol)
    found: dict[str, Element] = {}
    for head in heads:
        assert id(head) in in_cells, f"{head.attrs['data-obj']} is marked outside the text"
        for key in head.attrs["data-for"].split():
            assert key not in found, f"{key} is marked twice"
            found[key] = head
    assert set(found) == set(wanted), (
        f"not marked: {sorted(set(wanted) - set(found))[:5]}, "
        f"not in the encoding: {sorted(set(found) - set(wanted))[:5]}"
    )
    for key, (family, (start, end)) in wanted.items():
        head = found[key]
        assert head.attrs["data-family"] == family, key
        assert (int(head.attrs["data-start"]), int(head.attrs["data-end"])) == (start, end), key
        shown = head.text() + "".join(p.text() for p in pieces.get(head.attrs["id"], []))
        assert shown == text[start:end], f"{key}: {shown!r} is not {text[start:end]!r}"
    cards = [e for e in elements if e.tag == "article"]
    assert [e.attrs["data-criterion"] for e in cards] == [
        c.id for _g, c, _d in protocol.iter_criteria()
    ]
    for card, (_g, c, _d) in zip(cards, protocol.iter_criteria(), strict=True):
        shown_codes = [e.text() for e in card.walk() if e.tag == "span" and "code" in e.classes()]
        for code in [code for x in [*c.mentions, *c.quantities] for code in x.codes]:
            assert any(code.code in t for t in shown_codes), f"{c.id}: {code.code} not shown"
    return len(wanted)


# the reference trial ---------------------------------------------------------------------------


def test_seed_page_marks_every_object_once_at_its_span(browser, seed, tmp_path) -> None:
    dom = rendered(browser, review_page(seed), tmp_path / "seed.html")
    assert check_page(dom, seed) >= 150  # 30 quantities, 26 windows, 107 mentions, cues, parts


def test_seed_screenshot_is_not_blank(browser, seed, tmp_path) -> None:
    rendered(browser, review_page(seed), tmp_path / "seed.html")
    share, colours = ink_share(browser.screenshot())
    assert share > 0.03 and colours > 20, (share, colours)


def test_blank_page_screenshot_reads_as_blank(browser, tmp_path) -> None:
    """The blankness check can fail: an empty page is caught."""
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><title>x</title>", encoding="utf-8")
    browser.load(page)
    share, colours = ink_share(browser.screenshot())
    assert share == 0.0 and colours == 1


def test_families_are_told_apart_without_colour(browser, seed, tmp_path) -> None:
    rendered(browser, review_page(seed), tmp_path / "seed.html")
    styles = browser.evaluate(
        """(() => {
        const out = {};
        for (const m of document.querySelectorAll('.text mark[data-obj]')) {
          const kinds = [...m.classList].filter(c => /^(as|part|cue)-/.test(c));
          const key = m.dataset.family + ' ' + kinds.join(' ');
          if (key in out) continue;
          const s = getComputedStyle(m), b = getComputedStyle(m, '::before');
          out[key] = [s.borderTopStyle, s.borderBottomStyle, s.textDecorationLine,
                      s.textDecorationStyle, s.fontWeight, s.fontStyle, b.content].join('|');
        }
        return out; })()"""
    )
    by_family: dict[str, set[str]] = {}
    for key, style in styles.items():
        by_family.setdefault(key.split()[0], set()).add(style)
    assert {"quantity", "time_window", "concept", "cue", "part"} <= set(by_family)
    for a in by_family:
        for b in by_family:
            if a != b:
                assert not by_family[a] & by_family[b], f"{a} and {b} look alike but for colour"


def test_keys_move_between_cards(browser, seed, tmp_path) -> None:
    rendered(browser, review_page(seed), tmp_path / "seed.html")
    browser.key("j")
    browser.key("j")
    assert browser.evaluate("document.activeElement.dataset.criterion") == "inc.3"
    browser.key("k")
    assert browser.evaluate("document.activeElement.dataset.criterion") == "inc.2"


def test_print_shows_the_text_and_cards_without_the_controls(browser, seed, tmp_path) -> None:
    rendered(browser, review_page(seed), tmp_path / "seed.html")
    browser.media("print")
    try:
        shown = browser.evaluate(
            "[getComputedStyle(document.querySelector('.controls')).display,"
            " getComputedStyle(document.querySelector('.row .text')).display,"
            " getComputedStyle(document.querySelector('.card[id]')).display]"
        )
    finally:
        browser.media("")
    assert shown[0] == "none" and shown[1] != "none" and shown[2] != "none"


def test_the_cli_page_of_the_seed_renders(browser, seed, tmp_path) -> None:
    out = tmp_path / "review.html"
    assert main(["review", "-o", str(out)]) == 0
    browser.load(out)
    check_page(parse_dom(browser.dom()), seed)


# audit pages ----------------------------------------------------------------------------------


def test_audit_page_shows_every_planted_disagreement(browser, tmp_path) -> None:
    reference = load_side(AUDIT / "expected.yaml")
    report = audit(reference, load_side(AUDIT / "manual_with_mistakes.yaml"))
    dom = rendered(browser, review_page(reference, audit=report), tmp_path / "audit.html")
    lines = [e for e in dom.walk() if e.tag == "li" and "diff" in e.classes()]

    def shown(line: Element) -> tuple[str, ...]:
        values = {dd.attrs["class"]: dd.text() for dd in line.walk() if dd.tag == "dd"}
        a = line.attrs
        return (
            a["data-family"],
            a.get("data-reference-id", ""),
            a["data-field"],
            a["data-kind"],
            values["reference"],
            values["candidate"],
        )

    # the mistakes typed into manual_with_mistakes.yaml (see tests/test_audit.py): a window
    # left out of the candidate's file is "not stated", listed but not marked as an error
    assert sorted(map(shown, lines)) == sorted(
        [
            ("quantities", "exc.8.5", "comparator", "differs", ">", ">="),
            (
                "time_windows",
                "exc.8.2",
                "time_window",
                "not_stated",
                "within 12 weeks prior to the first dose of NKX019",
                "(none)",
            ),
            ("time_windows", "exc.17", "anchor", "differs", "first_dose", "screening"),
            ("time_windows", "exc.17", "anchor", "differs", "screening", "first_dose"),
            ("structure", "exc.7", "group", "differs", "exclusion (exc)", "inclusion (I)"),
        ]
    )
    text = reference.eligibility_text or ""
    marks = [
        e for e in dom.walk() if e.tag == "mark" and e.attrs.get("data-family") == "disagreement"
    ]
    assert len(marks) == 4
    for mark in marks:
        start, end = int(mark.attrs["data-start"]), int(mark.attrs["data-end"])
        assert mark.text() == text[start:end]


def test_strict_audit_page_marks_the_window_left_out_too(browser, tmp_path) -> None:
    out = tmp_path / "strict.html"
    args = [
        "review",
        "--reference",
        str(AUDIT / "expected.yaml"),
        "--candidate",
        str(AUDIT / "manual_with_mistakes.yaml"),
        "--strict",
        "-o",
        str(out),
    ]
    assert main(args) == 0
    browser.load(out)
    dom = parse_dom(browser.dom())
    marked = sorted(
        (e.attrs["data-for"], e.text())
        for e in dom.walk()
        if e.tag == "mark" and e.attrs.get("data-family") == "disagreement"
    )
    assert len(marked) == 5
    assert "within 12 weeks prior to the first dose of NKX019" in [t for _k, t in marked]


def shown_value(value: object) -> str:
    """How a value of the report reads on the page."""
    if value is None:
        return "(none)"
    return value if isinstance(value, str) else json.dumps(value)


def page_lines(dom: Element) -> list[tuple[str, str, str, str, str]]:
    out = []
    for line in dom.walk():
        if line.tag == "li" and "diff" in line.classes():
            values = {dd.attrs["class"]: dd.text() for dd in line.walk() if dd.tag == "dd"}
            a = line.attrs
            out.append(
                (
                    a["data-family"],
                    a["data-field"],
                    a["data-kind"],
                    values["reference"],
                    values["candidate"],
                )
            )
    return out


def hemoglobin(**quantity: object) -> dict:
    return {"comparator": "<", "value": 9, "unit": "g/dL", "measure": "hemoglobin", **quantity}


def window(**fields: object) -> dict:
    return {
        "comparator": "<=",
        "value": 12,
        "unit": "wk",
        "relation": "before",
        "anchor": "first_dose",
        **fields,
    }


SARS = {"text": "SARS-CoV-2 test", "category": "test"}
EXCEPTION = "Basal cell carcinoma, with the exception of treated lesions"
AUDIT_CASES = {  # the other planted disagreements of tests/test_audit.py, on hand-built criteria
    "value": ({"quantities": [hemoglobin()]}, {"quantities": [hemoglobin(unit="g/L")]}),
    "unit-none": ({"quantities": [hemoglobin()]}, {"quantities": [hemoglobin(unit=None)]}),
    "scale_max": (
        {"quantities": [{"kind": "score", "comparator": ">=", "value": 4, "scale_max": 24}]},
        {"quantities": [{"kind": "score", "comparator": ">=", "value": 4}]},
    ),
    "missing-and-extra": (
        {"quantities": [hemoglobin()]},
        {
            "quantities": [
                {"comparator": "<", "value": 100, "unit": "10*9/L", "measure": "platelet count"}
            ]
        },
    ),
    "anchor": ({"time_windows": [window()]}, {"time_windows": [window(anchor="screening")]}),
    "assertion-result": (
        {"text": "Negative SARS-CoV-2 test", "mentions": [{**SARS, "result": "negative"}]},
        {
            "text": "Negative SARS-CoV-2 test",
            "assertion": "negated",
            "mentions": [{**SARS, "assertion": "negated"}],
        },
    ),
    "logic": (
        {"text": EXCEPTION, "exceptions": [{"text": "treated lesions"}]},
        {
            "text": EXCEPTION,
            "logic": "any",
            "exceptions": [{"text": "the exception of treated lesions"}],
        },
    ),
}


def one_criterion(fields: dict) -> Protocol:
    criterion = {"id": "exc.1", "label": "1", "text": "Hemoglobin < 9 g/dL", **fields}
    return Protocol.model_validate(
        {"groups": [{"id": "exc", "kind": "exclusion", "criteria": [criterion]}]}
    )


@pytest.mark.parametrize("case", list(AUDIT_CASES))
def test_audit_page_shows_each_disagreement_with_both_values(browser, tmp_path, case) -> None:
    """Criteria without a text or spans: the disagreements are on the cards."""
    reference, candidate = (one_criterion(side) for side in AUDIT_CASES[case])
    report = audit(reference, candidate)
    assert report.disagreements, "the case plants a disagreement"
    dom = rendered(browser, review_page(reference, audit=report), tmp_path / "a.html")
    assert sorted(page_lines(dom)) == sorted(
        (d.family, d.field, d.kind, shown_value(d.expected), shown_value(d.actual))
        for d in report.disagreements
    )


def test_audit_page_lists_demographics_disagreements_at_the_top(browser, tmp_path) -> None:
    reference = Protocol.model_validate(
        {"demographics": {"min_age": {"value": 18}, "max_age": {"value": 70}, "sex": "all"}}
    )
    candidate = Protocol.model_validate(
        {
            "demographics": {
                "min_age": {"value": 216, "unit": "mo"},
                "max_age": {"value": 75},
                "healthy_volunteers": False,
            }
        }
    )
    dom = rendered(
        browser, review_page(reference, audit=audit(reference, candidate)), tmp_path / "d.html"
    )
    assert sorted(page_lines(dom)) == sorted(
        [
            ("demographics", "max_age", "differs", "70 a", "75 a"),
            ("demographics", "sex", "not_stated", "all", "(none)"),
            ("demographics", "healthy_volunteers", "extra", "(none)", "false"),
        ]
    )


def test_only_disagreements_hides_the_agreeing_rows(browser, tmp_path) -> None:
    reference = load_side(AUDIT / "expected.yaml")
    report = audit(reference, load_side(AUDIT / "manual_with_mistakes.yaml"))
    page = tmp_path / "audit.html"
    rendered(browser, review_page(reference, audit=report), page, "#only-disagreements")
    shown = browser.evaluate(
        "[...document.querySelectorAll('.row')].filter(r => r.offsetParent !== null)"
        ".map(r => r.querySelector('.card[id]') ? r.querySelector('.card[id]').dataset.criterion"
        " : '-')"
    )
    assert sorted(shown) == ["exc.17", "exc.7", "exc.8.5"]  # exc.8.2 only leaves a window out
    browser.key("n")
    assert browser.evaluate("document.activeElement.dataset.kind") in ("differs", "missing")


def test_cli_audit_page_from_a_reference_text(browser, tmp_path) -> None:
    """``--reference`` may be the record itself (parsed), the candidate a hand-made file."""
    out = tmp_path / "audit.html"
    source = ROOT / "gold" / "NCT06557265" / "source.txt"
    code = main(
        [
            "review",
            "--reference",
            str(source),
            "--candidate",
            str(AUDIT / "manual_with_mistakes.yaml"),
            "-o",
            str(out),
        ]
    )
    assert code == 0
    browser.load(out)
    dom = parse_dom(browser.dom())
    fields = {
        (
            e.attrs.get("data-reference-id", ""),
            e.attrs["data-field"],
        )
        for e in dom.walk()
        if e.tag == "li" and "diff" in e.classes()
    }
    assert ("exc.8.5", "comparator") in fields and ("exc.7", "group") in fields


# batch index ----------------------------------------------------------------------------------


def test_batch_index_links_to_a_page_per_record(browser, tmp_path) -> None:
    run = tmp_path / "out.jsonl"
    assert (
        main(["batch", str(BATCH / "studies.jsonl"), "-o", str(run), "--include-text", "-q"]) == 0
    )
    protocols = [
        Protocol.model_validate_json(line.split(b',"protocol":', 1)[1][:-1])
        for line in run.read_bytes().splitlines()
    ]
    assert main(["review", str(run), "-o", str(tmp_path / "review")]) == 0
    index = tmp_path / "review" / "index.html"
    browser.load(index)
    dom = parse_dom(browser.dom())
    links = [
        e.attrs["href"]
        for e in dom.walk()
        if e.tag == "a" and e.attrs.get("href", "").endswith(".html")
    ]
    assert len(links) == len(protocols)
    for href, protocol in zip(links, protocols, strict=True):
        browser.load(index.parent / href)
        check_page(parse_dom(browser.dom()), protocol)


# the gold trials and the shared records --------------------------------------------------------

GOLD = sorted(p for p in (ROOT / "gold").iterdir() if (p / "encoding.yaml").is_file())


@pytest.mark.parametrize("trial", GOLD, ids=[p.name for p in GOLD])
def test_gold_trial_pages(browser, tmp_path, trial: Path) -> None:
    """The page of each gold trial, from its hand-made encoding and from the parser's."""
    gold = load_side(trial / "encoding.yaml")
    check_page(rendered(browser, review_page(gold), tmp_path / "gold.html"), gold)
    source = next(p for p in trial.iterdir() if p.name.startswith("source"))
    parsed = parse_file(source)
    check_page(rendered(browser, review_page(parsed), tmp_path / "parsed.html"), parsed)


RECORDS = os.environ.get("ELIGO_RECORDS")


@pytest.mark.slow
@pytest.mark.skipif(not RECORDS, reason="ELIGO_RECORDS (a folder of registry records) is not set")
def test_shared_record_pages(browser, tmp_path) -> None:
    assert RECORDS is not None
    files = sorted(p for p in Path(RECORDS).iterdir() if p.suffix in (".json", ".xml"))
    assert files, f"no .json or .xml records in {RECORDS}"
    for record in files:
        protocol = parse_file(record)
        check_page(rendered(browser, review_page(protocol), tmp_path / "r.html"), protocol)


FIREFOX = shutil.which("firefox") or shutil.which("firefox-esr")


@pytest.mark.skipif(FIREFOX is None, reason="no Firefox installed (CI checks in Chromium only)")
def test_firefox_draws_the_filtered_audit_page(tmp_path) -> None:
    """Firefox has no DOM dump on its command line: its screenshot is checked not blank."""
    assert FIREFOX is not None
    reference = load_side(AUDIT / "expected.yaml")
    report = audit(reference, load_side(AUDIT / "manual_with_mistakes.yaml"))
    page, shot = tmp_path / "audit.html", tmp_path / "firefox.png"
    page.write_text(review_page(reference, audit=report), encoding="utf-8")
    subprocess.run(
        [
            FIREFOX,
            "--headless",
            "--screenshot",
            str(shot),
            "--window-size=1200,1400",
            page.as_uri() + "#only-disagreements",
        ],
        env={**os.environ, "HOME": str(tmp_path)},
        capture_output=True,
        timeout=120,
        check=True,
    )
    share, colours = ink_share(shot.read_bytes())
    assert share > 0.03 and colours > 20, (share, colours)

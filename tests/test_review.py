"""``eligo review`` without a browser: marks nest or continue, everything is escaped, the page
loads nothing, the command's options and errors. The rendered pages are checked in a real
browser by tests/test_review_browser.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from models import Protocol
from models.encoding import Code
from nlp import parse_text
from nlp.cli import main
from nlp.export import EXPORTERS
from nlp.export.html import review_page
from nlp.export.html.audit_lines import lines_of
from nlp.export.html.nesting import Mark, mark_up, text_html

AUDIT = Path(__file__).parent / "fixtures" / "audit"


def mark(start: int, end: int, name: str) -> Mark:
    return Mark(start, end, f"<{name}>", f"<{name}+>", f"</{name}>")  # type: ignore[arg-type]


def test_nested_spans_become_nested_elements() -> None:
    text = "Platelets < 100,000/mm3"
    html = mark_up(text, [mark(0, 23, "q"), mark(0, 9, "c")])
    assert html == "<q><c>Platelets</c> &lt; 100,000/mm3</q>"


def test_a_crossing_span_is_one_head_and_a_continuation() -> None:
    # "5-year OS rate > 90%": a window "5-year" and a quantity "year OS rate > 90%" cross
    text = "5-year OS rate > 90%"
    html = mark_up(text, [mark(0, 6, "w"), mark(2, 20, "q")])
    assert html == "<w>5-<q>year</q></w><q+> OS rate &gt; 90%</q>"


def test_a_span_cut_by_a_row_starts_as_a_continuation_in_the_next_row() -> None:
    text = "first row\nsecond row"
    marks = [mark(6, 16, "m")]
    assert mark_up(text, marks, 0, 10) == "first <m>row\n</m>"
    assert mark_up(text, marks, 10, 20) == "<m+>second</m> row"


def test_text_is_escaped_and_carriage_returns_survive_html_parsing() -> None:
    assert (
        text_html('<script>"x"</script>\r\n') == "&lt;script&gt;&#34;x&#34;&lt;/script&gt;&#13;\n"
    )


@pytest.fixture(scope="module")
def hostile() -> Protocol:
    return parse_text(
        "Inclusion Criteria:\n- Age >= 18 years <script>alert(1)</script>\n"
        '- Platelets < 100,000/mm3 "quoted" & <b>bold</b>\n'
    )


def test_criteria_text_is_escaped_everywhere(hostile: Protocol) -> None:
    page = review_page(hostile)
    assert "<script>alert" not in page and "<b>bold" not in page
    page = re.sub(r"</?mark[^>]*>", "", page)  # the marks cut the text
    assert "Age &gt;= 18 years &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;quoted&#34; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_the_page_loads_nothing_from_outside(hostile: Protocol) -> None:
    page = review_page(hostile)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # and the browser is told to fetch nothing


def test_warnings_put_a_doubtful_split_first() -> None:
    protocol = parse_text("- Age >= 18 years\n- Platelets < 100,000/mm3\n")  # no heading: W105
    page = review_page(protocol)
    assert "W105" in page
    split = page.index("Doubtful inclusion/exclusion split")
    assert split < page.index('id="counts-h"') and split < page.index('<main id="text"')


def test_codes_of_a_mention_are_shown_when_present() -> None:
    protocol = parse_text("Inclusion Criteria:\n- History of myocardial infarction\n")
    mention = protocol.groups[0].criteria[0].mentions[0]
    mention.codes = [
        Code(
            system="http://hl7.org/fhir/sid/icd-10-cm",
            code="I21",
            display="Acute myocardial infarction",
        )
    ]
    page = review_page(protocol)
    assert "ICD-10-CM I21 (Acute myocardial infarction)" in page


def test_audit_lines_read_the_report_data_and_tell_silences_apart() -> None:
    data = {
        "disagreements": [
            {
                "family": "quantities",
                "kind": "differs",
                "field": "value",
                "expected": 3,
                "actual": 2.5,
                "criterion_id": "exc.1",
                "actual_id": "E1",
                "span": [4, 9],
                "text": "x",
                "reference": "encoding",
            },
            {"family": "demographics", "kind": "not_stated", "field": "sex", "expected": "all"},
        ]
    }
    differs, silent = lines_of(data)
    assert (differs.reference, differs.candidate, differs.reference_id, differs.candidate_id) == (
        3,
        2.5,
        "exc.1",
        "E1",
    )
    assert differs.span == (4, 9) and differs.is_error
    assert (silent.reference, silent.candidate, silent.is_error) == ("all", None, False)


def test_html_is_a_registered_format() -> None:
    assert EXPORTERS["html"].suffix == ".html"


def test_review_writes_the_reference_trial_page(tmp_path: Path, capsys) -> None:
    out = tmp_path / "review.html"
    assert main(["review", "-o", str(out)]) == 0
    assert "NKX019-102" in out.read_text(encoding="utf-8")
    assert f"wrote {out}" in capsys.readouterr().err


def test_reference_without_candidate_is_a_usage_error(tmp_path: Path, capsys) -> None:
    code = main(
        ["review", "--reference", str(AUDIT / "expected.yaml"), "-o", str(tmp_path / "a.html")]
    )
    assert code == 2
    assert "error E501: --reference and --candidate go together" in capsys.readouterr().err


def test_an_encoding_without_its_text_is_refused_naming_the_file(tmp_path: Path, capsys) -> None:
    bare = tmp_path / "bare.yaml"
    assert main(["parse", "--no-text", "-o", str(bare)]) == 0
    assert main(["review", str(bare), "-o", str(tmp_path / "p.html")]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"eligo review: error E104: {bare}: the encoding holds no eligibility")


def test_help_has_examples(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["review", "--help"])
    assert "eligo review --reference record.txt --candidate manual.yaml" in capsys.readouterr().out


def test_an_item_going_on_below_its_sub_items_gets_a_continuation_row() -> None:
    from nlp.export.html.layout import build_page

    text = (
        "Inclusion Criteria:\n1. Tumor types:\n   a. Melanoma\n   b. Sarcoma\n"
        "   For Phase 2, only melanoma is allowed.\n2. Age >= 18 years\n"
    )

    def span(words: str, end: str | None = None) -> list[int]:
        start = text.index(words)
        return [start, text.index(end) + len(end) if end else start + len(words)]

    protocol = Protocol.model_validate(
        {
            "eligibility_text": text,
            "groups": [
                {
                    "id": "inc",
                    "kind": "inclusion",
                    "label": "Inclusion Criteria",
                    "span": [0, len(text)],
                    "criteria": [
                        {
                            "id": "inc.1",
                            "label": "1",
                            "text": "Tumor types: For Phase 2, only melanoma is allowed.",
                            "span": span("Tumor types:", "is allowed."),
                            "children": [
                                {
                                    "id": "inc.1.a",
                                    "label": "a",
                                    "text": "Melanoma",
                                    "span": span("Melanoma"),
                                },
                                {
                                    "id": "inc.1.b",
                                    "label": "b",
                                    "text": "Sarcoma",
                                    "span": span("Sarcoma"),
                                },
                            ],
                        },
                        {
                            "id": "inc.2",
                            "label": "2",
                            "text": "Age >= 18 years",
                            "span": span("Age >= 18 years"),
                        },
                    ],
                }
            ],
        }
    )
    rows = build_page(protocol).rows
    shown = [
        (text[r.start : r.end], r.card.criterion_id if r.card else None, r.continues) for r in rows
    ]
    assert shown == [
        ("Inclusion Criteria:\n", None, None),
        ("1. Tumor types:\n", "inc.1", None),
        ("   a. Melanoma\n", "inc.1.a", None),
        ("   b. Sarcoma\n", "inc.1.b", None),
        ("   For Phase 2, only melanoma is allowed.\n", None, "c0"),
        ("2. Age >= 18 years\n", "inc.2", None),
    ]

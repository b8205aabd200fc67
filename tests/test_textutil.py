"""Clean text for readers, spans for the source: markdown escapes and joined lines."""

from nlp.textutil import clean_segments, unescape_markdown

# NCT06557265 exclusion 7, as the registry serves it (CommonMark escapes).
RAW = "White blood cell count \\< 3,000/mm\\^3; platelet count \\< 100,000/mm\\^3"


def test_markdown_escapes_are_undone_for_readers():
    assert (
        unescape_markdown(RAW)
        == "White blood cell count < 3,000/mm^3; platelet count < 100,000/mm^3"
    )


def test_an_escaped_list_label_is_unescaped():
    assert unescape_markdown("1\\. Known clinically active APS") == "1. Known clinically active APS"


def test_a_span_in_clean_text_maps_back_to_the_escaped_source():
    clean = clean_segments(RAW, [(0, len(RAW))])
    start = clean.text.index("< 3,000/mm^3")
    source_span = clean.source_span(start, start + len("< 3,000/mm^3"))
    assert RAW[slice(*source_span)] == "\\< 3,000/mm\\^3"


def test_continuation_lines_are_joined_by_one_space_and_map_back():
    # NCT03860012-style hard-wrapped legacy item
    source = "  -  Patients with a platelet count of at least\n     100,000/mm3 at screening"
    first = (source.index("Patients"), source.index("\n"))
    second = (source.index("100,000"), len(source))
    clean = clean_segments(source, [first, second])
    assert clean.text == "Patients with a platelet count of at least 100,000/mm3 at screening"
    start = clean.text.index("at least")
    end = clean.text.index(" at screening")
    assert source[slice(*clean.source_span(start, end))] == "at least\n     100,000/mm3"


def test_a_backslash_before_a_letter_is_kept():
    assert unescape_markdown("C:\\data") == "C:\\data"

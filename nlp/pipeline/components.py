"""Eligo's analysis stages as spaCy components: each reads the doc and stores one result on it.

=========================  ============================  =====================================
component                  stores                        from
=========================  ============================  =====================================
``eligo_quantities``       ``doc._.quantities``          :func:`nlp.quantities.find_quantities`
``eligo_time_windows``     ``doc._.time_windows``        :func:`nlp.temporal.find_time_windows`
``eligo_logic``            ``doc._.logic``               :func:`nlp.logic.find_logic`
``eligo_mentions``         ``doc._.mentions``            :func:`nlp.mentions.mentions_from_doc`
``eligo_assertion``        ``doc._.assertion``           :func:`nlp.assertion.criterion_assertion`
``eligo_number_checks``    ``doc._.number_warnings``     :mod:`nlp.quantities` (W103, W114, W116)
=========================  ============================  =====================================

All values are in the doc's char offsets; :mod:`nlp.encode` maps them to the record's text and
reads nothing else. A component holds no state between docs.
"""

from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from models import Quantity
from nlp.pipeline.docs import doc_aliases, doc_text


class ItemWarning(NamedTuple):
    """A warning found in one criterion's text (doc char offsets)."""

    start: int
    end: int
    code: str
    message: str


EXTENSIONS = ("quantities", "time_windows", "logic", "mentions", "assertion", "number_warnings")
for _name in EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class QuantitiesComponent:
    """Numeric limits of the criterion → ``doc._.quantities``."""

    def __init__(self) -> None:
        from nlp.quantities import find_quantities

        self.find = find_quantities

    def __call__(self, doc: Doc) -> Doc:
        doc._.quantities = self.find(doc_text(doc))
        return doc


class TimeWindowsComponent:
    """Time windows of the criterion → ``doc._.time_windows``, using the record's aliases.

    A span already read as an age limit ("aged 6 months to 5 years") is not a time window.
    """

    def __init__(self) -> None:
        from nlp.temporal import find_time_windows

        self.find = find_time_windows

    def __call__(self, doc: Doc) -> Doc:
        stored = doc._  # each ``doc._`` makes a new accessor object
        windows = self.find(doc_text(doc), doc_aliases(doc))
        ages = [
            q.span
            for q in stored.quantities or ()
            if isinstance(q, Quantity)
            and q.span
            and (q.kind == "age" or q.measure == "gestational age")
        ]
        if ages:
            windows = [
                w
                for w in windows
                if not (w.span and any(a < w.span[1] and w.span[0] < b for a, b in ages))
            ]
        stored.time_windows = windows
        return doc


class LogicComponent:
    """How the criterion's parts combine, its optional parts and exceptions → ``doc._.logic``."""

    def __init__(self) -> None:
        from nlp.logic import find_logic

        self.find = find_logic

    def __call__(self, doc: Doc) -> Doc:
        doc._.logic = self.find(doc)
        return doc


class MentionsComponent:
    """The concept mentions with their ConText assertion and result → ``doc._.mentions``."""

    def __init__(self) -> None:
        from nlp.mentions import mentions_from_doc

        self.find = mentions_from_doc

    def __call__(self, doc: Doc) -> Doc:
        doc._.mentions = self.find(doc)
        return doc


class AssertionComponent:
    """The assertion of the criterion as a whole → ``doc._.assertion``."""

    def __init__(self) -> None:
        from nlp.assertion import criterion_assertion

        self.find = criterion_assertion

    def __call__(self, doc: Doc) -> Doc:
        stored = doc._
        stored.assertion = self.find(doc, stored.mentions)
        return doc


class NumberChecksComponent:
    """Warnings about how numbers were read → ``doc._.number_warnings``.

    W103 where two limits run together with no separator; W114 where a number is read other
    than as printed (a lost superscript, a thousands point, a decimal comma); W116 for a
    number too long to be a limit.
    """

    def __init__(self) -> None:
        from nlp.errors import W_MISSING_SEPARATOR
        from nlp.quantities import find_number_readings, find_run_together

        self.run_together = find_run_together
        self.readings = find_number_readings
        self.separator_code = W_MISSING_SEPARATOR

    def __call__(self, doc: Doc) -> Doc:
        stored = doc._
        text = doc_text(doc)
        quantities = stored.quantities or []
        warnings = [
            ItemWarning(
                s,
                e,
                self.separator_code,
                f"two values run together without a separator near "
                f"{text[max(0, s - 12) : e + 12]!r}; read as separate limits",
            )
            for s, e in self.run_together(text, quantities)
        ]
        warnings += [ItemWarning(*reading) for reading in self.readings(text, quantities)]
        stored.number_warnings = warnings
        return doc


@Language.factory("eligo_quantities", assigns=["doc._.quantities"])
def make_quantities(nlp: Language, name: str) -> QuantitiesComponent:
    return QuantitiesComponent()


@Language.factory(
    "eligo_time_windows", requires=["doc._.quantities"], assigns=["doc._.time_windows"]
)
def make_time_windows(nlp: Language, name: str) -> TimeWindowsComponent:
    return TimeWindowsComponent()


@Language.factory("eligo_logic", requires=["token.is_sent_start"], assigns=["doc._.logic"])
def make_logic(nlp: Language, name: str) -> LogicComponent:
    return LogicComponent()


@Language.factory(
    "eligo_mentions",
    requires=["doc.ents", "doc._.context_graph", "span._.modifiers", "doc._.logic"],
    assigns=["doc._.mentions"],
)
def make_mentions(nlp: Language, name: str) -> MentionsComponent:
    return MentionsComponent()


@Language.factory(
    "eligo_assertion",
    requires=["doc._.mentions", "doc._.context_graph"],
    assigns=["doc._.assertion"],
)
def make_assertion(nlp: Language, name: str) -> AssertionComponent:
    return AssertionComponent()


@Language.factory(
    "eligo_number_checks", requires=["doc._.quantities"], assigns=["doc._.number_warnings"]
)
def make_number_checks(nlp: Language, name: str) -> NumberChecksComponent:
    return NumberChecksComponent()

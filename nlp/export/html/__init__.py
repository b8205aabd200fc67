"""``html``: a review page, one self-contained static HTML file (``eligo review``, docs/review.md).

The eligibility text as printed, every extracted span marked by family, each criterion's card
beside its text, warnings first (a doubtful inclusion/exclusion split at the top) and counts
per family; with an audit, its disagreements marked in place. The page loads nothing: its CSS
and script (``assets/``, package data) are written into it, and its Content-Security-Policy
forbids any fetch.

* :func:`review_page` — one protocol's page (``eligo review INPUT``); ``audit`` (an audit
  report) marks its disagreements (``eligo review --reference R --candidate C``).
* :func:`index_page` — the index of a batch run (:mod:`nlp.export.html.batch`).

Templates are Jinja2 with autoescaping on, so every value the page prints is escaped; the
marked-up text is built by :mod:`nlp.export.html.nesting`, which escapes the text it cuts.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from models import Protocol
from nlp.export.base import Exporter, one_protocol

if TYPE_CHECKING:
    import jinja2

    from nlp.export.html.batch import IndexEntry

TAGS = {
    "quantity": "Q",
    "time_window": "T",
    "concept": "C",
    "cue": "!",
    "part": "P",
    "remark": "R",
    "disagreement": "≠",
}
"""The letter each family's card lines carry (the mark itself has its own line style)."""

VOCABULARIES = {
    "http://loinc.org": "LOINC",
    "http://hl7.org/fhir/sid/icd-10-cm": "ICD-10-CM",
    "http://www.drugbank.ca": "DrugBank",
    "http://www.whocc.no/atc": "ATC",
    "http://human-phenotype-ontology.org": "HPO",
    "http://id.nlm.nih.gov/mesh": "MeSH",
    "http://snomed.info/sct": "SNOMED CT",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "RxNorm",
}


def asset(name: str) -> str:
    """A file of ``assets/`` (templates, CSS, script), as text."""
    return (resources.files(__name__) / "assets" / name).read_text(encoding="utf-8")


@cache
def environment() -> jinja2.Environment:
    """The templates of ``assets/``, autoescaped; an undefined name is an error."""
    import jinja2

    names = ["page.html.j2", "diff.html.j2", "index.html.j2"]
    env = jinja2.Environment(
        loader=jinja2.DictLoader({n: asset(n) for n in names}),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["vocabulary"] = lambda system: VOCABULARIES.get(system, system)
    return env


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("eligo")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "(checkout)"


def _common() -> dict[str, Any]:
    from nlp.export.html.layout import FAMILIES

    return {
        "css": asset("review.css"),
        "js": asset("review.js"),
        "version": _version(),
        "tags": TAGS,
        "families": FAMILIES,
    }


def review_page(
    protocol: Protocol,
    *,
    audit: Any = None,
    title: str | None = None,
    sources: dict[str, str] | None = None,
) -> str:
    """The review page of ``protocol``. ``audit``: an audit report of a candidate against this
    protocol as the reference (its spans point into this protocol's text), whose
    disagreements are marked; ``sources`` names the files shown (``{"reference": path}``)."""
    from nlp.export.html.audit_lines import lines_of, sources_of, warnings_of
    from nlp.export.html.layout import build_page

    shown = dict(sources or {})
    lines, audit_warnings = None, []
    if audit is not None:
        lines, audit_warnings = lines_of(audit), warnings_of(audit)
        shown = {**sources_of(audit), **shown}
    page = build_page(
        protocol, audit=lines, audit_warnings=audit_warnings, title=title, sources=shown
    )
    return environment().get_template("page.html.j2").render(page=page, **_common())


def index_page(entries: Sequence[IndexEntry], *, title: str, errors: Sequence[dict] = ()) -> str:
    """The index of a batch run: one line per record (warnings, split warnings, criteria,
    link to its page), then the records the run could not parse (its error log)."""
    return (
        environment()
        .get_template("index.html.j2")
        .render(entries=entries, errors=list(errors), title=title, **_common())
    )


class HtmlExporter(Exporter):
    name = "html"
    suffix = ".html"
    description = "a review page: the text with every extracted span marked (see eligo review)"

    def dumps(
        self,
        protocols: Sequence[Protocol],
        *,
        include_text: bool = True,
        audit: Any = None,
        **options: Any,
    ) -> str:
        """The review page of the one protocol (without its text: cards only)."""
        protocol = one_protocol(protocols, self.name)
        if not include_text:
            protocol = protocol.model_copy(update={"eligibility_text": None})
        return review_page(protocol, audit=audit)


EXPORTER = HtmlExporter()

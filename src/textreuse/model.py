"""Plain records shared by every stage: documents, rejects, passages, pairs.

One vocabulary everywhere: a *document* has an ``id`` and its ``raw_text`` as read;
a *passage* is a pair of half-open code-point spans, ``a`` in ``doc_a`` and ``b`` in
``doc_b``, always into the raw text; a *pair* is two documents that share text, with
a *relation* and per-document *coverage*; a *story* (:mod:`textreuse.relate.stories`) is
one reused text and every place it appears.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Relation = Literal["duplicate", "near_duplicate", "excerpt", "overlap"]
RELATIONS: tuple[Relation, ...] = ("duplicate", "near_duplicate", "excerpt", "overlap")

Span = tuple[int, int]

# Kinds of boilerplate line (see textreuse.clean.boilerplate).
Kind = Literal["byline", "continue-link", "share-widget", "navigation", "recurring"]
KINDS: tuple[Kind, ...] = ("byline", "continue-link", "share-widget", "navigation", "recurring")


@dataclass(frozen=True)
class Document:
    """A text as read from its file or record, with optional metadata.

    For a web page, ``raw_text`` is the main text extracted from ``html`` (offsets
    point into it), ``url`` the address it was fetched from, ``date`` its publication
    date and ``capture_date`` when it was crawled (WARC-Date); ``links`` are the
    absolute http(s) targets of its ``<a href>``, in page order, each once.
    """

    id: str
    raw_text: str
    source_path: str = ""
    url: str | None = None
    date: str | None = None
    title: str | None = None
    source: str | None = None
    encoding: str = "utf-8"
    author: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    capture_date: str | None = None
    links: tuple[str, ...] = ()
    html: str | None = None


@dataclass(frozen=True)
class Annotation:
    """A boilerplate line of a document: raw span, kind, and the rule that found it.

    Annotated lines are left out of matching and coverage and stay in the raw text;
    bylines and continue-links are also evidence of who copied whom.
    """

    start: int
    end: int
    kind: Kind
    rule: str


@dataclass(frozen=True)
class Reject:
    """A file or record that could not be read, and why.

    ``kind`` names the why in one word for counting (web inputs set it: ``not_html``,
    ``revisit``, ``truncated``, ``corrupt``, ``no_main_text``...); None for others.
    """

    path: str
    reason: str
    line: int | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Passage:
    """Return a shared passage: span ``a`` in the first text, span ``b`` in the second."""

    a: Span
    b: Span
    similarity: float


@dataclass(frozen=True)
class Pair:
    """Two documents that share text, with how they relate and the aligned passages."""

    doc_a: str
    doc_b: str
    relation: Relation
    origin: str | None
    coverage_a: float
    coverage_b: float
    passages: tuple[Passage, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        """Return the pair in the stable JSON output contract."""
        return {
            "doc_a": self.doc_a,
            "doc_b": self.doc_b,
            "relation": self.relation,
            "origin": self.origin,
            "coverage_a": round(self.coverage_a, 4),
            "coverage_b": round(self.coverage_b, 4),
            "passages": [
                {"a": [p.a[0], p.a[1]], "b": [p.b[0], p.b[1]], "similarity": round(p.similarity, 4)}
                for p in self.passages
            ],
        }


"""Who copied whom: the direction of a pair, with the evidence for it.

Each piece of evidence favours one document as the origin, with a weight:

====================  ======  ==============================================================
kind                  weight  what it is
====================  ======  ==============================================================
``date``              4       an earlier publication date
``link``              4       the copy links to the other document's URL
``frame-names``       4       a repost frame ("X writes:", "Read the full story at Y", "via
                              Y") that names the other document's site, host or author
``frame``             2       a repost frame that names nobody in the corpus
``names``             2       the copy's text names the other's site or author (and not the
                              other way round)
``excerpt``           2       the excerpt is the copy, the longer document the origin
``capture-date``      1       an earlier crawl date (pages are often crawled out of order)
====================  ======  ==============================================================

Not evidence: whether a shared passage stands as whole lines on one side. Blogs set
quotations apart, but newspapers run them inline while the source has them as
paragraphs; the demo corpus has that case, so the cue was tried and dropped.

The origin is the side with the larger total, when it leads by at least
``min_margin``; otherwise the pair has no origin. Frames come from the boilerplate
annotations (:mod:`textreuse.clean.boilerplate`), which keep them typed for this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import urlsplit

from textreuse.model import Annotation, Document, Pair, Reject

__all__ = ["Evidence", "Facts", "ProvenanceConfig", "direct", "direct_pair", "direct_pairs", "evidence"]


@dataclass(frozen=True)
class Evidence:
    """Return-type record of one reason to think `favours` is the origin of a pair."""

    kind: str
    favours: str
    weight: float
    detail: str


@dataclass(frozen=True)
class ProvenanceConfig:
    """Weights of each kind of evidence, and the lead the origin needs."""

    date: float = 4.0
    link: float = 4.0
    frame_names: float = 4.0
    frame: float = 2.0
    names: float = 2.0
    excerpt: float = 2.0
    capture_date: float = 1.0
    min_margin: float = 1.0


# Boilerplate rules that frame a repost (an author's byline, "By Jane Doe", does not:
# originals have bylines too).
_REPOST_RULES = frozenset(
    ["writes", "from-source", "via", "continue-reading", "read-full-story", "appeared-first", "first-published"]
)


@lru_cache(maxsize=1 << 16)
def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _names(doc: Document) -> list[str]:
    """Return what a text may call `doc`: its site, source, author and host (lower case)."""
    out = []
    for name in (doc.site_name, doc.source, doc.author, _host(doc.url), _host(doc.canonical_url)):
        if name and len(name.strip()) >= 4:
            out.append(name.strip().casefold())
    return list(dict.fromkeys(out))


def _mentions(low: str, names: Sequence[str]) -> str | None:
    """Return the first of `names` that stands as whole words in the case-folded text `low`."""
    for name in names:
        at = low.find(name)
        while at >= 0:
            end = at + len(name)
            if (at == 0 or not low[at - 1].isalnum()) and (end == len(low) or not low[end].isalnum()):
                return name
            at = low.find(name, at + 1)
    return None


# Documents and links recur across a run's pairs: each URL is parsed once.
@lru_cache(maxsize=1 << 16)
def _url_key(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return host + parts.path.rstrip("/")


class Facts:
    """What the evidence reads of one document, worked out once per run (see `cache`)."""

    __slots__ = ("_low", "doc", "links", "names")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.names = _names(doc)
        # Each link's key (host and path), with the first link holding it and its place.
        self.links: dict[str, tuple[int, str]] = {}
        for k, link in enumerate(doc.links):
            self.links.setdefault(_url_key(link), (k, link))
        self._low: str | None = None

    @property
    def low(self) -> str:
        """The case-folded text (folded on first use: most pairs need no name search)."""
        if self._low is None:
            self._low = self.doc.raw_text.casefold()
        return self._low


def _links_to(copy: Facts, other: Document) -> str | None:
    """Return the first of `copy`'s links (in page order) to `other`'s URL or canonical URL."""
    keys = {_url_key(u) for u in (other.url, other.canonical_url) if u and "//" in u}
    found = [copy.links[key] for key in keys if key in copy.links]
    return min(found)[1] if found else None


def _published(date: str, other: str) -> str:
    """Return the part of `date` to compare with `other`: the whole timestamp when both
    are written alike with a time of day ("1987-03-05T09:34:13": a wire's correction
    comes hours after its story, the same day), else the calendar day (a page's date
    and another's timestamp are not comparable within a day).

    >>> _published("1987-03-05T09:34:13", "1987-03-05T12:37:09"), _published("1987-03-05T09:34", "1987-03-05")
    ('1987-03-05T09:34:13', '1987-03-05')
    """
    if len(date) > 10 and len(date) == len(other) and date[10] == other[10] == "T":
        return date
    return date[:10]


def evidence(
    pair: Pair,
    doc_a: Document,
    doc_b: Document,
    *,
    frames_a: Sequence[Annotation] = (),
    frames_b: Sequence[Annotation] = (),
    config: ProvenanceConfig = ProvenanceConfig(),
    cache: dict[str, Facts] | None = None,
) -> list[Evidence]:
    """Return the evidence about which of the pair's documents is the origin.

    `frames_a` / `frames_b` are the documents' boilerplate annotations (only the repost
    frames count: "X writes:", "From the Y:", "via Y", continue-links and credits).
    `cache` keeps each document's :class:`Facts` across the pairs of a run.

    >>> a = Document("blog", "Jo writes:\\n\\nThe story.\\n\\nRead the full story at courier.example", url="https://blog.example/1")
    >>> b = Document("news", "The story. More of it.", url="https://courier.example/story")
    >>> from textreuse.clean.boilerplate import mark
    >>> p = Pair("blog", "news", "excerpt", None, 1.0, 0.4)
    >>> [(e.kind, e.favours) for e in evidence(p, a, b, frames_a=mark(a.raw_text))]
    [('excerpt', 'news'), ('frame-names', 'news'), ('frame', 'news')]
    """
    if (pair.doc_a, pair.doc_b) != (doc_a.id, doc_b.id):
        raise ValueError(f"pair {pair.doc_a}/{pair.doc_b} does not match documents {doc_a.id}/{doc_b.id}")
    out: list[Evidence] = []
    if doc_a.date and doc_b.date and _published(doc_a.date, doc_b.date) != _published(doc_b.date, doc_a.date):
        first = doc_a if doc_a.date < doc_b.date else doc_b
        out.append(Evidence("date", first.id, config.date, f"published {first.date}"))
    if pair.relation == "excerpt":
        out.append(Evidence("excerpt", doc_b.id, config.excerpt, f"{doc_a.id} is an excerpt of it"))
    sides = ((doc_a, doc_b, frames_a), (doc_b, doc_a, frames_b))
    cache = {} if cache is None else cache
    facts: dict[str, Facts] = {}
    for doc in (doc_a, doc_b):
        # Taken out and put back, so a bounded cache (:class:`_Recent`) keeps the documents
        # in use longest (a story's anchor pairs with every copy) and never drops the first
        # of the pair while it adds the second.
        known = cache.pop(doc.id, None)
        facts[doc.id] = cache[doc.id] = known if known is not None else Facts(doc)
    names = {d: facts[d].names for d in facts}
    for copy, other, frames in sides:
        link = _links_to(facts[copy.id], other)
        if link:
            out.append(Evidence("link", other.id, config.link, f"{copy.id} links to {link}"))
        framed = [a for a in frames if a.rule in _REPOST_RULES]
        named = None
        for a in framed:
            named = _mentions(copy.raw_text[a.start : a.end].casefold(), names[other.id])
            if named:
                out.append(Evidence("frame-names", other.id, config.frame_names,
                                    f"{copy.id}: {copy.raw_text[a.start : a.end]!r} names {named}"))
                break
        if framed:
            a = framed[0]
            out.append(Evidence("frame", other.id, config.frame, f"{copy.id} is framed as a repost: "
                                f"{copy.raw_text[a.start : a.end]!r}"))
    for copy, other, _ in sides:
        theirs = [n for n in names[other.id] if n not in names[copy.id]]
        name = _mentions(facts[copy.id].low, theirs) if theirs else None
        ours = [n for n in names[copy.id] if n not in names[other.id]]
        if name and not (ours and _mentions(facts[other.id].low, ours)):
            if not any(e.kind == "frame-names" and e.favours == other.id for e in out):
                out.append(Evidence("names", other.id, config.names, f"{copy.id} names {name}"))
    if doc_a.capture_date and doc_b.capture_date and doc_a.capture_date != doc_b.capture_date:
        first = doc_a if doc_a.capture_date < doc_b.capture_date else doc_b
        out.append(Evidence("capture-date", first.id, config.capture_date, f"crawled {first.capture_date}"))
    return out


def direct_pair(
    pair: Pair,
    doc_a: Document,
    doc_b: Document,
    marks_a: Sequence[Annotation],
    marks_b: Sequence[Annotation],
    *,
    config: ProvenanceConfig = ProvenanceConfig(),
    cache: dict[str, Facts] | None = None,
) -> tuple[Pair, tuple[Evidence, ...]]:
    """Return `pair` with its origin decided by the evidence, and that evidence.

    One pair at a time, given its documents and their boilerplate annotations (both
    engines call it: the local engine over all pairs, Spark in each alignment task).
    """
    seen = tuple(evidence(pair, doc_a, doc_b, frames_a=marks_a, frames_b=marks_b, config=config, cache=cache))
    return replace(pair, origin=direct(pair, seen, config=config)), seen


def direct(pair: Pair, found: Sequence[Evidence], *, config: ProvenanceConfig = ProvenanceConfig()) -> str | None:
    """Return the origin the evidence points to, or None when neither side leads enough.

    >>> p = Pair("a", "b", "overlap", None, 0.2, 0.2)
    >>> direct(p, [Evidence("date", "a", 4, ""), Evidence("frame", "b", 2, "")])
    'a'
    >>> direct(p, [Evidence("frame", "a", 2, ""), Evidence("frame", "b", 2, "")]) is None
    True
    """
    score = {pair.doc_a: 0.0, pair.doc_b: 0.0}
    for e in found:
        score[e.favours] = score.get(e.favours, 0.0) + e.weight
    lead = score[pair.doc_a] - score[pair.doc_b]
    if abs(lead) < config.min_margin:
        return None
    return pair.doc_a if lead > 0 else pair.doc_b


# Documents whose facts a run keeps at once: a document's facts hold its text, and a
# corpus's texts may not fit in memory (pairs come sorted by their first document, so
# the recent ones are those asked for again).
FACTS_KEPT = 4096


class _Recent(dict[str, Facts]):
    """A dict that forgets its oldest entry once it holds `size` (the least recently used,
    as :func:`evidence` puts back what it reads)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def __setitem__(self, key: str, value: Facts) -> None:
        if len(self) >= self.size and key not in self:
            del self[next(iter(self))]
        super().__setitem__(key, value)


def direct_pairs(
    docs: Sequence[Document],
    pairs: Sequence[Pair],
    marks: dict[int, tuple[Annotation, ...]],
    *,
    config: ProvenanceConfig = ProvenanceConfig(),
    failed: list[Reject] | None = None,
) -> tuple[list[Pair], dict[tuple[str, str], tuple[Evidence, ...]]]:
    """Return the pairs with their origin decided by the evidence, and the evidence per pair.

    `marks` holds the boilerplate lines by document number. A pair whose evidence
    cannot be read keeps the origin its dates gave, and a reject (kind ``internal``)
    is added to `failed` (without `failed`, the error is raised).
    """
    index = {d.id: k for k, d in enumerate(docs)}
    out, found = [], {}
    cache: dict[str, Facts] = _Recent(FACTS_KEPT)
    for p in pairs:
        ka, kb = index[p.doc_a], index[p.doc_b]
        try:
            directed, seen = direct_pair(
                p, docs[ka], docs[kb], marks.get(ka, ()), marks.get(kb, ()), config=config, cache=cache
            )
        except Exception as exc:  # noqa: BLE001 - one pair's failure costs only its direction
            if failed is None:
                raise
            failed.append(Reject(docs[ka].source_path, f"internal error while weighing who copied whom in "
                                 f"{p.doc_a!r} and {p.doc_b!r}: {type(exc).__name__}: {exc}; the pair keeps "
                                 "the origin its dates give (please report it)", kind="internal"))
            out.append(p)
            continue
        if seen:
            found[(p.doc_a, p.doc_b)] = seen
        out.append(directed)
    return out, found

"""Trace one new document against a scanned corpus, through the index kept in its database.

The new document goes through the stages a scan would put it through: it is read,
repaired, its boilerplate lines set aside and its words sketched with the options
the scan recorded; its sampled n-grams are looked up in the stored postings and
judged by the candidate search's own rule (:func:`query_candidates`); each
candidate is aligned and related as in a scan. Nothing is rescanned and the
database is only read. The answer names the stored stories the new document joins
(:func:`~textreuse.relate.stories.join_stories`): which, through which member, and how
it holds each story's text.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from email.message import Message
from pathlib import Path

import duckdb
import numpy as np

from textreuse.align.local_align import TokenPassage, align_hashes, align_indexed, seed_index
from textreuse.clean.matching import Prepared, prepare, prepare_many
from textreuse.config import Config
from textreuse.errors import IngestError, StoreError
from textreuse.index.candidates import fingerprint, query_candidates, sketch
from textreuse.index.tokenize import Tokens
from textreuse.ingest.decode import decode
from textreuse.ingest.html import PageTask, decode_html, looks_like_html
from textreuse.ingest.read import IngestConfig, read_inputs
from textreuse.model import Document, Pair
from textreuse.relate.pairs import relate, whole
from textreuse.relate.provenance import direct, evidence
from textreuse.relate.stories import Joined, join_stories
from textreuse.relate.tasks import copied_or_damaged
from textreuse.store import duckdb as store
from textreuse.store import parquet, postings

URL_PREFIXES = ("http://", "https://")
FETCH_TIMEOUT = 30.0


@dataclass(frozen=True)
class TraceResult:
    """What a new document shares with a scanned corpus, and where it likely comes from.

    ``pairs`` have the new document as ``doc_a``. ``origin`` is the stored document it
    most likely copies from, the new document itself when it is the older or longer
    side, or None; ``reason`` says why. ``stories`` are the stored stories it joins, its
    closest relation first (built from the pairs of a database written before stories).
    """

    document: Document
    pairs: list[Pair]
    origin: str | None
    reason: str
    candidates: int
    stories: list[Joined] = field(default_factory=list)


def fetch(url: str, *, doc_id: str | None = None, config: IngestConfig = IngestConfig()) -> Document:
    """Return the document at an http(s) `url`: a page's main text, or a plain text.

    Raises IngestError naming the address when it cannot be fetched or read.
    """
    request = urllib.request.Request(url, headers={"User-Agent": "textreuse-trace"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            data = response.read(config.html.max_bytes + 1)
            headers: Message = response.headers
    except urllib.error.HTTPError as exc:
        raise IngestError(f"cannot fetch {url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise IngestError(
            f"cannot fetch {url}: {reason}; check the address and the network, "
            "or save the page and trace the file"
        ) from exc
    if len(data) > config.html.max_bytes:
        raise IngestError(f"{url} is larger than {config.html.max_bytes} bytes; save it and trace the file")
    name = doc_id or url
    charset = headers.get_content_charset()
    if "html" in headers.get_content_type() or looks_like_html(data):
        html, encoding = decode_html(data, charset=charset)
        page = PageTask(html, doc_id=name, source_path=url, reject_path=url, url=url, encoding=encoding,
                        config=config.html).run()
        if not isinstance(page, Document):
            raise IngestError(f"{url}: {page.reason}")
        return page
    text, encoding = decode(data)
    if not text.strip():
        raise IngestError(f"{url} holds no text")
    return Document(name, text, source_path=url, url=url, encoding=encoding)


def read_new(
    source: str | Path, *, doc_id: str | None = None, date: str | None = None, config: IngestConfig = IngestConfig()
) -> Document:
    """Return the one document to trace, from a file (any kind a scan reads) or an http(s) URL.

    `doc_id` and `date` replace what was read. Raises IngestError when there is not
    exactly one readable document.
    """
    if str(source).startswith(URL_PREFIXES):
        doc = fetch(str(source), doc_id=doc_id, config=config)
    else:
        path = Path(source)
        if not path.exists():
            raise IngestError(f"no such file: {path}")
        if path.is_dir():
            raise IngestError(f"{path} is a folder; trace reads one document (scan reads folders)")
        items = list(read_inputs([path], config=config))
        docs = [d for d in items if isinstance(d, Document)]
        if not docs:
            reasons = "; ".join(f"{r.reason}" for r in items if not isinstance(r, Document)) or "nothing read"
            raise IngestError(f"{path}: no document to trace: {reasons}")
        if len(docs) > 1:
            raise IngestError(
                f"{path} holds {len(docs)} documents; trace reads one: put it in a file of its own"
            )
        doc = docs[0]
        if doc_id:
            doc = replace(doc, id=doc_id)
    return replace(doc, date=date) if date else doc


def trace(
    source: str | Path | Document,
    db: str | Path,
    *,
    doc_id: str | None = None,
    date: str | None = None,
    ingest: IngestConfig = IngestConfig(),
) -> TraceResult:
    """Return what the document at `source` (file or http(s) URL, or a document read
    already) shares with the corpus in `db` (a database, or a folder of Parquet tables
    such as a Spark scan's output)."""
    with parquet.open_tables(db) as con:
        # Check the index first: reading a page costs more than a missing table.
        postings.read_index_config(con, db)
        if isinstance(source, Document):
            doc = replace(source, id=doc_id or source.id, date=date or source.date)
        else:
            doc = read_new(source, doc_id=doc_id, date=date, config=ingest)
        return trace_document(doc, con, db=db)


def same_tokens(a: Tokens, b: Tokens) -> bool:
    """Return whether two documents' matching tokens are the same word sequence."""
    return a is b or np.array_equal(a.hashes, b.hashes)


def trace_document(
    doc: Document, con: duckdb.DuckDBPyConnection, *, db: str | Path = "the database"
) -> TraceResult:
    """Return what `doc` shares with the documents of an open textreuse database."""
    config = postings.read_index_config(con, db)
    if con.execute("SELECT doc_id FROM documents WHERE doc_id = ?", [doc.id]).fetchall():
        raise StoreError(
            f"{db} already holds a document {doc.id!r}; give the traced one another id with --id"
        )
    new = prepare(doc.raw_text, encoding=config.encoding, boilerplate=config.boilerplate)
    tokens = new.tokens
    query = sketch(tokens.hashes, config=config.index)
    entries = postings.query_postings(con, query.hashes, max_df=config.index.max_df)
    candidates, _shared = query_candidates(query, *entries, config=config.index)
    # Exact duplicates are found by fingerprint, as a scan groups them, however short.
    same = postings.with_fingerprint(con, fingerprint(tokens.hashes)) if len(tokens) else []
    groups = {rep: members for rep, members in postings.duplicate_groups(con, candidates.tolist()).items()
              if rep not in same}
    stored = sorted(set(same) | {m for members in groups.values() for m in members})
    texts = {d: store.read_document(con, d) for d in stored}
    prepared = _stored_tokens(con, texts, config)
    pairs: list[Pair] = []
    for d in same:
        p = relate(doc, texts[d], tokens, prepared[d].tokens, [whole(tokens, prepared[d].tokens)],
                   duplicate=True, keep_order=True, config=config.relate)
        if p is not None:
            pairs.append(p)
    index = seed_index(tokens.hashes, n=config.align.seed_n)
    for rep, members in groups.items():
        # The stored document is side a, as it would be in a scan with the new one added last.
        found = align_indexed(seed_index(prepared[rep].tokens.hashes, n=config.align.seed_n), index,
                              config=config.align)
        # Held to the copied-text rule, as the scan holds its pairs.
        found = copied_or_damaged(found, prepared[rep].tokens, tokens, texts[rep].raw_text, doc.raw_text, config=config)
        if not found:
            continue
        aligned = [TokenPassage(q.b0, q.b1, q.a0, q.a1, q.similarity) for q in found]
        for m in members:
            passages = aligned
            if not same_tokens(prepared[m].tokens, prepared[rep].tokens):
                # A copy whose recurring lines differ from its representative's.
                passages = align_hashes(tokens.hashes, prepared[m].tokens.hashes, config=config.align)
                passages = copied_or_damaged(
                    passages, tokens, prepared[m].tokens, doc.raw_text, texts[m].raw_text, config=config
                )
            p = relate(doc, texts[m], tokens, prepared[m].tokens, passages, keep_order=True, config=config.relate)
            if p is not None:
                pairs.append(p)
    # Directions as a scan decides them: the evidence of dates, links, frames and names.
    directed = []
    for p in pairs:
        seen = evidence(p, doc, texts[p.doc_b], frames_a=new.annotations, frames_b=prepared[p.doc_b].annotations,
                        config=config.provenance)
        directed.append(replace(p, origin=direct(p, seen, config=config.provenance)))
    pairs = sorted(directed, key=lambda p: p.doc_b)
    origin, reason = likely_origin(doc, pairs, {d: t.date for d, t in texts.items()})
    stories = store.read_stories(con, docs=sorted({p.doc_b for p in pairs})) if pairs else []
    joined = join_stories(pairs, stories, len(doc.raw_text))
    return TraceResult(doc, pairs, origin, reason, len(groups) + len(same), joined)


def _stored_tokens(
    con: duckdb.DuckDBPyConnection, texts: dict[str, Document], config: Config
) -> dict[str, Prepared]:
    """Return the matching tokens of stored documents, as a scan aligned them.

    The boilerplate lines the scan stored (patterns and lines recurring in the corpus)
    are set aside.
    """
    ids = list(texts)
    marks = postings.read_annotations(con, ids)
    prepared = prepare_many(
        [texts[d].raw_text for d in ids], annotations=[marks.get(d, ()) for d in ids], encoding=config.encoding
    )
    return dict(zip(ids, prepared))


def likely_origin(doc: Document, pairs: list[Pair], dates: dict[str, str | None]) -> tuple[str | None, str]:
    """Return the stored document `doc` most likely copies from, and why.

    Each pair's origin is the one its evidence points to, as in a scan
    (:mod:`textreuse.relate.provenance`: dates, links, repost frames, names, containment). Among the stored documents judged origins, the one
    holding the most of the new document wins, then the earliest date, then the id.

    >>> new = Document("new", "x", date="2024-05-03")
    >>> pairs = [Pair("new", "b", "near_duplicate", "b", 0.9, 0.9), Pair("new", "c", "overlap", "c", 0.1, 0.2)]
    >>> likely_origin(new, pairs, {"b": "2024-05-01", "c": "2024-04-01"})
    ('b', 'near duplicate of it, dated 2024-05-01, before the new document (2024-05-03)')
    """
    sources = [p for p in pairs if p.origin == p.doc_b]
    if sources:
        best = min(sources, key=lambda p: (-round(p.coverage_a, 2), dates.get(p.doc_b) or "\uffff", p.doc_b))
        relation = "shares passages with it" if best.relation == "overlap" else best.relation.replace("_", " ") + " of it"
        when = dates.get(best.doc_b)
        if when and doc.date and when != doc.date:
            why = f"dated {when}, before the new document ({doc.date})"
        else:
            why = "the evidence points to it"
        return best.doc_b, f"{relation}, {why}"
    if any(p.origin == doc.id for p in pairs):
        return doc.id, "the new document is older than (or contains) the stored documents it shares text with"
    if pairs:
        return None, "no direction: no date, link, repost frame, name or containment decides"
    return None, "no stored document shares text with it"

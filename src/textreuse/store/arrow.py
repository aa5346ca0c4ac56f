"""Arrow tables of a scan's records: the one schema the database and exports share."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from textreuse.clean.encoding import Step
from textreuse.model import Annotation, Document, Family, Pair, Reject
from textreuse.relate.provenance import Evidence


def documents_table(docs: list[Document]) -> pa.Table:
    """Return the documents as an Arrow table (families list their members)."""
    return pa.table(
        {
            "doc_id": [d.id for d in docs],
            "source_path": [d.source_path for d in docs],
            "url": pa.array([d.url for d in docs], pa.string()),
            "date": pa.array([d.date for d in docs], pa.string()),
            "title": pa.array([d.title for d in docs], pa.string()),
            "source": pa.array([d.source for d in docs], pa.string()),
            "encoding": [d.encoding for d in docs],
            "n_chars": pa.array([len(d.raw_text) for d in docs], pa.int64()),
            "raw_text": _texts(docs),
            "author": pa.array([d.author for d in docs], pa.string()),
            "site_name": pa.array([d.site_name for d in docs], pa.string()),
            "canonical_url": pa.array([d.canonical_url for d in docs], pa.string()),
            "capture_date": pa.array([d.capture_date for d in docs], pa.string()),
            "links": pa.array([list(d.links) for d in docs], pa.list_(pa.string())),
            "html": pa.array([d.html for d in docs], pa.large_string()),
        }
    )


def _texts(docs: list[Document]) -> pa.Array:
    # Encoding here, rather than letting Arrow ask each str for UTF-8, keeps Python from
    # caching a UTF-8 copy inside every text for the rest of the run; one joined buffer
    # with offsets is built in a third of the time Arrow takes over a list of bytes.
    encoded = [d.raw_text.encode("utf-8", "surrogatepass") for d in docs]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    data = pa.py_buffer(b"".join(encoded))
    return pa.LargeStringArray.from_buffers(len(encoded), pa.py_buffer(offsets), data)


def documents_tables(docs: list[Document], *, chunk: int = 5000) -> Iterator[pa.Table]:
    """Yield the documents table in pieces of `chunk` documents, to bound memory."""
    for start in range(0, max(len(docs), 1), chunk):
        yield documents_table(docs[start : start + chunk])


def rejects_table(rejects: list[Reject]) -> pa.Table:
    """Return the rejects as an Arrow table."""
    return pa.table(
        {
            "path": pa.array([r.path for r in rejects], pa.string()),
            "line": pa.array([r.line for r in rejects], pa.int64()),
            "reason": pa.array([r.reason for r in rejects], pa.string()),
            "kind": pa.array([r.kind for r in rejects], pa.string()),
        }
    )


def pairs_table(pairs: list[Pair]) -> pa.Table:
    """Return one row per pair (passages are in :func:`passages_table`)."""
    return pa.table(
        {
            "doc_a": pa.array([p.doc_a for p in pairs], pa.string()),
            "doc_b": pa.array([p.doc_b for p in pairs], pa.string()),
            "relation": pa.array([p.relation for p in pairs], pa.string()),
            "origin": pa.array([p.origin for p in pairs], pa.string()),
            "coverage_a": pa.array([p.coverage_a for p in pairs], pa.float64()),
            "coverage_b": pa.array([p.coverage_b for p in pairs], pa.float64()),
            "n_passages": pa.array([len(p.passages) for p in pairs], pa.int32()),
        }
    )


def passages_table(pairs: list[Pair]) -> pa.Table:
    """Return one row per aligned passage, with raw offsets into both documents."""
    rows = [(p, k, q) for p in pairs for k, q in enumerate(p.passages)]
    return pa.table(
        {
            "doc_a": pa.array([p.doc_a for p, _, _ in rows], pa.string()),
            "doc_b": pa.array([p.doc_b for p, _, _ in rows], pa.string()),
            "passage": pa.array([k for _, k, _ in rows], pa.int32()),
            "a_start": pa.array([q.a[0] for _, _, q in rows], pa.int64()),
            "a_end": pa.array([q.a[1] for _, _, q in rows], pa.int64()),
            "b_start": pa.array([q.b[0] for _, _, q in rows], pa.int64()),
            "b_end": pa.array([q.b[1] for _, _, q in rows], pa.int64()),
            "similarity": pa.array([q.similarity for _, _, q in rows], pa.float64()),
        }
    )


def families_table(families: list[Family]) -> pa.Table:
    """Return one row per family with its members and origin."""
    return pa.table(
        {
            "family_id": pa.array([f.id for f in families], pa.string()),
            "size": pa.array([len(f.members) for f in families], pa.int32()),
            "origin": pa.array([f.origin for f in families], pa.string()),
            "members": pa.array([list(f.members) for f in families], pa.list_(pa.string())),
        }
    )


def annotations_table(annotations: dict[str, tuple[Annotation, ...]]) -> pa.Table:
    """Return one row per boilerplate line: document, raw span, kind and rule."""
    rows = [(doc, a) for doc, marks in annotations.items() for a in marks]
    return pa.table(
        {
            "doc_id": pa.array([d for d, _ in rows], pa.string()),
            "start": pa.array([a.start for _, a in rows], pa.int64()),
            "end": pa.array([a.end for _, a in rows], pa.int64()),
            "kind": pa.array([a.kind for _, a in rows], pa.string()),
            "rule": pa.array([a.rule for _, a in rows], pa.string()),
        }
    )


def repairs_table(repairs: dict[str, tuple[Step, ...]]) -> pa.Table:
    """Return one row per encoding repair step: document, raw span, replacement, rule."""
    rows = [(doc, k, s) for doc, steps in repairs.items() for k, s in enumerate(steps)]
    return pa.table(
        {
            "doc_id": pa.array([d for d, _, _ in rows], pa.string()),
            "step": pa.array([k for _, k, _ in rows], pa.int32()),
            "start": pa.array([s.start for _, _, s in rows], pa.int64()),
            "end": pa.array([s.end for _, _, s in rows], pa.int64()),
            "replacement": pa.array([s.replacement for _, _, s in rows], pa.string()),
            "rule": pa.array([s.rule for _, _, s in rows], pa.string()),
            "confidence": pa.array([s.confidence for _, _, s in rows], pa.float64()),
            "witness": pa.array([s.witness for _, _, s in rows], pa.string()),
        }
    )


def evidence_table(found: dict[tuple[str, str], tuple[Evidence, ...]]) -> pa.Table:
    """Return one row per piece of evidence about a pair's direction."""
    rows = [(a, b, e) for (a, b), es in found.items() for e in es]
    return pa.table(
        {
            "doc_a": pa.array([a for a, _, _ in rows], pa.string()),
            "doc_b": pa.array([b for _, b, _ in rows], pa.string()),
            "kind": pa.array([e.kind for _, _, e in rows], pa.string()),
            "favours": pa.array([e.favours for _, _, e in rows], pa.string()),
            "weight": pa.array([e.weight for _, _, e in rows], pa.float64()),
            "detail": pa.array([e.detail for _, _, e in rows], pa.string()),
        }
    )

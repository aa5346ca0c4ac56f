"""Arrow tables of a scan's records: the one schema the database and exports share.

Columns are built from buffers (:func:`numbers`, :func:`strings`, :func:`string_lists`)
rather than with ``pa.array``: pyarrow's conversion of Python lists and numpy arrays
imports pandas on first use when it is installed, which took 0.4-0.6 s of a scan's
time on the thread that writes the database beside it. The buffers hold the same
values, as tests check against ``pa.array``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from textreuse.clean.encoding import Step
from textreuse.model import Annotation, Document, Pair, Reject
from textreuse.relate.provenance import Evidence
from textreuse.relate.stories import Story

_OFFSET_LIMIT = 2**31 - 1  # the largest offset of a ``string`` (not ``large_string``) array


def numbers(
    values: Sequence[float | None] | npt.NDArray[np.generic], dtype: type[np.generic] | np.dtype[np.generic]
) -> pa.Array:
    """Return `values` as an Arrow array of numpy type `dtype` (None: null).

    >>> numbers([1, None], np.int32).to_pylist(), numbers([1, 2], np.int32).type
    ([1, None], DataType(int32))
    """
    validity, nulls = None, 0
    if isinstance(values, np.ndarray):
        arr = np.ascontiguousarray(values, dtype=dtype)
    else:
        validity, nulls = _validity(values)
        given = [0 if v is None else v for v in values] if nulls else values
        arr = np.fromiter(given, dtype=dtype, count=len(given))
    kind = pa.from_numpy_dtype(arr.dtype)
    return pa.Array.from_buffers(kind, len(arr), [validity, pa.py_buffer(arr)], null_count=nulls)


def _validity(values: Sequence[object]) -> tuple[pa.Buffer | None, int]:
    """Return the validity bitmap of `values` (None: no nulls) and their number of nulls."""
    present = np.fromiter((v is not None for v in values), dtype=np.bool_, count=len(values))
    nulls = len(values) - int(present.sum())
    return (pa.py_buffer(np.packbits(present, bitorder="little")) if nulls else None), nulls


def strings(values: Sequence[str | None], *, large: bool = False, errors: str = "strict") -> pa.Array:
    """Return `values` as an Arrow ``string`` array (``large_string`` if `large` or too big).

    >>> strings(["a", None, "é"]).to_pylist()
    ['a', None, 'é']
    """
    encoded = [b"" if v is None else v.encode("utf-8", errors) for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    large = large or int(offsets[-1]) > _OFFSET_LIMIT
    kind = pa.large_string() if large else pa.string()
    validity, nulls = _validity(values)
    buffers = [validity, pa.py_buffer(offsets if large else offsets.astype(np.int32)), pa.py_buffer(b"".join(encoded))]
    return pa.Array.from_buffers(kind, len(encoded), buffers, null_count=nulls)


def string_lists(values: Sequence[Sequence[str]]) -> pa.Array:
    """Return `values` as an Arrow ``list<string>`` array (no null lists).

    >>> string_lists([["a", "b"], []]).to_pylist()
    [['a', 'b'], []]
    """
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(np.fromiter(map(len, values), dtype=np.int32, count=len(values)), out=offsets[1:])
    return pa.ListArray.from_arrays(numbers(offsets, np.int32), strings([v for vs in values for v in vs]))


def number_lists(values: Sequence[Sequence[int]], dtype: type[np.generic] = np.int64) -> pa.Array:
    """Return `values` as an Arrow ``list<int>`` array of numpy type `dtype` (no null lists).

    >>> number_lists([[1, 2], []]).to_pylist()
    [[1, 2], []]
    """
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(np.fromiter(map(len, values), dtype=np.int32, count=len(values)), out=offsets[1:])
    flat = np.fromiter((v for vs in values for v in vs), dtype=dtype, count=int(offsets[-1]))
    return pa.ListArray.from_arrays(numbers(offsets, np.int32), numbers(flat, dtype))


def documents_table(docs: list[Document]) -> pa.Table:
    """Return the documents as an Arrow table."""
    return pa.table(
        {
            "doc_id": strings([d.id for d in docs]),
            "source_path": strings([d.source_path for d in docs]),
            "url": strings([d.url for d in docs]),
            "date": strings([d.date for d in docs]),
            "title": strings([d.title for d in docs]),
            "source": strings([d.source for d in docs]),
            "encoding": strings([d.encoding for d in docs]),
            "n_chars": numbers([len(d.raw_text) for d in docs], np.int64),
            # Encoding here, rather than letting Arrow ask each str for UTF-8, keeps Python
            # from caching a UTF-8 copy inside every text for the rest of the run.
            "raw_text": strings([d.raw_text for d in docs], large=True, errors="surrogatepass"),
            "author": strings([d.author for d in docs]),
            "site_name": strings([d.site_name for d in docs]),
            "canonical_url": strings([d.canonical_url for d in docs]),
            "capture_date": strings([d.capture_date for d in docs]),
            "links": string_lists([d.links for d in docs]),
            "html": strings([d.html for d in docs], large=True),
        }
    )


def documents_tables(docs: Sequence[Document], *, chunk: int = 5000) -> Iterator[pa.Table]:
    """Yield the documents table in pieces of `chunk` documents, to bound memory."""
    for start in range(0, max(len(docs), 1), chunk):
        yield documents_table(list(docs[start : start + chunk]))


def rejects_table(rejects: list[Reject]) -> pa.Table:
    """Return the rejects as an Arrow table."""
    return pa.table(
        {
            "path": strings([r.path for r in rejects]),
            "line": numbers([r.line for r in rejects], np.int64),
            "reason": strings([r.reason for r in rejects]),
            "kind": strings([r.kind for r in rejects]),
        }
    )


def pairs_table(pairs: list[Pair]) -> pa.Table:
    """Return one row per pair (passages are in :func:`passages_table`)."""
    return pa.table(
        {
            "doc_a": strings([p.doc_a for p in pairs]),
            "doc_b": strings([p.doc_b for p in pairs]),
            "relation": strings([p.relation for p in pairs]),
            "origin": strings([p.origin for p in pairs]),
            "coverage_a": numbers([p.coverage_a for p in pairs], np.float64),
            "coverage_b": numbers([p.coverage_b for p in pairs], np.float64),
            "n_passages": numbers([len(p.passages) for p in pairs], np.int32),
        }
    )


def passages_table(pairs: list[Pair]) -> pa.Table:
    """Return one row per aligned passage, with raw offsets into both documents."""
    rows = [(p, k, q) for p in pairs for k, q in enumerate(p.passages)]
    return pa.table(
        {
            "doc_a": strings([p.doc_a for p, _, _ in rows]),
            "doc_b": strings([p.doc_b for p, _, _ in rows]),
            "passage": numbers([k for _, k, _ in rows], np.int32),
            "a_start": numbers([q.a[0] for _, _, q in rows], np.int64),
            "a_end": numbers([q.a[1] for _, _, q in rows], np.int64),
            "b_start": numbers([q.b[0] for _, _, q in rows], np.int64),
            "b_end": numbers([q.b[1] for _, _, q in rows], np.int64),
            "similarity": numbers([q.similarity for _, _, q in rows], np.float64),
        }
    )


def stories_table(stories: Sequence[Story]) -> pa.Table:
    """Return one row per story: size, representative and its span, origin, dates, sites."""
    reps = [s.member(s.representative) for s in stories]
    return pa.table(
        {
            "story_id": strings([s.id for s in stories]),
            "size": numbers([s.size for s in stories], np.int32),
            "representative": strings([s.representative for s in stories]),
            "rep_start": numbers([m.spans[0][0] if m and m.spans else 0 for m in reps], np.int64),
            "rep_end": numbers([m.spans[-1][1] if m and m.spans else 0 for m in reps], np.int64),
            "origin": strings([s.origin for s in stories]),
            "first_date": strings([s.first_date for s in stories]),
            "last_date": strings([s.last_date for s in stories]),
            "sites": numbers([s.sites for s in stories], np.int32),
        }
    )


def story_members_table(stories: Sequence[Story]) -> pa.Table:
    """Return one row per story member: its relation to the story's text, its source in the
    copy tree, similarity and coverage, and its raw spans (``starts``/``ends``)."""
    rows = [(s.id, m) for s in stories for m in s.members]
    return pa.table(
        {
            "story_id": strings([sid for sid, _ in rows]),
            "doc_id": strings([m.doc_id for _, m in rows]),
            "relation": strings([m.relation for _, m in rows]),
            "source": strings([m.source for _, m in rows]),
            "similarity": numbers([m.similarity for _, m in rows], np.float64),
            "coverage": numbers([m.coverage for _, m in rows], np.float64),
            "starts": number_lists([[a for a, _ in m.spans] for _, m in rows]),
            "ends": number_lists([[b for _, b in m.spans] for _, m in rows]),
        }
    )


def annotations_table(annotations: dict[str, tuple[Annotation, ...]]) -> pa.Table:
    """Return one row per boilerplate line: document, raw span, kind and rule."""
    rows = [(doc, a) for doc, marks in annotations.items() for a in marks]
    return pa.table(
        {
            "doc_id": strings([d for d, _ in rows]),
            "start": numbers([a.start for _, a in rows], np.int64),
            "end": numbers([a.end for _, a in rows], np.int64),
            "kind": strings([a.kind for _, a in rows]),
            "rule": strings([a.rule for _, a in rows]),
        }
    )


def repairs_table(repairs: dict[str, tuple[Step, ...]]) -> pa.Table:
    """Return one row per encoding repair step: document, raw span, replacement, rule."""
    rows = [(doc, k, s) for doc, steps in repairs.items() for k, s in enumerate(steps)]
    return pa.table(
        {
            "doc_id": strings([d for d, _, _ in rows]),
            "step": numbers([k for _, k, _ in rows], np.int32),
            "start": numbers([s.start for _, _, s in rows], np.int64),
            "end": numbers([s.end for _, _, s in rows], np.int64),
            "replacement": strings([s.replacement for _, _, s in rows]),
            "rule": strings([s.rule for _, _, s in rows]),
            "confidence": numbers([s.confidence for _, _, s in rows], np.float64),
            "witness": strings([s.witness for _, _, s in rows]),
        }
    )


def evidence_table(found: dict[tuple[str, str], tuple[Evidence, ...]]) -> pa.Table:
    """Return one row per piece of evidence about a pair's direction."""
    rows = [(a, b, e) for (a, b), es in found.items() for e in es]
    return pa.table(
        {
            "doc_a": strings([a for a, _, _ in rows]),
            "doc_b": strings([b for _, b, _ in rows]),
            "kind": strings([e.kind for _, _, e in rows]),
            "favours": strings([e.favours for _, _, e in rows]),
            "weight": numbers([e.weight for _, _, e in rows], np.float64),
            "detail": strings([e.detail for _, _, e in rows]),
        }
    )

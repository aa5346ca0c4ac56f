"""Candidate pairs without comparing all pairs: an inverted index over sampled n-grams.

Each document is reduced to a *sketch*: its distinct word n-grams whose hash falls in
a fixed 1-in-``sample`` slice, so two documents sharing a passage keep the same
n-grams from it. Sorting all sketch entries by hash gives posting lists; lists
longer than ``max_df`` (boilerplate, stock phrases) are dropped, and every two
documents in a remaining list share one n-gram. Pairs sharing at least
``min_shared`` sampled n-grams are candidates. A shared passage of 40 words has 36
five-grams, of which 9 are expected in the sample; the chance of keeping fewer than
two is below 0.1%.

Cost: sorting is n log n in the number of sketch entries, and pair generation is
bounded by ``max_df`` per posting list, so the work grows about linearly with the
corpus when its true relations do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xxhash

from textreuse import jit
from textreuse.index.tokenize import ngrams

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class IndexConfig:
    """Options of the candidate search."""

    shingle_n: int = 5
    """Words per indexed n-gram."""
    sample: int = 4
    """Keep one n-gram in `sample`, chosen by hash so that all documents keep the same."""
    max_df: int = 100
    """N-grams found in more documents than this are too common to pair on."""
    min_shared: int = 2
    """Sampled n-grams two documents must share to become a candidate pair."""
    window: int = 50
    """Shared n-grams support each other only within this many words in both texts."""


def fingerprint(hashes: U64) -> int:
    """Return a hash of the whole normalised word sequence (equal for duplicates)."""
    return xxhash.xxh3_64_intdigest(np.ascontiguousarray(hashes).tobytes())


@dataclass(frozen=True)
class Sketch:
    """A document's sampled n-grams: distinct hashes and where each first occurs."""

    hashes: U64
    positions: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return int(self.hashes.shape[0])


def sketch(hashes: U64, *, config: IndexConfig = IndexConfig()) -> Sketch:
    """Return the distinct sampled n-grams of one document with their word positions.

    >>> from textreuse.index.tokenize import tokenize
    >>> s = sketch(tokenize(" ".join(f"w{k}" for k in range(400))).hashes)
    >>> 50 < len(s) < 150, bool((s.positions < 400).all())
    (True, True)
    """
    grams = ngrams(hashes, config.shingle_n)
    where = np.flatnonzero(grams % np.uint64(config.sample) == 0)
    uniq, first = np.unique(grams[where], return_index=True)
    return Sketch(uniq, where[first].astype(np.int32))


def sketch_many(hashes: list[U64], *, config: IndexConfig = IndexConfig()) -> list[Sketch]:
    """Return :func:`sketch` of each document, computed for all of them at once.

    >>> from textreuse.index.tokenize import tokenize
    >>> docs = [tokenize(" ".join(f"w{k}" for k in range(m))).hashes for m in (400, 3, 90)]
    >>> all(bool((x.hashes == y.hashes).all() and (x.positions == y.positions).all())
    ...     for x, y in zip(sketch_many(docs), [sketch(h) for h in docs]))
    True
    """
    n = config.shingle_n
    lengths = np.fromiter((h.shape[0] for h in hashes), dtype=np.int64, count=len(hashes))
    if not hashes or lengths.sum() < n:
        return [sketch(h, config=config) for h in hashes]
    kernels = jit.TOKENIZE.get(wait=False)
    if kernels is not None:
        g, at, sizes = kernels.sketch_arrays(np.concatenate(hashes), lengths, n, config.sample)
        ends = np.cumsum(sizes).tolist()
        return [Sketch(g[e - k : e], at[e - k : e]) for e, k in zip(ends, sizes.tolist())]
    doc = np.repeat(np.arange(len(hashes), dtype=np.int64), lengths)
    pos = np.arange(doc.shape[0], dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    grams = ngrams(np.concatenate(hashes), n)
    m = grams.shape[0]
    # An n-gram that runs over the end of its document into the next is not one.
    keep = (pos[:m] + n <= lengths[doc[:m]]) & (grams % np.uint64(config.sample) == 0)
    g, d, at = grams[keep], doc[:m][keep], pos[:m][keep]
    order = np.lexsort((at, g, d))
    g, d, at = g[order], d[order], at[order]
    first = np.ones(g.shape[0], dtype=bool)
    first[1:] = (g[1:] != g[:-1]) | (d[1:] != d[:-1])
    g, d, at = g[first], d[first], at[first]
    cuts = np.cumsum(np.bincount(d, minlength=len(hashes)))[:-1]
    at32 = at.astype(np.int32)
    return [Sketch(x, y) for x, y in zip(np.split(g, cuts), np.split(at32, cuts))]


# Sketch entries sorted at once, at most (about 70 MB of temporary arrays).
_PART_SIZE = 1_000_000


def _shared_ngrams(
    hashes: U64, docs: npt.NDArray[np.int32], places: npt.NDArray[np.int32],
    chosen: npt.NDArray[np.bool_], config: IndexConfig,
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Return ``(doc_a, doc_b, place_a, place_b)`` for each n-gram two documents share.

    Only the `chosen` entries are looked at; n-grams in more than ``max_df``
    documents are skipped.
    """
    where = np.flatnonzero(chosen)
    h, d, at = hashes[where], docs[where], places[where]
    # Entries come in document order, one per n-gram and document, so a stable sort by
    # hash orders them as lexsort((d, h)) does, in one sort instead of two.
    order = np.argsort(h, kind="stable")
    h, d, at = h[order], d[order], at[order]
    del where, order
    first = np.ones(h.shape[0], dtype=bool)
    first[1:] = h[1:] != h[:-1]
    starts = np.flatnonzero(first)
    size = np.diff(np.append(starts, h.shape[0]))
    group = np.cumsum(first) - 1
    keep = (size[group] >= 2) & (size[group] <= config.max_df)
    remaining = (size[group] - (np.arange(h.shape[0]) - starts[group]) - 1)[keep]
    d, at = d[keep], at[keep]
    out: list[list[npt.NDArray[np.int32]]] = [[], [], [], []]
    pos = np.arange(d.shape[0])
    offset = 1
    while pos.shape[0]:
        pos = pos[remaining[pos] >= offset]
        for column, values in zip(out, (d[pos], d[pos + offset], at[pos], at[pos + offset])):
            column.append(values)
        offset += 1
    if not out[0]:
        none = np.zeros(0, dtype=np.int32)
        return none, none, none, none
    a, b, pa, pb = (np.concatenate(column) for column in out)
    return a, b, pa, pb


def candidate_pairs(
    sketches: list[Sketch], *, config: IndexConfig = IndexConfig()
) -> tuple[I64, I64, I64]:
    """Return candidate pairs ``(a, b, shared)`` of sketch indices, ``a < b``.

    Two shared n-grams support each other only when they lie within ``window``
    words of each other in both documents, as n-grams of one shared passage do,
    without overlapping; chance matches of stock phrases are scattered or overlap.

    >>> a = Sketch(np.array([1, 2, 3], dtype=np.uint64), np.array([0, 9, 30]))
    >>> b = Sketch(np.array([1, 2], dtype=np.uint64), np.array([100, 108]))
    >>> phrase = Sketch(np.array([1, 2], dtype=np.uint64), np.array([300, 301]))
    >>> far = Sketch(np.array([1, 2], dtype=np.uint64), np.array([0, 900]))
    >>> pa, pb, shared = candidate_pairs([a, b, far, phrase])
    >>> pa.tolist(), pb.tolist(), shared.tolist()
    ([0], [1], [2])
    """
    empty = np.zeros(0, dtype=np.int64)
    if len(sketches) < 2:
        return empty, empty, empty
    sizes = np.fromiter((len(s) for s in sketches), dtype=np.int64, count=len(sketches))
    if not sizes.sum():
        return empty, empty, empty
    hashes = np.concatenate([s.hashes for s in sketches])
    places = np.concatenate([s.positions for s in sketches]).astype(np.int32, copy=False)
    docs = np.repeat(np.arange(len(sketches), dtype=np.int32), sizes)
    # Posting lists are built a slice of the hash range at a time, so the sort's
    # temporary arrays stay small whatever the corpus size.
    parts = min(65535, max(1, -(-hashes.shape[0] // _PART_SIZE)))
    # Slices by high bits: n-gram hashes are uniform there (sampling looked at low bits).
    slice_of = ((hashes >> np.uint64(40)) % np.uint64(parts)).astype(np.uint16)
    found = [_shared_ngrams(hashes, docs, places, slice_of == part, config) for part in range(parts)]
    del hashes, places, docs, slice_of
    a, b, pa, pb = (np.concatenate([f[k] for f in found]) for k in range(4))
    del found
    # Pairs are judged a slice of first documents at a time, again to bound memory.
    slices = max(1, -(-a.shape[0] // _PART_SIZE))
    judged = [_linked_pairs(a, b, pa, pb, a % slices == part, config) for part in range(slices)]
    out = [np.concatenate([j[k] for j in judged]) for k in range(3)]
    order = np.lexsort((out[1], out[0]))
    return out[0][order], out[1][order], out[2][order]


def _linked_pairs(
    a: npt.NDArray[np.int32],
    b: npt.NDArray[np.int32],
    pa: npt.NDArray[np.int32],
    pb: npt.NDArray[np.int32],
    chosen: npt.NDArray[np.bool_],
    config: IndexConfig,
) -> tuple[I64, I64, I64]:
    """Return the pairs ``(a, b, shared)`` among the `chosen` shared n-grams that qualify."""
    where = np.flatnonzero(chosen)
    a, b, pa, pb = a[where], b[where], pa[where], pb[where]
    # Documents are non-negative int32, so one int64 key orders by (a, b): two sort
    # passes instead of three, the same order.
    order = np.lexsort((pa, (a.astype(np.int64) << 32) | b.astype(np.int64)))
    a, b, pa, pb = a[order], b[order], pa[order], pb[order]
    del where, order
    new_pair = np.ones(a.shape[0], dtype=bool)
    new_pair[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    # Each shared n-gram links to the first one of the same pair that starts at least
    # shingle_n words later in text a, if that one also lies within `window` words in
    # both texts without overlapping there either: overlapping n-grams of one short
    # stock phrase ("and James Grady made in the") are one piece of evidence, not two.
    run = np.cumsum(new_pair) - 1
    stride = int(pa.max(initial=0)) + config.shingle_n + 1
    place = run * stride + pa
    nxt = np.minimum(np.searchsorted(place, place + config.shingle_n, side="left"), a.shape[0] - 1)
    step_b = np.abs(pb[nxt] - pb)
    link = (
        (run[nxt] == run)
        & (pa[nxt] - pa >= config.shingle_n)
        & (pa[nxt] - pa <= config.window)
        & (step_b <= config.window)
        & (step_b >= config.shingle_n)
    )
    heads = np.flatnonzero(new_pair)
    counts = np.diff(np.append(heads, a.shape[0]))
    links = np.add.reduceat(link.astype(np.int64), heads) if heads.shape[0] else heads
    sel = (counts >= config.min_shared) & (links >= config.min_shared - 1)
    return a[heads][sel].astype(np.int64), b[heads][sel].astype(np.int64), counts[sel].astype(np.int64)


def query_candidates(
    query: Sketch,
    hashes: U64,
    docs: npt.NDArray[np.int32],
    places: npt.NDArray[np.int32],
    df: I64,
    *,
    config: IndexConfig = IndexConfig(),
) -> tuple[I64, I64]:
    """Return the indexed documents a new document pairs with, and the n-grams each shares.

    The rows ``(hashes, docs, places)`` are the entries of a stored index whose hash is
    in `query`'s sketch, and ``df`` the size of each hash's posting list there. The new
    document is judged as one more document of the corpus, after all the others: the
    same ``max_df`` cap (its own entry counted), ``min_shared`` and ``window`` rules as
    :func:`candidate_pairs`, through the same code.

    >>> q = Sketch(np.array([1, 2, 5], dtype=np.uint64), np.array([100, 108, 300], dtype=np.int32))
    >>> rows = (np.array([1, 2, 1, 2], dtype=np.uint64), np.array([0, 0, 3, 3], dtype=np.int32),
    ...         np.array([0, 9, 0, 900], dtype=np.int32), np.array([2, 2, 2, 2]))
    >>> [x.tolist() for x in query_candidates(q, *rows)]
    [[0], [2]]
    """
    empty = np.zeros(0, dtype=np.int64)
    keep = (df + 1 <= config.max_df) & np.isin(hashes, query.hashes)
    if not keep.any():
        return empty, empty
    h, a, pa = hashes[keep], docs[keep].astype(np.int32), places[keep].astype(np.int32)
    # The new document comes last, so it is side b of every pair, as in a scan.
    b = np.full(h.shape[0], int(a.max()) + 1, dtype=np.int32)
    pb = query.positions[np.searchsorted(query.hashes, h)].astype(np.int32)
    found, _, shared = _linked_pairs(a, b, pa, pb, np.ones(h.shape[0], dtype=bool), config)
    return found, shared

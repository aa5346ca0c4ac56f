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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import xxhash

from textreuse import jit
from textreuse.index.runs import Runs
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


def entries(sketches: Sequence[Sketch]) -> tuple[U64, npt.NDArray[np.int32], I64]:
    """Return every entry of `sketches` as columns: hashes, positions, sizes per sketch."""
    sizes = np.fromiter((len(s) for s in sketches), dtype=np.int64, count=len(sketches))
    if not sizes.sum():
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32), sizes
    hashes = np.concatenate([s.hashes for s in sketches]).astype(np.uint64, copy=False)
    places = np.concatenate([s.positions for s in sketches]).astype(np.int32, copy=False)
    return hashes, places, sizes


# Sketch entries sorted at once, at most (about 70 MB of temporary arrays).
_PART_SIZE = 1_000_000


Quad = tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.int32]]


def _empty_quad() -> Quad:
    none = np.zeros(0, dtype=np.int32)
    return none, none, none, none


def shared_ngrams(
    hashes: U64, docs: npt.NDArray[np.int32], places: npt.NDArray[np.int32],
    chosen: npt.NDArray[np.bool_], config: IndexConfig,
) -> tuple[Quad, LongLists]:
    """Return ``(doc_a, doc_b, place_a, place_b)`` for each n-gram two documents share,
    and the posting lists longer than ``max_df``, which pair no two documents here.

    Only the `chosen` entries are looked at. A long list is either a stock phrase (one
    n-gram in many different texts) or a text copied many times; :func:`anchor_pairs`
    pairs its documents with one anchor each, so copies stay visible at any count.
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
    long_entry = size[group] > config.max_df
    long_lists = LongLists(group[long_entry].astype(np.int64), d[long_entry], at[long_entry])
    keep = (size[group] >= 2) & ~long_entry
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
        return _empty_quad(), long_lists
    a, b, pa, pb = (np.concatenate(column) for column in out)
    return (a, b, pa, pb), long_lists


@dataclass(frozen=True)
class LongLists:
    """Posting lists longer than ``max_df``: one row per entry, grouped by ``list_id``
    (rows of one list are adjacent and in document order)."""

    list_id: I64
    docs: npt.NDArray[np.int32]
    places: npt.NDArray[np.int32]


def anchor_priority(long_docs: npt.NDArray[np.int32], n_docs: int) -> I64:
    """Return, per document, how many of its sampled n-grams are in long posting lists.

    The document of a long list that holds the most such n-grams is the list's anchor:
    for a text copied many times, a whole copy of it (an excerpt or a quoting article
    holds only part); the same copy for most of the text's lists.

    >>> anchor_priority(np.array([0, 2, 2], dtype=np.int32), 4).tolist()
    [1, 0, 2, 0]
    """
    return np.bincount(long_docs.astype(np.int64), minlength=n_docs).astype(np.int64)


def anchor_pairs(lists: LongLists, priority: I64) -> Quad:
    """Return ``(doc_a, doc_b, place_a, place_b)`` pairing each document of a long posting
    list with the list's anchor (the member of highest `priority`, the least document
    among equals), ``doc_a < doc_b``.

    A list of m documents gives m - 1 rows instead of m(m - 1)/2, so a text copied
    100,000 times costs what 100,000 documents do; whether a row becomes a candidate is
    still judged by the window rule, which a stock phrase alone does not pass.

    >>> lists = LongLists(np.array([0, 0, 0]), np.array([3, 5, 8], np.int32), np.array([1, 2, 3], np.int32))
    >>> [x.tolist() for x in anchor_pairs(lists, np.array([0, 0, 0, 1, 0, 4, 0, 0, 4]))]
    [[5, 3], [8, 5], [2, 1], [3, 2]]
    """
    if lists.list_id.shape[0] == 0:
        return _empty_quad()
    ids, d, at = lists.list_id, lists.docs, lists.places
    # Order each list by priority, highest first, then by document: its head is the anchor.
    order = np.lexsort((d, -priority[d], ids))
    ids, d, at = ids[order], d[order], at[order]
    head = np.ones(ids.shape[0], dtype=bool)
    head[1:] = ids[1:] != ids[:-1]
    anchor_at = np.flatnonzero(head)[np.cumsum(head) - 1]
    rest = ~head
    x, y = d[anchor_at][rest], d[rest]
    px, py = at[anchor_at][rest], at[rest]
    swap = x > y
    a, b = np.where(swap, y, x), np.where(swap, x, y)
    pa, pb = np.where(swap, py, px), np.where(swap, px, py)
    return a.astype(np.int32), b.astype(np.int32), pa.astype(np.int32), pb.astype(np.int32)


@dataclass(frozen=True)
class Candidates:
    """Return-type of :func:`find_candidates`: pairs ``(a, b, shared)`` of sketch indices,
    ``a < b``, each sketch's anchor ``priority`` (see :func:`anchor_priority`), and
    whether each pair is ``anchored``: a candidate only through long posting lists.

    An anchored pair shares n-grams that many different texts hold (a stock passage, a
    footer) or a text copied many times; the relate stage keeps it only when it shows
    the latter (see :func:`textreuse.relate.pairs.held_by_copies`).
    """

    a: I64
    b: I64
    shared: I64
    priority: I64
    anchored: npt.NDArray[np.bool_]


def candidate_pairs(
    sketches: list[Sketch], *, config: IndexConfig = IndexConfig()
) -> tuple[I64, I64, I64]:
    """Return candidate pairs ``(a, b, shared)`` of sketch indices, ``a < b``.

    Two shared n-grams support each other only when they lie within ``window``
    words of each other in both documents, as n-grams of one shared passage do,
    without overlapping; chance matches of stock phrases are scattered or overlap.
    An n-gram in more than ``max_df`` documents counts only between each of them and
    its list's anchor (:func:`anchor_pairs`).

    >>> a = Sketch(np.array([1, 2, 3], dtype=np.uint64), np.array([0, 9, 30]))
    >>> b = Sketch(np.array([1, 2], dtype=np.uint64), np.array([100, 108]))
    >>> phrase = Sketch(np.array([1, 2], dtype=np.uint64), np.array([300, 301]))
    >>> far = Sketch(np.array([1, 2], dtype=np.uint64), np.array([0, 900]))
    >>> pa, pb, shared = candidate_pairs([a, b, far, phrase])
    >>> pa.tolist(), pb.tolist(), shared.tolist()
    ([0], [1], [2])
    """
    found = find_candidates(sketches, config=config)
    return found.a, found.b, found.shared


def find_candidates(
    sketches: Sequence[Sketch], *, config: IndexConfig = IndexConfig(), detours: bool = False, tmp: str | Path | None = None
) -> Candidates:
    """Return the candidate pairs of :func:`candidate_pairs` and the sketches' anchor priorities.

    Detours (:func:`without_detours`) are left out unless `detours` is true: a trace
    judges a new document by the pairs it makes with stored ones, detours included,
    since the database does not keep which stored documents pair with each other.
    The n-grams two documents share wait under `tmp` when there are many (:mod:`textreuse.index.runs`).
    """
    hashes, places, sizes = entries(sketches)
    return search([(hashes, places, sizes)], len(sketches), int(sizes.sum()), config=config, detours=detours, tmp=tmp)


Columns = tuple[U64, npt.NDArray[np.int32], I64]


def search(
    chunks: Iterable[Columns], n_docs: int, n_entries: int, *,
    config: IndexConfig = IndexConfig(), detours: bool = False, tmp: str | Path | None = None,
) -> Candidates:
    """Return :func:`find_candidates`' result for `n_docs` sketches of `n_entries` entries
    in all, given as `chunks` of consecutive sketches (hashes, positions, entries per
    sketch), which need not all be in memory at once (:meth:`SketchFile.chunks`).
    """
    empty = np.zeros(0, dtype=np.int64)
    if n_docs < 2 or not n_entries:
        return Candidates(empty, empty, empty, np.zeros(n_docs, dtype=np.int64), np.zeros(0, dtype=bool))
    # Posting lists are built a slice of the hash range at a time, so the sort's
    # temporary arrays stay small whatever the corpus size; the entries wait by slice
    # (on disk past Runs' budget).
    parts = min(65535, max(1, -(-n_entries // _PART_SIZE)))
    by_slice = Runs(parts, (np.uint64, np.int32, np.int32), folder=tmp)
    first = 0
    for hashes, places, sizes in chunks:
        docs = np.repeat(np.arange(first, first + sizes.shape[0], dtype=np.int32), sizes)
        first += sizes.shape[0]
        # Slices by high bits: n-gram hashes are uniform there (sampling looked at low bits).
        by_slice.add(((hashes >> np.uint64(40)) % np.uint64(parts)).astype(np.int64), (hashes, docs, places))
        del docs
    # The n-grams two documents share are listed a hash slice at a time and kept by pair
    # (on disk past Runs' budget), so each pair's rows can be judged together.
    buckets = min(4096, 4 * parts)
    runs = Runs(buckets, (np.int32, np.int32, np.int32, np.int32, np.bool_), folder=tmp)
    # Long lists wait by slice too (a list lies in one slice), until every slice has
    # counted its documents' long-list n-grams into the anchor priorities: a text copied
    # a million times holds a hundred million such entries.
    long_by_slice = Runs(parts, (np.int64, np.int32, np.int32), folder=tmp)
    priority = np.zeros(n_docs, dtype=np.int64)
    for part in range(parts):
        h, d, at = by_slice.bucket(part)
        found, long_part = shared_ngrams(
            h.astype(np.uint64, copy=False), d.astype(np.int32, copy=False), at.astype(np.int32, copy=False),
            np.ones(h.shape[0], dtype=bool), config,
        )
        del h, d, at
        runs.add(_pair_key(found[0], found[1]) % buckets, (*found, np.ones(found[0].shape[0], dtype=bool)))
        if long_part.docs.shape[0]:
            priority += anchor_priority(long_part.docs, n_docs)
            long_by_slice.add(np.full(long_part.docs.shape[0], part), (long_part.list_id, long_part.docs, long_part.places))
        del found, long_part
    by_slice.close()
    for part in range(parts):
        ids, d, at = long_by_slice.bucket(part)
        lists = LongLists(ids.astype(np.int64, copy=False), d.astype(np.int32, copy=False), at.astype(np.int32, copy=False))
        with_anchor = anchor_pairs(lists, priority)
        runs.add(_pair_key(with_anchor[0], with_anchor[1]) % buckets,
                 (*with_anchor, np.zeros(with_anchor[0].shape[0], dtype=bool)))
        del with_anchor, lists, ids, d, at
    long_by_slice.close()
    judged: list[tuple[I64, I64, I64]] = []
    anchored_parts: list[npt.NDArray[np.bool_]] = []
    for k in range(buckets):
        columns = runs.bucket(k)
        a, b, pa, pb = (c.astype(np.int32, copy=False) for c in columns[:4])
        listed = columns[4].astype(bool, copy=False)
        if not a.shape[0]:
            continue
        # A bucket's pairs are judged a slice of pairs at a time, to bound memory.
        slices = max(1, -(-a.shape[0] // _PART_SIZE))
        slice_of_row = (_pair_key(a, b) // buckets) % slices
        found_k = [linked_pairs(a, b, pa, pb, slice_of_row == part, config) for part in range(slices)]
        x, y = (np.concatenate([j[i] for j in found_k]) for i in range(2))
        judged.extend(found_k)
        # Which candidates the short lists alone make: the others are held by anchors only
        # (judged again only when anchors added entries; most corpora have no long list).
        if listed.all():
            anchored_parts.append(np.zeros(x.shape[0], dtype=bool))
        else:
            plain = [linked_pairs(a, b, pa, pb, listed & (slice_of_row == part), config) for part in range(slices)]
            px, py = (np.concatenate([j[i] for j in plain]) for i in range(2))
            anchored_parts.append(~np.isin((x << 32) | y, (px << 32) | py))
        del a, b, pa, pb, listed, columns
    runs.close()
    if not judged:
        return Candidates(empty, empty, empty, priority, np.zeros(0, dtype=bool))
    out = [np.concatenate([j[k] for j in judged]) for k in range(3)]
    anchored = np.concatenate(anchored_parts)
    order = np.lexsort((out[1], out[0]))
    x, y, shared, anchored = out[0][order], out[1][order], out[2][order], anchored[order]
    if anchored.any() and not detours:
        keep = without_detours(x, y, anchored, priority)
        x, y, shared, anchored = x[keep], y[keep], shared[keep], anchored[keep]
    return Candidates(x, y, shared, priority, anchored)


def _pair_key(a: npt.NDArray[np.int32], b: npt.NDArray[np.int32]) -> I64:
    """Return a key of each pair ``(a, b)`` that spreads the pairs of one document: the
    anchor of a text copied a million times is the first document of a million pairs.

    >>> (_pair_key(np.array([3, 3], np.int32), np.array([5, 6], np.int32)) % 4).tolist()
    [2, 3]
    """
    return a.astype(np.int64) * 1_000_003 + b.astype(np.int64)  # under 2**52: ids are int32


def without_detours(a: I64, b: I64, anchored: npt.NDArray[np.bool_], priority: I64) -> npt.NDArray[np.bool_]:
    """Return which candidate pairs ``(a, b)`` (``a < b``) to keep: all but the detours.

    Of an anchored pair the side of higher anchor `priority` (the lesser document among
    equals) is its anchor, the other its member. A member's best anchor is the one of
    highest priority among its anchored pairs (the lesser document among equals). A
    detour is an anchored pair of a member with another anchor that is itself a
    candidate with the best one: a copy of a text copied many times pairs with the
    fullest copy (the anchor of most of the text's long lists) and, for the lists that
    copy's own edits left out, with the next one; aligning it with both costs twice and
    tells nothing the story does not. Only members holding at least half as many
    long-list n-grams as their best anchor (a whole copy, not an excerpt or a quote,
    which the second anchor may align where the first does not) lose their detours, and
    anchors that do not pair with each other (two texts a document quotes) are kept.

    >>> a, b = np.array([0, 0, 1, 1]), np.array([1, 2, 2, 3])
    >>> without_detours(a, b, np.ones(4, dtype=bool), np.array([9, 8, 5, 1])).tolist()
    [True, True, False, True]
    >>> without_detours(a, b, np.ones(4, dtype=bool), np.array([9, 8, 4, 1])).tolist()
    [True, True, True, True]
    """
    keep = np.ones(a.shape[0], dtype=bool)
    at = np.flatnonzero(anchored)
    if at.shape[0] < 2:
        return keep
    x, y = a[at], b[at]
    y_anchors = priority[y] > priority[x]
    member, anchor = np.where(y_anchors, x, y), np.where(y_anchors, y, x)
    order = np.lexsort((anchor, -priority[anchor], member))
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = member[order][1:] != member[order][:-1]
    best = np.empty_like(anchor)
    best[order] = anchor[order][np.flatnonzero(first)[np.cumsum(first) - 1]]
    lo, hi = np.minimum(anchor, best), np.maximum(anchor, best)
    whole = 2 * priority[member] >= priority[best]
    detour = whole & (anchor != best) & np.isin((lo << 32) | hi, (a << 32) | b)
    keep[at[detour]] = False
    return keep


def linked_pairs(
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
    priority: I64,
    *,
    config: IndexConfig = IndexConfig(),
) -> tuple[I64, I64]:
    """Return the indexed documents a new document pairs with, and the n-grams each shares.

    The rows ``(hashes, docs, places)`` are entries of a stored index whose hash is in
    `query`'s sketch, ``df`` the size of each hash's posting list there and ``priority``
    each row's document's anchor priority with the new document added (lists it makes
    longer than ``max_df`` count). Lists that stay within ``max_df`` must come whole;
    longer ones need only their top-priority entry, unless the new document outranks it
    (then whole). The new document is judged as one more document of the corpus, after
    all the others: the same ``max_df`` cap and anchors (its own entry counted),
    ``min_shared`` and ``window`` rules as :func:`candidate_pairs`, through the same code.

    >>> q = Sketch(np.array([1, 2, 5], dtype=np.uint64), np.array([100, 108, 300], dtype=np.int32))
    >>> rows = (np.array([1, 2, 1, 2], dtype=np.uint64), np.array([0, 0, 3, 3], dtype=np.int32),
    ...         np.array([0, 9, 0, 900], dtype=np.int32), np.array([2, 2, 2, 2]), np.zeros(4, np.int64))
    >>> [x.tolist() for x in query_candidates(q, *rows)]
    [[0], [2]]
    """
    empty = np.zeros(0, dtype=np.int64)
    inside = np.isin(hashes, query.hashes)
    hashes, docs, places, df, priority = hashes[inside], docs[inside], places[inside], df[inside], priority[inside]
    long_row = df + 1 > config.max_df
    own_priority = int(np.unique(hashes[long_row]).shape[0])
    # Each long list's anchor: its top stored entry, or the new document when it
    # outranks that (it comes last, so it loses ties); it then pairs with every entry.
    order = np.lexsort((docs, -priority, hashes))
    head = np.ones(order.shape[0], dtype=bool)
    head[1:] = hashes[order][1:] != hashes[order][:-1]
    top = np.zeros(hashes.shape[0], dtype=bool)
    top[order[head]] = True
    top_priority = priority[order][head][np.cumsum(head) - 1]
    outranked = np.zeros(hashes.shape[0], dtype=bool)
    outranked[order] = own_priority > top_priority
    keep = ~long_row | top | outranked
    if not keep.any():
        return empty, empty
    h, a, pa = hashes[keep], docs[keep].astype(np.int32), places[keep].astype(np.int32)
    # The new document comes last, so it is side b of every pair, as in a scan.
    b = np.full(h.shape[0], int(a.max()) + 1, dtype=np.int32)
    pb = query.positions[np.searchsorted(query.hashes, h)].astype(np.int32)
    found, _, shared = linked_pairs(a, b, pa, pb, np.ones(h.shape[0], dtype=bool), config)
    return found, shared

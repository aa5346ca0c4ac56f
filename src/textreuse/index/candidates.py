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
    positions: I64

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
    return Sketch(uniq, where[first].astype(np.int64))


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
    return [Sketch(x, y) for x, y in zip(np.split(g, cuts), np.split(at, cuts))]


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
    h = np.concatenate([s.hashes for s in sketches])
    at = np.concatenate([s.positions for s in sketches])
    d = np.repeat(np.arange(len(sketches), dtype=np.int64), sizes)
    order = np.lexsort((d, h))
    h, d, at = h[order], d[order], at[order]
    first = np.concatenate(([True], h[1:] != h[:-1]))
    starts = np.flatnonzero(first)
    size = np.diff(np.append(starts, h.shape[0]))
    group = np.cumsum(first) - 1
    keep = (size[group] >= 2) & (size[group] <= config.max_df)
    d, at = d[keep], at[keep]
    remaining = (size[group] - (np.arange(h.shape[0]) - starts[group]) - 1)[keep]
    n_docs = np.int64(len(sketches))
    keys, pos_a, pos_b = [], [], []
    pos = np.arange(d.shape[0])
    offset = 1
    while pos.shape[0]:
        pos = pos[remaining[pos] >= offset]
        keys.append(d[pos] * n_docs + d[pos + offset])
        pos_a.append(at[pos])
        pos_b.append(at[pos + offset])
        offset += 1
    if not keys:
        return empty, empty, empty
    key, pa, pb = np.concatenate(keys), np.concatenate(pos_a), np.concatenate(pos_b)
    if key.shape[0] == 0:
        return empty, empty, empty
    order = np.lexsort((pa, key))
    key, pa, pb = key[order], pa[order], pb[order]
    # Each shared n-gram links to the first one of the same pair that starts at least
    # shingle_n words later in text a, if that one also lies within `window` words in
    # both texts without overlapping there either: overlapping n-grams of one short
    # stock phrase ("and James Grady made in the") are one piece of evidence, not two.
    run = np.cumsum(np.concatenate(([0], key[1:] != key[:-1])))
    stride = int(pa.max()) + config.shingle_n + 1
    place = run * stride + pa
    nxt = np.searchsorted(place, place + config.shingle_n, side="left")
    has = nxt < key.shape[0]
    nxt = np.minimum(nxt, key.shape[0] - 1)
    link = (
        has
        & (run[nxt] == run)
        & (pa[nxt] - pa <= config.window)
        & (np.abs(pb[nxt] - pb) <= config.window)
        & (np.abs(pb[nxt] - pb) >= config.shingle_n)
    )
    uniq, index, counts = np.unique(key, return_index=True, return_counts=True)
    links = np.add.reduceat(link.astype(np.int64), index)
    sel = (counts >= config.min_shared) & (links >= config.min_shared - 1)
    uniq = uniq[sel]
    return uniq // n_docs, uniq % n_docs, counts[sel].astype(np.int64)

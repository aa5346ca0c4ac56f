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


def fingerprint(hashes: U64) -> int:
    """Return a hash of the whole normalised word sequence (equal for duplicates)."""
    return xxhash.xxh3_64_intdigest(np.ascontiguousarray(hashes).tobytes())


def sketch(hashes: U64, *, config: IndexConfig = IndexConfig()) -> U64:
    """Return the sorted distinct sampled n-gram hashes of one document.

    >>> from textreuse.index.tokenize import tokenize
    >>> s = sketch(tokenize(" ".join(f"w{k}" for k in range(400))).hashes)
    >>> 50 < s.shape[0] < 150
    True
    """
    grams = ngrams(hashes, config.shingle_n)
    return np.unique(grams[grams % np.uint64(config.sample) == 0])


def candidate_pairs(
    sketches: list[U64], *, config: IndexConfig = IndexConfig()
) -> tuple[I64, I64, I64]:
    """Return candidate pairs ``(a, b, shared)`` of sketch indices, ``a < b``.

    >>> a = np.array([1, 2, 3], dtype=np.uint64)
    >>> pa, pb, shared = candidate_pairs([a, a[:2], np.array([9], dtype=np.uint64)])
    >>> pa.tolist(), pb.tolist(), shared.tolist()
    ([0], [1], [2])
    """
    empty = np.zeros(0, dtype=np.int64)
    if len(sketches) < 2:
        return empty, empty, empty
    sizes = np.fromiter((s.shape[0] for s in sketches), dtype=np.int64, count=len(sketches))
    h = np.concatenate(sketches) if sizes.sum() else np.zeros(0, dtype=np.uint64)
    d = np.repeat(np.arange(len(sketches), dtype=np.int64), sizes)
    order = np.lexsort((d, h))
    h, d = h[order], d[order]
    if h.shape[0] == 0:
        return empty, empty, empty
    first = np.concatenate(([True], h[1:] != h[:-1]))
    starts = np.flatnonzero(first)
    size = np.diff(np.append(starts, h.shape[0]))
    group = np.cumsum(first) - 1
    keep = (size[group] >= 2) & (size[group] <= config.max_df)
    d = d[keep]
    remaining = (size[group] - (np.arange(h.shape[0]) - starts[group]) - 1)[keep]
    n_docs = np.int64(len(sketches))
    keys = []
    pos = np.arange(d.shape[0])
    offset = 1
    while pos.shape[0]:
        pos = pos[remaining[pos] >= offset]
        keys.append(d[pos] * n_docs + d[pos + offset])
        offset += 1
    if not keys:
        return empty, empty, empty
    uniq, counts = np.unique(np.concatenate(keys), return_counts=True)
    sel = counts >= config.min_shared
    uniq = uniq[sel]
    return uniq // n_docs, uniq % n_docs, counts[sel].astype(np.int64)

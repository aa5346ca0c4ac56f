"""Summary mode: find a short passage that condenses a long stretch of the other text.

A summary shares few word n-grams with its source: it keeps the source's content words
but rewrites the sentences around them and compresses many sentences into one. The
seed aligner of :mod:`textreuse.align.local_align` finds only fragments of it, or
nothing. The best PAN text-alignment systems (Sanchez-Perez et al. 2014) compare
sentences by tf-idf cosine instead and, when the matched stretch of one text is much
shorter than that of the other, allow a larger gap on the long side.

This module does the same on token hashes alone, so it runs wherever the aligner runs:

1. cut each text into windows of ``window`` tokens (sentence-sized units that need no
   punctuation);
2. weight each window's set of words by tf-idf, the document frequency being counted
   over the windows of both texts, and take the cosine of every window of one text
   with every window of the other;
3. keep, for each window of the short (summary) side, its best window on the other
   side if the cosine reaches ``min_cosine``;
4. group the kept matches: close together on the summary side (``gap`` windows), with
   the wider ``source_gap`` on the long side;
5. report a group as a summary only if the evidence says so: at least ``min_windows``
   matches, a mean cosine of ``mean_cosine`` or more and a sum of ``min_total`` or
   more, a long-side extent at least ``ratio`` times the summary-side extent,
   long-side matches spread out (at least ``min_jumps`` jumps of more than ``gap``
   windows) and in mostly the same order on both sides (a summary keeps its source's
   order; chance matches of a shared topic do not).

A copied or lightly reworded passage matches along a diagonal, so its long-side extent
is close to its short-side extent and it is not taken for a summary; the aligner also
drops a summary whose summary side overlaps a long close copy it found
(``copy_similarity``), and runs the summary mode only when its own passages leave room
for one (nothing found, reworded passages, or short fragments).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from textreuse import jit

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]

# Window pairs up to which cosines are summed in a table of all pairs.
_DENSE = 1 << 22

Span = tuple[int, int, int, int, float]
"""Token ranges ``(a0, a1, b0, b1)`` and the mean cosine of the matched windows."""


@dataclass(frozen=True)
class SummaryConfig:
    """Options of the summary mode, in windows of ``window`` tokens."""

    window: int = 15
    """Tokens per window (about a sentence)."""
    min_cosine: float = 0.25
    """Smallest tf-idf cosine of two windows that counts as a match."""
    gap: int = 3
    """Largest gap between matched windows on the summary side."""
    source_gap: int = 60
    """Largest gap between matched windows on the long side."""
    min_windows: int = 3
    """Fewest matched windows of a summary."""
    mean_cosine: float = 0.33
    """Smallest mean cosine of a summary's matched windows."""
    min_total: float = 1.2
    """Smallest sum of a summary's matched cosines: a few weak chance matches of a
    shared topic do not make a summary."""
    ratio: float = 2.5
    """The long side must span at least this many times the summary side."""
    min_jumps: int = 2
    """Fewest jumps of more than ``gap`` windows between the long side's matches."""
    min_order: float = 0.0
    """Smallest Kendall rank correlation of the matches' positions on the two sides."""
    copy_similarity: float = 0.9
    """A summary-side stretch that overlaps an aligned passage this similar (and at
    least twice the aligner's ``min_words`` long) is a copy with stray matches around
    it, not a summary: the span is dropped."""
    both_ways: bool = False
    """Also look for summaries in text b of stretches of text a. Off: on PAN 2013 the
    reverse direction took a short source reused at several places of a long text for
    a summary of it (random and translation obfuscation lost 0.005 plagdet)."""


def _distinct(keys: I64) -> I64:
    """Return the distinct values of `keys`, sorted."""
    keys = np.sort(keys)
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))]


def window_cosines(ha: U64, hb: U64, *, window: int, min_cosine: float) -> tuple[I64, I64, F64]:
    """Return ``(i, j, cosine)`` for window pairs of text a and text b at or above `min_cosine`.

    Windows are consecutive runs of `window` tokens; each is a set of words weighted by
    ``log(N / df)``, with N the number of windows of both texts and df the number of
    them that hold the word. Dot products are summed over the (window of a, window of
    b) pairs that share a word, so the cost follows the shared words, not the product
    of the texts' lengths, and no BLAS thread pool is started (worker processes
    would fight over the cores). Compiled kernels count and sum when they are loaded
    (:func:`window_cosines_numpy` is the reference), with the same results to the bit.

    >>> h = np.arange(40, dtype=np.uint64)
    >>> i, j, c = window_cosines(h, h[20:], window=10, min_cosine=0.5)
    >>> i.tolist(), j.tolist(), [round(float(x), 3) for x in c]
    ([2, 3], [0, 1], [1.0, 1.0])
    """
    if ha.shape[0] == 0 or hb.shape[0] == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
    na = (ha.shape[0] + window - 1) // window
    nb = (hb.shape[0] + window - 1) // window
    kernels = jit.ALIGN.get()
    if kernels is None or na * nb > _DENSE:
        return window_cosines_numpy(ha, hb, window=window, min_cosine=min_cosine)
    ha, hb = np.ascontiguousarray(ha, dtype=np.uint64), np.ascontiguousarray(hb, dtype=np.uint64)
    xa, ya, xb, yb, ca, cb = kernels.window_words(ha, hb, window)
    idf = np.log((na + nb) / np.maximum(ca + cb, 1))  # numpy's log, as the numpy code takes it
    return kernels.window_dots(xa, ya, xb, yb, ca, cb, idf, na, nb, min_cosine)  # type: ignore[no-any-return]


def window_cosines_numpy(ha: U64, hb: U64, *, window: int, min_cosine: float) -> tuple[I64, I64, F64]:
    """Return :func:`window_cosines` with numpy alone: the reference of the compiled path."""
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))
    if ha.shape[0] == 0 or hb.shape[0] == 0:
        return empty
    # word ids by one sort (np.unique costs more on arrays this small)
    both = np.concatenate((ha, hb))
    order = np.argsort(both)
    ordered = both[order]
    first = np.empty(ordered.shape[0], dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    ids = np.cumsum(first) - 1
    inverse = np.empty_like(ids)
    inverse[order] = ids
    v = int(ids[-1]) + 1
    na = (ha.shape[0] + window - 1) // window
    nb = (hb.shape[0] + window - 1) // window
    # (word, window) incidences, each once, sorted by word then window
    ka = _distinct(inverse[: ha.shape[0]] * na + np.arange(ha.shape[0]) // window)
    kb = _distinct(inverse[ha.shape[0] :] * nb + np.arange(hb.shape[0]) // window)
    xa, ya = ka // na, ka % na
    xb, yb = kb // nb, kb % nb
    ca = np.bincount(xa, minlength=v)
    cb = np.bincount(xb, minlength=v)
    idf = np.log((na + nb) / np.maximum(ca + cb, 1))
    norm_a = np.sqrt(np.bincount(ya, weights=idf[xa] ** 2, minlength=na))
    norm_b = np.sqrt(np.bincount(yb, weights=idf[xb] ** 2, minlength=nb))
    shared = np.flatnonzero((ca > 0) & (cb > 0))
    if shared.shape[0] == 0:
        return empty
    counts = ca[shared] * cb[shared]
    total = int(counts.sum())
    word = np.repeat(shared, counts)
    k = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    first_a, first_b = np.cumsum(ca) - ca, np.cumsum(cb) - cb
    i = ya[first_a[word] + k // cb[word]]
    j = yb[first_b[word] + k % cb[word]]
    if na * nb <= _DENSE:  # a dense table is cheaper than sorting the pairs
        dense = np.bincount(i * nb + j, weights=idf[word] ** 2, minlength=na * nb)
        cells = np.flatnonzero(dense)
        dots = dense[cells]
    else:
        cells, where = np.unique(i * nb + j, return_inverse=True)
        dots = np.bincount(where, weights=idf[word] ** 2)
    i, j = cells // nb, cells % nb
    cos = np.minimum(dots / np.maximum(norm_a[i] * norm_b[j], 1e-12), 1.0)
    keep = cos >= min_cosine - 1e-9
    return i[keep], j[keep], cos[keep]


def best_matches(i: I64, j: I64, cos: F64) -> tuple[I64, I64, F64]:
    """Return, for each distinct ``i``, only its match of highest cosine (first on ties).

    >>> r = best_matches(np.array([0, 0, 1]), np.array([5, 6, 7]), np.array([0.3, 0.9, 0.4]))
    >>> [x.tolist() for x in r]
    [[0, 1], [6, 7], [0.9, 0.4]]
    """
    if i.shape[0] == 0:
        return i, j, cos
    order = np.lexsort((j, -cos, i))
    i, j, cos = i[order], j[order], cos[order]
    first = np.concatenate(([True], i[1:] != i[:-1]))
    return i[first], j[first], cos[first]


def _groups(i: I64, j: I64, gap_i: int, gap_j: int) -> list[I64]:
    """Return groups of match indices, split alternately by gaps along i and along j."""
    kernels = jit.ALIGN.get()
    if kernels is None:
        return _groups_numpy(i, j, gap_i, gap_j)
    i, j = np.ascontiguousarray(i, dtype=np.int64), np.ascontiguousarray(j, dtype=np.int64)
    members, bounds = kernels.split_groups(i, j, gap_i, gap_j)
    return [members[lo:hi] for lo, hi in bounds.tolist()]


def _groups_numpy(i: I64, j: I64, gap_i: int, gap_j: int) -> list[I64]:
    """Return :func:`_groups` with numpy alone: the reference of the compiled path."""
    work = [np.arange(i.shape[0], dtype=np.int64)]
    done: list[I64] = []
    while work:
        group = work.pop()
        for coord, limit in ((i, gap_i), (j, gap_j)):
            ordered = group[np.argsort(coord[group], kind="stable")]
            breaks = np.flatnonzero(np.diff(coord[ordered]) > limit) + 1
            if breaks.shape[0]:
                work.extend(np.split(ordered, breaks))
                break
        else:
            done.append(group)
    return done


def rank_order(i: I64, j: I64) -> float:
    """Return Kendall's rank correlation (tau-a) of the positions ``i`` and ``j``.

    >>> rank_order(np.array([0, 1, 2]), np.array([5, 9, 7]))
    0.3333333333333333
    """
    n = i.shape[0]
    if n < 2:
        return 0.0
    agree = np.sign(i[:, None] - i[None, :]) * np.sign(j[:, None] - j[None, :])
    return float(agree.sum() / (n * (n - 1)))


def summary_groups(
    i: I64, j: I64, cos: F64, *, config: SummaryConfig
) -> list[tuple[int, int, int, int, float]]:
    """Return the groups of best matches that pass the summary tests, as window ranges.

    `i` are windows of the summary side, `j` of the long side; each ``i`` appears once
    (see :func:`best_matches`). Ranges are half-open ``(i0, i1, j0, j1)``, then the mean
    cosine.

    >>> i = np.array([10, 11, 12, 13])
    >>> j = np.array([0, 9, 20, 33])
    >>> summary_groups(i, j, np.array([0.5, 0.4, 0.6, 0.5]), config=SummaryConfig())
    [(10, 14, 0, 34, 0.5)]
    >>> summary_groups(i, i + 5, np.array([0.5, 0.4, 0.6, 0.5]), config=SummaryConfig())
    []
    """
    out: list[tuple[int, int, int, int, float]] = []
    if i.shape[0] < config.min_windows:
        return out
    for g in _groups(i, j, config.gap, config.source_gap):
        if g.shape[0] < config.min_windows:
            continue
        gi, gj, gc = i[g], j[g], cos[g]
        i0, i1, j0, j1 = int(gi.min()), int(gi.max()) + 1, int(gj.min()), int(gj.max()) + 1
        if j1 - j0 < config.ratio * (i1 - i0) or float(gc.mean()) < config.mean_cosine:
            continue
        if float(gc.sum()) < config.min_total:
            continue
        if int((np.diff(np.sort(gj)) > config.gap).sum()) < config.min_jumps:
            continue
        if rank_order(gi, gj) < config.min_order:
            continue
        out.append((i0, i1, j0, j1, float(gc.mean())))
    return out


def summary_spans(ha: U64, hb: U64, *, config: SummaryConfig = SummaryConfig()) -> list[Span]:
    """Return summaries shared by two texts, either way round, as token ranges.

    Each is ``(a0, a1, b0, b1, similarity)``: a summary in text a of ``[b0, b1)`` in
    text b, or a summary in text b of ``[a0, a1)`` in text a; the similarity is the mean
    cosine of the matched windows.
    """
    w = config.window
    i, j, cos = window_cosines(ha, hb, window=w, min_cosine=config.min_cosine)
    if i.shape[0] < config.min_windows:
        return []
    na, nb = ha.shape[0], hb.shape[0]
    spans: list[Span] = []
    for i0, i1, j0, j1, sim in summary_groups(*best_matches(i, j, cos), config=config):
        spans.append((i0 * w, min(i1 * w, na), j0 * w, min(j1 * w, nb), sim))
    if not config.both_ways:
        return spans
    for j0, j1, i0, i1, sim in summary_groups(*best_matches(j, i, cos), config=config):
        spans.append((i0 * w, min(i1 * w, na), j0 * w, min(j1 * w, nb), sim))
    return spans

"""Local alignment of two token sequences: seeds, clusters, maximal passages.

Seeds are shared word n-grams. Seeds are grouped by their gaps along each text in
turn (as the best PAN text-alignment systems cluster seeds), which survives word
substitutions, insertions, deletions and local shuffles: none of those moves the
surrounding seeds far along either text. Clusters that touch in both texts are merged,
so a passage is reported once, as long as the shared text runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from types import ModuleType

import numpy as np
import numpy.typing as npt

from textreuse import jit
from textreuse.align import windows
from textreuse.align.summary import SummaryConfig, summary_spans
from textreuse.index.tokenize import Tokens, ngrams
from textreuse.model import Passage

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
_U64 = np.dtype(np.uint64)


@dataclass(frozen=True)
class AlignConfig:
    """Options of the local aligner, in tokens (words)."""

    seed_n: int = 3
    """Words per seed n-gram."""
    max_gap: int = 30
    """Largest run of unmatched words that a passage may bridge."""
    min_words: int = 25
    """Shortest passage reported, in words, on both sides."""
    max_seed_occurrences: int = 4
    """Seeds whose n-gram recurs more often than this in one text are ignored."""
    rare_word_seeds: bool = True
    """Also seed on single words that occur exactly once in each text. Rewording
    (synonyms, shuffles, translation) breaks most n-grams but leaves many of a
    passage's distinctive words; the density filter discards chance matches."""
    neighbour_radius: int = 10
    """A seed counts only if another seed lies within this many words in both texts:
    chance matches of common phrases are isolated, shared passages are dense."""
    one_to_one: bool = True
    """Keep only the longest of passages that overlap in either text, so each stretch
    of text is paired once (a text that repeats itself would otherwise pair twice)."""
    reworded_similarity: float = 0.8
    """When nothing is found, or a passage's similarity is below this (the text was
    reworded, not copied), the pair is aligned again with the looser settings below:
    reworded passages have sparser seeds, which the strict settings would cut short,
    while copied ones keep the tight boundaries of the strict settings."""
    reworded_gap: int = 40
    reworded_radius: int = 15
    chain: bool = True
    """Cut each cluster of the strict settings to the seeds near its longest chain rising
    in both texts (:func:`on_chain`): a passage's last words matched again a few lines
    on in one text only no longer carry that text's end past the passage. The looser
    settings for reworded text keep every seed (shuffled phrases leave no long chain)."""
    summary: SummaryConfig | None = SummaryConfig()
    """When nothing is found, or a passage is reworded or shorter than twice
    `min_words` in text a, also look for a short passage of text a that summarises a
    long stretch of text b (see :mod:`textreuse.align.summary`); None turns the summary
    mode off."""


@dataclass(frozen=True)
class TokenPassage:
    """A passage as half-open token ranges ``[a0, a1)`` and ``[b0, b1)``."""

    a0: int
    a1: int
    b0: int
    b1: int
    similarity: float


@dataclass(frozen=True)
class SeedIndex:
    """A text's seed n-grams, sorted for look-up: built once per text, reused per pair."""

    grams: U64
    order: I64
    sorted_grams: U64
    rare: U64
    """Sorted hashes of the words that occur exactly once."""
    rare_positions: I64
    hashes: U64 | None = None
    """The token hashes themselves, for the summary mode."""


def _compiled() -> ModuleType | None:
    """Return the compiled kernels of this module, or None to use numpy (see textreuse.jit)."""
    return jit.ALIGN.get()


def seed_index(hashes: U64, *, n: int) -> SeedIndex:
    """Return the seed n-grams of a token-hash sequence, with their sort order.

    >>> from textreuse.index.tokenize import tokenize
    >>> seed_index(tokenize("a b a c").hashes, n=2).rare_positions.tolist() in ([1, 3], [3, 1])
    True
    """
    kernels = _compiled()
    if kernels is not None:
        grams, order, ordered, rare, positions = kernels.seed_arrays(np.ascontiguousarray(hashes, dtype=np.uint64), n)
        return SeedIndex(grams, order, ordered, rare, positions, hashes)
    grams = ngrams(hashes, n)
    order = np.argsort(grams, kind="stable")
    words, first, counts = np.unique(hashes, return_index=True, return_counts=True)
    once = counts == 1
    return SeedIndex(grams, order, grams[order], words[once], first[once].astype(np.int64), hashes)


def match_rare(a: SeedIndex, b: SeedIndex) -> tuple[I64, I64]:
    """Return token positions ``(i, j)`` of words that occur exactly once in each text."""
    if a.rare.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    at = np.minimum(np.searchsorted(a.rare, b.rare), a.rare.shape[0] - 1)
    hit = a.rare[at] == b.rare
    return a.rare_positions[at[hit]], b.rare_positions[hit]


def match_seeds(a: SeedIndex, b: SeedIndex, *, max_occurrences: int) -> tuple[I64, I64]:
    """Return token positions ``(i, j)`` where the same n-gram starts in text a and text b.

    N-grams that recur more than `max_occurrences` times in text a are skipped.
    """
    gb = b.grams
    if a.grams.shape[0] == 0 or gb.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    left = np.searchsorted(a.sorted_grams, gb, side="left")
    count = np.searchsorted(a.sorted_grams, gb, side="right") - left
    keep = (count > 0) & (count <= max_occurrences)
    jpos = np.flatnonzero(keep)
    counts = count[keep]
    if counts.shape[0] and int(counts.max()) == 1:
        return a.order[left[keep]].astype(np.int64), jpos.astype(np.int64)
    total = int(counts.sum())
    j = np.repeat(jpos, counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    i = a.order[np.repeat(left[keep], counts) + (np.arange(total) - first)]
    return i.astype(np.int64), j.astype(np.int64)


def find_seeds(ha: U64, hb: U64, *, n: int, max_occurrences: int) -> tuple[I64, I64]:
    """Return token positions ``(i, j)`` where the same n-gram starts in both texts.

    >>> from textreuse.index.tokenize import tokenize
    >>> i, j = find_seeds(tokenize("x a b c").hashes, tokenize("a b c").hashes,
    ...                   n=3, max_occurrences=4)
    >>> i.tolist(), j.tolist()
    ([1], [0])
    """
    return match_seeds(seed_index(ha, n=n), seed_index(hb, n=n), max_occurrences=max_occurrences)


def has_neighbour(i: I64, j: I64, *, radius: int) -> npt.NDArray[np.bool_]:
    """Return, per seed, whether another seed lies within `radius` words in both texts.

    Seeds are put in square cells of side ``radius + 1``: two seeds sharing a cell are
    neighbours. The few seeds alone in their cell are compared with every seed.

    >>> has_neighbour(np.array([0, 2, 3, 90]), np.array([5, 7, 6, 3]), radius=4).tolist()
    [True, True, True, False]
    """
    m = i.shape[0]
    if m < 2:
        return np.zeros(m, dtype=bool)
    side = radius + 1
    cell = (i // side) * (int(j.max()) // side + 1) + j // side
    order = np.argsort(cell)
    sorted_cell = cell[order]
    same = sorted_cell[1:] == sorted_cell[:-1]
    near = np.zeros(m, dtype=bool)
    near[order[1:][same]] = True
    near[order[:-1][same]] = True
    alone = np.flatnonzero(~near)
    step = max(1, (1 << 22) // m)
    for lo in range(0, alone.shape[0], step):
        who = alone[lo : lo + step]
        close = (np.abs(i[who, None] - i[None, :]) <= radius) & (
            np.abs(j[who, None] - j[None, :]) <= radius
        )
        near[who] = close.sum(axis=1) > 1  # each seed is close to itself
    return near


def _split(members: I64, coord: I64, limit: int) -> list[I64]:
    ordered = members[np.argsort(coord[members], kind="stable")]
    breaks = np.flatnonzero(np.diff(coord[ordered]) > limit) + 1
    return np.split(ordered, breaks) if breaks.shape[0] else [ordered]


def cluster_seeds(i: I64, j: I64, *, n: int, max_gap: int) -> list[I64]:
    """Return groups of seed indices whose seeds lie close together in both texts.

    Splits alternately by gaps along text a and text b until nothing splits.

    >>> groups = cluster_seeds(np.array([0, 1, 50, 51]), np.array([9, 10, 0, 1]), n=2, max_gap=3)
    >>> sorted(g.tolist() for g in groups)
    [[0, 1], [2, 3]]
    """
    if i.shape[0] == 0:
        return []
    limit = max_gap + n
    work = [np.arange(i.shape[0], dtype=np.int64)]
    done: list[I64] = []
    while work:
        group = work.pop()
        parts = _split(group, i, limit)
        if len(parts) == 1:
            parts = _split(group, j, limit)
            if len(parts) == 1:
                done.append(group)
                continue
        work.extend(parts)
    return done


def on_chain(i: I64, j: I64, *, limit: int) -> npt.NDArray[np.bool_]:
    """Return, per seed of a cluster, whether it lies on the cluster's longest chain of
    seeds rising in both texts (its end seeds cut where they step more than `limit` off
    the diagonal ``j - i`` of their neighbour), inside that chain's span, or within
    `limit` of the chain's diagonal at the chain seed before or after it along text a.
    A cluster whose chain holds under half its seeds (reworded, shuffled) is kept whole.

    A cluster is seeds with no gap over ``max_gap`` in either text (:func:`cluster_seeds`),
    so a seed the passage's last words match a few lines on in one text only joined it and
    moved that text's end past the passage: its diagonal differs from the passage's by
    both distances.

    >>> on_chain(np.array([0, 1, 2, 3, 2]), np.array([10, 11, 12, 13, 60]), limit=33).tolist()
    [True, True, True, True, False]
    """
    m = i.shape[0]
    if m < 3:
        return np.ones(m, dtype=bool)
    order = np.lexsort((j, i))
    si, sj = i[order], j[order]
    tails: list[int] = []  # the smallest last j of a chain of each length
    tail_seed: list[int] = []
    prev = np.full(m, -1, dtype=np.int64)
    k = 0
    while k < m:
        e = int(np.searchsorted(si, si[k], side="right"))
        places = np.searchsorted(np.array(tails, dtype=np.int64), sj[k:e])  # before any of them moves
        for x, at in zip(range(k, e), places.tolist()):
            prev[x] = tail_seed[at - 1] if at > 0 else -1
        for x, at in zip(range(k, e), places.tolist()):
            if at == len(tails):
                tails.append(int(sj[x]))
                tail_seed.append(x)
            elif sj[x] < tails[at]:
                tails[at], tail_seed[at] = int(sj[x]), x
        k = e
    if 2 * len(tails) < m:
        return np.ones(m, dtype=bool)  # mostly off any one chain: reworded or shuffled text, left whole
    chain = [tail_seed[-1]]
    while prev[chain[-1]] >= 0:
        chain.append(int(prev[chain[-1]]))
    chain.reverse()
    # The chain's own ends go where they step off its diagonal by more than `limit`.
    steps = np.abs(np.diff(sj[chain] - si[chain]))
    lo, hi = 0, len(chain)
    while hi - lo >= 2 and steps[hi - 2] > limit:
        hi -= 1
    while hi - lo >= 2 and steps[lo] > limit:
        lo += 1
    chain = chain[lo:hi]
    ci = si[chain]
    cd = sj[chain] - ci
    at = np.minimum(np.searchsorted(ci, si), len(chain) - 1)
    d = sj - si
    off = np.minimum(np.abs(d - cd[at]), np.abs(d - cd[np.maximum(at - 1, 0)]))
    cj = sj[chain]
    inside = (si >= ci[0]) & (si <= ci[-1]) & (sj >= cj[0]) & (sj <= cj[-1])
    keep = np.zeros(m, dtype=bool)
    keep[order[inside | (off <= limit)]] = True
    return keep


def _covered(starts: I64, widths: I64) -> int:
    """Return how many tokens the seeds ``[starts, starts + widths)`` cover together.

    >>> _covered(np.array([0, 1, 10]), np.array([3, 1, 3]))
    6
    """
    order = np.argsort(starts, kind="stable")
    s = starts[order]
    reach = np.maximum.accumulate(s + widths[order])
    return int((np.minimum(reach[:-1], s[1:]) - s[:-1]).sum() + reach[-1] - s[-1])


def _merge(passages: list[TokenPassage], gap: int) -> list[TokenPassage]:
    """Return passages with those that touch in both texts joined into one."""
    if len(passages) < 2:  # most pairs share one passage
        return list(passages)
    merged: list[TokenPassage] = []
    for p in sorted(passages, key=lambda p: (p.a0, p.b0)):
        for k, q in enumerate(merged):
            if p.a0 <= q.a1 + gap and q.a0 <= p.a1 + gap and p.b0 <= q.b1 + gap and q.b0 <= p.b1 + gap:
                la, lb = q.a1 - q.a0 + q.b1 - q.b0, p.a1 - p.a0 + p.b1 - p.b0
                sim = (q.similarity * la + p.similarity * lb) / (la + lb)
                merged[k] = TokenPassage(
                    min(p.a0, q.a0), max(p.a1, q.a1), min(p.b0, q.b0), max(p.b1, q.b1), sim
                )
                break
        else:
            merged.append(p)
    return merged


def align_hashes(ha: U64, hb: U64, *, config: AlignConfig = AlignConfig()) -> list[TokenPassage]:
    """Return the maximal shared passages of two token-hash sequences, as token ranges
    (a text many times longer than the other in windows: :mod:`textreuse.align.windows`).

    >>> from textreuse.index.tokenize import tokenize
    >>> a = tokenize(" ".join(f"w{k}" for k in range(40)))
    >>> b = tokenize("intro words here " + " ".join(f"w{k}" for k in range(40) if k != 20))
    >>> [(p.a0, p.a1, p.b0, p.b1) for p in align_hashes(a.hashes, b.hashes)]
    [(0, 40, 3, 42)]
    """
    return align_many([(ha, hb)], config=config)[0]


def _align_whole(ha: U64, hb: U64, config: AlignConfig) -> list[TokenPassage]:
    """Return :func:`align_hashes` of two texts aligned whole."""
    kernels = _compiled()
    if kernels is not None:
        return _compiled_passes(kernels, ha, hb, config)
    n = config.seed_n
    return _indexed_whole(seed_index(ha, n=n), seed_index(hb, n=n), config)


def align_many(pairs: Sequence[tuple[U64, U64]], *, config: AlignConfig = AlignConfig()) -> list[list[TokenPassage]]:
    """Return :func:`align_hashes` of each pair of token-hash sequences.

    Compiled, the first pass of all pairs takes one kernel call, not one per pair: for
    news-sized texts, converting a call's arguments and result cost a third of the
    alignment itself.

    >>> from textreuse.index.tokenize import tokenize
    >>> a = tokenize(" ".join(f"w{k}" for k in range(40))).hashes
    >>> align_many([(a, a[5:]), (a[:3], a)]) == [_align_whole(a, a[5:], AlignConfig()), []]
    True
    """
    parts, shifts = _windowed(pairs)
    # A window is aligned without rare-word seeds: a word once in a window is rarely once
    # in the whole long text, where it would not have seeded.
    found: list[list[TokenPassage]] = [[] for _ in parts]
    for window in (False, True):
        ks = [k for k, (_, _, _, w) in enumerate(shifts) if w == window]
        if ks:
            c = replace(config, rare_word_seeds=False) if window else config
            for k, passages in zip(ks, _align_all([parts[k] for k in ks], c)):
                found[k] = passages
    out: list[list[TokenPassage]] = [[] for _ in pairs]
    for (k, da, db, _), passages in zip(shifts, found):
        out[k] += [TokenPassage(p.a0 + da, p.a1 + da, p.b0 + db, p.b1 + db, p.similarity) for p in passages]
    # Windows of one pair may find one stretch twice.
    for k, n in Counter(k for k, _, _, w in shifts if w).items():
        if n > 1:
            out[k] = _one_to_one(out[k]) if config.one_to_one else sorted(out[k], key=lambda p: (p.a0, p.b0))
    return out


def _windowed(pairs: Sequence[tuple[U64, U64]]) -> tuple[list[tuple[U64, U64]], list[tuple[int, int, int, bool]]]:
    """Return the pairs to align, a pair whose one text is many times longer than the
    other cut into the long text's windows, and for each the pair it is of, the shift of
    its token offsets in text a and in text b, and whether it is a window."""
    parts: list[tuple[U64, U64]] = []
    shifts: list[tuple[int, int, int, bool]] = []
    longs: dict[int, windows.LongText] = {}  # by the array's id: one sort per text per call
    for k, (ha, hb) in enumerate(pairs):
        la, lb = ha.shape[0], hb.shape[0]
        side = 1 if windows.is_long(lb, la) else 0 if windows.is_long(la, lb) else -1
        cuts = None
        if side >= 0:
            long, short = (hb, ha) if side else (ha, hb)
            text = longs.get(id(long))
            if text is None:
                text = longs[id(long)] = windows.LongText(long)
            cuts = text.windows(short)
        if cuts is None:
            parts.append((ha, hb))
            shifts.append((k, 0, 0, False))
            continue
        for start, end in cuts:
            parts.append((ha, hb[start:end]) if side else (ha[start:end], hb))
            shifts.append((k, 0, start, True) if side else (k, start, 0, True))
    return parts, shifts


def _align_all(pairs: Sequence[tuple[U64, U64]], config: AlignConfig) -> list[list[TokenPassage]]:
    """Return each pair aligned whole; compiled, the first pass of all in one call."""
    kernels = _compiled()
    if kernels is None or not pairs:
        return [_align_whole(ha, hb, config) for ha, hb in pairs]
    texts = [h for pair in pairs for h in pair]
    bounds = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([h.shape[0] for h in texts], out=bounds[1:])
    hashes = np.concatenate(texts, dtype=np.uint64, casting="unsafe")
    rows, first = kernels.align_pairs(hashes, bounds, *_kernel_options(config))
    rows, first = rows.tolist(), first.tolist()
    return [
        _compiled_passes(kernels, ha, hb, config, strict=_rows(rows[first[k] : first[k + 1]], config))
        for k, (ha, hb) in enumerate(pairs)
    ]


def _compiled_passes(
    kernels: ModuleType, ha: U64, hb: U64, config: AlignConfig, strict: list[TokenPassage] | None = None
) -> list[TokenPassage]:
    """Return :func:`align_hashes` by the compiled kernels, given the first pass if done (`strict`)."""

    def once(c: AlignConfig) -> list[TokenPassage]:
        if c is config and strict is not None:
            return strict
        a, b = np.ascontiguousarray(ha, dtype=_U64), np.ascontiguousarray(hb, dtype=_U64)
        return _rows(kernels.align_pair(a, b, *_kernel_options(c)).tolist(), c)

    return _two_passes(once, config, ha, hb)


def uses_seed_index() -> bool:
    """Return whether :func:`align_indexed` on cached seed indexes beats :func:`align_hashes`.

    True on the numpy path; compiled alignment builds what it needs per pair for less
    than sorting each text's n-grams once.
    """
    return _compiled() is None


def align_indexed(a: SeedIndex, b: SeedIndex, *, config: AlignConfig = AlignConfig()) -> list[TokenPassage]:
    """Return :func:`align_hashes` of two texts whose seed indexes are already built."""
    if a.hashes is not None and b.hashes is not None and (
        windows.is_long(a.hashes.shape[0], b.hashes.shape[0]) or windows.is_long(b.hashes.shape[0], a.hashes.shape[0])
    ):
        return align_hashes(a.hashes, b.hashes, config=config)
    return _indexed_whole(a, b, config)


def _indexed_whole(a: SeedIndex, b: SeedIndex, config: AlignConfig) -> list[TokenPassage]:
    """Return :func:`align_indexed` of two texts aligned whole."""
    return _two_passes(lambda c: _align_once(a, b, c), config, a.hashes, b.hashes)


def _two_passes(
    once: Callable[[AlignConfig], list[TokenPassage]],
    config: AlignConfig,
    ha: U64 | None = None,
    hb: U64 | None = None,
) -> list[TokenPassage]:
    """Return ``once(config)``, or ``once`` of the looser settings for reworded text,
    with summaries of the second text in the first when the hashes are given."""
    found = once(config)
    reworded = not found or min(p.similarity for p in found) < config.reworded_similarity
    if reworded:
        loose = replace(
            config,
            max_gap=config.reworded_gap,
            neighbour_radius=config.reworded_radius,
            reworded_similarity=0.0,
            chain=False,
        )
        if loose != replace(config, reworded_similarity=0.0, chain=False):
            found = once(loose)
    # A summary shows up as nothing, as reworded passages, or as short copied fragments:
    # only then is the summary mode worth its cost.
    fragment = any(p.a1 - p.a0 < 2 * config.min_words for p in found)
    if (reworded or fragment) and config.summary is not None and ha is not None and hb is not None:
        spans = summary_spans(ha, hb, config=config.summary)
        copies = [
            p for p in found
            if p.similarity >= config.summary.copy_similarity and p.a1 - p.a0 >= 2 * config.min_words
        ]  # fmt: skip
        spans = [s for s in spans if not any(p.a0 < s[1] and s[0] < p.a1 for p in copies)]
        found = with_summaries(found, spans)
    return found


def with_summaries(found: list[TokenPassage], spans: list[tuple[int, int, int, int, float]]) -> list[TokenPassage]:
    """Return `found` with each summary span added, absorbing the passages it overlaps.

    The summary side of a span is its shorter side; a passage that overlaps the span
    there is a fragment of the same summary, so the span grows to cover it and the
    fragment goes (one detection per summary, not several).

    >>> frag = TokenPassage(12, 30, 40, 58, 0.9)
    >>> other = TokenPassage(300, 340, 500, 540, 1.0)
    >>> [(p.a0, p.a1, p.b0, p.b1) for p in with_summaries([frag, other], [(0, 45, 0, 400, 0.4)])]
    [(0, 45, 0, 400), (300, 340, 500, 540)]
    """
    out = list(found)
    for a0, a1, b0, b1, sim in spans:
        short_a = a1 - a0 <= b1 - b0
        absorbed = [
            p for p in out
            if ((p.a0 < a1 and a0 < p.a1) if short_a else (p.b0 < b1 and b0 < p.b1))
        ]  # fmt: skip
        for p in absorbed:
            a0, a1, b0, b1 = min(a0, p.a0), max(a1, p.a1), min(b0, p.b0), max(b1, p.b1)
        out = [p for p in out if p not in absorbed]
        out.append(TokenPassage(a0, a1, b0, b1, sim))
    return sorted(out, key=lambda p: (p.a0, p.b0))


def _kernel_options(config: AlignConfig) -> tuple[int, int, bool, int, int, int, bool]:
    return (
        config.seed_n, config.max_seed_occurrences, config.rare_word_seeds,
        config.neighbour_radius, config.max_gap, min(config.min_words, 1 + config.max_gap), config.chain,
    )


def _rows(rows: list[list[int]], config: AlignConfig) -> list[TokenPassage]:
    """Return the passages of the cluster rows ``(a0, a1, b0, b1, covered)`` a kernel found."""
    clusters = [
        TokenPassage(a0, a1, b0, b1, covered / (a1 - a0 + b1 - b0))
        for a0, a1, b0, b1, covered in rows
    ]
    return _passages(clusters, config)


def _align_once(a: SeedIndex, b: SeedIndex, config: AlignConfig) -> list[TokenPassage]:
    n = config.seed_n
    kernels = _compiled()
    if kernels is not None:
        rows = kernels.align_seeds(
            a.sorted_grams, a.order, b.sorted_grams, b.order, a.rare, a.rare_positions, b.rare,
            b.rare_positions, *_kernel_options(config),
        )
        return _rows(rows.tolist(), config)
    i, j = match_seeds(a, b, max_occurrences=config.max_seed_occurrences)
    w = np.full(i.shape[0], n, dtype=np.int64)
    if config.rare_word_seeds:
        ri, rj = match_rare(a, b)
        i, j = np.concatenate((i, ri)), np.concatenate((j, rj))
        w = np.concatenate((w, np.ones(ri.shape[0], dtype=np.int64)))
    if config.neighbour_radius:
        dense = has_neighbour(i, j, radius=config.neighbour_radius)
        i, j, w = i[dense], j[dense], w[dense]
    found: list[TokenPassage] = []
    for group in cluster_seeds(i, j, n=n, max_gap=config.max_gap):
        if config.chain:
            group = group[on_chain(i[group], j[group], limit=config.neighbour_radius)]
        gi, gj, gw = i[group], j[group], w[group]
        a0, a1 = int(gi.min()), int((gi + gw).max())
        b0, b1 = int(gj.min()), int((gj + gw).max())
        if min(a1 - a0, b1 - b0) < min(config.min_words, 1 + config.max_gap):
            continue
        covered = _covered(gi, gw) + _covered(gj, gw)
        found.append(TokenPassage(a0, a1, b0, b1, covered / (a1 - a0 + b1 - b0)))
    return _passages(found, config)


def _passages(found: list[TokenPassage], config: AlignConfig) -> list[TokenPassage]:
    """Return the passages of a pair's seed clusters: merged, long enough, one to one."""
    merged = _merge(found, config.max_gap)
    kept = [p for p in merged if min(p.a1 - p.a0, p.b1 - p.b0) >= config.min_words]
    return _one_to_one(kept) if config.one_to_one else kept


def _one_to_one(passages: list[TokenPassage]) -> list[TokenPassage]:
    """Return the passages left after dropping each one that overlaps a longer one."""
    if len(passages) < 2:
        return list(passages)
    kept: list[TokenPassage] = []
    for p in sorted(passages, key=lambda p: (-(p.a1 - p.a0 + p.b1 - p.b0), p.a0, p.b0)):
        if all(p.a1 <= q.a0 or q.a1 <= p.a0 for q in kept) and all(
            p.b1 <= q.b0 or q.b1 <= p.b0 for q in kept
        ):
            kept.append(p)
    return sorted(kept, key=lambda p: (p.a0, p.b0))


def to_raw(p: TokenPassage, ta: Tokens, tb: Tokens) -> Passage:
    """Return the passage with raw character offsets instead of token indices."""
    return Passage(
        (ta.starts.item(p.a0), ta.ends.item(p.a1 - 1)),
        (tb.starts.item(p.b0), tb.ends.item(p.b1 - 1)),
        float(p.similarity),
    )


def align(ta: Tokens, tb: Tokens, *, config: AlignConfig = AlignConfig()) -> list[Passage]:
    """Return the shared passages of two tokenised texts with raw character offsets."""
    return [to_raw(p, ta, tb) for p in align_hashes(ta.hashes, tb.hashes, config=config)]


def align_texts(text_a: str, text_b: str, *, config: AlignConfig = AlignConfig()) -> list[Passage]:
    """Return the shared passages of two texts, with raw character offsets into each.

    Texts are matched in their repaired form (see :mod:`textreuse.clean.matching`).

    >>> words = " ".join(f"w{k}" for k in range(30))
    >>> [(p.a, p.b) for p in align_texts("Intro. " + words, words + " outro")]
    [((7, 116), (0, 109))]
    """
    from textreuse.clean.matching import matching_tokens

    return align(matching_tokens(text_a), matching_tokens(text_b), config=config)

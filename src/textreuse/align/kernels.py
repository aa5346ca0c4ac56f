"""The per-pair seed loop of :mod:`textreuse.align.local_align`, as compiled kernels.

Each kernel does what a chain of numpy functions in ``local_align`` does, in one pass
over the seeds: those functions are the reference (tests compare the two) and the
fallback when numba is missing. Results are the same to the bit: the same hashes,
the same seeds, the same groups in the same order.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from textreuse.jit import kernel

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]

# The constants of textreuse.index.tokenize.ngrams and mix64, as unsigned scalars so
# that compiled arithmetic stays in uint64 (mixing in a signed integer makes floats).
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S27 = np.uint64(27)
_S30 = np.uint64(30)
_S31 = np.uint64(31)


@kernel
def _grams(hashes: U64, n: int) -> U64:
    """Return ``ngrams(hashes, n)``."""
    m = hashes.shape[0] - n + 1
    grams = np.zeros(max(m, 0), dtype=np.uint64)
    for k in range(m):
        g = hashes[k]
        for t in range(1, n):
            g = (g * _GOLDEN) ^ hashes[k + t]
        g = g ^ (g >> _S30)
        g = g * _MIX1
        g = g ^ (g >> _S27)
        g = g * _MIX2
        grams[k] = g ^ (g >> _S31)
    return grams


@kernel
def seed_arrays(hashes: U64, n: int) -> tuple[U64, I64, U64, U64, I64]:
    """Return the fields of a :class:`SeedIndex`: grams, order, sorted grams, rare words and positions."""
    grams = _grams(hashes, n)
    m = grams.shape[0]
    # Quicksort, then positions ascending among equal n-grams: numpy's stable order
    # (numba's own stable sort is several times slower).
    order = np.argsort(grams)
    sorted_grams = grams[order]
    k = 0
    while k < m:
        e = k + 1
        while e < m and sorted_grams[e] == sorted_grams[k]:
            e += 1
        if e - k > 1:
            order[k:e] = np.sort(order[k:e])
        k = e
    by_word = np.argsort(hashes)
    size = hashes.shape[0]
    rare = np.zeros(size, dtype=np.uint64)
    where = np.zeros(size, dtype=np.int64)
    count = 0
    k = 0
    while k < size:
        e = k + 1
        while e < size and hashes[by_word[e]] == hashes[by_word[k]]:
            e += 1
        if e == k + 1:
            rare[count] = hashes[by_word[k]]
            where[count] = by_word[k]
            count += 1
        k = e
    return grams, order.astype(np.int64), sorted_grams, rare[:count].copy(), where[:count].copy()


@kernel
def _by_coord(members: I64, coord: I64) -> I64:
    """Return `members` ordered by `coord`, by counting when the coordinates span little."""
    size = members.shape[0]
    if size == 0:
        return members.copy()
    lo = coord[members[0]]
    hi = lo
    for x in members:
        lo = min(lo, coord[x])
        hi = max(hi, coord[x])
    span = hi - lo + 1
    if span > 4 * size + 256:
        return members[np.argsort(coord[members])]
    start = np.zeros(span + 1, dtype=np.int64)
    for x in members:
        start[coord[x] - lo + 1] += 1
    for c in range(span):
        start[c + 1] += start[c]
    out = np.empty(size, dtype=np.int64)
    for x in members:
        c = coord[x] - lo
        out[start[c]] = x
        start[c] += 1
    return out


@kernel
def _has_gap(members: I64, coord: I64, limit: int) -> bool:
    """Return whether two consecutive `coord` of `members` lie more than `limit` apart.

    Marks the coordinates instead of sorting them: most groups do not split.
    """
    lo = hi = coord[members[0]]
    for x in members:
        lo, hi = min(lo, coord[x]), max(hi, coord[x])
    if limit < 1:  # not with sane settings: distinct coordinates (0), or any two (< 0), split
        return bool(hi > lo) if limit == 0 else members.shape[0] > 1
    if hi - lo <= limit:
        return False
    seen = np.zeros(hi - lo + 1, dtype=np.bool_)
    for x in members:
        seen[coord[x] - lo] = True
    empty = 0  # a run of unmarked coordinates lies between two marked ones
    for c in range(hi - lo + 1):
        if seen[c]:
            empty = 0
        else:
            empty += 1
            if empty >= limit:
                return True
    return False


@kernel
def _covered(starts: I64, widths: I64, group: I64, lo: int, hi: int) -> int:
    """Return how many positions of ``[lo, hi)`` the ranges ``[starts, starts + widths)`` of
    seeds `group` cover together, by marking them (seeds are a few words wide)."""
    mark = np.zeros(hi - lo, dtype=np.bool_)
    for x in group:
        for t in range(starts[x] - lo, starts[x] - lo + widths[x]):
            mark[t] = True
    return int(mark.sum())


@kernel
def _on_chain(i: I64, j: I64, group: I64, limit: int) -> I64:
    """Return the seeds of `group` that ``local_align.on_chain`` (the reference) keeps:
    on its longest chain rising in both texts (the chain's ends cut where they step more
    than `limit` off their neighbour's diagonal ``j - i``), inside the chain's span, or
    within `limit` of its diagonal; all of them when the chain holds under half.
    """
    m = group.shape[0]
    if m < 3:
        return group
    top = 0
    low_d = high_d = j[group[0]] - i[group[0]]
    for x in group:
        top = max(top, j[x])
        low_d, high_d = min(low_d, j[x] - i[x]), max(high_d, j[x] - i[x])
    if high_d - low_d <= limit:
        return group  # every seed is within `limit` of any chain's diagonal
    key = np.empty(m, dtype=np.int64)
    for k in range(m):
        key[k] = i[group[k]] * (top + 1) + j[group[k]]
    ordered = group[np.argsort(key, kind="mergesort")]
    # Longest chain, strictly rising in i and j (patience sorting; the seeds of one i are
    # placed against the chains as they stood before any of them).
    tails_j = np.empty(m, dtype=np.int64)
    tails_x = np.empty(m, dtype=np.int64)
    prev = np.full(m, -1, dtype=np.int64)
    pos = np.empty(m, dtype=np.int64)
    length = 0
    k = 0
    while k < m:
        e = k
        while e < m and i[ordered[e]] == i[ordered[k]]:
            e += 1
        for x in range(k, e):
            pos[x] = np.searchsorted(tails_j[:length], j[ordered[x]])
            prev[x] = tails_x[pos[x] - 1] if pos[x] > 0 else -1
        for x in range(k, e):
            if pos[x] == length:
                tails_j[length] = j[ordered[x]]
                tails_x[length] = x
                length += 1
            elif j[ordered[x]] < tails_j[pos[x]]:
                tails_j[pos[x]] = j[ordered[x]]
                tails_x[pos[x]] = x
        k = e
    if 2 * length < m:
        return group  # mostly off any one chain: reworded or shuffled text, left whole
    chain = np.empty(length, dtype=np.int64)
    x = tails_x[length - 1]
    for c in range(length - 1, -1, -1):
        chain[c] = x
        x = prev[x]
    chain_i = np.empty(length, dtype=np.int64)
    chain_d = np.empty(length, dtype=np.int64)
    for c in range(length):
        chain_i[c] = i[ordered[chain[c]]]
        chain_d[c] = j[ordered[chain[c]]] - chain_i[c]
    # The chain's own ends go where they step off its diagonal by more than `limit`.
    lo, hi = 0, length
    while hi - lo >= 2 and abs(chain_d[hi - 1] - chain_d[hi - 2]) > limit:
        hi -= 1
    while hi - lo >= 2 and abs(chain_d[lo] - chain_d[lo + 1]) > limit:
        lo += 1
    chain, chain_i, chain_d = chain[lo:hi], chain_i[lo:hi], chain_d[lo:hi]
    length = hi - lo
    first_j, last_j = j[ordered[chain[0]]], j[ordered[chain[length - 1]]]
    keep = np.empty(m, dtype=np.int64)
    kept = 0
    for x in range(m):
        y = ordered[x]
        at = min(np.searchsorted(chain_i, i[y]), length - 1)
        before = max(at - 1, 0)
        d = j[y] - i[y]
        inside = chain_i[0] <= i[y] <= chain_i[length - 1] and first_j <= j[y] <= last_j
        if inside or min(abs(d - chain_d[at]), abs(d - chain_d[before])) <= limit:
            keep[kept] = y
            kept += 1
    return keep[:kept]


@kernel
def align_seeds(
    a_sorted: U64,
    a_order: I64,
    b_sorted: U64,
    b_order: I64,
    a_rare: U64,
    a_rare_positions: I64,
    b_rare: U64,
    b_rare_positions: I64,
    n: int,
    max_occurrences: int,
    rare_words: bool,
    radius: int,
    max_gap: int,
    min_span: int,
    chain: bool,
) -> I64:
    """Return the seed clusters of one pair as :func:`_clusters` rows, from seed indexes.

    Does ``match_seeds`` and ``match_rare``, then :func:`_clusters`.
    """
    # Seeds: every occurrence in a of each n-gram of b (unless too common in a), then
    # words that occur once in each text; both by walking the two sorted lists. Seeds
    # come in another order than match_seeds gives them, which changes nothing below:
    # density and clusters depend on the set of seeds only.
    na, nb = a_sorted.shape[0], b_sorted.shape[0]
    n_rare = min(a_rare.shape[0], b_rare.shape[0]) if rare_words else 0
    i = np.empty(nb * max(max_occurrences, 0) + n_rare, dtype=np.int64)
    j = np.empty_like(i)
    w = np.empty_like(i)
    m = 0
    pa = pb = 0
    while pa < na and pb < nb:
        x, y = a_sorted[pa], b_sorted[pb]
        if x < y:
            pa += 1
        elif y < x:
            pb += 1
        else:
            ea, eb = pa + 1, pb + 1
            while ea < na and a_sorted[ea] == x:
                ea += 1
            while eb < nb and b_sorted[eb] == x:
                eb += 1
            if ea - pa <= max_occurrences:
                for tb in range(pb, eb):
                    for ta in range(pa, ea):
                        i[m] = a_order[ta]
                        j[m] = b_order[tb]
                        w[m] = n
                        m += 1
            pa, pb = ea, eb
    if n_rare:
        pa = pb = 0
        while pa < a_rare.shape[0] and pb < b_rare.shape[0]:
            x, y = a_rare[pa], b_rare[pb]
            if x < y:
                pa += 1
            elif y < x:
                pb += 1
            else:
                i[m] = a_rare_positions[pa]
                j[m] = b_rare_positions[pb]
                w[m] = 1
                m += 1
                pa += 1
                pb += 1
    return _clusters(i[:m], j[:m], w[:m], n, radius, max_gap, min_span, chain)


@kernel
def _clusters(i: I64, j: I64, w: I64, n: int, radius: int, max_gap: int, min_span: int, chain: bool) -> I64:
    """Return the clusters of seeds ``(i, j)`` of widths `w` as rows ``(a0, a1, b0, b1, covered)``.

    Does ``has_neighbour`` then ``cluster_seeds``, with clusters in the order
    ``cluster_seeds`` returns them; clusters spanning fewer than `min_span` words in
    either text are left out. ``covered`` is the number of words of a and of b that
    the cluster's seeds cover, summed.
    """
    m = i.shape[0]
    # Density: keep seeds with another seed within `radius` words in both texts. Along
    # text a, a seed looks forward, then back, only until it finds one such neighbour
    # (which it marks too): in a shared passage that is the next seed or so.
    if radius:
        near = np.zeros(m, dtype=np.bool_)
        by_i = _by_coord(np.arange(m), i)
        si, sj = i[by_i], j[by_i]
        found = np.zeros(m, dtype=np.bool_)
        for p in range(m):
            if found[p]:
                continue
            r = p + 1
            while r < m and si[r] - si[p] <= radius:
                if abs(sj[r] - sj[p]) <= radius:
                    found[p] = found[r] = True
                    break
                r += 1
            r = p - 1
            while not found[p] and r >= 0 and si[p] - si[r] <= radius:
                if abs(sj[r] - sj[p]) <= radius:
                    found[p] = True
                r -= 1
        near[by_i] = found
        i, j, w = i[near], j[near], w[near]
        m = i.shape[0]

    # Clusters: split by gaps along a, else along b, until nothing splits (a stack of
    # groups, last part first, as cluster_seeds works through its list).
    out = np.zeros((m, 5), dtype=np.int64)
    kept = 0
    if m == 0:
        return out[:0]
    limit = max_gap + n
    members = np.arange(m)
    stack_lo = np.zeros(m + 1, dtype=np.int64)
    stack_hi = np.zeros(m + 1, dtype=np.int64)
    stack_lo[0], stack_hi[0] = 0, m
    depth = 1
    while depth:
        depth -= 1
        lo, hi = stack_lo[depth], stack_hi[depth]
        split = False
        for coord in (i, j):
            group = members[lo:hi]
            if not _has_gap(group, coord, limit):
                continue
            ordered = _by_coord(group, coord)
            members[lo:hi] = ordered
            start = lo
            for k in range(1, ordered.shape[0]):
                if coord[ordered[k]] - coord[ordered[k - 1]] > limit:
                    stack_lo[depth], stack_hi[depth] = start, lo + k
                    depth += 1
                    start = lo + k
            stack_lo[depth], stack_hi[depth] = start, hi
            depth += 1
            split = True
            break
        if split:
            continue
        group = _on_chain(i, j, members[lo:hi], radius) if chain else members[lo:hi]
        x = group[0]
        a0, a1, b0, b1 = i[x], i[x] + w[x], j[x], j[x] + w[x]
        for x in group:
            a0, a1 = min(a0, i[x]), max(a1, i[x] + w[x])
            b0, b1 = min(b0, j[x]), max(b1, j[x] + w[x])
        if min(a1 - a0, b1 - b0) < min_span:
            continue
        out[kept, 0] = a0
        out[kept, 1] = a1
        out[kept, 2] = b0
        out[kept, 3] = b1
        out[kept, 4] = _covered(i, w, group, a0, a1) + _covered(j, w, group, b0, b1)
        kept += 1
    return out[:kept]


@kernel
def _table_size(n: int) -> int:
    """Return the slot count of an open-addressing table for `n` keys: a power of two, at least 2n."""
    size = 16
    while size < 2 * n:
        size *= 2
    return size


@kernel
def _slot(slots: U64, used: npt.NDArray[np.bool_], key: np.uint64) -> np.int64:
    """Return the slot holding `key` in an open-addressing table, or the free slot where it goes."""
    last = slots.shape[0] - 1
    s = np.int64((key ^ (key >> _S31)) & np.uint64(last))
    while used[s] and slots[s] != key:
        s = (s + 1) & last
    return s


@kernel
def _table(keys: U64) -> tuple[U64, npt.NDArray[np.bool_], I64, I64, I64]:
    """Return an open-addressing table of `keys`: slots, used, count, head, next.

    ``head[slot]`` is the first position of the slot's key and ``next[position]`` the
    following one (ascending), -1 at the end.
    """
    size = _table_size(keys.shape[0])
    # Only `used` and `count` need zeros: the other arrays are written before they are read.
    slots = np.empty(size, dtype=np.uint64)
    used = np.zeros(size, dtype=np.bool_)
    count = np.zeros(size, dtype=np.int64)
    head = np.empty(size, dtype=np.int64)
    nxt = np.empty(keys.shape[0], dtype=np.int64)
    for k in range(keys.shape[0] - 1, -1, -1):
        key = keys[k]
        s = _slot(slots, used, key)
        if not used[s]:
            used[s] = True
            slots[s] = key
            head[s] = -1
        nxt[k] = head[s]
        head[s] = k
        count[s] += 1
    return slots, used, count, head, nxt


@kernel
def _find(slots: U64, used: npt.NDArray[np.bool_], key: np.uint64) -> np.int64:
    """Return the slot of `key` in a :func:`_table`, or -1."""
    s = _slot(slots, used, key)
    return s if used[s] else np.int64(-1)


@kernel
def _once_in_each(ha: U64, hb: U64, i: I64, j: I64, w: I64, m: int) -> int:
    """Write seeds ``(i, j, 1)`` from row `m` on for the words that occur once in each text,
    in the order of text b; return the new number of rows.

    One table holds the words of both texts with their counts in each.
    """
    size = _table_size(ha.shape[0] + hb.shape[0])
    # Counts stop at 2 (only "once" matters); slots and positions are written before read.
    slots = np.empty(size, dtype=np.uint64)
    used = np.zeros(size, dtype=np.bool_)
    in_a = np.zeros(size, dtype=np.uint8)
    in_b = np.zeros(size, dtype=np.uint8)
    where = np.empty(size, dtype=np.int64)
    slot_b = np.empty(hb.shape[0], dtype=np.int64)
    for text in range(2):
        words = ha if text == 0 else hb
        for k in range(words.shape[0]):
            key = words[k]
            s = _slot(slots, used, key)
            used[s] = True
            slots[s] = key
            if text == 0:
                in_a[s] = min(in_a[s] + 1, 2)
                where[s] = k
            else:
                in_b[s] = min(in_b[s] + 1, 2)
                slot_b[k] = s
    for q in range(hb.shape[0]):
        s = slot_b[q]
        if in_a[s] == 1 and in_b[s] == 1:
            i[m] = where[s]
            j[m] = q
            w[m] = 1
            m += 1
    return m


@kernel
def align_pair(
    ha: U64,
    hb: U64,
    n: int,
    max_occurrences: int,
    rare_words: bool,
    radius: int,
    max_gap: int,
    min_span: int,
    chain: bool,
) -> I64:
    """Return the seed clusters of one pair as :func:`_clusters` rows, from token hashes.

    The same seeds as :func:`align_seeds` finds from two seed indexes, found through
    hash tables built for the pair: cheaper than sorting each text's n-grams and words
    once (a text takes part in one or two pairs on average).
    """
    ga, gb = _grams(ha, n), _grams(hb, n)
    nb = gb.shape[0]
    cap = nb * max(max_occurrences, 0) + (hb.shape[0] if rare_words else 0)
    i = np.empty(cap, dtype=np.int64)
    j = np.empty_like(i)
    w = np.empty_like(i)
    m = 0
    if ga.shape[0] and nb:
        slots, used, count, head, nxt = _table(ga)
        for q in range(nb):
            s = _find(slots, used, gb[q])
            if s >= 0 and count[s] <= max_occurrences:
                t = head[s]
                while t >= 0:
                    i[m] = t
                    j[m] = q
                    w[m] = n
                    m += 1
                    t = nxt[t]
    if rare_words and ha.shape[0] and hb.shape[0]:
        m = _once_in_each(ha, hb, i, j, w, m)
    return _clusters(i[:m], j[:m], w[:m], n, radius, max_gap, min_span, chain)


@kernel
def align_pairs(
    hashes: U64,
    bounds: I64,
    n: int,
    max_occurrences: int,
    rare_words: bool,
    radius: int,
    max_gap: int,
    min_span: int,
    chain: bool,
) -> tuple[I64, I64]:
    """Return :func:`align_pair` of many pairs: all rows, then where each pair's rows start.

    Text ``t`` is ``hashes[bounds[t]:bounds[t + 1]]``; pair ``k`` is texts ``2k`` and
    ``2k + 1``, and its rows are ``rows[first[k]:first[k + 1]]``.
    """
    pairs = (bounds.shape[0] - 1) // 2
    first = np.zeros(pairs + 1, dtype=np.int64)
    rows = np.empty((max(pairs, 1), 5), dtype=np.int64)
    total = 0
    for k in range(pairs):
        ha = hashes[bounds[2 * k] : bounds[2 * k + 1]]
        hb = hashes[bounds[2 * k + 1] : bounds[2 * k + 2]]
        found = align_pair(ha, hb, n, max_occurrences, rare_words, radius, max_gap, min_span, chain)
        if total + found.shape[0] > rows.shape[0]:
            grown = np.empty((2 * (total + found.shape[0]), 5), dtype=np.int64)
            grown[:total] = rows[:total]
            rows = grown
        rows[total : total + found.shape[0]] = found
        total += found.shape[0]
        first[k + 1] = total
    return rows[:total].copy(), first


@kernel
def cumulative_weights(starts: I64, ends: I64) -> I64:
    """Return the running total of ``ends - starts``, from 0 (see ``Tokens.cumulative_weights``)."""
    out = np.empty(starts.shape[0] + 1, dtype=np.int64)
    out[0] = 0
    for k in range(starts.shape[0]):
        out[k + 1] = out[k] + ends[k] - starts[k]
    return out


@kernel
def _incidences(ids: I64, n: int, window: int, v: int) -> tuple[I64, I64, I64]:
    """Return the (word, window) incidences of a text, each once and sorted by word then
    window, as words and windows, with the number of windows of each of the `v` words."""
    keys = np.empty(ids.shape[0], dtype=np.int64)
    for k in range(ids.shape[0]):
        keys[k] = ids[k] * n + k // window
    keys = np.sort(keys)
    words = np.empty(keys.shape[0], dtype=np.int64)
    windows = np.empty(keys.shape[0], dtype=np.int64)
    count = np.zeros(v, dtype=np.int64)
    m = 0
    for k in range(keys.shape[0]):
        if k == 0 or keys[k] != keys[k - 1]:
            words[m], windows[m] = keys[k] // n, keys[k] % n
            count[words[m]] += 1
            m += 1
    return words[:m].copy(), windows[:m].copy(), count


@kernel
def window_words(ha: U64, hb: U64, window: int) -> tuple[I64, I64, I64, I64, I64, I64]:
    """Return the word incidences of both texts' windows for ``summary.window_cosines``:
    words and windows of text a, of text b, then each word's number of windows in a, in b.

    Words are numbered in the order of their hashes, as the numpy code numbers them.
    """
    la, lb = ha.shape[0], hb.shape[0]
    both = np.empty(la + lb, dtype=np.uint64)
    both[:la] = ha
    both[la:] = hb
    order = np.argsort(both)
    ids = np.empty(la + lb, dtype=np.int64)
    v = 0
    for k in range(la + lb):
        if k and both[order[k]] != both[order[k - 1]]:
            v += 1
        ids[order[k]] = v
    xa, ya, ca = _incidences(ids[:la], (la + window - 1) // window, window, v + 1)
    xb, yb, cb = _incidences(ids[la:], (lb + window - 1) // window, window, v + 1)
    return xa, ya, xb, yb, ca, cb


@kernel
def window_dots(
    xa: I64, ya: I64, xb: I64, yb: I64, ca: I64, cb: I64, idf: F64, na: int, nb: int, min_cosine: float
) -> tuple[I64, I64, F64]:
    """Return ``summary.window_cosines`` from :func:`window_words` and the words' idf.

    Sums are taken in the order numpy's ``bincount`` takes them (incidences by word,
    then window; pairs by word, window of a, window of b), so the cosines are the same
    to the bit.
    """
    norm_a = np.zeros(na)
    for k in range(xa.shape[0]):
        norm_a[ya[k]] += idf[xa[k]] * idf[xa[k]]
    norm_b = np.zeros(nb)
    for k in range(xb.shape[0]):
        norm_b[yb[k]] += idf[xb[k]] * idf[xb[k]]
    norm_a, norm_b = np.sqrt(norm_a), np.sqrt(norm_b)
    dense = np.zeros(na * nb)
    first_a = first_b = 0
    for word in range(ca.shape[0]):
        if ca[word] and cb[word]:
            weight = idf[word] * idf[word]
            for p in range(first_a, first_a + ca[word]):
                for q in range(first_b, first_b + cb[word]):
                    dense[ya[p] * nb + yb[q]] += weight
        first_a += ca[word]
        first_b += cb[word]
    i = np.empty(na * nb, dtype=np.int64)
    j = np.empty(na * nb, dtype=np.int64)
    cos = np.empty(na * nb)
    m = 0
    for cell in range(na * nb):
        if dense[cell] != 0:
            a, b = cell // nb, cell % nb
            c = min(dense[cell] / max(norm_a[a] * norm_b[b], 1e-12), 1.0)
            if c >= min_cosine - 1e-9:
                i[m], j[m], cos[m] = a, b, c
                m += 1
    return i[:m].copy(), j[:m].copy(), cos[:m].copy()


@kernel
def split_groups(i: I64, j: I64, gap_i: int, gap_j: int) -> tuple[I64, I64]:
    """Return ``summary._groups_numpy``: match indices, then the ``(start, end)`` of each group.

    The same groups, in the same order and each ordered the same way (stable sorts,
    a stack worked through from its end), since the summary tests sum cosines in
    that order.
    """
    m = i.shape[0]
    members = np.arange(m)
    stack = np.zeros((m + 1, 2), dtype=np.int64)
    stack[0, 1] = m
    depth = 1
    groups = np.zeros((m + 1, 2), dtype=np.int64)
    found = 0
    while depth:
        depth -= 1
        lo, hi = stack[depth, 0], stack[depth, 1]
        split = False
        for axis in range(2):
            coord = i if axis == 0 else j
            limit = gap_i if axis == 0 else gap_j
            ordered = members[lo:hi][np.argsort(coord[members[lo:hi]], kind="mergesort")]
            cuts = 0
            for k in range(1, ordered.shape[0]):
                if coord[ordered[k]] - coord[ordered[k - 1]] > limit:
                    cuts += 1
            if cuts:
                members[lo:hi] = ordered
                start = lo
                for k in range(1, ordered.shape[0]):
                    if coord[ordered[k]] - coord[ordered[k - 1]] > limit:
                        stack[depth, 0], stack[depth, 1] = start, lo + k
                        depth += 1
                        start = lo + k
                stack[depth, 0], stack[depth, 1] = start, hi
                depth += 1
                split = True
                break
        if not split:
            groups[found, 0], groups[found, 1] = lo, hi
            found += 1
    return members, groups[:found].copy()


def warm_up() -> None:
    """Load (or compile) the kernels for the argument types alignment passes them."""
    index = seed_arrays(np.arange(1, 9, dtype=np.uint64), 3)
    grams, order, sorted_grams, rare, where = index
    align_seeds(sorted_grams, order, sorted_grams, order, rare, where, rare, where, 3, 4, True, 10, 30, 25, True)
    align_pair(grams, grams, 3, 4, True, 10, 30, 25, True)
    align_pairs(grams, np.array([0, 8, 16]), 3, 4, True, 10, 30, 25, True)
    cumulative_weights(order, order + 1)
    xa, ya, xb, yb, ca, cb = window_words(grams, grams, 3)
    window_dots(xa, ya, xb, yb, ca, cb, np.ones(ca.shape[0]), 3, 3, 0.25)
    split_groups(order, order, 3, 60)

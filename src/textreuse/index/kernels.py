"""Word splitting and hashing of :mod:`textreuse.index.tokenize`, as one compiled pass.

The numpy path finds the words with a table look-up, run edges and a prefix-sum
polynomial hash, each a pass over the whole text with its own temporary arrays;
this kernel does all of it in one pass. The hashes are the same to the bit: the
same polynomial over the code points (modulo 2**64), mixed the same way.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from textreuse.jit import kernel

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]

# The constants of textreuse.index.tokenize (_P and mix64), as unsigned scalars.
_P = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S27 = np.uint64(27)
_S30 = np.uint64(30)
_S31 = np.uint64(31)
_S56 = np.uint64(56)


@kernel
def _mix(h: np.uint64, length: int) -> np.uint64:
    h = h ^ (np.uint64(length) << _S56)
    h = h ^ (h >> _S30)
    h = h * _MIX1
    h = h ^ (h >> _S27)
    h = h * _MIX2
    return h ^ (h >> _S31)


@kernel
def word_hashes(
    cps: npt.NDArray[np.uint32], table: npt.NDArray[np.bool_], spaces_only: bool
) -> tuple[I64, I64, U64, bool]:
    """Return ``(starts, ends, hashes, ok)`` of the words of a code-point array.

    With `spaces_only`, words are runs of anything but U+0020 (text already
    normalised, hashed as it is). Otherwise a word character is one the Basic
    Multilingual Plane `table` marks, and words are hashed in lower case; ``ok`` is
    False (and nothing else is returned) when the text has a character beyond that
    plane or a word character beyond ASCII, which need the numpy path.
    """
    size = cps.shape[0]
    starts = np.empty(size // 2 + 1, dtype=np.int64)
    ends = np.empty_like(starts)
    hashes = np.empty(size // 2 + 1, dtype=np.uint64)
    count = 0
    start = -1
    h = np.uint64(0)
    power = np.uint64(1)
    for k in range(size):
        c = cps[k]
        if spaces_only:
            word = c != 32
        else:
            if c >= 65536:
                return starts[:0], ends[:0], hashes[:0], False
            word = table[c]
            if word:
                if c >= 128:
                    return starts[:0], ends[:0], hashes[:0], False
                if c >= 65 and c <= 90:
                    c += 32
        if word:
            if start < 0:
                start = k
                h = np.uint64(0)
                power = np.uint64(1)
            h += np.uint64(c) * power
            power *= _P
        elif start >= 0:
            starts[count] = start
            ends[count] = k
            hashes[count] = _mix(h, k - start)
            count += 1
            start = -1
    if start >= 0:
        starts[count] = start
        ends[count] = size
        hashes[count] = _mix(h, size - start)
        count += 1
    return starts[:count].copy(), ends[:count].copy(), hashes[:count].copy(), True


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@kernel
def sketch_arrays(
    hashes: U64, lengths: I64, n: int, sample: int
) -> tuple[U64, npt.NDArray[np.int32], I64]:
    """Return every document's sketch, concatenated: hashes, positions and sizes.

    The hashes and the sampling are those of ``ngrams`` and ``sketch``: each document's
    distinct sampled n-grams in ascending order, each at its first position.
    """
    total = hashes.shape[0]
    out_g = np.empty(total, dtype=np.uint64)
    out_p = np.empty(total, dtype=np.int32)
    sizes = np.zeros(lengths.shape[0], dtype=np.int64)
    every = np.uint64(sample)
    found = 0
    begin = 0
    for d in range(lengths.shape[0]):
        m = lengths[d] - n + 1
        g_doc = np.empty(max(m, 0), dtype=np.uint64)
        p_doc = np.empty(max(m, 0), dtype=np.int64)
        kept = 0
        for k in range(m):
            g = hashes[begin + k]
            for t in range(1, n):
                g = (g * _GOLDEN) ^ hashes[begin + k + t]
            g = g ^ (g >> _S30)
            g = g * _MIX1
            g = g ^ (g >> _S27)
            g = g * _MIX2
            g = g ^ (g >> _S31)
            if g % every == 0:
                g_doc[kept] = g
                p_doc[kept] = k
                kept += 1
        order = np.argsort(g_doc[:kept])
        start = found
        for r in range(kept):
            x = order[r]
            if found > start and out_g[found - 1] == g_doc[x]:
                out_p[found - 1] = min(out_p[found - 1], p_doc[x])
            else:
                out_g[found] = g_doc[x]
                out_p[found] = p_doc[x]
                found += 1
        sizes[d] = found - start
        begin += lengths[d]
    return out_g[:found].copy(), out_p[:found].copy(), sizes


def warm_up() -> None:
    """Load (or compile) the kernel for the argument types tokenising passes it."""
    table = np.zeros(65536, dtype=np.bool_)
    word_hashes(np.zeros(2, dtype=np.uint32), table, False)
    word_hashes(np.zeros(2, dtype=np.uint32), table, True)
    sketch_arrays(np.arange(9, dtype=np.uint64), np.array([4, 5], dtype=np.int64), 5, 4)

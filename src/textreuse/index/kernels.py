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


def warm_up() -> None:
    """Load (or compile) the kernel for the argument types tokenising passes it."""
    table = np.zeros(65536, dtype=np.bool_)
    word_hashes(np.zeros(2, dtype=np.uint32), table, False)
    word_hashes(np.zeros(2, dtype=np.uint32), table, True)

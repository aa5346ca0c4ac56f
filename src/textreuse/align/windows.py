"""A long text aligned where it can match: windows around the n-grams it shares with a short one.

A digest quoting 10,000 articles is in 10,000 candidate pairs, and aligning each pair over
the whole digest costs the digest's length every time: quadratic in the number of stories
one document is in. The aligner finds passages only where the texts share words, so a
text many times longer than the other (``RATIO``, and at least ``LONG`` words) is aligned
in windows around the 5-grams the two share, each reaching twice the shorter text's length
(plus ``SLACK`` words) beyond them on both sides: a passage of the long text is no longer
than that, however many words were inserted into it. A window is aligned without
rare-word seeds (``AlignConfig.rare_word_seeds``): a word found once in a window is rarely
found once in the whole long text, so those seeds would only extend passages by chance
(on a digest of 2,000 articles' passages, 200 pairs sampled: the same passages to the
token as the whole alignment, and with those seeds several passages ran into the next
article's). Where the windows would cover half
the long text or more, it is aligned whole; texts under ``LONG`` words always are, so a
corpus of news articles aligns as before to the bit.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from textreuse.index.tokenize import ngrams

U64 = npt.NDArray[np.uint64]

LONG = 20_000
"""Texts shorter than this many words are always aligned whole."""
RATIO = 8
"""A text is aligned in windows only when it is this many times longer than the other."""
N = 5
"""Words per n-gram that places a window."""
SLACK = 100
"""Words a window reaches beyond twice the shorter text's length."""


def is_long(long: int, short: int) -> bool:
    """Return whether a text of `long` words may be aligned in windows against one of `short`.

    >>> is_long(100_000, 300), is_long(100_000, 20_000), is_long(5_000, 30)
    (True, False, False)
    """
    return long >= LONG and long >= RATIO * max(short, 1)


class LongText:
    """A long text's n-grams sorted once, for the windows of many pairs."""

    def __init__(self, hashes: U64) -> None:
        grams = ngrams(hashes, N)
        self.order = np.argsort(grams, kind="stable")
        self.sorted = grams[self.order]
        self.length = int(hashes.shape[0])

    def windows(self, short: U64) -> list[tuple[int, int]] | None:
        """Return the word windows ``[start, end)`` to align `short` with, in order, or None
        to align the whole text (no shared n-gram, or windows covering half of it).

        >>> rng = np.random.default_rng(0)
        >>> long = rng.integers(1, 2**40, size=30_000).astype(np.uint64)
        >>> LongText(long).windows(long[10_000:10_300])
        [(9300, 11000)]
        """
        grams = ngrams(short, N)
        lo = np.searchsorted(self.sorted, grams, side="left")
        hi = np.searchsorted(self.sorted, grams, side="right")
        counts = hi - lo
        total = int(counts.sum())
        if not total or total > self.length // 2:
            return None
        # Every occurrence in the long text of every shared n-gram.
        starts = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(total)
        at = np.sort(self.order[starts])
        reach = 2 * int(short.shape[0]) + SLACK
        cuts = np.flatnonzero(np.diff(at) > 2 * reach) + 1
        out: list[tuple[int, int]] = []
        for first, last in zip(at[np.r_[0, cuts]].tolist(), at[np.r_[cuts - 1, at.shape[0] - 1]].tolist()):
            out.append((max(0, first - reach), min(self.length, last + N + reach)))
        if 2 * sum(b - a for a, b in out) >= self.length:
            return None
        return out

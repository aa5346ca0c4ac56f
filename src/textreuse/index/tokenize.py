"""Word tokens for matching, each with its hash and its span in the raw text.

Matching compares normalised words: NFKC, casefolded, punctuation and white space
ignored (so curly and straight quotes, dashes and line wrapping never matter). Each
token keeps the half-open span of the word in the raw text, which is the offset map
every reported passage goes through.

Scripts written without spaces between words (Han, Hiragana, Katakana, Thai, Lao,
Khmer, Myanmar) have no such runs to cut: a run of them is a whole clause. There each
character is a token of its own, with the combining marks that follow it (a Thai vowel
sign, a Japanese voicing mark), hashed with the three characters after it, so n-grams
and the aligner's lengths count characters. A scan's passage minimum is in words for
every script: a character of these counts 1/1.75 word (a Chinese word averages 1.75
characters in the segmented People's Daily, see ``bench/scripts.py`` and
:func:`textreuse.relate.pairs.long_enough`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

import numpy as np
import numpy.typing as npt
import xxhash

from textreuse import jit

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

# Words are hashed as polynomials over their code points, P odd so it has an inverse
# modulo 2**64: with prefix sums S of c[k] * P**k, a word's hash is
# (S[end] - S[start]) * P**-start, one vector operation for all words of a text.
_P = 0x100000001B3
_P_INV = pow(_P, -1, 1 << 64)
# Texts are hashed in windows of this many characters, so the power tables stay small.
_WINDOW = 1 << 20
# Words longer than this are hashed one by one with xxhash (rare in text).
_LONG = 64


@lru_cache(maxsize=2)
def _power_table(base: int) -> npt.NDArray[np.uint64]:
    """Return the powers of `base` for a window (made on first use: 45 ms, and only the
    numpy path needs them)."""
    table = np.full(_WINDOW + _LONG + 1, base, dtype=np.uint64)
    table[0] = 1
    return np.cumprod(table, dtype=np.uint64)


@lru_cache(maxsize=1)
def _bmp_word_table() -> npt.NDArray[np.bool_]:
    """Return, for each code point of the Basic Multilingual Plane, whether it is a word character."""
    return np.fromiter((_is_word_char(cp) for cp in range(65536)), dtype=bool, count=65536)


# Scripts written without spaces: (first, last) code point of each block whose letters and
# digits are tokens one by one.
_UNSPACED_BLOCKS = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x19E0, 0x19FF),  # Khmer symbols
    (0x3005, 0x3007),  # ideographic iteration mark, closing mark, number zero
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x3035),  # kana repeat marks
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9D),  # halfwidth Katakana (the voicing marks FF9E, FF9F join the one before)
    (0x20000, 0x3134F),  # CJK extensions B-G, compatibility supplement
)
# Characters of an unspaced script hashed together, from each token on (see _pair_unspaced).
_GRAM = 4
# Characters that join the token before them although they are not combining marks.
_JOINERS = (0xFF9E, 0xFF9F)


def _is_unspaced(cp: int) -> bool:
    return _is_word_char(cp) and unicodedata.category(chr(cp))[0] != "M" and any(
        lo <= cp <= hi for lo, hi in _UNSPACED_BLOCKS
    )


@lru_cache(maxsize=1)
def _bmp_kind_table() -> npt.NDArray[np.uint8]:
    """Return, per code point of the Basic Multilingual Plane, 1 for a letter or digit of a
    script written without spaces, 2 for a mark that joins the token before it, else 0."""
    table = np.zeros(65536, dtype=np.uint8)
    for lo, hi in _UNSPACED_BLOCKS:
        for cp in range(lo, min(hi, 0xFFFF) + 1):
            table[cp] = 1 if _is_unspaced(cp) else 0
    for cp in range(65536):
        if unicodedata.category(chr(cp))[0] == "M":
            table[cp] = 2
    table[list(_JOINERS)] = 2
    return table


def _kinds(cps: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    """Return :func:`_bmp_kind_table`'s kind of each code point (astral ones included)."""
    table = _bmp_kind_table()
    if cps.shape[0] == 0 or int(cps.max()) < 65536:
        return table[cps]
    kinds = np.zeros(cps.shape[0], dtype=np.uint8)
    bmp = cps < 65536
    kinds[bmp] = table[cps[bmp]]
    astral = np.flatnonzero(~bmp)
    uniq, inverse = np.unique(cps[astral], return_inverse=True)
    found = np.fromiter(
        (1 if _is_unspaced(int(u)) else 2 if unicodedata.category(chr(int(u)))[0] == "M" else 0 for u in uniq),
        dtype=np.uint8, count=uniq.shape[0],
    )
    kinds[astral] = found[inverse]
    return kinds


def _split_unspaced(
    kinds: npt.NDArray[np.uint8], mask: npt.NDArray[np.bool_], run_ends: I64
) -> tuple[I64, I64, npt.NDArray[np.bool_]]:
    """Return token starts, ends and a start flag per character, each character of an
    unspaced script a token with the marks after it, other words as runs.

    A token starts at a word character that follows no word character, or that is no
    mark and is or follows (through its marks) a character of an unspaced script.
    """
    n = kinds.shape[0]
    solo = kinds == 1
    mark = kinds == 2
    # Whether the last character that is no mark, at or before each place, is unspaced.
    last = np.maximum.accumulate(np.where(mark, -1, np.arange(n)))
    cluster = solo[np.maximum(last, 0)] & (last >= 0)
    after_word = np.concatenate(([False], mask[:-1]))
    after_solo = np.concatenate(([False], cluster[:-1]))
    first = mask & (~after_word | (~mark & (solo | after_solo)))
    starts = np.flatnonzero(first).astype(np.int64)
    run = np.searchsorted(np.flatnonzero(mask & ~after_word), starts, side="right") - 1
    ends = np.minimum(np.append(starts[1:], n), run_ends[run]).astype(np.int64)
    return starts, ends, first


def count_unspaced(text: str, starts: I64) -> int:
    """Return how many of the tokens starting at `starts` of `text` are characters of a
    script written without spaces (each one token, see the module docstring).

    >>> t = tokenize("abc 中文字 def")
    >>> count_unspaced("abc 中文字 def", t.starts)
    3
    """
    if starts.shape[0] == 0:
        return 0
    cps = np.fromiter((ord(text[k]) for k in starts.tolist()), dtype=np.uint32, count=starts.shape[0])
    return int((_kinds(cps) == 1).sum())


@dataclass(frozen=True)
class Tokens:
    """Return-type of :func:`tokenize`: per-token hash, raw start and raw end."""

    hashes: U64
    starts: I64
    ends: I64

    def __len__(self) -> int:
        return int(self.hashes.shape[0])

    @property
    def weights(self) -> I64:
        """Return each token's length in raw characters (its weight in coverage)."""
        return self.ends - self.starts

    @property
    def cumulative_weights(self) -> I64:
        """Return the running total of :attr:`weights`, from 0 (one more entry than tokens).

        The weight of tokens ``[lo, hi)`` is then one subtraction. Computed once per
        document: relating its pairs asks for it again and again.

        >>> tokenize("ab c def").cumulative_weights.tolist()
        [0, 2, 3, 6]
        """
        # Cached in the instance's __dict__, as functools.cached_property does, without
        # the lock it takes on each first use before Python 3.12 (a few % of alignment).
        cached: I64 | None = self.__dict__.get("_cumulative_weights")
        if cached is None:
            kernels = jit.ALIGN.get(wait=False)  # alignment's: relating pairs is what asks
            if kernels is not None:
                cached = kernels.cumulative_weights(self.starts, self.ends)
            else:
                cached = np.zeros(self.hashes.shape[0] + 1, dtype=np.int64)
                np.cumsum(self.ends - self.starts, out=cached[1:])
            self.__dict__["_cumulative_weights"] = cached
        return cached


def _is_word_char(cp: int) -> bool:
    # Letters, numbers and combining marks (so a decomposed "é" stays one word).
    return unicodedata.category(chr(cp))[0] in "LNM"


def _codepoints(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _word_mask(cps: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    table = _bmp_word_table()
    if cps.shape[0] == 0 or int(cps.max()) < 65536:
        return table[cps]
    mask = np.zeros(cps.shape[0], dtype=bool)
    bmp = cps < 65536
    mask[bmp] = table[cps[bmp]]
    astral = np.flatnonzero(~bmp)
    uniq, inverse = np.unique(cps[astral], return_inverse=True)
    words = np.fromiter((_is_word_char(int(u)) for u in uniq), dtype=bool, count=uniq.shape[0])
    mask[astral] = words[inverse]
    return mask


def _runs(mask: npt.NDArray[np.bool_]) -> tuple[I64, I64]:
    edges = np.diff(np.concatenate(([False], mask, [False])).astype(np.int8))
    return np.flatnonzero(edges == 1).astype(np.int64), np.flatnonzero(edges == -1).astype(np.int64)


def mix64(h: U64) -> U64:
    """Return splitmix64's finaliser applied to each value (spreads the bits)."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def _hash_words(cps: npt.NDArray[np.uint32], starts: I64, ends: I64) -> U64:
    """Return a 64-bit hash per word, the word being code points ``cps[starts[i]:ends[i]]``."""
    n = starts.shape[0]
    lens = ends - starts
    h = np.zeros(n, dtype=np.uint64)
    first = 0
    powers, inverse = _power_table(_P), _power_table(_P_INV)
    with np.errstate(over="ignore"):
        while first < n:
            lo = int(starts[first])
            last = int(np.searchsorted(starts, lo + _WINDOW, side="left"))
            hi = min(cps.shape[0], lo + _WINDOW + _LONG)
            prefix = np.zeros(hi - lo + 1, dtype=np.uint64)
            np.cumsum(cps[lo:hi].astype(np.uint64) * powers[: hi - lo], out=prefix[1:])
            s = starts[first:last] - lo
            e = np.minimum(ends[first:last], hi) - lo
            h[first:last] = (prefix[e] - prefix[s]) * inverse[s]
            first = last
        h = mix64(h ^ (lens.astype(np.uint64) << np.uint64(56)))
    for i in np.flatnonzero(lens > _LONG):
        h[i] = xxhash.xxh3_64_intdigest(cps[starts[i] : ends[i]].tobytes())
    return h


def _rehash_long(hashes: U64, cps: npt.NDArray[np.uint32], starts: I64, ends: I64, *, lower: bool) -> U64:
    """Return `hashes` with those of words longer than ``_LONG`` replaced as _hash_words does."""
    for i in np.flatnonzero(ends - starts > _LONG):
        word = cps[starts[i] : ends[i]]
        if lower:
            word = np.where((word >= 65) & (word <= 90), word + 32, word).astype(np.uint32)
        hashes[i] = xxhash.xxh3_64_intdigest(word.tobytes())
    return hashes


def normalize_words(words: list[str]) -> list[str]:
    """Return each word in the form used for matching: NFKC, casefolded.

    >>> normalize_words(["Straße", "ﬁsh", "ÉCOLE"])
    ['strasse', 'fish', 'école']
    """
    out = []
    for w in words:
        n = unicodedata.normalize("NFKC", w).casefold()
        # A compatibility form may contain a space (U+FDFA); keep one token per word.
        out.append(n.replace(" ", "") or w)
    return out


def tokenize(text: str) -> Tokens:
    """Return the normalised word tokens of `text` with their raw character spans.

    >>> t = tokenize("The  “Quick” fox's")
    >>> [(int(s), int(e)) for s, e in zip(t.starts, t.ends)]
    [(0, 3), (6, 11), (13, 16), (17, 18)]
    >>> bool(tokenize("Quick").hashes[0] == tokenize("QUICK").hashes[0])
    True
    """
    cps = _codepoints(text)
    kernels = jit.TOKENIZE.get(wait=False)
    if kernels is not None:
        starts, ends, hashes, ok = kernels.word_hashes(cps, _bmp_word_table(), False)
        if ok:
            return Tokens(_rehash_long(hashes, cps, starts, ends, lower=True), starts, ends)
    mask = _word_mask(cps)
    starts, ends = _runs(mask)
    if starts.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Tokens(np.zeros(0, dtype=np.uint64), empty, empty)
    words = np.where(mask, cps, 32).astype(np.uint32)
    kinds = _kinds(cps) if not (words < 128).all() else None
    if kinds is None or not bool((kinds == 1).any()):
        return Tokens(_normalised_hashes(words, starts, ends, kernels), starts, ends)
    # Characters of unspaced scripts are tokens one by one: a space before each token lets
    # the words' path hash them.
    starts, ends, first = _split_unspaced(kinds, mask, ends)
    spaced = np.full(cps.shape[0] + starts.shape[0], 32, dtype=np.uint32)
    at = np.arange(cps.shape[0]) + np.cumsum(first)
    spaced[at[mask]] = cps[mask]
    hashes = _normalised_hashes(spaced, starts, ends, kernels)
    return Tokens(_pair_unspaced(hashes, kinds[starts] == 1, starts, ends), starts, ends)


def _pair_unspaced(hashes: U64, unspaced: npt.NDArray[np.bool_], starts: I64, ends: I64) -> U64:
    """Return `hashes` with each unspaced character's hash made that of it and the next
    ``_GRAM - 1`` tokens, as far as they are unspaced characters right after it (the last
    of a run hash fewer).

    One character is too common a unit to seed on (a Chinese text of 1,000 characters
    uses about 400 distinct ones, Japanese kana recur in every phrase): character
    4-grams (about two words) are what the n-gram search and the seeds of alignment see, while the token,
    its span and its weight stay one character.

    >>> a, b = tokenize("文字列です"), tokenize("文字列で")
    >>> bool(a.hashes[0] == b.hashes[0]), bool(a.hashes[1] == b.hashes[1])
    (True, False)
    """
    out = hashes.copy()
    # Whether token k+1 is an unspaced character right after unspaced token k.
    link = unspaced[:-1] & unspaced[1:] & (ends[:-1] == starts[1:])
    with np.errstate(over="ignore"):
        for step in range(1, _GRAM):
            both = np.flatnonzero(link)
            out[both] = mix64((out[both] * np.uint64(0x9E3779B97F4A7C15)) ^ hashes[both + step] ^ np.uint64(step))
            link = link[:-1] & link[1:]
    return out


def _normalised_hashes(words: npt.NDArray[np.uint32], starts: I64, ends: I64, kernels: ModuleType | None) -> U64:
    """Return the hash of each word of `words` (code points, anything not in a word a
    space), normalised: NFKC, casefolded."""
    if (words < 128).all():
        # Only ASCII letters and digits: NFKC changes nothing and casefold is lower().
        low = np.where((words >= 65) & (words <= 90), words + 32, words).astype(np.uint32)
        return _hash_words(low, starts, ends)
    masked = words.tobytes().decode("utf-32-le", "surrogatepass")
    ncps = _codepoints(unicodedata.normalize("NFKC", masked).casefold())
    if kernels is not None:
        nstarts, nends, hashes, _ = kernels.word_hashes(ncps, _bmp_word_table(), True)
        if nstarts.shape[0] == starts.shape[0]:
            return _rehash_long(hashes, ncps, nstarts, nends, lower=False)
    nstarts, nends = _runs(ncps != 32)
    if nstarts.shape[0] != starts.shape[0]:
        # A compatibility form split or joined words: normalise word by word instead.
        ncps = _codepoints(" ".join(normalize_words(masked.split())))
        nstarts, nends = _runs(ncps != 32)
    return _hash_words(ncps, nstarts, nends)


def ngrams(hashes: U64, n: int) -> U64:
    """Return one hash per run of `n` consecutive tokens (empty if fewer tokens).

    >>> h = tokenize("a b c d").hashes
    >>> ngrams(h, 2).shape[0], ngrams(h, 5).shape[0]
    (3, 0)
    """
    m = hashes.shape[0] - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    g = hashes[:m].copy()
    with np.errstate(over="ignore"):
        for j in range(1, n):
            g = (g * np.uint64(0x9E3779B97F4A7C15)) ^ hashes[j : m + j]
        return mix64(g)


def tokenize_many(texts: list[str], *, batch_chars: int = 1 << 22) -> list[Tokens]:
    """Return :func:`tokenize` of each text, tokenising many short texts in one pass.

    Joining texts amortises numpy's per-call cost, which dominates for news-sized
    documents. A newline between texts keeps words from running across them.

    >>> [len(t) for t in tokenize_many(["a b", "", "c d e"])]
    [2, 0, 3]
    """
    out: list[Tokens] = []
    k = 0
    while k < len(texts):
        size, end = 0, k
        while end < len(texts) and (end == k or size + len(texts[end]) <= batch_chars):
            size += len(texts[end]) + 1
            end += 1
        batch = texts[k:end]
        if len(batch) == 1:
            out.append(tokenize(batch[0]))
        else:
            lengths = np.fromiter((len(t) + 1 for t in batch), dtype=np.int64, count=len(batch))
            offsets = np.concatenate(([0], np.cumsum(lengths)))
            joined = tokenize("\n".join(batch))
            cuts = np.searchsorted(joined.starts, offsets)
            # Spans made relative to their own text in one pass; each text takes views.
            shift = np.repeat(offsets[:-1], np.diff(cuts))
            starts, ends = joined.starts - shift, joined.ends - shift
            bounds = cuts.tolist()
            for lo, hi in zip(bounds, bounds[1:]):
                out.append(Tokens(joined.hashes[lo:hi], starts[lo:hi], ends[lo:hi]))
        k = end
    return out

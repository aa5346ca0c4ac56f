"""Tokens for matching taken from the repaired text, with spans in the raw text.

Mojibake splits words ("weâll" is one token where "we’ll" is two) and breaks the
n-grams alignment seeds on, so matching reads the repaired text. Every span still
points into the raw text as read: a position inside a replaced stretch maps to that
stretch's raw start (for a token's start) or raw end (for a token's end).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from textreuse.clean.encoding import Step, repair
from textreuse.index.tokenize import Tokens, tokenize, tokenize_many

I64 = npt.NDArray[np.int64]

# Characters that every form of mojibake repair looks for starts with (UTF-8 read as
# Latin-1 or cp1252 leaves Ã, Â or â, and Cyrillic or Arabic ones Ð, Ñ, Ø, Ù). A text
# without any of them is not read twice.
_SUSPECT = ("\u00c3", "\u00c2", "\u00e2", "\u00d0", "\u00d1", "\u00d8", "\u00d9", "\u00ef\u00bb")


def suspect(text: str) -> bool:
    """Return whether `text` may hold mojibake worth a repair pass.

    >>> suspect("The firm’s plan"), suspect("The firmâs plan")
    (False, True)
    """
    return any(mark in text for mark in _SUSPECT)


def raw_offsets(steps: Sequence[Step], clean: I64, *, ends: bool) -> I64:
    """Return the raw-text offsets of positions `clean` of the repaired text.

    >>> steps = [Step(2, 3, "’", "r", 1.0), Step(6, 9, "”", "r", 1.0)]  # "weâll ok" ...
    >>> raw_offsets(steps, np.array([0, 2, 3, 5, 6, 7]), ends=False).tolist()
    [0, 2, 3, 5, 6, 9]
    >>> raw_offsets(steps, np.array([2, 3, 6, 7]), ends=True).tolist()
    [2, 3, 6, 9]
    """
    if not steps:
        return clean.astype(np.int64, copy=True)
    start = np.fromiter((s.start for s in steps), dtype=np.int64, count=len(steps))
    end = np.fromiter((s.end for s in steps), dtype=np.int64, count=len(steps))
    size = np.fromiter((len(s.replacement) for s in steps), dtype=np.int64, count=len(steps))
    shift_after = np.cumsum(size - (end - start))  # repaired minus raw length, through step k
    clean_start = start + shift_after - size + (end - start)
    clean_end = clean_start + size
    k = np.searchsorted(clean_start, clean, side="right") - 1
    at = np.maximum(k, 0)
    out = clean - np.where(k >= 0, shift_after[at], 0)  # past step k (or before any step)
    touched = (k >= 0) & (clean < clean_end[at])
    within = touched & (clean > clean_start[at])
    out = np.where(touched, start[at], out)  # at the start of a replacement
    if ends:
        out = np.where(within, end[at], out)  # an end inside one takes the whole of it
    return out


def matching_tokens(text: str) -> Tokens:
    """Return the tokens of `text`'s repaired form, with spans in `text` itself.

    >>> t = matching_tokens("âWeâll see,â the firmâs head said.")
    >>> len(t), [int(x) for x in t.starts[:3]], [int(x) for x in t.ends[:3]]
    (8, [1, 4, 7], [3, 6, 10])
    >>> bool((t.hashes == tokenize("“We’ll see,” the firm’s head said.").hashes).all())
    True
    """
    if not suspect(text):
        return tokenize(text)
    fixed = repair(text)
    if not fixed.steps:
        return tokenize(text)
    tokens = tokenize(fixed.text)
    return Tokens(
        tokens.hashes,
        raw_offsets(fixed.steps, tokens.starts, ends=False),
        raw_offsets(fixed.steps, tokens.ends, ends=True),
    )


def matching_tokens_many(texts: list[str]) -> list[Tokens]:
    """Return :func:`matching_tokens` of each text; clean texts are tokenised in one batch."""
    out: list[Tokens | None] = [None] * len(texts)
    plain = [k for k, t in enumerate(texts) if not suspect(t)]
    for k, tokens in zip(plain, tokenize_many([texts[k] for k in plain])):
        out[k] = tokens
    for k, t in enumerate(texts):
        if out[k] is None:
            out[k] = matching_tokens(t)
    return out  # type: ignore[return-value]

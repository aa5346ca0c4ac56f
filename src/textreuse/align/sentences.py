"""Sentence boundaries for reworded passages.

A copied passage is aligned word for word, so its ends are exact. A reworded one
(paraphrase, translation round trip, summary) is aligned through the words it kept:
its first and last shared words sit somewhere inside its first and last sentences,
and the words before and after them were reused too, only changed. Text is reused a
sentence at a time, so each end of a reworded passage moves out to the sentence
boundary next to it, but only when the evidence agrees:

- never by more than ``limit`` characters (a long sentence, or text without
  punctuation, stays as aligned);
- only if at least ``share`` of the words it would add also occur within
  ``context`` characters of the matching end of the other side: text reused and
  changed keeps many of its words, a neighbouring sentence that was not reused keeps
  few of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from textreuse.index.tokenize import Tokens
from textreuse.model import Passage

U64 = npt.NDArray[np.uint64]

_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+|\n")
"""A full stop, question or exclamation mark (with closing quotes or brackets) and the
space after it, or a line break."""


@dataclass(frozen=True)
class SentenceConfig:
    """Options for widening reworded passages to sentence boundaries."""

    similarity: float = 0.8
    """Passages less similar than this are reworded; more similar ones stay as aligned."""
    limit: int = 120
    """Farthest an end may move, in characters."""
    share: float = 0.5
    """Smallest share of the added words that the other side's context must hold."""
    context: int = 300
    """Characters either side of the other side's end that count as its context."""


def widen_to_sentences(text: str, start: int, end: int, *, limit: int) -> tuple[int, int]:
    """Return ``(start, end)`` moved out to the sentence boundaries within `limit` characters.

    The start moves back to just after the previous sentence end (or to the start of
    the text); the end moves forward to just after the next full stop (or to the end of
    the text, or to the next line break). An end that finds no boundary in reach stays.

    >>> text = "One two. Three four five six. Seven eight."
    >>> start, end = widen_to_sentences(text, 15, 23, limit=20)
    >>> text[start:end]
    'Three four five six.'
    >>> widen_to_sentences(text, 15, 23, limit=3)
    (15, 23)
    """
    if limit <= 0:
        return start, end
    new_start = 0 if start <= limit else start
    ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, start - limit), start)]
    if ends:
        new_start = ends[-1]
    new_end = end
    m = _SENTENCE_END.search(text, end, min(len(text), end + limit))
    if m is not None:
        new_end = m.start() + (1 if text[m.start()] in ".!?" else 0)
    elif len(text) - end <= limit:
        new_end = len(text)
    return min(new_start, start), max(new_end, end)


def shares_words(added: U64, context: U64, *, share: float) -> bool:
    """Return whether at least `share` of the word hashes `added` occur in `context`.

    Text without words shares trivially.

    >>> from textreuse.index.tokenize import tokenize
    >>> h = tokenize("a cat, the mat").hashes
    >>> shares_words(tokenize("the Cat sat").hashes, h, share=0.6)
    True
    >>> shares_words(tokenize("dogs bark loudly").hashes, h, share=0.1)
    False
    """
    if added.shape[0] == 0:
        return True
    if context.shape[0] == 0:
        return 0.0 >= share
    # Looked up in the sorted context: np.isin costs ten times as much on a few dozen words.
    ordered = np.sort(context)
    at = np.minimum(np.searchsorted(ordered, added), ordered.shape[0] - 1)
    return float((ordered[at] == added).mean()) >= share


def _words(tokens: Tokens, start: int, end: int) -> U64:
    """Return the hashes of the tokens lying wholly inside characters ``[start, end)``."""
    lo = int(np.searchsorted(tokens.starts, start, side="left"))
    hi = int(np.searchsorted(tokens.ends, end, side="right"))
    return tokens.hashes[lo:hi]


def widen_passage(
    p: Passage,
    text_a: str,
    text_b: str,
    tokens_a: Tokens,
    tokens_b: Tokens,
    *,
    config: SentenceConfig = SentenceConfig(),
) -> Passage:
    """Return a reworded passage with each end moved to its sentence boundary where words agree.

    `tokens_a` and `tokens_b` are the texts' tokens, with spans in the same text, so
    words are compared as the aligner compares them. Passages at least
    ``config.similarity`` similar come back unchanged. Below, three ends move to their
    sentence boundaries; the start in a stays, as "The" does not occur in b.

    >>> from textreuse.index.tokenize import tokenize
    >>> a = "Intro here. The big cat sat on the mat today. Outro."
    >>> b = "Other start. Today a big cat sat on a mat. Other end."
    >>> widen_passage(Passage((16, 39), (19, 35), 0.5), a, b, tokenize(a), tokenize(b))
    Passage(a=(16, 45), b=(13, 42), similarity=0.5)
    """
    if p.similarity >= config.similarity:
        return p
    (sa, ea), (sb, eb) = p.a, p.b
    wsa, wea = widen_to_sentences(text_a, sa, ea, limit=config.limit)
    wsb, web = widen_to_sentences(text_b, sb, eb, limit=config.limit)
    c, s = config.context, config.share

    def agree(ta: Tokens, lo: int, hi: int, tb: Tokens, at: int) -> bool:
        return shares_words(_words(ta, lo, hi), _words(tb, at - c, at + c), share=s)

    return Passage(
        (
            wsa if agree(tokens_a, wsa, sa, tokens_b, sb) else sa,
            wea if agree(tokens_a, ea, wea, tokens_b, eb) else ea,
        ),
        (
            wsb if agree(tokens_b, wsb, sb, tokens_a, sa) else sb,
            web if agree(tokens_b, eb, web, tokens_a, ea) else eb,
        ),
        p.similarity,
    )

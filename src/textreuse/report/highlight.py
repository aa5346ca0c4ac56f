"""Word-level differences inside an aligned passage, shared by the terminal and HTML views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import Levenshtein

from textreuse.index.tokenize import tokenize

Op = Literal["equal", "replace", "delete", "insert"]


@dataclass(frozen=True)
class Segment:
    """A stretch of a passage: its operation and raw spans in text a and text b."""

    op: Op
    a: tuple[int, int]
    b: tuple[int, int]


def diff_words(text_a: str, text_b: str) -> list[Segment]:
    """Return the word-level edit script between two passages, spans relative to each text.

    Differences only in case, quotes, dashes or white space count as equal.

    >>> [s.op for s in diff_words("the quick brown fox", "The quick red fox")]
    ['equal', 'replace', 'equal']
    """
    ta, tb = tokenize(text_a), tokenize(text_b)
    segments = []
    for op in Levenshtein.opcodes(ta.hashes.tolist(), tb.hashes.tolist()):
        tag: Op = op.tag  # type: ignore[assignment]
        a = _span(ta.starts.tolist(), ta.ends.tolist(), op.src_start, op.src_end, len(text_a))
        b = _span(tb.starts.tolist(), tb.ends.tolist(), op.dest_start, op.dest_end, len(text_b))
        segments.append(Segment(tag, a, b))
    return segments


def _span(starts: list[int], ends: list[int], lo: int, hi: int, length: int) -> tuple[int, int]:
    # An empty range sits at the start of the next word (or the end of the text).
    if lo == hi:
        at = starts[lo] if lo < len(starts) else length
        return at, at
    return starts[lo], ends[hi - 1]

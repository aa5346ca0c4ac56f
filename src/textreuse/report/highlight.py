"""Word differences drawn as pieces of each side, shared by the terminal and HTML views.

The edit script itself is :func:`textreuse.align.words.diff_words`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textreuse.align.words import Op, Segment, diff_words
from textreuse.index.tokenize import Tokens


@dataclass(frozen=True)
class Piece:
    """A stretch of one side of a passage: ``equal`` text or a word difference."""

    op: Op
    start: int
    end: int


def split_sides(
    text_a: str, text_b: str, *, tokens: tuple[Tokens, Tokens] | None = None
) -> tuple[list[Piece], list[Piece]]:
    """Return each passage cut into consecutive pieces, marked equal or with its difference.

    The pieces of a side cover it whole and in order, so joining their text gives the
    passage back; side a carries ``replace`` and ``delete`` (words only in a), side b
    ``replace`` and ``insert`` (words only in b). The terminal view and the HTML report
    both draw these pieces, so they mark the same words.

    >>> a, b = split_sides("the quick brown fox", "The quick red fox")
    >>> [(p.op, "the quick brown fox"[p.start:p.end]) for p in a]
    [('equal', 'the quick '), ('replace', 'brown'), ('equal', ' fox')]
    >>> [(p.op, "The quick red fox"[p.start:p.end]) for p in b]
    [('equal', 'The quick '), ('replace', 'red'), ('equal', ' fox')]
    """
    return split_segments(diff_words(text_a, text_b, tokens=tokens), (0, len(text_a)), (0, len(text_b)))


def split_segments(
    segments: list[Segment], span_a: tuple[int, int], span_b: tuple[int, int]
) -> tuple[list[Piece], list[Piece]]:
    """Return spans `span_a` and `span_b` cut into pieces by `segments`, as :func:`split_sides` does.

    >>> a, b = split_segments(diff_words("x y", "x z"), (0, 3), (0, 3))
    >>> [(p.op, p.start, p.end) for p in b]
    [('equal', 0, 2), ('replace', 2, 3)]
    """
    changed = [s for s in segments if s.op != "equal"]
    side_a = _pieces(span_a, [(s.op, s.a) for s in changed if s.op != "insert"])
    side_b = _pieces(span_b, [(s.op, s.b) for s in changed if s.op != "delete"])
    return side_a, side_b


def _pieces(span: tuple[int, int], marked: list[tuple[Op, tuple[int, int]]]) -> list[Piece]:
    out = []
    cursor, length = span
    for op, (lo, hi) in marked:
        lo = max(lo, cursor)
        if lo > cursor:
            out.append(Piece("equal", cursor, lo))
        if hi > lo:
            out.append(Piece(op, lo, hi))
        cursor = max(cursor, hi)
    if cursor < length:
        out.append(Piece("equal", cursor, length))
    return out

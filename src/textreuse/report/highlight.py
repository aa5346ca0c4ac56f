"""Word-level differences inside an aligned passage, shared by the terminal and HTML views.

Both views diff the words matching read (:func:`matching_view`: encoding damage
repaired, boilerplate left out, spans in the raw text), so "weâll" against "we’ll" is
not shown as a changed word, and a share widget inside a passage is not a deletion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import Levenshtein

from textreuse.clean.boilerplate import without
from textreuse.clean.encoding import Step, apply_steps
from textreuse.clean.matching import raw_offsets
from textreuse.index.tokenize import Tokens, tokenize
from textreuse.model import Annotation

Op = Literal["equal", "replace", "delete", "insert"]


@dataclass(frozen=True)
class Segment:
    """A stretch of a passage: its operation and raw spans in text a and text b."""

    op: Op
    a: tuple[int, int]
    b: tuple[int, int]


def diff_words(text_a: str, text_b: str, *, tokens: tuple[Tokens, Tokens] | None = None) -> list[Segment]:
    """Return the word-level edit script between two passages, spans relative to each text.

    Differences only in case, quotes, dashes or white space count as equal. `tokens`
    gives the words of each passage to compare (:func:`passage_tokens`); by default
    the passages are tokenised as they stand.

    >>> [s.op for s in diff_words("the quick brown fox", "The quick red fox")]
    ['equal', 'replace', 'equal']
    """
    ta, tb = tokens if tokens is not None else (tokenize(text_a), tokenize(text_b))
    segments = []
    for op in Levenshtein.opcodes(ta.hashes.tolist(), tb.hashes.tolist()):
        tag: Op = op.tag  # type: ignore[assignment]
        a = _span(ta.starts.tolist(), ta.ends.tolist(), op.src_start, op.src_end, len(text_a))
        b = _span(tb.starts.tolist(), tb.ends.tolist(), op.dest_start, op.dest_end, len(text_b))
        segments.append(Segment(tag, a, b))
    return segments


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
    segments = [s for s in diff_words(text_a, text_b, tokens=tokens) if s.op != "equal"]
    side_a = _pieces(len(text_a), [(s.op, s.a) for s in segments if s.op != "insert"])
    side_b = _pieces(len(text_b), [(s.op, s.b) for s in segments if s.op != "delete"])
    return side_a, side_b


def _pieces(length: int, marked: list[tuple[Op, tuple[int, int]]]) -> list[Piece]:
    out = []
    cursor = 0
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


def _span(starts: list[int], ends: list[int], lo: int, hi: int, length: int) -> tuple[int, int]:
    # An empty range sits at the start of the next word (or the end of the text).
    if lo == hi:
        at = starts[lo] if lo < len(starts) else length
        return at, at
    return starts[lo], ends[hi - 1]


def matching_view(text: str, *, steps: Sequence[Step] = (), annotations: Sequence[Annotation] = ()) -> Tokens:
    """Return the words matching reads of `text`, given its stored repair steps and boilerplate.

    The words are those of the repaired text, without the annotated lines, with spans
    in `text` itself (as :func:`textreuse.clean.matching.prepare` makes them).

    >>> raw = "Weâll see.\\nShare this:"
    >>> view = matching_view(raw, steps=[Step(2, 3, "’", "lossy:apostrophe", 0.97)],
    ...                      annotations=[Annotation(11, 22, "share-widget", "share-buttons")])
    >>> [raw[s:e] for s, e in zip(view.starts.tolist(), view.ends.tolist())]
    ['We', 'll', 'see']
    """
    if steps:
        fixed = tokenize(apply_steps(text, steps))
        tokens = Tokens(fixed.hashes, raw_offsets(steps, fixed.starts, ends=False), raw_offsets(steps, fixed.ends, ends=True))
    else:
        tokens = tokenize(text)
    return without(tokens, sorted(annotations, key=lambda a: (a.start, a.end)))


def passage_tokens(tokens: Tokens, start: int, end: int) -> Tokens:
    """Return the words of `tokens` inside ``[start, end)``, spans relative to `start`.

    >>> t = passage_tokens(tokenize("one two three"), 4, 13)
    >>> t.starts.tolist(), t.ends.tolist()
    ([0, 4], [3, 9])
    """
    inside = (tokens.starts >= start) & (tokens.ends <= end)
    return Tokens(tokens.hashes[inside], tokens.starts[inside] - start, tokens.ends[inside] - start)

"""Word-level differences inside an aligned passage: the edit script of its words.

relate/diff reads it to say what changed; the terminal and HTML views draw it
(:mod:`textreuse.report.highlight`).

Both views diff the words matching read (:func:`matching_view`: encoding damage
repaired, boilerplate left out, spans in the raw text), so "weâll" against "we’ll" is
not shown as a changed word, and a share widget inside a passage is not a deletion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import Indel, Levenshtein

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
    return diff_tokens(ta, tb, end_a=len(text_a), end_b=len(text_b))


def diff_tokens(tokens_a: Tokens, tokens_b: Tokens, *, end_a: int, end_b: int) -> list[Segment]:
    """Return the word-level edit script between two token runs, spans as the tokens give them.

    The script keeps the longest common subsequence of words (as ``diff`` does) and calls a
    deletion next to an insertion a replacement: a cheapest Levenshtein script would
    rather pair unrelated words as replacements when a sentence is cut and another added.
    The tokens may come from any view of the texts (such as the repaired, boilerplate-free
    one matching reads), so spans stay wherever the tokens point; an empty span sits at the
    start of the next word, or at `end_a` / `end_b` after the last one.

    >>> from textreuse.index.tokenize import tokenize
    >>> [(s.op, s.a, s.b) for s in diff_tokens(tokenize("a b c"), tokenize("a c"), end_a=5, end_b=3)]
    [('equal', (0, 1), (0, 1)), ('delete', (2, 3), (2, 2)), ('equal', (4, 5), (2, 3))]
    """
    ta, tb = tokens_a, tokens_b
    a_starts, a_ends, b_starts, b_ends = ta.starts.tolist(), ta.ends.tolist(), tb.starts.tolist(), tb.ends.tolist()
    segments = []
    for tag, a_lo, a_hi, b_lo, b_hi in _merged(_lcs_opcodes(ta.hashes.tolist(), tb.hashes.tolist())):
        a = _span(a_starts, a_ends, a_lo, a_hi, end_a)
        b = _span(b_starts, b_ends, b_lo, b_hi, end_b)
        segments.append(Segment(tag, a, b))
    return segments


# Largest word-by-word table the longest-common-subsequence script is computed on in one go (it
# keeps one bit per cell: 2**26 cells are 8 MB); larger passages are first aligned by a
# Levenshtein script, whose memory stays linear, and only its changed stretches redone
# (a changed stretch larger than that keeps the Levenshtein operations).
_LCS_CELLS = 1 << 26

Opcode = tuple[str, int, int, int, int]


def _lcs_opcodes(a: list[int], b: list[int]) -> list[Opcode]:
    if len(a) * len(b) <= _LCS_CELLS:
        return [(o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end) for o in Indel.opcodes(a, b)]
    out: list[Opcode] = []
    for tag, a_lo, a_hi, b_lo, b_hi in _merged(
        [(o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end) for o in Levenshtein.opcodes(a, b)]
    ):
        if tag == "equal" or (a_hi - a_lo) * (b_hi - b_lo) > _LCS_CELLS:
            out.append((tag, a_lo, a_hi, b_lo, b_hi))
            continue
        for o in Indel.opcodes(a[a_lo:a_hi], b[b_lo:b_hi]):
            out.append((o.tag, a_lo + o.src_start, a_lo + o.src_end, b_lo + o.dest_start, b_lo + o.dest_end))
    return out


def _merged(opcodes: list[Opcode]) -> list[tuple[Op, int, int, int, int]]:
    # Runs of deletions, insertions and replacements between two equal stretches become one.
    out: list[tuple[Op, int, int, int, int]] = []
    for tag, a_lo, a_hi, b_lo, b_hi in opcodes:
        if a_lo == a_hi and b_lo == b_hi:
            continue
        if tag == "equal" or not out or out[-1][0] == "equal":
            out.append((tag, a_lo, a_hi, b_lo, b_hi))  # type: ignore[arg-type]
            continue
        _, a_lo, _, b_lo, _ = out.pop()
        merged: Op = "replace" if a_hi > a_lo and b_hi > b_lo else "delete" if a_hi > a_lo else "insert"
        out.append((merged, a_lo, a_hi, b_lo, b_hi))
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

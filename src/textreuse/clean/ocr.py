"""OCR folds: the text matching reads of OCR output, look-alike glyphs made one.

OCR of old print misreads glyphs that look alike (rn and m, cl and d, li and h, h and b,
e and c, l, 1 and I, O and 0, long s and s) and breaks words at line ends with a hyphen.
Two scans of one article carry different misreadings, so their words, and the n-grams
that pair them, differ. Folding maps every glyph of a look-alike class to one form on
both sides, so a misreading inside a class no longer tells two copies apart; joining
``infor-`` / ``mation`` gives the word back. The fold is for matching only: like an
encoding repair it returns steps, and every span stays in the raw text.

The fold is lossy on purpose ("help" and "hdp" read the same), which costs clean text
nothing that matters: it only ever equates strings that print alike.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from textreuse.clean.encoding import Step

# Look-alike classes, one glyph each: every other member maps to it (ASCII capitals are
# lower-cased first, so the translation keeps the length).
_SINGLE = str.maketrans(
    {
        **{chr(c): chr(c + 32) for c in range(65, 91)},
        "c": "e", "b": "h", "1": "l", "i": "l", "|": "l", "!": "l", "0": "o",
        "\u017f": "s", "u": "n", "I": "l", "C": "e", "B": "h", "U": "n", "O": "o",
    }
)
# Glyph pairs read as one glyph, in folded form ("cl" folds to "el", "li" to "ll").
_PAIRS = {"rn": "m", "el": "d", "ll": "h", "vv": "w"}
_PAIR = re.compile("|".join(_PAIRS))
# A hyphen at a line end between letters: the word goes on on the next line.
_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*\r?\n[ \t]*(?=[^\W\d_])")

RULE_PAIR = "ocr: look-alike glyphs"
RULE_SINGLE = "ocr: look-alike glyph"
RULE_HYPHEN = "ocr: hyphenated line end"


@dataclass(frozen=True)
class Fold:
    """Return-type of :func:`fold`: the folded text and the steps that change its length."""

    text: str
    steps: tuple[Step, ...]


def fold(text: str) -> Fold:
    """Return `text` with look-alike glyphs folded and hyphenated line ends joined.

    One-for-one folds (c to e, 1 to l, ...) keep every offset; the steps say where the
    length changes (``rn`` to ``m``, a line-end hyphen dropped), as :func:`raw_offsets`
    of :mod:`textreuse.clean.matching` reads them.

    >>> f = fold("The modern infor-\\nmation")
    >>> f.text, f.text == fold("Tbc rnodem inforrnation").text
    ('the modem lnformatlon', True)
    >>> [(s.start, s.end, s.replacement) for s in f.steps]
    [(8, 10, 'm'), (16, 18, '')]
    """
    steps: list[Step] = []
    pieces: list[str] = []
    last = 0
    for m in _HYPHEN.finditer(text):
        pieces.append(text[last : m.start()])
        steps.append(Step(m.start(), m.end(), "", RULE_HYPHEN, 1.0))
        last = m.end()
    joined = "".join(pieces) + text[last:] if steps else text
    single = joined.translate(_SINGLE)
    if not _PAIR.search(single):
        return Fold(single, tuple(steps))
    # Pairs are found in the joined text; their steps are then put in raw offsets.
    shift = _Shift(steps)
    out: list[str] = []
    pairs: list[Step] = []
    last = 0
    for m in _PAIR.finditer(single):
        start, end = shift.raw(m.start()), shift.raw(m.end() - 1) + 1
        if end - start != 2:
            continue  # the pair runs over a joined line end: left as it is
        out.append(single[last : m.start()])
        out.append(_PAIRS[m.group()])
        pairs.append(Step(start, end, _PAIRS[m.group()], RULE_PAIR, 1.0))
        last = m.end()
    out.append(single[last:])
    merged = sorted([*steps, *pairs], key=lambda s: s.start)
    return Fold("".join(out), tuple(merged))


class _Shift:
    """Raw offsets of positions in the text with the line-end hyphens dropped."""

    def __init__(self, steps: list[Step]) -> None:
        self.at: list[int] = []  # where each cut is in the joined text
        self.before: list[int] = [0]  # characters cut up to and including each
        for s in steps:
            self.at.append(s.start - self.before[-1])
            self.before.append(self.before[-1] + s.end - s.start)

    def raw(self, at: int) -> int:
        return at + self.before[bisect_right(self.at, at)]


def fold_steps(text: str) -> tuple[Step, ...]:
    """Return every change :func:`fold` makes to `text` but changes of case (matching
    ignores case), one step each, in raw offsets: replaying them on `text` gives
    ``fold(text).text`` up to case. ``clean --ocr --explain`` lists them; matching needs
    only the steps that change the length.

    >>> from textreuse.clean.encoding import apply_steps
    >>> steps = fold_steps("Tbe rnodern")
    >>> [(s.start, s.end, s.replacement) for s in steps]
    [(1, 2, 'h'), (4, 6, 'm'), (9, 11, 'm')]
    >>> apply_steps("Tbe rnodern", steps).lower() == fold("Tbe rnodern").text
    True
    """
    folded = fold(text)
    taken = [False] * len(text)
    for step in folded.steps:
        for k in range(step.start, step.end):
            taken[k] = True
    singles = [
        Step(k, k + 1, new, RULE_SINGLE, 1.0)
        for k, ch in enumerate(text)
        if not taken[k] and (new := ch.translate(_SINGLE)) != ch.lower()
    ]
    return tuple(sorted([*folded.steps, *singles], key=lambda s: (s.start, s.end)))

"""Tokens for matching taken from the repaired text, with spans in the raw text.

Matching reads each document as cleaning leaves it: encoding damage repaired and
boilerplate lines set aside (:func:`prepare`), while every span stays in the raw text.

Mojibake splits words ("weâll" is one token where "we’ll" is two) and breaks the
n-grams alignment seeds on, so matching reads the repaired text. Every span still
points into the raw text as read: a position inside a replaced stretch maps to that
stretch's raw start (for a token's start) or raw end (for a token's end).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from textreuse.clean.boilerplate import BoilerplateConfig, Survey, mark, without
from textreuse.clean.encoding import EncodingConfig, Step, apply_steps, repair
from textreuse.clean.ocr import fold
from textreuse.index.tokenize import Tokens, tokenize, tokenize_many
from textreuse.model import Annotation

I64 = npt.NDArray[np.int64]

# Characters that every form of mojibake repair looks for starts with (UTF-8 read as
# Latin-1 or cp1252 leaves Ã, Â or â, and Cyrillic or Arabic ones Ð, Ñ, Ø, Ù). A text
# without any of them is not read twice.
# A C1 control character is a cp1252 byte read as Latin-1 (ingest reads the stray bytes
# of a UTF-8 file so), which the repair gives its cp1252 character.
_SUSPECT = ("\u00c3", "\u00c2", "\u00e2", "\u00d0", "\u00d1", "\u00d8", "\u00d9", "\u00ef\u00bb")
_C1 = re.compile("[\u0080-\u009f]")


def suspect(text: str) -> bool:
    """Return whether `text` may hold mojibake worth a repair pass.

    >>> suspect("The firm’s plan"), suspect("The firmâs plan"), suspect("The firm\x92s plan")
    (False, True, True)
    """
    return any(mark in text for mark in _SUSPECT) or _C1.search(text) is not None


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


@dataclass(frozen=True)
class Prepared:
    """Return-type of :func:`prepare`: matching tokens, the repair steps and the boilerplate."""

    tokens: Tokens
    steps: tuple[Step, ...] = ()
    annotations: tuple[Annotation, ...] = ()


def _folded_tokens(text: str) -> Tokens:
    """Return the tokens of `text` with OCR look-alikes folded, spans in `text`."""
    folded = fold(text)
    tokens = tokenize(folded.text)
    if not folded.steps:
        return tokens
    starts = raw_offsets(folded.steps, tokens.starts, ends=False)
    ends = raw_offsets(folded.steps, tokens.ends, ends=True)
    return Tokens(tokens.hashes, starts, ends)


def _reader(encoding: EncodingConfig) -> Callable[[str], Tokens]:
    """Return how matching tokenises a text: OCR look-alikes folded under ``encoding.ocr``."""
    return _folded_tokens if encoding.ocr else tokenize


def _repaired_tokens(text: str, encoding: EncodingConfig) -> tuple[Tokens, tuple[Step, ...]]:
    read = _reader(encoding)
    if not (encoding.use_ftfy or encoding.lossy) or not suspect(text):
        return read(text), ()
    fixed = repair(text, config=encoding)
    return _tokens_of_steps(text, fixed.steps, read), fixed.steps


def _tokens_of_steps(text: str, steps: Sequence[Step], read: Callable[[str], Tokens] = tokenize) -> Tokens:
    """Return the tokens (`read`) of `text` repaired by `steps` (its :func:`repair`), spans in `text`."""
    if not steps:
        return read(text)
    tokens = read(apply_steps(text, steps))
    starts = raw_offsets(steps, tokens.starts, ends=False)
    ends = raw_offsets(steps, tokens.ends, ends=True)
    return Tokens(tokens.hashes, starts, ends)


def prepare(
    text: str,
    *,
    corpus: Survey | None = None,
    annotations: Sequence[Annotation] | None = None,
    encoding: EncodingConfig = EncodingConfig(),
    boilerplate: BoilerplateConfig = BoilerplateConfig(),
) -> Prepared:
    """Return what matching reads of `text`: repaired tokens without boilerplate, and why.

    `annotations` given (from an earlier pass) are used as they are; otherwise the
    boilerplate is marked with the patterns and the `corpus` survey.

    >>> p = prepare("Jane writes:\\n\\nWeâll see. Itâs late.\\n\\n[Continue reading…]")
    >>> len(p.tokens), [a.kind for a in p.annotations], [s.replacement for s in p.steps]
    (6, ['byline', 'continue-link'], ['’', '’'])
    """
    if annotations is None:
        annotations = mark(text, corpus, config=boilerplate)
    tokens, steps = _repaired_tokens(text, encoding)
    return Prepared(without(tokens, annotations), steps, tuple(annotations))


def prepare_many(
    texts: Sequence[str],
    *,
    corpus: Survey | None = None,
    annotations: Sequence[Sequence[Annotation] | None] | None = None,
    encoding: EncodingConfig = EncodingConfig(),
    boilerplate: BoilerplateConfig = BoilerplateConfig(),
    repaired: Sequence[Sequence[Step] | None] | None = None,
) -> list[Prepared]:
    """Return :func:`prepare` of each text; texts needing no repair are tokenised in one batch.

    `repaired` gives, for texts prepared before, the steps their repair took then (None:
    not known): they are applied again instead of repairing the text a second time.
    """
    marks = [
        mark(t, corpus, config=boilerplate) if annotations is None or annotations[k] is None else tuple(annotations[k])  # type: ignore[arg-type]
        for k, t in enumerate(texts)
    ]
    repairing = encoding.use_ftfy or encoding.lossy
    known: Sequence[Sequence[Step] | None] = repaired if repaired is not None and repairing else [None] * len(texts)
    plain = [] if encoding.ocr else [
        k for k, t in enumerate(texts) if not (repairing and suspect(t)) or (known[k] is not None and not known[k])
    ]
    out: list[Prepared | None] = [None] * len(texts)
    for k, tokens in zip(plain, tokenize_many([texts[k] for k in plain])):
        out[k] = Prepared(without(tokens, marks[k]), (), marks[k])
    for k, t in enumerate(texts):
        if out[k] is None:
            steps = known[k]
            if steps is None:
                out[k] = prepare(t, annotations=marks[k], encoding=encoding)
            else:
                out[k] = Prepared(without(_tokens_of_steps(t, steps, _reader(encoding)), marks[k]), tuple(steps), marks[k])
    return out  # type: ignore[return-value]


def matching_tokens(text: str) -> Tokens:
    """Return the tokens of `text`'s repaired form, with spans in `text` itself.

    Boilerplate lines found by the patterns are left out (:func:`prepare`).

    >>> t = matching_tokens("âWeâll see,â the firmâs head said.")
    >>> len(t), [int(x) for x in t.starts[:3]], [int(x) for x in t.ends[:3]]
    (8, [1, 4, 7], [3, 6, 10])
    >>> bool((t.hashes == tokenize("“We’ll see,” the firm’s head said.").hashes).all())
    True
    """
    return prepare(text).tokens


def matching_tokens_many(texts: list[str]) -> list[Tokens]:
    """Return :func:`matching_tokens` of each text; clean texts are tokenised in one batch."""
    return [p.tokens for p in prepare_many(texts)]

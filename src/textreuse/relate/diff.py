"""How one document rewrote another: word operations, added sentences and named changes.

A diff reads both documents as matching does (:func:`textreuse.clean.matching.prepare`):
encoding damage repaired and boilerplate lines set aside, so mojibake and repost frames
("X writes:", "[Continue reading…]") never show as changes; frames are listed apart.
Every span is a half-open offset into the raw text as read.

The diff holds, in the order given (a, then b):

* per aligned passage, in the order of text a, the word operations (``equal``,
  ``replace``, ``delete``, ``insert``) from the same edit script the HTML report and ``textreuse show`` draw
  (:func:`textreuse.report.highlight.diff_tokens`);
* what each side has outside the passages, cut into sentences;
* changes named by plain rules, each pointing at its words on both sides:

  - ``number``: a replaced stretch holds a number on both sides and they differ
    (``76%`` → ``75%``, ``$1.13bn`` → ``$1.2bn``, ``six`` → ``five``); the whole number
    expression is shown;
  - ``name``: a replaced stretch touches a run of capitalised words on both sides and
    the runs differ (a lone capitalised word opening a sentence is not a name);
  - ``quote``: an operation falls inside text in quotation marks on either side;
  - ``sentence_removed`` / ``sentence_inserted``: a sentence none of whose words were
    kept (equal or replaced) on the other side, inside a passage or outside.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from textreuse.align.words import Op, diff_tokens, matching_view
from textreuse.clean.boilerplate import mark
from textreuse.clean.encoding import Step, apply_steps, repair
from textreuse.clean.matching import raw_offsets
from textreuse.index.tokenize import Tokens
from textreuse.model import Annotation, Document, Pair, Passage, Span

ChangeKind = Literal["number", "name", "quote", "sentence_removed", "sentence_inserted"]
CHANGE_KINDS: tuple[ChangeKind, ...] = ("number", "name", "quote", "sentence_removed", "sentence_inserted")

SCHEMA = "textreuse.diff/1"

# A number with its currency sign, decimal and thousands separators and unit, or a
# number written as a word ("six weeks" → "five weeks").
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred thousand million billion trillion dozen half third quarter"
)
_NUMBER = re.compile(
    r"(?<![\w.,])[$€£¥]?\d+(?:[.,]\d+)*"
    r"(?:\s?%|\s?(?:per\s?cent|percent|bn|billion|mn|million|trillion|thousand|m|k)\b)?"
    r"|\b(?:" + "|".join(_NUMBER_WORDS.split()) + r")\b",
    re.IGNORECASE,
)
# Text in double quotation marks (single ones double as apostrophes), within a line.
_QUOTE = re.compile(r"“[^“”\n]*”|\"[^\"\n]*\"|«[^«»\n]*»|„[^„“”\n]*[“”]")
# Words that open sentences without being names.
_OPENERS = frozenset(
    "a an and as at but by for from he her his i if in it its last many meanwhile most "
    "my next now on one our she since so some that the their then there these they this "
    "those to under we what when while with yet you".split()
)
_WORD = re.compile(r"\w[\w’'-]*")
# A sentence ends at a full stop, question or exclamation mark (with closing quotes or
# brackets) before white space, or at a line break.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)|\n")


@dataclass(frozen=True)
class Operation:
    """A word operation of a passage: what happened, raw span in a, raw span in b."""

    op: Op
    a: Span
    b: Span


@dataclass(frozen=True)
class PassageDiff:
    """An aligned passage (raw spans in a and b) and its word operations, in order."""

    a: Span
    b: Span
    similarity: float
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class Change:
    """A named change: its kind, its words in a and in b (None on the side that lacks them).

    ``passage`` is the index of the passage it was found in, or None outside passages.
    """

    kind: ChangeKind
    a: Span | None
    b: Span | None
    passage: int | None


@dataclass(frozen=True)
class Extra:
    """A stretch of one side outside every passage: a sentence, or the part of one a passage leaves.

    ``whole`` says whether it is the complete sentence.
    """

    start: int
    end: int
    whole: bool


@dataclass(frozen=True)
class Diff:
    """Return-type of :func:`diff_documents`: passages, what each side adds, changes and frames."""

    doc_a: str
    doc_b: str
    relation: str | None
    origin: str | None
    passages: tuple[PassageDiff, ...]
    only_a: tuple[Extra, ...]
    only_b: tuple[Extra, ...]
    changes: tuple[Change, ...]
    frames_a: tuple[Annotation, ...] = field(default_factory=tuple)
    frames_b: tuple[Annotation, ...] = field(default_factory=tuple)

    def counts(self) -> dict[str, int]:
        """Return the number of passages, operations of each kind, changes of each kind and extras."""
        out = {"passages": len(self.passages)}
        for op in ("equal", "replace", "delete", "insert"):
            out[op] = sum(o.op == op for p in self.passages for o in p.operations)
        for kind in CHANGE_KINDS:
            out[kind] = sum(c.kind == kind for c in self.changes)
        out["only_a"], out["only_b"] = len(self.only_a), len(self.only_b)
        out["frames_a"], out["frames_b"] = len(self.frames_a), len(self.frames_b)
        return out

    def to_dict(self, raw_a: str, raw_b: str, *, aligned: Literal["stored", "now"] = "stored") -> dict[str, object]:
        """Return the diff in the JSON output contract (``schema`` ``textreuse.diff/1``).

        `raw_a` and `raw_b` are the raw texts the spans point into; every span comes with
        its text, ``raw[start:end]``. `aligned` says whether the passages were read from
        the database or aligned for this diff.
        """

        def span(raw: str, s: Span | None) -> dict[str, object] | None:
            return None if s is None else {"start": s[0], "end": s[1], "text": raw[s[0] : s[1]]}

        def frame(raw: str, f: Annotation) -> dict[str, object]:
            return {"start": f.start, "end": f.end, "text": raw[f.start : f.end], "kind": f.kind, "rule": f.rule}

        def extra(raw: str, e: Extra) -> dict[str, object]:
            return {"start": e.start, "end": e.end, "text": raw[e.start : e.end], "whole": e.whole}

        return {
            "schema": SCHEMA,
            "doc_a": self.doc_a,
            "doc_b": self.doc_b,
            "aligned": aligned,
            "relation": self.relation,
            "origin": self.origin,
            "counts": self.counts(),
            "passages": [
                {
                    "a": span(raw_a, p.a),
                    "b": span(raw_b, p.b),
                    "similarity": round(p.similarity, 4),
                    "operations": [
                        {"op": o.op, "a": span(raw_a, o.a), "b": span(raw_b, o.b)} for o in p.operations
                    ],
                }
                for p in self.passages
            ],
            "changes": [
                {"kind": c.kind, "passage": c.passage, "a": span(raw_a, c.a), "b": span(raw_b, c.b)}
                for c in self.changes
            ],
            "only_a": [extra(raw_a, e) for e in self.only_a],
            "only_b": [extra(raw_b, e) for e in self.only_b],
            "frames_a": [frame(raw_a, f) for f in self.frames_a],
            "frames_b": [frame(raw_b, f) for f in self.frames_b],
        }


@dataclass(frozen=True)
class View:
    """One side as matching reads it: tokens (raw spans), sentence and pattern spans, frames."""

    raw: str
    text: str
    steps: tuple[Step, ...]
    tokens: Tokens
    frames: tuple[Annotation, ...]
    sentences: tuple[Span, ...]
    numbers: tuple[Span, ...]
    names: tuple[Span, ...]
    quotes: tuple[Span, ...]


def view(
    raw: str,
    *,
    annotations: Sequence[Annotation] | None = None,
    steps: Sequence[Step] | None = None,
) -> View:
    """Return `raw` as the diff reads it; stored `annotations` and repair `steps` are used as given.

    Without them, boilerplate is marked by the patterns and encoding repaired as matching
    does. Sentences, numbers, names and quotes are found in the repaired text and their
    spans mapped back to the raw text.

    >>> v = view("Jane writes:\\n\\nPrices rose 5%. Bob Lee said âhiâ.")
    >>> [v.raw[s:e] for s, e in v.numbers], [v.raw[s:e] for s, e in v.names], [v.raw[s:e] for s, e in v.quotes]
    (['5%'], ['Bob Lee'], [])
    """
    if annotations is None:
        annotations = mark(raw)
    if steps is None:
        steps = repair(raw).steps
    steps = tuple(steps)
    text = apply_steps(raw, steps) if steps else raw
    # The same words `show` and the HTML report diff.
    tokens = matching_view(raw, steps=steps, annotations=annotations)

    def to_raw(spans: list[Span]) -> tuple[Span, ...]:
        if not steps or not spans:
            return tuple(spans)
        arr = np.array(spans, dtype=np.int64).reshape(-1, 2)
        lo = raw_offsets(steps, arr[:, 0], ends=False).tolist()
        hi = raw_offsets(steps, arr[:, 1], ends=True).tolist()
        return tuple(zip(lo, hi))

    return View(
        raw=raw,
        text=text,
        steps=steps,
        tokens=tokens,
        frames=tuple(annotations),
        sentences=to_raw(sentences(text)),
        numbers=to_raw([m.span() for m in _NUMBER.finditer(text)]),
        names=to_raw(names(text)),
        quotes=to_raw([m.span() for m in _QUOTE.finditer(text)]),
    )


def sentences(text: str) -> list[Span]:
    """Return the spans of `text`'s sentences, trimmed of white space, empty ones left out.

    >>> text = "One two. “Three?” he said.\\nFour"
    >>> [text[s:e] for s, e in sentences(text)]
    ['One two.', '“Three?”', 'he said.', 'Four']
    """
    out = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        out.append((start, m.end()))
        start = m.end()
    out.append((start, len(text)))
    trimmed = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


def names(text: str) -> list[Span]:
    """Return the spans of runs of capitalised words that read as names.

    A run is words starting with a capital letter, one space apart. Any sentence opens
    with a capital, so a run opening one loses a first word that is a common opener
    ("The", "Then", "But"...), and a single word left opening a sentence is no name.

    >>> text = "The mayor, John Smith, met Acme Corp. Later he left. Then Smith said no."
    >>> [text[s:e] for s, e in names(text)]
    ['John Smith', 'Acme Corp', 'Smith']
    """
    runs: list[list[tuple[int, int]]] = []
    last_end = -2
    for m in _WORD.finditer(text):
        if not m.group()[0].isupper():
            last_end = -2
            continue
        if runs and text[last_end : m.start()] == " ":
            runs[-1].append(m.span())
        else:
            runs.append([m.span()])
        last_end = m.end()
    out = []
    for run in runs:
        if _opens_sentence(text, run[0][0]):
            if len(run) > 1 and text[run[0][0] : run[0][1]].casefold() in _OPENERS:
                run = run[1:]
            elif len(run) == 1:
                continue
        out.append((run[0][0], run[-1][1]))
    return out


def _opens_sentence(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t\"'“‘(«")
    return not before or before[-1] in ".!?…\n:" or before.endswith(("\n",))


def diff_views(pair: Pair, a: View, b: View) -> Diff:
    """Return the diff of two views whose `pair` gives the aligned passages (a first, then b).

    >>> text_a = "The council approved a budget of $1.13bn on Tuesday. Mayor John Smith spoke."
    >>> text_b = "The council approved a budget of $1.2bn on Tuesday. Mayor John Smyth spoke."
    >>> from textreuse.model import Passage
    >>> pair = Pair("a", "b", "near_duplicate", None, 1.0, 1.0, (Passage((0, 77), (0, 76), 0.9),))
    >>> d = diff_views(pair, view(text_a), view(text_b))
    >>> [(c.kind, text_a[c.a[0]:c.a[1]], text_b[c.b[0]:c.b[1]]) for c in d.changes]
    [('number', '$1.13bn', '$1.2bn'), ('name', 'Mayor John Smith', 'Mayor John Smyth')]
    """
    ta, tb = a.tokens, b.tokens
    kept_a = np.zeros(len(ta), dtype=bool)
    kept_b = np.zeros(len(tb), dtype=bool)
    passages = []
    changes: list[Change] = []
    # In the order of text a, which is read as the earlier one.
    for k, p in enumerate(sorted(pair.passages, key=lambda p: (p.a, p.b))):
        ia = _token_range(ta, p.a)
        ib = _token_range(tb, p.b)
        sub_a = Tokens(ta.hashes[ia[0] : ia[1]], ta.starts[ia[0] : ia[1]], ta.ends[ia[0] : ia[1]])
        sub_b = Tokens(tb.hashes[ib[0] : ib[1]], tb.starts[ib[0] : ib[1]], tb.ends[ib[0] : ib[1]])
        segments = diff_tokens(sub_a, sub_b, end_a=p.a[1], end_b=p.b[1])
        ops = tuple(Operation(s.op, s.a, s.b) for s in segments)
        passages.append(PassageDiff(p.a, p.b, p.similarity, ops))
        for o in ops:
            if o.op in ("equal", "replace"):
                lo, hi = _token_range(ta, o.a)
                kept_a[lo:hi] = True
                lo, hi = _token_range(tb, o.b)
                kept_b[lo:hi] = True
        changes += _named_changes(k, ops, a, b)
    passage_a = [p.a for p in pair.passages]
    passage_b = [p.b for p in pair.passages]
    changes += _lost_sentences("sentence_removed", a, kept_a, passage_a)
    changes += _lost_sentences("sentence_inserted", b, kept_b, passage_b)
    return Diff(
        doc_a=pair.doc_a,
        doc_b=pair.doc_b,
        relation=pair.relation,
        origin=pair.origin,
        passages=tuple(passages),
        only_a=tuple(_outside(a, passage_a)),
        only_b=tuple(_outside(b, passage_b)),
        changes=tuple(sorted(changes, key=_change_order)),
        frames_a=a.frames,
        frames_b=b.frames,
    )


def diff_documents(
    pair: Pair,
    doc_a: Document,
    doc_b: Document,
    *,
    annotations: tuple[Sequence[Annotation] | None, Sequence[Annotation] | None] = (None, None),
    steps: tuple[Sequence[Step] | None, Sequence[Step] | None] = (None, None),
) -> Diff:
    """Return how `doc_b` rewrote `doc_a` (or the reverse), given their `pair`.

    The pair may list the documents in either order; the diff keeps ``doc_a`` first.
    `annotations` and `steps` are the stored boilerplate lines and repair steps of each
    document, if known.
    """
    if (pair.doc_a, pair.doc_b) == (doc_b.id, doc_a.id) and doc_a.id != doc_b.id:
        pair = flip(pair)
    va = view(doc_a.raw_text, annotations=annotations[0], steps=steps[0])
    vb = view(doc_b.raw_text, annotations=annotations[1], steps=steps[1])
    return diff_views(pair, va, vb)


def flip(pair: Pair) -> Pair:
    """Return `pair` with its two documents swapped (passages and coverage too)."""
    return Pair(
        pair.doc_b,
        pair.doc_a,
        pair.relation,
        pair.origin,
        pair.coverage_b,
        pair.coverage_a,
        tuple(Passage(p.b, p.a, p.similarity) for p in pair.passages),
    )


def _token_range(tokens: Tokens, span: Span) -> tuple[int, int]:
    # Tokens lying wholly inside the span.
    lo = int(np.searchsorted(tokens.starts, span[0], side="left"))
    hi = int(np.searchsorted(tokens.ends, span[1], side="right"))
    return lo, max(lo, hi)


def _touching(spans: Sequence[Span], span: Span) -> list[Span]:
    # Spans overlapping `span`; an empty span touches what strictly contains its position.
    # `spans` are in order and do not overlap, so their ends are in order too.
    lo, hi = span
    k = bisect.bisect_right(spans, lo, key=lambda s: s[1])
    out = []
    while k < len(spans) and (spans[k][0] < hi or (lo == hi and spans[k][0] < lo)):
        if lo < hi or spans[k][0] < lo < spans[k][1]:
            out.append(spans[k])
        k += 1
    return out


def _union(spans: list[Span]) -> Span:
    return min(s[0] for s in spans), max(s[1] for s in spans)


def _key(raw: str, spans: list[Span]) -> list[str]:
    return [" ".join(raw[s:e].split()).casefold() for s, e in spans]


def _named_changes(k: int, ops: Sequence[Operation], a: View, b: View) -> list[Change]:
    out: list[Change] = []
    seen_quotes: set[tuple[Span | None, Span | None]] = set()
    for o in ops:
        if o.op == "equal":
            continue
        if o.op == "replace":
            for kind, spans_a, spans_b in (("number", a.numbers, b.numbers), ("name", a.names, b.names)):
                in_a, in_b = _touching(spans_a, o.a), _touching(spans_b, o.b)
                if in_a and in_b and _key(a.raw, in_a) != _key(b.raw, in_b):
                    out.append(Change(kind, _union(in_a), _union(in_b), k))  # type: ignore[arg-type]
        qa, qb = _touching(a.quotes, o.a), _touching(b.quotes, o.b)
        if qa or qb:
            key = (_union(qa) if qa else None, _union(qb) if qb else None)
            if key not in seen_quotes:
                seen_quotes.add(key)
                out.append(Change("quote", key[0], key[1], k))
    return out


def _within(span: Span, spans: Sequence[Span]) -> int | None:
    for k, (s, e) in enumerate(spans):
        if s <= span[0] and span[1] <= e:
            return k
    return None


def _lost_sentences(kind: ChangeKind, side: View, kept: np.ndarray, passages: list[Span]) -> list[Change]:
    out = []
    frames = [(f.start, f.end) for f in side.frames]
    for s in side.sentences:
        lo, hi = _token_range(side.tokens, s)
        if hi == lo or kept[lo:hi].any() or _within(s, frames) is not None:
            continue
        where = _within(s, passages)
        out.append(Change(kind, s, None, where) if kind == "sentence_removed" else Change(kind, None, s, where))
    return out


def _outside(side: View, passages: list[Span]) -> list[Extra]:
    out = []
    frames = [(f.start, f.end) for f in side.frames]
    covered = sorted(passages + frames)
    for s, e in side.sentences:
        pieces = [(s, e)]
        for cs, ce in covered:
            nxt = []
            for ps, pe in pieces:
                if ce <= ps or pe <= cs:
                    nxt.append((ps, pe))
                    continue
                if ps < cs:
                    nxt.append((ps, cs))
                if ce < pe:
                    nxt.append((ce, pe))
            pieces = nxt
        for ps, pe in pieces:
            lo, hi = _token_range(side.tokens, (ps, pe))
            if hi == lo:
                continue  # punctuation or white space left over
            start, end = int(side.tokens.starts[lo]), int(side.tokens.ends[hi - 1])
            # Keep the sentence's own punctuation at either end when the piece reaches it.
            start = ps if ps == s else start
            end = pe if pe == e else end
            out.append(Extra(start, end, (start, end) == (s, e)))
    return out


def _change_order(c: Change) -> tuple[bool, int, int, int]:
    # Passage by passage, then outside them; within, in the order of text a, then b.
    never = 1 << 62
    return (
        c.passage is None,
        c.passage or 0,
        c.a[0] if c.a is not None else never,
        c.b[0] if c.b is not None else never,
    )

"""Recurring boilerplate: lines that stand at the edges of unrelated documents.

The corpus-wide half of the boilerplate stage (:mod:`textreuse.clean.boilerplate`
reads each document's edges and marks its lines). Copies of an article form groups
(:func:`survey_groups`: duplicates, and documents opening with the same rare lines);
a short line recurs when it stands at the head or tail of documents in
``min_contexts`` groups (:func:`recurring_survey`), and each document holding one is
marked again (:func:`recurring_mark`). Every engine calls these functions on the same
rows: the survey sees every document's edges at once, the marking one document at a time.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Iterable, Sequence
from typing import NamedTuple, overload

import numpy as np
import numpy.typing as npt

from textreuse.clean.boilerplate import (
    PATTERN,
    SHORT,
    BoilerplateConfig,
    Edges,
    Survey,
    mark,
    without,
)
from textreuse.graph import components
from textreuse.index.tokenize import Tokens
from textreuse.model import Annotation, Document, Reject

__all__ = [
    "EdgeTable",
    "PackedEdges",
    "content_groups",
    "holding",
    "recurring_mark",
    "recurring_marks",
    "recurring_survey",
    "survey_groups",
    "survey_table",
]


class EdgeTable(NamedTuple):
    """Every document's head and tail lines as columns, for the corpus-wide steps.

    One row per :class:`EdgeLine`, in reading order (documents in order, each head
    then tail): document number, whether it is a tail line, key and prefix hashes and
    what it is.
    """

    doc: npt.NDArray[np.int64]
    tail: npt.NDArray[np.bool_]
    key: npt.NDArray[np.int64]
    prefix: npt.NDArray[np.int64]
    what: npt.NDArray[np.int8]
    n_docs: int

    @classmethod
    def of(cls, read: Sequence[Edges | None] | EdgeTable) -> EdgeTable:
        """Return the table of the documents' :func:`edges` (None: a document not read)."""
        if isinstance(read, EdgeTable):
            return read
        if isinstance(read, PackedEdges):
            return read.table()
        rows = [
            (k, z, e[4], e[5], e[6]) for k, r in enumerate(read) if r is not None for z in (0, 1) for e in r[z]
        ]
        cols = np.array(rows, dtype=np.int64).reshape(-1, 5).T
        return cls(cols[0], cols[1].astype(bool), cols[2], cols[3], cols[4].astype(np.int8), len(read))


class PackedEdges(Sequence["Edges | None"]):
    """Documents' :func:`edges` as the index stage hands them on to the survey, packed.

    As Python objects a document's edge lines take ~2.5 KB (ten named tuples of seven
    fields); here they take ~0.6 KB: the survey's columns (:class:`EdgeTable`) in arrays,
    and each document's lines pickled, read back only for the documents the survey marks.

    >>> from textreuse.clean.boilerplate import edges
    >>> texts = ["Title\\n" + "A paragraph of the story. " * 5 + "\\nJoin the debate", "Other\\nText."]
    >>> packed = PackedEdges()
    >>> for t in texts + [None]:
    ...     packed.append(edges(t) if t else None)
    >>> table, same = packed.table(), EdgeTable.of(list(packed))
    >>> list(packed) == [edges(texts[0]), edges(texts[1]), None], all(np.array_equal(x, y) for x, y in zip(table, same))
    (True, True)
    """

    def __init__(self) -> None:
        self._lines: list[bytes | None] = []
        self._doc, self._key, self._prefix = array("q"), array("q"), array("q")
        self._tail, self._what = array("b"), array("b")

    def append(self, read: Edges | None) -> None:
        """Add the next document's edges (None: a document not read)."""
        k = len(self._lines)
        self._lines.append(None if read is None else pickle.dumps(read, protocol=pickle.HIGHEST_PROTOCOL))
        if read is None:
            return
        for z in (0, 1):
            for e in read[z]:
                self._doc.append(k)
                self._tail.append(z)
                self._key.append(e[4])
                self._prefix.append(e[5])
                self._what.append(e[6])

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, k: int) -> Edges | None: ...

    @overload
    def __getitem__(self, k: slice) -> list[Edges | None]: ...

    def __getitem__(self, k: int | slice) -> Edges | None | list[Edges | None]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        blob = self._lines[k]
        return None if blob is None else pickle.loads(blob)  # noqa: S301 - written by this process

    def table(self) -> EdgeTable:
        """Return the survey's table of every document's lines."""
        def column(values: array[int], dtype: type) -> npt.NDArray[np.generic]:
            return np.frombuffer(values, dtype=np.int64 if values.typecode == "q" else np.int8).astype(dtype)

        return EdgeTable(
            column(self._doc, np.int64), column(self._tail, np.bool_), column(self._key, np.int64),  # type: ignore[arg-type]
            column(self._prefix, np.int64), column(self._what, np.int8), len(self._lines),  # type: ignore[arg-type]
        )


def content_groups(
    read: Sequence[Edges | None] | EdgeTable, *, config: BoilerplateConfig = BoilerplateConfig()
) -> list[int]:
    """Return a group label per document: documents sharing a rare line of their head.

    Copies of an article (syndicated, excerpted, lightly edited) open with the same
    lines, and few documents hold them; chrome lines are held by every page of a site.
    So a head line shared by at most ``max_link_docs`` documents joins them into one
    group, and a line held by more joins nothing (a line twice in one head counts twice).

    >>> from textreuse.clean.boilerplate import edges
    >>> docs = ["Title\\n" + "Shared opening paragraph of the story. " * 5, "Other\\n" + "A different story. " * 9]
    >>> read = [edges(d) for d in docs]
    >>> content_groups(read + [edges(docs[0].replace("Title", "Headline"))])
    [0, 1, 0]
    """
    table = EdgeTable.of(read)
    head = ~table.tail & (table.what != PATTERN)
    keys, docs = table.key[head], table.doc[head]
    order = np.argsort(keys, kind="stable")  # holders of a line in reading order
    keys, docs = keys[order], docs[order]
    first = np.ones(keys.shape[0], dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    run = np.cumsum(first) - 1
    size = np.bincount(run)[run] if keys.shape[0] else run
    lead = docs[np.flatnonzero(first)][run] if keys.shape[0] else docs
    link = ~first & (size <= config.max_link_docs)
    return components(table.n_docs, zip(docs[link].tolist(), lead[link].tolist()))


def _first_contexts(items: npt.NDArray[np.int64], contexts: npt.NDArray[np.int64], least: int) -> dict[int, set[int]]:
    """Return, for each item seen with at least `least` different contexts, its first
    `least` contexts in order (what :meth:`Survey.add` keeps of a recurring item)."""
    if not items.shape[0]:
        return {}
    pairs = np.stack([items, contexts], axis=1)
    _, first = np.unique(pairs, axis=0, return_index=True)
    first.sort()  # each (item, context) once, in order of first sight
    items, contexts = items[first], contexts[first]
    kinds, counts = np.unique(items, return_counts=True)
    out: dict[int, set[int]] = {}
    for item in kinds[counts >= least].tolist():
        out[item] = set(contexts[items == item][:least].tolist())
    return out


def survey_table(
    read: Sequence[Edges | None] | EdgeTable, groups: Sequence[int], *, config: BoilerplateConfig = BoilerplateConfig()
) -> Survey:
    """Return the recurring part of the corpus survey (:meth:`Survey.recurring` of
    :func:`merge_surveys`), worked out over the whole table at once.

    >>> from textreuse.clean.boilerplate import edges, survey
    >>> docs = [f"{story}\\nJoin the debate" for story in ["Rain fell.", "Markets rose.", "A vote.", "Snow."]]
    >>> read = [edges(d) for d in docs]
    >>> survey_table(read, [0, 1, 2, 3]).lines == survey(docs).recurring().lines
    True
    """
    table = EdgeTable.of(read)
    short = table.what == SHORT
    group = np.asarray(groups, dtype=np.int64)[table.doc[short]]
    lines = _first_contexts(table.key[short], group, config.min_contexts)
    tails = short & table.tail & (table.prefix != 0)
    prefixes = _first_contexts(table.prefix[tails], table.key[tails], config.min_contexts)
    return Survey(config.min_contexts, lines, prefixes)


def holding(read: Sequence[Edges | None] | EdgeTable, corpus: Survey) -> list[int]:
    """Return the documents whose head or tail holds a line (or tail prefix) that recurs
    in `corpus`: the only ones its recurring lines can change."""
    table = EdgeTable.of(read)
    short = table.what == SHORT
    recurring = np.fromiter(corpus.recurring_lines(), dtype=np.int64)
    prefixes = np.fromiter(corpus.recurring_prefixes(), dtype=np.int64)
    hit = short & (np.isin(table.key, recurring) | (table.tail & np.isin(table.prefix, prefixes)))
    return [int(k) for k in np.unique(table.doc[hit])]


def survey_groups(
    read: Sequence[Edges | None] | EdgeTable,
    duplicates: Iterable[Sequence[int]],
    *,
    config: BoilerplateConfig = BoilerplateConfig(),
) -> list[int]:
    """Return each document's group for the recurring-line survey (the least document of it).

    Copies of an article (`duplicates`, lists of document numbers, and documents opening
    with the same content lines) form groups; a line recurs only across groups. Candidate
    pairs are not used: a site's shared chrome alone links its pages there.
    """
    table = EdgeTable.of(read)
    by_content = content_groups(table, config=config)
    linked = [(k, g) for k, g in enumerate(by_content) if g != k]
    linked += [(m, members[0]) for members in duplicates for m in members[1:]]
    return components(table.n_docs, linked)


def recurring_survey(
    read: Sequence[Edges | None] | EdgeTable, groups: Sequence[int], *, config: BoilerplateConfig = BoilerplateConfig()
) -> Survey | None:
    """Return the survey of lines recurring across `groups`, or None when no line recurs.

    `read` holds each document's head and tail lines from the index stage.
    """
    corpus = survey_table(read, groups, config=config)
    if not corpus.recurring_lines() and not corpus.recurring_prefixes():
        return None
    return corpus


def recurring_mark(
    text: str, read: Edges | None, corpus: Survey, *, config: BoilerplateConfig = BoilerplateConfig()
) -> tuple[Annotation, ...] | None:
    """Return the boilerplate lines of `text` with those `corpus` finds recurring, or None
    when its head and tail (`read`) hold no recurring line (its pattern lines stand)."""
    if read is None or not holding([read], corpus):
        return None
    return mark(text, corpus, config=config, read=read)


def recurring_marks(
    docs: Sequence[Document],
    read: Sequence[Edges | None],
    duplicates: Iterable[Sequence[int]],
    marks: dict[int, tuple[Annotation, ...]],
    kept: dict[int, Tokens],
    *,
    config: BoilerplateConfig = BoilerplateConfig(),
    failed: list[Reject] | None = None,
) -> None:
    """Add the lines recurring across unrelated groups to `marks` (and drop their tokens).

    `read` holds each document's head and tail lines from the index stage, grouped
    for the survey by :func:`survey_groups`; documents whose tokens were kept lose
    those of the new boilerplate lines. A document that cannot be marked keeps its
    pattern lines only, and a reject (kind ``internal``) is added to `failed`.
    """
    table = EdgeTable.of(read)
    corpus = recurring_survey(table, survey_groups(table, duplicates, config=config), config=config)
    if corpus is None:
        return
    for k in holding(table, corpus):
        try:
            found = mark(docs[k].raw_text, corpus, config=config, read=read[k])
        except Exception as exc:  # noqa: BLE001 - one document's failure costs only its recurring lines
            if failed is None:
                raise
            failed.append(Reject(docs[k].source_path, f"internal error while setting the recurring lines of "
                                 f"{docs[k].id!r} aside: {type(exc).__name__}: {exc}; they are matched as text "
                                 "(please report it)", kind="internal"))
            continue
        if found != marks.get(k, ()):
            marks[k] = found
            if k in kept:
                kept[k] = without(kept[k], found)

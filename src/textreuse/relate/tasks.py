"""Alignment tasks: what the candidate search hands on, aligned and related.

A *task* is a pair of representatives ``(a, b)`` to align, or ``(k, -1)``: the duplicate
group of representative k, whose copies pair with it without aligning. :class:`Relater`
does tasks over one set of documents; both engines call it (the local engine in each worker
process, Spark in each alignment partition), so a pair is aligned, held to the copied-text
rule and related the same way whichever schedules it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from textreuse.align.local_align import (
    SeedIndex,
    TokenPassage,
    align_indexed,
    align_many,
    seed_index,
    uses_seed_index,
)
from textreuse.clean.encoding import Step
from textreuse.clean.matching import prepare_many
from textreuse.clean.witness import needs_witness
from textreuse.config import Config
from textreuse.index.tokenize import Tokens
from textreuse.model import Annotation, Document, Pair
from textreuse.relate.pairs import copied_passages, relate, whole

Task = tuple[int, int]


def task_docs(task: Task, groups: Mapping[int, Sequence[int]]) -> Sequence[int]:
    """Return the documents an alignment task reads: a duplicate group's members (task
    ``(k, -1)``) or the two representatives of a pair.

    >>> task_docs((3, -1), {3: [3, 8, 9]}), task_docs((3, 5), {})
    ([3, 8, 9], (3, 5))
    """
    ra, rb = task
    return groups.get(ra, [ra]) if rb < 0 else task


def copied_or_damaged(
    found: Sequence[TokenPassage],
    ta: Tokens,
    tb: Tokens,
    text_a: str,
    text_b: str,
    *,
    config: Config,
) -> list[TokenPassage]:
    """Return the passages of `found` a scan keeps: copied text (:func:`copied_passages`),
    or all of them when a side has sites of lossy damage.

    Unrepaired damage breaks words apart ("ministerâfacing"), so a damaged copy is not held
    to the copied-text rule: its pair brings the witness that repairs it. (Telling needs a
    substring test on most texts, so it is not cached.)
    """
    if needs_witness(text_a, ()) or needs_witness(text_b, ()):
        return list(found)
    return copied_passages(found, ta, tb, text_a, text_b, config=config.relate)


class TokenCache:
    """Tokens of recently used documents, over those kept from the index stage."""

    def __init__(
        self,
        docs: Mapping[int, Document] | Sequence[Document],
        config: Config,
        kept: Mapping[int, Tokens],
        marks: Mapping[int, tuple[Annotation, ...]],
        size: int = 512,
        repairs: Mapping[int, tuple[Step, ...]] | None = None,
    ) -> None:
        self.docs, self.config, self.size, self.kept, self.marks = docs, config, size, kept, marks
        self.repairs = repairs
        self.n = config.align.seed_n
        self.cache: dict[int, Tokens] = {}
        self.seeds: dict[int, SeedIndex] = {}

    def seed_index(self, k: int) -> SeedIndex:
        """Return the seed index of document `k`, built once."""
        index = self.seeds.get(k)
        if index is None:
            index = self.seeds[k] = seed_index(self(k).hashes, n=self.n)
        return index

    def __call__(self, k: int) -> Tokens:
        # Not `or`: a text without words has empty (falsy) tokens.
        tokens = self.kept.get(k)
        if tokens is None:
            tokens = self.cache.get(k)
        if tokens is None:
            self.load([k])
            tokens = self.cache[k]
        return tokens

    def load(self, ks: Iterable[int]) -> None:
        """Tokenise the documents `ks` not yet cached, in one batch."""
        missing = sorted({k for k in ks if k not in self.cache and k not in self.kept})
        if len(self.cache) + len(missing) > self.size:
            self.cache.clear()
            self.seeds.clear()
        prepared = prepare_many(
            [self.docs[k].raw_text for k in missing],
            annotations=[self.marks.get(k, ()) for k in missing],
            encoding=self.config.encoding,
            # The index stage's repairs, replayed: no document is repaired twice.
            repaired=None if self.repairs is None else [self.repairs.get(k, ()) for k in missing],
        )
        for k, p in zip(missing, prepared):
            self.cache[k] = p.tokens


class Relater:
    """Alignment tasks over documents numbered as the candidate search numbered them.

    `groups` maps a duplicate group's representative to its members (representative
    first), `kept` holds tokens the index stage already made, `marks` each document's
    boilerplate annotations (what matching leaves out), `repairs` (when given) the repair
    steps of every document the index stage repaired: the others are read as they are.
    """

    def __init__(
        self,
        docs: Mapping[int, Document] | Sequence[Document],
        groups: Mapping[int, Sequence[int]],
        config: Config,
        *,
        kept: Mapping[int, Tokens] | None = None,
        marks: Mapping[int, tuple[Annotation, ...]] | None = None,
        repairs: Mapping[int, tuple[Step, ...]] | None = None,
    ) -> None:
        self.docs, self.groups, self.config = docs, groups, config
        self.tokens = TokenCache(docs, config, kept or {}, marks or {}, repairs=repairs)

    def relate(self, tasks: Sequence[Task]) -> list[Pair]:
        """Return the pairs of `tasks`: representative pairs aligned, duplicate groups paired.

        A duplicate group of n documents gives n - 1 pairs, each copy with the group's
        representative, and a representative pair stands for its groups' copies: they are
        members of the same stories (:mod:`textreuse.relate.stories`), whose pairs of
        members are mapped through them, not aligned again.
        """
        docs, groups, config, tokens = self.docs, self.groups, self.config, self.tokens
        tokens.load(m for task in tasks for m in task_docs(task, groups))
        out: list[Pair] = []
        indexed = uses_seed_index()
        # Compiled, the chunk's pairs are aligned in one call (see align_many).
        pairs = [] if indexed else [(tokens(ra).hashes, tokens(rb).hashes) for ra, rb in tasks if rb >= 0]
        aligned = iter(align_many(pairs, config=config.align))
        for ra, rb in tasks:
            if rb < 0:
                rep = docs[ra]
                tr = tokens(ra)
                for m in groups[ra][1:]:
                    tm = tokens(m)
                    p = relate(rep, docs[m], tr, tm, [whole(tr, tm)], duplicate=True, config=config.relate)
                    if p is not None:
                        out.append(p)
                continue
            if indexed:
                found = align_indexed(tokens.seed_index(ra), tokens.seed_index(rb), config=config.align)
            else:
                found = next(aligned)
            if found:
                found = copied_or_damaged(found, tokens(ra), tokens(rb), docs[ra].raw_text, docs[rb].raw_text, config=config)
            if found:
                p = relate(docs[ra], docs[rb], tokens(ra), tokens(rb), found, config=config.relate)
                if p is not None:
                    out.append(p)
        return out

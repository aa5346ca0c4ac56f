"""Cross-witness repair: a damaged document takes its lost characters from a clean copy.

Lossy mojibake loses which punctuation mark stood where; the context rules guess it
well, but a clean document that shares the passage knows it. After alignment, each
lossy-damaged document is repaired again with the undamaged partner that shares most
of its text as witness (its steps then name that witness); the context rules still
cover what no passage covers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textreuse.clean.encoding import Step
from textreuse.clean.lossy import has_sites
from textreuse.model import Pair

Passages = list[tuple[int, int, int, int]]


def lossy(steps: Iterable[Step]) -> bool:
    """Return whether repair steps include lossy-mojibake restorations."""
    return any(s.rule.startswith("lossy") for s in steps)


def needs_witness(text: str, steps: Iterable[Step]) -> bool:
    """Return whether a document may have lost characters a witness could give back.

    Lossy-damaged documents, and also those with lossy sites too few or too unclear for
    the context rules to judge the document damaged (``ministerâfacing a revoltâresigned``
    with no contraction to prove it): an aligned clean copy settles them.

    >>> needs_witness("the ministerâfacing a revolt", ()), needs_witness("le pâté", ())
    (True, True)
    >>> needs_witness("the minister—facing a revolt", ())
    False
    """
    # Whether any site is there, not the sites: the align stage asks it of both sides of
    # every pair, and a damaged text's first site settles it.
    return lossy(steps) or has_sites(text)


def best_witness(doc_id: str, pairs: Iterable[Pair], *, damaged: Callable[[str], bool]) -> tuple[str, Passages] | None:
    """Return the undamaged partner of `doc_id` sharing most of its text, with the passages.

    Passages come as ``(start, end, witness_start, witness_end)``: the first span in
    `doc_id`, the second in the witness. Ties go to the smaller id, so the choice is
    deterministic.

    >>> from textreuse.model import Passage
    >>> p = [Pair("d", "w", "overlap", None, .5, .5, (Passage((0, 9), (5, 14), 1.0),)),
    ...      Pair("v", "d", "overlap", None, .5, .5, (Passage((0, 20), (0, 20), 1.0),))]
    >>> best_witness("d", p, damaged=lambda i: i == "v")
    ('w', [(0, 9, 5, 14)])
    """
    found: list[tuple[int, str, Passages]] = []
    for pair in pairs:
        if doc_id not in (pair.doc_a, pair.doc_b) or pair.doc_a == pair.doc_b:
            continue
        mine_first = pair.doc_a == doc_id
        other = pair.doc_b if mine_first else pair.doc_a
        if damaged(other):
            continue
        spans = [(*(q.a if mine_first else q.b), *(q.b if mine_first else q.a)) for q in pair.passages]
        size = sum(e - s for s, e, _, _ in spans)
        if size:
            found.append((size, other, spans))
    if not found:
        return None
    _, other, spans = min(found, key=lambda f: (-f[0], f[1]))
    return other, spans

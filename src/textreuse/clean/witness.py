"""Cross-witness repair: a damaged document takes its lost characters from a clean copy.

Lossy mojibake loses which punctuation mark stood where; the context rules guess it
well, but a clean document that shares the passage knows it. After alignment, each
lossy-damaged document is repaired again with the undamaged partner that shares most
of its text as witness (its steps then name that witness); the context rules still
cover what no passage covers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from textreuse.clean.encoding import EncodingConfig, Step, repair_with_witness
from textreuse.clean.lossy import has_sites
from textreuse.model import Document, Pair, Reject

__all__ = ["WitnessJob", "best_witness", "lossy", "needs_witness", "try_repair", "witness_jobs", "witness_repairs"]

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


class WitnessJob(NamedTuple):
    """One repair with a witness: document numbers (as in the corpus) and aligned spans."""

    doc: int
    witness: int
    spans: Passages


def witness_jobs(docs: Sequence[Document], pairs: Iterable[Pair], repairs: dict[int, tuple[Step, ...]]) -> list[WitnessJob]:
    """Return a job per document that :func:`needs_witness` and has an undamaged partner.

    `repairs` holds the first repair's steps by document number. A document is damaged
    (no witness for another) when it was repaired or needs a witness itself. Jobs come
    in document order, so every engine builds the same ones from the same rows.
    """
    damaged = [k for k, d in enumerate(docs) if needs_witness(d.raw_text, repairs.get(k, ()))]
    if not damaged:
        return []
    index = {d.id: k for k, d in enumerate(docs)}
    repaired = {docs[k].id for k in repairs} | {docs[k].id for k in damaged}
    by_doc: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        by_doc[p.doc_a].append(p)
        by_doc[p.doc_b].append(p)
    jobs = []
    for k in damaged:
        found = best_witness(docs[k].id, by_doc.get(docs[k].id, ()), damaged=repaired.__contains__)
        if found is not None:
            jobs.append(WitnessJob(k, index[found[0]], found[1]))
    return jobs


def try_repair(docs: Sequence[Document], job: WitnessJob, *, config: EncodingConfig = EncodingConfig()) -> tuple[Step, ...] | str:
    """Return the steps of `job`'s repair, or the text of the error that stopped it."""
    try:
        return repair_with_witness(
            docs[job.doc].raw_text, docs[job.witness].raw_text, job.spans, witness=docs[job.witness].id, config=config
        ).steps
    except Exception as exc:  # noqa: BLE001 - one document's failure costs only its repair
        return f"{type(exc).__name__}: {exc}"


def witness_repairs(
    docs: Sequence[Document],
    pairs: Iterable[Pair],
    repairs: dict[int, tuple[Step, ...]],
    *,
    config: EncodingConfig = EncodingConfig(),
    run: Callable[[list[WitnessJob]], Iterable[tuple[Step, ...] | str]] | None = None,
    failed: list[Reject] | None = None,
) -> None:
    """Repair lossy-damaged documents again with an undamaged partner as witness (in place).

    `run` does the jobs (:func:`try_repair` on each, in order; an engine passes its own to
    spread them over workers). A document whose repair fails keeps its first repair,
    and a reject (kind ``internal``) is added to `failed` (without `failed`, ValueError).
    """
    jobs = witness_jobs(docs, pairs, repairs)
    if not jobs:
        return
    results = run(jobs) if run is not None else [try_repair(docs, job, config=config) for job in jobs]
    for (k, w, _), steps in zip(jobs, results, strict=True):
        if isinstance(steps, str):
            if failed is None:
                raise ValueError(f"repairing {docs[k].id!r} with {docs[w].id!r} as witness failed: {steps}")
            failed.append(Reject(docs[k].source_path, f"internal error while repairing {docs[k].id!r} with "
                                 f"{docs[w].id!r} as witness: {steps}; it keeps its first repair (please report it)",
                                 kind="internal"))
            continue
        if steps or k in repairs:
            repairs[k] = steps

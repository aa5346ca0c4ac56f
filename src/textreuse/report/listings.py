"""The listings the CLI prints, as :class:`~textreuse.report.rows.Listing`: columns, rows and JSON.

One function per kind of row, built from plain records; :func:`textreuse.report.rows.write`
prints any of them in any format. Floats are rounded to 4 places, as in the JSON
output contract.

>>> from textreuse.model import Pair, Passage
>>> listing = pairs_listing([Pair("a-1", "b-2", "excerpt", "b-2", 0.9, 0.25, (Passage((0, 9), (5, 14), 1.0),))])
>>> listing.names, listing.rows[0]
(['doc_a', 'doc_b', 'relation', 'origin', 'coverage_a', 'coverage_b', 'passages'], ('a-1', 'b-2', 'excerpt', 'b-2', 0.9, 0.25, 1))
>>> listing.title()
'1 pair'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from textreuse.model import Pair, Reject
from textreuse.relate.diff import Diff
from textreuse.relate.stories import Joined, Member, Story
from textreuse.report.rows import Column, Listing, Value

COVERAGE = (Column("coverage_a", places=2, right=True), Column("coverage_b", places=2, right=True))


def pairs_listing(pairs: Sequence[Pair], *, total: int | None = None) -> Listing:
    """Return pairs as rows (passages counted); their JSON is the output contract, passages included."""
    return Listing(
        "pair",
        ("doc_a", "doc_b", "relation", "origin", *COVERAGE, Column("passages", right=True)),
        [
            (p.doc_a, p.doc_b, p.relation, p.origin, round(p.coverage_a, 4), round(p.coverage_b, 4), len(p.passages))
            for p in pairs
        ],
        records=[p.to_dict() for p in pairs],
        total=total,
    )


def no_pair(doc_a: str, doc_b: str) -> Pair:
    """Return the pair `align` writes for two documents sharing nothing (its relation is null)."""
    return Pair(doc_a, doc_b, None, None, 0.0, 0.0, ())  # type: ignore[arg-type]


def rejects_listing(rejects: Sequence[Reject], *, total: int | None = None) -> Listing:
    """Return rejects as rows: path, line (empty for a whole file), kind and reason."""
    return Listing(
        "reject",
        ("path", Column("line", right=True), "kind", "reason"),
        [(r.path, r.line, r.kind, r.reason) for r in rejects],
        total=total,
    )


def summary_listing(summary: Mapping[str, Any]) -> Listing:
    """Return a scan's summary counts as one row (pairs by relation, seconds in total)."""
    relations = dict(summary["pairs_by_relation"])
    where = summary.get("db", summary.get("out"))
    names = ["documents", "rejected", "candidates", "pairs", *relations, "stories", "repaired", "with_boilerplate"]
    values = [summary[k] if k in summary else relations[k] for k in names]
    return Listing(
        "scan",
        [*(Column(n, right=True) for n in names), Column("seconds", places=1, right=True), "db"],
        [(*values, summary["seconds"].get("total"), where)],
        records=[dict(summary)],
    )


def passages_listing(pair: Pair, texts: Sequence[tuple[str, str]], *, total: int | None = None) -> Listing:
    """Return a pair's passages as rows: number, raw spans, similarity and each side's (marked) text."""
    return Listing(
        "passage",
        (Column("passage", right=True), "a_start", "a_end", "b_start", "b_end", Column("similarity", places=2), "text_a", "text_b"),
        [
            (k, p.a[0], p.a[1], p.b[0], p.b[1], round(p.similarity, 4), ta, tb)
            for k, (p, (ta, tb)) in enumerate(zip(pair.passages, texts), start=1)
        ],
        total=total,
    )


def diff_listing(diff: Diff, raw_a: str, raw_b: str, *, limit: int | None = None) -> Listing:
    """Return a diff's differences as rows: word operations, then named changes.

    ``kind`` is ``replace``, ``delete`` or ``insert`` for a word operation, or a change
    kind (``number``, ``name``, ``quote``, ``sentence_removed``, ``sentence_inserted``);
    ``passage`` counts from 1 (empty outside the passages); spans are raw offsets.
    """
    rows: list[tuple[Value, ...]] = []

    def row(kind: str, passage: int | None, a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[Value, ...]:
        return (
            kind,
            None if passage is None else passage + 1,
            *((a[0], a[1], raw_a[a[0] : a[1]]) if a else (None, None, None)),
            *((b[0], b[1], raw_b[b[0] : b[1]]) if b else (None, None, None)),
        )

    for k, p in enumerate(diff.passages):
        rows += [row(o.op, k, o.a, o.b) for o in p.operations if o.op != "equal"]
    rows += [row(c.kind, c.passage, c.a, c.b) for c in diff.changes]
    total = len(rows)
    return Listing(
        "difference",
        ("kind", "passage", "a_start", "a_end", "a_text", "b_start", "b_end", "b_text"),
        rows[:limit] if limit is not None else rows,
        total=total,
    )


def stories_listing(stories: Sequence[Story], *, doc: str | None = None, total: int | None = None) -> Listing:
    """Return stories as rows: id, size, sites, dates, origin, representative (and with
    `doc`, how that document takes part: its relation and spans)."""
    columns: list[Column | str] = ["story_id", Column("size", right=True), Column("sites", right=True),
                                   "first_date", "last_date", "origin", "representative"]
    if doc is not None:
        columns += ["relation", "spans"]
    rows, records = [], []
    for s in stories:
        row: list[Value] = [s.id, s.size, s.sites, s.first_date, s.last_date, s.origin, s.representative]
        record: dict[str, Any] = {"story": s.id, "size": s.size, "sites": s.sites, "first_date": s.first_date,
                                  "last_date": s.last_date, "origin": s.origin, "representative": s.representative}
        if doc is not None:
            m = s.member(doc)
            row += [m.relation if m else None, " ".join(f"{a}-{b}" for a, b in m.spans) if m else None]
            record["member"] = _member(s, m) if m else None
        rows.append(tuple(row))
        records.append(record)
    return Listing("story", columns, rows, records=records, total=total)


def _member(story: Story, m: Member) -> dict[str, Any]:
    return {"story": story.id, "doc": m.doc_id, "relation": m.relation, "source": m.source,
            "similarity": round(m.similarity, 4), "coverage": round(m.coverage, 4), "spans": [[a, b] for a, b in m.spans]}


def members_listing(story: Story) -> Listing:
    """Return one story's members as rows: document, relation, source, similarity, coverage, spans."""
    return Listing(
        "member",
        ("doc_id", "relation", "source", Column("similarity", places=2, right=True),
         Column("coverage", places=2, right=True), "spans"),
        [(m.doc_id, m.relation, m.source, round(m.similarity, 4), round(m.coverage, 4),
          " ".join(f"{a}-{b}" for a, b in m.spans)) for m in story.members],
        records=[_member(story, m) for m in story.members],
    )


def joined_listing(joined: Sequence[Joined]) -> Listing:
    """Return the stories a traced document joins as rows: story, its relation to the
    story's text, the member it shares it with, similarity, coverage, its spans, the
    story's origin and size."""
    return Listing(
        "story",
        ("story_id", "relation", "via", Column("similarity", places=2, right=True), Column("coverage", places=2, right=True),
         "spans", "origin", Column("size", right=True)),
        [(j.story, j.relation, j.via, j.similarity, j.coverage, " ".join(f"{a}-{b}" for a, b in j.spans), j.origin, j.size)
         for j in joined],
        records=[j.to_dict() for j in joined],
    )


def joined_line(j: Joined) -> str:
    """Return one sentence saying how a traced document joins a stored story.

    >>> joined_line(Joined("st-1", "near_copy", "b", 0.96, 1.0, ((0, 90),), "a", 3, "a"))
    'joins story st-1: near copy of its text (via b, similarity 0.96, spans 0-90); origin a, 3 members'
    """
    spans = " ".join(f"{a}-{b}" for a, b in j.spans)
    return (
        f"joins story {j.story}: {j.relation.replace('_', ' ')} of its text (via {j.via}, similarity "
        f"{j.similarity:.2f}, spans {spans}); origin {j.origin or 'unknown'}, {j.size} member{'s' if j.size != 1 else ''}"
    )

"""What the report reads from DuckDB, streamed: a record batch at a time, a story at a time.

Stories, their documents and their pairs come from three cursors ordered by story, so
only one story's texts are held at a time.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Sequence
from itertools import groupby
from operator import itemgetter

import duckdb

from textreuse.report.html.page import Row
from textreuse.store import duckdb as store

BATCH_ROWS = 1000

PAIR_COLUMNS = (
    "p.doc_a, p.doc_b, p.relation, p.origin, p.coverage_a, p.coverage_b, p.n_passages, "
    "greatest(p.coverage_a, p.coverage_b) AS coverage"
)

_PASSAGES = (
    "list(struct_pack(a_start := s.a_start, a_end := s.a_end, b_start := s.b_start, "
    "b_end := s.b_end, similarity := s.similarity) ORDER BY s.passage) "
    "FILTER (WHERE s.passage IS NOT NULL) AS passages"
)

_DOC_COLUMNS = "d.doc_id, d.url, d.date, d.title, d.source, d.encoding, d.n_chars, d.raw_text"


def stream(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> Generator[Row, None, None]:
    """Yield the query's rows as dicts, a record batch at a time (never all at once)."""
    cur = con.cursor()  # one open result per connection: each stream gets its own cursor
    try:
        relation = cur.sql(sql, params=list(params) or None)
        # to_arrow_reader since DuckDB 1.4; fetch_arrow_reader before.
        reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
        for batch in reader(BATCH_ROWS):
            yield from batch.to_pylist()
    finally:
        cur.close()


def count(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> int:
    """Return the one number `sql` selects (0 for NULL)."""
    row = con.execute(sql, list(params)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def list_pairs_sql(relation: str | None) -> str:
    """Return the query of a pairs list, most covered first, with both titles."""
    where = "WHERE p.relation = ? " if relation else ""
    return (
        f"SELECT {PAIR_COLUMNS}, da.title AS title_a, dbb.title AS title_b FROM pairs p "
        "LEFT JOIN documents da ON da.doc_id = p.doc_a LEFT JOIN documents dbb ON dbb.doc_id = p.doc_b "
        f"{where}ORDER BY coverage DESC, p.doc_a, p.doc_b"
    )


class Groups:
    """Rows of one ordered stream handed out a group (one story) at a time."""

    def __init__(self, rows: Iterable[Row], key: str) -> None:
        self._groups = groupby(rows, key=itemgetter(key))
        self._head = next(self._groups, None)

    def take(self, value: object) -> list[Row]:
        """Return the rows of group `value`, if it is the next one (groups come in order)."""
        if self._head is None or self._head[0] != value:
            return []
        rows = list(self._head[1])
        self._head = next(self._groups, None)
        return rows


def cleaning_sql(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """Return the columns and joins that add each document's boilerplate and repair steps.

    Databases written before the ``annotations`` and ``repairs`` tables get NULLs.
    """
    columns, joins = [], []
    if store.has_table(con, "annotations"):
        columns.append("an.marks AS boilerplate")
        joins.append(
            'LEFT JOIN (SELECT doc_id, list(struct_pack(start := start, "end" := "end", kind := kind, rule := rule) '
            'ORDER BY start, "end") AS marks FROM annotations GROUP BY doc_id) an ON an.doc_id = d.doc_id'
        )
    else:
        columns.append("NULL AS boilerplate")
    if store.has_table(con, "repairs"):
        columns.append("rp.steps AS repairs")
        joins.append(
            'LEFT JOIN (SELECT doc_id, list(struct_pack(start := start, "end" := "end", replacement := replacement, '
            "rule := rule, confidence := confidence, witness := witness) ORDER BY step) AS steps "
            "FROM repairs GROUP BY doc_id) rp ON rp.doc_id = d.doc_id"
        )
    else:
        columns.append("NULL AS repairs")
    return ", ".join(columns), " ".join(joins)


# A story's tree edges: each member's stored pair with its source, either way round.
_EDGES = (
    "(SELECT m.story_id, p.doc_a, p.doc_b FROM story_members m JOIN pairs p ON p.doc_a = m.doc_id AND p.doc_b = m.source "
    "UNION SELECT m.story_id, p.doc_a, p.doc_b FROM story_members m JOIN pairs p ON p.doc_b = m.doc_id AND p.doc_a = m.source)"
)


def stories(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[Row, list[Row], list[Row]]]:
    """Yield each story with its members (a document's row with its member fields, ``m_*``)
    and its tree pairs with passages."""
    cleaning, joins = cleaning_sql(con)
    site = "d.site_name" if "site_name" in store.columns(con, "documents") else "NULL"
    members = Groups(
        stream(
            con,
            "SELECT m.story_id, m.relation AS m_relation, m.source AS m_source, m.similarity AS m_similarity, "
            f"m.coverage AS m_coverage, m.starts AS m_starts, m.ends AS m_ends, {_DOC_COLUMNS}, {site} AS site_name, "
            f"{cleaning} FROM story_members m JOIN documents d ON d.doc_id = m.doc_id {joins} "
            "ORDER BY m.story_id, d.doc_id",
        ),
        "story_id",
    )
    pairs = Groups(
        stream(
            con,
            f"SELECT e.story_id, {PAIR_COLUMNS}, {_PASSAGES} FROM {_EDGES} e "
            "JOIN pairs p ON p.doc_a = e.doc_a AND p.doc_b = e.doc_b "
            "LEFT JOIN passages s ON s.doc_a = p.doc_a AND s.doc_b = p.doc_b "
            "GROUP BY ALL ORDER BY e.story_id, p.doc_a, p.doc_b",
        ),
        "story_id",
    )
    heads = stream(
        con, "SELECT story_id, size, representative, origin, first_date, last_date, sites FROM stories ORDER BY story_id"
    )
    for story in heads:
        yield story, members.take(story["story_id"]), pairs.take(story["story_id"])

"""The embedded database: DuckDB tables for documents, rejects, pairs, passages, families.

A scan writes a new database under a temporary name and renames it over the target
when complete, so an interrupted run never leaves a database that looks whole.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from textreuse.clean.encoding import Step
from textreuse.errors import StoreError
from textreuse.model import Annotation, Document, Family, Pair, Passage
from textreuse.relate.stories import Member, Story, all_pairs

DUCKDB_MAGIC = b"DUCK"
TABLES = ("documents", "rejects", "pairs", "passages", "families")
WRITE_MEMORY = "384MB"


def check_target(path: Path) -> None:
    """Raise StoreError if `path` exists and is not a DuckDB database (never overwrite it)."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder; give a database file path such as {path / 'textreuse.duckdb'}")
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as f:
            head = f.read(16)
        if head[8:12] != DUCKDB_MAGIC:
            raise StoreError(
                f"{path} exists and is not a DuckDB database; it was left untouched. "
                "Choose another --db path or remove the file."
            )


class Writer:
    """A new database under a temporary name, renamed over the target by :meth:`commit`.

    Until then the target is untouched; leaving the ``with`` block without committing
    removes the temporary file.
    """

    def __init__(self, path: str | Path, *, threads: int | None = None) -> None:
        self.target = Path(path)
        check_target(self.target)
        self.tmp = self.target.with_name(f".{self.target.name}.tmp-{os.getpid()}")
        for leftover in (self.tmp, Path(f"{self.tmp}.wal")):
            leftover.unlink(missing_ok=True)
        self.con: duckdb.DuckDBPyConnection | None = duckdb.connect(str(self.tmp))
        # Written tables need not stay cached: a small buffer pool bounds the run's memory.
        self.con.execute(f"SET memory_limit = '{WRITE_MEMORY}'")
        if threads is not None:
            # A scan that writes beside its own work leaves it the other cores.
            self.con.execute(f"SET threads = {int(threads)}")

    def add(self, tables: dict[str, pa.Table | Iterable[pa.Table]]) -> None:
        """Create one table per entry of `tables`, given whole or in pieces."""
        assert self.con is not None, "the database was already committed or abandoned"
        for name, given in tables.items():
            pieces = [given] if isinstance(given, pa.Table) else given
            for k, piece in enumerate(pieces):
                self.con.register("_incoming", piece)
                verb = f"CREATE TABLE {name} AS" if k == 0 else f"INSERT INTO {name}"
                self.con.execute(f"{verb} SELECT * FROM _incoming")
                self.con.unregister("_incoming")

    def checkpoint(self) -> None:
        """Write what the added tables left in the write-ahead log to the database file
        (DuckDB does it by itself once the log is large, in whichever call comes next)."""
        assert self.con is not None, "the database was already committed or abandoned"
        self.con.execute("CHECKPOINT")

    def commit(self, meta: dict[str, Any]) -> None:
        """Record `meta` in the `runs` table, then put the database in place."""
        assert self.con is not None, "the database was already committed or abandoned"
        self.con.execute(
            "CREATE VIEW document_families AS "
            "SELECT unnest(members) AS doc_id, family_id FROM families"
        )
        self.con.execute("CREATE TABLE runs (key VARCHAR, value VARCHAR)")
        for key, value in meta.items():
            self.con.execute("INSERT INTO runs VALUES (?, ?)", [key, json.dumps(value)])
        self.con.execute("CHECKPOINT")
        self.con.close()
        self.con = None
        os.replace(self.tmp, self.target)
        Path(f"{self.tmp}.wal").unlink(missing_ok=True)

    def abandon(self) -> None:
        """Close and remove the temporary database, leaving the target as it was."""
        if self.con is not None:
            self.con.close()
            self.con = None
        for leftover in (self.tmp, Path(f"{self.tmp}.wal")):
            leftover.unlink(missing_ok=True)

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abandon()


def write(path: str | Path, tables: dict[str, pa.Table], meta: dict[str, Any]) -> None:
    """Write `tables` and a `runs` row of `meta` to a new database at `path`, atomically."""
    with Writer(path) as writer:
        writer.add(tables)
        writer.commit(meta)


@contextmanager
def connect(path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-only connection to a textreuse database, or raise StoreError."""
    target = Path(path)
    if not target.exists():
        raise StoreError(f"no database at {target}; run 'textreuse scan CORPUS --db {target}' first")
    check_target(target)
    try:
        con = duckdb.connect(str(target), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(f"cannot open {target} as a DuckDB database: {exc}") from exc
    try:
        missing = [t for t in TABLES if not con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [t]
        ).fetchone()[0]]  # type: ignore[index]
        if missing:
            raise StoreError(f"{target} is a DuckDB database but not a textreuse one (no {', '.join(missing)} table)")
        yield con
    finally:
        con.close()


def read_pairs(
    con: duckdb.DuckDBPyConnection, *, relation: str | None = None, doc: str | None = None
) -> list[Pair]:
    """Return the stored pairs with their passages, ordered by ``doc_a, doc_b``."""
    where, args = [], []
    if relation:
        where.append("p.relation = ?")
        args.append(relation)
    if doc:
        where.append("(p.doc_a = ? OR p.doc_b = ?)")
        args += [doc, doc]
    sql = (
        "SELECT p.doc_a, p.doc_b, p.relation, p.origin, p.coverage_a, p.coverage_b, "
        "list(struct_pack(a_start := s.a_start, a_end := s.a_end, b_start := s.b_start, "
        "b_end := s.b_end, sim := s.similarity) ORDER BY s.passage) FILTER (WHERE s.passage IS NOT NULL) "
        "FROM pairs p LEFT JOIN passages s ON p.doc_a = s.doc_a AND p.doc_b = s.doc_b "
        + ("WHERE " + " AND ".join(where) + " " if where else "")
        + "GROUP BY ALL ORDER BY p.doc_a, p.doc_b"
    )
    out = []
    for a, b, rel, origin, ca, cb, ps in con.execute(sql, args).fetchall():
        passages = tuple(
            Passage((q["a_start"], q["a_end"]), (q["b_start"], q["b_end"]), q["sim"]) for q in ps or []
        )
        out.append(Pair(a, b, rel, origin, ca, cb, passages))
    return out


# Web-page columns, in Document's field order; databases written before them lack them.
WEB_COLUMNS = ("author", "site_name", "canonical_url", "capture_date", "links", "html")


def read_document(con: duckdb.DuckDBPyConnection, doc_id: str) -> Document:
    """Return one stored document, or raise StoreError naming the id."""
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'documents'"
    ).fetchall()}
    web = [c for c in WEB_COLUMNS if c in have]
    row = con.execute(
        "SELECT doc_id, raw_text, source_path, url, date, title, source, encoding"
        + "".join(f", {c}" for c in web)
        + " FROM documents WHERE doc_id = ?",
        [doc_id],
    ).fetchone()
    if row is None:
        raise StoreError(f"no document {doc_id!r} in the database; 'textreuse pairs' lists the ids")
    extra: dict[str, Any] = dict(zip(web, row[8:]))
    if "links" in extra:
        extra["links"] = tuple(extra["links"] or ())
    return Document(*row[:8], **extra)


def read_families(con: duckdb.DuckDBPyConnection) -> list[Family]:
    """Return the stored families, largest first."""
    rows = con.execute("SELECT family_id, members, origin FROM families ORDER BY size DESC, family_id").fetchall()
    return [Family(f, tuple(m), o) for f, m, o in rows]


def read_stories(
    con: duckdb.DuckDBPyConnection, *, doc: str | None = None, story: str | None = None
) -> list[Story]:
    """Return the stored stories (those `doc` is a member of, or the one with id `story`),
    most widely spread first; each story's ``pairs`` are left empty."""
    where, args = "", []
    if doc is not None:
        where, args = "WHERE story_id IN (SELECT story_id FROM story_members WHERE doc_id = ?)", [doc]
    elif story is not None:
        where, args = "WHERE story_id = ?", [story]
    heads = con.execute(
        "SELECT story_id, representative, origin, first_date, last_date, sites FROM stories "
        f"{where} ORDER BY size DESC, sites DESC, first_date NULLS LAST, story_id",
        args,
    ).fetchall()
    members: dict[str, list[Member]] = {h[0]: [] for h in heads}
    if heads:
        rows = con.execute(
            "SELECT story_id, doc_id, relation, source, similarity, coverage, starts, ends FROM story_members "
            "WHERE list_contains(?, story_id) ORDER BY story_id, source IS NOT NULL, doc_id",
            [list(members)],
        ).fetchall()
        for sid, d, rel, src, sim, cov, starts, ends in rows:
            members[sid].append(Member(d, rel, tuple(zip(starts, ends)), src, sim, cov))
    return [Story(sid, rep, origin, tuple(members[sid]), first, last, sites, ()) for sid, rep, origin, first, last, sites in heads]


def read_member_pairs(con: duckdb.DuckDBPyConnection, *, max_pairs: int | None = None) -> list[Pair]:
    """Return every pair of members of each stored story, passages mapped through the
    story's tree pairs (:func:`textreuse.relate.stories.member_pairs`), by ``doc_a, doc_b``.

    Raises StoreError, naming the count, when the stories hold more than `max_pairs`
    pairs of members (n(n - 1)/2 for a story of n).
    """
    total = con.execute("SELECT coalesce(sum(size * (size - 1) // 2), 0) FROM stories").fetchone()
    if max_pairs is not None and total is not None and int(total[0]) > max_pairs:
        raise StoreError(
            f"the stories hold {int(total[0]):,} pairs of members, over --max-pairs {max_pairs:,}; "
            "raise it, or list the stories' tree pairs without --all"
        )
    tree = {(p.doc_a, p.doc_b): p for p in read_pairs(con)}
    lengths = dict(con.execute("SELECT doc_id, length(raw_text) FROM documents").fetchall())
    stories = []
    for story in read_stories(con):
        keys = {(m.doc_id, m.source) for m in story.members if m.source is not None}
        edges = tuple(tree.get(k) or tree[(k[1], k[0])] for k in keys)
        stories.append(Story(story.id, story.representative, story.origin, story.members, story.first_date,
                             story.last_date, story.sites, edges))
    return all_pairs(stories, lengths)


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Return whether the database has table `name` (older databases lack some)."""
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()
    return bool(row and row[0])


def read_annotations(con: duckdb.DuckDBPyConnection, doc_id: str) -> tuple[Annotation, ...]:
    """Return a document's boilerplate lines in text order (none from a database without them)."""
    if not has_table(con, "annotations"):
        return ()
    rows = con.execute(
        'SELECT start, "end", kind, rule FROM annotations WHERE doc_id = ? ORDER BY start, "end"', [doc_id]
    ).fetchall()
    return tuple(Annotation(*row) for row in rows)


def read_repairs(con: duckdb.DuckDBPyConnection, doc_id: str) -> tuple[Step, ...]:
    """Return a document's encoding repair steps in order (none from a database without them)."""
    if not has_table(con, "repairs"):
        return ()
    rows = con.execute(
        'SELECT start, "end", replacement, rule, confidence, witness FROM repairs WHERE doc_id = ? ORDER BY step',
        [doc_id],
    ).fetchall()
    return tuple(Step(*row) for row in rows)

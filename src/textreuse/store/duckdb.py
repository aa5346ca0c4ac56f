"""The embedded database: DuckDB tables for documents, rejects, pairs, passages, stories.

A scan writes a new database under a temporary name and renames it over the target
when complete, so an interrupted run never leaves a database that looks whole.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from textreuse import interrupts
from textreuse.clean.encoding import Step
from textreuse.errors import StoreError
from textreuse.model import Annotation, Document, Pair, Passage, Reject
from textreuse.relate.stories import Member, Story, all_pairs, build_stories, member_order
from textreuse.store import arrow
from textreuse.store.leftovers import remove_stale

DUCKDB_MAGIC = b"DUCK"
# Every textreuse database has these; stories are derived for those written before them.
TABLES = ("documents", "rejects", "pairs", "passages")
WRITE_MEMORY_MB = 384


def _check_file(path: Path) -> None:
    """Raise StoreError if `path` is a folder, or a file that is not a DuckDB database."""
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


def check_target(path: Path) -> None:
    """Raise StoreError if `path` exists and is not a database textreuse wrote (never overwrite it).

    A textreuse database has a ``runs`` table recording the version that wrote it, and
    a ``documents`` table. A DuckDB file with anything else (tables or views in any
    schema, a ``runs`` table of its own, sequences, macros) holds someone else's data;
    only an empty DuckDB file may be replaced.
    """
    _check_file(path)
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(f"cannot open {path} to check what it holds ({exc}); it was left untouched") from exc
    try:
        if _wrote(con):
            return
        held = _user_objects(con)
    finally:
        con.close()
    if held:
        shown = ", ".join(held[:5]) + (", ..." if len(held) > 5 else "")
        raise StoreError(
            f"{path} is a DuckDB database textreuse did not write (it holds: {shown}); it was left untouched. "
            "Choose another --db path."
        )


def _wrote(con: duckdb.DuckDBPyConnection) -> bool:
    """Return whether the open database is one textreuse wrote (its runs record a version)."""
    found = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_name IN ('runs', 'documents')"
    ).fetchall()}
    if found != {"runs", "documents"}:
        return False
    try:
        row = con.execute("SELECT count(*) FROM runs WHERE key = 'version'").fetchone()
    except duckdb.Error:  # a runs table of other columns
        return False
    return bool(row and row[0])


def _user_objects(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Return the names of what a user put in the open database: tables and views of every
    schema, sequences, macros (schema-qualified outside ``main``)."""
    rows = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "UNION ALL SELECT schema_name, view_name FROM duckdb_views() "
        "WHERE NOT internal AND database_name = current_database() "
        "UNION ALL SELECT schema_name, sequence_name FROM duckdb_sequences() WHERE database_name = current_database() "
        "UNION ALL SELECT schema_name, function_name FROM duckdb_functions() "
        "WHERE NOT internal AND database_name = current_database() "
        "ORDER BY schema_name <> 'main', schema_name, table_name"
    ).fetchall()
    return [name if schema == "main" else f"{schema}.{name}" for schema, name in rows]


def _open_read_only(target: Path) -> duckdb.DuckDBPyConnection:
    """Return a read-only connection to the DuckDB file `target`, or raise StoreError."""
    _check_file(target)
    try:
        return duckdb.connect(str(target), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(f"cannot open {target} as a DuckDB database: {exc}") from exc


def previous_run(path: str | Path) -> dict[str, Any] | None:
    """Return the ``runs`` record of the textreuse database at `path` (inputs, summary...), or None.

    None when there is no database there, or it holds no run.
    """
    target = Path(path)
    if not target.is_file() or target.stat().st_size == 0:
        return None
    con = _open_read_only(target)
    try:
        if not has_table(con, "runs"):
            return None
        return {k: json.loads(v) for k, v in con.execute("SELECT key, value FROM runs").fetchall()}
    finally:
        con.close()


class Writer:
    """A new database under a temporary name, renamed over the target by :meth:`commit`.

    Until then the target is untouched; leaving the ``with`` block without committing
    removes the temporary file.
    """

    def __init__(self, path: str | Path, *, threads: int | None = None, largest: int = 0) -> None:
        self.target = Path(path)
        check_target(self.target)
        self.tmp = self.target.with_name(f".{self.target.name}.tmp-{os.getpid()}")
        remove_stale(self.target)  # of runs killed before they could clean up
        for leftover in (self.tmp, Path(f"{self.tmp}.wal")):
            leftover.unlink(missing_ok=True)
        self.con: duckdb.DuckDBPyConnection | None = duckdb.connect(str(self.tmp))
        # Written tables need not stay cached: a small buffer pool bounds the run's memory.
        # One text is one block of the pool, so the pool holds the largest (`largest`
        # bytes) a few times over: a 200 MB text failed to store in 384 MB.
        self.con.execute(f"SET memory_limit = '{max(WRITE_MEMORY_MB, 3 * largest >> 20)}MB'")
        if threads is not None:
            # A scan that writes beside its own work leaves it the other cores.
            self.con.execute(f"SET threads = {int(threads)}")

    def add(self, tables: dict[str, pa.Table | Iterable[pa.Table]]) -> None:
        """Create one table per entry of `tables`, given whole or in pieces."""
        assert self.con is not None, "the database was already committed or abandoned"
        interrupts.check()
        for name, given in tables.items():
            pieces = [given] if isinstance(given, pa.Table) else given
            for k, piece in enumerate(pieces):
                self.con.register("_incoming", piece)
                verb = f"CREATE TABLE {name} AS" if k == 0 else f"INSERT INTO {name}"
                self.con.execute(f"{verb} SELECT * FROM _incoming")
                self.con.unregister("_incoming")

    def remove_documents(self, ids: Iterable[str]) -> None:
        """Delete the documents `ids` from the documents table (a stage rejected them after it was written)."""
        assert self.con is not None, "the database was already committed or abandoned"
        self.con.execute("DELETE FROM documents WHERE list_contains(?, doc_id)", [sorted(ids)])

    def checkpoint(self) -> None:
        """Write what the added tables left in the write-ahead log to the database file
        (DuckDB does it by itself once the log is large, in whichever call comes next)."""
        assert self.con is not None, "the database was already committed or abandoned"
        self.con.execute("CHECKPOINT")

    def commit(self, meta: dict[str, Any]) -> None:
        """Record `meta` in the `runs` table, then put the database in place."""
        assert self.con is not None, "the database was already committed or abandoned"
        self.con.execute("CREATE TABLE runs (key VARCHAR, value VARCHAR)")
        for key, value in meta.items():
            self.con.execute("INSERT INTO runs VALUES (?, ?)", [key, json.dumps(value)])
        self.con.execute("CHECKPOINT")
        self.con.close()
        self.con = None
        interrupts.check()  # never put a database in place after Ctrl-C, even one DuckDB swallowed
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
    con = _open_read_only(target)
    try:
        missing = [t for t in TABLES if not has_table(con, t)]
        if missing:
            raise StoreError(f"{target} is a DuckDB database but not a textreuse one (no {', '.join(missing)} table)")
        if not has_table(con, "stories"):
            con = _with_stories(con, target)
        yield con
    finally:
        con.close()


def _with_stories(con: duckdb.DuckDBPyConnection, target: Path) -> duckdb.DuckDBPyConnection:
    """Return a connection to a database written before stories, with its stories: an
    in-memory database holding a view of each stored table (the file attached read-only)
    and the stories built from its pairs (:func:`add_stories`). `con` is closed."""
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()]
    con.close()
    mem = duckdb.connect(":memory:")
    try:
        mem.execute(f"ATTACH '{str(target).replace(chr(39), chr(39) * 2)}' AS stored (READ_ONLY)")
        for name in names:
            mem.execute(f'CREATE VIEW "{name}" AS SELECT * FROM stored.main."{name}"')
        add_stories(mem)
    except BaseException:
        mem.close()
        raise
    return mem


def _pair_filter(relation: str | None, doc: str | None) -> tuple[str, list[str]]:
    where, args = [], []
    if relation:
        where.append("p.relation = ?")
        args.append(relation)
    if doc:
        where.append("(p.doc_a = ? OR p.doc_b = ?)")
        args += [doc, doc]
    return ("WHERE " + " AND ".join(where) + " " if where else ""), args


def read_pairs(
    con: duckdb.DuckDBPyConnection,
    *,
    relation: str | None = None,
    doc: str | None = None,
    limit: int | None = None,
) -> list[Pair]:
    """Return the stored pairs with their passages, ordered by ``doc_a, doc_b`` (the first `limit`)."""
    where, args = _pair_filter(relation, doc)
    # The pairs are cut before their passages are gathered.
    source = "pairs"
    if limit is not None:
        source = f"(SELECT * FROM pairs p {where}ORDER BY p.doc_a, p.doc_b LIMIT {int(limit)})"
        where = ""
    sql = (
        "SELECT p.doc_a, p.doc_b, p.relation, p.origin, p.coverage_a, p.coverage_b, "
        "list(struct_pack(a_start := s.a_start, a_end := s.a_end, b_start := s.b_start, "
        "b_end := s.b_end, sim := s.similarity) ORDER BY s.passage) FILTER (WHERE s.passage IS NOT NULL) "
        f"FROM {source} p LEFT JOIN passages s ON p.doc_a = s.doc_a AND p.doc_b = s.doc_b "
        + where
        + "GROUP BY ALL ORDER BY p.doc_a, p.doc_b"
    )
    out = []
    for a, b, rel, origin, ca, cb, ps in con.execute(sql, args).fetchall():
        passages = tuple(
            Passage((q["a_start"], q["a_end"]), (q["b_start"], q["b_end"]), q["sim"]) for q in ps or []
        )
        out.append(Pair(a, b, rel, origin, ca, cb, passages))
    return out


def count_pairs(con: duckdb.DuckDBPyConnection, *, relation: str | None = None, doc: str | None = None) -> int:
    """Return how many stored pairs :func:`read_pairs` would return without a limit."""
    where, args = _pair_filter(relation, doc)
    row = con.execute(f"SELECT count(*) FROM pairs p {where}", args).fetchone()
    return int(row[0]) if row else 0


def check_document(con: duckdb.DuckDBPyConnection, doc_id: str) -> None:
    """Raise StoreError naming `doc_id` if the database holds no such document."""
    if not con.execute("SELECT 1 FROM documents WHERE doc_id = ? LIMIT 1", [doc_id]).fetchall():
        raise StoreError(f"no document {doc_id!r} in the database; 'textreuse pairs' lists the ids")


# Web-page columns, in Document's field order; databases written before them lack them.
WEB_COLUMNS = ("author", "site_name", "canonical_url", "capture_date", "links", "html")


def read_document(con: duckdb.DuckDBPyConnection, doc_id: str) -> Document:
    """Return one stored document, or raise StoreError naming the id."""
    web = [c for c in WEB_COLUMNS if c in columns(con, "documents")]
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


def read_documents(con: duckdb.DuckDBPyConnection) -> list[Document]:
    """Return every stored document, in the order stored."""
    have = columns(con, "documents")
    web = [c for c in WEB_COLUMNS if c in have]
    rows = con.execute(
        "SELECT doc_id, raw_text, source_path, url, date, title, source, encoding"
        + "".join(f", {c}" for c in web)
        + " FROM documents"
    ).fetchall()
    out = []
    for row in rows:
        extra: dict[str, Any] = dict(zip(web, row[8:]))
        if "links" in extra:
            extra["links"] = tuple(extra["links"] or ())
        out.append(Document(*row[:8], **extra))
    return out


def columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """Return the column names of `table` (older databases lack some)."""
    return {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_catalog = current_database()",
        [table],
    ).fetchall()}


def add_stories(con: duckdb.DuckDBPyConnection) -> None:
    """Give a database written before stories (it holds families, connected groups of
    pairs) its stories: built from its stored pairs and documents as a scan builds them,
    as the tables ``stories`` and ``story_members`` of `con`, an in-memory database whose
    other tables are views of the stored ones (the files are never changed). A database
    with stories is left as it is."""
    if has_table(con, "stories"):
        return
    stories = build_stories(read_pairs(con), {d.id: d for d in read_documents(con)})
    for name, table in (("stories", arrow.stories_table(stories)), ("story_members", arrow.story_members_table(stories))):
        con.register("_derived", table)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _derived")
        con.unregister("_derived")


# The order of the stories everywhere they are listed: most widely spread first.
STORY_ORDER = "size DESC, sites DESC, coalesce(first_date, ''), story_id"


def read_stories(
    con: duckdb.DuckDBPyConnection,
    *,
    doc: str | None = None,
    docs: Sequence[str] | None = None,
    story: str | None = None,
    with_pairs: bool = False,
) -> list[Story]:
    """Return the stored stories (those `doc`, or any of `docs`, is a member of, or the one
    with id `story`), in the scan's order (most widely spread first); with `with_pairs`,
    each with its tree pairs (the stored pairs of its members with their sources), else
    with none."""
    where = ""
    args: list[object] = []
    if doc is not None:
        where, args = "WHERE story_id IN (SELECT story_id FROM story_members WHERE doc_id = ?)", [doc]
    elif docs is not None:
        where, args = "WHERE story_id IN (SELECT story_id FROM story_members WHERE list_contains(?, doc_id))", [list(docs)]
    elif story is not None:
        where, args = "WHERE story_id = ?", [story]
    heads = con.execute(
        "SELECT story_id, representative, origin, first_date, last_date, sites FROM stories "
        f"{where} ORDER BY {STORY_ORDER}",
        args,
    ).fetchall()
    members: dict[str, list[Member]] = {h[0]: [] for h in heads}
    if heads:
        rows = con.execute(
            "SELECT story_id, doc_id, relation, source, similarity, coverage, starts, ends FROM story_members "
            "WHERE list_contains(?, story_id)",
            [list(members)],
        ).fetchall()
        for sid, d, rel, src, sim, cov, starts, ends in rows:
            members[sid].append(Member(d, rel, tuple(zip(starts, ends)), src, sim, cov))
    tree = {(p.doc_a, p.doc_b): p for p in read_pairs(con)} if with_pairs and heads else {}
    out = []
    for sid, rep, origin, first, last, sites in heads:
        found = tuple(sorted(members[sid], key=member_order))
        edges = tuple(
            tree.get((m.doc_id, m.source)) or tree[(m.source, m.doc_id)] for m in found if m.source is not None
        ) if tree else ()
        out.append(Story(sid, rep, origin, found, first, last, sites, edges))
    return out


def share_story(con: duckdb.DuckDBPyConnection, doc_a: str, doc_b: str) -> bool:
    """Return whether two documents are members of one stored story."""
    return bool(con.execute(
        "SELECT 1 FROM story_members x JOIN story_members y USING (story_id) WHERE x.doc_id = ? AND y.doc_id = ? LIMIT 1",
        [doc_a, doc_b],
    ).fetchall())


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
    lengths = dict(con.execute("SELECT doc_id, length(raw_text) FROM documents").fetchall())
    return all_pairs(read_stories(con, with_pairs=True), lengths)


def count_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Return the number of rows of `table`."""
    row = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
    return int(row[0]) if row else 0


def read_rejects(con: duckdb.DuckDBPyConnection, *, limit: int | None = None, as_written: bool = False) -> list[Reject]:
    """Return the stored rejects ordered by path and line (the first `limit`), or with
    `as_written` in the order the scan wrote them (``scan --add`` keeps it; DuckDB keeps
    insertion order, preserve_insertion_order)."""
    kind = "kind" if "kind" in columns(con, "rejects") else "NULL"
    cut = "" if limit is None else f" LIMIT {int(limit)}"
    order = "" if as_written else " ORDER BY path, line"
    rows = con.execute(f"SELECT path, reason, line, {kind} FROM rejects{order}{cut}").fetchall()
    return [Reject(*row) for row in rows]


def schema(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Return every table and view of the database with its columns, in order (tables by name)."""
    rows = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_catalog = current_database() ORDER BY table_name, ordinal_position"
    ).fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Return whether the database has table `name` (older databases lack some)."""
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_catalog = current_database()",
        [name],
    ).fetchone()
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

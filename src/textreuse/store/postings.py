"""The candidate index a scan keeps in its database, so later documents can be traced.

A scan writes two tables beside its results:

- ``index_documents`` (``doc`` INTEGER, ``doc_id`` VARCHAR, ``fingerprint``
  UBIGINT, ``priority`` INTEGER): every document with words, numbered from 0, with
  the hash of its whole normalised word sequence (equal for exact duplicates) and
  its anchor priority (how many of its n-grams are in posting lists longer than the
  df cap, see :func:`textreuse.index.candidates.anchor_priority`);
- ``postings`` (``hash`` UBIGINT, ``doc`` INTEGER, ``position`` INTEGER): the sketch
  of every document the candidate search compared, one row per sampled n-gram with
  its first word position; ``doc`` is the document's number in ``index_documents``.
  Exact duplicates are compared once, so only the first of each set has rows.

Documents are numbered rather than named in ``postings``: on 2.2 million postings
that halves the time to write them and saves a sixth of their size.

The ``runs`` table's ``index`` row records the options that shaped them (n-gram
size, sampling, the df cap and the pairing rule, and the repair and boilerplate
options that decide the words), so a trace sketches a new document the same way.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from textreuse.clean.boilerplate import BoilerplateConfig
from textreuse.clean.encoding import EncodingConfig
from textreuse.config import Config
from textreuse.errors import StoreError
from textreuse.index.candidates import IndexConfig, Sketch
from textreuse.index.sketchfile import columns, sizes_of
from textreuse.model import Annotation
from textreuse.store.arrow import numbers, strings

INDEX_KEY = "index"
INDEX_VERSION = 2
TABLES = ("postings", "index_documents")


@dataclass
class ScanIndex:
    """The candidate index of a scan, as its database keeps it.

    ``ids`` and ``prints`` are the documents with words and their fingerprints (their
    position is their number); ``indexed`` the numbers of the documents whose
    ``sketches`` the candidate search compared, and ``priority`` their anchor
    priorities; ``meta`` the options that shaped them.
    """

    ids: list[str]
    prints: list[int]
    indexed: list[int]
    sketches: Sequence[Sketch]
    meta: dict[str, Any]
    priority: Sequence[int] = ()

    @classmethod
    def build(
        cls, ids: Sequence[str], by_print: dict[int, list[int]], reps: Sequence[int],
        sketches: Sequence[Sketch], config: Config, priority: Sequence[int] = (),
    ) -> ScanIndex:
        """Return the index of a scan from its documents' ids, fingerprint groups and sketches.

        `by_print` maps each fingerprint to the positions of its documents in `ids`;
        `reps` are the positions the candidate search compared, `sketches` and
        `priority` theirs in that order (no priorities: all 0).
        """
        prints = {k: fp for fp, members in by_print.items() for k in members}
        numbered = sorted(prints)
        number = {k: j for j, k in enumerate(numbered)}
        return cls(
            [ids[k] for k in numbered],
            [prints[k] for k in numbered],
            [number[r] for r in reps],
            sketches,
            index_meta(config),
            [int(x) for x in priority],
        )

    def postings(self) -> pa.Table:
        """Return one row per sketch entry: n-gram hash, document number, word position.

        >>> s = Sketch(np.array([7, 9], dtype=np.uint64), np.array([0, 3], dtype=np.int32))
        >>> ScanIndex(["a", "b"], [1, 2], [1], [s], {}).postings().to_pylist()[1]
        {'hash': 9, 'doc': 1, 'position': 3}
        """
        return pa.concat_tables(self.postings_tables())

    def postings_tables(self, rows: int = 1 << 22) -> Iterator[pa.Table]:
        """Yield :meth:`postings` in pieces of about `rows` rows (at least one piece), so
        that a corpus's postings are never all copied at once (nor, when the sketches wait
        on disk, all read at once)."""
        sizes = sizes_of(self.sketches)
        docs = np.array(self.indexed, dtype=np.int32)
        ends = np.cumsum(sizes)
        first = 0
        while True:
            done = int(ends[first - 1]) if first else 0
            last = min(len(docs), max(first + 1, int(np.searchsorted(ends, done + rows, side="right"))))
            hashes, places, got = columns(self.sketches, first, last)
            yield pa.table({
                "hash": numbers(hashes, np.uint64),
                "doc": numbers(np.repeat(docs[first:last], got), np.int32),
                "position": numbers(places, np.int32),
            })
            first = last
            if first >= len(docs):
                return

    def documents(self) -> pa.Table:
        """Return one row per document with words: number, id, fingerprint, anchor priority."""
        priority = np.zeros(len(self.ids), dtype=np.int32)
        if len(self.priority):
            priority[np.array(self.indexed, dtype=np.int64)] = np.asarray(self.priority, dtype=np.int32)
        return pa.table(
            {
                "doc": numbers(np.arange(len(self.ids)), np.int32),
                "doc_id": strings(self.ids),
                "fingerprint": numbers(self.prints, np.uint64),
                "priority": numbers(priority, np.int32),
            }
        )


def index_meta(config: Config) -> dict[str, Any]:
    """Return the ``runs`` row that lets a trace sketch a document as the scan did."""
    return {
        "version": INDEX_VERSION,
        "index": asdict(config.index),
        "encoding": asdict(config.encoding),
        "boilerplate": asdict(config.boilerplate),
    }


def read_index_config(con: duckdb.DuckDBPyConnection, db: str | Path) -> Config:
    """Return the configuration the database's index was built with, or raise StoreError.

    A database written before the index was kept has no postings: it must be rescanned.
    """
    have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    rows = con.execute("SELECT value FROM runs WHERE key = ?", [INDEX_KEY]).fetchall() if "runs" in have else []
    if not rows or any(t not in have for t in TABLES):
        raise StoreError(
            f"{db} has no stored index (it was written by a textreuse without 'postings'); "
            f"rescan the corpus to build one: textreuse scan CORPUS --db {db}"
        )
    meta = json.loads(rows[0][0])
    if meta.get("version") != INDEX_VERSION:
        raise StoreError(
            f"{db} holds an index of version {meta.get('version')}, this textreuse reads version "
            f"{INDEX_VERSION}; rescan the corpus: textreuse scan CORPUS --db {db}"
        )
    return Config(
        index=IndexConfig(**meta["index"]),
        encoding=EncodingConfig(**meta["encoding"]),
        boilerplate=BoilerplateConfig(**meta["boilerplate"]),
    )


def query_postings(
    con: duckdb.DuckDBPyConnection, hashes: npt.NDArray[np.uint64], *, max_df: int
) -> tuple[
    npt.NDArray[np.uint64], npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.int64]
]:
    """Return the stored entries a new document with n-grams `hashes` may pair with:
    ``(hash, doc, position, df, priority)`` per entry.

    ``df`` is the length of the hash's posting list and ``priority`` the entry's
    document's anchor priority once the new document is added (lists it takes past
    `max_df` count for their documents). A list that stays within `max_df` comes
    whole; a longer one only its top-priority entry, or whole when the new document
    outranks it (what :func:`textreuse.index.candidates.query_candidates` needs).
    """
    con.register("_query", pa.table({"hash": numbers(hashes, np.uint64)}))
    try:
        rows = con.execute(
            "WITH hits AS (SELECT p.hash, p.doc, p.position FROM postings p SEMI JOIN _query q ON p.hash = q.hash), "
            "df AS (SELECT hash, count(*) AS df FROM hits GROUP BY hash), "
            "crossing AS (SELECT h.doc, count(*) AS n FROM hits h JOIN df USING (hash) WHERE df.df = $1 GROUP BY h.doc), "
            "own AS (SELECT count(*) AS n FROM df WHERE df.df + 1 > $1), "
            "ranked AS (SELECT h.hash, h.doc, h.position, df.df, i.priority + coalesce(c.n, 0) AS priority "
            "  FROM hits h JOIN df USING (hash) JOIN index_documents i ON i.doc = h.doc "
            "  LEFT JOIN crossing c ON c.doc = h.doc), "
            "tops AS (SELECT *, row_number() OVER w AS rank, first_value(priority) OVER w AS top "
            "  FROM ranked WINDOW w AS (PARTITION BY hash ORDER BY priority DESC, doc)) "
            "SELECT hash, doc, position, df, priority FROM tops, own "
            "WHERE df + 1 <= $1 OR rank = 1 OR own.n > top ORDER BY doc, position",
            [max_df],
        ).fetchall()
    finally:
        con.unregister("_query")
    return (
        np.array([r[0] for r in rows], dtype=np.uint64),
        np.array([r[1] for r in rows], dtype=np.int32),
        np.array([r[2] for r in rows], dtype=np.int32),
        np.array([r[3] for r in rows], dtype=np.int64),
        np.array([r[4] for r in rows], dtype=np.int64),
    )


def duplicate_groups(con: duckdb.DuckDBPyConnection, docs: Sequence[int]) -> dict[str, list[str]]:
    """Return, for each document number in `docs`, the ids of the stored documents with its
    fingerprint, keyed and led by its own id."""
    if not docs:
        return {}
    rows = con.execute(
        "SELECT q.doc_id, d.doc_id FROM index_documents q JOIN index_documents d USING (fingerprint) "
        "WHERE list_contains(?, q.doc) ORDER BY q.doc, d.doc",
        [[int(d) for d in docs]],
    ).fetchall()
    out: dict[str, list[str]] = {}
    for doc, member in rows:
        out.setdefault(doc, [doc])
        if member != doc:
            out[doc].append(member)
    return out


def with_fingerprint(con: duckdb.DuckDBPyConnection, fingerprint: int) -> list[str]:
    """Return the stored documents whose whole normalised text has `fingerprint`."""
    rows = con.execute(
        "SELECT doc_id FROM index_documents WHERE fingerprint = ? ORDER BY doc", [fingerprint]
    ).fetchall()
    return [r[0] for r in rows]


def read_annotations(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> dict[str, tuple[Annotation, ...]]:
    """Return the stored boilerplate lines of `doc_ids` (those with none are left out)."""
    if not doc_ids:
        return {}
    rows = con.execute(
        'SELECT doc_id, start, "end", kind, rule FROM annotations WHERE list_contains(?, doc_id) '
        "ORDER BY doc_id, start",
        [list(doc_ids)],
    ).fetchall()
    out: dict[str, list[Annotation]] = defaultdict(list)
    for doc, start, end, kind, rule in rows:
        out[doc].append(Annotation(start, end, kind, rule))
    return {k: tuple(v) for k, v in out.items()}

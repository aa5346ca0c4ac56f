"""The candidate index a scan keeps in its database, so later documents can be traced.

A scan writes two tables beside its results:

- ``postings`` (``hash`` UBIGINT, ``doc_id`` VARCHAR, ``position`` INTEGER): the
  sketch of every document the candidate search compared, one row per sampled
  n-gram with its first word position. Exact duplicates are compared once, so only
  the first of each set of them has rows;
- ``fingerprints`` (``doc_id`` VARCHAR, ``fingerprint`` UBIGINT): the hash of each
  document's whole normalised word sequence, equal for exact duplicates.

The ``runs`` table's ``index`` row records the options that shaped them (n-gram
size, sampling, the df cap and the pairing rule, and the repair and boilerplate
options that decide the words), so a trace sketches a new document the same way.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
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
from textreuse.model import Annotation

INDEX_KEY = "index"
INDEX_VERSION = 1
TABLES = ("postings", "fingerprints")


def postings_table(ids: Sequence[str], sketches: Sequence[Sketch]) -> pa.Table:
    """Return one row per sketch entry: n-gram hash, document id and word position.

    Ids are dictionary-encoded, so no string is built per row.

    >>> s = Sketch(np.array([7, 9], dtype=np.uint64), np.array([0, 3], dtype=np.int32))
    >>> postings_table(["a"], [s]).to_pylist()[1]
    {'hash': 9, 'doc_id': 'a', 'position': 3}
    """
    sizes = np.fromiter((len(s) for s in sketches), dtype=np.int64, count=len(sketches))
    if sizes.sum():
        hashes = np.concatenate([s.hashes for s in sketches]).astype(np.uint64, copy=False)
        places = np.concatenate([s.positions for s in sketches]).astype(np.int32, copy=False)
    else:
        hashes, places = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)
    docs = np.repeat(np.arange(len(sketches), dtype=np.int32), sizes)
    doc_ids = pa.DictionaryArray.from_arrays(pa.array(docs), pa.array(list(ids), pa.string()))
    return pa.table({"hash": pa.array(hashes), "doc_id": doc_ids, "position": pa.array(places)})


def fingerprints_table(prints: dict[str, int]) -> pa.Table:
    """Return one row per document with words: its id and whole-text fingerprint."""
    return pa.table(
        {
            "doc_id": pa.array(list(prints), pa.string()),
            "fingerprint": pa.array(list(prints.values()), pa.uint64()),
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
) -> tuple[npt.NDArray[np.uint64], list[str], npt.NDArray[np.int32], npt.NDArray[np.int64]]:
    """Return the stored entries of `hashes`: ``(hash, doc_ids, position, df)`` per entry.

    ``df`` is the length of the hash's posting list; lists longer than `max_df` are
    left out in the query, as the candidate search would drop them anyway.
    """
    con.register("_query", pa.table({"hash": pa.array(hashes, pa.uint64())}))
    try:
        rows = con.execute(
            "WITH hits AS (SELECT p.hash, p.doc_id, p.position FROM postings p SEMI JOIN _query q ON p.hash = q.hash), "
            "df AS (SELECT hash, count(*) AS df FROM hits GROUP BY hash HAVING count(*) <= ?) "
            "SELECT h.hash, h.doc_id, h.position, df.df FROM hits h JOIN df USING (hash) "
            "ORDER BY h.doc_id, h.position",
            [max_df],
        ).fetchall()
    finally:
        con.unregister("_query")
    return (
        np.array([r[0] for r in rows], dtype=np.uint64),
        [r[1] for r in rows],
        np.array([r[2] for r in rows], dtype=np.int32),
        np.array([r[3] for r in rows], dtype=np.int64),
    )


def duplicate_groups(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> dict[str, list[str]]:
    """Return, for each of `doc_ids`, the stored documents with its fingerprint (itself first)."""
    if not doc_ids:
        return {}
    rows = con.execute(
        "SELECT q.doc_id, f2.doc_id FROM fingerprints q JOIN fingerprints f2 USING (fingerprint) "
        "WHERE list_contains(?, q.doc_id) ORDER BY q.doc_id, f2.doc_id",
        [list(doc_ids)],
    ).fetchall()
    out: dict[str, list[str]] = {d: [d] for d in doc_ids}
    for doc, member in rows:
        if member != doc:
            out[doc].append(member)
    return out


def with_fingerprint(con: duckdb.DuckDBPyConnection, fingerprint: int) -> list[str]:
    """Return the stored documents whose whole normalised text has `fingerprint`."""
    rows = con.execute(
        "SELECT doc_id FROM fingerprints WHERE fingerprint = ? ORDER BY doc_id", [fingerprint]
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

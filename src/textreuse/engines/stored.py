"""A scan's result read back from its database: the object :func:`textreuse.scan` returns.

``textreuse.open("reuse.duckdb")`` gives a notebook the documents, pairs, stories and
Arrow tables of an earlier scan without SQL, and without scanning again. A folder of
Parquet tables (a Spark scan's ``--out``, or ``textreuse export``) opens the same way.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import duckdb
import numpy as np

from textreuse.clean.encoding import Step
from textreuse.engines.local import ScanResult
from textreuse.index.candidates import Sketch
from textreuse.model import Annotation, Reject
from textreuse.relate.provenance import Evidence
from textreuse.store import duckdb as store
from textreuse.store import parquet, postings


def open_result(db: str | Path) -> ScanResult:
    """Return the result of the scan stored at `db` (a DuckDB file or a folder of Parquet tables).

    Everything is read into memory, as a scan holds it: ``result.pairs``,
    ``result.documents``, ``result.pairs_table.to_pandas()``, ``result.tables()``.
    Raises StoreError when `db` is not a textreuse database.
    """
    with parquet.open_tables(db) as con:
        return _read(con)


def _read(con: duckdb.DuckDBPyConnection) -> ScanResult:
    runs = {k: json.loads(v) for k, v in con.execute("SELECT key, value FROM runs").fetchall()} if store.has_table(con, "runs") else {}
    summary = runs.get("summary") or {}
    # In the order stored, which is the scan's order (the readers of store sort).
    kind = "kind" if "kind" in store.columns(con, "rejects") else "NULL"
    result = ScanResult(
        store.read_documents(con),
        [Reject(*row) for row in con.execute(f"SELECT path, reason, line, {kind} FROM rejects").fetchall()],
        store.read_pairs(con),
        store.read_stories(con, with_pairs=True),
        seconds=dict(summary.get("seconds") or {}),
        candidates=int(summary.get("candidates") or 0),
    )
    if store.has_table(con, "annotations"):
        marks: dict[str, list[Annotation]] = defaultdict(list)
        for doc, start, end, kind, rule in con.execute('SELECT doc_id, start, "end", kind, rule FROM annotations').fetchall():
            marks[doc].append(Annotation(start, end, kind, rule))
        result.annotations = {k: tuple(v) for k, v in marks.items()}
    if store.has_table(con, "repairs"):
        steps: dict[str, list[Step]] = defaultdict(list)
        rows = con.execute('SELECT doc_id, start, "end", replacement, rule, confidence, witness FROM repairs').fetchall()
        for doc, *step in rows:
            steps[doc].append(Step(*step))
        result.repairs = {k: tuple(v) for k, v in steps.items()}
    if store.has_table(con, "evidence"):
        found: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
        for a, b, *e in con.execute("SELECT doc_a, doc_b, kind, favours, weight, detail FROM evidence").fetchall():
            found[(a, b)].append(Evidence(*e))
        result.evidence = {k: tuple(v) for k, v in found.items()}
    if postings.INDEX_KEY in runs and all(store.has_table(con, t) for t in postings.TABLES):
        result.index = _index(con, runs[postings.INDEX_KEY])
    return result


def _index(con: duckdb.DuckDBPyConnection, meta: dict[str, object]) -> postings.ScanIndex:
    """Return the stored candidate index, postings in the order stored."""
    docs = con.execute("SELECT doc_id, fingerprint FROM index_documents ORDER BY doc").fetchall()
    columns = con.execute("SELECT hash, doc, position FROM postings").fetchnumpy()
    hashes = np.asarray(columns["hash"], dtype=np.uint64)
    numbers = np.asarray(columns["doc"], dtype=np.int32)
    places = np.asarray(columns["position"], dtype=np.int32)
    # Postings are stored a document at a time: each run of one number is its sketch.
    starts = np.flatnonzero(np.r_[True, numbers[1:] != numbers[:-1]]) if len(numbers) else np.zeros(0, dtype=np.int64)
    ends = np.r_[starts[1:], len(numbers)] if len(numbers) else starts
    indexed = [int(numbers[s]) for s in starts]
    sketches = [Sketch(hashes[s:e].copy(), places[s:e].copy()) for s, e in zip(starts, ends)]
    return postings.ScanIndex([d for d, _ in docs], [int(f) for _, f in docs], indexed, sketches, dict(meta))

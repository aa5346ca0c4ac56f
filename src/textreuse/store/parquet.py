"""Read a folder of Parquet tables (a Spark scan's ``--out``, or an export) as a database.

The tables are opened as views of an in-memory DuckDB database with the names and
columns of the local engine's database, so every reader of :mod:`textreuse.store.duckdb`
works on them unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import duckdb

from textreuse.errors import StoreError
from textreuse.store import duckdb as store
from textreuse.store.duckdb import TABLES, add_stories

# Tables opened when present: a scan's cleaning and provenance, and the trace index.
OPTIONAL = ("runs", "annotations", "repairs", "evidence", "postings", "index_documents", "stories", "story_members")


def _source(folder: Path, name: str) -> str | None:
    """Return what ``read_parquet`` should read for table `name`: a Spark folder's parts or one file."""
    path = folder / f"{name}.parquet"
    if path.is_dir():
        return (path / "*.parquet").as_posix()
    if path.is_file():
        return path.as_posix()
    return None


# The trace index's 64-bit hashes, which a Spark scan writes as signed numbers (Parquet
# from Spark has no unsigned type) with the same bits.
_UNSIGNED = {"postings": "hash", "index_documents": "fingerprint"}


def _columns(con: duckdb.DuckDBPyConnection, name: str, source: str) -> str:
    """Return the select list of table `name`'s view: every column, hashes read as unsigned."""
    column = _UNSIGNED.get(name)
    if column is None:
        return "*"
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{source}')").fetchall()}
    if types.get(column) != "BIGINT":
        return "*"
    return (
        f"* REPLACE (CAST(CASE WHEN {column} < 0 THEN {column} + 18446744073709551616 ELSE {column} END AS UBIGINT)"
        f" AS {column})"
    )


@contextmanager
def connect(folder: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a DuckDB connection whose tables are the Parquet tables in `folder`, or raise StoreError."""
    root = Path(folder)
    if not root.is_dir():
        raise StoreError(
            f"no folder of Parquet tables at {root}; run 'textreuse scan CORPUS --engine spark --out {root}' first"
        )
    sources = {name: _source(root, name) for name in (*TABLES, *OPTIONAL)}
    missing = [name for name in TABLES if sources[name] is None]
    if missing:
        raise StoreError(
            f"{root} has no {', '.join(f'{m}.parquet' for m in missing)}; "
            "it is not the output of 'textreuse scan --engine spark --out' or 'textreuse export'"
        )
    con = duckdb.connect(":memory:")
    try:
        for name, source in sources.items():
            if source is not None:
                quoted = source.replace("'", "''")
                con.execute(f"CREATE VIEW {name} AS SELECT {_columns(con, name, quoted)} FROM read_parquet('{quoted}')")
        add_stories(con)
        yield con
    except duckdb.Error as exc:
        raise StoreError(f"cannot read the Parquet tables in {root}: {exc}") from exc
    finally:
        con.close()


def open_tables(path: str | Path) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    """Return the connection to the tables at `path`: a folder of Parquet tables (a Spark
    scan's output, an export) or a DuckDB database file."""
    return connect(path) if Path(path).is_dir() else store.connect(path)

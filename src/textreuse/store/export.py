"""Export every table of a database as Parquet, JSONL or CSV files, each written atomically."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from textreuse.store.duckdb import connect

ExportFormat = Literal["parquet", "jsonl", "csv"]
_COPY = {"parquet": "FORMAT parquet", "jsonl": "FORMAT json", "csv": "FORMAT csv, HEADER"}


def export(db: str | Path, out_dir: str | Path, *, fmt: ExportFormat = "parquet") -> list[Path]:
    """Return the paths written: one file per table and view of the database at `db`, by name.

    The database is opened before `out_dir` is made, so a database that cannot be read
    leaves no folder behind. In CSV, list columns are written as DuckDB prints them
    (``[a, b]``).
    """
    out = Path(out_dir)
    written = []
    with connect(db) as con:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name"
        ).fetchall()]
        out.mkdir(parents=True, exist_ok=True)
        for table in tables:
            target = out / f"{table}.{fmt}"
            tmp = out / f".{table}.{fmt}.tmp-{os.getpid()}"
            quoted = tmp.as_posix().replace("'", "''")
            try:
                con.execute(f"COPY (SELECT * FROM \"{table}\") TO '{quoted}' ({_COPY[fmt]})")
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
            written.append(target)
    return written

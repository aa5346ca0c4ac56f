"""Export a database's tables as Parquet or JSONL files, each written atomically."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from textreuse.store.duckdb import TABLES, connect


def export(db: str | Path, out_dir: str | Path, *, fmt: Literal["parquet", "jsonl"] = "parquet") -> list[Path]:
    """Return the paths written: one file per table of the database at `db`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with connect(db) as con:
        for table in TABLES:
            target = out / f"{table}.{fmt}"
            tmp = out / f".{table}.{fmt}.tmp-{os.getpid()}"
            spec = "FORMAT parquet" if fmt == "parquet" else "FORMAT json"
            quoted = tmp.as_posix().replace("'", "''")
            con.execute(f"COPY (SELECT * FROM {table}) TO '{quoted}' ({spec})")
            os.replace(tmp, target)
            written.append(target)
    return written

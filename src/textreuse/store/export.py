"""Export every table of a database as Parquet, JSONL or CSV files, the folder written atomically."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Literal

from textreuse.errors import StoreError
from textreuse.store.duckdb import connect
from textreuse.store.leftovers import remove_stale, replace_folder

ExportFormat = Literal["parquet", "jsonl", "csv"]
_COPY = {"parquet": "FORMAT parquet", "jsonl": "FORMAT json", "csv": "FORMAT csv, HEADER"}
MARKER = ".textreuse-export"


def _check_out(out: Path) -> None:
    """Raise StoreError unless `out` may be replaced: absent, an empty folder, or an export."""
    if not out.exists():
        return
    if not out.is_dir():
        raise StoreError(f"{out} exists and is not a folder; it was left untouched. Choose another --out")
    entries = set(os.listdir(out))
    exported = MARKER in entries or any(f"documents.{fmt}" in entries for fmt in _COPY)
    if entries and not exported:
        raise StoreError(
            f"{out} is a folder that is not a textreuse export (no {MARKER} or documents table); "
            "it was left untouched. Choose another --out"
        )


def export(db: str | Path, out_dir: str | Path, *, fmt: ExportFormat = "parquet") -> list[Path]:
    """Return the paths written: one file per table and view of the database at `db`, by name.

    The whole folder is written under a temporary name beside `out_dir` and renamed
    over it when complete, so an interrupted export leaves the previous export as it
    was, never a mix of two databases. A folder that is not an export is never replaced.
    The database is opened before anything is made, so a database that cannot be read
    leaves no folder behind. In CSV, list columns are written as DuckDB prints them
    (``[a, b]``).
    """
    out = Path(out_dir)
    with connect(db) as con:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_catalog = current_database() ORDER BY table_name"
        ).fetchall()]
        _check_out(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(out)  # of exports killed before they could clean up
        tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        try:
            for table in tables:
                quoted = (tmp / f"{table}.{fmt}").as_posix().replace("'", "''")
                con.execute(f"COPY (SELECT * FROM \"{table}\") TO '{quoted}' ({_COPY[fmt]})")
            (tmp / MARKER).write_text(f"{fmt}\n", encoding="utf-8")
            replace_folder(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return [out / f"{table}.{fmt}" for table in tables]

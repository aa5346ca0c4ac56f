"""Scan one generated corpus with the local engine and with Spark at several partition
counts, and compare every table row for row.

    python bench/parity.py [--docs 20000] [--seed 1] [--profile damaged] [--partitions 1 2 8]

The corpus is bench/synth.py's (cached under bench/out/parity-PROFILE-DOCS-SEED/). The
local engine runs with 2 workers into a DuckDB file, Spark with ``local[2]`` into a folder
of Parquet tables per partition count. Prints one JSON line per engine run (seconds,
pairs) and per comparison (tables that differ, with counts of the rows only one side has).
Exit code 1 when a table differs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import duckdb  # noqa: E402
import synth  # noqa: E402

from textreuse.engines.local import scan  # noqa: E402
from textreuse.store import parquet  # noqa: E402

TABLES = (
    "documents", "rejects", "pairs", "passages", "stories", "story_members", "annotations", "repairs",
    "evidence", "postings", "index_documents",
)  # fmt: skip


def corpus(docs: int, seed: int, profile: str) -> Path:
    """Return the JSONL corpus file, generated once."""
    root = HERE / "out" / f"parity-{profile}-{docs}-{seed}"
    path = root / "corpus.jsonl"
    if not path.exists():
        root.mkdir(parents=True, exist_ok=True)
        found, _, _, _ = synth._generate(docs, seed, synth.DEFAULT_BASE, 0.0, profile)
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(d) + "\n" for d in found), encoding="utf-8")
        tmp.rename(path)
    return path


def tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: con.execute(f"SELECT * FROM {t}").fetchall() for t in TABLES}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", choices=sorted(synth.PROFILES), default="damaged")
    ap.add_argument("--partitions", type=int, nargs="+", default=[1, 2, 8])
    args = ap.parse_args(argv)

    from textreuse.engines import spark as engine

    path = corpus(args.docs, args.seed, args.profile)
    work = path.parent / "runs"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    db = work / "local.duckdb"
    t = time.perf_counter()
    local = scan([path], db=db, workers=2)
    print(json.dumps({"engine": "local", "docs": args.docs, "seconds": round(time.perf_counter() - t, 1),
                      "pairs": len(local.pairs)}), flush=True)
    con = duckdb.connect(str(db), read_only=True)
    expected = tables(con)
    con.close()
    session = engine.session("local[2]", conf={"spark.driver.memory": "4g"})
    differ = False
    for parts in args.partitions:
        out = work / f"spark-{parts}"
        t = time.perf_counter()
        result = engine.scan([path], out=out, spark=session, partitions=parts)
        seconds = time.perf_counter() - t
        with parquet.connect(out) as pcon:
            found = tables(pcon)
        different = {}
        for name, rows in expected.items():
            if found[name] != rows:
                a, b = set(rows), set(found[name])
                different[name] = {"local": len(rows), "spark": len(found[name]), "local_only": len(a - b),
                                   "spark_only": len(b - a)}
        differ |= bool(different)
        print(json.dumps({"engine": "spark", "partitions": parts, "seconds": round(seconds, 1),
                          "pairs": sum(result.pairs_by_relation.values()),
                          "rows": {k: len(v) for k, v in found.items()}, "different": different}), flush=True)
    session.stop()
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())

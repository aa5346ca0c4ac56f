"""What keeping the candidate index costs a scan's database: write time and size.

Scans a corpus once in this process (one worker), then writes its database several
times without and with the ``postings`` and ``index_documents`` tables, and reports
the fastest write of each and the file sizes. Writing the same tables again and again
in one process keeps the noise of a loaded machine out of the difference.

    PYTHONPATH=src python bench/postings.py demo/corpus
    PYTHONPATH=src python bench/postings.py bench/out/synth-20000-s1/corpus.jsonl --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from textreuse.engines.local import read_all, scan_documents
from textreuse.store import arrow
from textreuse.store import duckdb as store

BASE = ["pairs", "passages", "stories", "story_members", "annotations", "repairs"]
INDEX = ["postings", "index_documents"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    docs, rejects = read_all(args.corpus)
    t0 = time.perf_counter()
    result = scan_documents(docs, rejects, workers=1)
    scan_seconds = time.perf_counter() - t0
    out: dict[str, object] = {
        "corpus": [str(p) for p in args.corpus],
        "documents": len(docs),
        "pairs": len(result.pairs),
        "scan_seconds": round(scan_seconds, 3),
        "postings_rows": result.tables(["postings"])["postings"].num_rows,
    }
    with tempfile.TemporaryDirectory() as tmp:
        for label, extra in (("without_index", []), ("with_index", INDEX)):
            times, index_times, size = [], [], 0
            for k in range(args.repeat):
                db = Path(tmp) / f"{label}-{k}.duckdb"
                t0 = time.perf_counter()
                with store.Writer(db) as writer:
                    writer.add({"documents": arrow.documents_tables(docs), "rejects": arrow.rejects_table(rejects)})
                    writer.add(result.tables(BASE))
                    t1 = time.perf_counter()
                    # Built and added here, as the scan does: the index's own share of the write.
                    writer.add(result.tables(extra))
                    index_times.append(time.perf_counter() - t1)
                    writer.commit(result.run_meta() if extra else {"summary": result.counts()})
                times.append(time.perf_counter() - t0)
                size = os.path.getsize(db)
                db.unlink()
            out[label] = {"write_seconds_min": round(min(times), 3), "write_seconds": [round(t, 3) for t in times],
                          "index_tables_seconds": [round(t, 3) for t in index_times], "db_bytes": size}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

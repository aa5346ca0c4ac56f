"""Time textreuse's scan at several corpus sizes and fit the exponent of time against size.

    python bench/scaling.py [--sizes 20000 50000 100000] [--workers 1]

Each size is a synthetic corpus from bench/synth.py (cached under bench/out/), scanned
in a fresh process by ``scan_documents`` with token keeping off, so every size takes the
same code path; reading the corpus and writing a database are not timed.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

CHILD = """
import json, resource, sys, time
from textreuse.engines.local import read_all, scan_documents
docs, rejects = read_all([sys.argv[1]])
t = time.perf_counter()
result = scan_documents(docs, rejects, workers=int(sys.argv[2]), token_memory=0)
print(json.dumps({"docs": len(docs), "seconds": time.perf_counter() - t, "pairs": len(result.pairs),
                  "stages": result.seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""


def corpus(docs: int, seed: int) -> Path:
    """Return the path of a cached synthetic corpus of `docs` documents, generating it if needed."""
    folder = OUT / f"synth-{docs}-s{seed}"
    if not (folder / "corpus.jsonl").exists():
        subprocess.run(
            [sys.executable, str(HERE / "synth.py"), "--docs", str(docs), "--seed", str(seed), "--out", str(folder)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return folder / "corpus.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20000, 50000, 100000])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        path = corpus(size, args.seed)
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), str(args.workers)], check=True, capture_output=True, text=True
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"| documents | seconds | pairs | peak RSS MB | index s | candidates s | align s |  (workers={args.workers})")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        s = r["stages"]
        print(f"| {r['docs']} | {r['seconds']:.2f} | {r['pairs']} | {r['peak_mb']} | {s['index']:.2f} | {s['candidates']:.2f} | {s['align']:.2f} |")
    if len(rows) > 1:
        xs = [math.log(r["docs"]) for r in rows]
        ys = [math.log(r["seconds"]) for r in rows]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        print(f"\nfitted exponent of time against corpus size: {slope:.2f}")


if __name__ == "__main__":
    main()

"""Time the local engine and the Spark engine on the same corpora and fit time against size.

    python bench/spark_scaling.py [--sizes 10000 30000 100000] [--cores 2]

Each size is the synthetic corpus of bench/synth.py (cached under bench/out/, as
bench/scaling.py makes it). Both engines run the whole scan from the JSONL file to
written tables, each in a fresh process on the same number of cores: the local
engine with ``--cores`` workers writing a DuckDB database, Spark with master
``local[CORES]`` writing Parquet. Spark's start-up (the JVM and the session) is timed
apart from its scan. Peak memory is the largest sum of the resident sizes of the
process and all its children (the JVM and Python workers for Spark), sampled every
0.1 s. The two engines' pairs are compared for equality at every size.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scaling import corpus  # noqa: I001  (a sibling script)

LOCAL = """
import json, sys, time
from textreuse.engines.local import scan
t = time.perf_counter()
result = scan([sys.argv[1]], db=sys.argv[2], workers=int(sys.argv[3]))
print(json.dumps({"seconds": time.perf_counter() - t, "pairs": len(result.pairs),
                  "stages": result.seconds}))
"""

SPARK = """
import json, sys, time
t = time.perf_counter()
from textreuse.engines import spark
session = spark.session(f"local[{sys.argv[3]}]", conf={"spark.driver.memory": "4g"})
start = time.perf_counter() - t
t = time.perf_counter()
result = spark.scan([sys.argv[1]], out=sys.argv[2], spark=session)
print(json.dumps({"seconds": time.perf_counter() - t, "startup": start,
                  "pairs": sum(result.pairs_by_relation.values()), "stages": result.seconds}))
"""


def run(code: str, *args: str, log: Path) -> tuple[dict[str, float], float]:
    """Return the child's JSON line and its peak memory in MB (the process tree's summed RSS).

    The child's stderr (Spark's log) goes to `log`.
    """
    with log.open("w") as err:
        child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=err, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(child.pid)
        while not done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                peak = max(peak, total)
            except psutil.Error:
                pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    done.set()
    sampler.join()
    if child.returncode:
        tail = "".join(log.read_text(errors="replace").splitlines(keepends=True)[-30:])
        raise SystemExit(f"child failed ({child.returncode}), log {log}:\n{tail}")
    return json.loads(out.strip().splitlines()[-1]), peak / 2**20


def same_pairs(db: Path, out: Path) -> bool:
    """Return whether the local database and the Spark folder hold the same pairs and passages."""
    import duckdb

    from textreuse.store import parquet

    con = duckdb.connect(str(db), read_only=True)
    with parquet.connect(out) as pcon:
        return all(
            con.execute(f"SELECT * FROM {t}").fetchall() == pcon.execute(f"SELECT * FROM {t}").fetchall()
            for t in ("pairs", "passages", "stories", "story_members")
        )


def exponent(sizes: list[int], seconds: list[float]) -> float:
    """Return the least-squares slope of log(time) against log(size)."""
    xs, ys = [math.log(s) for s in sizes], [math.log(t) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 30000, 100000])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        path = corpus(size, args.seed)
        work = Path(tempfile.mkdtemp(prefix="spark-scaling-"))
        try:
            logs = HERE / "out"
            local, local_mb = run(LOCAL, str(path), str(work / "local.duckdb"), str(args.cores),
                                  log=logs / f"spark-scaling-local-{size}.log")  # fmt: skip
            spark, spark_mb = run(SPARK, str(path), str(work / "out"), str(args.cores),
                                  log=logs / f"spark-scaling-spark-{size}.log")  # fmt: skip
            rows.append({"docs": size, "local": local, "local_mb": local_mb, "spark": spark,
                         "spark_mb": spark_mb, "same": same_pairs(work / "local.duckdb", work / "out")})  # fmt: skip
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(f"| documents | local s | local peak MB | Spark s (+ start-up s) | Spark peak MB | time Spark/local | memory Spark/local | pairs | same tables |  (cores={args.cores})")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        lo, sp = r["local"], r["spark"]
        print(
            f"| {r['docs']} | {lo['seconds']:.1f} | {r['local_mb']:.0f} | {sp['seconds']:.1f} (+{sp['startup']:.1f}) "
            f"| {r['spark_mb']:.0f} | {sp['seconds'] / lo['seconds']:.2f} | {r['spark_mb'] / r['local_mb']:.2f} "
            f"| {lo['pairs']} | {'yes' if r['same'] else 'NO'} |"
        )
    for r in rows:
        stages = ", ".join(f"{k} {v:.1f}" for k, v in r["spark"]["stages"].items())
        print(f"\n{r['docs']} documents, Spark stages (s): {stages}", end="")
    print()
    if len(rows) > 1:
        sizes = [r["docs"] for r in rows]
        print(f"\nfitted exponent of time against corpus size: local {exponent(sizes, [r['local']['seconds'] for r in rows]):.2f}, "
              f"Spark {exponent(sizes, [r['spark']['seconds'] for r in rows]):.2f}")


if __name__ == "__main__":
    main()

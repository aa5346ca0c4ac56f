"""A million documents on one machine: wall time, peak memory and disk of whole scans by size.

    python bench/scale.py [--sizes 100000 300000 1000000] [--workers 1 2] [--keep]

Each size is a synthetic corpus of bench/synth.py, cached under bench/out/: 100,000
documents of seed 1 as bench/scaling.py makes them, larger sizes made of 100,000-document
parts of seeds 1, 2, ... (bench/synth.py holds a corpus in memory while it builds it and
ran out of the machine's 24 GB at a million; a part takes ~90 s, once). Each scan is the command a user runs, ``textreuse scan CORPUS --db X --workers W
--json -q``, in a fresh process: reading, every stage and writing the database.

Peak memory is the largest proportional set size (PSS) of the process and its worker
processes summed, sampled every 0.5 s: forked workers share the parent's pages, which a
sum of resident sizes would count once per worker. The scan process's own peak resident
size (``os.wait4``) is reported beside it. Disk: the database's size, and the largest
size its temporary files reached together (sampled with the memory): the database being
written, its folder of temporary files, and the unnamed files a scan holds its texts and
sketches in (found through ``/proc/PID/fd``).

Prints a Markdown table, then one JSON line per scan and the fitted exponent of time
against size per worker count.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scaling import corpus as synth_corpus  # noqa: E402,I001  (a sibling script)

# bench/synth.py holds a whole corpus in memory while it builds it: a million documents
# took more than the 24 GB of the machine here. Larger corpora are made of parts this big.
PART = 100_000


def corpus(size: int, seed: int) -> Path:
    """Return a cached corpus of `size` documents: bench/synth.py's, or for more than
    ``PART`` documents the synth corpora of seeds `seed`, `seed` + 1, ... of ``PART``
    documents each, ids prefixed with their part (``s3:orig-000001``), concatenated."""
    if size <= PART:
        return synth_corpus(size, seed)
    if size % PART:
        raise SystemExit(f"sizes above {PART:,} must be multiples of it, not {size:,}")
    out = HERE / "out" / f"synth-parts-{size}-s{seed}" / "corpus.jsonl"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial")
    with partial.open("w") as sink:
        for part in range(seed, seed + size // PART):
            with synth_corpus(PART, part).open() as lines:
                for line in lines:
                    record = json.loads(line)
                    record["id"] = f"s{part}:{record['id']}"
                    sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.rename(out)
    return out


def folder_bytes(folder: Path) -> int:
    """Return the bytes of the files under `folder` (0 when it is gone)."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def tree_pss(pid: int) -> int:
    """Return the summed proportional set size of process `pid` and its children, in bytes."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_full_info().pss
        except psutil.Error:
            pass
    return total


def unnamed_bytes(pid: int) -> int:
    """Return the bytes of the unnamed temporary files (``textreuse-*``, deleted) open in
    process `pid` and its children, each counted once."""
    try:
        root = psutil.Process(pid)
        pids = [pid, *(c.pid for c in root.children(recursive=True))]
    except psutil.Error:
        return 0
    seen: dict[tuple[int, int], int] = {}
    for p in pids:
        try:
            fds = os.listdir(f"/proc/{p}/fd")
        except OSError:
            continue
        for fd in fds:
            path = f"/proc/{p}/fd/{fd}"
            try:
                target = os.readlink(path)
                if "(deleted)" not in target and "/#" not in target:  # O_TMPFILE files show as /#inode
                    continue
                st = os.stat(path)
            except OSError:
                continue
            seen[(st.st_dev, st.st_ino)] = st.st_size
    return sum(seen.values())


def run_scan(path: Path, work: Path, workers: int, extra: list[str]) -> dict[str, Any]:
    """Scan `path` into a database under `work` in a child process; return what was measured."""
    db = work / "scan.duckdb"
    tmp = work / "tmp"
    tmp.mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "textreuse", "scan", str(path), "--db", str(db), "--workers", str(workers),
           "--json", "-q", *extra]
    env = {**os.environ, "TMPDIR": str(tmp)}
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak_pss = peak_tmp = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_pss, peak_tmp
        while not done.is_set():
            peak_pss = max(peak_pss, tree_pss(child.pid))
            peak_tmp = max(peak_tmp, folder_bytes(tmp) + unnamed_bytes(child.pid) + sum(
                f.stat().st_size for f in work.glob("*.tmp*") if f.is_file()))
            done.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out_lines: list[str] = []
    reader = threading.Thread(target=lambda: out_lines.extend(child.stdout or []), daemon=True)
    reader.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    reader.join()
    err = child.stderr.read() if child.stderr else ""
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"scan failed ({os.waitstatus_to_exitcode(status)}): {' '.join(cmd)}\n{err[-3000:]}")
    # The summary is the last line (a first run may say on stdout that it compiles).
    summary = json.loads([line for line in out_lines if line.strip()][-1])
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_pss_mb": round(peak_pss / 2**20),
        "peak_rss_mb": usage.ru_maxrss // 1024,
        "tmp_peak_mb": round(peak_tmp / 2**20, 1),
        "db_mb": round(db.stat().st_size / 2**20, 1),
        "pairs": summary.get("pairs"),
        "documents": summary.get("documents"),
        "seconds": summary.get("seconds", {}),
    }


def exponent(sizes: list[int], seconds: list[float]) -> float | None:
    """Return the least-squares slope of log(time) against log(size) (None below two sizes)."""
    if len(sizes) < 2:
        return None
    xs, ys = [math.log(s) for s in sizes], [math.log(t) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100000, 300000, 1000000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scan-option", action="append", default=[], metavar="OPT",
                        help="pass OPT to every scan (repeatable), e.g. --scan-option=--memory=1GB")
    parser.add_argument("--keep", action="store_true", help="keep the databases (under bench/out/scale-*)")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for workers in dict.fromkeys(args.workers):
        for size in args.sizes:
            path = corpus(size, args.seed)
            work = Path(tempfile.mkdtemp(prefix=f"scale-{size}-w{workers}-", dir=HERE / "out"))
            try:
                row = {"size": size, "workers": workers, "corpus_mb": round(path.stat().st_size / 2**20),
                       "load_before": round(os.getloadavg()[0], 2),
                       **run_scan(path, work, workers, args.scan_option)}
            finally:
                if not args.keep:
                    shutil.rmtree(work, ignore_errors=True)
            row["db_kb_per_1000_docs"] = round(row["db_mb"] * 1024 / (size / 1000), 1)
            rows.append(row)
            print(json.dumps(row), flush=True)
    print("\n| documents | workers | corpus MB | wall s | CPU s | peak PSS MB | peak RSS MB (scan process) "
          "| tmp peak MB | db MB | db KB / 1,000 docs | pairs | load before |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['size']:,} | {r['workers']} | {r['corpus_mb']} | {r['wall_s']} | {r['cpu_s']} | {r['peak_pss_mb']:,} "
              f"| {r['peak_rss_mb']:,} | {r['tmp_peak_mb']} | {r['db_mb']} | {r['db_kb_per_1000_docs']} "
              f"| {r['pairs']:,} | {r['load_before']} |")
    for workers in dict.fromkeys(args.workers):
        mine = [r for r in rows if r["workers"] == workers]
        fit = exponent([r["size"] for r in mine], [r["wall_s"] for r in mine])
        if fit is not None:
            print(f"workers {workers}: fitted exponent of wall time against size {fit:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

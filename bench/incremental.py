"""Incremental scans: a base corpus, then batches added with ``scan --add``, against a full
rescan of everything, and the final database compared table for table with the one-shot scan.

    python bench/incremental.py [--base 20000] [--batches 5] [--batch-size 200] [--seed 1]
                                [--profile default] [--workers 1]
    python bench/incremental.py --pages ../shared/data/article-extraction/html --batches 2 --batch-size 10

The corpus is bench/synth.py's (base + batches x batch-size documents, cached under
bench/out/incremental-*), in its shuffled order: the first `--base` documents are the
base, each batch the next `--batch-size`. Batches so hold new stories, copies, excerpts
and quotes of stories already stored, and sources of documents already stored (a copy
dated before the stored ones arrives later and becomes the origin).

With `--pages DIR`, the inputs are the web pages of a folder instead (sorted by name; the
last batches x batch-size are the batches, the rest the base, each in a folder of links),
where reading (main-text extraction) is most of a scan.

Every scan is its own process (``python -m textreuse scan ... --quiet --json``), timed
wall-clock with its peak RSS (``os.wait4``). Prints one JSON line per run, then the
comparison of the final database with the one-shot scan of all inputs (tables that
differ, none expected) and the ratio of each batch's time to the full rescan's.
Exit code 1 when a table differs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import duckdb  # noqa: E402
import synth  # noqa: E402


def corpus(total: int, seed: int, profile: str) -> list[str]:
    """Return the corpus's JSONL lines, generated once."""
    path = HERE / "out" / f"incremental-{profile}-{total}-{seed}.jsonl"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        found, _, _, _ = synth._generate(total, seed, synth.DEFAULT_BASE, 0.0, profile)
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(d) + "\n" for d in found), encoding="utf-8")
        tmp.rename(path)
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def run(args: list[str]) -> dict[str, object]:
    """Run ``textreuse ARGS --quiet --json``; return its summary, wall seconds and peak RSS."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as errors:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "textreuse", *args, "--quiet", "--json"], stdout=out, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        errors.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"textreuse {' '.join(args)} failed ({proc.returncode}):\n{errors.read()}")
        summary = json.loads(out.read().splitlines()[-1])
    return {"summary": summary, "seconds": round(seconds, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def tables(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {t: con.execute(f"SELECT * FROM {t}").fetchall() for t in names if t != "runs"}
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=int, default=20000)
    ap.add_argument("--batches", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", choices=sorted(synth.PROFILES), default="default")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--pages", type=Path, help="a folder of web pages to use instead of a generated corpus")
    args = ap.parse_args(argv)

    files: list[str] = []
    if args.pages is not None:
        pages = sorted(p for p in args.pages.iterdir() if p.is_file())
        args.base = len(pages) - args.batches * args.batch_size
        root = HERE / "out" / f"incremental-run-pages-{args.base}-{args.batches}x{args.batch_size}"
        shutil.rmtree(root, ignore_errors=True)
        cuts = [0, args.base, *(args.base + (k + 1) * args.batch_size for k in range(args.batches))]
        for k, (lo, hi) in enumerate(zip(cuts, cuts[1:])):
            folder = root / ("base" if k == 0 else f"batch{k}")
            folder.mkdir(parents=True)
            for page in pages[lo:hi]:
                (folder / page.name).symlink_to(page.resolve())
            files.append(str(folder))
        total = len(pages)
    else:
        lines = corpus(args.base + args.batches * args.batch_size, args.seed, args.profile)
        root = HERE / "out" / f"incremental-run-{args.profile}-{args.base}-{args.batches}x{args.batch_size}-{args.seed}"
        root.mkdir(parents=True, exist_ok=True)
        cuts = [0, args.base, *(args.base + (k + 1) * args.batch_size for k in range(args.batches))]
        for k, (lo, hi) in enumerate(zip(cuts, cuts[1:])):
            path = root / ("base.jsonl" if k == 0 else f"batch{k}.jsonl")
            path.write_text("".join(lines[lo:hi]), encoding="utf-8")
            files.append(str(path))
        total = len(lines)
    inc, one = root / "inc.duckdb", root / "one.duckdb"
    for db in (inc, one):
        db.unlink(missing_ok=True)
    workers = ["--workers", str(args.workers)]

    base = run(["scan", files[0], "--db", str(inc), *workers])
    print(json.dumps({"run": "base", "docs": args.base, "seconds": base["seconds"], "peak_rss_mb": base["peak_rss_mb"]}), flush=True)
    added = []
    for k, path in enumerate(files[1:], 1):
        got = run(["scan", path, "--db", str(inc), "--add", *workers])
        added.append(got)
        print(json.dumps({"run": f"batch {k}", "docs": args.batch_size, "seconds": got["seconds"],
                          "peak_rss_mb": got["peak_rss_mb"], "changes": got["summary"]["changes"],  # type: ignore[index]
                          "stage_seconds": got["summary"]["seconds"]}), flush=True)  # type: ignore[index]
    full = run(["scan", *files, "--db", str(one), *workers])
    print(json.dumps({"run": "full rescan", "docs": total, "seconds": full["seconds"], "peak_rss_mb": full["peak_rss_mb"],
                      "stage_seconds": full["summary"]["seconds"]}), flush=True)  # type: ignore[index]
    got, want = tables(inc), tables(one)
    differing = sorted(t for t in set(got) | set(want) if got.get(t) != want.get(t))
    ratios = [round(float(a["seconds"]) / float(full["seconds"]), 3) for a in added]  # type: ignore[arg-type]
    print(json.dumps({"tables_differing": differing, "tables_compared": len(want), "batch_over_full_rescan": ratios}))
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())

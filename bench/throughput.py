"""Throughput and pair recall of textreuse vs. a datasketch MinHash-LSH baseline.

Usage::

    python bench/throughput.py --docs 20000 --seed 1 [--workers-all] [--repeat 3] [--json]
    python bench/throughput.py --docs 20000 --profile default dense damaged dense-damaged

Generates (or reuses, cached under ``bench/out/synth-<docs>-s<seed>[-d<damage>][-<profile>]/``)
a synthetic corpus with :mod:`synth` for each ``--profile`` (``synth.PROFILES``: the default
shape, 0.64 related pairs per document and no damage; ``dense``, about 8 related pairs per
document; ``damaged``, a third of the documents with cp1252 or lossy mojibake; both), then
runs on each, one after the other and each in its own measured child process:

(a) ``textreuse scan CORPUS.jsonl --db TMP.duckdb --workers 1 --quiet`` (timed), followed by
    ``textreuse pairs --db TMP.duckdb --format jsonl --all`` (not timed) for scoring: every pair
    of members of each story, as the truth lists every related pair;
(b) a datasketch pipeline in one process: word 5-gram shingles over casefolded ``\\w+`` tokens,
    ``MinHash(num_perm=128)`` with ``update_batch``, ``MinHashLSH(threshold=0.5, num_perm=128)``:
    insert all, then query each; the candidate pairs are its found pairs;
(c) with ``--workers-all``: ``textreuse scan`` with ``--workers`` = all cores.

Every system runs under a small wrapper process (``throughput.py _measure``) that starts the
command as its only child and reports wall time, ``ru_maxrss`` of its children (the largest
single process of that system) and the peak of the summed RSS of the whole process tree,
sampled every 50 ms from ``/proc`` (covers worker pools).  So memory peaks are per system.

Reports docs/s, MB/s (UTF-8 bytes of the ``text`` fields), peak memory, the MB/s ratio
textreuse/datasketch and each system's pair recall by relation against the truth.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import accuracy
import synth

OUT = HERE / "out"
PAGE = os.sysconf("SC_PAGE_SIZE")


# --------------------------------------------------------------------------------------------
# measuring wrapper (runs in its own process)
# --------------------------------------------------------------------------------------------

def _children_of(pid: int) -> list[int]:
    """Return the direct children of ``pid`` (from /proc)."""
    kids: list[int] = []
    task_dir = Path(f"/proc/{pid}/task")
    try:
        for t in task_dir.iterdir():
            try:
                kids += [int(x) for x in (t / "children").read_text().split()]
            except (OSError, ValueError):
                pass
    except OSError:
        pass
    return kids


def _tree_rss(root: int) -> int:
    """Return the summed resident set size in bytes of ``root`` and all its descendants."""
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            continue
        todo += _children_of(pid)
    return total


def measure(cmd: list[str], stdout_path: str | None = None, timeout: float | None = None) -> dict[str, Any]:
    """Return wall time, peak RSS figures and exit code of running ``cmd`` as a child.

    Meant to run inside a fresh wrapper process so that ``RUSAGE_CHILDREN`` only sees this
    command and its descendants.
    """
    with contextlib.ExitStack() as stack:
        out_f = stack.enter_context(open(stdout_path, "wb")) if stdout_path else subprocess.DEVNULL
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out_f, stderr=subprocess.PIPE)
        peak = [0]
        stop = threading.Event()

        def sample() -> None:
            """Record the peak tree RSS until stopped (returns nothing)."""
            while not stop.is_set():
                peak[0] = max(peak[0], _tree_rss(proc.pid))
                stop.wait(0.05)

        th = threading.Thread(target=sample, daemon=True)
        th.start()
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        wall = time.perf_counter() - t0
        stop.set()
        th.join()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cmd": cmd, "returncode": proc.returncode, "wall_s": wall,
            "max_process_rss_mb": ru.ru_maxrss / 1024, "tree_peak_rss_mb": peak[0] / 2**20,
            "user_s": ru.ru_utime, "sys_s": ru.ru_stime,
            "stderr_tail": err.decode("utf-8", "replace")[-2000:]}


def run_measured(cmd: list[str], stdout_path: str | None = None, timeout: float | None = None) -> dict[str, Any]:
    """Return the measurement of ``cmd``, taken in a fresh wrapper python process."""
    spec = json.dumps({"cmd": cmd, "stdout": stdout_path, "timeout": timeout})
    res = subprocess.run([sys.executable, str(Path(__file__).resolve()), "_measure", spec],
                         capture_output=True, text=True, check=False)
    if res.returncode != 0:
        raise RuntimeError(f"measuring wrapper failed: {res.stderr[-2000:]}")
    return dict(json.loads(res.stdout))


# --------------------------------------------------------------------------------------------
# datasketch baseline (runs in its own process)
# --------------------------------------------------------------------------------------------

def datasketch_pairs(corpus: str, out_path: str) -> dict[str, float]:
    """Return stage timings after writing MinHash-LSH candidate pairs of ``corpus`` as JSONL."""
    from datasketch import MinHash, MinHashLSH

    word = re.compile(r"\w+")
    t0 = time.perf_counter()
    ids: list[str] = []
    sigs: list[MinHash] = []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            w = word.findall(d["text"].casefold())
            sh = {" ".join(w[i:i + 5]) for i in range(len(w) - 4)} or {" ".join(w)}
            m = MinHash(num_perm=128)
            m.update_batch([s.encode("utf-8") for s in sh])
            ids.append(d["id"])
            sigs.append(m)
    t1 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for i, m in zip(ids, sigs):
        lsh.insert(i, m)
    pairs: set[tuple[str, str]] = set()
    for i, m in zip(ids, sigs):
        for j in lsh.query(m):
            if j != i:
                pairs.add((i, j) if i < j else (j, i))
    t2 = time.perf_counter()
    with open(out_path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps({"doc_a": a, "doc_b": b}) + "\n" for a, b in sorted(pairs))
    return {"minhash_s": t1 - t0, "lsh_s": t2 - t1, "pairs": len(pairs)}


# --------------------------------------------------------------------------------------------
# orchestration
# --------------------------------------------------------------------------------------------

def corpus_dir(docs: int, seed: int, damage: float, profile: str = "default",
               base: Path = synth.DEFAULT_BASE) -> Path:
    """Return the cache directory of a synthetic corpus, generating it if needed."""
    d = OUT / (f"synth-{docs}-s{seed}" + (f"-d{damage:g}" if damage else "")
               + ("" if profile == "default" else f"-{profile}"))

    if (d / "corpus.jsonl").is_file() and (d / "truth.jsonl").is_file() and (d / "meta.json").is_file() \
            and (d / "short.jsonl").is_file() \
            and json.loads((d / "meta.json").read_text()).get("version") == synth.VERSION:
        return d

    t0 = time.perf_counter()
    docs_rows, truth, short, stats = synth._generate(docs, seed, base, damage, profile)
    meta = {"version": synth.VERSION, "docs": docs, "seed": seed, "damage_share": damage, "profile": profile,
            "generate_seconds": round(time.perf_counter() - t0, 2), "stats": stats}
    tmp = d.with_name(d.name + ".tmp")
    synth.write_corpus(tmp, docs_rows, truth, meta, short)
    if d.exists():
        shutil.rmtree(d)
    tmp.rename(d)
    return d


def _textreuse_cmd() -> list[str]:
    """Return the command prefix that runs the textreuse CLI, under this interpreter.

    Not the first ``textreuse`` on PATH: that may belong to another environment (here a
    pyenv shim's interpreter without numba, which silently measured the numpy path).
    ``python -m textreuse`` runs what the installed ``textreuse`` command runs.
    """
    return [sys.executable, "-m", "textreuse"]


def _text_bytes(corpus: Path) -> tuple[int, int]:
    """Return (documents, UTF-8 bytes of their text fields) of a corpus JSONL file."""
    n = b = 0
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            n += 1
            b += len(json.loads(line)["text"].encode("utf-8"))
    return n, b


def run_textreuse(corpus: Path, workers: int, work: Path, truth: list[dict[str, Any]],
                  short: list[dict[str, Any]], timeout: float | None) -> dict[str, Any]:
    """Return measurement and scores of one textreuse scan with ``workers`` processes."""
    db = work / f"tr-w{workers}.duckdb"
    cmd = _textreuse_cmd() + ["scan", str(corpus), "--db", str(db), "--workers", str(workers), "--quiet"]
    m = run_measured(cmd, timeout=timeout)
    m["system"] = f"textreuse (workers={workers})"
    m["workers"] = workers
    if m["returncode"] != 0:
        m["error"] = m["stderr_tail"]
        return m
    pairs_path = work / f"tr-w{workers}-pairs.jsonl"
    with open(pairs_path, "wb") as f:
        res = subprocess.run(_textreuse_cmd() + ["pairs", "--db", str(db), "--format", "jsonl", "--all", "--max-pairs", "100000000"],
                             stdout=f, stderr=subprocess.PIPE, check=False)
    if res.returncode != 0:
        m["error"] = "pairs export failed: " + res.stderr.decode("utf-8", "replace")[-2000:]
        return m
    m["scores"] = accuracy.score(truth, accuracy.load_jsonl(pairs_path), short)
    return m


def run_datasketch(corpus: Path, work: Path, truth: list[dict[str, Any]],
                   short: list[dict[str, Any]], timeout: float | None) -> dict[str, Any]:
    """Return measurement and scores of the datasketch MinHash-LSH baseline."""
    pairs_path = work / "datasketch-pairs.jsonl"
    stages = work / "datasketch-stages.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "_datasketch", str(corpus), str(pairs_path)]
    m = run_measured(cmd, stdout_path=str(stages), timeout=timeout)
    m["system"] = "datasketch MinHash-LSH"
    m["workers"] = 1
    if m["returncode"] != 0:
        m["error"] = m["stderr_tail"]
        return m
    m["stages"] = json.loads(stages.read_text())
    m["scores"] = accuracy.score(truth, accuracy.load_jsonl(pairs_path), short)
    return m


def _f(x: float | None, digits: int = 2) -> str:
    """Return a number for a markdown cell ('–' for None)."""
    return "–" if x is None else f"{x:.{digits}f}"


def to_markdown(report: dict[str, Any]) -> str:
    """Return the throughput report as markdown."""
    c = report["corpus"]
    lines = [(f"## Throughput, profile {c.get('profile', 'default')}: {c['docs']:,} docs, {c['mb']:.1f} MB "
              f"of text, {c['truth_pairs'] / c['docs']:.2f} related pairs per document "
              f"(seed {c['seed']}, damage {c['damage_share']:g}, {report['cores']} cores)"), "",
             ("| system | wall s | CPU s | docs/s | MB/s | peak RSS tree MB | max proc RSS MB | pairs | "
              "pair precision | recall dup | near | excerpt | overlap | all direct | "
              "all incl. implied |"),
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in report["runs"]:
        if "error" in r:
            lines.append(f"| {r['system']} | failed (exit {r['returncode']}) |" + " |" * 13)
            continue
        s = r.get("scores", {})
        rd, ra = s.get("recall_direct", {}), s.get("recall_all", {})
        lines.append(
            f"| {r['system']} | {_f(r['wall_s'])} | {_f(r.get('cpu_s'))} | {_f(r['docs_per_s'], 0)} | {_f(r['mb_per_s'])} | "
            f"{_f(r['tree_peak_rss_mb'], 0)} | {_f(r['max_process_rss_mb'], 0)} | "
            f"{s.get('counts', {}).get('pred', '–')} | {_f(s.get('pair_precision'), 3)} | "
            f"{_f(rd.get('duplicate'), 3)} | {_f(rd.get('near_duplicate'), 3)} | "
            f"{_f(rd.get('excerpt'), 3)} | {_f(rd.get('overlap'), 3)} | {_f(rd.get('all'), 3)} | "
            f"{_f(ra.get('all'), 3)} |")
    lines.append("")
    for k, v in report.get("ratios", {}).items():
        lines.append(f"- MB/s ratio {k}: **{v:.2f}**")
        per_round = report.get("round_ratios", {}).get(k, [])
        if len(per_round) > 1:
            lines.append(f"  (each round: {', '.join(f'{x:.2f}' for x in per_round)})")
        cpu = report.get("cpu_ratios", {}).get(k)
        if cpu is not None:
            lines.append(f"  (CPU time ratio, user + system of all threads: {cpu:.2f})")
    if len(report.get("rounds", [])) > 1:
        lines.append("- rounds (wall s / CPU s): " + "; ".join(
            ", ".join(f"{r['system'].split(' ')[0]} {_f(r['wall_s'])}/{_f(r['cpu_s'])}" for r in b)
            for b in report["rounds"]))
    for r in report["runs"]:
        if "error" in r:
            lines += ["", f"{r['system']} failed:", "```", r["error"].strip()[-1500:], "```"]
        elif "scores" in r and r["scores"].get("label_accuracy") is not None:
            p = r["scores"]["pan"]
            sc = r["scores"]
            lines.append(f"- {r['system']}: label accuracy {_f(sc['label_accuracy'], 3)}, "
                         f"pair precision excusing true sub-40-word overlaps "
                         f"{_f(sc.get('pair_precision_excusing_short'), 3)}, "
                         f"PAN plagdet {_f(p['plagdet'], 3)} (precision {_f(p['precision'], 3)}, "
                         f"recall {_f(p['recall'], 3)}, granularity {_f(p['granularity'], 3)})")
    ds = next((r for r in report["runs"] if r["system"].startswith("datasketch") and "stages" in r), None)
    if ds:
        st = ds["stages"]
        lines.append(f"- datasketch stages: shingling+MinHash {st['minhash_s']:.1f} s, "
                     f"LSH insert+query {st['lsh_s']:.1f} s")
    lines.append("- wall time includes interpreter start-up and reading the corpus; only the scan "
                 "is timed for textreuse (pair export excluded).")
    return "\n".join(lines) + "\n"


def run_profile(args: argparse.Namespace, profile: str) -> dict[str, Any]:
    """Return the report of the systems' rounds on the corpus of one profile."""
    cdir = corpus_dir(args.docs, args.seed, args.damage_share, profile, args.base)
    corpus = cdir / "corpus.jsonl"
    truth = accuracy.load_jsonl(cdir / "truth.jsonl")
    short = accuracy.load_jsonl(cdir / "short.jsonl")
    n_docs, n_bytes = _text_bytes(corpus)
    cores = os.cpu_count() or 1
    rounds: list[list[dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="tr-bench-") as tmp:
        work = Path(tmp)
        # Rounds interleave the systems, so a change in the machine's load (it is shared)
        # falls on all of them; each round's ratio compares runs made side by side.
        for _ in range(max(1, args.repeat)):
            batch = [run_textreuse(corpus, 1, work, truth, short, args.timeout)]
            if not args.skip_datasketch:
                batch.append(run_datasketch(corpus, work, truth, short, args.timeout))
            if args.workers_all:
                batch.append(run_textreuse(corpus, cores, work, truth, short, args.timeout))
            rounds.append(batch)
    for batch in rounds:
        for r in batch:
            r["docs_per_s"] = n_docs / r["wall_s"]
            r["mb_per_s"] = n_bytes / 1e6 / r["wall_s"]
            r["cpu_s"] = r.get("user_s", 0.0) + r.get("sys_s", 0.0)
    # The table shows each system's median run (by wall time).
    runs = []
    for k in range(len(rounds[0])):
        ok = sorted((b[k] for b in rounds if "error" not in b[k]), key=lambda r: r["wall_s"])
        runs.append(ok[len(ok) // 2] if ok else rounds[0][k])
    ratios: dict[str, float] = {}
    round_ratios: dict[str, list[float]] = {}
    cpu_ratios: dict[str, float] = {}
    ds = next((r for r in runs if r["system"].startswith("datasketch") and "error" not in r), None)
    if ds:
        for k, r in enumerate(runs):
            if r["system"].startswith("textreuse") and "error" not in r:
                name = f"{r['system']} / datasketch"
                ratios[name] = r["mb_per_s"] / ds["mb_per_s"]
                cpu_ratios[name] = ds["cpu_s"] / r["cpu_s"] if r["cpu_s"] else float("nan")
                d = next(j for j, x in enumerate(runs) if x is ds)
                round_ratios[name] = [b[d]["wall_s"] / b[k]["wall_s"] for b in rounds
                                      if "error" not in b[k] and "error" not in b[d]]
    report = {"corpus": {"dir": str(cdir), "docs": n_docs, "bytes": n_bytes, "mb": n_bytes / 1e6,
                         "seed": args.seed, "damage_share": args.damage_share, "profile": profile,
                         "truth_pairs": len(truth)},
              "cores": cores, "runs": runs, "ratios": ratios, "round_ratios": round_ratios,
              "cpu_ratios": cpu_ratios,
              "rounds": [[{k: r.get(k) for k in ("system", "wall_s", "cpu_s")} for r in b] for b in rounds]}
    return report


def summary(reports: list[dict[str, Any]]) -> str:
    """Return one markdown table of every profile's ratios to datasketch."""
    lines = ["## Ratios to datasketch by profile (MB/s, median runs; each round in brackets)", "",
             "| profile | docs | related pairs / doc | textreuse 1 worker s | datasketch s | ratio | "
             "textreuse all cores s | scaling 1 -> all |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for rep in reports:
        c, runs = rep["corpus"], rep["runs"]
        one = next((r for r in runs if r["system"] == "textreuse (workers=1)" and "error" not in r), None)
        ds = next((r for r in runs if r["system"].startswith("datasketch") and "error" not in r), None)
        many = next((r for r in runs if r["system"].startswith("textreuse") and r.get("workers", 1) > 1
                     and "error" not in r), None)
        ratio = rep["ratios"].get("textreuse (workers=1) / datasketch")
        rounds = rep["round_ratios"].get("textreuse (workers=1) / datasketch", [])
        cell = "–" if ratio is None else f"**{ratio:.2f}**" + (f" ({', '.join(f'{x:.2f}' for x in rounds)})"
                                                               if len(rounds) > 1 else "")
        lines.append(f"| {c['profile']} | {c['docs']:,} | {c['truth_pairs'] / c['docs']:.2f} | "
                     f"{_f(one['wall_s'] if one else None)} | {_f(ds['wall_s'] if ds else None)} | {cell} | "
                     f"{_f(many['wall_s'] if many else None)} | "
                     f"{_f(one['wall_s'] / many['wall_s'] if one and many else None)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Return the exit code after running the benchmark (CLI entry point)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_measure":
        spec = json.loads(argv[1])
        print(json.dumps(measure(spec["cmd"], spec.get("stdout"), spec.get("timeout"))))
        return 0
    if argv and argv[0] == "_datasketch":
        print(json.dumps(datasketch_pairs(argv[1], argv[2])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--damage-share", type=float, default=0.0)
    ap.add_argument("--base", type=Path, default=synth.DEFAULT_BASE,
                    help="BBC News articles the corpora are generated from (default: ../shared/data/bbc-news)")
    ap.add_argument("--profile", nargs="+", default=["default"], choices=sorted(synth.PROFILES),
                    help="corpus shapes (synth.PROFILES), each measured in its own rounds")
    ap.add_argument("--workers-all", action="store_true",
                    help="also run textreuse with --workers = all cores")
    ap.add_argument("--skip-datasketch", action="store_true")
    ap.add_argument("--timeout", type=float, default=None, help="seconds per system")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of runs, the systems interleaved; the table shows median runs")
    ap.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    args = ap.parse_args(argv)
    reports = [run_profile(args, profile) for profile in args.profile]
    if args.json:
        print(json.dumps(reports if len(reports) > 1 else reports[0], indent=2))
    else:
        for report in reports:
            sys.stdout.write(to_markdown(report) + "\n")
        if len(reports) > 1:
            sys.stdout.write(summary(reports))
    return 0 if all("error" not in r for report in reports for r in report["runs"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())

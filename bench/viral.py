"""Viral stories: one text copied k times inside a base corpus, and whether the scan sees it.

Usage::

    python bench/viral.py --k 10 100 1000 10000 --base-docs 20000 [--json] [--keep]

For each k: a base corpus of ``--base-docs`` articles (``bench/synth.py``, seed 1, its own
planted reuse included) plus one real BBC article (the *story*, from ../shared/data/bbc-news,
the first one of 400-500 words) copied k times:

* 70 % near copies: 3 % of the words edited (substituted, inserted or deleted, words drawn
  from the story's own corpus vocabulary), each with its site's own header and footer line;
* 10 % excerpts: the first 20-40 % of the story in whole lines, under "NAME writes:" and
  over "[Continue reading…]";
* 10 % quoted passages: 60-200 consecutive words of the story inside another article
  (originals of a second synth corpus, seed 2, each used once);
* 10 % near copies as above, then damaged by lossy mojibake (UTF-8 read as cp1252, the
  undefined bytes dropped).

The scan runs in a child process (``python -m textreuse scan --workers 1``) so that its wall
time and peak memory (``ru_maxrss`` of the child) are its own. The story is then read back
from the database: the stored story
holding most copies. Figures per k:

* completeness: the share of the k copies (and the story itself) that are members of it;
* purity: the share of its members that are copies (or the story);
* pairs: rows in the ``pairs`` table, the whole corpus's;
* seconds, peak RSS.

A base corpus of ``--base-docs`` + k unrelated articles instead of the copies is scanned
beside the largest k for the time and memory ratio (``--compare``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "viral"
BBC = synth.DEFAULT_BASE
WORD = re.compile(r"\w+")


def story_text(base: Path = BBC, lo: int = 400, hi: int = 500) -> tuple[str, str]:
    """Return (path, text) of the first BBC article (sorted paths) of `lo`-`hi` words."""
    for path in sorted(base.rglob("*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace").strip()
        if lo <= len(WORD.findall(text)) <= hi and "\ufffd" not in text:
            return str(path.relative_to(base)), text
    raise SystemExit(f"no article of {lo}-{hi} words under {base}")


def edit_words(text: str, rng: np.random.Generator, vocab: list[str], share: float = 0.03) -> str:
    """Return `text` with `share` of its words substituted, deleted or preceded by a new word."""
    parts = re.split(r"(\s+)", text)
    words = [k for k, p in enumerate(parts) if WORD.search(p)]
    for k in rng.choice(words, size=max(1, round(share * len(words))), replace=False).tolist():
        kind = int(rng.integers(3))
        new = vocab[int(rng.integers(len(vocab)))]
        parts[k] = new if kind == 0 else "" if kind == 1 else f"{new} {parts[k]}"
    return re.sub(r"[ \t]{2,}", " ", "".join(parts))


def chrome(site: str) -> tuple[str, str]:
    """Return a site's own header and footer line."""
    return f"{site} | Home | News | Sport | Contact", f"© 2026 {site}. All rights reserved."


def lossy(text: str) -> str:
    """Return `text` damaged by lossy mojibake (UTF-8 read as cp1252, undefined bytes dropped)."""
    return synth.mojibake(text, mode="cp1252")[0]


def build(k: int, base_docs: int, *, seed: int = 1) -> tuple[list[dict[str, Any]], set[str]]:
    """Return the corpus records and the ids of the story and its copies."""
    rng = np.random.default_rng(1000 + k)
    base, _ = synth.generate(base_docs, seed, BBC)
    path, story = story_text()
    vocab = sorted({w.lower() for d in base[:2000] for w in WORD.findall(d["text"]) if w.isalpha()})
    n_exc = n_quote = n_damaged = k // 10
    n_near = k - n_exc - n_quote - n_damaged
    hosts: list[str] = []
    if n_quote:
        extra, _ = synth.generate(int(n_quote * 2) + 100, 2, BBC)
        hosts = [d["text"] for d in extra if d["id"].split("-")[0] in ("orig", "solo")][:n_quote]
        if len(hosts) < n_quote:
            raise SystemExit(f"only {len(hosts)} host articles for {n_quote} quotes")
    lines = story.split("\n")
    words = story.split()
    sites = [f"news{j}.example" for j in range(max(1, min(2000, k // 5)))]
    rows: list[dict[str, Any]] = [{"id": "story", "text": story, "source": "bbc.co.uk", "date": "2026-01-01"}]
    for j in range(k):
        site = sites[j % len(sites)]
        head, foot = chrome(site)
        if j < n_near + n_damaged:
            text = "\n".join([head, edit_words(story, rng, vocab), foot])
            if j >= n_near:
                text = lossy(text)
            kind = "near" if j < n_near else "damaged"
        elif j < n_near + n_damaged + n_exc:
            share = rng.uniform(0.2, 0.4)
            kept, count = [], 0
            for line in lines:
                if count >= share * len(words):
                    break
                kept.append(line)
                count += len(line.split())
            text = "\n".join([f"Blogger {j} writes:", *kept, "[Continue reading…]"])
            kind = "excerpt"
        else:
            host = hosts[j - (n_near + n_damaged + n_exc)]
            n = int(rng.integers(60, 201))
            at = int(rng.integers(0, max(1, len(words) - n)))
            quote = " ".join(words[at : at + n])
            paras = host.split("\n\n")
            cut = max(1, len(paras) // 2)
            text = "\n\n".join(paras[:cut] + [f"As bbc.co.uk reported: “{quote}”"] + paras[cut:])
            kind = "quote"
        rows.append({"id": f"copy-{kind}-{j}", "text": text, "source": site, "date": "2026-01-02"})
    copies = {r["id"] for r in rows}
    rows += [{"id": f"base-{d['id']}", **{k2: v for k2, v in d.items() if k2 != "id"}} for d in base]
    order = np.random.default_rng(seed).permutation(len(rows))
    return [rows[i] for i in order.tolist()], copies


def unrelated(k: int, base_docs: int, *, seed: int = 1) -> list[dict[str, Any]]:
    """Return the base corpus plus k articles of a second synth corpus instead of the copies."""
    base, _ = synth.generate(base_docs, seed, BBC)
    extra, _ = synth.generate(k, 3, BBC)
    return [{**d, "id": f"base-{d['id']}"} for d in base] + [{**d, "id": f"other-{d['id']}"} for d in extra]


# Runs the scan in a grandchild, so the peak RSS its parent reads is that scan's alone.
_MEASURE = (
    "import json, resource, subprocess, sys\n"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "print(json.dumps({'exit': p.returncode, 'stdout': p.stdout, 'stderr': p.stderr[-2000:],\n"
    "                  'rss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
)


def run_scan(corpus: Path, db: Path) -> dict[str, Any]:
    """Return the scan's wall time, peak RSS and exit code (run in a child process)."""
    if db.exists():
        db.unlink()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-m", "textreuse", "scan", str(corpus), "--db", str(db),
         "--workers", "1", "--quiet", "--json"], capture_output=True, text=True, check=True,
    )
    seconds = time.perf_counter() - t0
    got = json.loads(proc.stdout)
    out: dict[str, Any] = {"seconds": round(seconds, 2), "exit": got["exit"],
                           "peak_rss_mb": round(got["rss_kb"] / 1024, 1)}
    if got["exit"] not in (0, 3):
        out["stderr"] = got["stderr"]
    else:
        # The summary is the first JSON object on stdout; anything after it is kept to be read.
        summary, end = json.JSONDecoder().raw_decode(got["stdout"].lstrip())
        out["summary"] = summary
        rest = got["stdout"].lstrip()[end:].strip()
        if rest:
            out["stdout_after_summary"] = rest[:2000]
    return out


def story_figures(db: Path, copies: set[str]) -> dict[str, Any]:
    """Return completeness, purity and size of the stored story holding most copies."""
    from textreuse.store import duckdb as store

    with store.connect(db) as con:
        rows = con.execute("SELECT story_id, doc_id FROM story_members").fetchall()
        n_pairs = store.count_rows(con, "pairs")
    unit = "story"
    members: dict[str, set[str]] = {}
    for group, doc in rows:
        members.setdefault(group, set()).add(doc)
    best = max(members.values(), key=lambda m: (len(m & copies), -len(m)), default=set())
    inside = len(best & copies)
    return {
        "unit": unit,
        "completeness": round(inside / len(copies), 4),
        "purity": round(inside / len(best), 4) if best else None,
        "members": len(best),
        "missing_kinds": _kinds(copies - best),
        "pairs": n_pairs,
    }


def _kinds(ids: set[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in ids:
        kind = i.split("-")[1] if i.startswith("copy-") else i
        out[kind] = out.get(kind, 0) + 1
    return out


def write_jsonl(rows: list[dict[str, Any]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    os.replace(tmp, path)


def fitted_exponent(ks: list[int], seconds: list[float]) -> float | None:
    """Return the slope of log(seconds) against log(k) (least squares), or None."""
    if len(ks) < 2:
        return None
    return float(np.polyfit(np.log(ks), np.log(seconds), 1)[0])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--k", type=int, nargs="+", default=[10, 100, 1000, 10000])
    ap.add_argument("--base-docs", type=int, default=20000)
    ap.add_argument("--compare", action="store_true", help="also scan base + k unrelated articles at the largest k")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the corpora and databases under bench/out/viral")
    args = ap.parse_args(argv)
    if not BBC.is_dir():
        print(f"needs {BBC}", file=sys.stderr)
        return 2
    results = []
    for k in args.k:
        corpus, copies = build(k, args.base_docs)
        path = OUT / f"viral-{args.base_docs}-{k}.jsonl"
        write_jsonl(corpus, path)
        n_docs = len(corpus)
        del corpus  # not needed while the child scans (Python may keep the memory for itself)
        db = path.with_suffix(".duckdb")
        scan = run_scan(path, db)
        row: dict[str, Any] = {"k": k, "docs": n_docs, **{x: scan[x] for x in ("seconds", "peak_rss_mb", "exit")}}
        if "stderr" in scan:
            row["stderr"] = scan["stderr"]
        else:
            row.update(story_figures(db, copies))
        results.append(row)
        if not args.keep:
            path.unlink()
            db.unlink(missing_ok=True)
        print(json.dumps(row), file=sys.stderr)
    out: dict[str, Any] = {"base_docs": args.base_docs, "runs": results}
    ks = [r["k"] for r in results if r["exit"] in (0, 3)]
    out["time_exponent"] = fitted_exponent(ks, [r["seconds"] for r in results if r["exit"] in (0, 3)])
    if args.compare:
        k = max(args.k)
        path = OUT / f"unrelated-{args.base_docs}-{k}.jsonl"
        write_jsonl(unrelated(k, args.base_docs), path)
        scan = run_scan(path, path.with_suffix(".duckdb"))
        big = next(r for r in results if r["k"] == k)
        out["unrelated"] = {"k": k, "seconds": scan["seconds"], "peak_rss_mb": scan["peak_rss_mb"],
                            "time_ratio": round(big["seconds"] / scan["seconds"], 3),
                            "memory_ratio": round(big["peak_rss_mb"] / scan["peak_rss_mb"], 3)
                            if big.get("peak_rss_mb") and scan["peak_rss_mb"] else None}
        if not args.keep:
            path.unlink()
            path.with_suffix(".duckdb").unlink(missing_ok=True)
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"{'k':>7} {'docs':>7} {'complete':>9} {'purity':>7} {'members':>8} {'pairs':>9} {'s':>7} {'MB':>7}")
        for r in results:
            print(f"{r['k']:>7} {r['docs']:>7} {r.get('completeness', '-')!s:>9} {r.get('purity', '-')!s:>7} "
                  f"{r.get('members', '-')!s:>8} {r.get('pairs', '-')!s:>9} {r['seconds']:>7} {r['peak_rss_mb']!s:>7}")
        print(f"time exponent in k: {out['time_exponent']}")
        if "unrelated" in out:
            print(f"unrelated: {out['unrelated']}")
    shutil.rmtree(OUT, ignore_errors=True) if not args.keep and OUT.exists() and not any(OUT.iterdir()) else None
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

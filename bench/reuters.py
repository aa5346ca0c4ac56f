"""Real-news precision/recall: a textreuse scan of Reuters-21578 (dev half) against word 5-gram containment.

Data: ``../shared/data/reuters21578-dev/reuters21578-dev.jsonl`` (11,000 stories of the 1987
newswire, ``text`` = title + newline + body; see its ``ORIGIN.md``).  There are no reuse labels,
so the truth is mechanical:

* words are the lower-cased ``\\w+`` matches (Python ``re``) of ``text``; a story's grams are its
  *distinct* word 5-grams (a story under 5 words has none);
* every pair of stories sharing at least one 5-gram held by 2..``--max-df`` (50) stories is a
  truth pair, with ``containment = |shared distinct 5-grams| / min(|grams of a|, |grams of b|)``,
  i.e. the larger of the two directed containments.  Shared grams of *any* frequency count in the
  numerator; only the choice of pairs needs a rare gram.  This is exhaustive: a pair outside the
  truth shares no 5-gram at all or only grams held by more than 50 stories, and has containment 0
  here (a pair sharing only very common grams is not reuse of one text at these thresholds).
* 5-grams get exact integer ids (repeated ``np.unique`` over (k-gram id, next word id)), so
  there are no hash collisions.  The truth is cached in ``bench/out/`` keyed by the input file's
  size and mtime (and n, max-df, the builder version).

The scan is ``python -m textreuse scan FILE --db bench/out/reuters-scan*.duckdb --workers 1
--quiet [--scan-args ...]`` (timed), or an existing database with ``--db``.  Reported:

* pairs reported and the share with containment < 0.1 (overall and by relation);
* of pairs labelled duplicate, near_duplicate or excerpt, the share with containment >= 0.3;
* recall of truth pairs at containment >= 0.6 and >= 0.3, split by the shorter story's word
  count (>= 100, 30-99, < 30 words; ORIGIN.md: the short ones are mostly formula);
* corrections and repeats: a story whose title (first line) starts with ``CORRECTED``,
  ``CORRECTION`` or ``RPT``, with or without parentheses, then `` - ``, ``-`` or a space
  (the corpus has "CORRECTED - ", "CORRECTED-", "(CORRECTED) - ", "(CORRECTED)-",
  "CORRECTION - ", "(CORRECTION) - ", "RPT-", "(RPT) ").  Its *original* is the story with the
  highest containment with it among the stories dated on or before the correction's calendar
  day (UTC date of ``date``), not itself and not itself a correction/repeat, provided that
  containment is >= 0.5 (ties: the earlier story).  Counted: corrections with an original,
  how many of those (correction, original) pairs the scan reports, and how many of the
  reported ones have the original as ``origin``;
* the largest story: its size and the titles of 10 members (the first 10 by id);
* ``--sample N``: N random reported pairs with containment < 0.1 and N random truth pairs at
  containment >= 0.6 the scan missed, with the first 200 characters of both texts.

    python bench/reuters.py [--data FILE] [--db PATH] [--scan-args "--no-boilerplate"]
                            [--sample N --seed S] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shlex
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
# ../shared beside the repository, or beside the folder of a git worktree
_CANDIDATES = [up / "shared" / "data" / "reuters21578-dev" / "reuters21578-dev.jsonl"
               for up in (REPO.parent, REPO.parent.parent)]
DATA = next((p for p in _CANDIDATES if p.is_file()), _CANDIDATES[0])
RELATIONS = ("duplicate", "near_duplicate", "excerpt", "overlap")
TRUTH_VERSION = 1
WORD = re.compile(r"\w+")
CORRECTION = re.compile(r"^\s*\(?(CORRECTED|CORRECTION|RPT)\)?(\s*-\s*|\s+)")
LENGTH_BANDS = (("100+", 100, None), ("30-99", 30, 100), ("<30", 0, 30))


# --------------------------------------------------------------------------------------------
# truth
# --------------------------------------------------------------------------------------------

def words(text: str) -> list[str]:
    """Return the lower-cased ``\\w+`` words of ``text``."""
    return WORD.findall(text.lower())


def build_truth(texts: list[str], n: int = 5, max_df: int = 50) -> dict[str, np.ndarray]:
    """Return the containment truth of ``texts`` (indices into the list) as numpy arrays.

    Keys: ``word_counts`` and ``grams`` (distinct n-grams) per story; ``a``, ``b`` (story
    indices, a < b), ``shared`` (distinct n-grams in common) and ``containment`` per truth pair,
    i.e. per pair sharing an n-gram held by 2..max_df stories; pairs sorted by (a, b).
    """
    n_docs = len(texts)
    vocab: dict[str, int] = {}
    per_doc = [np.fromiter((vocab.setdefault(w, len(vocab)) for w in ws), np.int64, len(ws))
               for ws in map(words, texts)]
    word_counts = np.array([len(t) for t in per_doc], np.int64)
    ids = np.concatenate(per_doc) if per_doc else np.zeros(0, np.int64)
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), word_counts)
    starts = np.concatenate([[0], np.cumsum(word_counts)])
    # an n-gram starts at i if i + n <= end of its story
    pos = np.flatnonzero(np.arange(len(ids)) + n <= starts[doc_of + 1]) if len(ids) else ids
    vsize = max(len(vocab), 1)
    gram = ids[pos]
    for k in range(1, n):       # exact ids: (id of the k-gram, next word) -> id of the (k+1)-gram
        _, gram = np.unique(gram * vsize + ids[pos + k], return_inverse=True)
        gram = gram.astype(np.int64).ravel()
    g_docs = doc_of[pos]
    # distinct (gram, story) entries, sorted by gram then story
    key = np.unique(gram * n_docs + g_docs)
    eg, ed = key // n_docs, key % n_docs
    grams = np.bincount(ed, minlength=n_docs).astype(np.int64)
    first = np.flatnonzero(np.r_[True, eg[1:] != eg[:-1]]) if len(eg) else np.zeros(0, np.int64)
    df = np.diff(np.r_[first, len(eg)])
    df_of = np.repeat(df, df)
    end_of = np.repeat(first + df, df)
    # candidate pairs: all story pairs inside each rare gram's group (stories ascending)
    rare = np.flatnonzero((df_of >= 2) & (df_of <= max_df))
    cnt = end_of[rare] - rare - 1
    total = int(cnt.sum())
    left = np.repeat(rare, cnt)
    offs = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    right = left + 1 + offs
    pk, shared = np.unique(ed[left] * n_docs + ed[right], return_counts=True)
    a, b = pk // n_docs, pk % n_docs
    shared = shared.astype(np.int64)
    # add the shared common grams (held by more than max_df stories) of those pairs
    common = df_of > max_df
    cd, cg = ed[common], eg[common]
    order = np.lexsort((cg, cd))
    cd, cg = cd[order], cg[order]
    ckey = cd * (int(eg.max()) + 1 if len(eg) else 1) + cg
    cptr = np.concatenate([[0], np.cumsum(np.bincount(cd, minlength=n_docs))])
    ccount = np.diff(cptr)
    small = np.where(ccount[a] <= ccount[b], a, b)
    other = np.where(ccount[a] <= ccount[b], b, a)
    m = ccount[small]
    if m.sum():
        which = np.repeat(np.arange(len(a)), m)
        at = np.repeat(cptr[small], m) + np.arange(int(m.sum())) - np.repeat(np.cumsum(m) - m, m)
        probe = other[which] * (int(eg.max()) + 1) + cg[at]
        hit = np.searchsorted(ckey, probe)
        hit = (hit < len(ckey)) & (ckey[np.minimum(hit, len(ckey) - 1)] == probe)
        shared += np.bincount(which[hit], minlength=len(a))
    denom = np.minimum(grams[a], grams[b])
    return {"word_counts": word_counts, "grams": grams, "a": a, "b": b, "shared": shared,
            "containment": shared / np.maximum(denom, 1), "rare_pair_grams": np.array([total])}


def load_corpus(path: Path) -> list[dict[str, Any]]:
    """Return the JSONL records of the corpus."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def cached_truth(path: Path, docs: list[dict[str, Any]], n: int = 5, max_df: int = 50,
                 out: Path = OUT) -> tuple[dict[str, np.ndarray], float, bool]:
    """Return (truth, seconds to build or load, loaded from cache) for the corpus at ``path``."""
    st = path.stat()
    cache = out / f"reuters-truth-v{TRUTH_VERSION}-n{n}-df{max_df}-{st.st_size}-{st.st_mtime_ns}.npz"
    t0 = time.perf_counter()
    if cache.is_file():
        with np.load(cache) as z:
            return {k: z[k] for k in z.files}, time.perf_counter() - t0, True
    truth = build_truth([d["text"] for d in docs], n, max_df)
    out.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(cache.name + ".tmp.npz")
    np.savez(tmp, **truth)
    os.replace(tmp, cache)
    return truth, time.perf_counter() - t0, False


# --------------------------------------------------------------------------------------------
# scan
# --------------------------------------------------------------------------------------------

def run_scan(data: Path, db: Path, scan_args: list[str]) -> float:
    """Run ``textreuse scan`` of ``data`` into ``db`` (1 worker) and return its wall seconds."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), *filter(None, [env.get("PYTHONPATH")])])
    cmd = [sys.executable, "-m", "textreuse", "scan", str(data), "--db", str(db),
           "--workers", "1", "--quiet", *scan_args]
    db.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def read_db(db: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Return (pairs, groups, runs meta) of a textreuse database.

    Pairs are every related pair the database holds: with stories, every pair of members
    of each story (``textreuse pairs --all``: tree pairs as aligned, the others mapped
    through the story), since the ``pairs`` table lists each member with its source only.
    Groups are the stories (built from the pairs of a database written before them), most
    widely spread first, as ``{"story_id", "size", "origin", "members"}``.
    """
    from textreuse.store import duckdb as store

    cols = ("doc_a", "doc_b", "relation", "origin", "coverage_a", "coverage_b")
    with store.connect(db) as con:
        pairs = [{k: v for k, v in p.to_dict().items() if k in cols} for p in store.read_member_pairs(con)]
        groups = [{"story_id": s.id, "size": s.size, "origin": s.origin, "members": [m.doc_id for m in s.members]}
                  for s in store.read_stories(con)]
        meta = {k: json.loads(v) for k, v in con.execute("SELECT key, value FROM runs").fetchall()}
    return pairs, groups, meta


# --------------------------------------------------------------------------------------------
# figures
# --------------------------------------------------------------------------------------------

def title(text: str) -> str:
    """Return the first line of a story."""
    return text.split("\n", 1)[0].strip()


def _share(k: int, n: int) -> float | None:
    return k / n if n else None


def evaluate(docs: list[dict[str, Any]], truth: dict[str, np.ndarray], pairs: list[dict[str, Any]],
             stories: list[dict[str, Any]], sample: int = 0, seed: int = 1) -> dict[str, Any]:
    """Return the benchmark's figures (see the module docstring) as a JSON-able dict."""
    n_docs = len(docs)
    index = {str(d["id"]): i for i, d in enumerate(docs)}
    a, b, cont = truth["a"], truth["b"], truth["containment"]
    wc = truth["word_counts"]
    tkey = a * n_docs + b                               # sorted (build_truth sorts by a, b)

    def lookup(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        k = lo * n_docs + hi
        at = np.minimum(np.searchsorted(tkey, k), max(len(tkey) - 1, 0))
        found = (tkey[at] == k) if len(tkey) else np.zeros(len(k), bool)
        return np.where(found, cont[at] if len(tkey) else 0.0, 0.0)

    pa_ = np.array([index[str(p["doc_a"])] for p in pairs], np.int64)
    pb_ = np.array([index[str(p["doc_b"])] for p in pairs], np.int64)
    pc = lookup(pa_, pb_)
    rel = np.array([p["relation"] for p in pairs], dtype=object)
    out: dict[str, Any] = {"documents": n_docs, "pairs": len(pairs),
                           "pairs_by_relation": {r: int((rel == r).sum()) for r in RELATIONS}}
    low = pc < 0.1
    out["low_overlap_share"] = _share(int(low.sum()), len(pairs))
    out["low_overlap_share_by_relation"] = {r: _share(int((low & (rel == r)).sum()), int((rel == r).sum()))
                                            for r in RELATIONS}
    strong = np.isin(rel, ["duplicate", "near_duplicate", "excerpt"])
    out["strong_labels_with_c_ge_0.3"] = _share(int((strong & (pc >= 0.3)).sum()), int(strong.sum()))

    # recall
    found_keys = np.unique(np.minimum(pa_, pb_) * n_docs + np.maximum(pa_, pb_))
    hit = np.isin(tkey, found_keys)
    shorter = np.minimum(wc[a], wc[b])
    recall: dict[str, Any] = {}
    for thr in (0.6, 0.3):
        row: dict[str, Any] = {}
        for name, lo, hi in (("all", 0, None), *LENGTH_BANDS):
            sel = (cont >= thr) & (shorter >= lo) & ((shorter < hi) if hi else True)
            row[name] = {"truth": int(sel.sum()), "found": int((sel & hit).sum()),
                         "recall": _share(int((sel & hit).sum()), int(sel.sum()))}
        recall[f"c>={thr}"] = row
    out["recall"] = recall
    out["truth"] = {"pairs": len(a), "c>=0.3": int((cont >= 0.3).sum()),
                    "c>=0.6": int((cont >= 0.6).sum()),
                    "stories_under_30_words": int((wc < 30).sum()),
                    "stories_30_99_words": int(((wc >= 30) & (wc < 100)).sum()),
                    "stories_100_plus_words": int((wc >= 100).sum())}

    # corrections and repeats
    found_pairs = {(min(x, y), max(x, y)): p for x, y, p in zip(pa_.tolist(), pb_.tolist(), pairs)}
    day = [str(d.get("date") or "")[:10] for d in docs]
    is_corr = np.array([bool(CORRECTION.match(title(d["text"]))) for d in docs])
    prefixes = Counter(CORRECTION.match(title(d["text"])).group(0)      # type: ignore[union-attr]
                       for d, c in zip(docs, is_corr) if c)
    partners: dict[int, list[tuple[float, int]]] = {int(i): [] for i in np.flatnonzero(is_corr)}
    for x, y, c in zip(a.tolist(), b.tolist(), cont.tolist()):
        for me, other in ((x, y), (y, x)):
            if me in partners and not is_corr[other] and day[other] <= day[me] and c >= 0.5:
                partners[me].append((c, other))
    corr_rows = []
    for me, cands in partners.items():
        orig = max(cands, key=lambda t: (t[0], -t[1]))[1] if cands else None
        p = found_pairs.get((min(me, orig), max(me, orig))) if orig is not None else None
        corr_rows.append({"id": str(docs[me]["id"]), "title": title(docs[me]["text"]),
                          "kind": CORRECTION.match(title(docs[me]["text"])).group(1),  # type: ignore[union-attr]
                          "original": None if orig is None else str(docs[orig]["id"]),
                          "containment": None if orig is None else max(cands)[0],
                          "paired": p is not None, "relation": p and p["relation"],
                          "origin": p and p["origin"],
                          "paired_with_anyone": bool(np.isin(me, pa_).any() or np.isin(me, pb_).any())})
    with_orig = [r for r in corr_rows if r["original"] is not None]
    paired = [r for r in with_orig if r["paired"]]
    out["corrections"] = {
        "stories": len(corr_rows), "prefixes": dict(prefixes.most_common()),
        "with_original": len(with_orig), "paired_with_original": len(paired),
        "origin_is_original": sum(r["origin"] == r["original"] for r in paired),
        "origin_is_correction": sum(r["origin"] == r["id"] for r in paired),
        "origin_none": sum(r["origin"] is None for r in paired),
        "relations": dict(Counter(r["relation"] for r in paired).most_common()),
        "without_original_paired_with_anyone": sum(r["paired_with_anyone"] for r in corr_rows
                                                   if r["original"] is None),
        "by_kind": {k: {"stories": sum(r["kind"] == k for r in corr_rows),
                        "with_original": sum(r["kind"] == k for r in with_orig),
                        "paired_with_original": sum(r["kind"] == k for r in paired)}
                    for k in ("CORRECTED", "CORRECTION", "RPT")},
        "rows": corr_rows,
    }

    # stories
    out["stories"] = len(stories)
    out["story_sizes_top"] = sorted((g["size"] for g in stories), reverse=True)[:10]
    if stories:
        big = max(stories, key=lambda g: g["size"])
        members = sorted(big["members"], key=lambda s: (len(s), s))
        out["largest_story"] = {"story_id": big["story_id"], "size": big["size"],
                                 "origin": big["origin"],
                                 "titles": [f"{m}: {title(docs[index[m]]['text'])}" for m in members[:10]],
                                 "title_prefixes": dict(Counter(title(docs[index[m]]["text"])[:20]
                                                                for m in members).most_common(5))}

    # samples
    if sample:
        rng = random.Random(seed)

        def show(i: int, j: int, c: float, p: dict[str, Any] | None) -> dict[str, Any]:
            row = {"doc_a": str(docs[i]["id"]), "doc_b": str(docs[j]["id"]), "containment": round(c, 3),
                   "words": [int(wc[i]), int(wc[j])],
                   "text_a": docs[i]["text"][:200], "text_b": docs[j]["text"][:200]}
            if p is not None:
                row.update(relation=p["relation"], origin=p["origin"],
                           coverage=[round(p["coverage_a"], 3), round(p["coverage_b"], 3)])
            return row

        lows = np.flatnonzero(low).tolist()
        pick = sorted(rng.sample(lows, min(sample, len(lows))))
        out["sample_low_overlap"] = [show(int(pa_[k]), int(pb_[k]), float(pc[k]), pairs[k]) for k in pick]
        missed = np.flatnonzero((cont >= 0.6) & ~hit).tolist()
        pick = sorted(rng.sample(missed, min(sample, len(missed))))
        out["sample_missed"] = [show(int(a[k]), int(b[k]), float(cont[k]), None) for k in pick]
    return out


# --------------------------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------------------------

def _f(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def to_markdown(s: dict[str, Any]) -> str:
    """Return the figures of :func:`evaluate` (plus run info) as markdown."""
    lines = [f"## Reuters-21578 dev half: {s['documents']:,} stories"
             + (f", scan {s['scan_seconds']:.1f} s wall" if s.get("scan_seconds") else ""), ""]
    if s.get("scan_args"):
        lines += [f"scan flags: `{' '.join(s['scan_args'])}`", ""]
    t = s["truth"]
    lines += [(f"truth: {t['pairs']:,} pairs sharing a 5-gram of df <= 50; {t['c>=0.3']:,} at containment "
               f">= 0.3, {t['c>=0.6']:,} at >= 0.6; stories: {t['stories_100_plus_words']:,} of 100+ words, "
               f"{t['stories_30_99_words']:,} of 30-99, {t['stories_under_30_words']:,} under 30 "
               f"(truth {s['truth_seconds']:.1f} s{', cached' if s['truth_cached'] else ''})"), "",
              "| relation | pairs | share with containment < 0.1 |", "|---|---:|---:|"]
    for r in RELATIONS:
        lines.append(f"| {r} | {s['pairs_by_relation'][r]:,} | {_f(s['low_overlap_share_by_relation'][r])} |")
    lines += [f"| **all** | {s['pairs']:,} | {_f(s['low_overlap_share'])} |", "",
              (f"duplicate / near_duplicate / excerpt pairs with containment >= 0.3: "
               f"{_f(s['strong_labels_with_c_ge_0.3'])}"), "",
              "| recall | all | shorter story 100+ words | 30-99 words | < 30 words |", "|---|---:|---:|---:|---:|"]
    for thr, row in s["recall"].items():
        cells = [f"{_f(v['recall'])} ({v['found']:,}/{v['truth']:,})" for v in row.values()]
        lines.append(f"| containment {thr[1:]} | " + " | ".join(cells) + " |")
    c = s["corrections"]
    lines += ["", (f"corrections/repeats: {c['stories']} stories ({', '.join(f'{k!r} {v}' for k, v in c['prefixes'].items())}); "
                   f"{c['with_original']} with an original (containment >= 0.5, dated no later); "
                   f"{c['paired_with_original']} paired with it by the scan "
                   f"({', '.join(f'{k} {v}' for k, v in c['relations'].items())}); origin = the original in "
                   f"{c['origin_is_original']}, = the correction in {c['origin_is_correction']}, none in "
                   f"{c['origin_none']}. Without an original: "
                   f"{c['stories'] - c['with_original']}, of which {c['without_original_paired_with_anyone']} "
                   "are in some reported pair.")]
    lines.append("by kind: " + "; ".join(f"{k}: {v['stories']} stories, {v['with_original']} with an "
                                         f"original, {v['paired_with_original']} paired with it"
                                         for k, v in c["by_kind"].items()))
    missed = [r for r in c["rows"] if r["original"] is not None and not r["paired"]]
    for r in missed:
        lines.append(f"  - missed: {r['id']} ({r['title'][:60]}) ~ original {r['original']}, "
                     f"containment {r['containment']:.3f}")
    lines += ["", f"stories: {s['stories']:,}; largest sizes {s['story_sizes_top']}"]
    if "largest_story" in s:
        lf = s["largest_story"]
        lines.append(f"largest story {lf['story_id']}: {lf['size']} members; title starts "
                     + ", ".join(f"{k!r} {v}" for k, v in lf["title_prefixes"].items()))
        lines += [f"  - {x}" for x in lf["titles"]]
    for key, head in (("sample_low_overlap", "reported pairs with containment < 0.1"),
                      ("sample_missed", "truth pairs at containment >= 0.6 not reported")):
        if key not in s:
            continue
        lines += ["", f"### Sample: {head} ({len(s[key])})", ""]
        for k, r in enumerate(s[key], 1):
            extra = (f" {r['relation']} origin={r['origin']} coverage={r['coverage']}"
                     if "relation" in r else "")
            lines += [f"{k}. {r['doc_a']} ~ {r['doc_b']}: containment {r['containment']}, "
                      f"words {r['words']}{extra}",
                      f"   A: {r['text_a']!r}", f"   B: {r['text_b']!r}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Return the exit code after building the truth, scanning and printing the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--db", type=Path, default=None, help="read this database instead of scanning")
    ap.add_argument("--scan-args", default="", help='extra scan flags, e.g. "--no-boilerplate"')
    ap.add_argument("--max-df", type=int, default=50)
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print all figures as one JSON object")
    argv = list(sys.argv[1:] if argv is None else argv)
    for k in range(len(argv) - 1):          # let `--scan-args "--no-boilerplate"` through argparse
        if argv[k] == "--scan-args":
            argv[k:k + 2] = [f"--scan-args={argv[k + 1]}"]
            break
    args = ap.parse_args(argv)
    if not args.data.is_file():
        ap.error(f"no corpus at {args.data} (give --data)")
    if args.db is not None and not args.db.is_file():
        ap.error(f"no database at {args.db}")
    docs = load_corpus(args.data)
    truth, t_sec, t_cached = cached_truth(args.data, docs, 5, args.max_df)
    scan_args = shlex.split(args.scan_args)
    seconds = None
    if args.db is None:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", " ".join(scan_args)).strip("-")
        db = OUT / f"reuters-scan{'-' + slug if slug else ''}.duckdb"
        seconds = run_scan(args.data, db, scan_args)
    else:
        db = args.db
    pairs, stories, meta = read_db(db)
    s = evaluate(docs, truth, pairs, stories, args.sample, args.seed)
    s.update(db=str(db), scan_seconds=seconds, scan_args=scan_args, truth_seconds=t_sec,
             truth_cached=t_cached, scan_stage_seconds=meta.get("summary", {}).get("seconds"),
             data=str(args.data))
    if args.json:
        print(json.dumps(s, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(to_markdown(s))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Stories at their limits: a document in many stories, a corpus whose documents all quote each other.

Usage::

    python bench/limits.py --digest 10000 --mutual 200 [--json] [--keep]

Two corpora, each scanned in a child process (``python -m textreuse scan --workers 1``, as
``bench/viral.py`` does, for its own wall time and peak RSS):

* **digest** (``--digest M``): M unrelated articles (originals of ``bench/synth.py``, seed 4)
  and one digest document made of a 40-80-word passage of each, in turn, a blank line
  between them: one document in M stories.
* **mutual** (``--mutual N``): N documents, each its own text of N-1 passages of 40 words
  followed by a quote of one passage of every other document (a different one for each
  quoting document): every document quotes every other and is quoted by every other,
  N(N-1) quoted passages in all, two shared passages (one each way) per pair.

Every planted text is known with its character span in each document that holds it (the
article or the own text itself, and each quote of it). A story member's span is *of* the
planted text whose span it overlaps most (by characters). Figures:

* found: the share of planted quotes (the digest's passages; the mutual quotes) held by a
  story together with the text they quote, the member's span overlapping the quote's;
* pure: the share of stories whose members are all of one planted text (quoting must never
  merge the quoting document's own story into the quoted one);
* stories and rows in pairs, seconds, peak RSS, and the scan's exit code (a guard tripping
  would show as an error with its message, and the figures stay empty).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402
import viral  # noqa: E402

OUT = viral.HERE / "out" / "limits"
WORD = re.compile(r"\S+")

Span = tuple[int, int]
# doc id -> [(start, end, text key)]: where each planted text lies in each document.
Planted = dict[str, list[tuple[int, int, str]]]


def articles(m: int, seed: int = 4) -> list[str]:
    """Return `m` synth originals of at least 120 words (no planted reuse among them)."""
    found: list[str] = []
    size = m * 2 + 200
    while len(found) < m:
        docs, _ = synth.generate(size, seed, synth.DEFAULT_BASE)
        found = [d["text"] for d in docs if d["id"].split("-")[0] in ("orig", "solo")
                 and len(d["text"].split()) >= 120]
        size *= 2
    return found[:m]


def words_span(text: str, first: int, count: int) -> Span:
    """Return the character span of `count` whitespace-separated words of `text` from word `first`."""
    spans = [m.span() for m in WORD.finditer(text)][first : first + count]
    return spans[0][0], spans[-1][1]


def digest(m: int, seed: int = 4) -> tuple[list[dict[str, Any]], Planted, list[tuple[str, str]]]:
    """Return the digest corpus, where each planted text lies, and the (quoting doc, text) quotes."""
    rng = np.random.default_rng(seed)
    texts = articles(m, seed)
    rows: list[dict[str, Any]] = []
    planted: Planted = {"digest": []}
    parts: list[str] = []
    at = 0
    for k, text in enumerate(texts):
        key = f"art-{k:06d}"
        rows.append({"id": key, "text": text})
        planted[key] = [(0, len(text), key)]
        n_words = len(text.split())
        count = int(rng.integers(40, 81))
        first = int(rng.integers(0, max(1, n_words - count)))
        a, b = words_span(text, first, count)
        passage = text[a:b]
        planted["digest"].append((at, at + len(passage), key))
        parts.append(passage)
        at += len(passage) + 2
    rows.append({"id": "digest", "text": "\n\n".join(parts)})
    return rows, planted, [("digest", key) for key in planted if key != "digest"]


def mutual(n: int, seed: int = 4, quote: int = 40) -> tuple[list[dict[str, Any]], Planted, list[tuple[str, str]]]:
    """Return the mutual-quotes corpus, where each planted text lies, and its quotes.

    Document i is its own text (n - 1 passages of `quote` words, drawn from synth
    originals) followed by a quote of every other document j's passage meant for i, so
    two documents share two passages (one each way) and no two are near copies.
    """
    pool = [w for t in articles(max(1, n * n * quote // 300 + 1), seed) for w in t.split()]
    at = [[((i * (n - 1) + k) * quote) % len(pool) for k in range(n - 1)] for i in range(n)]
    passages = [[" ".join(pool[o : o + quote]) for o in row] for row in at]
    own = ["\n\n".join(p) for p in passages]
    rows: list[dict[str, Any]] = []
    planted: Planted = {}
    quotes: list[tuple[str, str]] = []
    for i in range(n):
        doc = f"doc-{i:05d}"
        parts, spans, at = [], [], 0
        for k, text in enumerate(passages[i]):
            spans.append((at, at + len(text), f"text-{i:05d}-{k:05d}"))
            at += len(text) + 2
        parts.append(own[i])
        for j in range(n):
            if j == i:
                continue
            k = i if i < j else i - 1  # the passage of j meant for i
            lead = f"As doc-{j:05d} put it: "
            parts.append(lead + passages[j][k])
            spans.append((at + len(lead), at + len(lead) + len(passages[j][k]), f"text-{j:05d}-{k:05d}"))
            quotes.append((doc, f"text-{j:05d}-{k:05d}"))
            at += len(parts[-1]) + 2
        rows.append({"id": doc, "text": "\n\n".join(parts)})
        planted[doc] = spans
    return rows, planted, quotes


def of(doc: str, span: Span, planted: Planted) -> str | None:
    """Return the planted text whose span in `doc` overlaps `span` most, or None."""
    best, most = None, 0
    for a, b, key in planted.get(doc, ()):
        overlap = min(b, span[1]) - max(a, span[0])
        if overlap > most:
            best, most = key, overlap
    return best


def figures(db: Path, planted: Planted, quotes: list[tuple[str, str]], owner: dict[str, str]) -> dict[str, Any]:
    """Return found, pure, stories and pairs of a scanned corpus; `owner` maps a text to its document."""
    from textreuse.store import duckdb as store

    with store.connect(db) as con:
        rows = con.execute("SELECT story_id, doc_id, starts, ends FROM story_members").fetchall()
        n_pairs = store.count_rows(con, "pairs")
    texts: dict[str, set[str | None]] = {}
    held: dict[str, set[tuple[str, str | None]]] = {}
    for story, doc, starts, ends in rows:
        for span in zip(starts, ends):
            key = of(doc, span, planted)
            texts.setdefault(story, set()).add(key)
            held.setdefault(story, set()).add((doc, key))
    found = set()
    for members in held.values():
        docs = {d for d, _ in members}
        for doc, key in members:
            if key is not None and owner.get(key) in docs and owner[key] != doc:
                found.add((doc, key))
    pure = sum(len(keys) == 1 and None not in keys for keys in texts.values())
    return {
        "found": round(len(found & set(quotes)) / len(quotes), 4) if quotes else None,
        "pure": round(pure / len(texts), 4) if texts else None,
        "impure_examples": sorted(repr(sorted(map(str, k))) for k in texts.values() if len(k) != 1)[:3],
        "stories": len(texts),
        "pairs": n_pairs,
    }


def run(name: str, rows: list[dict[str, Any]], planted: Planted, quotes: list[tuple[str, str]],
        owner: dict[str, str], keep: bool) -> dict[str, Any]:
    path = OUT / f"{name}.jsonl"
    viral.write_jsonl(rows, path)
    db = path.with_suffix(".duckdb")
    scan = viral.run_scan(path, db)
    out: dict[str, Any] = {"corpus": name, "docs": len(rows), "chars": sum(len(r["text"]) for r in rows),
                           **{x: scan[x] for x in ("seconds", "peak_rss_mb", "exit")}}
    if "stderr" in scan:
        out["stderr"] = scan["stderr"]
    else:
        out.update(figures(db, planted, quotes, owner))
    if not keep:
        path.unlink()
        db.unlink(missing_ok=True)
    print(json.dumps(out), file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--digest", type=int, nargs="*", default=[10000], help="articles the digest quotes")
    ap.add_argument("--mutual", type=int, nargs="*", default=[200], help="documents that all quote each other")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the corpora and databases under bench/out/limits")
    args = ap.parse_args(argv)
    if not synth.DEFAULT_BASE.is_dir():
        print(f"needs {synth.DEFAULT_BASE}", file=sys.stderr)
        return 2
    results = []
    for m in args.digest:
        rows, planted, quotes = digest(m)
        owner = {key: key for key in planted if key != "digest"}
        results.append(run(f"digest-{m}", rows, planted, quotes, owner, args.keep))
    for n in args.mutual:
        rows, planted, quotes = mutual(n)
        owner = {key: f"doc-{key.split('-')[1]}" for key in {k for spans in planted.values() for *_, k in spans}}
        results.append(run(f"mutual-{n}", rows, planted, quotes, owner, args.keep))
    if args.json:
        print(json.dumps({"runs": results}, indent=1))
    else:
        for r in results:
            print(f"{r['corpus']:>14}: {r['docs']:,} docs, {r['seconds']} s, {r['peak_rss_mb']} MB, exit {r['exit']}, "
                  f"found {r.get('found')}, pure {r.get('pure')}, {r.get('stories')} stories, {r.get('pairs')} pairs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

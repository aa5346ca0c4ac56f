"""Story quality on synthetic corpora: planted lineages against the stories of a scan (B-cubed).

The corpus is ``bench/synth.py``'s (cached under ``bench/out/`` as bench/throughput.py caches
it), by default 20,000 documents with a third damaged (``--damage-share 0.33``: lossy and cp1252
mojibake). Its truth lists every planted pair, implied ones included.

* A **planted lineage** is a connected component of the planted (not implied) truth pairs
  whose relation says one text holds the other whole (duplicate, near_duplicate, excerpt): an
  original with its copies and excerpts. A quoted passage (truth ``overlap``) does not join
  the quoting document to the lineage, as it does not join it to the story; nor does an
  implied pair (an excerpt lying inside a quoted passage is an "excerpt" of the quoting
  document too).
* A document's **story** is the one in which it is a member as ``copy``, ``near_copy`` or
  ``excerpt`` (its own text); a ``quoted`` membership is scored apart. A document in no
  lineage, or in no story, is a cluster of one.
* **B-cubed** precision and recall (Bagga and Baldwin 1998): for each document, the share of
  its predicted cluster that is in its planted lineage, and the share of its lineage that is
  in its predicted cluster, averaged over the documents in any lineage or any story.
* **Quotes**: of the truth overlap pairs (a passage of a source quoted in another text), the
  share whose quoting document is a member of the source's story (``quoted``, or any
  relation) -- and, for precision, the share of ``quoted`` members with a truth pair to
  some whole member of their story.

Also reported: the largest story and the largest lineage, stories and lineages counted, and
the scan's wall time.

    python bench/stories.py [--docs 20000] [--seed 1] [--damage-share 0.33] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

WHOLE = {"duplicate", "near_duplicate", "excerpt"}
OWN = {"copy", "near_copy", "excerpt"}


def lineages(truth: list[dict[str, Any]]) -> dict[str, int]:
    """Return each document's planted lineage number (components over planted whole-text pairs)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in truth:
        if r["relation"] in WHOLE and not r.get("implied"):
            a, b = find(str(r["doc_a"])), find(str(r["doc_b"]))
            if a != b:
                parent[max(a, b)] = min(a, b)
    roots = sorted({find(x) for x in parent})
    number = {r: i for i, r in enumerate(roots)}
    return {x: number[find(x)] for x in parent}


def b_cubed(truth_of: dict[str, int], pred_of: dict[str, int]) -> tuple[float, float, int]:
    """Return (precision, recall, documents scored) of clusterings given as doc -> cluster."""
    docs = set(truth_of) | set(pred_of)
    t_members: dict[int | str, set[str]] = defaultdict(set)
    p_members: dict[int | str, set[str]] = defaultdict(set)
    for d in docs:
        # A document absent from one side is a cluster of one there, keyed by its own id.
        t_members[truth_of.get(d, d)].add(d)
        p_members[pred_of.get(d, d)].add(d)
    t_of = {d: c for c, ms in t_members.items() for d in ms}
    p_of = {d: c for c, ms in p_members.items() for d in ms}
    precision = recall = 0.0
    for d in docs:
        t, p = t_members[t_of[d]], p_members[p_of[d]]
        both = len(t & p)
        precision += both / len(p)
        recall += both / len(t)
    n = len(docs)
    return (precision / n if n else 1.0), (recall / n if n else 1.0), n


def evaluate(truth: list[dict[str, Any]], stories: list[Any]) -> dict[str, Any]:
    """Return the figures of the module docstring for a scan's stories."""
    truth_of = lineages(truth)
    pred_of: dict[str, int] = {}
    members_of: dict[int, dict[str, str]] = {}
    for i, s in enumerate(stories):
        members_of[i] = {m.doc_id: m.relation for m in s.members}
        for m in s.members:
            if m.relation in OWN:
                pred_of.setdefault(m.doc_id, i)
    precision, recall, scored = b_cubed(truth_of, pred_of)

    # Quotes: is the quoting document in the source's story?
    stories_of: dict[str, set[int]] = defaultdict(set)
    for i, ms in members_of.items():
        for d in ms:
            stories_of[d].add(i)
    quotes = [r for r in truth if r["relation"] == "overlap" and not r.get("implied")]
    quote_found = 0
    for r in quotes:
        a, b = str(r["doc_a"]), str(r["doc_b"])
        source = str(r["origin"]) if r.get("origin") else b
        quoting = a if source == b else b
        if any(quoting in members_of[i] for i in stories_of.get(source, ())):
            quote_found += 1
    related = {frozenset((str(r["doc_a"]), str(r["doc_b"]))) for r in truth}
    quoted_total = quoted_right = 0
    for ms in members_of.values():
        whole = [d for d, rel in ms.items() if rel in OWN]
        for d, rel in ms.items():
            if rel == "quoted":
                quoted_total += 1
                quoted_right += any(frozenset((d, w)) in related for w in whole)

    lineage_sizes: dict[int, int] = defaultdict(int)
    for c in truth_of.values():
        lineage_sizes[c] += 1
    story_sizes = [sum(1 for r in ms.values() if r in OWN) for ms in members_of.values()]
    return {
        "b_cubed_precision": precision,
        "b_cubed_recall": recall,
        "documents_scored": scored,
        "lineages": len(lineage_sizes),
        "largest_lineage": max(lineage_sizes.values(), default=0),
        "stories": len(stories),
        "largest_story_own_text": max(story_sizes, default=0),
        "largest_story_all_members": max((len(ms) for ms in members_of.values()), default=0),
        "quotes_planted": len(quotes),
        "quotes_in_source_story": quote_found / len(quotes) if quotes else None,
        "quoted_members": quoted_total,
        "quoted_members_planted": quoted_right / quoted_total if quoted_total else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--damage-share", type=float, default=0.33)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from throughput import corpus_dir

    import textreuse

    corpus = corpus_dir(args.docs, args.seed, args.damage_share)
    truth = [json.loads(line) for line in (corpus / "truth.jsonl").open(encoding="utf-8")]
    t0 = time.perf_counter()
    result = textreuse.scan([corpus / "corpus.jsonl"], workers=1)
    seconds = time.perf_counter() - t0
    out = evaluate(truth, list(result.stories))
    out.update(corpus=str(corpus), scan_seconds=round(seconds, 2), documents=len(result.documents))
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for k, v in out.items():
            print(f"{k}: {v:.4f}" if isinstance(v, float) else f"{k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

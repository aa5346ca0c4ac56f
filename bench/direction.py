"""Direction benchmark: who copied whom, on the synthetic corpus with dates withheld.

The synthetic corpus (bench/synth.py) gives every document a site and URL; copies carry
credit lines naming where the story first appeared in most cases (``CREDIT_SHARE``),
blog excerpts end with their repost frame, and articles quoting a passage usually name
its source first (``QUOTE_LEAD_SHARE``). Dates are dropped before the scan, so the
direction must come from the text. Scored over the direct truth pairs (original and
derived document): the share directed correctly (no origin counts as wrong), the share
directed at all, and the accuracy among directed pairs, by relation.

    python bench/direction.py [--docs 5000] [--seed 1] [--workers 1]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import throughput  # noqa: E402

import textreuse  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args(argv)
    folder = throughput.corpus_dir(args.docs, args.seed, 0.0)
    truth = [json.loads(line) for line in (folder / "truth.jsonl").open(encoding="utf-8")]
    direct = {(t["doc_a"], t["doc_b"]): t for t in truth if not t["implied"] and t["origin"]}
    with tempfile.TemporaryDirectory() as tmp:
        undated = Path(tmp) / "corpus.jsonl"
        with (folder / "corpus.jsonl").open(encoding="utf-8") as src, undated.open("w", encoding="utf-8") as dst:
            for line in src:
                row = json.loads(line)
                row.pop("date", None)
                dst.write(json.dumps(row, ensure_ascii=False) + "\n")
        t0 = time.perf_counter()
        result = textreuse.scan([undated], workers=args.workers)
        seconds = time.perf_counter() - t0
    found = {tuple(sorted((p.doc_a, p.doc_b))): p for p in result.pairs}
    n: Counter[str] = Counter()
    right: Counter[str] = Counter()
    directed: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for (a, b), t in direct.items():
        rel = t["relation"]
        for key in (rel, "all"):
            n[key] += 1
        p = found.get(tuple(sorted((a, b))))
        if p is None or p.origin is None:
            continue
        for key in (rel, "all"):
            directed[key] += 1
            right[key] += p.origin == t["origin"]
        for e in result.evidence.get((p.doc_a, p.doc_b), ()):
            kinds[e.kind] += 1
    print(f"## Direction, synthetic corpus {args.docs} docs seed {args.seed}, dates withheld "
          f"(scan {seconds:.1f} s, {args.workers} worker(s))\n")
    print("| relation | direct pairs | directed correctly | directed | accuracy when directed |")
    print("|---|---:|---:|---:|---:|")
    for rel in ("duplicate", "near_duplicate", "excerpt", "overlap", "all"):
        if n[rel]:
            acc = right[rel] / directed[rel] if directed[rel] else 0.0
            print(f"| {rel} | {n[rel]} | {right[rel] / n[rel]:.3f} | {directed[rel] / n[rel]:.3f} | {acc:.3f} |")
    print("\nEvidence seen on those pairs: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

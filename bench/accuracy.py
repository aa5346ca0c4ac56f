"""Score textreuse pair output against synthetic ground truth.

Usage::

    python bench/accuracy.py --truth DIR/truth.jsonl --pred PRED.jsonl [--json]

``PRED.jsonl`` holds textreuse pairs, one JSON object a line:
``{"doc_a", "doc_b", "relation", "origin", "coverage_a", "coverage_b",
"passages": [{"a": [s, e], "b": [s, e], "similarity": x}, ...]}``.  Only ``doc_a`` and
``doc_b`` are required (a candidate list without relations or passages scores pair recall and
precision only).  Pairs are matched unordered; spans of a predicted pair written in the other
order than the truth pair are flipped.

Reported: pair recall by relation (direct truth pairs, and all incl. implied ones), relation
label accuracy and confusion on matched pairs, origin accuracy on matched direct pairs, pair
precision (a predicted pair is right if it is in the truth incl. implied pairs) and PAN
character-level precision / recall / granularity / plagdet over all truth pairs' spans.
PAN measures come from :func:`textreuse.evaluate.pan_scores` when the package is importable,
else from the local fallback :func:`pan_fallback` (same definitions).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

RELATIONS = ("duplicate", "near_duplicate", "excerpt", "overlap")

Span = tuple[int, int]
Annot = tuple[str, str, Span, Span]          # (susp doc, src doc, susp span, src span)


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Return the JSON objects of a JSON-lines file (blank lines skipped)."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def pair_key(a: str, b: str) -> tuple[str, str]:
    """Return the unordered key of a document pair."""
    return (a, b) if a <= b else (b, a)


# --------------------------------------------------------------------------------------------
# PAN measures
# --------------------------------------------------------------------------------------------

def _union(spans: Iterable[Span]) -> int:
    """Return the number of characters covered by the union of half-open spans."""
    total, reach = 0, -1
    for s, e in sorted(x for x in spans if x[1] > x[0]):
        if e <= reach:
            continue
        total += e - max(s, reach)
        reach = e
    return total


def _detects(s: Annot, r: Annot) -> bool:
    """Return True if ``r`` shares a character with ``s`` in both documents."""
    return (r[2][0] < s[2][1] and r[2][1] > s[2][0] and r[3][0] < s[3][1] and r[3][1] > s[3][0])


def _covered(x: Annot, others: list[Annot]) -> int:
    """Return |⋃_o (x ∩ o)| over both documents."""
    ua = _union((max(x[2][0], o[2][0]), min(x[2][1], o[2][1])) for o in others)
    ub = _union((max(x[3][0], o[3][0]), min(x[3][1], o[3][1])) for o in others)
    return ua + ub


def pan_fallback(cases: list[Annot], detections: list[Annot]) -> dict[str, float | int]:
    """Return PAN macro precision, recall, granularity and plagdet (Potthast et al. 2010).

    Annotations are (susp, src, susp span, src span); an annotation's size counts characters
    in both documents; identical duplicates count once; with cases but no detections (or the
    reverse) precision and recall are 0.
    """
    cases = list(dict.fromkeys(cases))
    detections = list(dict.fromkeys(detections))
    if not cases and not detections:
        return {"precision": 1.0, "recall": 1.0, "granularity": 1.0, "plagdet": 1.0,
                "n_cases": 0, "n_detections": 0, "n_detected_cases": 0}
    by_s: dict[tuple[str, str], list[Annot]] = defaultdict(list)
    by_r: dict[tuple[str, str], list[Annot]] = defaultdict(list)
    for c in cases:
        by_s[(c[0], c[1])].append(c)
    for d in detections:
        by_r[(d[0], d[1])].append(d)
    rec = prec = 0.0
    links = detected = 0
    for key, cs in by_s.items():
        ds = by_r.get(key, [])
        for s in cs:
            hit = [r for r in ds if _detects(s, r)]
            if hit:
                rec += _covered(s, hit) / _size(s)
                links += len(hit)
                detected += 1
        for r in ds:
            hit = [s for s in cs if _detects(s, r)]
            if hit:
                prec += _covered(r, hit) / _size(r)
    n_s, n_r = len(cases), len(detections)
    recall = rec / n_s if n_s and n_r else 0.0
    precision = prec / n_r if n_s and n_r else 0.0
    gran = links / detected if detected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {"precision": precision, "recall": recall, "granularity": gran,
            "plagdet": f1 / math.log2(1 + gran) if f1 else 0.0,
            "n_cases": n_s, "n_detections": n_r, "n_detected_cases": detected}


def _size(x: Annot) -> int:
    """Return the characters an annotation covers in both documents."""
    return (x[2][1] - x[2][0]) + (x[3][1] - x[3][0])


def pan(cases: list[Annot], detections: list[Annot]) -> dict[str, Any]:
    """Return PAN scores, via ``textreuse.evaluate.pan_scores`` if available, else the fallback."""
    try:
        from textreuse.evaluate import Case, pan_scores
    except ImportError:
        out: dict[str, Any] = dict(pan_fallback(cases, detections))
        out["implementation"] = "bench/accuracy.py fallback"
        return out
    res = pan_scores([Case(*c) for c in cases], [Case(*d) for d in detections])
    return {"precision": res.precision, "recall": res.recall, "granularity": res.granularity,
            "plagdet": res.plagdet, "n_cases": res.n_cases, "n_detections": res.n_detections,
            "n_detected_cases": res.n_detected_cases, "implementation": "textreuse.evaluate"}


# --------------------------------------------------------------------------------------------
# pair scoring
# --------------------------------------------------------------------------------------------

def _recall_table(rows: list[dict[str, Any]], found: set[tuple[str, str]]) -> dict[str, float | None]:
    """Return recall per relation and overall ('all') of truth rows among found pair keys."""
    tot: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    for r in rows:
        tot[r["relation"]] += 1
        if pair_key(r["doc_a"], r["doc_b"]) in found:
            hit[r["relation"]] += 1
    out: dict[str, float | None] = {rel: (hit[rel] / tot[rel] if tot[rel] else None)
                                    for rel in RELATIONS}
    n = sum(tot.values())
    out["all"] = sum(hit.values()) / n if n else None
    return out


def score(truth_rows: list[dict[str, Any]], pred_rows: list[dict[str, Any]],
          short_rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Return pair recall/precision, label and origin accuracy and PAN scores as a dict.

    ``truth_rows`` are synth truth rows (with ``spans`` and ``implied``), ``pred_rows`` textreuse
    pair rows (``passages``, ``relation`` and ``origin`` optional).  Keys: ``counts``,
    ``recall_direct`` and ``recall_all`` (per relation + ``all``), ``pair_precision``,
    ``label_accuracy``, ``label_accuracy_by_relation``, ``confusion`` (truth -> predicted ->
    count), ``origin_accuracy``, ``pan``.  With ``short_rows`` (synth ``short.jsonl``: pairs that
    really share passages, but under 40 words) also ``short_predicted`` and
    ``pair_precision_excusing_short`` (such predictions not counted as wrong).
    """
    truth: dict[tuple[str, str], dict[str, Any]] = {}
    for r in truth_rows:
        truth.setdefault(pair_key(r["doc_a"], r["doc_b"]), r)
    pred: dict[tuple[str, str], dict[str, Any]] = {}
    pred_passages: dict[tuple[str, str], list[Annot]] = defaultdict(list)
    for p in pred_rows:
        a, b = str(p["doc_a"]), str(p["doc_b"])
        if a == b:
            continue
        k = pair_key(a, b)
        pred.setdefault(k, p)
        t = truth.get(k)
        flip = t is not None and t["doc_a"] != a
        if t is None and (a, b) != k:           # unmatched: canonical orientation
            flip = True
        for ps in p.get("passages") or []:
            sa, sb = tuple(ps["a"]), tuple(ps["b"])
            if flip:
                sa, sb = sb, sa
            if sa[1] - sa[0] + sb[1] - sb[0] <= 0:
                continue
            d1, d2 = (b, a) if flip else (a, b)
            pred_passages[k].append((d1, d2, (int(sa[0]), int(sa[1])), (int(sb[0]), int(sb[1]))))
    found = set(pred)
    direct = [r for r in truth.values() if not r.get("implied")]
    all_rows = list(truth.values())

    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    right = labelled = 0
    by_rel_right: Counter[str] = Counter()
    by_rel_n: Counter[str] = Counter()
    o_right = o_n = 0
    for k, t in truth.items():
        got = pred.get(k)
        if got is None:
            continue
        p = got
        if p.get("relation") is not None:
            labelled += 1
            confusion[t["relation"]][p["relation"]] += 1
            by_rel_n[t["relation"]] += 1
            if p["relation"] == t["relation"]:
                right += 1
                by_rel_right[t["relation"]] += 1
        if not t.get("implied") and t.get("origin") is not None and "origin" in p:
            o_n += 1
            o_right += p["origin"] == t["origin"]

    cases: list[Annot] = []
    for t in all_rows:
        for sp in t.get("spans") or []:
            sa, sb = tuple(sp["a"]), tuple(sp["b"])
            if sa[1] - sa[0] + sb[1] - sb[0] > 0:
                cases.append((t["doc_a"], t["doc_b"], (int(sa[0]), int(sa[1])), (int(sb[0]), int(sb[1]))))
    dets = [d for ds in pred_passages.values() for d in ds]

    extra: dict[str, Any] = {}
    if any("damaged" in t for t in all_rows):
        # Pairs with a damaged document against the others: alignment must see through damage.
        extra["by_damage"] = {}
        for flag in (False, True):
            rows = [t for t in all_rows if bool(t.get("damaged")) == flag]
            keys = {pair_key(t["doc_a"], t["doc_b"]) for t in rows}
            sub_cases = [c for c in cases if pair_key(c[0], c[1]) in keys]
            sub_dets = [d for k in keys for d in pred_passages.get(k, [])]
            extra["by_damage"]["damaged" if flag else "undamaged"] = {
                "pairs": len(rows),
                "recall": _recall_table(rows, found)["all"],
                "pan": pan(sub_cases, sub_dets) if rows else None,
            }
    if short_rows is not None:
        short = {pair_key(r["doc_a"], r["doc_b"]) for r in short_rows} - set(truth)
        hit_short = len(found & short)
        extra.update({"short_pairs": len(short), "short_predicted": hit_short,
                      "pair_precision_excusing_short":
                          (len(found & set(truth)) + hit_short) / len(pred) if pred else None})
    return extra | {
        "counts": {"truth_direct": len(direct), "truth_all": len(all_rows), "pred": len(pred),
                   "matched": len(found & set(truth)),
                   "truth_by_relation": dict(Counter(r["relation"] for r in all_rows)),
                   "pred_by_relation": dict(Counter(str(p.get("relation")) for p in pred.values()))},
        "recall_direct": _recall_table(direct, found),
        "recall_all": _recall_table(all_rows, found),
        "pair_precision": (len(found & set(truth)) / len(pred)) if pred else None,
        "label_accuracy": right / labelled if labelled else None,
        "label_accuracy_by_relation": {rel: (by_rel_right[rel] / by_rel_n[rel] if by_rel_n[rel] else None)
                                       for rel in RELATIONS},
        "confusion": {k: dict(v) for k, v in confusion.items()},
        "origin_accuracy": o_right / o_n if o_n else None,
        "pan": pan(cases, dets),
    }


# --------------------------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------------------------

def _f(x: float | None, digits: int = 3) -> str:
    """Return a number formatted for a markdown table ('–' for None)."""
    return "–" if x is None else f"{x:.{digits}f}"


def to_markdown(s: dict[str, Any], title: str = "textreuse accuracy") -> str:
    """Return the scores of :func:`score` as markdown tables."""
    c = s["counts"]
    lines = [f"## {title}", "",
             (f"truth pairs: {c['truth_direct']} direct, {c['truth_all']} incl. implied; "
              f"predicted pairs: {c['pred']}; matched: {c['matched']}"), "",
             "| relation | truth (all) | recall direct | recall incl. implied | label accuracy |",
             "|---|---:|---:|---:|---:|"]
    tb = c["truth_by_relation"]
    for rel in RELATIONS:
        lines.append(f"| {rel} | {tb.get(rel, 0)} | {_f(s['recall_direct'][rel])} | "
                     f"{_f(s['recall_all'][rel])} | {_f(s['label_accuracy_by_relation'][rel])} |")
    lines.append(f"| **all** | {c['truth_all']} | {_f(s['recall_direct']['all'])} | "
                 f"{_f(s['recall_all']['all'])} | {_f(s['label_accuracy'])} |")
    p = s["pan"]
    lines += ["", ("| pair precision | origin accuracy (direct) | PAN precision | PAN recall | "
                   "granularity | plagdet |"), "|---:|---:|---:|---:|---:|---:|",
              (f"| {_f(s['pair_precision'])} | {_f(s['origin_accuracy'])} | {_f(p['precision'])} | "
               f"{_f(p['recall'])} | {_f(p['granularity'])} | {_f(p['plagdet'])} |"), "",
              (f"PAN measures: {p.get('implementation', '?')} "
               f"({p['n_cases']} cases, {p['n_detections']} detections).")]
    if "by_damage" in s:
        lines += ["", "By damage (truth pairs with a mojibake-damaged document, and the others; "
                  "detections scored on those pairs only)", "",
                  "| pairs | n | recall | PAN precision | PAN recall | granularity | plagdet |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for name, v in s["by_damage"].items():
            q = v["pan"] or {}
            lines.append(f"| {name} | {v['pairs']} | {_f(v['recall'])} | {_f(q.get('precision'))} | "
                         f"{_f(q.get('recall'))} | {_f(q.get('granularity'))} | {_f(q.get('plagdet'))} |")
    if "short_predicted" in s:
        lines += ["", (f"{s['short_predicted']} of the predicted pairs are family pairs that share "
                       f"only passages under 40 words (short.jsonl, {s['short_pairs']} such pairs); "
                       f"pair precision not counting them as wrong: "
                       f"{_f(s['pair_precision_excusing_short'])}.")]
    if s["confusion"]:
        preds = sorted({q for v in s["confusion"].values() for q in v})
        lines += ["", "Confusion (rows: truth, columns: predicted)", "",
                  "| truth \\ pred | " + " | ".join(preds) + " |",
                  "|---|" + "---:|" * len(preds)]
        for rel in RELATIONS:
            row = s["confusion"].get(rel)
            if row:
                lines.append(f"| {rel} | " + " | ".join(str(row.get(q, 0)) for q in preds) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Return the exit code after scoring a prediction file (CLI entry point)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--truth", type=Path, required=True)
    ap.add_argument("--pred", type=Path, required=True)
    ap.add_argument("--short", type=Path, default=None,
                    help="short.jsonl of the corpus (default: next to --truth, if present)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    args = ap.parse_args(argv)
    short_path = args.short or args.truth.with_name("short.jsonl")
    short = load_jsonl(short_path) if short_path.is_file() else None
    s = score(load_jsonl(args.truth), load_jsonl(args.pred), short)
    if args.json:
        print(json.dumps(s, indent=2))
    else:
        sys.stdout.write(to_markdown(s))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""PAN 2013 text-alignment benchmark: run ``textreuse align`` on a PAN corpus and score it.

Usage::

    python bench/pan.py CORPUS_DIR [--out DIR] [--workers N] [--limit N]
                                   [--sample N --seed S] [--half odd|even]
                                   [--keep-unannotated] [--engine CMD]

CORPUS_DIR is a PAN 2013 text-alignment corpus folder: ``pairs``, ``susp/``,
``src/`` and the truth folders ``01-no-plagiarism`` .. ``05-summary-obfuscation``
(each with its own ``pairs`` file and one XML per pair).

Steps: pick the pairs, write them as a TSV of paths relative to CORPUS_DIR,
run ``textreuse align --pairs PAIRS.tsv --base CORPUS_DIR --format jsonl
--workers N`` as a timed subprocess, turn every reported passage into a
detection, and print PAN precision / recall / granularity / plagdet per
obfuscation folder and overall (pooled over all cases and detections, as PAN
did), with wall time and pairs per second.

Choices:

* Pairs of ``01-no-plagiarism`` have no cases: their detections only count
  against precision (PAN convention: that folder alone scores 1 with no
  detection and 0 with any).
* In this copy of the corpus 947 of the 1,185 ``05-summary-obfuscation`` XMLs
  carry no ``plagiarism`` feature (see the corpus ORIGIN.md): the truth is
  missing, not "no plagiarism". Pairs in folders 02-05 without any case are
  therefore left out by default (their count is reported);
  ``--keep-unannotated`` keeps them, which scores their detections as false
  positives.
* ``--sample N --seed S`` draws a fixed random sample stratified over the
  folders (proportional allocation, largest remainder) from the pairs kept.
* ``--half odd`` keeps the pairs at odd positions (1, 3, 5, ...) of each folder's
  pair list, ``--half even`` those at even positions (0, 2, ...): tune on one half,
  report the other as held out.
* ``--out DIR`` keeps ``pairs.tsv``, ``detections.jsonl`` and writes
  ``pan-results.json``; each file is written under a temporary name and renamed.
* Hidden ``--truth-as-detections`` skips the engine and feeds the truth back
  as engine-format JSONL through the same parsing and scoring path (expect
  plagdet 1.0 everywhere).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from textreuse.evaluate import Case, PanScores, pan_scores, read_pan_truth

KINDS: tuple[str, ...] = (
    "01-no-plagiarism",
    "02-no-obfuscation",
    "03-random-obfuscation",
    "04-translation-obfuscation",
    "05-summary-obfuscation",
)
NO_PLAGIARISM = KINDS[0]
UNKNOWN_KIND = "unassigned"

Pair = tuple[str, str]  # (suspicious file name, source file name)


@dataclass
class Corpus:
    """A loaded PAN corpus: pairs in file order, each pair's folder, and its cases."""

    root: Path
    pairs: list[Pair]
    kind: dict[Pair, str]
    cases: dict[Pair, list[Case]]
    excluded_unannotated: list[Pair] = field(default_factory=list)


def _read_pairs_file(path: Path) -> list[Pair]:
    """Return the (susp, src) name pairs listed in a PAN ``pairs`` file."""
    out: list[Pair] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:
            out.append((parts[0], parts[1]))
        elif parts:
            raise ValueError(f"{path}: bad line {line!r}")
    return out


def _stem(name: str) -> str:
    """Return a file name without its ``.txt`` suffix."""
    return name.removesuffix(".txt")


def load_corpus(root: Path, keep_unannotated: bool = False) -> Corpus:
    """Return the corpus at ``root`` with pair folders and truth cases loaded.

    Pairs in folders 02-05 without any case are moved to
    ``excluded_unannotated`` unless ``keep_unannotated`` is set.
    """
    all_pairs = _read_pairs_file(root / "pairs")
    kind: dict[Pair, str] = {}
    cases: dict[Pair, list[Case]] = {}
    for k in KINDS:
        folder = root / k
        if not (folder / "pairs").is_file():
            continue
        for pair in _read_pairs_file(folder / "pairs"):
            kind[pair] = k
            xml = folder / f"{_stem(pair[0])}-{_stem(pair[1])}.xml"
            found = read_pan_truth(xml) if xml.is_file() else []
            cases[pair] = [c for c in found if c.pair == pair]
    seen = set(all_pairs)
    all_pairs += [p for p in kind if p not in seen]  # listed in a folder only
    kept: list[Pair] = []
    excluded: list[Pair] = []
    for pair in all_pairs:
        k = kind.get(pair, UNKNOWN_KIND)
        kind[pair] = k
        cases.setdefault(pair, [])
        if not keep_unannotated and k not in (NO_PLAGIARISM, UNKNOWN_KIND) and not cases[pair]:
            excluded.append(pair)
        else:
            kept.append(pair)
    return Corpus(root, kept, kind, cases, excluded)


def stratified_sample(
    pairs: Sequence[Pair], kind: dict[Pair, str], n: int, seed: int
) -> list[Pair]:
    """Return ``n`` pairs drawn at random, stratified over folders, in their original order.

    Each folder gets a share proportional to its size (largest remainder);
    the draw depends only on ``seed`` and the pair lists.
    """
    if n >= len(pairs):
        return list(pairs)
    groups: dict[str, list[Pair]] = {}
    for p in pairs:
        groups.setdefault(kind[p], []).append(p)
    names = sorted(groups)
    total = len(pairs)
    quotas = {k: n * len(groups[k]) / total for k in names}
    alloc = {k: int(quotas[k]) for k in names}
    rest = n - sum(alloc.values())
    for k in sorted(names, key=lambda k: (-(quotas[k] - alloc[k]), k))[:rest]:
        alloc[k] += 1
    rng = random.Random(seed)
    chosen: set[Pair] = set()
    for k in names:
        chosen.update(rng.sample(sorted(groups[k]), alloc[k]))
    return [p for p in pairs if p in chosen]


def split_half(pairs: Sequence[Pair], kind: dict[Pair, str], half: str) -> list[Pair]:
    """Return the pairs at odd or even positions of their folder, in their original order.

    >>> ps = [("s1", "r"), ("s2", "r"), ("s3", "r"), ("t1", "r")]
    >>> k = {ps[0]: "A", ps[1]: "A", ps[2]: "A", ps[3]: "B"}
    >>> split_half(ps, k, "odd"), split_half(ps, k, "even")
    ([('s2', 'r')], [('s1', 'r'), ('s3', 'r'), ('t1', 'r')])
    """
    seen: Counter[str] = Counter()
    out: list[Pair] = []
    for p in pairs:
        position = seen[kind[p]]
        seen[kind[p]] += 1
        if position % 2 == (1 if half == "odd" else 0):
            out.append(p)
    return out


def write_pairs_tsv(pairs: Iterable[Pair], path: Path) -> None:
    """Write the engine's pairs file (``susp/X.txt<TAB>src/Y.txt``), via a temporary name."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as f:
        for susp, src in pairs:
            f.write(f"susp/{susp}\tsrc/{src}\n")
    os.replace(tmp, path)


def engine_command(engine: str | None) -> list[str]:
    """Return the command that starts the textreuse CLI: this interpreter's, unless given.

    Not the first ``textreuse`` on PATH: that may belong to another environment (a pyenv
    shim's interpreter without numba measured the numpy path).
    """
    if engine:
        return shlex.split(engine)
    return [sys.executable, "-m", "textreuse"]


def run_engine(cmd: list[str], pairs_tsv: Path, base: Path, workers: int, out_jsonl: Path) -> float:
    """Run ``textreuse align`` writing its JSONL to ``out_jsonl``; return the wall time in seconds."""
    full = cmd + [
        "align", "--pairs", str(pairs_tsv), "--base", str(base),
        "--format", "jsonl", "--workers", str(workers),
    ]  # fmt: skip
    print("running:", shlex.join(full), file=sys.stderr, flush=True)
    tmp = out_jsonl.with_name(out_jsonl.name + ".tmp")
    t0 = time.perf_counter()
    with tmp.open("wb") as f:
        proc = subprocess.run(full, stdout=f, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"engine failed with exit code {proc.returncode}: {shlex.join(full)}")
    os.replace(tmp, out_jsonl)
    return wall


def write_truth_jsonl(corpus: Corpus, pairs: Iterable[Pair], path: Path) -> None:
    """Write the truth of ``pairs`` as engine-format JSONL (one object per pair)."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for pair in pairs:
            passages = [
                {"a": list(c.susp_span), "b": list(c.src_span), "similarity": 1.0}
                for c in corpus.cases[pair]
            ]
            rec = {
                "doc_a": f"susp/{pair[0]}", "doc_b": f"src/{pair[1]}",
                "relation": "truth", "origin": None,
                "coverage_a": None, "coverage_b": None, "passages": passages,
            }  # fmt: skip
            f.write(json.dumps(rec) + "\n")
    os.replace(tmp, path)


@dataclass
class Parsed:
    """Detections read from engine JSONL, per pair, plus what was dropped."""

    detections: dict[Pair, list[Case]]
    records: int = 0
    empty_passages: int = 0
    foreign_passages: int = 0
    swapped_records: int = 0


def parse_detections(path: Path, wanted: set[Pair]) -> Parsed:
    """Return the detections in an engine JSONL file, keyed by (susp, src) pair.

    ``a`` offsets belong to ``doc_a`` (the suspicious document) and ``b`` to
    ``doc_b``; a record whose documents come the other way round is swapped.
    Passages empty in both documents, and passages of pairs that were not
    asked for, are dropped and counted.
    """
    out = Parsed({p: [] for p in wanted})
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec: dict[str, Any] = json.loads(line)
            out.records += 1
            a, b = Path(rec["doc_a"]).name, Path(rec["doc_b"]).name
            passages = rec.get("passages") or []
            swap = False
            if (a, b) not in wanted and (b, a) in wanted:
                a, b, swap = b, a, True
                out.swapped_records += 1
            if (a, b) not in wanted:
                out.foreign_passages += len(passages)
                continue
            dets = out.detections[(a, b)]
            for p in passages:
                sa, sb = (p["b"], p["a"]) if swap else (p["a"], p["b"])
                span_a = (int(sa[0]), int(sa[1]))
                span_b = (int(sb[0]), int(sb[1]))
                if span_a[1] <= span_a[0] and span_b[1] <= span_b[0]:
                    out.empty_passages += 1
                    continue
                dets.append(Case(a, b, span_a, span_b))
    return out


def score(
    corpus: Corpus, pairs: Sequence[Pair], dets: dict[Pair, list[Case]]
) -> dict[str, dict[str, Any]]:
    """Return PAN scores per folder and ``overall`` for the given pairs and detections."""
    groups: dict[str, list[Pair]] = {}
    for p in pairs:
        groups.setdefault(corpus.kind[p], []).append(p)
    rows: dict[str, dict[str, Any]] = {}

    def row(ps: Sequence[Pair]) -> dict[str, Any]:
        s: PanScores = pan_scores(
            [c for p in ps for c in corpus.cases[p]], [d for p in ps for d in dets.get(p, [])]
        )
        return {"pairs": len(ps), **asdict(s)}

    for k in [*KINDS, UNKNOWN_KIND]:
        if k in groups:
            rows[k] = row(groups[k])
    rows["overall"] = row(pairs)
    return rows


def markdown_table(rows: dict[str, dict[str, Any]]) -> str:
    """Return the scores as a markdown table."""
    head = "| kind | pairs | cases | detections | precision | recall | granularity | plagdet |"
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for k, r in rows.items():
        lines.append(
            f"| {k} | {r['pairs']} | {r['n_cases']} | {r['n_detections']} | {r['precision']:.4f} "
            f"| {r['recall']:.4f} | {r['granularity']:.4f} | {r['plagdet']:.4f} |"
        )
    return "\n".join(lines)


def _write_json(obj: Any, path: Path) -> None:
    """Write ``obj`` as JSON to ``path`` via a temporary name in the same folder."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("corpus", type=Path, help="PAN 2013 text-alignment corpus folder")
    ap.add_argument(
        "--out", type=Path, help="keep pairs.tsv, detections.jsonl, pan-results.json here"
    )
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="engine workers")
    ap.add_argument("--limit", type=int, help="only the first N pairs (after --sample)")
    ap.add_argument("--sample", type=int, help="random sample of N pairs, stratified over folders")
    ap.add_argument("--seed", type=int, default=0, help="seed for --sample (default 0)")
    ap.add_argument(
        "--half",
        choices=("odd", "even"),
        help="only the pairs at odd (tuning) or even (held-out) positions of each folder",
    )
    ap.add_argument(
        "--keep-unannotated",
        action="store_true",
        help="keep pairs of folders 02-05 that have no case in their XML",
    )
    ap.add_argument("--engine", help="command that starts the textreuse CLI (default: this Python's python -m textreuse)")
    ap.add_argument("--truth-as-detections", action="store_true", help=argparse.SUPPRESS)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the process exit code."""
    args = build_parser().parse_args(argv)
    root: Path = args.corpus.resolve()
    corpus = load_corpus(root, keep_unannotated=args.keep_unannotated)
    pairs = corpus.pairs
    if args.half is not None:
        pairs = split_half(pairs, corpus.kind, args.half)
    if args.sample is not None:
        pairs = stratified_sample(pairs, corpus.kind, args.sample, args.seed)
    if args.limit is not None:
        pairs = pairs[: args.limit]
    wanted = set(pairs)
    if corpus.excluded_unannotated:
        print(
            f"left out {len(corpus.excluded_unannotated)} pairs of folders 02-05 without any "
            "annotated case (--keep-unannotated keeps them)",
            file=sys.stderr,
        )

    with tempfile.TemporaryDirectory(prefix="pan-bench-") as tmpdir:
        work = args.out.resolve() if args.out else Path(tmpdir)
        work.mkdir(parents=True, exist_ok=True)
        pairs_tsv = work / "pairs.tsv"
        det_jsonl = work / "detections.jsonl"
        write_pairs_tsv(pairs, pairs_tsv)
        cmd: list[str] | None = None
        wall: float | None
        if args.truth_as_detections:
            write_truth_jsonl(corpus, pairs, det_jsonl)
            wall = None
        else:
            cmd = engine_command(args.engine)
            wall = run_engine(cmd, pairs_tsv, root, args.workers, det_jsonl)
        t0 = time.perf_counter()
        parsed = parse_detections(det_jsonl, wanted)
        rows = score(corpus, pairs, parsed.detections)
        score_seconds = time.perf_counter() - t0

        print(markdown_table(rows))
        print()
        if wall is None:
            print("engine: skipped (--truth-as-detections)")
        else:
            rate = len(pairs) / wall if wall > 0 else float("inf")
            print(f"engine wall time: {wall:.2f} s for {len(pairs)} pairs ({rate:.2f} pairs/s, "
                  f"{args.workers} workers)")  # fmt: skip
        print(f"scoring time: {score_seconds:.2f} s")
        notes = Counter(
            records=parsed.records,
            empty_passages=parsed.empty_passages,
            foreign_passages=parsed.foreign_passages,
            swapped_records=parsed.swapped_records,
        )
        if parsed.empty_passages or parsed.foreign_passages or parsed.swapped_records:
            print("note:", dict(notes), file=sys.stderr)

        if args.out:
            _write_json(
                {
                    "corpus": str(root),
                    "pairs": len(pairs),
                    "selection": {
                        "sample": args.sample,
                        "seed": args.seed if args.sample is not None else None,
                        "limit": args.limit,
                        "half": args.half,
                        "keep_unannotated": args.keep_unannotated,
                        "excluded_unannotated": len(corpus.excluded_unannotated),
                    },
                    "engine": None if cmd is None else shlex.join(cmd),
                    "truth_as_detections": bool(args.truth_as_detections),
                    "workers": args.workers,
                    "wall_seconds": wall,
                    "pairs_per_second": (len(pairs) / wall) if wall else None,
                    "score_seconds": score_seconds,
                    "jsonl": dict(notes),
                    "scores": rows,
                },
                work / "pan-results.json",
            )
            print(f"results: {work / 'pan-results.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

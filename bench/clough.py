"""Document-level reuse classes on the Clough & Stevenson corpus of plagiarised short answers.

    python bench/clough.py [CORPUS_DIR]     (default ../shared/data/clough-stevenson)

Each of the 95 answers is aligned with the Wikipedia text it answers from (``orig_task?``)
by ``textreuse.relate_documents``. Two figures per answer come out of textreuse:
the coverage of the answer by aligned passages and the mean similarity inside them.
The four classes (cut, light, heavy, non) are predicted from those two figures
(coverage separates non from the rest, similarity the three kinds of reuse) by
thresholds learnt with leave-one-out cross-validation: for each answer, the thresholds
are chosen on the other 94 only, so no answer is classified by thresholds fitted to it.
Prints accuracy, macro-F1 and the confusion matrix.
"""

from __future__ import annotations

import argparse
import csv
import itertools
from pathlib import Path

import numpy as np

import textreuse
from textreuse.ingest.read import read_text_file

CLASSES = ("cut", "light", "heavy", "non")
DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "clough-stevenson"


def features(corpus: Path) -> list[tuple[str, str, float, float]]:
    """Return ``(file, label, coverage, similarity)`` for every answer."""
    folder = corpus / "corpus-20090418"
    sources = {}
    rows = []
    with (corpus / "file_list.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            task = row["Task"]
            if task not in sources:
                sources[task] = read_text_file(folder / f"orig_task{task}.txt", f"orig_task{task}")
            answer = read_text_file(folder / row["File"], row["File"])
            if not isinstance(answer, textreuse.Document) or not isinstance(sources[task], textreuse.Document):
                raise SystemExit(f"cannot read {row['File']} or its source")
            pair = textreuse.relate_documents(answer, sources[task], keep_order=True)
            coverage = pair.coverage_a if pair else 0.0
            weights = [p.a[1] - p.a[0] for p in pair.passages] if pair else []
            similarity = (
                sum(w * p.similarity for w, p in zip(weights, pair.passages)) / sum(weights) if pair and weights else 0.0
            )
            rows.append((row["File"], row["Category"], coverage, similarity))
    return rows


def classify(coverage: float, similarity: float, cuts: tuple[float, float, float]) -> str:
    """Return the class of one answer under thresholds ``(non, heavy, cut)``.

    Coverage below `non`: non. Otherwise the similarity inside the passages decides:
    below `heavy` a heavy revision, from `cut` on a copy, between them a light revision.
    """
    non, heavy, cut = cuts
    if coverage < non:
        return "non"
    if similarity < heavy:
        return "heavy"
    return "cut" if similarity >= cut else "light"


def _grid() -> list[tuple[float, float, float]]:
    coverage = [k / 20 for k in range(21)]
    similarity = [k / 40 for k in range(41)]
    return [
        (non, heavy, cut)
        for non in coverage
        for heavy, cut in itertools.combinations_with_replacement(similarity, 2)
    ]


def correct_matrix(rows: list[tuple[str, str, float, float]], grid: list[tuple[float, float, float]]) -> np.ndarray:
    """Return, for each threshold set of `grid` and each answer, whether it is classified right."""
    coverage = np.array([r[2] for r in rows])
    similarity = np.array([r[3] for r in rows])
    label = np.array([CLASSES.index(r[1]) for r in rows])
    out = np.zeros((len(grid), len(rows)), dtype=bool)
    for g, (non, heavy, cut) in enumerate(grid):
        pred = np.where(coverage < non, 3, np.where(similarity < heavy, 2, np.where(similarity >= cut, 0, 1)))
        out[g] = pred == label
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    rows = features(args.corpus)
    grid = _grid()
    right = correct_matrix(rows, grid)
    total = right.sum(axis=1)
    predicted = []
    for k, (_, _, coverage, similarity) in enumerate(rows):
        # The best thresholds on the other answers: drop answer k's own vote.
        cuts = grid[int(np.argmax(total - right[:, k]))]
        predicted.append(classify(coverage, similarity, cuts))
    truth = [label for _, label, _, _ in rows]
    accuracy = sum(p == t for p, t in zip(predicted, truth)) / len(rows)
    f1s = []
    for c in CLASSES:
        tp = sum(p == c and t == c for p, t in zip(predicted, truth))
        fp = sum(p == c and t != c for p, t in zip(predicted, truth))
        fn = sum(p != c and t == c for p, t in zip(predicted, truth))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    print(f"answers: {len(rows)}; leave-one-out accuracy {accuracy:.3f}, macro-F1 {sum(f1s) / len(f1s):.3f}")
    print("per class F1: " + ", ".join(f"{c} {f:.3f}" for c, f in zip(CLASSES, f1s)))
    binary = sum((p == "non") == (t == "non") for p, t in zip(predicted, truth)) / len(rows)
    print(f"reused vs not reused (non against the rest): accuracy {binary:.3f}")
    print("\n| truth \\ predicted | " + " | ".join(CLASSES) + " |")
    print("|---|" + "---:|" * len(CLASSES))
    for t in CLASSES:
        counts = [sum(p == c and tt == t for p, tt in zip(predicted, truth)) for c in CLASSES]
        print(f"| {t} | " + " | ".join(map(str, counts)) + " |")
    print(f"\nthresholds fitted on all answers (non coverage, heavy similarity, cut similarity): {grid[int(np.argmax(total))]}")


if __name__ == "__main__":
    main()

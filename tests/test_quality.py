"""Quality floor: alignment accuracy on a fixed sample of PAN 2013 training pairs.

The pins are figures measured on this sample; raise them as the engine improves,
never lower them to let a change pass.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from textreuse.engines.local import relate_documents
from textreuse.evaluate import Case, pan_scores, read_pan_truth
from textreuse.model import Document

PAN = Path(__file__).resolve().parents[2] / "shared" / "data" / "pan13-train"
KINDS = {
    # kind: (pairs in the sample, pinned minimum plagdet, precision, recall)
    "02-no-obfuscation": (80, 0.94, 0.92, 0.95),
    "03-random-obfuscation": (80, 0.93, 0.97, 0.89),
    "04-translation-obfuscation": (80, 0.85, 0.91, 0.82),
    # Most summary XMLs carry no case (the truth is missing, see the corpus ORIGIN.md),
    # so this sample is drawn from the annotated ones only.
    "05-summary-obfuscation": (60, 0.59, 0.89, 0.50),
}

pytestmark = pytest.mark.skipif(not PAN.is_dir(), reason="needs ../shared/data/pan13-train")


def _detect(xml: Path) -> tuple[list[Case], list[Case]]:
    cases = read_pan_truth(xml)
    susp, src = cases[0].susp, cases[0].src
    a = Document("a", (PAN / "susp" / susp).read_text(encoding="utf-8"))
    b = Document("b", (PAN / "src" / src).read_text(encoding="utf-8"))
    pair = relate_documents(a, b, keep_order=True)
    found = [Case(susp, src, p.a, p.b) for p in pair.passages] if pair else []
    return cases, found


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_pan_sample_stays_above_floor(kind: str) -> None:
    n, min_plagdet, min_precision, min_recall = KINDS[kind]
    files = sorted((PAN / kind).glob("*.xml"))
    if kind == "05-summary-obfuscation":
        sample = random.Random(20130121).sample([x for x in files if read_pan_truth(x)], n)
    else:
        sample = [x for x in random.Random(20130121).sample(files, 3 * n) if read_pan_truth(x)][:n]
    cases: list[Case] = []
    detections: list[Case] = []
    for xml in sample:
        c, d = _detect(xml)
        cases += c
        detections += d
    s = pan_scores(cases, detections)
    figures = f"{kind}: precision {s.precision:.3f} recall {s.recall:.3f} granularity {s.granularity:.3f} plagdet {s.plagdet:.3f}"
    assert s.plagdet >= min_plagdet, figures
    assert s.precision >= min_precision, figures
    assert s.recall >= min_recall, figures


def test_no_plagiarism_pairs_yield_few_detections() -> None:
    pairs = (PAN / "01-no-plagiarism" / "pairs").read_text().split("\n")
    sample = [line.split() for line in random.Random(7).sample([p for p in pairs if p.strip()], 60)]
    found = 0
    for susp, src in sample:
        a = Document("a", (PAN / "susp" / susp).read_text(encoding="utf-8"))
        b = Document("b", (PAN / "src" / src).read_text(encoding="utf-8"))
        pair = relate_documents(a, b, keep_order=True)
        found += len(pair.passages) if pair else 0
    assert found <= 2, f"{found} passages found in 60 pairs without reuse"

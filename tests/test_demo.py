"""The bundled demo corpus: every planted relation is found, labelled and directed right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import textreuse

DEMO = Path(__file__).resolve().parents[1] / "demo"


@pytest.fixture(scope="module")
def result() -> textreuse.ScanResult:
    return textreuse.scan([DEMO / "corpus"], workers=1)


def _truth() -> list[dict[str, str]]:
    return [json.loads(line) for line in (DEMO / "truth.jsonl").read_text().splitlines() if line.strip()]


def _key(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


def test_every_planted_pair_is_found_with_its_relation(result: textreuse.ScanResult) -> None:
    found = {_key(p.doc_a, p.doc_b): p for p in result.all_pairs()}
    for t in _truth():
        pair = found.get(_key(t["doc_a"], t["doc_b"]))
        assert pair is not None, f"missed {t}"
        assert pair.relation == t["relation"], f"{t} labelled {pair.relation}"
        assert pair.origin == t["origin"], f"{t} given origin {pair.origin}"
        if t["relation"] == "excerpt":
            assert (pair.doc_a, pair.doc_b) == (t["doc_a"], t["doc_b"])


def test_no_pair_outside_the_truth(result: textreuse.ScanResult) -> None:
    truth = {_key(t["doc_a"], t["doc_b"]) for t in _truth()}
    extra = [(p.doc_a, p.doc_b, p.relation) for p in result.all_pairs() if _key(p.doc_a, p.doc_b) not in truth]
    assert extra == []


def test_rejects_name_the_unreadable_files(result: textreuse.ScanResult) -> None:
    reasons = {Path(r.path).name: r.reason for r in result.rejects}
    assert set(reasons) == {"empty.txt", "logo.bin"}
    assert "binary" in reasons["logo.bin"]


def test_passage_offsets_point_into_the_raw_text(result: textreuse.ScanResult) -> None:
    texts = {d.id: d.raw_text for d in result.documents}
    for pair in result.pairs:
        for p in pair.passages:
            a = textreuse.tokenize(texts[pair.doc_a][p.a[0] : p.a[1]]).hashes
            b = textreuse.tokenize(texts[pair.doc_b][p.b[0] : p.b[1]]).hashes
            shared = len(set(a.tolist()) & set(b.tolist()))
            assert shared >= 0.8 * min(len(set(a.tolist())), len(set(b.tolist()))), (pair.doc_a, pair.doc_b, p)

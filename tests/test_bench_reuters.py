"""Tests of the Reuters benchmark's mechanical truth (bench/reuters.py); no ../shared needed."""
from __future__ import annotations

import random
import sys
from itertools import combinations
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import reuters  # noqa: E402


def as_dict(truth: dict) -> dict[tuple[int, int], tuple[int, float]]:
    """Return {(a, b): (shared, containment)} of a truth."""
    return {(int(a), int(b)): (int(s), float(c)) for a, b, s, c in
            zip(truth["a"], truth["b"], truth["shared"], truth["containment"])}


def grams_of(text: str, n: int = 5) -> set[tuple[str, ...]]:
    ws = reuters.words(text)
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def test_three_stories_exact() -> None:
    texts = [
        "Alpha beta gamma delta epsilon zeta eta theta iota kappa",      # 10 words, 6 grams
        "ALPHA, beta; gamma delta-epsilon zeta eta xx yy zz",            # shares 3 of its 6 grams
        "one two three four five six",                                   # nothing shared
    ]
    t = reuters.build_truth(texts)
    assert t["word_counts"].tolist() == [10, 10, 6]
    assert t["grams"].tolist() == [6, 6, 2]
    assert as_dict(t) == {(0, 1): (3, 0.5)}


def test_containment_is_the_larger_direction_and_counts_distinct_grams() -> None:
    base = "a b c d e f g h i j k l"                                   # 8 grams
    texts = [base, "x " + " ".join(base.split()[:6]) + " " + " ".join(base.split()[:6])]
    # story 1, "x a b c d e f a b c d e f": 9 grams, 7 distinct, 2 of them in story 0
    t = reuters.build_truth(texts)
    g0, g1 = grams_of(texts[0]), grams_of(texts[1])
    assert t["grams"].tolist() == [len(g0), len(g1)]
    shared = len(g0 & g1)
    assert shared == 2
    assert as_dict(t) == {(0, 1): (shared, shared / min(len(g0), len(g1)))}


def test_common_grams_count_but_do_not_make_pairs() -> None:
    common = "the company said it expects"
    texts = [f"{common} red green blue pink grey", f"{common} red green blue pink grey white",
             f"{common} one two three", f"{common} four five six"]
    t = reuters.build_truth(texts, max_df=2)
    d = as_dict(t)
    assert set(d) == {(0, 1)}                  # only stories 0 and 1 share a rare gram
    shared = len(grams_of(texts[0]) & grams_of(texts[1]))
    assert shared == 6                         # the common gram (df 4) counts in the numerator
    assert d[(0, 1)] == (shared, 1.0)
    # with a high df limit all four are pairs through the common gram
    assert len(reuters.build_truth(texts, max_df=50)["a"]) == 6


def test_short_and_empty_stories() -> None:
    t = reuters.build_truth(["a b c d", "", "a b c d e", "A b c D e!"])
    assert t["grams"].tolist() == [0, 0, 1, 1]
    assert as_dict(t) == {(2, 3): (1, 1.0)}


@pytest.mark.parametrize("seed", [1, 2])
def test_random_corpus_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    vocab = ["w0", "w1", "w2"]
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 40))) for _ in range(40)]
    max_df = 4
    t = reuters.build_truth(texts, max_df=max_df)
    grams = [grams_of(x) for x in texts]
    df: dict[tuple[str, ...], int] = {}
    for g in grams:
        for x in g:
            df[x] = df.get(x, 0) + 1
    want = {}
    for i, j in combinations(range(len(texts)), 2):
        common = grams[i] & grams[j]
        if any(2 <= df[x] <= max_df for x in common):
            want[(i, j)] = (len(common), len(common) / min(len(grams[i]), len(grams[j])))
    assert want                                # the corpus does exercise rare and common grams
    assert any(df[x] > max_df for x in df)
    assert as_dict(t) == want
    assert t["grams"].tolist() == [len(g) for g in grams]


def test_correction_titles() -> None:
    yes = ["CORRECTED - GM SEES", "CORRECTED-NETWORK VIDEO", "(CORRECTED) - X", "(CORRECTED)-X",
           "CORRECTION - ROVER", "(CORRECTION) - SHAW'S", "RPT-INSITUFORM", "(RPT) U.S. SAYS"]
    no = ["SILVER STATE MINING <SSMC> CORRECTS NET", "GREECE REPEATS IT CAN DECIDE", "RPTS SEEN"]
    assert all(reuters.CORRECTION.match(x) for x in yes)
    assert not any(reuters.CORRECTION.match(x) for x in no)


def test_evaluate_on_a_tiny_scan() -> None:
    docs = [{"id": "1", "text": "Alpha beta gamma delta epsilon zeta eta theta iota kappa", "date": "1987-03-01"},
            {"id": "2", "text": "CORRECTED - alpha beta gamma delta epsilon zeta eta theta iota lambda",
             "date": "1987-03-01"},
            {"id": "3", "text": "one two three four five six", "date": "1987-03-02"}]
    truth = reuters.build_truth([d["text"] for d in docs])
    pairs = [{"doc_a": "3", "doc_b": "1", "relation": "near_duplicate", "origin": None,
              "coverage_a": 0.9, "coverage_b": 0.9}]
    s = reuters.evaluate(docs, truth, pairs, [], sample=1)
    assert s["low_overlap_share"] == 1.0
    assert s["strong_labels_with_c_ge_0.3"] == 0.0
    assert s["recall"]["c>=0.6"]["all"] == {"truth": 1, "found": 0, "recall": 0.0}
    assert s["recall"]["c>=0.6"]["<30"]["truth"] == 1
    c = s["corrections"]
    assert (c["stories"], c["with_original"], c["paired_with_original"]) == (1, 1, 0)
    assert c["rows"][0]["original"] == "1"
    assert s["sample_missed"][0]["doc_a"] == "1"
    pairs.append({"doc_a": "2", "doc_b": "1", "relation": "near_duplicate", "origin": "1",
                  "coverage_a": 1.0, "coverage_b": 1.0})
    s = reuters.evaluate(docs, truth, pairs, [])
    assert s["recall"]["c>=0.6"]["all"]["found"] == 1
    assert s["corrections"]["origin_is_original"] == 1
    assert s["low_overlap_share"] == 0.5

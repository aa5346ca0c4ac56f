"""Tests of the synthetic corpus generator (bench/synth.py) and the scorer (bench/accuracy.py)."""
from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
BASE = Path(__file__).resolve().parents[2] / "shared/data/bbc-news"
sys.path.insert(0, str(REPO / "bench"))

import accuracy
import synth

needs_base = pytest.mark.skipif(not BASE.is_dir(), reason=f"{BASE} not present")
WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Return the casefolded \\w+ words of ``text``."""
    return WORD.findall(text.casefold())


@pytest.fixture(scope="module")
def corpus() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (docs, truth) of a 60-document corpus."""
    return synth.generate(60, 7, BASE, 0.0)


@pytest.fixture(scope="module")
def damaged() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (docs, truth) of a 60-document corpus with all derived documents damaged."""
    return synth.generate(60, 7, BASE, 1.0)


@needs_base
def test_deterministic(corpus: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    docs, truth = synth.generate(60, 7, BASE, 0.0)
    assert docs == corpus[0]
    assert truth == corpus[1]
    other, _ = synth.generate(60, 8, BASE, 0.0)
    assert [d["text"] for d in other] != [d["text"] for d in docs]


@needs_base
def test_mix_and_ids(corpus: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    docs, truth = corpus
    assert len(docs) == 60
    ids = [d["id"] for d in docs]
    assert len(set(ids)) == 60
    prefixes = {i.split("-")[0] for i in ids}
    assert prefixes <= {"orig", "solo", "dup", "near", "exc", "quote"}
    assert {"orig", "dup", "near", "exc", "quote"} <= prefixes
    for d in docs:
        n = len(words(d["text"]))
        if d["id"].startswith(("orig", "solo")):
            assert 250 <= n <= 1000, (d["id"], n)
    direct = [r for r in truth if not r["implied"]]
    kinds = {"dup": "duplicate", "near": "near_duplicate", "exc": "excerpt", "quote": "overlap"}
    for d in docs:                                  # every derived doc has its direct pair
        k = d["id"].split("-")[0]
        if k in kinds:
            assert any(d["id"] in (r["doc_a"], r["doc_b"]) and r["relation"] == kinds[k]
                       for r in direct), d["id"]
    assert any(r["implied"] for r in truth) or len(direct) < 10


@needs_base
def test_typographic_punctuation(corpus: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    origs = [d["text"] for d in corpus[0] if d["id"].startswith(("orig", "solo"))]
    typo = [t for t in origs if "’" in t or "“" in t]
    assert len(typo) >= 0.4 * len(origs)


@needs_base
def test_spans_point_at_shared_text(corpus: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    docs, truth = corpus
    text = {d["id"]: d["text"] for d in docs}
    for r in truth:
        a, b = text[r["doc_a"]], text[r["doc_b"]]
        assert r["spans"]
        for sp in r["spans"]:
            (sa, ea), (sb, eb) = sp["a"], sp["b"]
            assert 0 <= sa < ea <= len(a) and 0 <= sb < eb <= len(b)
            wa, wb = words(a[sa:ea]), words(b[sb:eb])
            exact = r["relation"] == "duplicate" or (
                not r["implied"] and r["relation"] in ("excerpt", "overlap"))
            if exact:
                assert wa == wb, r
                if r["relation"] != "duplicate":   # verbatim copies: identical characters
                    assert a[sa:ea] == b[sb:eb]
            else:
                ratio = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).ratio()
                assert ratio >= 0.85, (r["doc_a"], r["doc_b"], ratio)


@needs_base
def test_direct_pair_conventions(corpus: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    for r in corpus[1]:
        if r["implied"]:
            assert r["origin"] is None
            continue
        ka, kb = r["doc_a"].split("-")[0], r["doc_b"].split("-")[0]
        if r["relation"] in ("duplicate", "near_duplicate"):
            assert ka == "orig" and kb in ("dup", "near") and r["origin"] == r["doc_a"]
        elif r["relation"] == "excerpt":
            assert ka == "exc" and kb == "orig" and r["origin"] == r["doc_b"]
        else:
            assert ka == "quote" and kb == "orig" and r["origin"] == r["doc_b"]


def _coverage(text: str, spans: list[list[int]]) -> float:
    """Return the share of word characters of ``text`` inside ``spans``."""
    total = sum(len(w) for w in WORD.findall(text))
    inside = sum(len(w) for s, e in spans for w in WORD.findall(text[s:e]))
    return inside / total


def core(text: str) -> str:
    """Return `text` without the credit lines the generator appends to copies (boilerplate)."""
    credits = {c.format(site=site) for c in synth.CREDITS for site in synth.SITES}
    return "\n".join(line for line in text.split("\n") if line.strip() not in credits)


@needs_base
def test_relation_rules(corpus: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    docs, truth = corpus
    text = {d["id"]: d["text"] for d in docs}
    for r in truth:
        a, b = text[r["doc_a"]], text[r["doc_b"]]
        ca = _coverage(a, [s["a"] for s in r["spans"]])
        cb = _coverage(b, [s["b"] for s in r["spans"]])
        same_words = words(core(a)) == words(core(b))
        rel = r["relation"]
        if rel == "duplicate":
            assert same_words
        elif rel == "near_duplicate":
            assert not same_words and ca >= 0.8 and cb >= 0.8
        elif rel == "excerpt":
            assert not (ca >= 0.8 and cb >= 0.8)
            assert len("".join(WORD.findall(a))) <= len("".join(WORD.findall(b)))
            assert ca >= 0.6
        else:
            assert rel == "overlap"
            assert not (ca >= 0.8 and cb >= 0.8)
            shorter = ca if len(a) <= len(b) else cb
            assert shorter < 0.6 + 0.02
            assert max(len(words(a[s["a"][0]:s["a"][1]])) for s in r["spans"]) >= 40


@needs_base
def test_no_unrelated_pairs_share_long_runs(corpus: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    origs = [d["text"] for d in corpus[0] if d["id"].startswith(("orig", "solo"))]
    assert synth.shared_run_check(origs, 12)["pairs"] == 0


def test_mojibake_offsets() -> None:
    text = "It’s “fine” — £5… café\nnaïve"
    bad, posmap = synth.mojibake(text)
    assert "\ufffd" not in bad and not re.search("[\u0080-\u009f]", bad)
    assert bad.startswith("Itâ€™s â€œfineâ€")         # ” = E2 80 9D: 0x9D undefined, dropped
    for s in range(len(text) + 1):
        for e in range(s, len(text) + 1):
            assert bad[posmap[s]:posmap[e]] == synth.mojibake(text[s:e])[0]
    assert synth.mojibake(text, "latin1")[0].startswith("Itâs")


@needs_base
def test_damaged_spans(damaged: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    docs, truth = damaged
    text = {d["id"]: d["text"] for d in docs}
    assert any("â€" in t for i, t in text.items() if not i.startswith(("orig", "solo")))
    for r in truth:
        if r["implied"] or r["relation"] not in ("excerpt", "overlap"):
            continue
        src_id = r["doc_b"]                          # the original, undamaged
        cp_id = r["doc_a"]                           # excerpt / host, damaged
        for sp in r["spans"]:
            src = text[src_id][sp["b"][0]:sp["b"][1]]
            cp = text[cp_id][sp["a"][0]:sp["a"][1]]
            assert cp in (src, synth.mojibake(src)[0])


# ---------------------------------------------------------------------------- accuracy.score

def test_score_hand_made() -> None:
    truth = [
        {"doc_a": "o1", "doc_b": "d1", "relation": "duplicate", "origin": "o1",
         "spans": [{"a": [0, 100], "b": [0, 100]}], "implied": False},
        {"doc_a": "e1", "doc_b": "o2", "relation": "excerpt", "origin": "o2",
         "spans": [{"a": [10, 60], "b": [200, 250]}], "implied": False},
        {"doc_a": "q1", "doc_b": "o3", "relation": "overlap", "origin": "o3",
         "spans": [{"a": [0, 40], "b": [0, 40]}], "implied": False},
        {"doc_a": "d2", "doc_b": "d3", "relation": "near_duplicate", "origin": None,
         "spans": [{"a": [0, 80], "b": [0, 80]}], "implied": True},
    ]
    pred = [
        # found, same order, right label, exact span
        {"doc_a": "o1", "doc_b": "d1", "relation": "duplicate", "origin": "o1",
         "passages": [{"a": [0, 100], "b": [0, 100], "similarity": 1.0}]},
        # found flipped, wrong label, half of the span, in two detections
        {"doc_a": "o2", "doc_b": "e1", "relation": "overlap", "origin": "o2",
         "passages": [{"a": [200, 225], "b": [10, 35], "similarity": 0.9},
                      {"a": [225, 230], "b": [35, 40], "similarity": 0.9}]},
        # implied pair found
        {"doc_a": "d3", "doc_b": "d2", "relation": "near_duplicate", "origin": None,
         "passages": [{"a": [0, 80], "b": [0, 80], "similarity": 0.95}]},
        # false positive
        {"doc_a": "x", "doc_b": "y", "relation": "overlap", "origin": None,
         "passages": [{"a": [0, 50], "b": [0, 50], "similarity": 0.5}]},
    ]
    s = accuracy.score(truth, pred)
    assert s["recall_direct"]["duplicate"] == 1.0
    assert s["recall_direct"]["excerpt"] == 1.0
    assert s["recall_direct"]["overlap"] == 0.0
    assert s["recall_direct"]["all"] == pytest.approx(2 / 3)
    assert s["recall_all"]["all"] == pytest.approx(3 / 4)
    assert s["recall_all"]["near_duplicate"] == 1.0
    assert s["pair_precision"] == pytest.approx(3 / 4)
    assert s["label_accuracy"] == pytest.approx(2 / 3)
    assert s["origin_accuracy"] == pytest.approx(1.0)
    pan = s["pan"]
    # cases: 200, 100, 80, 160 chars (both sides); detections cover 200, 60, 0, 160 of them
    assert pan["recall"] == pytest.approx((1 + 60 / 100 + 0 + 1) / 4)
    assert pan["precision"] == pytest.approx((1 + 1 + 1 + 1 + 0) / 5)
    assert pan["granularity"] == pytest.approx((1 + 2 + 1) / 3)


def test_score_empty_prediction() -> None:
    truth = [{"doc_a": "a", "doc_b": "b", "relation": "overlap", "origin": "b",
              "spans": [{"a": [0, 10], "b": [0, 10]}], "implied": False}]
    s = accuracy.score(truth, [])
    assert s["recall_all"]["all"] == 0.0
    assert s["pair_precision"] is None or s["pair_precision"] == 0.0
    assert s["pan"]["recall"] == 0.0


def test_pan_fallback_agrees() -> None:
    cases = [("a", "b", (0, 100), (0, 100)), ("a", "b", (200, 300), (50, 90)),
             ("c", "d", (0, 10), (5, 15))]
    dets = [("a", "b", (0, 50), (0, 40)), ("a", "b", (40, 120), (30, 110)),
            ("a", "b", (250, 260), (60, 70)), ("c", "d", (20, 30), (5, 15)), ("x", "y", (0, 5), (0, 5))]
    fb = accuracy.pan_fallback(cases, dets)
    try:
        from textreuse.evaluate import Case, pan_scores
    except ImportError:
        pytest.skip("textreuse.evaluate not importable")
    ref = pan_scores([Case(*c) for c in cases], [Case(*d) for d in dets])
    assert fb["precision"] == pytest.approx(ref.precision)
    assert fb["recall"] == pytest.approx(ref.recall)
    assert fb["granularity"] == pytest.approx(ref.granularity)
    assert fb["plagdet"] == pytest.approx(ref.plagdet)

"""Tests for textreuse.clean.ocr: look-alike folds and joined line ends, spans kept raw."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from textreuse import Config, Document, relate_documents
from textreuse.clean.encoding import EncodingConfig
from textreuse.clean.matching import prepare
from textreuse.clean.ocr import fold
from textreuse.index.tokenize import tokenize


def _words(text: str, ocr: bool) -> list[str]:
    t = prepare(text, encoding=EncodingConfig(ocr=ocr)).tokens
    return [text[s:e] for s, e in zip(t.starts.tolist(), t.ends.tolist())]


def test_look_alikes_fold_to_one_form() -> None:
    assert fold("modern clear light hoIe 1ist").text == fold("rnodem dear hght hole list").text


def test_hyphenated_line_end_joins_the_word_with_raw_spans() -> None:
    text = "the infor-\nmation age"
    assert _words(text, ocr=True) == ["the", "infor-\nmation", "age"]
    assert _words(text, ocr=False) == ["the", "infor", "mation", "age"]


def test_folded_tokens_match_across_misreadings() -> None:
    a = prepare("the modern world", encoding=EncodingConfig(ocr=True)).tokens
    b = prepare("tbe rnodern wor1d", encoding=EncodingConfig(ocr=True)).tokens
    assert a.hashes.tolist() == b.hashes.tolist()
    # Off, the same misreadings leave no word of the three alike but none.
    assert tokenize("the modern world").hashes.tolist() != tokenize("tbe rnodern wor1d").hashes.tolist()


ocr_text = st.lists(
    st.sampled_from(["rn", "m", "cl", "d", "li", "h", "b", "-\n", "-", "\n", " ", "1", "I", "0", "ſ", "e", "vv", "word", "é", "漢字"]),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(ocr_text)
def test_spans_stay_in_the_raw_text_and_in_order(text: str) -> None:
    t = prepare(text, encoding=EncodingConfig(ocr=True)).tokens
    starts, ends = t.starts.tolist(), t.ends.tolist()
    assert all(0 <= s < e <= len(text) for s, e in zip(starts, ends))
    assert all(e <= s for e, s in zip(ends, starts[1:]))
    # Every letter of the raw text is inside a token: folding loses no word.
    covered = set().union(*(range(s, e) for s, e in zip(starts, ends))) if starts else set()
    assert all(k in covered for k, ch in enumerate(text) if ch.isalnum())


def test_ocr_config_relates_two_misread_copies() -> None:
    text = " ".join(f"the modern clerk held item{k} in light" for k in range(12))
    noisy = text.replace("modern", "rnodern").replace("clerk", "derk").replace("light", "hght")
    pair = relate_documents(Document("a", text), Document("b", noisy), config=Config.for_ocr())
    assert pair is not None and pair.coverage_a > 0.95


def test_bad_input_is_bounded_and_nothing_is_lost() -> None:
    import random
    import time

    from textreuse import scan_documents

    rng = random.Random(7)
    garbage = "".join(rng.choice("~^|!l1Il.,;:'-\n rnmcl0O") for _ in range(50_000))
    # One line of 100,000 characters of an unspaced script (random ideographs and kana).
    unspaced = "".join(chr(rng.choice([rng.randrange(0x4E00, 0x9FFF), rng.randrange(0x3041, 0x3096)])) for _ in range(100_000))
    mixed = "Пример text 中文 عربي हिन्दी e\u0301\u0301 ︎a\ufe0fb " * 200
    docs = [Document("garbage", garbage), Document("line", unspaced), Document("mixed", mixed),
            Document("line2", "前言" + unspaced[:60_000])]
    for config in (Config(), Config.for_ocr()):
        t0 = time.perf_counter()
        result = scan_documents(docs, workers=1, config=config)
        assert time.perf_counter() - t0 < 60
        assert [d.id for d in result.documents] == [d.id for d in docs] and not result.rejects
        pair = {frozenset((p.doc_a, p.doc_b)): p for p in result.pairs}.get(frozenset(("line", "line2")))
        assert pair is not None and max(p.b[1] - p.b[0] for p in pair.passages) > 50_000


@settings(max_examples=200, deadline=None)
@given(ocr_text)
def test_fold_steps_replay_to_the_folded_text(text: str) -> None:
    from textreuse.clean.encoding import apply_steps
    from textreuse.clean.ocr import fold_steps

    assert apply_steps(text, fold_steps(text)).lower() == fold(text).text.lower()


def test_clean_ocr_explain_lists_the_folds(tmp_path: object) -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    path = Path(str(tmp_path)) / "a.txt"
    path.write_text("Tbe rnodern infor-\nmation\n", encoding="utf-8")
    run = [sys.executable, "-m", "textreuse", "clean", str(path), "--ocr", "--explain"]
    rows = [json.loads(line) for line in subprocess.run(run, capture_output=True, text=True, check=True).stdout.splitlines()]
    assert [(r["raw"], r["replacement"], r["rule"]) for r in rows] == [
        ("b", "h", "ocr: look-alike glyph"), ("rn", "m", "ocr: look-alike glyphs"),
        ("rn", "m", "ocr: look-alike glyphs"), ("i", "l", "ocr: look-alike glyph"),
        ("-\n", "", "ocr: hyphenated line end"), ("i", "l", "ocr: look-alike glyph"),
    ]
    plain = [sys.executable, "-m", "textreuse", "clean", str(path)]
    assert subprocess.run(plain, capture_output=True, text=True, check=True).stdout == path.read_text(encoding="utf-8")

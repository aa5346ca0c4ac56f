"""Tests for textreuse.relate: coverage, relations, origin and the stories of a scan."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import textreuse
from textreuse.relate.pairs import RelateConfig, choose_origin, classify, coverage

# ---------------------------------------------------------------- coverage


@st.composite
def ranges_and_weights(draw: st.DrawFn):
    weights = draw(st.lists(st.integers(0, 12), max_size=40))
    n = len(weights)
    ranges = draw(
        st.lists(
            st.tuples(st.integers(0, n), st.integers(0, n)).map(lambda t: (min(t), max(t))),
            max_size=6,
        )
    )
    return ranges, np.array(weights, dtype=np.int64)


@settings(max_examples=300, deadline=None)
@given(ranges_and_weights())
def test_coverage_matches_naive_reference(case) -> None:
    ranges, weights = case
    inside = {k for lo, hi in ranges for k in range(lo, hi)}
    total = int(weights.sum())
    expected = sum(int(weights[k]) for k in inside) / total if total else 0.0
    assert coverage(ranges, weights) == pytest.approx(expected)


# ---------------------------------------------------------------- classify and origin


def test_classify_duplicate_flag_wins() -> None:
    assert classify(0.1, 0.1, 10, 10, duplicate=True) == ("duplicate", False)


def test_classify_near_duplicate_needs_both_sides_at_threshold() -> None:
    assert classify(0.8, 0.8, 100, 100)[0] == "near_duplicate"
    assert classify(0.8, 0.79, 100, 100)[0] != "near_duplicate"


def test_classify_excerpt_puts_the_shorter_side_first() -> None:
    assert classify(0.3, 0.7, 1000, 200) == ("excerpt", True)
    assert classify(0.7, 0.3, 200, 1000) == ("excerpt", False)


def test_classify_overlap_below_excerpt_threshold() -> None:
    assert classify(0.59, 0.05, 100, 1000, config=RelateConfig(excerpt=0.6)) == ("overlap", False)


def test_origin_earlier_date_wins_on_either_side() -> None:
    assert choose_origin("overlap", "x", "y", "2020-01-01", "2021-01-01") == "x"
    assert choose_origin("overlap", "x", "y", "2021-01-01", "2020-01-01") == "y"


def test_origin_unknown_without_dates_unless_excerpt() -> None:
    assert choose_origin("near_duplicate", "x", "y", None, "2020-01-01") is None
    assert choose_origin("excerpt", "x", "y", None, None) == "y"


# ---------------------------------------------------------------- relations in a scan


def scan_folder(root: Path, files: dict[str, str]) -> textreuse.ScanResult:
    for name, text in files.items():
        (root / name).write_bytes(text.encode("utf-8"))
    return textreuse.scan([root], workers=1)


def test_duplicate_ignores_case_white_space_and_quotes(tmp_path: Path, gen) -> None:
    words = gen.words(120)
    plain = gen.prose(words).replace(" " + words[10], ' "' + words[10] + '"')
    fancy = gen.prose([w.upper() for w in words], line=7, newline="\r\n  ").replace(
        " " + words[10].upper(), " “" + words[10].upper() + "”"
    )
    [pair] = scan_folder(tmp_path, {"x.txt": plain, "y.txt": fancy}).pairs
    assert (pair.relation, pair.coverage_a, pair.coverage_b) == ("duplicate", 1.0, 1.0)


def test_near_duplicate_with_four_percent_of_words_edited(tmp_path: Path, gen) -> None:
    words = gen.words(800)
    edited = gen.edit(words, 0.04)
    [pair] = scan_folder(tmp_path, {"x.txt": gen.prose(words), "y.txt": gen.prose(edited)}).pairs
    assert pair.relation == "near_duplicate"


def test_excerpt_puts_the_excerpt_first_and_the_source_as_origin(tmp_path: Path, gen) -> None:
    words = gen.words(1200)
    files = {"a_source.txt": gen.prose(words), "z_excerpt.txt": gen.prose(words[500:800])}
    [pair] = scan_folder(tmp_path, files).pairs
    assert (pair.relation, pair.doc_a, pair.doc_b, pair.origin) == (
        "excerpt",
        "z_excerpt.txt",
        "a_source.txt",
        "a_source.txt",
    )


def test_excerpt_coverage_is_high_for_the_excerpt_and_low_for_the_source(
    tmp_path: Path, gen
) -> None:
    words = gen.words(1200)
    files = {"a_source.txt": gen.prose(words), "z_excerpt.txt": gen.prose(words[500:800])}
    [pair] = scan_folder(tmp_path, files).pairs
    assert pair.coverage_a > 0.95 and 0.2 < pair.coverage_b < 0.3


def test_quote_in_long_unrelated_article_is_overlap(tmp_path: Path, gen) -> None:
    quote = gen.words(60)
    a = gen.words(700) + quote + gen.words(800)
    b = gen.words(1000) + quote + gen.words(500)
    [pair] = scan_folder(tmp_path, {"a.txt": gen.prose(a), "b.txt": gen.prose(b)}).pairs
    assert (pair.relation, pair.origin) == ("overlap", None)
    assert 0 < pair.coverage_a < 0.1 and 0 < pair.coverage_b < 0.1


def _jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def test_origin_of_near_duplicates_is_the_earlier_dated_record(tmp_path: Path, gen) -> None:
    words = gen.words(500)
    rows = [
        {"id": "a", "text": gen.prose(words), "date": "2021-03-04"},
        {"id": "b", "text": gen.prose(gen.edit(words, 0.04)), "date": "2019-12-31"},
    ]
    [pair] = textreuse.scan([_jsonl(tmp_path / "c.jsonl", rows)], workers=1).pairs
    assert (pair.relation, pair.origin) == ("near_duplicate", "b")


def test_dates_override_length_for_the_origin_of_an_excerpt(tmp_path: Path, gen) -> None:
    words = gen.words(1000)
    rows = [
        {"id": "long", "text": gen.prose(words), "date": "2022-01-01"},
        {"id": "short", "text": gen.prose(words[100:400]), "date": "2001-01-01"},
    ]
    [pair] = textreuse.scan([_jsonl(tmp_path / "c.jsonl", rows)], workers=1).pairs
    assert (pair.relation, pair.doc_a, pair.origin) == ("excerpt", "short", "short")


def test_copies_of_a_duplicate_each_pair_with_a_related_document(tmp_path: Path, gen) -> None:
    words = gen.words(600)
    text = gen.prose(words)
    files = {
        "d1.txt": text,
        "d2.txt": text.upper(),
        "d3.txt": text.replace(" ", "  "),
        "x.txt": gen.prose(words[:200]),
    }
    result = scan_folder(tmp_path, files)
    # The scan reports each story member with its source: n - 1 pairs for n members ...
    assert sorted((p.doc_a, p.doc_b, p.relation) for p in result.pairs) == [
        ("d1.txt", "d2.txt", "duplicate"),
        ("d1.txt", "d3.txt", "duplicate"),
        ("x.txt", "d1.txt", "excerpt"),
    ]
    # ... and every pair of members through the story.
    assert sorted((p.doc_a, p.doc_b, p.relation) for p in result.all_pairs()) == [
        ("d1.txt", "d2.txt", "duplicate"),
        ("d1.txt", "d3.txt", "duplicate"),
        ("d2.txt", "d3.txt", "duplicate"),
        ("x.txt", "d1.txt", "excerpt"),
        ("x.txt", "d2.txt", "excerpt"),
        ("x.txt", "d3.txt", "excerpt"),
    ]


def test_each_copy_of_a_duplicate_gets_offsets_into_its_own_text(
    tmp_path: Path, gen, norm_words
) -> None:
    words = gen.words(600)
    text = gen.prose(words)
    files = {
        "d1.txt": text,
        "d2.txt": "— « » 😀\r\n" + text.replace(" ", "   "),
        "x.txt": gen.prose(words[:200]),
    }
    pairs = scan_folder(tmp_path, files).all_pairs()
    assert ("d1.txt", "d2.txt", "duplicate") in [(p.doc_a, p.doc_b, p.relation) for p in pairs]
    [pair] = [p for p in pairs if (p.doc_a, p.doc_b) == ("x.txt", "d2.txt")]
    [passage] = pair.passages
    # Mapped through the duplicates' whole-text passage, linearly: the span of the 200
    # words in d2's own text, up to a word at each end.
    spans = [m.span() for m in re.finditer(r"\w+", files["d2.txt"])]
    start, end = spans[0][0], spans[199][1]
    inside = min(end, passage.b[1]) - max(start, passage.b[0])
    assert inside >= 0.97 * (end - start) and passage.b[1] - passage.b[0] <= 1.03 * (end - start)


def test_stories_of_a_scan_join_documents_only_through_shared_text(tmp_path: Path, gen) -> None:
    p, q, r = gen.words(60), gen.words(60), gen.words(60)
    files = {
        "a.txt": gen.prose(gen.words(200) + p + gen.words(200)),
        "b.txt": gen.prose(gen.words(200) + p + gen.words(100) + q + gen.words(100)),
        "c.txt": gen.prose(gen.words(300) + q + gen.words(200)),
        "d.txt": gen.prose(gen.words(300) + r + gen.words(200)),
        "e.txt": gen.prose(gen.words(100) + r + gen.words(400)),
        "f.txt": gen.prose(gen.words(500)),
    }
    # a and c are both linked to b, by two different passages: two stories, not one.
    stories = scan_folder(tmp_path, files).stories
    assert sorted(tuple(sorted(m.doc_id for m in s.members)) for s in stories) == [
        ("a.txt", "b.txt"), ("b.txt", "c.txt"), ("d.txt", "e.txt")]


# ---------------------------------------------------------------- copied text, not a formula


def _filled(template: list[str], figures: list[str]) -> list[str]:
    # One figure after every 12th word of the template.
    out: list[str] = []
    for k, w in enumerate(template):
        out.append(w)
        if k % 12 == 11:
            out.append(figures[k // 12])
    return out


def _formula_scan(tmp_path: Path, gen, config: textreuse.Config) -> dict[frozenset[str], str]:
    template = gen.words(156)  # 13 figure slots; a formula is short (RelateConfig.figures_up_to)
    one = [f"{k * 37 + 101:,}" for k in range(20)]
    other = [f"{k * 53 + 7}.{k % 10}5" for k in range(20)]
    fixed = list(one)
    fixed[4] = "999"  # a correction changes one figure
    texts = {"a.txt": _filled(template, one), "b.txt": _filled(template, other), "c.txt": _filled(template, fixed)}
    for name, words in texts.items():
        (tmp_path / name).write_text(gen.prose(words), encoding="utf-8")
    result = textreuse.scan([tmp_path], workers=1, config=config)
    return {frozenset((p.doc_a, p.doc_b)): p.relation for p in result.all_pairs()}


def test_one_formula_with_other_figures_is_not_a_copy_but_a_correction_is(tmp_path: Path, gen) -> None:
    pairs = _formula_scan(tmp_path, gen, textreuse.Config())
    assert pairs == {frozenset(("a.txt", "c.txt")): "near_duplicate"}


def test_without_the_figure_rule_the_formula_pairs_would_be_reported(tmp_path: Path, gen) -> None:
    # The rule is what keeps them apart: the formula's words alone align as a copy.
    loose = textreuse.Config(relate=RelateConfig(min_figures=10**6))
    pairs = _formula_scan(tmp_path, gen, loose)
    assert frozenset(("a.txt", "b.txt")) in pairs and frozenset(("b.txt", "c.txt")) in pairs


def test_a_two_figure_formula_is_told_apart_by_the_figure_after_the_passage(tmp_path: Path, gen) -> None:
    # A money-market report: one formula sentence whose last word is its second figure.
    # Where the figures differ the alignment stops before that last figure, so the figures
    # are counted to the end of the passage's sentence.
    head, tail = gen.words(30), gen.words(8)

    def report(first: str, second: str, changed: int | None = None) -> str:
        words = [*head, first, *tail, second]
        if changed is not None:
            words[changed] = "altered"
        return " ".join(words).capitalize() + "."

    texts = {"a.txt": report("700", "800"), "b.txt": report("400", "450"), "c.txt": report("700", "800", changed=12)}
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = {frozenset((p.doc_a, p.doc_b)): p.relation for p in textreuse.scan([tmp_path], workers=1).all_pairs()}
    assert found == {frozenset(("a.txt", "c.txt")): "near_duplicate"}
    # Counted inside the aligned span only, each side holds one figure, too few to tell.
    lax = textreuse.Config(relate=RelateConfig(sentences=None))
    loose = {frozenset((p.doc_a, p.doc_b)) for p in textreuse.scan([tmp_path], workers=1, config=lax).all_pairs()}
    assert frozenset(("a.txt", "b.txt")) in loose


def test_a_rewrite_that_repeats_the_figures_counts_and_one_with_other_figures_does_not(tmp_path: Path, gen) -> None:
    # Four sentences of a report, each with a figure, and a rewrite of it with five words
    # of each sentence changed: one passage of similarity 0.72, under min_similarity and
    # over rewrite_similarity.
    sentences = [gen.words(16) for _ in range(4)]
    figures, other = ["4.0", "9.8", "20.9", "7.5"], ["3.1", "7.7", "18.2", "6.6"]

    def report(words: list[list[str]], figs: list[str]) -> str:
        return " ".join(" ".join([*s[:7], f, *s[7:]]).capitalize() + "." for s, f in zip(words, figs))

    rewritten = [[gen.words(1)[0] if 8 <= k < 13 else w for k, w in enumerate(s)] for s in sentences]
    texts = {"a.txt": report(sentences, figures), "b.txt": report(rewritten, figures), "c.txt": report(rewritten, other)}
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    def pairs(config: textreuse.Config) -> dict[frozenset[str], list[float]]:
        return {frozenset((p.doc_a, p.doc_b)): [x.similarity for x in p.passages]
                for p in textreuse.scan([tmp_path], workers=1, config=config).all_pairs()}

    found = pairs(textreuse.Config())
    assert 0.7 <= found[frozenset(("a.txt", "b.txt"))][0] < 0.75
    assert frozenset(("a.txt", "c.txt")) not in found
    assert frozenset(("a.txt", "b.txt")) not in pairs(textreuse.Config(relate=RelateConfig(rewrite_similarity=1.1)))

"""Tests for relate/diff.py and `textreuse diff`: hand-made rewrites with exact operations."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein
from typer.testing import CliRunner

from textreuse.align.words import diff_words, matching_view, passage_tokens
from textreuse.clean.encoding import damage, repair
from textreuse.cli import app
from textreuse.engines.local import relate_documents, scan_documents
from textreuse.index.tokenize import tokenize
from textreuse.model import Document, Pair, Passage
from textreuse.relate.diff import SCHEMA, Diff, diff_documents, diff_views, names, sentences, view

runner = CliRunner()

ARTICLE = (
    "The city council voted on Tuesday to approve a budget of $1.13bn for the coming year, "
    "with 76% of members in favour. Mayor John Smith said the plan would protect schools and "
    "libraries. “We’ll keep every branch open,” he told reporters after the meeting. Critics "
    "argued that the spending on roads was far too low for a growing city. The vote followed "
    "months of public hearings across every district.\n"
)


def whole(a: str, b: str) -> Pair:
    """A pair whose one passage is both texts whole, so tests do not depend on the aligner."""
    return Pair("a", "b", "near_duplicate", None, 1.0, 1.0, (Passage((0, len(a)), (0, len(b)), 0.9),))


def diff(a: str, b: str) -> Diff:
    return diff_views(whole(a, b), view(a), view(b))


def ops(d: Diff, a: str, b: str) -> list[tuple[str, str, str]]:
    return [(o.op, a[o.a[0] : o.a[1]], b[o.b[0] : o.b[1]]) for p in d.passages for o in p.operations]


def changes(d: Diff, a: str, b: str) -> list[tuple[str, str | None, str | None]]:
    return [
        (c.kind, None if c.a is None else a[c.a[0] : c.a[1]], None if c.b is None else b[c.b[0] : c.b[1]])
        for c in d.changes
    ]


# ---------------------------------------------------------------- word operations and named changes


def test_changed_percentage_is_one_replace_and_a_number_change() -> None:
    a = "Turnout reached 76% in the north of the region."
    b = "Turnout reached 75% in the north of the region."
    d = diff(a, b)
    assert ops(d, a, b) == [
        ("equal", "Turnout reached", "Turnout reached"),
        ("replace", "76", "75"),
        ("equal", "in the north of the region", "in the north of the region"),
    ]
    assert changes(d, a, b) == [("number", "76%", "75%")]


def test_changed_amount_shows_the_whole_amount() -> None:
    a = "It approved a budget of $1.13bn for next year."
    b = "It approved a budget of $1.2bn for next year."
    d = diff(a, b)
    assert ("replace", "13bn", "2bn") in ops(d, a, b)
    assert changes(d, a, b) == [("number", "$1.13bn", "$1.2bn")]


def test_number_written_as_a_word_is_a_number_change() -> None:
    a = "The appeal raised the money in six weeks last spring."
    b = "The appeal raised the money in five weeks last spring."
    assert changes(diff(a, b), a, b) == [("number", "six", "five")]


def test_renamed_person_is_a_name_change_with_the_whole_name() -> None:
    a = "The report was written by John Smith and sent to the board on Monday."
    b = "The report was written by John Smyth and sent to the board on Monday."
    d = diff(a, b)
    assert [o for o in ops(d, a, b) if o[0] != "equal"] == [("replace", "Smith", "Smyth")]
    assert changes(d, a, b) == [("name", "John Smith", "John Smyth")]


def test_changed_common_word_or_sentence_opener_is_no_name() -> None:
    a = "The big storm hit the coast. The town was flooded."
    b = "The large storm hit the coast. A town was flooded."
    d = diff(a, b)
    assert [o for o in ops(d, a, b) if o[0] != "equal"] == [("replace", "big", "large"), ("replace", "The", "A")]
    assert d.changes == ()


def test_reworded_quote_is_one_quote_change_however_many_operations() -> None:
    a = "“We’ll keep every branch open,” he told reporters after the meeting."
    b = "“We will keep most branches open,” he told reporters after the meeting."
    d = diff(a, b)
    assert [o for o in ops(d, a, b) if o[0] != "equal"] == [
        ("replace", "ll", "will"),
        ("replace", "every branch", "most branches"),
    ]
    assert changes(d, a, b) == [
        ("quote", "“We’ll keep every branch open,”", "“We will keep most branches open,”")
    ]


def test_change_outside_quotes_is_no_quote_change() -> None:
    a = "“We will stay,” he told reporters on Monday."
    b = "“We will stay,” he told journalists on Monday."
    assert [c.kind for c in diff(a, b).changes] == []


def test_removed_and_inserted_sentences_inside_a_passage() -> None:
    a = "First sentence stays here. Second one is cut by the editor. Third sentence stays too."
    b = "First sentence stays here. Third sentence stays too. A brand new closing line appears."
    d = diff(a, b)
    assert [o for o in ops(d, a, b) if o[0] != "equal"] == [
        ("delete", "Second one is cut by the editor", ""),
        ("insert", "", "A brand new closing line appears"),
    ]
    assert changes(d, a, b) == [
        ("sentence_removed", "Second one is cut by the editor.", None),
        ("sentence_inserted", None, "A brand new closing line appears."),
    ]
    assert all(c.passage == 0 for c in d.changes)


def test_sentences_outside_the_passages_are_what_each_side_adds() -> None:
    a = "An opening only the original has. " + ARTICLE
    b = ARTICLE + "A final reading is expected next month."
    pair = relate_documents(Document("a", a), Document("b", b), keep_order=True)
    assert pair is not None
    d = diff_documents(pair, Document("a", a), Document("b", b))
    assert [(a[e.start : e.end], e.whole) for e in d.only_a] == [("An opening only the original has.", True)]
    assert [(b[e.start : e.end], e.whole) for e in d.only_b] == [("A final reading is expected next month.", True)]
    assert ("sentence_removed", "An opening only the original has.", None) in changes(d, a, b)
    outside = [c for c in d.changes if c.passage is None]
    assert [c.kind for c in outside] == ["sentence_removed", "sentence_inserted"]
    assert [o for o in ops(d, a, b) if o[0] != "equal"] == []


def test_lossy_mojibake_in_one_copy_is_no_change() -> None:
    lossy = damage(ARTICLE, mode="latin-1")
    assert lossy != ARTICLE and "â" in lossy
    d = diff(ARTICLE, lossy)
    assert {o.op for p in d.passages for o in p.operations} == {"equal"}
    assert d.changes == ()
    # Spans still point into each raw text: the damaged quote is found where it stands.
    start = lossy.index("We")
    assert any(o.b[0] <= start < o.b[1] for o in d.passages[0].operations)


def test_lossy_mojibake_does_not_hide_a_real_change() -> None:
    lossy = damage(ARTICLE.replace("Smith", "Smyth"), mode="latin-1")
    d = diff(ARTICLE, lossy)
    assert changes(d, ARTICLE, lossy) == [("name", "Mayor John Smith", "Mayor John Smyth")]


def test_mojibake_that_changes_lengths_keeps_spans_in_the_raw_text() -> None:
    rewrite = ARTICLE.replace("Critics", "Critics led by Ann Lee").replace("across every", "across all 12")
    damaged = rewrite.encode("utf-8").decode("cp1252", errors="replace")
    assert "â€œ" in damaged and len(damaged) > len(rewrite)
    a = ARTICLE.replace("Critics", "Critics led by Ann Leigh").replace("across every", "across all 11")
    d = diff(a, damaged)
    assert changes(d, a, damaged) == [("name", "Ann Leigh", "Ann Lee"), ("number", "11", "12")]
    assert [o for o in ops(d, a, damaged) if o[0] != "equal"] == [("replace", "Leigh", "Lee"), ("replace", "11", "12")]


def test_repost_frame_is_listed_apart_not_as_added_text() -> None:
    b = "Jane Doe writes:\n\n" + ARTICLE + "\n[Continue reading…]\n"
    pair = relate_documents(Document("a", ARTICLE), Document("b", b), keep_order=True)
    assert pair is not None
    d = diff_documents(pair, Document("a", ARTICLE), Document("b", b))
    assert [(f.kind, b[f.start : f.end]) for f in d.frames_b] == [
        ("byline", "Jane Doe writes:"),
        ("continue-link", "[Continue reading…]"),
    ]
    assert d.only_b == () and d.changes == ()
    assert {o.op for p in d.passages for o in p.operations} == {"equal"}


def test_order_given_is_kept_when_the_stored_pair_is_the_other_way() -> None:
    a, b = "Turnout reached 76% in the north.", "Turnout reached 75% in the north."
    stored = Pair("b", "a", "near_duplicate", None, 1.0, 1.0, (Passage((0, len(b)), (0, len(a)), 0.9),))
    d = diff_documents(stored, Document("a", a), Document("b", b))
    assert (d.doc_a, d.doc_b) == ("a", "b")
    assert changes(d, a, b) == [("number", "76%", "75%")]


def test_sentences_and_names_helpers() -> None:
    text = "Mr Lee left. “Why?” she asked.\nThe Guardian said so."
    assert [text[s:e] for s, e in sentences(text)] == ["Mr Lee left.", "“Why?”", "she asked.", "The Guardian said so."]
    assert [text[s:e] for s, e in names(text)] == ["Mr Lee", "Guardian"]


# ---------------------------------------------------------------- offsets and JSON


WORDS = st.sampled_from("alpha beta gamma delta epsilon zeta eta theta iota kappa Lambda Mu 12 3.5%".split())


@given(
    st.lists(WORDS, min_size=1, max_size=30),
    st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["drop", "add", "swap"]), WORDS), max_size=6),
)
def test_operations_cover_every_word_in_order_and_point_into_raw_text(words: list[str], edits) -> None:
    other = list(words)
    for at, kind, word in edits:
        at = at % (len(other) + 1)
        if kind == "drop" and at < len(other):
            del other[at]
        elif kind == "add":
            other.insert(at, word)
        elif at < len(other):
            other[at] = word
    a, b = " ".join(words) + ".", " ".join(other) + "."
    d = diff(a, b)
    row = d.to_dict(a, b)
    seen_a, seen_b = [], []
    for p in row["passages"]:  # type: ignore[attr-defined]
        for o in p["operations"]:
            for side, raw, seen in (("a", a, seen_a), ("b", b, seen_b)):
                s = o[side]
                assert 0 <= s["start"] <= s["end"] <= len(raw) and raw[s["start"] : s["end"]] == s["text"]
                seen += [raw[x:y] for x, y in zip(tokenize(s["text"]).starts + s["start"], tokenize(s["text"]).ends + s["start"])]
            if o["op"] == "equal":
                assert o["a"]["text"].casefold() == o["b"]["text"].casefold()
            if o["op"] == "insert":
                assert o["a"]["text"] == ""
            if o["op"] == "delete":
                assert o["b"]["text"] == ""
    assert seen_a == [a[x:y] for x, y in zip(tokenize(a).starts, tokenize(a).ends)]
    assert seen_b == [b[x:y] for x, y in zip(tokenize(b).starts, tokenize(b).ends)]
    for c in row["changes"]:  # type: ignore[attr-defined]
        for side, raw in (("a", a), ("b", b)):
            if c[side] is not None:
                assert raw[c[side]["start"] : c[side]["end"]] == c[side]["text"]


def test_json_schema() -> None:
    b = "Jane Doe writes:\n\n" + ARTICLE.replace("76%", "75%") + "\nA final reading is expected next month.\n"
    pair = relate_documents(Document("a", ARTICLE), Document("b", b), keep_order=True)
    assert pair is not None
    row = json.loads(json.dumps(diff_documents(pair, Document("a", ARTICLE), Document("b", b)).to_dict(ARTICLE, b)))
    assert set(row) == {
        "schema", "doc_a", "doc_b", "aligned", "relation", "origin", "counts",
        "passages", "changes", "only_a", "only_b", "frames_a", "frames_b",
    }
    assert row["schema"] == SCHEMA and row["aligned"] == "stored"
    passage = row["passages"][0]
    assert set(passage) == {"a", "b", "similarity", "operations"}
    assert set(passage["operations"][0]) == {"op", "a", "b"}
    assert set(passage["operations"][0]["a"]) == {"start", "end", "text"}
    assert set(row["changes"][0]) == {"kind", "passage", "a", "b"}
    assert set(row["only_b"][0]) == {"start", "end", "text", "whole"}
    assert set(row["frames_b"][0]) == {"start", "end", "text", "kind", "rule"}
    assert row["counts"]["number"] == 1 and row["counts"]["frames_b"] == 1
    for frame in row["frames_b"]:
        assert b[frame["start"] : frame["end"]] == frame["text"]


# ---------------------------------------------------------------- CLI


def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "c"
    root.mkdir()
    (root / "orig.txt").write_text(ARTICLE, encoding="utf-8")
    rewrite = ARTICLE.replace("76%", "75%").replace("Smith", "Smyth")
    (root / "[copy].txt").write_text("Jane Doe writes:\n\n" + rewrite + "\nA final reading is expected next month.\n", encoding="utf-8")
    (root / "lossy.txt").write_text(damage(ARTICLE, mode="latin-1"), encoding="utf-8")
    db = tmp_path / "t.duckdb"
    result = runner.invoke(app, ["scan", str(root), "--db", str(db), "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.stderr
    return db


def test_cli_diff_json_of_a_stored_pair(tmp_path: Path) -> None:
    db = corpus(tmp_path)
    result = runner.invoke(app, ["diff", "orig.txt", "[copy].txt", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)
    # The three are one story; the database holds each member's pair with its source
    # ([copy] with lossy, lossy with orig), so this pair is aligned now.
    assert (row["doc_a"], row["doc_b"], row["aligned"]) == ("orig.txt", "[copy].txt", "now")
    stored = runner.invoke(app, ["diff", "lossy.txt", "[copy].txt", "--db", str(db), "--json"])
    assert json.loads(stored.stdout)["aligned"] == "stored"
    kinds = [(c["kind"], c["a"] and c["a"]["text"], c["b"] and c["b"]["text"]) for c in row["changes"]]
    assert kinds == [
        ("number", "76%", "75%"),
        ("name", "Mayor John Smith", "Mayor John Smyth"),
        ("sentence_inserted", None, "A final reading is expected next month."),
    ]
    assert [f["text"] for f in row["frames_b"]] == ["Jane Doe writes:"]
    assert "not a stored pair" in result.stderr and stored.stderr == ""


def test_cli_diff_prints_marked_words_and_ids_as_data(tmp_path: Path) -> None:
    db = corpus(tmp_path)
    result = runner.invoke(app, ["diff", "orig.txt", "[copy].txt", "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    assert "[-76-] {+75+}%" in result.stdout
    assert "[copy].txt" in result.stdout
    assert "Jane Doe writes:" in result.stdout
    short = runner.invoke(app, ["diff", "orig.txt", "[copy].txt", "--db", str(db), "--context", "2"])
    assert short.exit_code == 0 and "[-76-] {+75+}%" in short.stdout
    assert "words unchanged …]" in short.stdout and "libraries" not in short.stdout.split("changes:")[0]


def test_cli_diff_of_documents_not_stored_as_a_pair_aligns_them_now(tmp_path: Path) -> None:
    docs = [Document("orig.txt", ARTICLE), Document("lossy.txt", damage(ARTICLE, mode="latin-1"))]
    result = scan_documents(docs, workers=1)
    assert len(result.pairs) == 1
    result.pairs = []  # as if the scan had not paired them
    db = tmp_path / "t.duckdb"
    result.save(db)
    run = runner.invoke(app, ["diff", "orig.txt", "lossy.txt", "--db", str(db), "--json"])
    assert run.exit_code == 0, run.stderr
    assert "not a stored pair" in run.stderr and "aligned them now" in run.stderr
    row = json.loads(run.stdout)
    assert row["aligned"] == "now" and row["changes"] == [] and len(row["passages"]) == 1
    shown = runner.invoke(app, ["diff", "orig.txt", "lossy.txt", "--db", str(db)])
    assert shown.exit_code == 0 and "aligned now" in shown.stdout


def test_cli_diff_of_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(ARTICLE, encoding="utf-8")
    b.write_text(ARTICLE.replace("$1.13bn", "$1.2bn"), encoding="utf-8")
    result = runner.invoke(app, ["diff", "--files", str(a), str(b), "--json"])
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)
    assert row["aligned"] == "now" and row["doc_a"] == str(a)
    assert [(c["kind"], c["a"]["text"], c["b"]["text"]) for c in row["changes"]] == [("number", "$1.13bn", "$1.2bn")]


def test_cli_diff_unknown_document_and_unrelated_documents_fail(tmp_path: Path) -> None:
    db = corpus(tmp_path)
    result = runner.invoke(app, ["diff", "orig.txt", "ghost.txt", "--db", str(db)])
    assert result.exit_code == 1 and "ghost.txt" in result.stderr
    other = tmp_path / "other.txt"
    other.write_text("Gardening notes: tomatoes, beans and peas grow well in spring sun.\n", encoding="utf-8")
    result = runner.invoke(app, ["diff", "--files", str(tmp_path / "c" / "orig.txt"), str(other)])
    assert result.exit_code == 1 and "share no text" in result.stderr


def test_show_and_report_mark_the_same_words_as_diff() -> None:
    lossy = damage(ARTICLE.replace("76%", "75%"), mode="latin-1")
    d = diff(ARTICLE, lossy)
    # What `show` and the HTML report draw: the words matching read, passage by passage.
    views = [matching_view(t, steps=repair(t).steps) for t in (ARTICLE, lossy)]
    tokens = (passage_tokens(views[0], 0, len(ARTICLE)), passage_tokens(views[1], 0, len(lossy)))
    shared = diff_words(ARTICLE, lossy, tokens=tokens)
    assert [(s.op, s.a, s.b) for s in shared] == [(o.op, o.a, o.b) for o in d.passages[0].operations]
    assert [s.op for s in shared] == ["equal", "replace", "equal"]


def test_passages_follow_text_a_when_the_pair_lists_them_by_b() -> None:
    a = "Alpha beta gamma delta. Epsilon zeta eta theta."
    b = "Epsilon zeta eta theta. Alpha beta gamma delta."
    pair = Pair("a", "b", "overlap", None, 1.0, 1.0, (Passage((24, 47), (0, 23), 1.0), Passage((0, 23), (24, 47), 1.0)))
    d = diff_views(pair, view(a), view(b))
    assert [(p.a, p.b) for p in d.passages] == [((0, 23), (24, 47)), ((24, 47), (0, 23))]
    assert d.changes == () and d.only_a == () and d.only_b == ()


def test_long_passages_take_the_bounded_memory_path_to_the_same_operations(monkeypatch) -> None:
    import textreuse.align.words as words

    a = "First sentence stays here. Second one is cut by the editor. Third sentence stays too. " * 3
    b = "First sentence stays here. Third sentence stays too. A brand new closing line appears. " * 3
    direct = ops(diff(a, b), a, b)
    # The passage (about 45 by 45 words) counts as long now, its changed stretches do not.
    monkeypatch.setattr(words, "_LCS_CELLS", 1000)
    calls = []

    class Spy:
        @staticmethod
        def opcodes(x, y):
            calls.append(len(x))
            return Levenshtein.opcodes(x, y)

    monkeypatch.setattr(words, "Levenshtein", Spy)
    assert ops(diff(a, b), a, b) == direct
    assert calls == [45]
    assert [o[0] for o in direct].count("delete") == 3 and [o[0] for o in direct].count("insert") == 3

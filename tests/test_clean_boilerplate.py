"""Tests for boilerplate: patterns, corpus recurrence, exclusion from matching, edits."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textreuse
from textreuse.clean.boilerplate import (
    _BY_ZONE,
    _FOLD_RE,
    _SEPARATORS,
    BoilerplateConfig,
    _backward,
    _body_candidates,
    _first,
    _forward,
    _next_lower,
    _separator,
    edges,
    edit_steps,
    line_key,
    lines,
    mark,
    merge_steps,
    merge_surveys,
    strip,
    survey,
    survey_lines,
    without,
)
from textreuse.clean.encoding import apply_steps, damage, repair
from textreuse.clean.matching import prepare
from textreuse.clean.recurring import content_groups, holding, survey_table
from textreuse.config import Config
from textreuse.index.tokenize import tokenize


def kinds(text: str, corpus=None) -> dict[str, str]:
    return {text[a.start : a.end]: a.kind for a in mark(text, corpus)}


def article(gen, n: int = 120) -> str:
    """Paragraphs of 40 words each on one line (long lines, as scraped news has)."""
    words = gen.words(n)
    return "\n\n".join(gen.prose(words[k : k + 40], line=1000) for k in range(0, n, 40))


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Maria Keller writes:", "byline"),
        ("By Jane Doe, Associated Press", "byline"),
        ("From the Riverside Gazette:", "byline"),
        ("[Continue reading…]", "continue-link"),
        ("Read the full story at example.com", "continue-link"),
        ("Print Friendly, PDF & Email", "share-widget"),
        ("Share this:", "share-widget"),
        ("Facebook | Twitter | Email", "share-widget"),
        ("Sign up for our daily newsletter to get the news in your inbox.", "share-widget"),
        ("Part I: The vote  Part II: The reaction", "navigation"),
        ("Home | About | Archive | Contact", "navigation"),
    ],
)
def test_patterns_find_each_kind_at_the_head(gen, line: str, kind: str) -> None:
    text = line + "\n\n" + article(gen)
    assert kinds(text) == {line: kind}


@pytest.mark.parametrize(
    "line",
    ["[Continue reading…]", "Read part two here", "Tomorrow: how the town rebuilt", "via example.com"],
)
def test_patterns_find_tail_lines(gen, line: str) -> None:
    text = article(gen) + "\n\n" + line + "\n"
    assert list(kinds(text)) == [line]


def test_head_only_and_edge_only_patterns_leave_the_body_alone(gen) -> None:
    body = ["Maria Keller writes:", "By Jane Doe", "Tomorrow: what happens next", "via example.com"]
    text = article(gen) + "\n\n" + "\n\n".join(body) + "\n\n" + article(gen) + "\n\n" + article(gen)
    assert kinds(text) == {}
    # In the body only continue-links count: a repost quotes, links on, then comments.
    middle = article(gen) + "\n[Continue reading…]\nShare this:\n" + article(gen) + "\n\n" + article(gen)
    assert kinds(middle) == {"[Continue reading…]": "continue-link"}


def test_prose_that_resembles_a_frame_is_not_boilerplate(gen) -> None:
    for head in ("By the time the vote came, the hall was empty.", "Part of the plan was never built."):
        assert kinds(head + "\n\n" + article(gen)) == {}


def test_a_run_of_boilerplate_extends_the_edge(gen) -> None:
    tail = ["Share this:", "Twitter", "Facebook", "Like this:", "Like Loading...", "Print Friendly, PDF & Email"]
    text = article(gen) + "\n\n" + "\n".join(tail) + "\n\nTomorrow: the rebuild\n"
    assert set(kinds(text)) == {*tail, "Tomorrow: the rebuild"}


def corpus_with(gen, tails: list[str], n: int = 4) -> list[str]:
    return [article(gen) + "\n\n" + tail + "\n" for tail in tails[:n]]


def test_a_line_recurring_in_different_documents_is_boilerplate(gen) -> None:
    docs = corpus_with(gen, ["Follow the Courier on Mastodon"] * 4)
    corpus = survey(docs)
    for d in docs:
        assert kinds(d, corpus) == {"Follow the Courier on Mastodon": "recurring"}
    assert kinds(docs[0], survey(docs[:3])) == {}  # three documents are not enough


def test_a_title_repeated_by_copies_of_one_article_is_not_boilerplate(gen) -> None:
    body = article(gen)
    copies = [f"Council closes the library\n\n{body}" for _ in range(5)]
    assert kinds(copies[0], survey(copies, groups=[7] * 5)) == {}
    # The same title above four different articles recurs.
    others = [f"Council closes the library\n\n{article(gen)}" for _ in range(4)]
    assert kinds(others[0], survey(others)) == {"Council closes the library": "recurring"}


def test_recurring_tail_prefixes_with_different_endings(gen) -> None:
    sites = ["The Courier", "Vale Herald", "Daily Star", "Fen Post"]
    docs = corpus_with(gen, [f"Thanks for reading and sharing {s}" for s in sites])
    corpus = survey(docs)
    assert kinds(docs[0], corpus) == {"Thanks for reading and sharing The Courier": "recurring"}
    # The prefix counts only at the tail.
    head = "Thanks for reading and sharing Tess Mill\n\n" + article(gen)
    assert kinds(head, corpus) == {}


def test_a_recurring_short_line_inside_the_body_is_content(gen) -> None:
    quote = "We will not close this library, she said."
    docs = [article(gen) + "\n\n" + quote + "\n\n" + article(gen) + "\n\n" + article(gen) for _ in range(4)]
    assert kinds(docs[0], survey(docs)) == {}


def test_other_scripts_and_clean_text_are_left_alone() -> None:
    texts = [
        "Москва — столица России.\nПоделиться:\n",
        "القاهرة هي عاصمة مصر.\nشارك:\n",
        "東京は日本の首都です。\nシェア:\n",
    ]
    for text in texts:
        assert mark(text) == ()
        assert repair(text).steps == ()


def test_without_drops_exactly_the_tokens_of_annotated_lines(gen) -> None:
    text = "Jane Doe writes:\n\n" + article(gen) + "\n\n[Continue reading…]\nShare this:\n"
    annotations = mark(text)
    kept = without(tokenize(text), annotations)
    assert len(kept) == len(tokenize(text)) - 3 - 2 - 2
    spans = [(a.start, a.end) for a in annotations]
    assert not any(s <= int(t) < e for t in kept.starts for s, e in spans)


def test_a_document_of_only_boilerplate_has_nothing_to_match() -> None:
    text = "Share this:\nTwitter\nFacebook\nPrint Friendly, PDF & Email\n"
    p = prepare(text)
    assert len(p.tokens) == 0 and len(p.annotations) == 4


LINES = st.sampled_from(
    [
        "Share this:",
        "Jane Doe writes:",
        "[Continue reading…]",
        "The councilâs vote was close â and the mayorâs team said it would âwait and seeâ.",
        "Prices rose 3% in the year to March, the office said.",
        "Read part two here",
        "",
        "  ",
    ]
)


@given(st.lists(LINES, min_size=1, max_size=12), st.sampled_from(["\n", "\r\n"]), st.sampled_from(["mark", "strip"]))
def test_marking_or_stripping_replays_on_the_raw_text(parts, newline, mode) -> None:
    raw = newline.join(parts)
    fixed = repair(raw)
    annotations = mark(raw)
    steps = merge_steps(fixed.steps, edit_steps(raw, annotations, mode=mode))
    out = apply_steps(raw, steps)  # sorted and non-overlapping, or it raises
    if mode == "mark":
        unmarked = out
        for kind in ("byline", "continue-link", "share-widget", "navigation", "recurring"):
            unmarked = unmarked.replace(f"[boilerplate:{kind}] ", "")
        assert unmarked == fixed.text
    else:
        assert out == strip(apply_steps(raw, fixed.steps), mark(fixed.text))


@pytest.mark.parametrize("text", [" a \r\n\r\nb c\n\tc", " a \r\rb c\r\tc", "a\nb c\nc\n\n"])
def test_lines_are_stripped_spans(text: str) -> None:
    assert [text[s:e] for s, e in lines(text)] == ["a", "b c", "c"]


# -- fast paths against plain reference code ---------------------------------------------


def reference_key(line: str) -> str:
    if not line.isascii() and not unicodedata.is_normalized("NFKC", line):
        line = unicodedata.normalize("NFKC", line)
    return re.sub(r"[\W_]+", " ", line.casefold()).strip()


# Characters that fold, normalise or split in unusual ways, beside any others.
ODD = "aZk9_-:.,|[(\t ’‘“”—–£€…ﬁİıſKéß\u0301\u00a0\u2028\u3000\x1c\r"
KEY_TEXT = st.text(st.sampled_from(ODD) | st.characters(), max_size=40)


@given(KEY_TEXT)
def test_line_key_is_the_plain_fold(line: str) -> None:
    assert line_key(line) == reference_key(line)


def test_key_separators_fold_to_spaces_whatever_their_case() -> None:
    for mark_ in _SEPARATORS:
        assert mark_.casefold() == mark_ and _FOLD_RE.fullmatch(mark_)


def reference_lines(text: str) -> list[tuple[int, int, int, str]]:
    """(index, start, end, stripped) of each non-blank line, from the text split whole."""
    sep = "\r" if "\n" not in text and "\r" in text else "\n"
    out, start = [], 0
    for k, part in enumerate(text.split(sep)):
        if part.strip():
            out.append((k, start, start + len(part), part.strip()))
        start += len(part) + 1
    return out


def reference_next_lower(text: str, k: int) -> bool:
    sep = "\r" if "\n" not in text and "\r" in text else "\n"
    for part in text.split(sep)[k + 1 : k + 4]:
        if part.lstrip():
            return part.lstrip()[0].islower()
    return False


DOC_LINES = st.sampled_from(
    ["", " ", "\t", "\u2028", "\u00a0", "Share this:", "read more", "[ Read more", "(\nsee", "a b", "Ab.", "x" * 30]
) | st.text(st.sampled_from(ODD), max_size=8)
DOCS = st.builds(lambda parts, sep: sep.join(parts), st.lists(DOC_LINES, max_size=12), st.sampled_from(["\n", "\r\n", "\r"]))


@given(DOCS)
def test_lines_are_read_as_from_the_split_text(text: str) -> None:
    sep = _separator(text)
    expected = reference_lines(text)
    assert list(_forward(text, sep, 0, 0, len(text))) == expected
    assert list(_backward(text, sep, text.count(sep), len(text), -1)) == expected[::-1]
    for k, start, end, line in expected:
        assert _next_lower(text, sep, end) == reference_next_lower(text, k)
        assert text[_first(text, start, line) :].startswith(line)


@given(DOCS)
def test_body_candidates_hold_every_line_a_body_pattern_matches(text: str) -> None:
    found = [k for k, _, _, _ in _body_candidates(text)]
    assert found == sorted(set(found))
    body = re.compile(_BY_ZONE["body"].pattern)
    assert {k for k, _, _, line in reference_lines(text) if body.fullmatch(line)} <= set(found)


# -- in a scan ---------------------------------------------------------------------------


def write_corpus(root: Path, gen) -> dict[str, str]:
    original = article(gen, 400)
    paragraphs = original.split("\n\n")
    frame_head = "Ken Ibbotson writes:\n\n"
    frame_tail = "\n\n[Continue reading…]\n\nShare this:\nFacebook | Twitter | Email\nPrint Friendly, PDF & Email\n"
    docs = {
        "news/original.txt": original,
        "blogs/repost.txt": frame_head + "\n\n".join(paragraphs[:2]) + frame_tail,
        "blogs/frames-only.txt": "Share this:\nTwitter\nPrint Friendly, PDF & Email\n",
    }
    for k in range(4):
        docs[f"misc/other{k}.txt"] = article(gen) + "\n\nFollow the Courier on Mastodon\n"
    for name, text in docs.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return docs


def test_scan_sets_boilerplate_aside_from_matching_and_coverage(tmp_path: Path, gen) -> None:
    docs = write_corpus(tmp_path, gen)
    result = textreuse.scan([tmp_path], workers=1)
    (pair,) = [p for p in result.pairs if "blogs/repost.txt" in (p.doc_a, p.doc_b)]
    assert pair.relation == "excerpt" and pair.doc_a == "blogs/repost.txt"
    assert pair.coverage_a == 1.0  # the frame lines do not count against the excerpt
    repost = docs["blogs/repost.txt"]
    kinds_found = {repost[a.start : a.end]: a.kind for a in result.annotations["blogs/repost.txt"]}
    assert kinds_found["Ken Ibbotson writes:"] == "byline"
    assert kinds_found["[Continue reading…]"] == "continue-link"
    for k in range(4):
        (a,) = result.annotations[f"misc/other{k}.txt"]
        assert a.kind == "recurring"
    assert len(result.annotations["blogs/frames-only.txt"]) == 3
    assert "blogs/frames-only.txt" in {d.id for d in result.documents}
    # Raw text is kept as read.
    assert {d.id: d.raw_text for d in result.documents}["blogs/repost.txt"] == repost

    off = textreuse.scan(
        [tmp_path], workers=1, config=Config(boilerplate=BoilerplateConfig(patterns=False, recurring=False))
    )
    (pair_off,) = [p for p in off.pairs if "blogs/repost.txt" in (p.doc_a, p.doc_b)]
    assert pair_off.coverage_a < 0.95 and not off.annotations


def test_scan_repairs_a_damaged_copy_from_its_clean_witness(tmp_path: Path) -> None:
    clean = (
        "“We’ll see,” the mayor said — and left the hall before the vote. "
        "The council’s budget passed by one vote; the mayor’s team said it would ‘wait and see’. "
    ) * 8
    (tmp_path / "clean.txt").write_text(clean, encoding="utf-8")
    (tmp_path / "damaged.txt").write_text(damage(clean), encoding="utf-8")
    result = textreuse.scan([tmp_path], workers=1)
    steps = result.repairs["damaged.txt"]
    assert "clean.txt" not in result.repairs
    assert any(s.witness == "clean.txt" for s in steps)
    assert apply_steps(damage(clean), steps) == clean


# -- on the command line -------------------------------------------------------------------


def cli(*args: object):
    from typer.testing import CliRunner

    from textreuse.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


POST = (
    "Ken Ibbotson writes:\n\n"
    "The councilâs vote was close â and the mayorâs team said it would âwait and seeâ.\n\n"
    "[Continue reading…]\nShare this:\n"
)


def test_clean_keeps_marks_or_strips_boilerplate(tmp_path: Path) -> None:
    import json

    path = tmp_path / "post.txt"
    path.write_text(POST, encoding="utf-8")
    before = path.read_bytes()
    repaired = apply_steps(POST, repair(POST).steps)
    kept = cli("clean", path)
    assert kept.exit_code == 0 and kept.stdout_bytes.decode("utf-8") == repaired
    marked = cli("clean", path, "--mark").stdout_bytes.decode("utf-8")
    assert marked.splitlines()[0] == "[boilerplate:byline] Ken Ibbotson writes:"
    assert marked.splitlines()[-1] == "[boilerplate:share-widget] Share this:"
    stripped = cli("clean", path, "--strip").stdout_bytes.decode("utf-8")
    assert stripped == "\n" + repaired.splitlines()[2] + "\n\n"
    # --explain lists the steps that give the output; kept boilerplate has no replacement.
    for flags, expected in (([], repaired), (["--strip"], stripped), (["--mark"], marked)):
        rows = [json.loads(line) for line in cli("clean", path, "--explain", *flags).stdout.splitlines()]
        assert all(POST[r["start"] : r["end"]] == r["raw"] for r in rows)
        from textreuse.clean.encoding import Step

        applied = [Step(r["start"], r["end"], r["replacement"], r["rule"], r["confidence"]) for r in rows if r["replacement"] is not None]
        assert apply_steps(POST, applied) == expected
        if not flags:
            assert sorted(r["kind"] for r in rows if r["replacement"] is None) == ["byline", "continue-link", "share-widget"]
    assert cli("clean", path, "--mark", "--strip").exit_code == 2
    assert path.read_bytes() == before


def test_text_repaired_takes_characters_from_a_clean_witness(tmp_path: Path) -> None:
    import json

    clean = (
        "The mayor said — after a long pause — that the vote was ‘final’. "
        "“We’ll see,” said the council’s clerk, who had counted twice. "
    ) * 6
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "clean.txt").write_text(clean, encoding="utf-8")
    (corpus / "damaged.txt").write_text(damage(clean), encoding="utf-8")
    db = tmp_path / "x.duckdb"
    assert cli("scan", corpus, "--db", db, "--quiet").exit_code == 0
    raw = cli("text", "damaged.txt", "--db", db).stdout_bytes.decode("utf-8")
    assert raw == damage(clean)
    fixed = cli("text", "damaged.txt", "--db", db, "--repaired")
    assert fixed.exit_code == 0 and fixed.stdout_bytes.decode("utf-8") == clean
    rows = [json.loads(line) for line in cli("text", "damaged.txt", "--db", db, "--repaired", "--explain").stdout.splitlines()]
    assert rows and {r.get("witness") for r in rows} >= {"clean.txt"}
    # The clean document comes back as it is.
    assert cli("text", "clean.txt", "--db", db, "--repaired").stdout_bytes.decode("utf-8") == clean


def test_scan_stores_annotations_and_repairs_and_can_turn_them_off(tmp_path: Path, gen) -> None:
    import duckdb

    corpus = tmp_path / "corpus"
    write_corpus(corpus, gen)
    (corpus / "post.txt").write_text(POST, encoding="utf-8")
    db = tmp_path / "on.duckdb"
    assert cli("scan", corpus, "--db", db, "--quiet").exit_code == 0
    con = duckdb.connect(str(db), read_only=True)
    kinds_stored = dict(con.execute("SELECT kind, count(*) FROM annotations GROUP BY kind").fetchall())
    assert kinds_stored["byline"] == 2 and kinds_stored["recurring"] == 4
    assert con.execute("SELECT count(DISTINCT doc_id) FROM repairs").fetchone() == (1,)
    con.close()
    db_off = tmp_path / "off.duckdb"
    assert cli("scan", corpus, "--db", db_off, "--quiet", "--no-boilerplate", "--no-repair").exit_code == 0
    con = duckdb.connect(str(db_off), read_only=True)
    assert con.execute("SELECT count(*) FROM annotations").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM repairs").fetchone() == (0,)
    con.close()


def test_a_blog_head_with_site_name_and_post_line_still_finds_the_frame(gen) -> None:
    head = "Brackenford Matters - local politics\nPosted on 13 March by Maria Keller | Filed under: Council | 4 comments\n\n"
    text = head + "Maria Keller writes:\n\n" + article(gen)
    assert kinds(text) == {"Maria Keller writes:": "byline"}


def test_copies_differing_only_in_a_recurring_line_get_their_own_offsets(tmp_path: Path, gen, norm_words) -> None:
    """Duplicates by their words whose recurring lines differ are aligned each on its own."""
    body = article(gen, 240)
    line = "Follow the Courier on Mastodon"
    files = {
        "a1.txt": f"{line}\n\n{body}",  # a short head line: recurring, set aside
        "a2.txt": f"{line}. {body}",  # the same words inside the first paragraph: content
        "c.txt": article(gen) + "\n\n" + body.split("\n\n")[-1] + "\n",  # quotes the last paragraph
    }
    # A head line links the documents holding it into one group unless more than
    # max_link_docs (10) hold it: eleven others make it chrome.
    for k in range(11):
        files[f"other{k}.txt"] = f"{line}\n\n{article(gen)}"
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = textreuse.scan([tmp_path], workers=1)
    assert [a.kind for a in result.annotations["a1.txt"]] == ["recurring"]
    assert "a2.txt" not in result.annotations
    # The two copies are one text: c is paired with one of them, and each reported pair's
    # offsets hold the same words on both sides.
    (story,) = [s for s in result.stories if s.member("c.txt") is not None]
    assert {m.doc_id for m in story.members} == {"a1.txt", "a2.txt", "c.txt"}
    linked = [p for p in result.pairs if "c.txt" in (p.doc_a, p.doc_b)]
    assert len(linked) == 1
    for pair in result.pairs:
        texts = {p: files[p] for p in (pair.doc_a, pair.doc_b)}
        for q in pair.passages:
            if pair.relation != "duplicate":
                assert norm_words(texts[pair.doc_a][q.a[0] : q.a[1]]) == norm_words(texts[pair.doc_b][q.b[0] : q.b[1]])


# The corpus-wide steps work on all documents' edge lines at once (EdgeTable); these
# compare them with the plain per-document definitions on random corpora where titles,
# chrome and tail prefixes recur.
_LINES = [
    "Share this story", "Join the debate", "Print Friendly, PDF & Email", "Markets rose today",
    "This article first appeared in The Courier", "This article first appeared in The Herald",
    "This article first appeared in Daily News", "This article first appeared in The Post",
    "Rain in the north", "Rain in the north", "A council vote", "Snow came early",
]


def _reference_groups(read, max_link_docs: int) -> list[int]:
    holders: dict[int, list[int]] = {}
    for k, r in enumerate(read):
        for e in r[0]:
            if e.what != 2:  # PATTERN
                holders.setdefault(e.key, []).append(k)
    links = [(m, ms[0]) for ms in holders.values() if 1 < len(ms) <= max_link_docs for m in ms[1:]]
    from textreuse.graph import components

    return components(len(read), links)


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(_LINES), max_size=3),
            st.integers(0, 6),
            st.lists(st.sampled_from(_LINES), max_size=3),
        ),
        min_size=1,
        max_size=30,
    ),
    st.integers(2, 4),
    st.integers(2, 5),
)
def test_table_survey_equals_the_merge_of_each_document(docs, min_contexts: int, max_link_docs: int) -> None:
    config = BoilerplateConfig(min_contexts=min_contexts, max_link_docs=max_link_docs)
    texts = [
        "\n".join([*head, f"Story {k} opens with a long sentence of content about item {k}.", *(["Body."] * body), *tail])
        for k, (head, body, tail) in enumerate(docs)
    ]
    read = [edges(t, config=config) for t in texts]
    groups = content_groups(read, config=config)
    assert groups == _reference_groups(read, max_link_docs)
    reference = merge_surveys(((survey_lines(t, read=r), g) for t, r, g in zip(texts, read, groups)), config=config)
    table = survey_table(read, groups, config=config)
    assert table.lines == reference.recurring().lines
    assert table.prefixes == reference.recurring().prefixes
    expected = [
        k for k, r in enumerate(read)
        if any(e.key in reference.recurring_lines() or e.prefix in reference.recurring_prefixes() for z in r for e in z)
    ]  # fmt: skip
    assert holding(read, table) == expected

"""Tests for provenance: evidence of who copied whom, origins, and the story tree."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

import textreuse
from textreuse.clean.boilerplate import mark
from textreuse.cli import app
from textreuse.model import Document, Pair
from textreuse.relate.provenance import Evidence, direct, evidence


def article(gen, n: int = 160) -> str:
    words = gen.words(n)
    return "\n\n".join(gen.prose(words[k : k + 40], line=1000) for k in range(0, n, 40))


def kinds(found: list[Evidence]) -> dict[str, str]:
    return {e.kind: e.favours for e in found}


def test_each_kind_of_evidence_favours_the_origin() -> None:
    pair = Pair("copy", "orig", "near_duplicate", None, 0.9, 0.9)
    orig = Document("orig", "The story.", url="https://courier.example/story", source="Vale Courier",
                    author="Jane Doe", date="2024-03-01", capture_date="2024-03-02T10:00:00Z")
    copy = Document("copy", "Via the Vale Courier\n\nThe story, as Jane Doe wrote.", url="https://blog.example/p",
                    links=("https://www.courier.example/story/",), date="2024-03-04",
                    capture_date="2024-03-01T09:00:00Z")
    found = evidence(pair, copy, orig, frames_a=mark(copy.raw_text))
    assert kinds(found) == {"date": "orig", "link": "orig", "frame-names": "orig", "frame": "orig",
                            "capture-date": "copy"}
    assert direct(pair, found) == "orig"
    # Without the frame, naming the site in the text still counts.
    plain = Document("copy", "The story, the Vale Courier said.")
    assert kinds(evidence(pair, plain, Document("orig", "The story.", source="Vale Courier"))) == {"names": "orig"}


def test_no_evidence_or_a_tie_leaves_the_origin_open() -> None:
    pair = Pair("a", "b", "near_duplicate", None, 0.9, 0.9)
    a, b = Document("a", "Same words here."), Document("b", "Same words here.")
    assert evidence(pair, a, b) == [] and direct(pair, []) is None
    framed_a = Document("a", "Jo writes:\n\nSame words here.")
    framed_b = Document("b", "Ann writes:\n\nSame words here.")
    found = evidence(pair, framed_a, framed_b, frames_a=mark(framed_a.raw_text), frames_b=mark(framed_b.raw_text))
    assert sorted(e.favours for e in found) == ["a", "b"] and direct(pair, found) is None


def test_a_correction_sent_hours_later_the_same_day_is_the_copy() -> None:
    # A wire's story and its correction, four hours apart: the correction is longer
    # (a note at the end), so the story is its excerpt; the timestamps outweigh that.
    story = Document("story", "x", date="1987-03-05T09:34:13")
    fixed = Document("fixed", "x", date="1987-03-05T12:37:09")
    pair = Pair("story", "fixed", "excerpt", None, 1.0, 0.7)
    assert direct(pair, evidence(pair, story, fixed)) == "story"
    later = Pair("fixed", "story", "excerpt", None, 1.0, 0.7)
    assert direct(later, evidence(later, fixed, story)) == "story"
    # A day alone against a timestamp of the same day decides nothing by date.
    undated_time = Document("fixed", "x", date="1987-03-05")
    assert "date" not in kinds(evidence(pair, story, undated_time))


def test_a_site_naming_itself_is_not_evidence() -> None:
    pair = Pair("a", "b", "overlap", None, 0.2, 0.2)
    a = Document("a", "News from the Vale Courier newsroom.", source="Vale Courier")
    b = Document("b", "Other words, and the Vale Courier too.", source="Vale Courier")
    assert evidence(pair, a, b) == []


def write_pages(root: Path, gen) -> None:
    body = article(gen, 200)
    paragraphs = body.split("\n\n")
    original = (
        "<html><head><title>Council closes library</title>"
        '<link rel="canonical" href="https://courier.example/library">'
        '<meta property="og:site_name" content="Vale Courier"></head><body><article>'
        "<h1>Council closes library</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>"
    )
    repost = (
        "<html><head><title>Library news</title>"
        '<link rel="canonical" href="https://blog.example/library-news"></head><body><article>'
        "<h1>Library news</h1><p>Ken Ibbotson writes:</p>"
        + "".join(f"<p>{p}</p>" for p in paragraphs[:2])
        + '<p><a href="https://courier.example/library">[Continue reading…]</a></p></article></body></html>'
    )
    root.mkdir(parents=True, exist_ok=True)
    (root / "original.html").write_text(original, encoding="utf-8")
    (root / "repost.html").write_text(repost, encoding="utf-8")


def test_a_repost_linking_back_is_directed_to_the_original(tmp_path: Path, gen) -> None:
    write_pages(tmp_path / "web", gen)
    result = textreuse.scan([tmp_path / "web"], workers=1)
    (pair,) = result.pairs
    assert (pair.doc_a, pair.doc_b, pair.relation) == ("repost.html", "original.html", "excerpt")
    assert pair.origin == "original.html"
    found = kinds(list(result.evidence[(pair.doc_a, pair.doc_b)]))
    assert found["link"] == found["frame"] == found["excerpt"] == "original.html"


def test_dates_decide_and_the_evidence_is_stored(tmp_path: Path, gen) -> None:
    text = article(gen)
    rows = [
        {"id": "late", "text": text.replace("a", "a", 1), "date": "2024-05-02"},
        {"id": "early", "text": text, "date": "2024-05-01"},
    ]
    corpus = tmp_path / "feed.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = tmp_path / "x.duckdb"
    result = CliRunner().invoke(app, ["scan", str(corpus), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT origin FROM pairs").fetchall() == [("early",)]
    assert con.execute("SELECT kind, favours FROM evidence").fetchall() == [("date", "early")]
    con.close()


def test_story_tree_draws_who_copied_whom(tmp_path: Path, gen) -> None:
    source = article(gen, 240)
    paragraphs = source.split("\n\n")
    files = {
        "news/original.txt": source,
        "blogs/one.txt": "Ann Lee writes:\n\n" + "\n\n".join(paragraphs[:2]) + "\n\n[Continue reading…]\n",
        "blogs/two.txt": "Bo Ray writes:\n\n" + "\n\n".join(paragraphs[2:4]) + "\n\nRead the full story at x.example\n",
        "misc/unrelated.txt": article(gen),
    }
    for name, text in files.items():
        (tmp_path / "c" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "c" / name).write_text(text, encoding="utf-8")
    db = tmp_path / "x.duckdb"
    runner = CliRunner()
    assert runner.invoke(app, ["scan", str(tmp_path / "c"), "--db", str(db), "--quiet"]).exit_code == 0
    listed = runner.invoke(app, ["stories", "--db", str(db), "--format", "jsonl"])
    (story,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert story["origin"] == "news/original.txt" and story["size"] == 3
    drawn = runner.invoke(app, ["stories", "--db", str(db), "--format", "table", "show", story["story"]])
    assert drawn.exit_code == 0
    lines = drawn.stdout.splitlines()
    root = next(i for i, line in enumerate(lines) if "news/original.txt  (origin)" in line)
    below = [line for line in lines[root + 1 :] if "blogs/" in line]
    assert len(below) == 2 and all("[excerpt" in line for line in below)
    shown = runner.invoke(app, ["stories", "--db", str(db), "--format", "jsonl", "show", story["story"]])
    members = [json.loads(line) for line in shown.stdout.splitlines()]
    assert sorted((m["source"], m["doc"]) for m in members if m["source"]) == [
        ("news/original.txt", "blogs/one.txt"), ("news/original.txt", "blogs/two.txt")]


def test_a_bounded_cache_of_facts_never_loses_a_pair_it_is_weighing(monkeypatch) -> None:
    # One document paired with many others (a story's anchor with its copies): with the
    # cache full, adding the second document of a pair dropped the first (KeyError, seen
    # as 18 internal rejects in the viral k = 100,000 scan).
    from textreuse.relate import provenance

    docs = [Document("anchor", "The story, as first told.", url="https://first.example/a")]
    docs += [Document(f"c{k}", f"The story, as first told. Copy {k}.", url=f"https://site{k}.example/") for k in range(6)]
    pairs = [Pair("anchor", f"c{k}", "excerpt", None, 1.0, 0.6) for k in range(6)]
    unbounded = provenance.direct_pairs(docs, pairs, {}, failed=[])
    monkeypatch.setattr(provenance, "FACTS_KEPT", 2)
    failed: list = []
    bounded = provenance.direct_pairs(docs, pairs, {}, failed=failed)
    assert failed == [] and bounded == unbounded

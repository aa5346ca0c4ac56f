"""Tests for the stored index (postings) and `textreuse trace` against it."""

from __future__ import annotations

import hashlib
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from textreuse.cli import app
from textreuse.engines.local import scan
from textreuse.engines.trace import trace
from textreuse.errors import IngestError, StoreError
from textreuse.index.candidates import IndexConfig, Sketch, find_candidates, query_candidates
from textreuse.store import duckdb as store

runner = CliRunner()


def words_in(text: str, span: list[int] | tuple[int, int], norm_words) -> list[str]:
    return norm_words(text[span[0] : span[1]])


@pytest.fixture
def texts(gen) -> dict[str, str]:
    """An original, a later partial copy, exact duplicates and unrelated documents."""
    original = gen.words(600)
    dup = gen.prose(gen.words(300))
    # The copy has a byline, and it and four other documents a tail line of their site:
    # boilerplate a trace must set aside in stored documents as the scan did.
    tail = "\n\nThe Lorem Gazette, all rights kept."
    out = {
        "orig": gen.prose(original),
        "copy": "By Jane Doe\n\n" + gen.prose(original[:250] + gen.words(250)) + tail,
        "dup1": dup,
        "dup2": dup,
    }
    for k in range(4):
        out[f"other{k}"] = gen.prose(gen.words(300)) + tail
    out["_original_words"] = " ".join(original)
    return out


@pytest.fixture
def db(tmp_path: Path, texts: dict[str, str]) -> Path:
    """A scanned corpus: one JSONL feed with dates (orig before copy)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    dates = {"orig": "2024-05-01", "copy": "2024-05-03"}
    with (corpus / "feed.jsonl").open("w", encoding="utf-8") as f:
        for doc_id, text in texts.items():
            if not doc_id.startswith("_"):
                f.write(json.dumps({"id": doc_id, "text": text, "date": dates.get(doc_id)}) + "\n")
    path = tmp_path / "corpus.duckdb"
    scan([corpus], db=path, workers=1)
    return path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- the stored index


def test_scan_stores_one_sketch_per_set_of_duplicates(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        indexed = {r[0] for r in con.execute(
            "SELECT DISTINCT doc_id FROM postings JOIN index_documents USING (doc)"
        ).fetchall()}
        prints = dict(con.execute("SELECT doc_id, fingerprint FROM index_documents").fetchall())
        entries = con.execute("SELECT count(*) FROM postings").fetchall()[0][0]
        numbers = con.execute("SELECT count(*), count(DISTINCT doc), max(doc) FROM index_documents").fetchall()[0]
        meta = json.loads(con.execute("SELECT value FROM runs WHERE key = 'index'").fetchall()[0][0])
    finally:
        con.close()
    assert len(indexed & {"dup1", "dup2"}) == 1
    assert {"orig", "copy", "other0"} <= indexed
    assert prints["dup1"] == prints["dup2"] != prints["orig"]
    assert numbers == (8, 8, 7)
    # One entry per sampled n-gram: about a quarter of the indexed words.
    assert 0.15 * 7 * 300 < entries < 0.35 * (600 + 500 + 6 * 300)
    assert meta["index"]["sample"] == IndexConfig().sample and meta["version"] == 2
    with store.connect(db) as con:
        kinds = con.execute("SELECT kind FROM annotations WHERE doc_id = 'copy' ORDER BY start").fetchall()
    assert [k for (k,) in kinds] == ["byline", "recurring"]


def _entries(sketches: list[Sketch], query: Sketch, max_df: int) -> tuple[np.ndarray, ...]:
    """Return every stored entry of the query's n-grams, with df and the anchor priority
    of its document once the query is added (computed the slow way)."""
    hashes = np.concatenate([s.hashes for s in sketches])
    docs = np.repeat(np.arange(len(sketches), dtype=np.int32), [len(s) for s in sketches])
    places = np.concatenate([s.positions for s in sketches]).astype(np.int32)
    df = np.array([int((hashes == h).sum()) for h in hashes], dtype=np.int64)
    with_query = df + np.isin(hashes, query.hashes)
    priority = np.array([int((with_query[docs == d] > max_df).sum()) for d in docs], dtype=np.int64)
    hit = np.isin(hashes, query.hashes)
    return hashes[hit], docs[hit], places[hit], df[hit], priority[hit]


def _random_sketches(rng: np.random.Generator, n: int, *, pool: tuple[int, int], most: int) -> list[Sketch]:
    """Return `n` random sketches over a pool of ``pool[1]`` hashes below ``pool[0]``, each of
    2 to `most` hashes at distinct positions."""
    hashes_pool = rng.choice(np.arange(1, pool[0], dtype=np.uint64), size=pool[1], replace=False)
    out = []
    for _ in range(n):
        hashes = np.unique(rng.choice(hashes_pool, size=int(rng.integers(2, most)), replace=False))
        out.append(Sketch(hashes, rng.permutation(np.arange(0, 5 * len(hashes), 5, dtype=np.int32))[: len(hashes)]))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_query_candidates_agrees_with_the_candidate_search(seed: int) -> None:
    """A query finds exactly the pairs a scan would make with the document added last."""
    *sketches, query = _random_sketches(np.random.default_rng(seed), 13, pool=(400, 300), most=60)
    config = IndexConfig(max_df=4)
    # Detours kept: the database does not say which stored documents pair with each other.
    every = find_candidates(sketches + [query], config=config, detours=True)
    a, b, shared = every.a, every.b, every.shared
    last = b == len(sketches)
    found, counts = query_candidates(query, *_entries(sketches, query, config.max_df), config=config)
    assert found.tolist() == a[last].tolist()
    assert counts.tolist() == shared[last].tolist()


@pytest.mark.parametrize("seed", range(4))
def test_stored_postings_query_agrees_with_the_candidate_search(seed: int) -> None:
    """Through DuckDB: the rows query_postings picks (long lists' anchors included) give
    the pairs a scan would make with the new document added last."""
    from textreuse.config import Config
    from textreuse.store.postings import ScanIndex, query_postings

    *sketches, query = _random_sketches(np.random.default_rng(100 + seed), 11, pool=(60, 50), most=30)
    config = IndexConfig(max_df=3)
    found = find_candidates(sketches, config=config)
    ids = [f"d{k}" for k in range(len(sketches))]
    index = ScanIndex.build(ids, {k: [k] for k in range(len(sketches))}, list(range(len(sketches))),
                            sketches, Config(index=config), found.priority.tolist())
    con = duckdb.connect()
    con.register("p", index.postings())
    con.register("i", index.documents())
    con.execute("CREATE TABLE postings AS SELECT * FROM p")
    con.execute("CREATE TABLE index_documents AS SELECT * FROM i")
    got, counts = query_candidates(query, *query_postings(con, query.hashes, max_df=config.max_df), config=config)
    # Detours kept: the database does not say which stored documents pair with each other.
    every = find_candidates(sketches + [query], config=config, detours=True)
    a, b, shared = every.a, every.b, every.shared
    last = b == len(sketches)
    assert got.tolist() == a[last].tolist()
    assert counts.tolist() == shared[last].tolist()


def test_query_candidates_pairs_long_lists_with_their_anchor_only() -> None:
    query = Sketch(np.array([1, 2], dtype=np.uint64), np.array([0, 10], dtype=np.int32))
    # Documents 0 and 1 both hold n-grams 1 and 2 (df 2 each).
    rows = (np.array([1, 2, 1, 2], dtype=np.uint64), np.array([0, 0, 1, 1], dtype=np.int32),
            np.array([0, 10, 0, 10], dtype=np.int32), np.array([2, 2, 2, 2]))
    found, _ = query_candidates(query, *rows, np.zeros(4, np.int64), config=IndexConfig(max_df=3))
    assert found.tolist() == [0, 1]
    # With the new document each list holds 3 documents, over a cap of 2: it pairs with
    # the lists' anchor (the least document among equal priorities) alone.
    found, _ = query_candidates(query, *rows, np.full(4, 2), config=IndexConfig(max_df=2))
    assert found.tolist() == [0]
    # Outranking every stored document, the new one is the anchor and pairs with all.
    found, _ = query_candidates(query, *rows, np.full(4, 1), config=IndexConfig(max_df=2))
    assert found.tolist() == [0, 1]


# ---------------------------------------------------------------- trace


def test_trace_finds_the_source_of_an_excerpt(tmp_path: Path, db: Path, texts: dict[str, str], norm_words) -> None:
    words = texts["_original_words"].split()
    excerpt = write(tmp_path, "excerpt.txt", " ".join(words[300:420]) + "\n")
    before = digest(db)
    result = trace(excerpt, db)
    by_doc = {p.doc_b: p for p in result.pairs}
    assert set(by_doc) == {"orig"}  # the copy holds words 0-250 only
    pair = by_doc["orig"]
    assert (pair.doc_a, pair.relation, pair.origin) == ("excerpt.txt", "excerpt", "orig")
    assert pair.coverage_a == pytest.approx(1.0)
    assert result.origin == "orig"
    new_text = excerpt.read_text(encoding="utf-8")
    for q in pair.passages:
        assert words_in(new_text, q.a, norm_words) == words_in(texts["orig"], q.b, norm_words)
    covered = [w for q in pair.passages for w in words_in(new_text, q.a, norm_words)]
    assert covered == norm_words(new_text)
    assert digest(db) == before  # nothing written


def test_trace_gives_the_pairs_a_rescan_would(tmp_path: Path, db: Path, texts: dict[str, str]) -> None:
    words = texts["_original_words"].split()
    excerpt = write(tmp_path, "excerpt.txt", " ".join(words[150:420]) + "\n")
    traced = {p.doc_b: p for p in trace(excerpt, db).pairs}
    corpus = tmp_path / "corpus"
    rescanned = scan([corpus, excerpt], workers=1)
    expected = {}
    for p in rescanned.all_pairs():
        if "excerpt.txt" in (p.doc_a, p.doc_b):
            other = p.doc_b if p.doc_a == "excerpt.txt" else p.doc_a
            expected[other] = p
    # Every pair of story members the rescan has (the excerpt with orig and its copy) ...
    assert set(traced) == set(expected) == {"orig", "copy"}
    assert all(traced[o].relation == p.relation for o, p in expected.items())
    # ... and where the rescan aligned the pair itself (its tree pair), the same alignment.
    aligned = [p for p in rescanned.pairs if "excerpt.txt" in (p.doc_a, p.doc_b)]
    assert len(aligned) == 1
    for p in aligned:
        other = p.doc_b if p.doc_a == "excerpt.txt" else p.doc_a
        t = traced[other]
        flip = p.doc_a != "excerpt.txt"
        assert t.relation == p.relation and t.origin == p.origin
        assert (t.coverage_a, t.coverage_b) == pytest.approx((p.coverage_b, p.coverage_a) if flip else (p.coverage_a, p.coverage_b))
        sides = [(q.b, q.a) if flip else (q.a, q.b) for q in p.passages]
        assert sorted((q.a, q.b) for q in t.passages) == sorted(sides)


def test_trace_of_an_unrelated_document_finds_nothing(tmp_path: Path, db: Path, gen) -> None:
    lonely = write(tmp_path, "lonely.txt", gen.prose(gen.words(400)))
    result = trace(lonely, db)
    assert result.pairs == [] and result.origin is None
    assert "no stored document" in result.reason


def test_trace_of_a_near_duplicate_dates_its_origin(tmp_path: Path, db: Path, texts: dict[str, str], gen, norm_words) -> None:
    words = texts["_original_words"].split()
    near = write(tmp_path, "near.txt", gen.prose(gen.edit(words, 0.04)))
    result = trace(near, db, date="2024-06-01")
    by_doc = {p.doc_b: p for p in result.pairs}
    assert by_doc["orig"].relation == "near_duplicate"
    assert by_doc["orig"].origin == "orig"
    assert result.origin == "orig" and "2024-05-01" in result.reason
    # Without a date a near duplicate has no direction.
    undated = trace(near, db)
    assert {p.doc_b: p.origin for p in undated.pairs}["orig"] is None
    text = near.read_text(encoding="utf-8")
    q = max(by_doc["orig"].passages, key=lambda q: q.a[1] - q.a[0])
    got, want = words_in(text, q.a, norm_words), words_in(texts["orig"], q.b, norm_words)
    assert len(set(got) & set(want)) >= 0.9 * len(set(want))


def test_trace_of_an_exact_duplicate_pairs_with_every_copy(tmp_path: Path, db: Path, texts: dict[str, str]) -> None:
    again = write(tmp_path, "again.txt", texts["dup1"].upper())
    result = trace(again, db)
    assert {(p.doc_b, p.relation) for p in result.pairs} == {("dup1", "duplicate"), ("dup2", "duplicate")}


def test_trace_of_an_excerpt_of_duplicates_pairs_with_every_copy(
    tmp_path: Path, db: Path, texts: dict[str, str]
) -> None:
    part = write(tmp_path, "part.txt", texts["dup1"][200:1200])
    result = trace(part, db)
    assert {(p.doc_b, p.relation) for p in result.pairs} == {("dup1", "excerpt"), ("dup2", "excerpt")}


def test_trace_on_a_database_without_postings_asks_for_a_rescan(tmp_path: Path, texts: dict[str, str]) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name in ("orig", "copy"):
        write(corpus, f"{name}.txt", texts[name])
    result = scan([corpus], workers=1)
    old = tmp_path / "old.duckdb"
    names = ["documents", "rejects", "pairs", "passages", "stories", "annotations", "repairs"]
    store.write(old, result.tables(names), {"version": "0.1.0"})
    excerpt = write(tmp_path, "x.txt", texts["orig"][:400])
    with pytest.raises(StoreError, match=r"no stored index.*textreuse scan CORPUS --db"):
        trace(excerpt, old)
    cli = runner.invoke(app, ["trace", str(excerpt), "--db", str(old)])
    assert cli.exit_code == 1 and "rescan" in cli.stderr


def test_trace_of_a_missing_file_says_so(tmp_path: Path, db: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        trace(tmp_path / "nope.txt", db)
    cli = runner.invoke(app, ["trace", str(tmp_path / "nope.txt"), "--db", str(db)])
    assert cli.exit_code == 1 and "no such file" in cli.stderr and "Traceback" not in cli.stderr


def test_trace_refuses_an_id_the_database_holds(tmp_path: Path, db: Path, texts: dict[str, str]) -> None:
    doc = write(tmp_path, "orig", texts["orig"])
    with pytest.raises(StoreError, match="--id"):
        trace(doc, db)
    assert trace(doc, db, doc_id="orig-again").pairs


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A local web server over tmp_path/www (no network)."""
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_trace_reads_a_url(tmp_path: Path, db: Path, texts: dict[str, str], server: str) -> None:
    words = texts["_original_words"].split()
    write(tmp_path / "www", "story.txt", " ".join(words[300:420]) + "\n")
    result = trace(f"{server}/story.txt", db)
    assert result.document.id == f"{server}/story.txt"
    assert [(p.doc_b, p.relation) for p in result.pairs] == [("orig", "excerpt")]


def test_trace_of_an_unreachable_url_says_so(db: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(IngestError, match=rf"cannot fetch http://127.0.0.1:{port}/x"):
        trace(f"http://127.0.0.1:{port}/x", db)


def test_trace_cli_outputs_pairs_and_origin(tmp_path: Path, db: Path, texts: dict[str, str]) -> None:
    words = texts["_original_words"].split()
    excerpt = write(tmp_path, "excerpt.txt", " ".join(words[300:420]) + "\n")
    lines = runner.invoke(app, ["trace", str(excerpt), "--db", str(db), "--format", "jsonl"])
    assert lines.exit_code == 0, lines.stderr
    rows = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [(r["doc_a"], r["doc_b"], r["relation"]) for r in rows] == [("excerpt.txt", "orig", "excerpt")]
    assert set(rows[0]) == {"doc_a", "doc_b", "relation", "origin", "coverage_a", "coverage_b", "passages"}
    assert "likely origin: orig" in lines.stderr
    summary = runner.invoke(app, ["trace", str(excerpt), "--db", str(db), "--json"])
    row = json.loads(summary.stdout)
    assert row["origin"] == "orig" and row["pairs"] == rows
    table = runner.invoke(app, ["trace", str(excerpt), "--db", str(db), "--format", "table"])
    assert table.exit_code == 0 and "likely origin: orig" in table.stdout


def test_trace_reads_an_html_page_and_points_into_its_main_text(
    tmp_path: Path, db: Path, texts: dict[str, str], norm_words
) -> None:
    words = texts["_original_words"].split()
    body = " ".join(words[300:420])
    page = write(
        tmp_path, "page.html",
        "<html><head><title>A story</title></head><body><nav>Home | News | Sport</nav>"
        f"<article><h1>A story</h1><p>{body}</p></article><footer>Contact us</footer></body></html>",
    )
    result = trace(page, db)
    assert [(p.doc_b, p.relation) for p in result.pairs] == [("orig", "excerpt")]
    main_text = result.document.raw_text
    for q in result.pairs[0].passages:
        assert words_in(main_text, q.a, norm_words) == words_in(texts["orig"], q.b, norm_words)


# ---------------------------------------------------------------- the stories a new document joins


def _story_with(db: Path, doc: str) -> tuple[str, str | None, int]:
    """Return the id, origin and size of the stored story `doc` holds as its own text."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT s.story_id, s.origin, s.size FROM stories s JOIN story_members m USING (story_id) "
            "WHERE m.doc_id = ? AND m.relation <> 'quoted'", [doc]
        ).fetchall()
    finally:
        con.close()
    assert len(row) == 1
    return row[0]


def test_trace_of_a_near_copy_joins_the_story_of_its_text(tmp_path: Path, db: Path, texts: dict[str, str], gen) -> None:
    story, origin, size = _story_with(db, "orig")
    near = write(tmp_path, "near.txt", gen.prose(gen.edit(texts["_original_words"].split(), 0.04)))
    result = trace(near, db, date="2024-06-01")
    assert result.stories is not None and len(result.stories) == 1
    joined = result.stories[0]
    assert (joined.story, joined.relation, joined.via, joined.origin, joined.size) == (story, "near_copy", "orig", origin, size)
    assert size >= 2 and joined.coverage > 0.9 and joined.spans[0][0] < 50
    text = near.read_text(encoding="utf-8")
    assert joined.spans[-1][1] > len(text) - 50  # the whole new text holds the story's


def test_trace_of_an_excerpt_joins_as_an_excerpt_and_a_copy_as_a_copy(tmp_path: Path, db: Path, texts: dict[str, str]) -> None:
    words = texts["_original_words"].split()
    excerpt = write(tmp_path, "excerpt.txt", " ".join(words[300:420]) + "\n")
    joined = trace(excerpt, db).stories
    assert joined is not None and [(j.story, j.relation, j.via) for j in joined] == [(_story_with(db, "orig")[0], "excerpt", "orig")]
    again = write(tmp_path, "again.txt", texts["dup1"])
    result = trace(again, db)
    joined = result.stories
    assert joined is not None and [(j.story, j.relation) for j in joined] == [(_story_with(db, "dup1")[0], "copy")]
    via = next(p for p in result.pairs if p.doc_b == joined[0].via)
    assert joined[0].via in ("dup1", "dup2") and joined[0].spans == tuple(q.a for q in via.passages)
    assert joined[0].spans[0][0] == 0 and joined[0].spans[-1][1] >= len(texts["dup1"]) - 2


def test_trace_of_a_text_quoting_a_stored_one_joins_its_story_as_quoted(tmp_path: Path, db: Path, texts: dict[str, str], gen) -> None:
    words = texts["_original_words"].split()
    quoting = write(tmp_path, "quoting.txt", gen.prose(gen.words(400) + words[350:500] + gen.words(400)))
    joined = trace(quoting, db).stories
    assert joined is not None and [(j.story, j.relation) for j in joined] == [(_story_with(db, "orig")[0], "quoted")]
    assert joined[0].coverage < 0.4
    lonely = write(tmp_path, "lonely.txt", gen.prose(gen.words(400)))
    assert trace(lonely, db).stories == []


def test_trace_cli_names_the_stories_in_every_format(tmp_path: Path, db: Path, texts: dict[str, str]) -> None:
    words = texts["_original_words"].split()
    excerpt = write(tmp_path, "excerpt.txt", " ".join(words[300:420]) + "\n")
    story = _story_with(db, "orig")[0]
    summary = runner.invoke(app, ["trace", str(excerpt), "--db", str(db), "--json"])
    assert summary.exit_code == 0, summary.stderr
    row = json.loads(summary.stdout)
    assert "family" not in row and [(s["story"], s["relation"], s["via"]) for s in row["stories"]] == [(story, "excerpt", "orig")]
    assert set(row["stories"][0]) == {"story", "relation", "via", "similarity", "coverage", "spans", "origin", "size", "representative"}
    table = runner.invoke(app, ["trace", str(excerpt), "--db", str(db), "--format", "table"])
    assert table.exit_code == 0 and story in table.stdout and "excerpt" in table.stdout
    for fmt in ("jsonl", "tsv", "csv"):
        rows = runner.invoke(app, ["trace", str(excerpt), "--db", str(db), "--format", fmt])
        assert rows.exit_code == 0 and f"joins story {story}: excerpt of its text (via orig" in rows.stderr
        assert story not in rows.stdout  # stdout holds the pairs only


def test_trace_on_a_database_without_stories_joins_the_stories_of_its_pairs(
    tmp_path: Path, db: Path, texts: dict[str, str], older_database
) -> None:
    old = older_database(db, tmp_path / "before-stories.duckdb", "story_members", "stories")
    excerpt = write(tmp_path, "excerpt.txt", " ".join(texts["_original_words"].split()[300:420]) + "\n")
    result, now = trace(excerpt, old), trace(excerpt, db)
    assert result.origin == now.origin == "orig"
    assert [j.to_dict() for j in result.stories] == [j.to_dict() for j in now.stories] and now.stories
    summary = runner.invoke(app, ["trace", str(excerpt), "--db", str(old), "--json"])
    assert summary.exit_code == 0 and json.loads(summary.stdout)["stories"] == [j.to_dict() for j in now.stories]


def test_trace_holds_pairs_to_the_copied_text_rule_as_a_scan_does(tmp_path: Path, gen) -> None:
    # One formula filled with other figures is not a copy; a correction of one figure is.
    template = gen.words(156)  # a formula is short (RelateConfig.figures_up_to)

    def filled(figures: list[str]) -> str:
        out: list[str] = []
        for k, w in enumerate(template):
            out.append(w)
            if k % 12 == 11:
                out.append(figures[k // 12])
        return gen.prose(out)

    one = [f"{k * 37 + 101:,}" for k in range(20)]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write(corpus, "a.txt", filled(one))
    write(corpus, "filler.txt", gen.prose(gen.words(300)))
    db = tmp_path / "f.duckdb"
    scan([corpus], db=db, workers=1)
    other = write(tmp_path, "other.txt", filled([f"{k * 53 + 7}.{k % 10}5" for k in range(20)]))
    fixed = one.copy()
    fixed[4] = "999"
    correction = write(tmp_path, "fixed.txt", filled(fixed))
    assert trace(other, db).pairs == []
    assert [(p.doc_b, p.relation) for p in trace(correction, db).pairs] == [("a.txt", "near_duplicate")]
    # And the rescan agrees.
    rescanned = scan([corpus, other, correction], workers=1)
    assert {frozenset((p.doc_a, p.doc_b)) for p in rescanned.all_pairs()} == {frozenset(("a.txt", "fixed.txt"))}

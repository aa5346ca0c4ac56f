"""The Spark engine gives the local engine's tables, row for row, whatever the partitions.

Spark tests are marked ``spark`` and skip when pyspark or Java is missing; CI sets
TEXTREUSE_REQUIRE_SPARK=1, and then a missing one fails the test instead.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from textreuse.clean.boilerplate import BoilerplateConfig
from textreuse.clean.encoding import damage
from textreuse.cli import app
from textreuse.config import Config
from textreuse.engines.local import scan
from textreuse.errors import EngineError, StoreError
from textreuse.graph import UnionFind
from textreuse.index.candidates import IndexConfig
from textreuse.store import parquet
from textreuse.store.duckdb import TABLES

# The tables a Spark scan writes besides the database's core ones, the trace index included.
SPARK_TABLES = (*TABLES, "stories", "story_members", "annotations", "repairs", "evidence", "postings", "index_documents")

DEMO = Path(__file__).resolve().parents[1] / "demo" / "corpus"


def _require_spark() -> None:
    missing = pytest.fail if os.environ.get("TEXTREUSE_REQUIRE_SPARK") == "1" else pytest.skip
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing("pyspark is not installed (pip install -e '.[spark]')")
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        missing("Java is not installed (apt-get install openjdk-17-jre-headless)")


@pytest.fixture(scope="session")
def spark():
    """Return one local[2] SparkSession for every Spark test, with few shuffle partitions."""
    _require_spark()
    from textreuse.engines.spark import session

    s = session("local[2]", partitions=2)
    s.conf.set("spark.sql.adaptive.enabled", "false")
    yield s
    s.stop()


# The columns holding an input's path: a Spark scan of a file:// URI names it so.
PATH_COLUMNS = {"documents": "source_path", "rejects": "path"}


def _assert_same_tables(db: Path, out: Path, uri: bool = False) -> dict[str, list[tuple]]:
    """Assert every table of the local database equals the Spark output, row for row, in order.

    With `uri` the Spark scan read the corpus as a file:// URI: its paths lose that prefix.
    """
    rows = {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        with parquet.connect(out) as pcon:
            for table in SPARK_TABLES:
                local_types = con.execute(f"DESCRIBE {table}").fetchall()
                spark_types = pcon.execute(f"DESCRIBE {table}").fetchall()
                assert [r[:2] for r in spark_types] == [r[:2] for r in local_types], table
                local_rows = con.execute(f"SELECT * FROM {table}").fetchall()
                select = "*"
                if uri and table in PATH_COLUMNS:
                    column = PATH_COLUMNS[table]
                    select = f"* REPLACE (regexp_replace({column}, '^file:', '') AS {column})"
                spark_rows = pcon.execute(f"SELECT {select} FROM {table}").fetchall()
                assert spark_rows == local_rows, table
                rows[table] = local_rows
    finally:
        con.close()
    return rows


# ---------------------------------------------------------------- a generated corpus


def _generated(root: Path, gen) -> Path:
    """Write a corpus with every relation, a duplicate group, a chain family, boilerplate and rejects."""
    files: dict[str, str | bytes] = {}
    originals = [gen.words(int(n)) for n in gen.rng.integers(150, 400, size=24)]
    for k, words in enumerate(originals):
        files[f"orig/{k:02d}.txt"] = gen.prose(words)
    # Duplicates: the same words wrapped differently, one in capitals (a group of three).
    files["dup/a.txt"] = gen.prose(originals[0], line=5)
    files["dup/b.txt"] = gen.prose([w.upper() for w in originals[0]], line=20)
    # Near duplicates, excerpts and quoted passages.
    for k in range(1, 5):
        files[f"near/{k}.txt"] = gen.prose(gen.edit(originals[k], 0.04))
        files[f"excerpt/{k}.txt"] = gen.prose(gen.words(15) + originals[k + 4][40:140] + gen.words(10))
        files[f"quote/{k}.txt"] = gen.prose(gen.words(300) + originals[k + 8][30:110] + gen.words(300))
    # A chain: x shares with y, y with z, z with w; x and w share nothing (one family).
    x, y, z, w = (gen.words(160) for _ in range(4))
    files["chain/x.txt"] = gen.prose(x)
    files["chain/y.txt"] = gen.prose(x[:80] + y)
    files["chain/z.txt"] = gen.prose(y[:80] + z)
    files["chain/w.txt"] = gen.prose(z[:80] + w)
    # Boilerplate in more documents than max_df: too common to pair on.
    footer = gen.words(45)
    for k in range(6):
        files[f"boiler/{k}.txt"] = gen.prose(gen.words(200) + footer)
    # A share line at the foot of unrelated articles (recurring boilerplate), one of them
    # also framed as a repost (pattern boilerplate), and one in a duplicate group.
    for k in (15, 16, 17, 18):
        frame = "Jo Bloggs writes:\n\n" if k == 16 else ""
        files[f"orig/{k:02d}.txt"] = frame + gen.prose(originals[k]) + "\n\nFollow the Courier on Mastodon\n"
    files["dup/c.txt"] = gen.prose(originals[15], line=7) + "\n\nFollow the Courier on Mastodon\n"
    files["repost/1.txt"] = "Jo Bloggs writes:\n\n" + gen.prose(originals[19][20:140]) + "\n\nRead the full story\n"
    # Lossy mojibake, repaired again with its clean copy as witness.
    clean = (
        "\u201cWe\u2019ll see,\u201d the mayor said \u2014 and left the hall before the vote. "
        "The council\u2019s budget passed by one vote; the mayor\u2019s team said it would \u2018wait and see\u2019. "
    ) * 8
    files["lossy/clean.txt"] = clean
    files["lossy/damaged.txt"] = damage(clean)
    files["misc/empty.txt"] = ""
    files["misc/blank.txt"] = "   \n"
    files["misc/mojibake.txt"] = gen.prose(originals[12][:200]).replace("e ", "â€™ ", 3)
    # A text copied more often than max_df, each copy edited: each copy pairs with the
    # fullest one, and the detours through a second anchor are left out.
    viral = gen.words(300)
    for k in range(10):
        files[f"viral/{k}.txt"] = gen.prose(gen.edit(viral, 0.04))
    records = [
        {"id": "wire-1", "text": gen.prose(originals[13]), "date": "2024-05-02"},
        {"id": "wire-2", "text": gen.prose(gen.edit(originals[13], 0.03)), "date": "2024-05-01"},
        {"id": "orig/14.txt", "text": gen.prose(originals[14][:100] + gen.words(100))},
        {"id": "wire-1", "text": "an id seen before"},
    ]
    lines = [json.dumps(r) for r in records]
    lines.insert(2, "{not json")
    files["wire/feed.jsonl"] = "\n".join(lines) + "\n"
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


GENERATED_CONFIG = Config(index=IndexConfig(max_df=4))


# ---------------------------------------------------------------- engines agree


@pytest.fixture(scope="module")
def demo_scans(spark, tmp_path_factory):
    """Return a local database and a Spark output (4 partitions) of the demo corpus, shared
    by the tests that only read them (each Spark scan of it costs ~45 s on 2 cores)."""
    from textreuse.engines import spark as engine

    root = tmp_path_factory.mktemp("demo")
    db, out = root / "local.duckdb", root / "out"
    scan([DEMO], db=db, workers=1)
    result = engine.scan([DEMO], out=out, spark=spark, partitions=4)
    return db, out, result


@pytest.mark.spark
def test_engines_agree_on_demo_corpus(demo_scans) -> None:
    db, out, result = demo_scans
    rows = _assert_same_tables(db, out)
    assert result.counts()["pairs"] == len(rows["pairs"]) > 10
    assert len(rows["stories"]) > 3 and len(rows["rejects"]) == 2
    assert sorted(p.name for p in out.iterdir()) == [f"{t}.parquet" for t in sorted((*SPARK_TABLES, "runs"))]


@pytest.mark.spark
def test_engines_agree_on_generated_corpus(spark, tmp_path: Path, gen) -> None:
    from textreuse.engines import spark as engine

    corpus = _generated(tmp_path / "corpus", gen)
    before = {p: p.read_bytes() for p in corpus.rglob("*") if p.is_file()}
    db = tmp_path / "local.duckdb"
    local = scan([corpus], db=db, workers=2, config=GENERATED_CONFIG)
    counts = local.counts()
    # The corpus exercises every relation, a duplicate group, a chain and the df cut-off.
    assert all(counts["pairs_by_relation"][r] >= 1 for r in counts["pairs_by_relation"]), counts
    chain = UnionFind()
    for p in local.pairs:
        chain.union(p.doc_a, p.doc_b)
    assert chain.find("chain/x.txt") == chain.find("chain/w.txt")
    assert not any(p.doc_a.startswith("boiler/") for p in local.pairs)
    assert len(local.rejects) == 5  # empty, blank, a bad JSON line and two repeated ids
    # Pattern and recurring boilerplate, witness repairs and evidence are all compared.
    rules = {a.rule for marks in local.annotations.values() for a in marks}
    assert {"writes", "recurring-line"} <= rules, rules
    assert any(s.witness == "lossy/clean.txt" for s in local.repairs["lossy/damaged.txt"])
    # (The dated wire pair is a duplicate of orig/13's group, aligned through its representative.)
    assert {e.kind for found in local.evidence.values() for e in found} >= {"excerpt", "frame"}
    # One Spark scan (~35 s on 2 cores; the demo test scans at 1 and 4 partitions, the
    # parity property at 1-7): CI has 20 minutes for everything.
    for partitions in (5,):
        out = tmp_path / f"out-{partitions}"
        result = engine.scan([corpus], out=out, spark=spark, partitions=partitions, config=GENERATED_CONFIG)
        _assert_same_tables(db, out)
        assert result.counts() | {"seconds": {}} == counts | {"seconds": {}}
        assert [(r.path, r.line, r.reason) for r in result.rejects] == [
            (r.path, r.line, r.reason) for r in local.rejects
        ]
    assert {p: p.read_bytes() for p in corpus.rglob("*") if p.is_file()} == before


@pytest.mark.spark
def test_engines_agree_with_boilerplate_off_on_a_uri_input(spark, tmp_path: Path) -> None:
    from textreuse.engines import spark as engine

    config = Config(boilerplate=BoilerplateConfig(patterns=False, recurring=False))
    db, out = tmp_path / "local.duckdb", tmp_path / "out"
    local = scan([DEMO], db=db, workers=1, config=config)
    assert not local.annotations and not any(e.kind == "frame" for f in local.evidence.values() for e in f)
    # Spark reads the corpus by its file:// URI: the same rows, paths named by the URI.
    result = engine.scan([DEMO.as_uri()], out=out, spark=spark, partitions=3, config=config)
    rows = _assert_same_tables(db, out, uri=True)
    assert result.counts() | {"seconds": {}} == local.counts() | {"seconds": {}}
    assert len(rows["rejects"]) == 2 and all(r.path.startswith("file:") for r in result.rejects)


@pytest.mark.spark
def test_trace_reads_a_spark_scan_as_it_reads_a_local_one(demo_scans, gen) -> None:
    from textreuse.engines.trace import trace
    from textreuse.model import Document

    db, out, _ = demo_scans
    with parquet.connect(out) as pcon:
        # Half of all 64-bit hashes have the top bit set: Spark stores them signed.
        assert pcon.execute("SELECT max(hash) > 9223372036854775807 FROM postings").fetchone() == (True,)
        assert pcon.execute("SELECT typeof(hash) FROM postings LIMIT 1").fetchone() == ("UBIGINT",)
    budget = (DEMO / "news" / "brackenford-council-budget.txt").read_text(encoding="utf-8")
    flood = (DEMO / "news" / "lowmarsh-river-flood.txt").read_text(encoding="utf-8")
    probes = {
        "near": budget.replace("the", "a", 6),
        "same": flood,
        "quote": gen.prose(gen.words(250)) + "\n\n" + flood[200:1200] + "\n\n" + gen.prose(gen.words(250)),
        "fresh": gen.prose(gen.words(300)),
    }
    found = 0
    for name, text in probes.items():
        doc = Document(f"probe-{name}", text)
        local, remote = trace(doc, db), trace(doc, out)
        assert (remote.pairs, remote.origin, remote.reason, remote.candidates, remote.stories) == (
            local.pairs, local.origin, local.reason, local.candidates, local.stories
        ), name
        found += bool(local.pairs)
    assert found == 3  # all but the fresh text share text with the corpus


@pytest.mark.spark
def test_engines_agree_on_parquet_csv_html_and_warc_inputs(spark, tmp_path: Path, gen) -> None:
    import csv

    import pyarrow as pa
    import pyarrow.parquet as pq
    from test_ingest_web import corpus_pages, write_warc

    from textreuse.engines import spark as engine

    base = gen.prose(gen.words(300), line=1000)
    corpus = tmp_path / "mixed"
    corpus.mkdir()
    pq.write_table(pa.table({"id": ["p1", "p2"], "text": [base, gen.prose(gen.words(200))]}), corpus / "t.parquet")
    with (corpus / "t.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text"])
        w.writerow(["c1", base[:900] + " " + gen.prose(gen.words(100))])
    (corpus / "page.html").write_text(
        f"<html><head><title>T</title></head><body><article><h1>Title</h1><p>{base[300:1500]}</p>"
        f"<p>{gen.prose(gen.words(80))}</p></article></body></html>",
        encoding="utf-8",
    )
    # Two crawls holding one URI: named as the local engine names it, not rejected.
    pages = corpus_pages()
    urls = list(pages)
    empty = "https://example.org/blank"
    write_warc(corpus / "a.warc.gz", {u: pages[u] for u in urls[:3]} | {empty: "<html><body><nav></nav></body></html>"})
    # The second crawl captures two of those pages again, and one new one; its capture of
    # `empty` has text, and is named by its record id (the first capture took the URI).
    write_warc(corpus / "b.warc.gz", {u: pages[u] for u in urls[1:]} | {empty: pages[urls[-1]]})
    # A record named by a URL a crawl already took is a repeat id.
    (corpus / "c.jsonl").write_text(json.dumps({"id": urls[0], "text": "Taken already."}) + "\n", encoding="utf-8")
    db, out = tmp_path / "local.duckdb", tmp_path / "out"
    local = scan([corpus], db=db, workers=1)
    ids = {d.id for d in local.documents}
    assert {"p1", "p2", "c1", "page.html"} <= ids and len(local.all_pairs()) >= 3
    again = [d for d in ids if "#" in d]
    assert len(again) == 3 and {d.split("#")[0] for d in again} == {*urls[1:3], empty}
    assert empty not in ids
    assert [r.reason.startswith(f"duplicate id {urls[0]!r}:") for r in local.rejects if r.kind != "no_text"] == [True]
    assert [r.kind for r in local.rejects].count("no_text") == 1
    result = engine.scan([corpus], out=out, spark=spark, partitions=3)
    _assert_same_tables(db, out)
    assert [(r.path, r.reason) for r in result.rejects] == [(r.path, r.reason) for r in local.rejects]


@pytest.mark.spark
def test_cli_scan_with_spark_then_read_commands_from_the_folder(spark, demo_scans, tmp_path: Path) -> None:
    runner = CliRunner()
    db, out = demo_scans[0], tmp_path / "out"
    # Into a folder holding an earlier scan (the demo at 4 partitions, a file added to one
    # of its tables): the new scan replaces every table whole.
    shutil.copytree(demo_scans[1], out)
    (out / "pairs.parquet" / "stale").mkdir()
    done = runner.invoke(
        app, ["scan", str(DEMO), "--engine", "spark", "--master", "local[2]", "--out", str(out), "--json"]
    )
    assert done.exit_code == 0, done.stderr
    _assert_same_tables(db, out)
    assert not (out / "pairs.parquet" / "stale").exists()
    summary = json.loads(done.stdout)
    assert summary["out"] == str(out) and summary["pairs"] == 11 and summary["rejected"] == 2
    assert "rejected" in done.stderr  # each reject is named on stderr, as the local engine does
    for command in (["pairs", "--format", "jsonl"], ["stories", "--format", "jsonl"], ["rejects"],
                    ["text", "news/lowmarsh-river-flood.txt"],
                    ["trace", str(DEMO / "news" / "lowmarsh-river-flood.txt"), "--id", "probe", "--json"]):  # fmt: skip
        from_db = runner.invoke(app, [*command, "--db", str(db)])
        from_out = runner.invoke(app, [*command, "--from", str(out)])
        assert from_out.exit_code == from_db.exit_code == 0, from_out.stderr
        assert from_out.stdout == from_db.stdout and from_db.stdout


@pytest.mark.spark
def test_components_follow_long_chains(spark) -> None:
    from textreuse.engines.spark import components

    edges = [(f"n{k:03d}", f"n{k + 1:03d}") for k in range(40)] + [("b", "a"), ("c", "b"), ("x", "y")]
    labels = dict(components(spark.createDataFrame(edges, "src string, dst string")).collect())
    union = UnionFind()
    for a, b in edges:
        union.union(a, b)
    expected = {m: union.find(m) for edge in edges for m in edge}
    assert labels == expected
    assert labels["n040"] == "n000" and labels["c"] == "a"


@pytest.mark.spark
def test_spark_scan_leaves_foreign_output_untouched(spark, tmp_path: Path) -> None:
    from textreuse.engines import spark as engine

    out = tmp_path / "out"
    out.mkdir()
    (out / "pairs.parquet").write_bytes(b"not ours")
    with pytest.raises(StoreError, match="not a table a Spark scan wrote"):
        engine.scan([DEMO], out=out, spark=spark)
    assert (out / "pairs.parquet").read_bytes() == b"not ours"
    assert sorted(p.name for p in out.iterdir()) == ["pairs.parquet"]


# ---------------------------------------------------------------- without Spark


def test_missing_pyspark_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from textreuse.engines.spark import require_pyspark

    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(EngineError, match=r"pip install 'textreuse\[spark\]'"):
        require_pyspark()


def test_cli_spark_engine_needs_out(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["scan", str(DEMO), "--engine", "spark"])
    assert result.exit_code == 2 and "--out" in result.stderr


def test_cli_reads_exported_parquet_like_the_database(tmp_path: Path) -> None:
    runner = CliRunner()
    db, exported = tmp_path / "t.duckdb", tmp_path / "exported"
    assert runner.invoke(app, ["scan", str(DEMO), "--db", str(db), "--quiet"]).exit_code == 0
    assert runner.invoke(app, ["export", "--db", str(db), "--out", str(exported)]).exit_code == 0
    for command in (["pairs", "--format", "jsonl"], ["stories"], ["show", "news/lowmarsh-river-flood.txt",
                    "blogs/lowmarsh-noticeboard-flood.txt"]):  # fmt: skip
        from_db = runner.invoke(app, [*command, "--db", str(db)])
        from_parquet = runner.invoke(app, [*command, "--from", str(exported)])
        assert from_parquet.exit_code == from_db.exit_code == 0, from_parquet.stderr
        assert from_parquet.stdout == from_db.stdout


def test_from_a_folder_without_tables_fails_cleanly(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["pairs", "--from", str(tmp_path)])
    assert result.exit_code == 1 and "pairs.parquet" in result.stderr and result.stdout == ""

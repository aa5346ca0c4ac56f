"""Fault and fuzz suite: one bad input never costs more than itself (issue 22).

Hostile names, types, sizes, file kinds and texts; a failure injected into each stage
of a scan; the user's own DuckDB file. Each case checks that the rest of the corpus is
stored, that the bad input is a reject with its reason, and that nothing hangs. The
slow cases (a 100 MB document, a 200 MB file) are in ``bench/faults.py``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import textreuse
from textreuse.clean import recurring, witness
from textreuse.cli import app
from textreuse.engines import local
from textreuse.ingest import read as ingest
from textreuse.ingest.read import IngestConfig, read_inputs
from textreuse.model import Document, Reject
from textreuse.relate import provenance, tasks

runner = CliRunner()
FOOTER = "\n\nSign up for the morning briefing\n"


def _read(paths: list[Path], **config: object) -> tuple[list[Document], list[Reject]]:
    items = list(read_inputs(paths, config=IngestConfig(**config)))  # type: ignore[arg-type]
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Reject)]


def _doc_ids(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(r[0] for r in con.execute("SELECT doc_id FROM documents").fetchall())
    finally:
        con.close()


# ---------------------------------------------------------------- the three crashes


def test_a_file_name_that_is_not_utf8_is_rejected_and_the_rest_stored(tmp_path: Path, gen) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text(gen.prose(gen.words(60)), encoding="utf-8")
    bad = Path(os.fsdecode(bytes(corpus) + b"/latin1-\xe9.txt"))
    bad.write_text(gen.prose(gen.words(60)), encoding="utf-8")
    result = textreuse.scan([corpus], db=tmp_path / "t.duckdb", workers=1)
    assert [d.id for d in result.documents] == ["good.txt"]
    [reject] = result.rejects
    assert reject.kind == "bad_name" and reject.path.endswith("latin1-\\xe9.txt") and "rename it" in reject.reason
    assert _doc_ids(tmp_path / "t.duckdb") == ["good.txt"]


def test_copies_made_only_of_recurring_boilerplate_do_not_crash_the_scan(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    topics = ["economy", "weather", "football", "elections", "science", "music"]
    tail = "\n\nSign up for the morning briefing\n\nAll times are local\n"
    for k, t in enumerate(topics):
        body = (f"The {t} report for today covers developments in the {t} sector across the region.\n\n"
                f"Officials said the {t} situation would be reviewed next week by a panel on {t}.\n\n"
                f"Residents of the {t} district asked for more information {k} soon.")
        (corpus / f"art{k}.txt").write_text(body + tail, encoding="utf-8")
    for name in ("x.txt", "y.txt"):
        (corpus / name).write_text(tail.strip() + "\n", encoding="utf-8")
    result = textreuse.scan([corpus], db=tmp_path / "t.duckdb", workers=1)
    assert len(result.documents) == 8 and not result.rejects
    # Nothing is left of x and y once their lines are set aside: no pair of them, no crash.
    assert not [p for p in result.pairs if {p.doc_a, p.doc_b} == {"x.txt", "y.txt"}]
    assert (tmp_path / "t.duckdb").exists()


def test_a_document_over_the_cap_is_rejected_unread(tmp_path: Path, gen) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text(gen.prose(gen.words(60)), encoding="utf-8")
    (corpus / "big.txt").write_bytes(b"the same line again\n" * 600)
    lines = [json.dumps({"id": "r1", "text": "x " * 5000}), json.dumps({"id": "r2", "text": "short text"})]
    (corpus / "r.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, rejects = _read([corpus], max_doc_bytes=2000)
    assert sorted(d.id for d in docs) == ["good.txt", "r2"]
    assert sorted((Path(r.path).name, r.line, r.kind) for r in rejects) == [("big.txt", None, "too_large"),
                                                                            ("r.jsonl", 1, "too_large")]
    assert all("--max-doc-bytes" in r.reason for r in rejects)


def test_max_doc_bytes_is_a_scan_option(tmp_path: Path, gen) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text(gen.prose(gen.words(60)), encoding="utf-8")
    (corpus / "big.txt").write_bytes(b"the same line again\n" * 600)
    result = runner.invoke(app, ["scan", str(corpus), "--db", str(tmp_path / "t.duckdb"), "--workers", "1",
                                 "--max-doc-bytes", "5000", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["documents"] == 1 and summary["rejected_by_kind"] == {"too_large": 1}


# ---------------------------------------------------------------- loose JSONL


@pytest.mark.parametrize(
    ("record", "why"),
    [
        ({"id": ["x"], "text": "t"}, "must be a string, not an array"),
        ({"id": "", "text": "t"}, "empty 'id'"),
        ({"id": "  ", "text": "t"}, "empty 'id'"),
        ({"id": 1, "text": "t"}, "must be a string, not a number"),
        ({"id": 1.5, "text": "t"}, "must be a string, not a number"),
        ({"id": False, "text": "t"}, "must be a string, not a boolean"),
        ({"id": {"a": 1}, "text": "t"}, "must be a string, not an object"),
        ({"id": "u", "text": "t", "url": 5}, "'url' must be a string or null, not a number"),
        ({"id": "u", "text": "t", "title": ["a"]}, "'title' must be a string or null, not an array"),
        ({"id": "u", "text": "t", "date": {"y": 2020}}, "'date' must be a string or null, not an object"),
    ],
)
def test_jsonl_records_of_loose_types_are_rejected_saying_why(tmp_path: Path, record: dict, why: str) -> None:
    (tmp_path / "r.jsonl").write_text(json.dumps(record) + "\n" + json.dumps({"id": "ok", "text": "fine"}) + "\n")
    docs, [reject] = _read([tmp_path / "r.jsonl"])
    assert [d.id for d in docs] == ["ok"]
    assert reject.line == 1 and reject.kind == "bad_field" and why in reject.reason


def test_number_and_string_ids_no_longer_collide(tmp_path: Path) -> None:
    (tmp_path / "r.jsonl").write_text('{"id": 1, "text": "a"}\n{"id": "1", "text": "b"}\n')
    docs, [reject] = _read([tmp_path / "r.jsonl"])
    assert [(d.id, d.raw_text) for d in docs] == [("1", "b")] and "duplicate" not in reject.reason


def test_a_null_or_nan_title_is_no_title(tmp_path: Path) -> None:
    (tmp_path / "r.jsonl").write_text('{"id": "a", "text": "x", "title": null}\n{"id": "b", "text": "y", "title": NaN}\n')
    docs, rejects = _read([tmp_path / "r.jsonl"])
    assert [(d.id, d.title) for d in docs] == [("a", None), ("b", None)] and not rejects


# ---------------------------------------------------------------- the user's own database


@pytest.mark.parametrize(
    "sql",
    [
        ["CREATE TABLE invoices AS SELECT 1 AS n"],
        ["CREATE SCHEMA s", "CREATE TABLE s.invoices AS SELECT 1 AS n"],
        ["CREATE TABLE runs (key VARCHAR, value VARCHAR)", "INSERT INTO runs VALUES ('job', '1')"],
        ["CREATE VIEW invoices AS SELECT 42 AS n"],
        ["CREATE MACRO invoices(a) AS a + 1"],
    ],
    ids=["table", "other-schema", "own-runs-table", "view", "macro"],
)
def test_scan_never_replaces_a_duckdb_database_textreuse_did_not_write(tmp_path: Path, gen, sql: list[str]) -> None:
    (tmp_path / "a.txt").write_text(gen.prose(gen.words(40)), encoding="utf-8")
    mine = tmp_path / "mine.duckdb"
    con = duckdb.connect(str(mine))
    for q in sql:
        con.execute(q)
    con.close()
    before = mine.read_bytes()
    for extra in ([], ["--replace"]):
        result = runner.invoke(app, ["scan", str(tmp_path / "a.txt"), "--db", str(mine), "--workers", "1", *extra])
        assert result.exit_code == 1 and "textreuse did not write" in result.stderr and "invoices" in result.stderr or \
            (result.exit_code == 1 and "runs" in result.stderr), result.output
    assert mine.read_bytes() == before


def test_a_database_textreuse_wrote_is_replaced(tmp_path: Path, gen) -> None:
    (tmp_path / "a.txt").write_text(gen.prose(gen.words(40)), encoding="utf-8")
    db = tmp_path / "t.duckdb"
    for _ in range(2):
        result = runner.invoke(app, ["scan", str(tmp_path / "a.txt"), "--db", str(db), "--workers", "1"])
        assert result.exit_code == 0, result.output


# ---------------------------------------------------------------- file kinds


def test_fifos_devices_and_links_are_rejects_not_hangs(tmp_path: Path, gen) -> None:
    corpus = tmp_path / "c"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "a.txt").write_text(gen.prose(gen.words(60)), encoding="utf-8")
    (corpus / "ok-link.txt").symlink_to(corpus / "sub" / "a.txt")
    os.mkfifo(corpus / "pipe.txt")
    os.mkfifo(corpus / "pipe.jsonl")
    os.mkfifo(corpus / "pipe.html")
    os.mkfifo(corpus / "pipe.csv")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    (corpus / "zero.jsonl").symlink_to("/dev/zero")
    (corpus / "broken.txt").symlink_to(tmp_path / "nowhere")
    (corpus / "loop").symlink_to(corpus)
    started = time.perf_counter()
    docs, rejects = _read([corpus])
    assert time.perf_counter() - started < 10
    assert sorted(d.id for d in docs) == ["ok-link.txt", "sub/a.txt"]
    why = {Path(r.path).name: r.reason for r in rejects}
    assert set(why) == {"pipe.txt", "pipe.jsonl", "pipe.html", "pipe.csv", "zero.txt", "zero.jsonl", "broken.txt", "loop"}
    assert why["pipe.txt"].startswith("a FIFO") and "character device (through a symbolic link)" in why["zero.txt"]
    assert "broken symbolic link" in why["broken.txt"] and "not followed" in why["loop"]
    assert all(r.kind == "not_a_file" for r in rejects)


def test_a_fifo_given_as_the_input_is_rejected(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    docs, [reject] = _read([tmp_path / "pipe.txt"])
    assert not docs and reject.kind == "not_a_file"


def test_a_folder_that_cannot_be_listed_is_a_reject(tmp_path: Path, gen, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "c"
    (corpus / "locked").mkdir(parents=True)
    (corpus / "locked" / "b.txt").write_text(gen.prose(gen.words(60)), encoding="utf-8")
    (corpus / "a.txt").write_text(gen.prose(gen.words(60)), encoding="utf-8")
    scandir = os.scandir

    def refusing(path: object = ".") -> object:  # as for a folder without read permission (tests may run as root)
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refusing)
    docs, [reject] = _read([corpus])
    assert [d.id for d in docs] == ["a.txt"]
    assert reject.kind == "unreadable" and reject.path.endswith("locked") and "Permission denied" in reject.reason
    assert "chmod" in reject.reason


def test_input_size_skips_what_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("words", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "broken").symlink_to(tmp_path / "nowhere")
    assert ingest.input_size([tmp_path]) == 5


# ---------------------------------------------------------------- hostile text on the terminal


def test_escape_sequences_in_ids_never_reach_the_terminal_raw(tmp_path: Path, gen) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    text = gen.prose(gen.words(80))
    (corpus / "a\x1b]0;owned\x07.txt").write_text(text, encoding="utf-8")
    (corpus / "b\x1b[2J.txt").write_text(text, encoding="utf-8")
    (corpus / "empty\x1b[31m.txt").write_text("", encoding="utf-8")
    (corpus / "r.jsonl").write_text(json.dumps({"id": "x\x9b2J\u202eevil", "text": text + " more words"}) + "\n")
    db = tmp_path / "t.duckdb"
    result = runner.invoke(app, ["scan", str(corpus), "--db", str(db), "--workers", "1", "-q"])
    assert result.exit_code == 0, result.output
    assert "rejected" in result.stderr and "empty\\x1b[31m.txt" in result.stderr
    outputs = [result.stderr]
    for command in (["pairs"], ["rejects"], ["stories"]):
        for fmt in ("table", "tsv"):
            shown = runner.invoke(app, [*command, "--db", str(db), "--format", fmt])
            assert shown.exit_code == 0, shown.output
            outputs.append(shown.stdout)
    pairs = runner.invoke(app, ["pairs", "--db", str(db), "--format", "tsv"]).stdout
    assert "a\\x1b]0;owned\\x07.txt" in pairs and "x\\x9b2J\\u202eevil" in pairs
    for shown in outputs:
        assert not any(c in shown for c in "\x1b\x07\x9b\u202e"), shown
    # JSON keeps the exact values, escaped.
    records = [json.loads(line) for line in runner.invoke(app, ["pairs", "--db", str(db), "--format", "jsonl"]).stdout.splitlines()]
    assert "x\x9b2J\u202eevil" in {r["doc_b"] for r in records}


# ---------------------------------------------------------------- a failure in each stage


def _poison_corpus(root: Path, gen) -> Path:
    """Return a folder of pairs (a near copy, a duplicate), loners, and a poisoned
    document with a near copy of its own; each ends in a footer recurring across them."""
    root.mkdir()
    a, b, c, d, p = (gen.words(150) for _ in range(5))
    texts = {
        "a1.txt": gen.prose(a), "a2.txt": gen.prose(gen.edit(a, 0.05)),
        "b1.txt": gen.prose(b), "b2.txt": gen.prose(b),
        "c.txt": gen.prose(c), "d.txt": gen.prose(d),
        "p1.txt": "POISONED " + gen.prose(p), "p2.txt": gen.prose(gen.edit(p, 0.05)),
    }
    for name, text in texts.items():
        (root / name).write_text(text + FOOTER, encoding="utf-8")
    return root


def _poisoned(text: object) -> bool:
    return isinstance(text, str) and "POISONED" in text


def _boom(*_: object, **__: object) -> None:
    raise RuntimeError("injected failure")


def _inject(stage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if stage == "read":
        real_text = ingest.text_document
        monkeypatch.setattr(ingest, "text_document", lambda data, doc_id, **kw: _boom() if b"POISONED" in data
                            else real_text(data, doc_id, **kw))
    elif stage == "store":  # a field the database cannot hold (a lone surrogate in its title)
        real_text = ingest.text_document

        def titled(data: bytes, doc_id: str, **kw: str) -> Document | Reject:
            doc = real_text(data, doc_id, **kw)
            if b"POISONED" in data and isinstance(doc, Document):
                return Document(doc.id, doc.raw_text, source_path=doc.source_path, title="bad \udce9")
            return doc

        monkeypatch.setattr(ingest, "text_document", titled)
    elif stage == "index":
        real_prepare = local.prepare_many
        monkeypatch.setattr(local, "prepare_many", lambda texts, **kw: _boom() if any(map(_poisoned, texts))
                            else real_prepare(texts, **kw))
    elif stage == "boilerplate":
        real_mark = recurring.mark
        monkeypatch.setattr(recurring, "mark", lambda text, corpus=None, **kw: _boom() if corpus is not None and _poisoned(text)
                            else real_mark(text, corpus, **kw))
    elif stage == "align":
        real_relate = tasks.relate
        monkeypatch.setattr(tasks, "relate", lambda a, b, *args, **kw: _boom() if _poisoned(a.raw_text) or _poisoned(b.raw_text)
                            else real_relate(a, b, *args, **kw))
    elif stage == "repair":
        real_needs = witness.needs_witness
        monkeypatch.setattr(witness, "needs_witness", lambda text, steps: _poisoned(text) or real_needs(text, steps))
        monkeypatch.setattr(witness, "repair_with_witness", _boom)
    elif stage == "provenance":
        real_direct = provenance.direct_pair
        monkeypatch.setattr(provenance, "direct_pair", lambda pair, a, b, *args, **kw: _boom() if _poisoned(a.raw_text) or _poisoned(b.raw_text)
                            else real_direct(pair, a, b, *args, **kw))


def _pairs(result: local.ScanResult) -> set[tuple[str, str, str]]:
    return {(p.doc_a, p.doc_b, p.relation) for p in result.pairs if "p1.txt" not in (p.doc_a, p.doc_b)}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str, str]]:
    from conftest import TextGen

    corpus = _poison_corpus(tmp_path_factory.mktemp("base") / "c", TextGen(20240501))
    result = textreuse.scan([corpus], workers=1)
    assert not result.rejects and len(result.documents) == 8 and len(result.annotations) == 8
    assert ("a1.txt", "a2.txt", "near_duplicate") in _pairs(result) and ("b1.txt", "b2.txt", "duplicate") in _pairs(result)
    return _pairs(result)


# Where the poisoned document ends up: left out (its stage could not give it), or kept.
STAGES = {"read": False, "store": False, "index": False, "boilerplate": True, "align": True, "repair": True,
          "provenance": True}


@pytest.mark.parametrize("stage", list(STAGES))
def test_a_failure_in_one_stage_costs_only_the_document_it_hit(
    stage: str, tmp_path: Path, gen, monkeypatch: pytest.MonkeyPatch, baseline: set[tuple[str, str, str]]
) -> None:
    corpus = _poison_corpus(tmp_path / "c", gen)
    _inject(stage, monkeypatch)
    db = tmp_path / "t.duckdb"
    result = textreuse.scan([corpus], db=db, workers=1)
    others = ["a1.txt", "a2.txt", "b1.txt", "b2.txt", "c.txt", "d.txt", "p2.txt"]
    expected = sorted(others + (["p1.txt"] if STAGES[stage] else []))
    assert sorted(d.id for d in result.documents) == expected
    assert _doc_ids(db) == expected
    [reject] = result.rejects
    assert reject.path.endswith("p1.txt")
    if stage == "store":
        assert reject.kind == "bad_field" and "not valid Unicode" in reject.reason
    else:
        assert reject.kind == "internal" and "RuntimeError: injected failure" in reject.reason
        assert "please report it" in reject.reason
    assert _pairs(result) == baseline
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM rejects WHERE kind = ?", [reject.kind]).fetchone() == (1,)
    finally:
        con.close()


def test_a_failing_page_extraction_is_an_internal_reject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from textreuse.ingest import html

    body = "<p>" + "The council voted on Tuesday to keep the old bridge open. " * 8 + "</p>"
    (tmp_path / "a.html").write_text(f"<html><body><article>{body}</article></body></html>", encoding="utf-8")
    (tmp_path / "b.html").write_text(f"<html><body><article>POISONED {body}</article></body></html>", encoding="utf-8")
    real = html.page_document
    monkeypatch.setattr(html, "page_document", lambda h, **kw: _boom() if "POISONED" in h else real(h, **kw))
    docs, [reject] = _read([tmp_path])
    assert [d.id for d in docs] == ["a.html"]
    assert reject.kind == "internal" and "injected failure" in reject.reason


# ---------------------------------------------------------------- no quadratic step


def test_body_candidate_lines_are_numbered_as_a_plain_count_does() -> None:
    from textreuse.clean.boilerplate import _body_candidates

    text = "Head\n" + "".join("Read more here\n" if k % 3 == 0 else f"line {k}\n\n" for k in range(300))
    found = list(_body_candidates(text))
    assert len(found) == 100
    assert [k for k, *_ in found] == [text.count("\n", 0, start) for _, start, _, _ in found]


def test_marking_a_text_of_many_candidate_lines_takes_linear_time() -> None:
    from textreuse.clean.boilerplate import mark

    line = "Read more about the council vote in our coverage of the story\n"
    text = "Headline of the piece\n" + line * (4_000_000 // len(line))
    started = time.perf_counter()
    mark(text)
    # 4 MB took about 50 s when each line was counted from the start (8 MB: 197 s); now ~0.5 s.
    assert time.perf_counter() - started < 8


# ---------------------------------------------------------------- interrupts


def _scan_process(corpus: Path, db: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(textreuse.__file__).parents[1])}
    return subprocess.Popen(
        [sys.executable, "-m", "textreuse", "scan", str(corpus), "--db", str(db), "-q", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,  # its own group, as a terminal's job
    )


def _big_corpus(root: Path, n: int = 4000) -> Path:
    import random

    rng = random.Random(1)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9))) for _ in range(20000)]
    root.mkdir()
    for k in range(n):
        words = [rng.choice(vocab) for _ in range(300)]
        (root / f"d{k:05d}.txt").write_text(" ".join(words), encoding="utf-8")
        if k % 5 == 0:
            (root / f"d{k:05d}-copy.txt").write_text(" ".join(words[:250]), encoding="utf-8")
    return root


def _temporary(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if ".tmp-" in n or ".old-" in n]


@pytest.mark.parametrize(("sig", "workers", "code"), [(signal.SIGINT, "2", 130), (signal.SIGTERM, "1", 143)])
def test_an_interrupted_scan_exits_at_once_and_leaves_no_temporary_file(
    tmp_path: Path, sig: signal.Signals, workers: str, code: int
) -> None:
    corpus = _big_corpus(tmp_path / "c")
    db = tmp_path / "t.duckdb"
    proc = _scan_process(corpus, db, "--workers", workers)
    try:
        # Interrupted mid-scan: once its temporary database exists (after reading).
        deadline = time.monotonic() + 60
        while not _temporary(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.3)
        sent = time.monotonic()
        os.killpg(proc.pid, sig) if sig == signal.SIGINT else proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert time.monotonic() - sent < 10
    assert proc.returncode == code, err.decode()
    assert b"Traceback" not in err and b"interrupted" in err
    assert _temporary(tmp_path) == [] and not db.exists()


# A child that interrupts itself while the command line's modules load (on importing
# `textreuse.cli.app`), as a Ctrl-C in the first second of a run does.
_INTERRUPTED_WHILE_LOADING = """
import os, signal, sys
SIG = getattr(signal, sys.argv[1])
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "textreuse.cli.app":
            os.kill(os.getpid(), SIG)
        return None
sys.meta_path.insert(0, Interrupt())
sys.argv = ["textreuse", "--help"]
import textreuse.__main__
textreuse.__main__.main()
"""


@pytest.mark.parametrize(("sig", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_an_interrupt_while_the_command_loads_exits_quietly(sig: str, code: int) -> None:
    done = subprocess.run([sys.executable, "-c", _INTERRUPTED_WHILE_LOADING, sig], capture_output=True, timeout=60)
    assert done.returncode == code, done.stderr.decode()
    assert done.stderr == b"textreuse: interrupted\n" and done.stdout == b""


def test_the_package_loads_its_modules_when_a_name_is_used() -> None:
    code = ("import sys, textreuse; print('textreuse.engines.local' in sys.modules); "
            "textreuse.scan; print('textreuse.engines.local' in sys.modules, textreuse.Result is textreuse.ScanResult)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "True", "True"], done.stderr
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        textreuse.nothing  # noqa: B018
    assert set(textreuse.__all__) <= set(dir(textreuse))


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_temporary_files_of_dead_runs_are_removed_by_the_next(tmp_path: Path, gen) -> None:
    from textreuse.store.leftovers import remove_stale

    (tmp_path / "a.txt").write_text(gen.prose(gen.words(40)), encoding="utf-8")
    dead, live = _dead_pid(), os.getppid()  # a process that runs on (this one writes its own)
    for name in (f".t.duckdb.tmp-{dead}", f".t.duckdb.tmp-{dead}.wal", f".t.duckdb.tmp-{live}", f".other.duckdb.tmp-{dead}"):
        (tmp_path / name).write_bytes(b"x" * 100)
    (tmp_path / f".report.tmp-{dead}").mkdir()
    (tmp_path / f".report.tmp-{dead}" / "index.html").write_text("half")
    textreuse.scan([tmp_path / "a.txt"], db=tmp_path / "t.duckdb", workers=1)
    assert sorted(_temporary(tmp_path)) == sorted([f".t.duckdb.tmp-{live}", f".other.duckdb.tmp-{dead}", f".report.tmp-{dead}"])
    assert remove_stale(tmp_path / "report") == [tmp_path / f".report.tmp-{dead}"]
    # Killed between moving the old output aside and renaming the new: the old comes back.
    (tmp_path / f".gone.old-{dead}").mkdir()
    remove_stale(tmp_path / "gone")
    assert (tmp_path / "gone").is_dir()


def test_report_removes_the_folders_of_dead_runs(tmp_path: Path, gen) -> None:
    (tmp_path / "a.txt").write_text(gen.prose(gen.words(40)), encoding="utf-8")
    db = tmp_path / "t.duckdb"
    textreuse.scan([tmp_path / "a.txt"], db=db, workers=1)
    dead = _dead_pid()
    (tmp_path / f".rep.tmp-{dead}").mkdir()
    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(tmp_path / "rep"), "-q"])
    assert result.exit_code == 0, result.output
    assert _temporary(tmp_path) == [] and (tmp_path / "rep" / "index.html").exists()


def test_export_replaces_a_previous_export_whole_or_not_at_all(tmp_path: Path, gen, monkeypatch: pytest.MonkeyPatch) -> None:
    from textreuse.errors import StoreError
    from textreuse.store import export as exporting

    (tmp_path / "a.txt").write_text(gen.prose(gen.words(40)), encoding="utf-8")
    db = tmp_path / "t.duckdb"
    textreuse.scan([tmp_path / "a.txt"], db=db, workers=1)
    out = tmp_path / "out"
    exporting.export(db, out)
    (out / "stale.parquet").write_bytes(b"from an older export")
    before = sorted(os.listdir(out))

    def interrupted(tmp: Path, target: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(exporting, "replace_folder", interrupted)
    with pytest.raises(KeyboardInterrupt):
        exporting.export(db, out, fmt="jsonl")
    assert sorted(os.listdir(out)) == before and _temporary(tmp_path) == []
    monkeypatch.undo()
    written = exporting.export(db, out, fmt="jsonl")
    assert sorted(os.listdir(out)) == sorted([exporting.MARKER, *(p.name for p in written)])
    # A folder that is not an export is never replaced.
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(StoreError, match="not a textreuse export"):
        exporting.export(db, mine)
    assert os.listdir(mine) == ["notes.txt"]


# ---------------------------------------------------------------- hostile HTML

ARTICLE = "<p>" + "The council voted on Tuesday to keep the old bridge open after a long debate. " * 10 + "</p>"


def test_an_attribute_bomb_is_rejected_before_it_is_parsed(tmp_path: Path) -> None:
    attrs = " ".join(f'a{k}="v{k}"' for k in range(200_000))
    (tmp_path / "bomb.html").write_text(f"<html><body><div {attrs}>x</div><article>{ARTICLE}</article></body></html>")
    (tmp_path / "ok.html").write_text(f"<html><body><article>{ARTICLE}</article></body></html>")
    started = time.perf_counter()
    docs, [reject] = _read([tmp_path])
    assert time.perf_counter() - started < 10  # lxml alone took minutes on it
    assert [d.id for d in docs] == ["ok.html"]
    assert reject.kind == "too_complex" and "200,000 attributes" in reject.reason


def test_a_page_nested_deeper_than_libxml2s_default_keeps_its_text(tmp_path: Path) -> None:
    deep = "<div>" * 300 + ARTICLE + "</div>" * 300
    (tmp_path / "deep.html").write_text(f"<html><body><article>{deep}</article></body></html>")
    docs, rejects = _read([tmp_path])
    assert not rejects and "council voted" in docs[0].raw_text


def test_minified_script_is_not_counted_as_attributes() -> None:
    from textreuse.ingest.html import check_attributes

    script = "<script>if(a<b){" + ";".join(f"v{k}=k{k}" for k in range(20_000)) + "}</script>"
    check_attributes(f"<html><body>{script}<p>text</p></body></html>", limit=5000)


@pytest.mark.parametrize("interrupted", [True, False])
def test_an_interrupt_python_cannot_raise_is_remembered_without_a_traceback(interrupted: bool) -> None:
    # As when Ctrl-C lands in a ctypes callback of the numba compiler: Python prints
    # "Exception ignored ... Traceback" for it; textreuse remembers it and says nothing.
    import subprocess
    import sys

    code = (
        "from textreuse import interrupts\n"
        "interrupts.install()\n"
        f"if {interrupted}: interrupts.received.append(2)\n"
        "class Finaliser:\n"
        "    def __del__(self): raise KeyboardInterrupt()\n"
        "Finaliser()\n"
        "print('after')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == "after\n"
    assert ("Traceback" in done.stderr) is not interrupted


def test_after_an_interrupt_only_its_own_unraisable_errors_are_silenced(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    from textreuse import interrupts

    shown: list[object] = []
    monkeypatch.setattr(interrupts, "_default_unraisable", shown.append)

    def unraisable(exc: BaseException, module: str) -> object:
        finaliser = types.FunctionType((lambda: None).__code__, {"__name__": module})
        return types.SimpleNamespace(exc_value=exc, object=finaliser)

    llvm = unraisable(AttributeError("'ValueRef' object has no attribute '_as_parameter_'"), "llvmlite.binding.ffi")
    ours = unraisable(ValueError("a real bug"), "textreuse.clean.lossy")
    monkeypatch.setattr(interrupts, "received", [])
    interrupts._quiet_unraisable(llvm)  # not interrupted: reported
    monkeypatch.setattr(interrupts, "received", [2])
    interrupts._quiet_unraisable(llvm)  # interrupted: the compiler's half-built object, silent
    interrupts._quiet_unraisable(unraisable(KeyboardInterrupt(), "numba.core"))
    interrupts._quiet_unraisable(ours)  # interrupted, but not the compiler: reported
    assert shown == [llvm, ours]

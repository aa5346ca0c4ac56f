"""Tests for web inputs: HTML pages, WARC archives, HTML in JSONL, CSV and Parquet tables.

WARC files are written here with warcio's writer, and the pages in them too: an
article, a syndicated copy on another site with other chrome, a blog repost that
says "... writes:" and links back with "[Continue reading…]", a column quoting one
passage, and a page that shares nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import html as htmllib
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import textreuse
from textreuse.cli import app
from textreuse.ingest.html import HtmlConfig, extract_page
from textreuse.ingest.read import IngestConfig, read_inputs
from textreuse.model import Document, Reject
from textreuse.store import duckdb as store

ORIGINAL = "https://daily-herald.example/2026/10/01/bridge-vote"
SYNDICATED = "https://metro-times.example/news/bridge-vote"
BLOG = "https://river-notes.example/posts/bridge"
COLUMN = "https://opinion-weekly.example/columns/bridges"
OTHER = "https://garden-club.example/roses"

PARAGRAPHS = [
    "The city council voted seven to two on Tuesday night to keep the Old Mill Bridge open to "
    "traffic for at least another five years, overruling engineers who had urged its closure.",
    "Engineers from the county transport office told the meeting that corrosion in the steel "
    "girders had advanced faster than expected since the last inspection in the spring of 2024.",
    "Councillor Maria Okafor, who proposed the motion, said closing the bridge would add forty "
    "minutes to the morning commute for residents of the northern villages and cut off two schools.",
    "The approved plan sets a weight limit of seven tonnes, adds monthly inspections and reserves "
    "four million pounds for emergency repairs, to be paid from the road maintenance budget.",
    "Business owners on Mill Street welcomed the decision, saying a closure would have emptied the "
    "market square on weekdays, when most of their customers drive in from the far bank of the river.",
    "Opponents warned that the council was gambling with public safety and asked for an independent "
    "review, which the mayor promised to commission before the end of the year.",
    "A public consultation on a replacement crossing downstream will open in January, with three "
    "designs on show at the library and online for eight weeks before a final vote next autumn.",
    "The bridge, built in 1887 for horse-drawn carts, carries around eleven thousand vehicles a day "
    "and was listed as a heritage structure in 1979, which limits how it may be strengthened.",
]

QUOTE_OWN = [
    "Every town has its bridge argument, and ours has lasted longer than most marriages in the parish.",
    "I have crossed the river by ferry, by rowing boat and once, memorably, by tractor during the flood.",
    "What strikes me about this week's decision is how little the cost of doing nothing was discussed "
    "by anyone in the chamber, least of all by those who will not be paying for it.",
    "As the Herald put it:",
    "Perhaps the consultation in January will finally ask residents what they want the river to be for, "
    "rather than which shade of grey the new railings should be painted.",
    "Until then, drive slowly, keep under the weight limit, and wave at the inspectors.",
]

ROSES = [
    "Pruning roses in late winter encourages strong new growth and a generous show of flowers in June.",
    "Cut each stem just above an outward facing bud, at a slight angle, so that rain runs off the wound.",
    "Remove dead, diseased and crossing wood first, then thin the centre of the bush to let air through.",
    "Feed with a balanced fertiliser once the first leaves open, and mulch with well rotted manure.",
    "Climbing roses are pruned differently: tie the long canes horizontally to encourage flowering shoots.",
    "Our members will demonstrate these techniques at the spring open day in the walled garden.",
]


def _paras(texts: list[str]) -> str:
    return "\n".join(f"<p>{htmllib.escape(t)}</p>" for t in texts)


def page(
    *,
    title: str,
    site: str,
    url: str,
    body: str,
    published: str | None = None,
    author: str | None = None,
    chrome: int = 0,
) -> str:
    """Return a news-like page: head metadata, site chrome around an <article>."""
    nav = [
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>'
        '<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav>',
        '<header><div class="menu"><a href="/sections/local">Local</a> | <a href="/sections/world">World</a>'
        ' | <a href="/subscribe">Subscribe today and save</a></div></header>',
    ][chrome % 2]
    aside = [
        '<aside><h3>Most read</h3><ul><li><a href="/a">Fire at the old cinema</a></li>'
        '<li><a href="/b">Schools to close early for the holidays</a></li></ul></aside>',
        '<aside class="related"><h4>Related stories</h4><a href="/r1">Ferry timetable changes</a>'
        ' <a href="/r2">Road works on the bypass</a></aside>',
    ][chrome % 2]
    meta = [f'<meta property="og:site_name" content="{site}">', f'<link rel="canonical" href="{url}">']
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    if author:
        meta.append(f'<meta name="author" content="{author}">')
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{title} | {site}</title>{''.join(meta)}</head><body>{nav}"
        f"<main><article><h1>{title}</h1>{body}</article></main>{aside}"
        f"<footer><p>© 2026 {site}. All rights reserved.</p><a href=\"/privacy\">Privacy</a></footer>"
        "</body></html>"
    )


def corpus_pages() -> dict[str, str]:
    """Return the five pages by URL."""
    original = page(
        title="Council keeps Old Mill Bridge open", site="Daily Herald", url=ORIGINAL,
        body=_paras(PARAGRAPHS), published="2026-10-01T08:00:00Z", author="Jane Rivers",
    )
    syndicated = page(
        title="Council keeps Old Mill Bridge open", site="Metro Times", url=SYNDICATED, chrome=1,
        body=_paras(PARAGRAPHS) + "<p><em>This story first appeared in the Daily Herald.</em></p>",
        published="2026-10-02T10:30:00Z",
    )
    blog = page(
        title="The bridge stays", site="River Notes", url=BLOG, chrome=1,
        body="<p>The Daily Herald writes:</p><blockquote>" + _paras(PARAGRAPHS[:3])
        + f'</blockquote><p><a href="{ORIGINAL}">[Continue reading…]</a></p>',
        published="2026-10-03T07:00:00Z",
    )
    column = page(
        title="Our bridge, our argument", site="Opinion Weekly", url=COLUMN,
        body=_paras(QUOTE_OWN[:4]) + f"<blockquote><p>{htmllib.escape(PARAGRAPHS[3])}</p></blockquote>"
        + _paras(QUOTE_OWN[4:]),
        published="2026-10-05T09:00:00Z",
    )
    roses = page(title="Pruning roses", site="Garden Club", url=OTHER, body=_paras(ROSES))
    return {ORIGINAL: original, SYNDICATED: syndicated, BLOG: blog, COLUMN: column, OTHER: roses}


def response(writer: WARCWriter, url: str, body: bytes, *, ctype: str = "text/html; charset=utf-8",
             status: str = "200 OK", date: str = "2026-11-01T12:00:00Z", extra: dict[str, str] | None = None,
             http: list[tuple[str, str]] | None = None) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", ctype), *(http or [])], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=headers,
        warc_headers_dict={"WARC-Date": date, **(extra or {})},
    )
    writer.write_record(record)


def write_warc(path: Path, pages: dict[str, str], *, gz: bool = True) -> Path:
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=gz)
        for k, (url, html) in enumerate(pages.items()):
            response(writer, url, html.encode("utf-8"), date=f"2026-11-0{k + 1}T12:00:00Z")
    return path


def read(*paths: Path, config: IngestConfig = IngestConfig()) -> tuple[list[Document], list[Reject]]:
    items = list(read_inputs(paths, config=config))
    return [d for d in items if isinstance(d, Document)], [r for r in items if isinstance(r, Reject)]


# --- reuse across pages in a WARC -------------------------------------------------


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_warc(tmp_path_factory.mktemp("warc") / "crawl.warc.gz", corpus_pages())


@pytest.fixture(scope="module")
def scanned(crawl: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[textreuse.ScanResult, Path]:
    db = tmp_path_factory.mktemp("db") / "crawl.duckdb"
    return textreuse.scan([crawl], db=db, workers=1), db


def test_warc_pages_are_documents_named_by_uri_with_capture_and_publication_dates(crawl: Path) -> None:
    docs, rejects = read(crawl)
    assert rejects == []
    by_id = {d.id: d for d in docs}
    assert list(by_id) == [ORIGINAL, SYNDICATED, BLOG, COLUMN, OTHER]
    orig = by_id[ORIGINAL]
    assert orig.url == ORIGINAL and orig.capture_date == "2026-11-01T12:00:00Z"
    assert orig.date == "2026-10-01" and orig.author == "Jane Rivers" and orig.site_name == "Daily Herald"
    assert orig.canonical_url == ORIGINAL and orig.title == "Council keeps Old Mill Bridge open"
    assert orig.source_path == f"{crawl}@0" and orig.html is not None and "<nav>" in orig.html


def test_main_text_is_the_raw_text_without_chrome(crawl: Path) -> None:
    docs, _ = read(crawl)
    orig = next(d for d in docs if d.id == ORIGINAL)
    for para in PARAGRAPHS:
        assert para in orig.raw_text
    for chrome in ("Most read", "Subscribe", "All rights reserved", "Weather"):
        assert chrome not in orig.raw_text


def test_links_are_absolute_and_the_repost_links_to_the_original(crawl: Path) -> None:
    docs, _ = read(crawl)
    by_id = {d.id: d for d in docs}
    assert ORIGINAL in by_id[BLOG].links
    assert "https://daily-herald.example/news" in by_id[ORIGINAL].links
    assert ORIGINAL not in by_id[ORIGINAL].links  # not a link to another document
    assert all(link.startswith("https://") for d in docs for link in d.links)


def test_scan_of_a_warc_finds_the_copies_and_not_the_unrelated_page(scanned) -> None:
    result, _ = scanned
    pairs = {frozenset((p.doc_a, p.doc_b)): p for p in result.all_pairs()}
    expected = {
        frozenset((ORIGINAL, SYNDICATED)), frozenset((ORIGINAL, BLOG)), frozenset((SYNDICATED, BLOG)),
        frozenset((ORIGINAL, COLUMN)), frozenset((SYNDICATED, COLUMN)),
    }
    assert expected <= set(pairs)
    assert not any(OTHER in key for key in pairs)
    assert pairs[frozenset((ORIGINAL, SYNDICATED))].relation in ("duplicate", "near_duplicate")
    assert pairs[frozenset((ORIGINAL, BLOG))].relation == "excerpt"


def test_passage_offsets_point_into_the_extracted_text(scanned) -> None:
    result, _ = scanned
    docs = {d.id: d for d in result.documents}
    pair = next(p for p in result.pairs if {p.doc_a, p.doc_b} == {ORIGINAL, COLUMN})
    [passage] = pair.passages
    quoted = docs[COLUMN].raw_text[slice(*(passage.b if pair.doc_b == COLUMN else passage.a))]
    assert "weight limit of seven tonnes" in quoted


def test_web_fields_are_stored_and_read_back(scanned) -> None:
    _, db = scanned
    with store.connect(db) as con:
        doc = store.read_document(con, BLOG)
        types = dict(con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'documents'"
        ).fetchall())
    assert doc.capture_date == "2026-11-03T12:00:00Z" and doc.date == "2026-10-03"
    assert ORIGINAL in doc.links and isinstance(doc.links, tuple)
    assert doc.html is not None and "[Continue reading…]" in doc.html
    assert doc.site_name == "River Notes" and doc.canonical_url == BLOG
    assert types["links"] == "VARCHAR[]" and types["capture_date"] == "VARCHAR"


def test_cli_scan_of_a_warc_and_text_meta_and_html(crawl: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "x.duckdb"
    before = hashlib.sha256(crawl.read_bytes()).hexdigest()
    result = runner.invoke(app, ["scan", str(crawl), "--db", str(db), "--json", "--workers", "1"])
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["documents"] == 5 and summary["rejected"] == 0 and summary["pairs"] == 3 and summary["stories"] == 1  # 4 members, 3 tree pairs
    meta = json.loads(runner.invoke(app, ["text", BLOG, "--db", str(db), "--meta"]).stdout)
    assert meta["links"][:0] == [] and ORIGINAL in meta["links"] and meta["capture_date"] == "2026-11-03T12:00:00Z"
    html = runner.invoke(app, ["text", ORIGINAL, "--db", str(db), "--html"]).stdout
    assert html == corpus_pages()[ORIGINAL]
    assert hashlib.sha256(crawl.read_bytes()).hexdigest() == before


def test_plain_warc_reads_like_gzipped(tmp_path: Path, crawl: Path) -> None:
    plain = write_warc(tmp_path / "crawl.warc", corpus_pages(), gz=False)
    docs_plain, _ = read(plain)
    docs_gz, _ = read(crawl)
    assert [(d.id, d.raw_text) for d in docs_plain] == [(d.id, d.raw_text) for d in docs_gz]


def test_old_database_without_web_columns_still_reads(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    result = textreuse.scan_documents([Document("a", "alpha beta gamma")])
    tables = result.tables()
    tables["documents"] = tables["documents"].drop_columns(
        ["author", "site_name", "canonical_url", "capture_date", "links", "html"]
    )
    store.write(db, tables, {})
    with store.connect(db) as con:
        doc = store.read_document(con, "a")
    assert doc.raw_text == "alpha beta gamma" and doc.links == () and doc.html is None


def test_pages_extracted_on_two_processes_come_out_as_on_one(tmp_path: Path, crawl: Path) -> None:
    pages = corpus_pages()
    lines = [{"id": "app", "html": "<html><body><script>x()</script></body></html>"},
             {"id": "orig", "html": pages[ORIGINAL], "url": ORIGINAL}, {"id": "t", "text": "plain"}]
    (tmp_path / "p.jsonl").write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    paths = [crawl, tmp_path / "p.jsonl", crawl]
    one = list(read_inputs(paths, workers=1))
    two = list(read_inputs(paths, workers=2))
    assert one == two and len(one) == 13
    assert [type(x).__name__ for x in one[5:8]] == ["Reject", "Document", "Document"]
    # The second reading of the same WARC: every page a repeat, named by its record id.
    assert all(isinstance(d, Document) and "#urn:uuid:" in d.id for d in one[8:])


# --- skipped and damaged WARC records ----------------------------------------------


def test_non_html_revisit_error_and_crawler_truncated_records_are_rejected_and_counted(tmp_path: Path) -> None:
    pages = corpus_pages()
    path = tmp_path / "mixed.warc.gz"
    with path.open("wb") as f:
        w = WARCWriter(f, gzip=True)
        response(w, ORIGINAL, pages[ORIGINAL].encode())
        response(w, "https://daily-herald.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), ctype="image/png")
        response(w, "https://daily-herald.example/old", b"<html>moved</html>", status="301 Moved Permanently")
        response(w, BLOG, pages[BLOG].encode(), extra={"WARC-Truncated": "length"})
        w.write_record(w.create_revisit_record(
            ORIGINAL, digest="sha1:AAAA", refers_to_uri=ORIGINAL, refers_to_date="2026-11-01T12:00:00Z"
        ))
        w.write_record(w.create_warc_record("https://x.example/", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    docs, rejects = read(path)
    assert [d.id for d in docs] == [ORIGINAL]
    reasons = [r.reason for r in rejects]
    assert len(reasons) == 4  # the request record is not a page and not counted
    assert "not HTML (image/png)" in reasons[0] and "logo.png" in reasons[0]
    assert "HTTP status 301" in reasons[1]
    assert "truncated by the crawler" in reasons[2] and BLOG in reasons[2]
    assert "revisit record" in reasons[3]
    assert all(r.path == str(path) and "record at offset " in r.reason for r in rejects)
    assert [r.kind for r in rejects] == ["not_html", "http_status", "truncated", "revisit"]
    result = CliRunner().invoke(app, ["scan", str(path), "--db", str(tmp_path / "m.duckdb"), "--json"])
    summary = json.loads(result.stdout)
    assert summary["rejected"] == 4 and summary["rejected_by_kind"] == {
        "not_html": 1, "http_status": 1, "truncated": 1, "revisit": 1
    }
    assert len(summary["rejects"]) == 4
    text = CliRunner().invoke(app, ["scan", str(path), "--db", str(tmp_path / "n.duckdb"), "-q"])
    assert "1 document read, 4 rejected (1 not html, 1 http status, 1 truncated, 1 revisit)" in text.stderr


def test_corrupt_gzip_member_is_rejected_with_its_offset_and_the_rest_is_read(tmp_path: Path) -> None:
    pages = corpus_pages()
    good = write_warc(tmp_path / "good.warc.gz", pages)
    offsets = [int(d.source_path.rsplit("@", 1)[1]) for d in read(good)[0]]
    data = bytearray(good.read_bytes())
    bad_at = offsets[2]
    for k in range(bad_at + 40, bad_at + 120):
        data[k] ^= 0x5A
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(bytes(data))
    docs, rejects = read(broken)
    assert [d.id for d in docs] == [ORIGINAL, SYNDICATED, COLUMN, OTHER]
    [reject] = rejects
    assert reject.kind == "corrupt"
    assert f"corrupt gzip member at offset {bad_at}" in reject.reason
    assert f"reading goes on at offset {offsets[3]}" in reject.reason


def test_junk_after_the_last_record_is_rejected_with_the_offset_before_it(tmp_path: Path) -> None:
    good = write_warc(tmp_path / "good.warc", {ORIGINAL: corpus_pages()[ORIGINAL]}, gz=False)
    junk = tmp_path / "junk.warc"
    junk.write_bytes(good.read_bytes() + b"this is not a record header\r\n\r\n")
    docs, [reject] = read(junk)
    assert [d.id for d in docs] == [ORIGINAL]
    assert reject.kind == "corrupt" and reject.reason.startswith("unreadable data after the record at offset 0")


def test_file_cut_inside_a_record_rejects_that_record(tmp_path: Path) -> None:
    good = write_warc(tmp_path / "good.warc", corpus_pages(), gz=False)
    data = good.read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: len(data) - 1500])
    docs, rejects = read(cut)
    assert [d.id for d in docs] == [ORIGINAL, SYNDICATED, BLOG, COLUMN]
    [reject] = rejects
    assert OTHER in reject.reason and "truncated" in reject.reason and "record at offset" in reject.reason


def test_gzipped_file_cut_inside_a_record_rejects_that_record(tmp_path: Path, crawl: Path) -> None:
    data = crawl.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) - 200])
    docs, rejects = read(cut)
    assert len(docs) == 4 and len(rejects) == 1 and "truncated" in rejects[0].reason


@pytest.mark.parametrize("name", ["notes.warc", "notes.warc.gz"])
def test_a_file_named_warc_that_is_not_one_is_rejected_clearly(tmp_path: Path, name: str) -> None:
    content = b"id,text\n1,hello there\n"
    path = tmp_path / name
    path.write_bytes(gzip.compress(content) if name.endswith(".gz") else content)
    docs, [reject] = read(path)
    assert docs == []
    assert reject.reason.startswith("not a WARC file: it starts with b'id,text") and "extension" in reject.reason
    assert reject.kind == "not_warc"


def test_empty_warc_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "e.warc.gz").write_bytes(b"")
    _, [reject] = read(tmp_path / "e.warc.gz")
    assert reject.reason == "empty file"


def test_repeated_uri_gets_its_record_id_and_is_not_rejected(tmp_path: Path) -> None:
    pages = corpus_pages()
    path = tmp_path / "twice.warc.gz"
    with path.open("wb") as f:
        w = WARCWriter(f, gzip=True)
        response(w, ORIGINAL, pages[ORIGINAL].encode(), date="2026-11-01T12:00:00Z")
        response(w, ORIGINAL, pages[ORIGINAL].encode(), date="2026-11-08T12:00:00Z")
    docs, rejects = read(path)
    assert rejects == [] and docs[0].id == ORIGINAL
    assert docs[1].id.startswith(ORIGINAL + "#urn:uuid:") and docs[1].capture_date == "2026-11-08T12:00:00Z"
    # A capture of the same URI in a second file is a repeat too.
    again = write_warc(tmp_path / "again.warc.gz", {ORIGINAL: pages[ORIGINAL]})
    docs2, rejects2 = read(path, again)
    assert len({d.id for d in docs2}) == 3 and rejects2 == []
    assert docs2[2].source_path == f"{again}@0" and docs2[2].id.startswith(ORIGINAL + "#urn:uuid:")


def test_gzip_and_chunked_http_bodies_are_decoded(tmp_path: Path) -> None:
    body = corpus_pages()[ORIGINAL].encode()
    path = tmp_path / "enc.warc.gz"
    with path.open("wb") as f:
        w = WARCWriter(f, gzip=True)
        response(w, ORIGINAL, gzip.compress(body), http=[("Content-Encoding", "gzip")])
        chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[k:k + 1000]), body[k:k + 1000]) for k in range(0, len(body), 1000))
        response(w, SYNDICATED, chunked + b"0\r\n\r\n", http=[("Transfer-Encoding", "chunked")])
    docs, rejects = read(path)
    assert rejects == [] and len(docs) == 2
    assert PARAGRAPHS[0] in docs[0].raw_text and PARAGRAPHS[0] in docs[1].raw_text


def test_declared_charset_of_the_http_header_is_used(tmp_path: Path) -> None:
    html = corpus_pages()[ORIGINAL].replace('<meta charset="utf-8">', "").replace(
        PARAGRAPHS[2], PARAGRAPHS[2] + " Café owners agreed."
    )
    path = tmp_path / "cp.warc.gz"
    with path.open("wb") as f:
        response(WARCWriter(f, gzip=True), ORIGINAL, html.encode("cp1252"), ctype="text/html; charset=windows-1252")
    [doc], _ = read(path)
    assert "Café owners agreed." in doc.raw_text and doc.encoding == "cp1252"


# --- HTML pages: files, records, bad pages ----------------------------------------------


def test_html_files_in_a_folder_are_pages_named_by_path(tmp_path: Path) -> None:
    pages = corpus_pages()
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "original.html").write_text(pages[ORIGINAL], encoding="utf-8")
    (tmp_path / "site" / "copy.htm").write_text(pages[SYNDICATED], encoding="utf-8")
    (tmp_path / "site" / "blog.html.gz").write_bytes(gzip.compress(pages[BLOG].encode()))
    docs, rejects = read(tmp_path / "site")
    assert rejects == [] and sorted(d.id for d in docs) == ["blog.html.gz", "copy.htm", "original.html"]
    orig = next(d for d in docs if d.id == "original.html")
    # No fetch address: the canonical URL is the page's url and resolves its links.
    assert orig.url == ORIGINAL and orig.capture_date is None and "https://daily-herald.example/news" in orig.links
    result = textreuse.scan([tmp_path / "site"], workers=1)
    assert {frozenset((p.doc_a, p.doc_b)) for p in result.all_pairs()} >= {
        frozenset(("original.html", "copy.htm")), frozenset(("original.html", "blog.html.gz"))
    }


def test_page_without_main_text_is_rejected_saying_so(tmp_path: Path) -> None:
    (tmp_path / "footer.html").write_text(
        "<html><head><title>Index</title></head><body><img src='x.jpg'>"
        "<footer><p>© 2026 Site. All rights reserved.</p></footer></body></html>", encoding="utf-8",
    )
    (tmp_path / "blank.html").write_text("<html><head><title></title></head><body></body></html>", encoding="utf-8")
    docs, rejects = read(tmp_path)
    assert docs == []
    reasons = {Path(r.path).name: r.reason for r in rejects}
    assert reasons["blank.html"] == "page has no visible text"
    assert {r.kind for r in rejects} == {"no_text", "no_main_text"}
    assert reasons["footer.html"] == (
        "no main text found in 33 characters of visible text (an index, gallery or error page?)"
    )


def test_script_only_page_is_rejected_naming_javascript(tmp_path: Path) -> None:
    (tmp_path / "app.html").write_text(
        "<html><head><script src='/bundle.js'></script></head><body><div id='root'></div>"
        "<script>window.__DATA__ = {\"story\": \"" + "x" * 5000 + "\"};</script></body></html>",
        encoding="utf-8",
    )
    _, [reject] = read(tmp_path / "app.html")
    assert "no text outside <script>" in reject.reason and "browser" in reject.reason
    assert reject.kind == "script_only"


def test_giant_page_is_rejected_before_parsing(tmp_path: Path) -> None:
    html = corpus_pages()[ORIGINAL]
    (tmp_path / "big.html").write_text(html, encoding="utf-8")
    config = IngestConfig(html=HtmlConfig(max_bytes=len(html.encode()) - 1))
    _, [reject] = read(tmp_path / "big.html", config=config)
    assert "MB of HTML, over the" in reject.reason and "MB limit for one page" in reject.reason
    assert reject.kind == "too_large"
    docs, _ = read(tmp_path / "big.html")
    assert len(docs) == 1  # the default limit (10 MB) reads it


def test_giant_page_in_a_warc_is_rejected_with_its_offset(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "big.warc.gz", {ORIGINAL: corpus_pages()[ORIGINAL]})
    config = IngestConfig(html=HtmlConfig(max_bytes=1000))
    _, [reject] = read(path, config=config)
    assert reject.reason.startswith(f"record at offset 0 ({ORIGINAL}): page is over the 0.001 MB limit")
    assert reject.kind == "too_large"


@pytest.mark.parametrize(
    ("lang", "paragraphs"),
    [
        ("de", [
            "Der Stadtrat hat am Dienstagabend mit sieben zu zwei Stimmen beschlossen, die alte Mühlbrücke "
            "für mindestens fünf weitere Jahre für den Verkehr offen zu halten.",
            "Ingenieure des Kreisverkehrsamtes berichteten, dass die Korrosion an den Stahlträgern seit der "
            "letzten Prüfung im Frühjahr schneller fortgeschritten sei als erwartet.",
            "Geschäftsleute in der Mühlenstraße begrüßten die Entscheidung, weil eine Sperrung den Marktplatz "
            "an Werktagen geleert hätte, wenn die meisten Kunden vom anderen Ufer kommen.",
        ]),
        ("ja", [
            "市議会は火曜日の夜、旧水車橋を少なくともあと五年間通行可能にすることを七対二で可決した。",
            "郡の交通局の技術者は、前回の点検以来、鋼製の桁の腐食が予想より速く進んでいると説明した。",
            "水車通りの商店主たちは、閉鎖されれば平日の市場広場が空になるとして、この決定を歓迎した。"
            "多くの客は川の向こう岸から車で来るからだ。",
        ]),
    ],
)
def test_pages_in_other_languages_are_kept(tmp_path: Path, lang: str, paragraphs: list[str]) -> None:
    html = page(title="Brücke" if lang == "de" else "橋", site="Zeitung", url="https://z.example/a",
                body=_paras(paragraphs)).replace('lang="en"', f'lang="{lang}"')
    (tmp_path / "p.html").write_text(html, encoding="utf-8")
    [doc], rejects = read(tmp_path / "p.html")
    assert rejects == [] and all(p in doc.raw_text for p in paragraphs)


def test_html_in_jsonl_records_is_read_as_a_page(tmp_path: Path) -> None:
    pages = corpus_pages()
    lines = [
        {"id": "orig", "html": pages[ORIGINAL], "url": ORIGINAL},
        {"id": "blog", "html": pages[BLOG], "url": BLOG, "date": "2026-10-04"},
        {"id": "plain", "text": "some plain text", "html": pages[OTHER]},
        {"id": "app", "html": "<html><body><script>render()</script></body></html>"},
    ]
    path = tmp_path / "pages.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    docs, rejects = read(path)
    by_id = {d.id: d for d in docs}
    assert by_id["orig"].author == "Jane Rivers" and PARAGRAPHS[0] in by_id["orig"].raw_text
    assert by_id["blog"].date == "2026-10-04" and ORIGINAL in by_id["blog"].links  # given date wins
    assert by_id["plain"].raw_text == "some plain text"
    [reject] = rejects
    assert reject.line == 4 and reject.reason.startswith("record 'app': page has no text outside <script>")


def test_extract_page_resolves_links_against_base_href() -> None:
    html = (
        "<html><head><base href='https://cdn.example/dir/'></head><body><article><p>"
        + "A sentence long enough to be kept as the main text of this page. " * 6
        + "<a href='x.html'>x</a> <a href='javascript:void(0)'>js</a> <a href='http://[bad'>bad</a></p>"
        "</article></body></html>"
    )
    found = extract_page(html, url="https://site.example/page")
    assert found.links == ("https://cdn.example/dir/x.html",)


# --- tables ----------------------------------------------------------------------------


def test_csv_with_chosen_text_and_id_columns(tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    path.write_text(
        'key,body,url,date\n'
        'a1,"First line\nsecond line, with a comma",https://a.example/1,2026-01-02\n'
        'a2,,https://a.example/2,\n'
        'a3,"Third text",,\n',
        encoding="utf-8",
    )
    docs, rejects = read(path, config=IngestConfig(id_column="key", text_column="body"))
    assert [(d.id, d.raw_text, d.url, d.date) for d in docs] == [
        ("a1", "First line\nsecond line, with a comma", "https://a.example/1", "2026-01-02"),
        ("a3", "Third text", None, None),
    ]
    [reject] = rejects
    assert reject.line == 2 and "empty text" in reject.reason


def test_csv_without_the_text_column_names_the_columns_and_the_option(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,body\n1,hello\n", encoding="utf-8")
    _, [reject] = read(path)
    assert "no text column 'text' (choose one with --text-column)" in reject.reason and "'body'" in reject.reason


def test_parquet_rows_with_metadata_and_html_column(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    pq.write_table(
        pa.table({
            "doc": ["p1", "p2", "p3"],
            "content": ["text one here", None, None],
            "html": [None, corpus_pages()[ORIGINAL], None],
            "title": ["T1", None, None],
        }),
        path,
    )
    docs, rejects = read(path, config=IngestConfig(id_column="doc", text_column="content"))
    assert [(d.id, d.title) for d in docs] == [("p1", "T1"), ("p2", "Council keeps Old Mill Bridge open")]
    assert [(r.line, r.reason) for r in rejects] == [(3, "missing 'doc' or string 'content'")]


def test_not_a_parquet_file_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "x.parquet").write_bytes(b"PAR1 but not really")
    _, [reject] = read(tmp_path / "x.parquet")
    assert reject.reason.startswith("not a readable Parquet file")


def test_cli_scan_takes_text_and_id_columns(tmp_path: Path) -> None:
    text = " ".join(PARAGRAPHS)
    path = tmp_path / "t.csv"
    path.write_text(f'name,story\nx,"{text}"\ny,"{text} And one more sentence here."\n', encoding="utf-8")
    result = CliRunner().invoke(
        app, ["scan", str(path), "--db", str(tmp_path / "t.duckdb"), "--json", "--text-column", "story",
              "--id-column", "name"],
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["pairs"] == 1

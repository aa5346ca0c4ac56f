"""Tests for the HTML report: escaping of hostile documents, every page written, pagination,
passages shown exactly, and (marked `browser`) the report driven in headless Chromium."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import textreuse
from textreuse.align.words import diff_words
from textreuse.clean.encoding import damage
from textreuse.cli import app
from textreuse.errors import StoreError
from textreuse.relate.stories import member_order
from textreuse.report import html as report
from textreuse.report import terminal as terminal_views
from textreuse.report.highlight import split_sides
from textreuse.report.terminal import STYLES
from textreuse.report.terminal import render_side as _render_side
from textreuse.store import duckdb as store

HOSTILE_ID = "<script>window.__pwned='id'</script>/../../evil\"'.html"
HOSTILE_HEAD = (
    "<script>window.__pwned='script';document.title='pwned'</script>\n"
    "</textarea></mark></div><div <b \"unclosed <!-- \u2028 "
)
HOSTILE_INLINE = "<img src=x onerror=\"window.__pwned='inline'\">"
HOSTILE_TAIL = (
    " \u2029<a href=\"javascript:window.__pwned='link'\">click</a>"
    "<svg onload=\"window.__pwned='svg'\"></svg> ]]> <style>body{display:none}</style>\r\n"
)
ODD_FILE = "odd \"name\" <b>'.txt"

# Every element the report writes; a hostile document's markup would add others (img, svg onload, style).
OUR_TAGS = {
    "html", "head", "meta", "title", "link", "script", "body", "header", "nav", "a", "main", "footer",
    "h1", "h2", "p", "span", "table", "thead", "tbody", "tr", "th", "td", "meter", "div", "section",
    "ol", "li", "mark", "del", "ins", "label", "input", "form", "code", "br", "bdi",
    "svg", "defs", "marker", "path", "line", "circle", "text", "rect",
}  # fmt: skip


# ---------------------------------------------------------------- corpus and report


@pytest.fixture
def corpus(tmp_path: Path, gen) -> dict:
    """An origin, a hostile copy of it (markup everywhere), a third document sharing text, a loner."""
    root = tmp_path / "corpus"
    root.mkdir()
    shared = gen.words(160)
    origin_text = gen.prose(gen.words(300) + shared + gen.words(300), newline="\r\n")
    hostile_words = gen.words(30) + shared[:60] + [HOSTILE_INLINE] + shared[60:] + gen.words(250)
    records = [
        {
            "id": "wire/origin",
            "text": origin_text,
            "date": "2024-03-01",
            "title": "Plain title & more",
            "url": "https://example.org/a?x=1&y=2",
            "source": "Wire",
        },
        {
            "id": HOSTILE_ID,
            "text": HOSTILE_HEAD + gen.prose(hostile_words) + HOSTILE_TAIL,
            "date": "2024-03-02",
            "title": "<img src=x onerror=\"window.__pwned='title'\">",
            "url": "javascript:window.__pwned='url'",
            "source": "\"><svg onload=\"window.__pwned='source'\">",
        },
    ]
    (root / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    (root / ODD_FILE).write_text(gen.prose(gen.words(200) + shared[20:120] + gen.words(200)), encoding="utf-8")
    (root / "lonely.txt").write_text(gen.prose(gen.words(300)), encoding="utf-8")
    (root / "empty.txt").write_text("", encoding="utf-8")
    db = tmp_path / "t.duckdb"
    result = textreuse.scan([root], db=db, workers=1)
    pairs = {(p.doc_a, p.doc_b) for p in result.pairs}
    # The corpus only tests something if the hostile document is paired and in a story.
    assert any(HOSTILE_ID in pair for pair in pairs) and len(pairs) >= 3
    return {"root": root, "db": db, "result": result, "texts": {d.id: d.raw_text for d in _documents(db)}}


def _documents(db: Path) -> list[textreuse.Document]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        ids = [r[0] for r in con.execute("SELECT doc_id FROM documents").fetchall()]
        from textreuse.store import duckdb as store

        return [store.read_document(con, i) for i in ids]
    finally:
        con.close()


@pytest.fixture
def built(corpus: dict, tmp_path: Path) -> dict:
    summary = report.write_report(corpus["db"], tmp_path / "report")
    return {**corpus, "out": tmp_path / "report", "summary": summary}


class Page(HTMLParser):
    """Tags, attributes, text and the text of each passage mark of one HTML page.

    Inside each pane (``div.text``) it also records where in the pane's text every
    greyed boilerplate span (``span.bp``) and repaired stretch (``span.fix``) lies, with
    its title, and which of those lie inside a word difference.
    """

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks: dict[str, dict] = {}
        self.segments: dict[str, list[tuple[str, str]]] = {}
        self.cleaning: dict[str, list[tuple[str, int, int, str, bool]]] = {}  # pane -> (class, start, end, title, in a diff)
        self._mark: str | None = None
        self._seg: str | None = None
        self._spans: list[tuple[str, int, str] | None] = []  # open spans/del/ins: (class, start, title)
        self._pane: str | None = None
        self._pos = 0
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "div" and a.get("class") == "text":
            self._pane, self._pos = a["id"], 0
            self.cleaning[self._pane] = []
        if tag == "mark" and a.get("id"):
            self._mark = a["id"]
            self.marks[self._mark] = {"start": int(a["data-start"]), "end": int(a["data-end"]), "text": ""}
            self.segments[self._mark] = []
        elif tag in ("span", "del", "ins"):
            cls = a.get("class") or tag
            if self._mark and cls in ("chg", "del", "ins"):
                self._seg = {"del": "delete", "ins": "insert"}.get(tag, "replace")
                self.segments[self._mark].append((self._seg, ""))
            self._spans.append((cls, self._pos, a.get("title") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._mark = None
        elif tag == "div":
            self._pane = None
        elif tag in ("span", "del", "ins") and self._spans:
            cls, start, title = self._spans.pop()  # type: ignore[misc]
            if cls in ("chg", "del", "ins"):
                self._seg = None
            elif cls in ("bp", "fix") and self._pane:
                in_diff = any(s and s[0] in ("chg", "del", "ins") for s in self._spans)
                self.cleaning[self._pane].append((cls, start, self._pos, title, in_diff))

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        self._pos += len(data)
        if self._mark:
            self.marks[self._mark]["text"] += data
            if self._seg:
                op, seen = self.segments[self._mark][-1]
                self.segments[self._mark][-1] = (op, seen + data)


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def db_rows(db: Path, sql: str, *params: object) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------- escaping helpers


def test_esc_escapes_markup_and_both_quotes() -> None:
    assert report.esc("<a href='x' onclick=\"y\">&") == "&lt;a href=&#x27;x&#x27; onclick=&quot;y&quot;&gt;&amp;"


def test_esc_text_keeps_carriage_returns_as_references() -> None:
    assert report.esc_text("a\r\nb\x00") == "a&#13;\nb\u2400"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "//evil.example/x",
        'https://example.org/"onmouseover="alert(1)',
        "https://example.org/a b",
        "https://example.org/\nx",
    ],
)
def test_link_url_renders_anything_but_plain_http_as_text(url: str) -> None:
    rendered = report.link_url(url)
    assert "<a" not in rendered and "href" not in rendered
    assert rendered == f'<span class="url"><bdi>{report.esc(url)}</bdi></span>'


def test_link_url_links_http_and_https() -> None:
    for url in ("http://example.org/", "HTTPS://example.org/a?b=1&c=2"):
        assert report.link_url(url).startswith(f'<a class="url" href="{report.esc(url)}" rel="noopener noreferrer nofollow">')


def test_js_json_escapes_what_could_end_a_script_or_a_string() -> None:
    value = ["</script><!--", "a & b > c", "line\u2028sep\u2029para", HOSTILE_ID]
    text = report.js_json(value)
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == value


def test_page_file_names_are_hashes_not_ids() -> None:
    assert re.fullmatch(r"p/[0-9a-f]{24}\.html", report.pair_file(HOSTILE_ID, "../../etc/passwd"))
    assert re.fullmatch(r"s/[0-9a-f]{24}\.html", report.story_file("st-<x>/.."))
    assert report.pair_file("a", "b") != report.pair_file("b", "a") != report.pair_file("a\0b", "")


# ---------------------------------------------------------------- shared segments


def test_split_sides_pieces_cover_each_side_in_order(gen) -> None:
    words = gen.words(60)
    a = " ".join(words)
    b = " ".join(gen.edit(words, 0.3))
    side_a, side_b = split_sides(a, b)
    assert "".join(a[p.start : p.end] for p in side_a) == a
    assert "".join(b[p.start : p.end] for p in side_b) == b
    assert {p.op for p in side_a} <= {"equal", "replace", "delete"}
    assert {p.op for p in side_b} <= {"equal", "replace", "insert"}
    changed_a = [a[s.a[0] : s.a[1]] for s in diff_words(a, b) if s.op in ("replace", "delete")]
    assert [a[p.start : p.end] for p in side_a if p.op != "equal"] == [t for t in changed_a if t]


def test_terminal_and_report_mark_the_same_words(built: dict) -> None:
    """The `show` command's styled spans and the pair page's marked words agree, passage by passage."""
    ops = {style: op for op, style in STYLES.items()}
    pair = next(p for p in built["result"].pairs if HOSTILE_ID in (p.doc_a, p.doc_b))
    page = Page((built["out"] / report.pair_file(pair.doc_a, pair.doc_b)).read_text(encoding="utf-8"))
    texts = built["texts"]
    for k, p in enumerate(pair.passages):
        ta, tb = texts[pair.doc_a][p.a[0] : p.a[1]], texts[pair.doc_b][p.b[0] : p.b[1]]
        pieces_a, pieces_b = split_sides(ta, tb)
        for side, text, pieces in (("a", ta, pieces_a), ("b", tb, pieces_b)):
            rendered = _render_side(text, pieces)
            terminal = [(ops[str(s.style)], rendered.plain[s.start : s.end]) for s in rendered.spans]
            assert terminal == page.segments[f"{side}{k}"]
            assert terminal  # the hostile insertion is a difference, so there is something to compare


# ---------------------------------------------------------------- the written report


def test_every_page_is_written(built: dict) -> None:
    out, db = built["out"], built["db"]
    pairs = db_rows(db, "SELECT doc_a, doc_b FROM pairs")
    stories = db_rows(db, "SELECT story_id FROM stories")
    assert {p.relative_to(out).as_posix() for p in (out / "p").iterdir()} == {report.pair_file(a, b) for a, b in pairs}
    assert {p.relative_to(out).as_posix() for p in (out / "s").iterdir()} == {report.story_file(f) for (f,) in stories}
    assert not (out / "f").exists() and not (out / report.list_file("families", 1)).exists()
    for kind in ("pairs-all", "stories", *(f"pairs-{r}" for r in textreuse.model.RELATIONS)):
        assert (out / report.list_file(kind, 1)).is_file()
    for name in ("index.html", "search.html", "assets/report.css", "assets/report.js", "assets/search.js", "assets/search-index.js"):
        assert (out / name).is_file()
    s = built["summary"]
    assert (s.pair_pages, s.story_pages, s.stories) == (len(pairs), len(stories), len(stories))


def test_every_link_and_asset_resolves_inside_the_report(built: dict) -> None:
    out = built["out"].resolve()
    checked = 0
    for page in pages(out):
        for _, attrs in Page(page.read_text(encoding="utf-8")).tags:
            for key in ("href", "src"):
                target = attrs.get(key)
                if not target or target.startswith("#") or re.match(r"https?://", target):
                    continue
                resolved = (page.parent / target.split("#")[0]).resolve()
                assert resolved.is_file() and out in resolved.parents, (page, target)
                checked += 1
    assert checked > 50


def test_no_page_contains_markup_or_handlers_from_a_document(built: dict) -> None:
    for page in pages(built["out"]):
        parsed = Page(page.read_text(encoding="utf-8"))
        for tag, attrs in parsed.tags:
            assert tag in OUR_TAGS, (page, tag, attrs)
            assert not [a for a in attrs if a.startswith("on")], (page, tag, attrs)
            if tag == "script":
                assert attrs.get("src", "").split("/")[-1] in {"report.js", "search.js", "search-index.js"}
            for key in ("href", "src"):
                value = attrs.get(key) or ""
                assert not re.match(r"\s*[a-z][a-z0-9+.-]*:", value, re.I) or re.match(r"https?://", value), (page, value)
        # The hostile strings are there, as text.
    story = built["out"] / report.story_file(_story_of(built["db"], HOSTILE_ID))
    text = "".join(Page(story.read_text(encoding="utf-8")).text)
    assert HOSTILE_ID in text and "javascript:window.__pwned='url'" in text and "onerror=" in text


def test_only_http_urls_become_links(built: dict) -> None:
    story = (built["out"] / report.story_file(_story_of(built["db"], HOSTILE_ID))).read_text(encoding="utf-8")
    hrefs = [a.get("href") for t, a in Page(story).tags if t == "a"]
    assert "https://example.org/a?x=1&y=2" in hrefs
    assert not [h for h in hrefs if h and "javascript" in h.lower()]


def test_every_page_has_the_strict_policy_before_any_script_or_style(built: dict) -> None:
    for page in pages(built["out"]):
        tags = Page(page.read_text(encoding="utf-8")).tags
        policy = [i for i, (t, a) in enumerate(tags) if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert len(policy) == 1 and tags[policy[0]][1]["content"] == report.CSP
        first_asset = min(i for i, (t, _) in enumerate(tags) if t in ("script", "link"))
        assert policy[0] < first_asset
        assert "default-src 'none'" in report.CSP and "script-src 'self'" in report.CSP


def test_search_index_is_escaped_and_complete(built: dict) -> None:
    text = (built["out"] / "assets" / "search-index.js").read_text(encoding="utf-8")
    body = text.split("\n", 1)[1]
    assert not set("<>&\u2028\u2029") & set(body)
    array = body.removeprefix("window.TEXTREUSE_SEARCH = ").rstrip().removesuffix(";")
    entries = json.loads(re.sub(r",\s*\]$", "]", array))
    by_id = {e[0]: e for e in entries}
    assert set(by_id) == set(built["texts"])
    hostile = by_id[HOSTILE_ID]
    assert hostile[1].startswith("<img") and built["texts"][HOSTILE_ID].startswith(hostile[2])
    assert hostile[3] == report.story_file(_story_of(built["db"], HOSTILE_ID))
    assert by_id["lonely.txt"][3] == ""


def test_highlighted_passages_equal_the_aligned_raw_text(built: dict) -> None:
    texts = built["texts"]
    seen = 0
    for pair in built["result"].pairs:
        page = Page((built["out"] / report.pair_file(pair.doc_a, pair.doc_b)).read_text(encoding="utf-8"))
        spans = {}
        for k, p in enumerate(pair.passages):
            spans[f"a{k}"], spans[f"b{k}"] = p.a, p.b
        assert {m: (v["start"], v["end"]) for m, v in page.marks.items()} == spans
        for mark, (start, end) in spans.items():
            raw = texts[pair.doc_a if mark[0] == "a" else pair.doc_b]
            assert page.marks[mark]["text"] == raw[start:end]
            seen += 1
    assert seen >= 6
    assert any("\r\n" in texts[p.doc_a] + texts[p.doc_b] for p in built["result"].pairs)


def test_each_pane_holds_the_whole_document(built: dict) -> None:
    pair = built["result"].pairs[0]
    text = (built["out"] / report.pair_file(pair.doc_a, pair.doc_b)).read_text(encoding="utf-8")
    pane_a = re.search(r'<div class="text" id="text-a" tabindex="0">(.*?)</div></section>', text, re.S)
    assert pane_a is not None
    plain = Page(pane_a.group(1))
    assert "".join(plain.text) == built["texts"][pair.doc_a]


def test_lists_are_paginated(corpus: dict, tmp_path: Path) -> None:
    out = tmp_path / "paged"
    report.write_report(corpus["db"], out, page_size=2)
    n = len(corpus["result"].pairs)
    expected = math.ceil(n / 2)
    assert expected >= 2
    linked: list[str] = []
    for page in range(1, expected + 1):
        parsed = Page((out / report.list_file("pairs-all", page)).read_text(encoding="utf-8"))
        rows = [a for t, a in parsed.tags if t == "tr" and "data-cov" in a]
        assert 1 <= len(rows) <= 2
        linked += sorted({a["href"] for t, a in parsed.tags if t == "a" and a.get("href", "").startswith("../p/")})
        pagers = {a["href"] for t, a in parsed.tags if t == "a" and "pager" in (a.get("class") or "")}
        if page < expected:
            assert f"../{report.list_file('pairs-all', page + 1)}" in pagers
    assert not (out / report.list_file("pairs-all", expected + 1)).exists()
    assert sorted(linked) == sorted(f"../{report.pair_file(p.doc_a, p.doc_b)}" for p in corpus["result"].pairs)
    covs = [float(a["data-cov"]) for page in range(1, expected + 1)
            for t, a in Page((out / report.list_file("pairs-all", page)).read_text(encoding="utf-8")).tags
            if t == "tr" and "data-cov" in a]  # fmt: skip
    assert covs == sorted(covs, reverse=True)


def test_overview_counts_the_corpus(built: dict) -> None:
    text = "".join(Page((built["out"] / "index.html").read_text(encoding="utf-8")).text)
    result = built["result"]
    assert f"{len(result.documents)}documents" in text.replace(" ", "").replace("\n", "")
    assert "empty.txt" in text and "empty file" in text
    assert "pairs by coverage" in text


def test_a_story_page_draws_its_tree_and_timeline(built: dict) -> None:
    sid = _story_of(built["db"], HOSTILE_ID)
    parsed = Page((built["out"] / report.story_file(sid)).read_text(encoding="utf-8"))
    edges = [a for t, a in parsed.tags if t == "line" and "edge" in (a.get("class") or "")]
    tree = db_rows(built["db"], f"SELECT count(*) FROM story_members WHERE story_id = '{sid}' AND source IS NOT NULL")
    assert len(edges) == tree[0][0] >= 2  # one line per tree edge
    # The dated pair has an origin, so its edge carries an arrow.
    assert any(a.get("marker-end") for a in edges)
    assert any(t == "svg" and "timeline" in (a.get("class") or "") for t, a in parsed.tags)


def test_a_story_page_lists_its_members_in_tree_order(built: dict) -> None:
    """Each member follows its source, depth first from the representative, siblings by
    relation then id; each row names its relation, source, spans and its tree pair's page."""
    db = built["db"]
    sid = _story_of(db, HOSTILE_ID)
    con = duckdb.connect(str(db), read_only=True)
    try:
        story = store.read_stories(con, story=sid)[0]
    finally:
        con.close()
    children: dict[str | None, list] = {}
    for m in story.members:
        children.setdefault(m.source, []).append(m)
    expected, stack = [], [(0, story.member(story.representative))]
    while stack:
        depth, m = stack.pop()
        expected.append((m.doc_id, depth))
        stack += [(depth + 1, c) for c in sorted(children.get(m.doc_id, []), key=member_order, reverse=True)]
    assert len(expected) == story.size >= 3 and len({d for _, d in expected}) >= 2  # a tree, not a list
    parsed = Page((built["out"] / report.story_file(sid)).read_text(encoding="utf-8"))
    rows = [a for t, a in parsed.tags if t == "tr" and "data-doc" in a]
    assert [(a["data-doc"], int(a["class"].removeprefix("depth-"))) for a in rows] == expected
    text = "".join(parsed.text)
    pairs = {frozenset((p.doc_a, p.doc_b)): p for p in built["result"].pairs}
    links = {a["href"] for t, a in parsed.tags if t == "a" and a.get("href", "").startswith("../p/")}
    for m in story.members:
        assert " ".join(f"{a}–{b}" for a, b in m.spans) in text
        if m.source is not None:
            p = pairs[frozenset((m.doc_id, m.source))]
            assert f"../{report.pair_file(p.doc_a, p.doc_b)}" in links
    assert "quoted" in text and story.id in text


def test_the_overview_and_the_stories_list_rank_stories_as_the_stories_command(corpus: dict, tmp_path: Path) -> None:
    listed = CliRunner().invoke(app, ["stories", "--db", str(corpus["db"]), "--format", "jsonl"])
    assert listed.exit_code == 0, listed.stderr
    order = [json.loads(line)["story"] for line in listed.stdout.splitlines()]
    assert len(order) >= 2
    out = tmp_path / "ranked"
    report.write_report(corpus["db"], out, page_size=1)  # one story a list page
    ranked = [a["data-story"] for n in range(1, len(order) + 1)
              for t, a in Page((out / report.list_file("stories", n)).read_text(encoding="utf-8")).tags
              if t == "tr" and "data-story" in a]  # fmt: skip
    assert ranked == order and not (out / report.list_file("stories", len(order) + 1)).exists()
    overview = Page((out / "index.html").read_text(encoding="utf-8"))
    assert [a["data-story"] for t, a in overview.tags if t == "tr" and "data-story" in a] == order[:20]
    links = [a["href"] for t, a in overview.tags if t == "a" and a.get("href", "").startswith("s/")]
    assert links == [report.story_file(sid) for sid in order[:20]]


def test_a_database_written_before_stories_gets_the_story_pages_of_its_pairs(
    built: dict, tmp_path: Path, older_database
) -> None:
    db = older_database(built["db"], tmp_path / "before-stories.duckdb", "story_members", "stories")
    before = db.read_bytes()
    out = tmp_path / "old-report"
    summary = report.write_report(db, out)
    assert db.read_bytes() == before  # the stories are built when it is read, never written into it
    stories = db_rows(built["db"], "SELECT story_id FROM stories")
    assert (summary.stories, summary.story_pages) == (len(stories), len(stories))
    assert {p.relative_to(out).as_posix() for p in (out / "s").iterdir()} == {report.story_file(f) for (f,) in stories}
    assert summary.pair_pages == len(built["result"].pairs) and not (out / "f").exists()
    sid = _story_of(built["db"], HOSTILE_ID)
    assert (out / report.story_file(sid)).read_text(encoding="utf-8") == (
        built["out"] / report.story_file(sid)).read_text(encoding="utf-8")
    search = (out / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert report.story_file(sid) in search
    result = CliRunner().invoke(app, ["report", "--db", str(db), "--out", str(tmp_path / "cli-old"), "--quiet"])
    assert result.exit_code == 0 and f"{len(stories)} story pages" in result.stderr


def _story_of(db: Path, doc_id: str) -> str:
    """Return the story the document holds as its own text (not a quote)."""
    rows = db_rows(db, "SELECT story_id, relation FROM story_members WHERE doc_id = ? ORDER BY relation = 'quoted', story_id", doc_id)
    return rows[0][0]


RLO_ID = "rtl-\u202eevil.txt"  # a right-to-left override: "rtl-" then "txt.live" shown reversed
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def test_iso_closes_what_the_text_opens() -> None:
    assert report.iso("a\u202eb") == "\u2068a\u202eb\u2069"
    # A PDI in the text would end the isolate early: dropped; each isolate it opens is closed.
    assert report.iso("\u2069x\u2067y") == "\u2068x\u2067y\u2069\u2069"
    assert report.bdi("\u202e<b>") == "<bdi>\u202e&lt;b&gt;</bdi>"


class _Isolation(HTMLParser):
    """Every piece of text or attribute holding a bidi control: (where, isolated?)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.found: list[tuple[str, bool]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value and _BIDI.search(value) and key != "href" and not key.startswith("data-"):
                self.found.append((f"{tag}[{key}]", _wrapped(value)))
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        if not _BIDI.search(data):
            return
        plain = bool(self.open) and self.open[-1] in ("title", "text")  # no markup there: FSI ... PDI
        self.found.append(("/".join(self.open[-3:]), _wrapped(data) if plain else "bdi" in self.open))


def _wrapped(text: str) -> bool:
    """Whether every bidi control of `text` lies between an FSI and a later PDI."""
    return all("\u2068" in text[: m.start()] and "\u2069" in text[m.end():]
               for m in re.finditer("[\u202a-\u202e]", text))


def test_ids_titles_and_urls_with_a_right_to_left_override_are_isolated(tmp_path: Path, gen) -> None:
    root = tmp_path / "rtl"
    root.mkdir()
    text = gen.prose(gen.words(400))
    records = [
        {"id": RLO_ID, "text": text, "date": "2024-01-02", "title": "\u202eeltit", "url": "https://example.org/\u202ea",
         "source": "\u202eWire"},
        {"id": "neighbour.txt", "text": text + "\n" + gen.prose(gen.words(40)), "date": "2024-01-01", "title": "Plain"},
    ]
    (root / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db = tmp_path / "rtl.duckdb"
    textreuse.scan([root], db=db, workers=1)
    out = tmp_path / "rtl-report"
    report.write_report(db, out)
    found = []
    for path in pages(out):
        found += [(path.relative_to(out).as_posix(), *f) for f in _Isolation(path.read_text(encoding="utf-8")).found]
    where = {f[1] for f in found}
    # The id is in the lists, the story page's table, drawings and tooltips, the pair page and titles.
    page_title, crumb, svg_label, tooltip = "meta/meta/title", "nav/span/bdi", "svg/a/text", "a/circle/title"
    assert {page_title, crumb, svg_label, tooltip, "td/span/bdi", "h1/span/bdi", "td/a/bdi"} <= where, where
    assert {f[0].split("/")[0] for f in found} == {"s", "p", "list"}  # story, pair and list pages
    assert [f for f in found if not f[2]] == []


# ---------------------------------------------------------------- writing safely


def test_a_folder_that_is_not_a_report_is_left_untouched(corpus: dict, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "keep.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(StoreError, match="not a textreuse report"):
        report.write_report(corpus["db"], out)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_previous_report_is_replaced_whole(corpus: dict, tmp_path: Path) -> None:
    out = tmp_path / "rep"
    report.write_report(corpus["db"], out)
    (out / "p" / "stale.html").write_text("old", encoding="utf-8")
    report.write_report(corpus["db"], out)
    assert not (out / "p" / "stale.html").exists() and (out / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_failed_report_leaves_no_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database"):
        report.write_report(tmp_path / "missing.duckdb", tmp_path / "rep")
    assert list(tmp_path.iterdir()) == []


def test_cli_report_prints_the_index_path(corpus: dict, tmp_path: Path) -> None:
    out = tmp_path / "cli-report"
    result = CliRunner().invoke(app, ["report", "--db", str(corpus["db"]), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(out.resolve() / "index.html")
    assert "pair pages" in result.stderr


def test_cli_report_fails_cleanly_without_a_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--db", str(tmp_path / "no.duckdb"), "--out", str(tmp_path / "r")])
    assert result.exit_code == 1 and "no database" in result.stderr and result.stdout == ""


# ---------------------------------------------------------------- boilerplate and repairs

# Strings planted in the repairs and annotations tables: a database is read as untrusted too.
HOSTILE_RULE = "\"><script>window.__pwned='rule'</script><img src=x onerror=\"window.__pwned='rule2'\">"
HOSTILE_FIX = "'><svg onload=\"window.__pwned='fix'\">"
HOSTILE_KIND = "\" onmouseover=\"window.__pwned='kind'\" x=\""


def _curly(gen, words: list[str]) -> list[str]:
    """Return the words with curly apostrophes, quotes and dashes, which lossy mojibake damages."""
    out = []
    for k, w in enumerate(words):
        w = w + "’s" if k % 7 == 3 else w
        w = "“" + w if k % 11 == 5 else w
        w = w + ",”" if k % 11 == 8 else w
        out.append("– " + w if k % 13 == 10 else w)
    return out


@pytest.fixture
def cleaned(tmp_path: Path, gen) -> dict:
    """A clean article and a blog's copy of it: lossy mojibake, a byline, a continue link mid-text, a share widget."""
    root = tmp_path / "cleaned"
    root.mkdir()
    shared = _curly(gen, gen.words(240))
    clean = gen.prose(_curly(gen, gen.words(100)) + shared + _curly(gen, gen.words(100)))
    copy = (
        "Jane Roe writes:\n\n"
        + damage(gen.prose(_curly(gen, gen.words(60)) + gen.edit(shared[:120], 0.05)))
        + "\n\nRead the full story at wire.example\n\n"
        + damage(gen.prose(shared[120:] + _curly(gen, gen.words(80))))
        + f"\n\n{HOSTILE_INLINE}\n\n[Continue reading…]\n\nShare this:\n"
    )
    (root / "wire.txt").write_text(clean, encoding="utf-8")
    (root / "blog.txt").write_text(copy, encoding="utf-8")
    (root / "other.txt").write_text(gen.prose(gen.words(200)), encoding="utf-8")
    db = tmp_path / "cleaned.duckdb"
    result = textreuse.scan([root], db=db, workers=1)
    assert [(p.doc_a, p.doc_b) for p in result.pairs] == [("blog.txt", "wire.txt")]
    # The corpus tests something only if the blog was repaired and its boilerplate marked.
    assert len(result.repairs["blog.txt"]) > 50 and len(result.annotations["blog.txt"]) >= 4
    out = tmp_path / "cleaned-report"
    report.write_report(db, out)
    texts = {d.id: d.raw_text for d in result.documents}
    return {"db": db, "out": out, "result": result, "texts": texts, "pair": result.pairs[0]}


def _pair_page(built: dict) -> Page:
    pair = built["pair"]
    return Page((built["out"] / report.pair_file(pair.doc_a, pair.doc_b)).read_text(encoding="utf-8"))


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the spans with touching parts joined (outer elements cut a span into parts)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def test_render_side_keeps_the_text_and_cuts_spans_at_passage_edges() -> None:
    from textreuse.clean.encoding import Step
    from textreuse.model import Annotation
    from textreuse.report.highlight import Piece

    text = "Share this:\nWeâll goÂ\xa0now <b>"
    steps = [Step(13, 14, "’", "lossy:apostrophe", 0.97), Step(20, 22, "\xa0", "ftfy:nbsp", 0.9), Step(23, 23, "!", "ins", 0.5)]
    html = report.render_side(
        text, [(0, 13, 21, [Piece("equal", 0, 8)])], "a", boilerplate=[Annotation(0, 11, "share-widget", "share-buttons")], repairs=steps
    )
    page = Page(f'<div class="text" id="t">{html}</div>')
    assert "".join(page.text) == text and page.marks["a0"]["text"] == text[13:21]
    spans = [(c, s, e) for c, s, e, _, _ in page.cleaning["t"]]
    # The second step straddles the passage's end: two parts, each with the whole tooltip.
    assert spans == [("bp", 0, 11), ("fix", 13, 14), ("fix", 20, 21), ("fix", 21, 22), ("fix", 23, 23)]
    titles = [t for c, _, _, t, _ in page.cleaning["t"] if c == "fix"]
    assert titles[1] == titles[2] == "repaired: \xa0 (raw: Â\xa0) [U+00A0 ← U+00C2 U+00A0] · ftfy:nbsp · confidence 0.90"
    assert titles[3].startswith("repaired: ! (raw: (nothing))")


def test_overview_counts_repaired_and_boilerplate_documents(cleaned: dict) -> None:
    index = (cleaned["out"] / "index.html").read_text(encoding="utf-8")
    (repaired,) = db_rows(cleaned["db"], "SELECT count(DISTINCT doc_id) FROM repairs")[0]
    (with_boilerplate,) = db_rows(cleaned["db"], "SELECT count(DISTINCT doc_id) FROM annotations")[0]
    (steps,) = db_rows(cleaned["db"], "SELECT count(*) FROM repairs")[0]
    card = re.search(r'id="repaired"><span class="big">([\d,]+)</span> damaged and repaired documents'
                     r'<br><span class="muted">([\d,]+) repair steps', index)  # fmt: skip
    assert card and (int(card[1]), int(card[2].replace(",", ""))) == (repaired, steps) == (1, len(cleaned["result"].repairs["blog.txt"]))
    card = re.search(r'id="boilerplate"><span class="big">([\d,]+)</span> documents with boilerplate', index)
    assert card and int(card[1]) == with_boilerplate == 1
    text = "".join(Page(index).text)
    assert "Boilerplate by kind" in text and "share-widget" in text and "Repairs by rule" in text


def test_greyed_spans_are_the_annotated_raw_text(cleaned: dict) -> None:
    page, pair, texts = _pair_page(cleaned), cleaned["pair"], cleaned["texts"]
    for side, doc in (("text-a", pair.doc_a), ("text-b", pair.doc_b)):
        marks = cleaned["result"].annotations.get(doc, ())
        greyed = [(s, e, title) for cls, s, e, title, _ in page.cleaning[side] if cls == "bp"]
        assert _merged([(s, e) for s, e, _ in greyed]) == _merged([(a.start, a.end) for a in marks])
        for start, end, title in greyed:
            line = next(a for a in marks if a.start <= start and end <= a.end)
            assert title == f"boilerplate: {line.kind} ({line.rule})"
            assert texts[doc][start:end] in texts[doc][line.start : line.end]
    blog = [a for a in cleaned["result"].annotations["blog.txt"]]
    # The continue link in the middle of the copied text is greyed inside the passage.
    passage = pair.passages[0].a if pair.doc_a == "blog.txt" else pair.passages[0].b
    middle = [a for a in blog if passage[0] < a.start < passage[1]]
    assert [(a.kind, texts["blog.txt"][a.start : a.end]) for a in middle] == [("continue-link", "Read the full story at wire.example")]


def test_repaired_marks_show_the_raw_damage_on_hover(cleaned: dict) -> None:
    page, pair, texts = _pair_page(cleaned), cleaned["pair"], cleaned["texts"]
    steps = {(s.start, s.end): s for s in cleaned["result"].repairs["blog.txt"]}
    side = "text-a" if pair.doc_a == "blog.txt" else "text-b"
    fixes = [(s, e, title) for cls, s, e, title, _ in page.cleaning[side] if cls == "fix"]
    assert _merged([(s, e) for s, e, _ in fixes]) == _merged([k for k in steps if k[0] < k[1]])
    raw = texts["blog.txt"]
    for start, end, title in fixes:
        step = next(st for (lo, hi), st in steps.items() if lo <= start and end <= hi)
        assert title.startswith(f"repaired: {step.replacement} (raw: {raw[step.start:step.end]})")
        assert f" · {step.rule} · confidence {step.confidence:.2f}" in title
    assert any("(raw: â)" in title and "repaired: ’" in title for _, _, title in fixes)
    # The clean side has nothing to repair.
    assert not [c for c in page.cleaning["text-b" if side == "text-a" else "text-a"] if c[0] == "fix"]


def test_each_pane_still_holds_the_raw_document(cleaned: dict) -> None:
    pair = cleaned["pair"]
    text = (cleaned["out"] / report.pair_file(pair.doc_a, pair.doc_b)).read_text(encoding="utf-8")
    for side, doc in (("a", pair.doc_a), ("b", pair.doc_b)):
        pane = re.search(rf'<div class="text" id="text-{side}" tabindex="0">(.*?)</div></section>', text, re.S)
        assert pane is not None and "".join(Page(pane.group(1)).text) == cleaned["texts"][doc]
    page = Page(text)
    for mark, v in page.marks.items():
        doc = pair.doc_a if mark[0] == "a" else pair.doc_b
        assert v["text"] == cleaned["texts"][doc][v["start"] : v["end"]]


def test_mojibake_is_not_shown_as_changed_words(cleaned: dict) -> None:
    page, pair, texts = _pair_page(cleaned), cleaned["pair"], cleaned["texts"]
    side = "text-a" if pair.doc_a == "blog.txt" else "text-b"
    fixes = [c for c in page.cleaning[side] if c[0] == "fix"]
    inside_passage = [c for c in fixes if any(v["start"] <= c[1] < v["end"] for k, v in page.marks.items() if k[0] == side[-1])]
    assert len(inside_passage) > 20
    in_diff = [c for c in inside_passage if c[4]]
    # Diffing the raw words would mark most damaged words as changed; the matching view marks few.
    p = pair.passages[0]
    raw_a, raw_b = texts[pair.doc_a][p.a[0] : p.a[1]], texts[pair.doc_b][p.b[0] : p.b[1]]
    raw_changes = [s for s in diff_words(raw_a, raw_b) if s.op != "equal"]
    shown_changes = sum(len(v) for v in page.segments.values())
    assert len(raw_changes) > 20 and shown_changes < len(raw_changes) / 4
    assert len(in_diff) <= len(inside_passage) / 10


def test_terminal_show_marks_the_same_words_as_the_pair_page(cleaned: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[tuple[str, list]] = []

    def record(text: str, pieces: list, **marks: object) -> object:
        drawn.append((text, pieces))
        return _render_side(text, pieces, **marks)  # type: ignore[arg-type]

    monkeypatch.setattr(terminal_views, "render_side", record)
    pair = cleaned["pair"]
    result = CliRunner().invoke(app, ["show", pair.doc_a, pair.doc_b, "--db", str(cleaned["db"])])
    assert result.exit_code == 0, result.stderr
    page = _pair_page(cleaned)
    ops = {style: op for op, style in STYLES.items()}
    for k in range(len(pair.passages)):
        for side, (text, pieces) in zip("ab", drawn[2 * k : 2 * k + 2]):
            rendered = _render_side(text, pieces)
            terminal = [(ops[str(s.style)], rendered.plain[s.start : s.end]) for s in rendered.spans]
            assert terminal == page.segments[f"{side}{k}"]
    assert len(drawn) == 2 * len(pair.passages) and any(page.segments.values())  # the blog's edits are differences


@pytest.fixture
def hostile_cleaning(cleaned: dict, tmp_path: Path) -> dict:
    """The cleaned corpus's database with script, handlers and quotes planted in its repair and boilerplate rows."""
    db = tmp_path / "hostile-cleaning.duckdb"
    shutil.copy(cleaned["db"], db)
    con = duckdb.connect(str(db))
    try:
        con.execute("UPDATE repairs SET rule = ?, witness = ? WHERE step % 3 = 0", [HOSTILE_RULE, HOSTILE_ID])
        con.execute("UPDATE repairs SET replacement = ? WHERE step = 1", [HOSTILE_FIX])
        con.execute("UPDATE annotations SET kind = ?, rule = ? WHERE kind = 'share-widget'", [HOSTILE_KIND, HOSTILE_RULE])
    finally:
        con.close()
    out = tmp_path / "hostile-cleaning-report"
    report.write_report(db, out)
    return {**cleaned, "db": db, "out": out}


def test_cleaning_rows_from_the_database_cannot_inject(hostile_cleaning: dict) -> None:
    titles = []
    for page in pages(hostile_cleaning["out"]):
        for tag, attrs in Page(page.read_text(encoding="utf-8")).tags:
            assert tag in OUR_TAGS, (page, tag, attrs)
            assert not [a for a in attrs if a.startswith("on")], (page, tag, attrs)
            if tag == "span" and attrs.get("class") in ("bp", "fix"):
                titles.append(attrs.get("title") or "")
    # The planted strings are there, whole, as attribute text.
    assert any(HOSTILE_RULE in t and f"witness {HOSTILE_ID}" in t for t in titles)
    assert any(f"repaired: {HOSTILE_FIX} (raw: " in t for t in titles)
    assert any(t == f"boilerplate: {HOSTILE_KIND} ({HOSTILE_RULE})" for t in titles)
    index = "".join(Page((hostile_cleaning["out"] / "index.html").read_text(encoding="utf-8")).text)
    assert HOSTILE_KIND in index


def test_a_database_without_cleaning_tables_still_reports(cleaned: dict, tmp_path: Path, older_database) -> None:
    db = older_database(cleaned["db"], tmp_path / "old.duckdb", "annotations", "repairs")
    out = tmp_path / "old-report"
    summary = report.write_report(db, out)
    assert summary.pair_pages == 1
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="repaired"' not in index and 'id="boilerplate"' not in index and "documents" in index
    page = _pair_page({**cleaned, "out": out})
    assert page.cleaning["text-a"] == page.cleaning["text-b"] == []
    assert page.marks and all(
        v["text"] == cleaned["texts"][cleaned["pair"].doc_a if m[0] == "a" else cleaned["pair"].doc_b][v["start"] : v["end"]]
        for m, v in page.marks.items()
    )
    result = CliRunner().invoke(app, ["show", "blog.txt", "wire.txt", "--db", str(db)])
    assert result.exit_code == 0, result.stderr


# ---------------------------------------------------------------- in the browser


def _chromium():
    """Return selenium and the Chromium and chromedriver paths, or skip when one is missing.

    CI sets TEXTREUSE_REQUIRE_BROWSER=1, and then a missing browser fails the test instead.
    """
    missing = pytest.fail if os.environ.get("TEXTREUSE_REQUIRE_BROWSER") == "1" else pytest.skip
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing("selenium is not installed (pip install -e '.[dev]')")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        missing("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    return webdriver, Service, browser, driver


def _start_chromium(tmp_path: Path):
    """Return a headless Chromium driver that keeps the browser console log."""
    webdriver, Service, browser, driver_path = _chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1400,1000", f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(driver_path))


def _untouched(driver) -> None:
    """Check that nothing from a document ran or was added to the page the driver shows."""
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert driver.title != "pwned" and driver.title.endswith("textreuse report")
    assert driver.execute_script("return document.querySelectorAll('img, style, iframe, object, embed, svg[onload]').length") == 0
    assert driver.execute_script("return document.querySelectorAll('body script').length") == 0
    handlers = "return Array.from(document.querySelectorAll('*')).filter(e => e.getAttributeNames().some(n => n.startsWith('on'))).length"
    assert driver.execute_script(handlers) == 0
    schemes = driver.execute_script("return Array.from(document.links, a => a.protocol)")
    assert set(schemes) <= {"file:", "http:", "https:"}


@pytest.mark.browser
def test_report_in_headless_chromium(built: dict, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = _start_chromium(tmp_path)
    out, db, texts = built["out"], built["db"], built["texts"]

    def untouched() -> None:
        _untouched(driver)

    def console_errors() -> list[dict]:
        return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]

    try:
        driver.get((out / "index.html").as_uri())
        assert driver.title.startswith("overview")
        untouched()
        # Overview → stories list → the hostile document's story.
        driver.find_element(By.CSS_SELECTOR, 'a[href="list/stories-1.html"]').click()
        story = report.story_file(_story_of(db, HOSTILE_ID))
        driver.find_element(By.CSS_SELECTOR, f'a[href="../{story}"]').click()
        assert driver.current_url.endswith(story)
        untouched()
        shown = driver.find_element(By.CSS_SELECTOR, "table.members").text
        assert HOSTILE_ID.split("/")[0] in shown and "javascript:window.__pwned='url'" in shown
        # Document strings are isolated: the stylesheet and <bdi> give them their own direction.
        isolated = driver.execute_script(
            "return Array.from(document.querySelectorAll('table.members bdi, table.members .id'), e => getComputedStyle(e).unicodeBidi)"
        )
        assert isolated and set(isolated) == {"isolate"}
        # Story → the hostile document's pair with its source.
        source = db_rows(db, "SELECT source FROM story_members WHERE story_id = ? AND doc_id = ?", _story_of(db, HOSTILE_ID), HOSTILE_ID)
        pair = next(p for p in built["result"].pairs if {p.doc_a, p.doc_b} == {HOSTILE_ID, source[0][0]})
        driver.find_element(By.CSS_SELECTOR, f'table.pairs a[href="../{report.pair_file(pair.doc_a, pair.doc_b)}"]').click()
        untouched()
        marks = driver.execute_script(
            "return Array.from(document.querySelectorAll('mark.psg[id]'), m => "
            "[m.id, +m.dataset.start, +m.dataset.end, m.textContent])"
        )
        expected = {}
        for k, p in enumerate(pair.passages):
            expected[f"a{k}"], expected[f"b{k}"] = p.a, p.b
        assert {m[0]: (m[1], m[2]) for m in marks} == expected
        for mark_id, start, end, text in marks:
            raw = texts[pair.doc_a if mark_id[0] == "a" else pair.doc_b]
            assert text == raw[start:end]
        assert driver.execute_script("return document.querySelectorAll('mark.psg .chg, mark.psg del, mark.psg ins').length") > 0
        # The panes scroll together: moving a moves b.
        driver.execute_script("var a = document.getElementById('text-a'); a.scrollTop = a.scrollHeight / 2;")
        WebDriverWait(driver, 5).until(lambda d: d.execute_script("return document.getElementById('text-b').scrollTop") > 0)
        driver.save_screenshot(str(tmp_path / "pair.png"))
        # Search runs from file:// with the generated index, and shows hostile text as text.
        driver.get((out / "search.html").as_uri())
        box = driver.find_element(By.ID, "q")
        box.send_keys("evil")
        WebDriverWait(driver, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results li"))
        assert "__pwned='id'" in driver.find_element(By.ID, "results").text
        untouched()
        # Coverage filter on the pairs list hides rows below the threshold.
        driver.get((out / report.list_file("pairs-all", 1)).as_uri())
        rows = len(driver.find_elements(By.CSS_SELECTOR, "tr[data-cov]"))
        low = driver.find_element(By.ID, "cov-min")
        low.clear()
        low.send_keys("0.99")
        visible = [r for r in driver.find_elements(By.CSS_SELECTOR, "tr[data-cov]") if r.is_displayed()]
        assert all(float(r.get_attribute("data-cov")) >= 0.99 for r in visible) and len(visible) < rows
        driver.save_screenshot(str(tmp_path / "pairs.png"))
        # Our scripts and styles all loaded under the policy: a blocked one would log an error.
        assert console_errors() == []
    finally:
        driver.quit()
    assert (tmp_path / "pair.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.browser
def test_boilerplate_and_repairs_in_headless_chromium(hostile_cleaning: dict, tmp_path: Path) -> None:
    """Greyed boilerplate and repair tooltips on the pair page; hovering hostile rows runs nothing."""
    from selenium.webdriver.common.action_chains import ActionChains

    driver = _start_chromium(tmp_path)
    pair, texts, out = hostile_cleaning["pair"], hostile_cleaning["texts"], hostile_cleaning["out"]
    try:
        driver.get((out / "index.html").as_uri())
        _untouched(driver)
        cards = driver.execute_script(
            "return ['repaired', 'boilerplate'].map(id => document.querySelector('#' + id + ' .big').textContent)"
        )
        assert cards == ["1", "1"]
        driver.get((out / report.pair_file(pair.doc_a, pair.doc_b)).as_uri())
        _untouched(driver)
        greyed = driver.execute_script(
            "return Array.from(document.querySelectorAll('.text span.bp'), s => "
            "[s.closest('.text').id, s.title, s.textContent, getComputedStyle(s).color])"
        )
        blog = "text-a" if pair.doc_a == "blog.txt" else "text-b"
        lines = {texts["blog.txt"][a.start : a.end] for a in hostile_cleaning["result"].annotations["blog.txt"]}
        assert greyed and {g[0] for g in greyed} == {blog}
        assert all(g[1].startswith("boilerplate: ") and g[2] in lines for g in greyed)
        assert {g[3] for g in greyed} == {"rgb(140, 149, 159)"}  # the stylesheet loaded: greyed
        fixes = driver.execute_script(
            "return Array.from(document.querySelectorAll('.text span.fix'), s => [s.title, s.textContent])"
        )
        assert len(fixes) >= len(hostile_cleaning["result"].repairs["blog.txt"])
        assert all(f[0].startswith("repaired: ") and f"(raw: {f[1]})" in f[0] for f in fixes)
        assert any(f[1] == "â" and f[0].startswith("repaired: ’ (raw: â)") for f in fixes)
        # Hover the planted rows: the title is what the browser shows, and no handler runs.
        targets = driver.execute_script(
            "var t = Array.from(document.querySelectorAll('.text span.bp, .text span.fix'))"
            ".filter(s => s.title.includes('__pwned')); t.forEach(s => s.scrollIntoView({block: 'center'})); return t"
        )
        assert len(targets) >= 3
        for target in targets[:12]:
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
            ActionChains(driver).move_to_element(target).perform()
            assert driver.execute_script("return arguments[0].matches(':hover')", target)
            assert driver.execute_script("return typeof window.__pwned") == "undefined"
        _untouched(driver)
        marks = driver.execute_script(
            "return Array.from(document.querySelectorAll('mark.psg[id]'), m => [m.id, +m.dataset.start, +m.dataset.end, m.textContent])"
        )
        assert marks and all(t == texts[pair.doc_a if i[0] == "a" else pair.doc_b][s:e] for i, s, e, t in marks)
        driver.save_screenshot(str(tmp_path / "cleaning.png"))
        assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        driver.quit()
    assert (tmp_path / "cleaning.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

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
from textreuse.cli import STYLES, _render_side, app
from textreuse.errors import StoreError
from textreuse.report import html as report
from textreuse.report.highlight import diff_words, split_sides

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
    "ol", "li", "mark", "del", "ins", "label", "input", "form", "code", "br",
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
    # The corpus only tests something if the hostile document is paired and in a family.
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
    """Tags, attributes, text and the text of each passage mark of one HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks: dict[str, dict] = {}
        self.segments: dict[str, list[tuple[str, str]]] = {}
        self._mark: str | None = None
        self._seg: str | None = None
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "mark" and a.get("id"):
            self._mark = a["id"]
            self.marks[self._mark] = {"start": int(a["data-start"]), "end": int(a["data-end"]), "text": ""}
            self.segments[self._mark] = []
        elif self._mark and tag in ("span", "del", "ins"):
            self._seg = {"del": "delete", "ins": "insert"}.get(tag, "replace")
            self.segments[self._mark].append((self._seg, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._mark = None
        elif tag in ("span", "del", "ins"):
            self._seg = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._mark:
            self.marks[self._mark]["text"] += data
            if self._seg:
                op, seen = self.segments[self._mark][-1]
                self.segments[self._mark][-1] = (op, seen + data)


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def db_rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
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
    assert rendered == f'<span class="url">{report.esc(url)}</span>'


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
    assert re.fullmatch(r"f/[0-9a-f]{24}\.html", report.family_file("fam-<x>/.."))
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
    families = db_rows(db, "SELECT family_id FROM families")
    assert {p.relative_to(out).as_posix() for p in (out / "p").iterdir()} == {report.pair_file(a, b) for a, b in pairs}
    assert {p.relative_to(out).as_posix() for p in (out / "f").iterdir()} == {report.family_file(f) for (f,) in families}
    for kind in ("pairs-all", "families", *(f"pairs-{r}" for r in textreuse.model.RELATIONS)):
        assert (out / report.list_file(kind, 1)).is_file()
    for name in ("index.html", "search.html", "assets/report.css", "assets/report.js", "assets/search.js", "assets/search-index.js"):
        assert (out / name).is_file()
    s = built["summary"]
    assert (s.pair_pages, s.family_pages) == (len(pairs), len(families))


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
    family = built["out"] / report.family_file(_family_of(built["db"], HOSTILE_ID))
    text = "".join(Page(family.read_text(encoding="utf-8")).text)
    assert HOSTILE_ID in text and "javascript:window.__pwned='url'" in text and "onerror=" in text


def test_only_http_urls_become_links(built: dict) -> None:
    family = (built["out"] / report.family_file(_family_of(built["db"], HOSTILE_ID))).read_text(encoding="utf-8")
    hrefs = [a.get("href") for t, a in Page(family).tags if t == "a"]
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
    assert hostile[3] == report.family_file(_family_of(built["db"], HOSTILE_ID))
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


def test_a_family_page_draws_its_graph_and_timeline(built: dict) -> None:
    fid = _family_of(built["db"], HOSTILE_ID)
    parsed = Page((built["out"] / report.family_file(fid)).read_text(encoding="utf-8"))
    edges = [a for t, a in parsed.tags if t == "line" and "edge" in (a.get("class") or "")]
    pairs_in_family = [p for p in built["result"].pairs if HOSTILE_ID in (p.doc_a, p.doc_b) or "wire/origin" in (p.doc_a, p.doc_b)]
    assert len(edges) >= len({(p.doc_a, p.doc_b) for p in pairs_in_family})
    # The dated pair has an origin, so its edge carries an arrow.
    assert any(a.get("marker-end") for a in edges)
    assert any(t == "svg" and "timeline" in (a.get("class") or "") for t, a in parsed.tags)


def _family_of(db: Path, doc_id: str) -> str:
    return next(f for f, members in db_rows(db, "SELECT family_id, members FROM families") if doc_id in members)


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


@pytest.mark.browser
def test_report_in_headless_chromium(built: dict, tmp_path: Path) -> None:
    webdriver, Service, browser, driver_path = _chromium()
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1400,1000", f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    out, db, texts = built["out"], built["db"], built["texts"]

    def untouched() -> None:
        assert driver.execute_script("return typeof window.__pwned") == "undefined"
        assert driver.title != "pwned" and driver.title.endswith("textreuse report")
        assert driver.execute_script("return document.querySelectorAll('img, style, iframe, object, embed').length") == 0
        assert driver.execute_script("return document.querySelectorAll('body script').length") == 0
        schemes = driver.execute_script("return Array.from(document.links, a => a.protocol)")
        assert set(schemes) <= {"file:", "http:", "https:"}

    def console_errors() -> list[dict]:
        return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]

    try:
        driver.get((out / "index.html").as_uri())
        assert driver.title.startswith("overview")
        untouched()
        # Overview → families list → the hostile document's family.
        driver.find_element(By.CSS_SELECTOR, 'a[href="list/families-1.html"]').click()
        family = report.family_file(_family_of(db, HOSTILE_ID))
        driver.find_element(By.CSS_SELECTOR, f'a[href="../{family}"]').click()
        assert driver.current_url.endswith(family)
        untouched()
        shown = driver.find_element(By.CSS_SELECTOR, "table.members").text
        assert HOSTILE_ID.split("/")[0] in shown and "javascript:window.__pwned='url'" in shown
        # Family → the hostile pair.
        pair = next(p for p in built["result"].pairs if HOSTILE_ID in (p.doc_a, p.doc_b))
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

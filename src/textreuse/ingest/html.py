"""Web pages into documents: main text and metadata through trafilatura, links through lxml.

The main text trafilatura extracts is the document's ``raw_text``: every offset
textreuse reports points into it. The page's HTML is kept beside it, with its title,
author, publication date, site name, canonical URL and the absolute targets of its
links, which tell who links to whom when pages are compared.

Pages are untrusted: a page that yields no text says why (no main text, scripts
only, too large) instead of vanishing, as trafilatura's ``None`` would.
"""

from __future__ import annotations

import codecs
import logging
import multiprocessing as mp
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from textreuse.errors import IngestError, PageError
from textreuse.ingest.decode import decode
from textreuse.interrupts import worker_signals
from textreuse.model import Document, Reject

HTML_SUFFIXES = (".html", ".htm", ".xhtml")

# trafilatura logs a warning for pages it cannot use; the reject says why instead.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p)\b", re.I | re.S)
# Declared single-byte Western charsets mean cp1252, as browsers read them (WHATWG).
_WESTERN = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii", "l1"}


@dataclass(frozen=True)
class HtmlConfig:
    """How pages are read: the size limit and what of the page counts as main text.

    Pages over `max_bytes` are rejected rather than parsed (trafilatura itself gives
    up silently past 20 MB). Comments under an article are not its text by default.
    """

    max_bytes: int = 10_000_000
    include_comments: bool = False
    include_tables: bool = True
    max_attributes: int = 5000
    """A page with an element of more attributes is rejected before it is parsed: lxml
    checks each attribute against the others (20,000 on one element took 0.4 s, 200,000
    did not parse in 900 s); at the limit an element costs about 25 ms, and no real page
    comes near it."""


@dataclass(frozen=True)
class Page:
    """What a page holds: main text, metadata and the absolute targets of its links."""

    text: str
    title: str | None
    author: str | None
    date: str | None
    site_name: str | None
    canonical_url: str | None
    links: tuple[str, ...]


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in _WESTERN:
        return "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, *, charset: str | None = None) -> tuple[str, str]:
    """Return the page's text and the encoding used: declared charset, then detection.

    The HTTP header's charset wins, then the page's ``<meta charset>``; a declaration
    that does not decode the bytes is ignored and the encoding detected instead.

    >>> decode_html('<meta charset="windows-1252"><p>caf\\xe9'.encode("cp1252"))
    ('<meta charset="windows-1252"><p>café', 'cp1252')
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data)
    found = _META_CHARSET.search(data[:4096])
    for name in (charset, found.group(1).decode("ascii") if found else None):
        codec = _codec(name)
        if codec is None:
            continue
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            if codec == "cp1252":
                return data.decode("latin-1"), "latin-1"
    return decode(data)


def looks_like_html(data: bytes) -> bool:
    """Return whether bytes begin like an HTML page (for records with no Content-Type).

    >>> looks_like_html(b"  <!DOCTYPE html><html>"), looks_like_html(b"%PDF-1.4")
    (True, False)
    """
    return _HTML_START.match(data[:2048]) is not None


def resolve_links(hrefs: Iterable[str], base: str | None, *, page: str | None = None) -> tuple[str, ...]:
    """Return the absolute http(s) targets of `hrefs`, fragments dropped, each once.

    Relative links need a `base`; without one only absolute links are kept. Links
    back to the `page` itself are not links to another document.

    >>> resolve_links(["/b#top", "c", "mailto:x@y.z", "https://o.org/", "/b"], "https://s.com/a/p")
    ('https://s.com/b', 'https://s.com/a/c', 'https://o.org/')
    """
    seen: dict[str, None] = {}
    own = urldefrag(page)[0] if page else None
    for href in hrefs:
        href = href.strip()
        if not href or href.startswith("#"):
            continue
        try:
            target = urldefrag(urljoin(base, href) if base else href)[0]
            scheme = urlsplit(target).scheme
        except ValueError:  # a malformed address, e.g. an unclosed IPv6 bracket
            continue
        if scheme in ("http", "https") and target != own:
            seen.setdefault(target, None)
    return tuple(seen)


def _deep_parser() -> Any:
    """Return lxml's HTML parser with trafilatura's options and no depth limit (`huge_tree`).

    Without it libxml2 stops at 255 nested elements, and a page whose text sits deeper
    was rejected as having none. Pages are at most `HtmlConfig.max_bytes`, which bounds
    what the other limits `huge_tree` lifts were for.
    """
    from lxml.html import HTMLParser

    return HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                      remove_pis=True, huge_tree=True)


def _use_deep_parser() -> None:
    import trafilatura.utils

    # trafilatura parses with its module's parser (load_html, fromstring_bytes): set once.
    if not getattr(trafilatura.utils.HTML_PARSER, "_textreuse_deep", False):
        parser = _deep_parser()
        parser._textreuse_deep = True
        trafilatura.utils.HTML_PARSER = parser


_ATTRIBUTE = re.compile(r"\s[A-Za-z_:][-\w:.]*\s*=")


def check_attributes(html: str, *, limit: int) -> None:
    """Raise PageError if an element of `html` has more than `limit` attributes.

    Only tags long enough to hold that many are looked at, found by one linear scan (a
    page is checked in about the time it takes to read it), and only names followed by
    ``=`` after white space count.

    >>> check_attributes("<p a=1 b=2>x</p>", limit=1)
    Traceback (most recent call last):
    ...
    textreuse.errors.PageError: an element has 2 attributes, over the 1 one page may have (HtmlConfig.max_attributes); a broken or hostile page
    """
    for m in re.finditer(rf"<[A-Za-z][^<>]{{{2 * limit},}}", html):
        found = len(_ATTRIBUTE.findall(html, m.start(), m.end()))
        if found > limit:
            raise PageError(
                f"an element has {found:,} attributes, over the {limit:,} one page may have "
                "(HtmlConfig.max_attributes); a broken or hostile page",
                "too_complex",
            )


def _visible_text(html: str) -> str:
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(html, parser=_deep_parser())
    except Exception:  # noqa: BLE001 - lxml raises several types for junk
        return ""
    # The body's text, less what browsers do not show (the <title> is not page text).
    parts = tree.xpath(
        "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
    )
    return " ".join(" ".join(str(p).split()) for p in parts).strip()


def _no_text(html: str) -> PageError:
    visible = _visible_text(html)
    if not visible:
        if re.search(r"<script\b", html, re.I):
            return PageError(
                "page has no text outside <script> (built by JavaScript?); "
                "save the page as a browser renders it",
                "script_only",
            )
        return PageError("page has no visible text", "no_text")
    return PageError(
        f"no main text found in {len(visible)} characters of visible text "
        "(an index, gallery or error page?)",
        "no_main_text",
    )


def too_large(size: int | None, limit: int) -> PageError:
    """Return the error for a page over `limit` bytes (`size` if known)."""
    what = f"is {size / 1e6:.1f} MB of HTML, over" if size is not None else "is over"
    return PageError(
        f"page {what} the {limit / 1e6:g} MB limit for one page (HtmlConfig.max_bytes); "
        "raise the limit to read it",
        "too_large",
    )


def extract_page(html: str, *, url: str | None = None, config: HtmlConfig = HtmlConfig()) -> Page:
    """Return the main text, metadata and links of one page, or raise PageError saying why.

    >>> body = "<p>" + "The council voted on Tuesday to keep the old bridge open. " * 8 + "</p>"
    >>> page = extract_page("<html><head><title>Bridge</title></head><body><article>"
    ...     + body + '<a href="/more">more</a></article></body></html>', url="https://n.com/x")
    >>> page.title, page.links, page.text[:30]
    ('Bridge', ('https://n.com/more',), 'The council voted on Tuesday t')
    """
    import trafilatura
    from trafilatura.utils import load_html

    size = len(html.encode("utf-8", "surrogatepass"))
    if size > config.max_bytes:
        raise too_large(size, config.max_bytes)
    if not html.strip():
        raise PageError("empty page", "no_text")
    check_attributes(html, limit=config.max_attributes)
    _use_deep_parser()
    tree = load_html(html)
    if tree is None:
        raise PageError("cannot parse the HTML (not a web page?)", "unparseable")
    bases = tree.xpath("//base/@href")
    canonical_hrefs = tree.xpath("//link[@rel='canonical']/@href")
    page_url = url or (str(canonical_hrefs[0]).strip() if canonical_hrefs else None)
    base = urljoin(page_url or "", str(bases[0]).strip()) if bases else page_url
    links = resolve_links((str(h) for h in tree.xpath("//a/@href")), base or None, page=page_url)
    try:
        found = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=config.include_comments,
            include_tables=config.include_tables,
        )
    except Exception as exc:  # noqa: BLE001 - third-party parser on untrusted input
        raise PageError(f"trafilatura failed on the page: {type(exc).__name__}: {exc}", "unparseable") from None
    text = getattr(found, "text", None) if found is not None else None
    if not text or not text.strip():
        raise _no_text(html)
    return Page(
        text=text,
        title=getattr(found, "title", None) or None,
        author=getattr(found, "author", None) or None,
        date=getattr(found, "date", None) or None,
        site_name=getattr(found, "sitename", None) or None,
        canonical_url=getattr(found, "url", None) or None,
        links=links,
    )


def page_document(
    html: str,
    *,
    doc_id: str,
    source_path: str,
    url: str | None = None,
    capture_date: str | None = None,
    encoding: str = "utf-8",
    meta: dict[str, str | None] | None = None,
    config: HtmlConfig = HtmlConfig(),
) -> Document:
    """Return the page as a document whose raw text is its main text, or raise IngestError.

    `meta` (url, date, title, source given with the record) wins over what the page says.
    """
    page = extract_page(html, url=url, config=config)
    given = {k: v for k, v in (meta or {}).items() if v is not None}
    return Document(
        doc_id,
        page.text,
        source_path=source_path,
        url=given.get("url", url or page.canonical_url),
        date=given.get("date", page.date),
        title=given.get("title", page.title),
        source=given.get("source"),
        encoding=encoding,
        author=page.author,
        site_name=page.site_name,
        canonical_url=page.canonical_url,
        capture_date=capture_date,
        links=page.links,
        html=html,
    )


@dataclass(frozen=True)
class PageTask:
    """A page read but not yet extracted: what :func:`page_document` needs, and where it was.

    Readers hand these on so that extraction, the slow part, can run on several cores.
    """

    html: str
    doc_id: str
    source_path: str
    reject_path: str
    url: str | None = None
    capture_date: str | None = None
    encoding: str = "utf-8"
    meta: tuple[tuple[str, str | None], ...] = ()
    config: HtmlConfig = HtmlConfig()
    line: int | None = None
    where: str = ""

    def run(self) -> Document | Reject:
        """Return the page's document, or a reject saying why it gave none."""
        try:
            return page_document(
                self.html,
                doc_id=self.doc_id,
                source_path=self.source_path,
                url=self.url,
                capture_date=self.capture_date,
                encoding=self.encoding,
                meta=dict(self.meta),
                config=self.config,
            )
        except IngestError as exc:
            return Reject(self.reject_path, f"{self.where}{exc}", line=self.line, kind=exc.kind)
        except Exception as exc:  # noqa: BLE001 - one page's failure costs only that page
            return Reject(
                self.reject_path,
                f"{self.where}internal error while extracting the page: {type(exc).__name__}: {exc}; "
                "the page was not read (please report it)",
                line=self.line, kind="internal",
            )


def _run(task: PageTask) -> Document | Reject:
    return task.run()


def extract_pages(
    items: Iterable[Document | Reject | PageTask], *, workers: int = 1, window: int = 128
) -> Iterator[Document | Reject]:
    """Yield `items` in order with every page task replaced by its document or reject.

    With several `workers`, pages are extracted by that many forked processes, `window`
    items at a time (memory stays bounded); with one, in this process.
    """
    if workers <= 1:
        for item in items:
            yield item.run() if isinstance(item, PageTask) else item
        return
    pool = None
    try:
        buffer: list[Document | Reject | PageTask] = []
        for item in items:
            buffer.append(item)
            if len(buffer) < window:
                continue
            if pool is None and any(isinstance(i, PageTask) for i in buffer):
                pool = mp.get_context("fork").Pool(workers, initializer=worker_signals)
            yield from _settle(buffer, pool)
            buffer = []
        if pool is None and sum(isinstance(i, PageTask) for i in buffer) > 1:
            pool = mp.get_context("fork").Pool(workers, initializer=worker_signals)
        yield from _settle(buffer, pool)
    finally:
        if pool is not None:
            pool.terminate()


def _settle(buffer: list[Document | Reject | PageTask], pool: object) -> Iterator[Document | Reject]:
    tasks = [i for i in buffer if isinstance(i, PageTask)]
    if pool is None:
        done = iter([t.run() for t in tasks])
    else:
        done = iter(pool.map(_run, tasks, chunksize=max(1, len(tasks) // 16)))  # type: ignore[attr-defined]
    for item in buffer:
        yield next(done) if isinstance(item, PageTask) else item

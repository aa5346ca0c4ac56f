"""Boilerplate benchmark: precision and recall of lines marked boilerplate by a scan.

Builds a corpus of web-like documents from real news text (../shared/data/bbc-news) with
every line labelled: site articles wrapped in their site's chrome (header and footer lines,
the same on every page of a site), syndicated copies of articles on other sites, blog
reposts that quote an article's first paragraphs between a frame ("X writes:", "From the
Y:", "[Continue reading…]", "Read the full story at …") and the blog's own chrome, and
series articles with navigation ("Part I: … Part II: …", "Read part two here",
"Tomorrow: …"). Most chrome lines are the sites' own wording (made up here, not in
textreuse's pattern list), so only recurrence across the corpus can find them.

The corpus is scanned with ``textreuse.scan`` (patterns and recurrence, as by default) and
each line counts as marked when an annotation covers it. Reported: line-level precision and
recall of boilerplate, per line origin, for each seed.

    python bench/boilerplate.py [--articles 600] [--seeds 1 2] [--base ../shared/data/bbc-news]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import textreuse  # noqa: E402

DEFAULT_BASE = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news"

SITE_WORDS = ["Vale", "Harbour", "Northgate", "Fenland", "Riverside", "Kestrel", "Moorland", "Tideway",
              "Oakridge", "Saltmarsh", "Brackenford", "Lowmarsh", "Ashgrove", "Quillfern", "Corrow"]
SITE_KINDS = ["Courier", "Herald", "Post", "Gazette", "Chronicle", "Observer", "Echo", "Times", "Review"]
BLOGGERS = ["Maria Keller", "Ken Ibbotson", "Priya Nair", "Tom O'Neill", "Ada Lindqvist", "Joe Marr",
            "Sam Okafor", "Lena Vogt", "Hugh Pryce", "Nina Cortes"]
SECTIONS = ["Business", "Money", "Markets", "Entertainment", "Arts", "Sport", "Local", "World"]

# Site chrome the sites write in their own words: one fixed choice per site.
HEADERS = [
    "{site}", "Home | News | Sport | Business | Opinion | Contact", "Skip to main content",
    "{site}: independent local journalism since {year}", "Menu", "Log in or register to comment",
    "Breaking: live coverage on our front page", "Today's paper", "You are here: News",
]
FOOTERS = [
    "Advertisement", "© {year} {site}. All rights reserved.", "Follow the {site} on Mastodon",
    "Comments are closed.", "Got a story? Email newsdesk@{host}", "Photographs: {site} picture desk",
    "Report an error in this article", "Most read this week", "More from the {site} newsroom",
    "Sign up for the {site} daily briefing, free to your inbox", "Share this:", "Print Friendly, PDF & Email",
    "Support independent journalism: become a member", "Our journalism is funded by readers like you",
]
SECTION_LINE = ["Posted in {section}", "Filed under {section}", "Section: {section}"]
# Repost frames (the common, standard ones) and series navigation.
HEADS = ["{blogger} writes:", "From the {site}:", "Via {host}", "{blogger} at the {site} reports:"]
TAILS = ["[Continue reading…]", "Read the full story at {host}", "Continue reading at the {site}",
         "Read more at {host}"]


@dataclass
class Line:
    text: str
    boilerplate: bool
    origin: str  # content | chrome | frame | navigation


@dataclass
class Site:
    name: str
    host: str
    year: int
    header: list[str]
    footer: list[str]
    section_line: str | None


def load_articles(base: Path) -> list[tuple[str, list[str]]]:
    """Return (title, paragraphs) of every article under `base`, in a fixed order."""
    out = []
    for path in sorted(base.rglob("*.txt")):
        text = path.read_bytes().decode("utf-8", "replace")
        parts = [p.strip() for p in text.split("\n") if p.strip()]
        if len(parts) >= 5:
            out.append((parts[0], parts[1:]))
    return out


def make_sites(rng: np.random.Generator, n: int) -> list[Site]:
    sites = []
    names = rng.permutation([f"{w} {k}" for w in SITE_WORDS for k in SITE_KINDS])[:n]
    for name in names:
        host = name.lower().replace(" ", "") + ".example"
        year = int(rng.integers(1850, 2015))
        header = [HEADERS[i] for i in sorted(rng.choice(len(HEADERS), size=int(rng.integers(0, 3)), replace=False))]
        footer = [FOOTERS[i] for i in sorted(rng.choice(len(FOOTERS), size=int(rng.integers(1, 5)), replace=False))]
        section = SECTION_LINE[int(rng.integers(len(SECTION_LINE)))] if rng.random() < 0.5 else None
        sites.append(Site(str(name), host, year, header, footer, section))
    return sites


def chrome(lines: list[str], site: Site, section: str) -> list[Line]:
    return [Line(t.format(site=site.name, host=site.host, year=site.year, section=section), True, "chrome")
            for t in lines]


def page(site: Site, title: str, paragraphs: list[str], rng: np.random.Generator) -> list[Line]:
    section = SECTIONS[int(rng.integers(len(SECTIONS)))]
    body = [Line(title, False, "content")] + [Line(p, False, "content") for p in paragraphs]
    tail = chrome(site.footer, site, section)
    if site.section_line:
        tail.insert(int(rng.integers(0, len(tail) + 1)), chrome([site.section_line], site, section)[0])
    return chrome(site.header, site, section) + body + tail


def repost(blog: Site, source: Site, blogger: str, title: str, paragraphs: list[str],
           rng: np.random.Generator) -> list[Line]:
    fmt = {"site": source.name, "host": source.host, "blogger": blogger}
    k = int(rng.integers(1, min(4, len(paragraphs)) + 1))
    lines = [Line(HEADS[int(rng.integers(len(HEADS)))].format(**fmt), True, "frame")]
    lines += [Line(p, False, "content") for p in paragraphs[:k]]
    lines.append(Line(TAILS[int(rng.integers(len(TAILS)))].format(**fmt), True, "frame"))
    if rng.random() < 0.5:  # the blogger's own comment after the quote
        lines.append(Line(f"My take: {paragraphs[-1]}", False, "content"))
    section = SECTIONS[int(rng.integers(len(SECTIONS)))]
    return chrome(blog.header, blog, section) + [Line(title, False, "content")] + lines + chrome(blog.footer, blog, section)


def series(site: Site, parts: list[tuple[str, list[str]]], rng: np.random.Generator) -> list[list[Line]]:
    out = []
    for i, (title, paragraphs) in enumerate(parts):
        doc = page(site, title, paragraphs, rng)
        at = len(site.header) + 1 + len(paragraphs)
        nav = [Line("Part I: " + parts[0][0] + "  Part II: " + parts[1][0], True, "navigation")]
        if i == 0:
            nav.append(Line("Read part two here", True, "navigation"))
            nav.append(Line("Tomorrow: " + parts[1][0], True, "navigation"))
        doc[at:at] = nav
        out.append(doc)
    return out


def build(articles: list[tuple[str, list[str]]], seed: int, n_articles: int) -> list[list[Line]]:
    """Return the documents of one benchmark corpus, each a list of labelled lines."""
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(articles), size=min(n_articles, len(articles)), replace=False)
    chosen = [articles[i] for i in picks.tolist()]
    news, blogs = make_sites(rng, 10), make_sites(rng, 6)
    docs: list[list[Line]] = []
    k = 0
    while k < len(chosen):
        roll = rng.random()
        site = news[int(rng.integers(len(news)))]
        if roll < 0.06 and k + 1 < len(chosen):
            docs += series(site, chosen[k : k + 2], rng)
            k += 2
            continue
        title, paragraphs = chosen[k]
        docs.append(page(site, title, paragraphs, rng))
        if roll < 0.35:  # syndicated on another site
            other = news[int(rng.integers(len(news)))]
            if other is not site:
                docs.append(page(other, title, paragraphs, rng))
        if 0.2 < roll < 0.6:  # quoted by a blog
            blog = blogs[int(rng.integers(len(blogs)))]
            docs.append(repost(blog, site, BLOGGERS[int(rng.integers(len(BLOGGERS)))], title, paragraphs, rng))
        k += 1
    return docs


def score(docs: list[list[Line]], workers: int = 1) -> dict[str, object]:
    """Return line precision/recall of a scan's boilerplate annotations over `docs`."""
    with tempfile.TemporaryDirectory() as tmp:
        offsets: dict[str, list[tuple[int, int, Line]]] = {}
        for i, doc in enumerate(docs):
            text, spans, pos = "", [], 0
            for line in doc:
                spans.append((pos, pos + len(line.text), line))
                text += line.text + "\n\n"
                pos = len(text)
            name = f"doc{i:05d}.txt"
            Path(tmp, name).write_text(text, encoding="utf-8")
            offsets[name] = spans
        t0 = time.perf_counter()
        result = textreuse.scan([tmp], workers=workers)
        seconds = time.perf_counter() - t0
    tp = fp = fn = 0
    missed: Counter[str] = Counter()
    found_by: Counter[str] = Counter()
    wrong: list[str] = []
    for name, spans in offsets.items():
        marks = result.annotations.get(name, ())
        for start, end, line in spans:
            marked = any(a.start <= start and end <= a.end for a in marks)
            if line.boilerplate:
                found_by[line.origin] += marked
                missed[line.origin] += not marked
                tp += marked
                fn += not marked
            elif marked:
                fp += 1
                wrong.append(line.text[:80])
    lines_total = sum(len(s) for s in offsets.values())
    return {
        "documents": len(docs), "lines": lines_total, "boilerplate_lines": tp + fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
        "recall_by_origin": {o: found_by[o] / (found_by[o] + missed[o]) for o in sorted(found_by | missed)},
        "false_positives": wrong[:10], "pairs": len(result.pairs), "scan_seconds": seconds,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=600)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--base", type=Path, default=DEFAULT_BASE)
    args = ap.parse_args(argv)
    articles = load_articles(args.base)
    if not articles:
        print(f"no articles under {args.base}; pass --base with the bbc-news folder", file=sys.stderr)
        return 1
    print("| seed | documents | lines | boilerplate lines | precision | recall | recall: chrome | "
          "frame | navigation | scan s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for seed in args.seeds:
        s = score(build(articles, seed, args.articles))
        r = s["recall_by_origin"]
        assert isinstance(r, dict)
        print(f"| {seed} | {s['documents']} | {s['lines']} | {s['boilerplate_lines']} | {s['precision']:.3f} | "
              f"{s['recall']:.3f} | {r.get('chrome', 0):.3f} | {r.get('frame', 0):.3f} | "
              f"{r.get('navigation', 0):.3f} | {s['scan_seconds']:.1f} |")
        for line in s["false_positives"]:  # type: ignore[attr-defined]
            print(f"  false positive (seed {seed}): {line!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

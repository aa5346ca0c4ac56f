"""Main-text extraction on the article-extraction benchmark: textreuse's ingestion beside trafilatura.

    python bench/extraction.py [--data ../shared/data/article-extraction] [--limit N]

Each page's extracted text is scored against its human-checked ``articleBody`` by
token-level precision, recall and F1 (bags of lowercased word tokens, so a token
counts as often as it appears in both), averaged over pages; a page that yields no
text scores 0. Three readings of the same 181 pages:

* trafilatura used directly with its default settings: ``trafilatura.extract(html, url=url)``;
* the same with ``include_comments=False``, the one setting textreuse changes;
* textreuse reading the saved ``.html.gz`` files (what ``textreuse scan FOLDER`` does);
* textreuse reading the pages from a WARC.gz built here with their URLs (``scan crawl.warc.gz``).

It also writes that WARC to ``bench/out/article-extraction.warc.gz`` for
``bench/warc_throughput.py``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from textreuse.ingest.read import read_inputs
from textreuse.model import Document

TOKEN = re.compile(r"\w+")


def tokens(text: str) -> Counter[str]:
    """Return the bag of lowercased word tokens of `text`."""
    return Counter(TOKEN.findall(text.lower()))


def score(predicted: str, truth: str) -> tuple[float, float, float]:
    """Return token precision, recall and F1 of `predicted` against `truth`."""
    p, t = tokens(predicted), tokens(truth)
    tp = sum((p & t).values())
    if not tp:
        return 0.0, 0.0, 0.0
    precision, recall = tp / sum(p.values()), tp / sum(t.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def build_warc(pages: dict[str, tuple[str, bytes]], out: Path) -> Path:
    """Write the pages as HTTP responses of a WARC.gz (raw bytes, no charset in the header)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        for url, body in pages.values():
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": "2026-11-23T00:00:00Z"},
            )
            writer.write_record(record)
    return out


def summarise(name: str, scores: list[tuple[float, float, float]], seconds: float) -> dict[str, object]:
    n = len(scores)
    return {
        "system": name,
        "pages": n,
        "precision": round(sum(s[0] for s in scores) / n, 4),
        "recall": round(sum(s[1] for s in scores) / n, 4),
        "f1": round(sum(s[2] for s in scores) / n, 4),
        "no_text": sum(1 for s in scores if s == (0.0, 0.0, 0.0)),
        "seconds": round(seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "article-extraction")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N pages (sorted by id).")
    parser.add_argument("--warc", type=Path, default=ROOT / "bench" / "out" / "article-extraction.warc.gz")
    args = parser.parse_args()

    import trafilatura

    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[: args.limit]
    pages = {k: (truth[k]["url"], gzip.decompress((args.data / "html" / f"{k}.html.gz").read_bytes())) for k in ids}
    results = []

    t0 = time.perf_counter()
    direct = [score(trafilatura.extract(pages[k][1], url=pages[k][0]) or "", truth[k]["articleBody"]) for k in ids]
    results.append(summarise("trafilatura.extract, default settings", direct, time.perf_counter() - t0))

    t0 = time.perf_counter()
    no_comments = [
        score(trafilatura.extract(pages[k][1], url=pages[k][0], include_comments=False) or "", truth[k]["articleBody"])
        for k in ids
    ]
    results.append(summarise("trafilatura.extract, include_comments=False", no_comments, time.perf_counter() - t0))

    t0 = time.perf_counter()
    files = {d.id: d for d in read_inputs([args.data / "html"]) if isinstance(d, Document)}
    from_files = [score(files[f"{k}.html.gz"].raw_text if f"{k}.html.gz" in files else "", truth[k]["articleBody"])
                  for k in ids]
    results.append(summarise("textreuse, .html.gz files", from_files, time.perf_counter() - t0))

    warc = build_warc(pages, args.warc)
    t0 = time.perf_counter()
    by_url = {d.url: d for d in read_inputs([warc]) if isinstance(d, Document)}
    from_warc = [score(by_url[pages[k][0]].raw_text if pages[k][0] in by_url else "", truth[k]["articleBody"])
                 for k in ids]
    results.append(summarise("textreuse, WARC.gz with URLs", from_warc, time.perf_counter() - t0))

    print("| system | pages | precision | recall | F1 | pages with no text | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['system']} | {r['pages']} | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} "
              f"| {r['no_text']} | {r['seconds']:.1f} |")
    better = sum(1 for a, b in zip(from_warc, direct) if a[2] > b[2] + 1e-9)
    worse = sum(1 for a, b in zip(from_warc, direct) if a[2] < b[2] - 1e-9)
    print(f"\nPer page, textreuse (WARC) against trafilatura: F1 higher on {better}, lower on {worse}, "
          f"equal on {len(ids) - better - worse}.")
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "extraction.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()

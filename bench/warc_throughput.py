"""WARC ingestion speed: textreuse reading a WARC.gz beside FastWARC alone reading it (the floor).

    python bench/warc_throughput.py [--warc bench/out/article-extraction.warc.gz] [--repeat 3]

The WARC is the one ``bench/extraction.py`` writes (the 181 article-extraction pages as
HTTP responses); without it, it is built the same way. In one process, best of
`--repeat` runs each:

* floor: FastWARC iterating the responses and reading every HTTP body;
* textreuse: ``read_inputs([warc])``, every page decoded, its main text, metadata and
  links extracted (what ``textreuse scan`` does before indexing), on one process and
  with pages extracted on two (``scan --workers 2``);
* trafilatura alone: ``bare_extraction(..., with_metadata=True)`` over the same
  bodies, already in memory, to show where textreuse's time goes.

MB/s are of the WARC file's size on disk (compressed).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from textreuse.ingest.read import read_inputs
from textreuse.model import Document


def floor(warc: Path) -> tuple[int, list[bytes]]:
    """Return how many responses FastWARC reads, and their bodies."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    bodies = []
    with warc.open("rb") as f:
        for record in ArchiveIterator(f, record_types=WarcRecordType.response, parse_http=True):
            bodies.append(record.reader.read())
    return len(bodies), bodies


def best(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warc", type=Path, default=ROOT / "bench" / "out" / "article-extraction.warc.gz")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "article-extraction")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.warc.exists():
        import gzip
        import json

        from extraction import build_warc

        truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
        pages = {k: (truth[k]["url"], gzip.decompress((args.data / "html" / f"{k}.html.gz").read_bytes()))
                 for k in sorted(truth)}
        build_warc(pages, args.warc)
    size = args.warc.stat().st_size / 1e6

    import trafilatura

    t_floor, (n, bodies) = best(lambda: floor(args.warc), max(args.repeat, 5))  # type: ignore[misc]
    t_ours, items = best(lambda: list(read_inputs([args.warc])), args.repeat)
    t_two, items_two = best(lambda: list(read_inputs([args.warc], workers=2)), args.repeat)
    assert items_two == items, "two processes must read what one reads"
    docs = [d for d in items if isinstance(d, Document)]  # type: ignore[union-attr]
    t_traf, _ = best(
        lambda: [trafilatura.bare_extraction(b, with_metadata=True, include_comments=False) for b in bodies],
        args.repeat,
    )
    html_mb = sum(len(b) for b in bodies) / 1e6
    print(f"WARC: {args.warc.name}, {size:.2f} MB on disk, {n} responses, {html_mb:.1f} MB of HTML; "
          f"{platform.python_version()}, best of {args.repeat}")
    print()
    print("| reader | seconds | pages/s | WARC MB/s | time / floor |")
    print("|---|---:|---:|---:|---:|")
    for name, t, pages in (
        ("FastWARC alone, bodies read (floor)", t_floor, n),
        ("textreuse read_inputs (decode, extract, links), 1 process", t_ours, len(docs)),
        ("textreuse read_inputs, pages extracted on 2 processes", t_two, len(docs)),
        ("trafilatura.bare_extraction alone, bodies in memory", t_traf, n),
    ):
        print(f"| {name} | {t:.3f} | {pages / t:.1f} | {size / t:.2f} | {t / t_floor:.1f}x |")
    print(f"\ntextreuse / floor speed ratio: {t_floor / t_ours:.4f} with 1 process, {t_floor / t_two:.4f} with 2 "
          f"(textreuse's time outside trafilatura, 1 process: {max(t_ours - t_traf, 0):.2f} s)")


if __name__ == "__main__":
    main()

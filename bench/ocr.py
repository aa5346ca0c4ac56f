"""OCR-like damage on both copies of planted reuse in real news: pair recall and plagdet by rate.

Usage::

    python bench/ocr.py [--docs 150] [--seed 1] [--rates 0 1 3 5 10 15] [--ocr] [--json]

The corpus is ``bench/scripts.py``'s English one (BBC News articles from
../shared/data/bbc-news: copies, excerpts and quoted passages planted, sources and
carriers free of other reuse), and then every document, planted or not, is damaged on its
own (so the two copies of a passage carry different errors), at ``rate`` per cent of its
characters. The noise model follows what OCR of old newspapers is known for (the
confusions listed by passim's and impresso's authors, and the issue's list):

* 70 % of errors are look-alike glyphs, either way: rn/m, cl/d, li/h, h/b, e/c, l/1/I,
  i/l, O/0, o/0, u/n, s/ſ (long s), vv/w;
* 10 % a letter replaced by a random lower-case letter;
* 5 % a character dropped;
* 15 % word boundaries: a space dropped (two words merged) or one inserted inside a word;

and, whatever the rate, the text is re-wrapped in lines of 36-44 columns, a word that
does not fit being hyphenated at the line end ("infor-" / "mation") when it has 6 letters
or more. Truth spans follow each character through the damage.

``--ocr`` scans with ``Config.for_ocr()`` (OCR input: look-alikes folded, hyphenated line
ends joined, shorter n-grams); without it the defaults, as a user gets them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scripts import Planted, documents, plant, read_texts, score

from textreuse import Config, Document, scan_documents

# Look-alike glyphs: what each string may be misread as.
CONFUSIONS: dict[str, tuple[str, ...]] = {
    "rn": ("m",), "m": ("rn",), "cl": ("d",), "d": ("cl",), "li": ("h",), "h": ("li", "b"),
    "b": ("h",), "e": ("c",), "c": ("e",), "l": ("1", "I"), "1": ("l",), "I": ("l", "1"),
    "i": ("l",), "O": ("0",), "o": ("0",), "0": ("O",), "u": ("n",), "n": ("u",),
    "s": ("ſ",), "w": ("vv",),
}
_MULTI = ("rn", "cl", "li")


def damage(text: str, rate: float, rng: np.random.Generator) -> tuple[str, list[int]]:
    """Return `text` with OCR-like errors at `rate` (0-1) of its characters, and the new
    offset of each old one (one more entry: the end)."""
    out: list[str] = []
    where: list[int] = []
    k, n = 0, len(text)
    size = 0
    while k < n:
        where.append(size)
        ch = text[k]
        if rate and rng.random() < rate:
            kind = rng.random()
            two = text[k : k + 2]
            if kind < 0.70:
                key = two if two in _MULTI else ch
                if key in CONFUSIONS:
                    got = str(rng.choice(CONFUSIONS[key]))
                    if len(key) == 2:
                        where.append(size)
                        k += 1
                    out.append(got)
                    size += len(got)
                    k += 1
                    continue
            elif kind < 0.80 and ch.isalpha():
                got = chr(int(rng.integers(97, 123)))
                out.append(got)
                size += 1
                k += 1
                continue
            elif kind < 0.85:
                k += 1
                continue
            elif ch == " ":
                k += 1  # two words merged
                continue
            elif ch.isalpha() and k + 1 < n and text[k + 1].isalpha():
                out.append(ch + " ")  # a word split
                size += 2
                k += 1
                continue
        out.append(ch)
        size += 1
        k += 1
    where.append(size)
    return "".join(out), where


def wrap(text: str, rng: np.random.Generator) -> tuple[str, list[int]]:
    """Return `text` in lines of 36-44 columns, long words hyphenated at line ends, and the
    new offset of each old character (one more entry: the end)."""
    out: list[str] = []
    where = [0] * (len(text) + 1)
    size = col = 0
    width = int(rng.integers(36, 45))
    k = 0
    for para in text.split("\n"):
        for word in para.split(" "):
            if not word:
                where[k] = size
                k += 1
                continue
            if col and col + 1 + len(word) > width:
                room = width - col - 2
                if len(word) >= 6 and room >= 3 and word[:room].isalpha():
                    out.append(" " + word[:room] + "-\n")
                    for j in range(room):
                        where[k + j] = size + 1 + j
                    size += room + 3
                    word_rest, first = word[room:], k + room
                else:
                    out.append("\n")
                    size += 1
                    word_rest, first = word, k
                col = 0
                width = int(rng.integers(36, 45))
            else:
                if col:
                    out.append(" ")
                    size += 1
                    col += 1
                word_rest, first = word, k
            for j in range(len(word_rest)):
                where[first + j] = size + j
            out.append(word_rest)
            size += len(word_rest)
            col += len(word_rest)
            k += len(word) + 1  # the word and the space after it
            where[k - 1] = size
        out.append("\n")
        size += 1
        col = 0
    where[len(text)] = size
    return "".join(out), where


def damaged_corpus(planted: Planted, rate: float, seed: int) -> Planted:
    """Return the corpus with every document damaged on its own and the truth mapped."""
    rng = np.random.default_rng(seed)
    maps: dict[str, list[int]] = {}
    docs = []
    for d in planted.docs:
        noisy, first = damage(d.raw_text, rate, rng)
        wrapped, second = wrap(noisy, rng)
        maps[d.id] = [second[x] for x in first]
        docs.append(Document(d.id, wrapped))
    cases = [
        (kind, new, src, (maps[new][a[0]], maps[new][a[1]]), (maps[src][b[0]], maps[src][b[1]]))
        for kind, new, src, a, b in planted.cases
    ]
    return Planted(docs, cases)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rates", type=float, nargs="+", default=[0, 1, 3, 5, 10, 15])
    ap.add_argument("--ocr", action="store_true", help="scan with Config.for_ocr()")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    texts, _ = read_texts("en", {})
    if not texts:
        print("no BBC News text under shared/data/bbc-news", file=sys.stderr)
        return 1
    rng = np.random.default_rng(args.seed)
    docs = documents(texts, "en", rng)
    related = {int(d[1:]) for p in scan_documents([Document(f"d{k}", t) for k, t in enumerate(docs)], workers=1).pairs
               for d in (p.doc_a, p.doc_b)}
    base = plant([t for k, t in enumerate(docs) if k not in related], "en", args.docs, rng)
    config = Config.for_ocr() if args.ocr else Config()  # type: ignore[attr-defined]
    rows = {}
    for rate in args.rates:
        corpus = damaged_corpus(base, rate / 100, args.seed)
        t0 = time.perf_counter()
        result = scan_documents(corpus.docs, workers=1, config=config)
        rows[rate] = {**score(corpus, result.pairs), "seconds": round(time.perf_counter() - t0, 1),
                      "candidates": result.candidates}
        print(f"{rate}%: {json.dumps(rows[rate])}", file=sys.stderr)
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print("| damage | copy | excerpt | quote | pair recall | char P | char R | gran. | plagdet | other pairs | candidates | s |")
    print("|" + "---|" * 12)
    for rate, r in rows.items():
        rec = r["recall"]
        print(f"| {rate:g} % | " + " | ".join(f"{rec.get(k, 0):.3f}" for k in ("copy", "excerpt", "quote"))
              + f" | {r['pair_recall']:.3f} | {r['precision']:.3f} | {r['char_recall']:.3f} | {r['granularity']:.3f}"
              f" | {r['plagdet']:.3f} | {r['other_pairs']} | {r['candidates']} | {r['seconds']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

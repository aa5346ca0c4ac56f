"""Lossy mojibake restoration on BBC news text: context rules, witness, clean documents.

    python bench/lossy.py [--data ../shared/data/bbc-news] [--real ../shared/data/article-extraction]
                          [--limit N] [--styles PREFIX,...] [--show-errors N]

The BBC articles (straight ASCII punctuation) are made typographic with simple rules
(``'`` inside or after a word -> ’, before a word -> ‘; ``"`` and ``''`` -> “ or ” by
position; ``'n'`` -> ’n’;
`` - `` -> `` — ``; a hyphen between digits -> –; ``...`` -> …). Each article is then
damaged two ways: UTF-8 decoded as Latin-1 with U+0080-U+009F dropped, and UTF-8 decoded
as cp1252 with its five undefined bytes dropped. Every character whose damaged form
differs from it is a *damaged position*; it is *restored* when a repair step covers
exactly its damaged form and gives the character back.

Runs, each printed as a markdown table:

* context: ``repair(damaged)``;
* witness, whole text: ``repair_with_witness(damaged, clean, [whole text])``;
* witness, partial: every other paragraph is an aligned passage; positions inside the
  passages and outside them are counted apart;
* witness, edited: the whole text aligned with a copy that has every 12th word
  deleted and every 17th replaced (a near duplicate, as a reuse engine would align);
* witness, engine alignment: the passages ``align_texts(damaged, clean)`` finds, positions
  inside them counted;
* context + house style: ``repair`` with ``house_style`` learned from the clean texts of
  the other half of the articles (a site's undamaged pages);
* clean: ``repair`` on the typographic originals, the BBC files as they are and the
  article-extraction pages as textreuse extracts them (changed documents must be 0).

Each run is made for every house style (:data:`STYLES`: the BBC articles restyled with
unspaced em dashes, spaced en dashes, nested quotes, ellipses, continued quotes; each
measured on the articles its restyling changes) and for the English typographic article
bodies of ``--real`` (article-extraction) as they are. Last, UTF-8 copies of the articles
with 1-3 characters written as stray cp1252 bytes are decoded and repaired
(:func:`stray_bytes`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from textreuse.align.local_align import align_texts
from textreuse.clean.encoding import (
    Repair,
    Step,
    apply_steps,
    damage,
    house_style,
    repair,
    repair_with_witness,
)
from textreuse.ingest.decode import STRAY_BYTES, decode
from textreuse.model import Document

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news"
DEFAULT_REAL = DEFAULT_DATA.parent / "article-extraction"

_DQ_OPEN = re.compile(r'(^|(?<=[\s(\[—–-]))"(?=\S)', re.M)
_SQ_OPEN = re.compile(r"(^|(?<=[\s(\[“—–-]))'(?=[^\W_])", re.M)


def typographic(text: str) -> str:
    """Return `text` with straight quotes, dashes and ellipses made typographic.

    >>> typographic('He said "it\\'s \\'fine\\' - in 1990-95..."')
    'He said “it’s ‘fine’ — in 1990–95…”'
    """
    text = text.replace("...", "\u2026").replace("''", '"')
    text = re.sub(r"(?<= )'n'(?= )", "\u2019n\u2019", text)  # rock ’n’ roll
    text = re.sub(r"(?<=\d)-(?=\d)", "\u2013", text)
    text = text.replace(" - ", " \u2014 ")
    text = _DQ_OPEN.sub("\u201c", text)
    text = text.replace('"', "\u201d")
    # An apostrophe before digits ('90s) is an elision, not an opening quote.
    text = re.sub(r"(^|(?<=\s))'(?=\d\ds)", "\u2019", text, flags=re.M)
    text = _SQ_OPEN.sub("\u2018", text)
    return text.replace("'", "\u2019")


def damaged_with_map(text: str, mode: str) -> tuple[str, list[int]]:
    """Return the damaged text and, per clean offset (0..len), its damaged offset."""
    out: list[str] = []
    offsets = [0]
    cache: dict[str, str] = {}
    for ch in text:
        form = ch if ch.isascii() else cache.setdefault(ch, damage(ch, mode=mode))
        out.append(form)
        offsets.append(offsets[-1] + len(form))
    return "".join(out), offsets


def has_lost_byte(ch: str, mode: str) -> bool:
    """Return whether damaging `ch` drops one of its UTF-8 bytes (so ftfy cannot undo it)."""
    data = ch.encode("utf-8")
    if mode == "latin-1":
        return any(0x80 <= b <= 0x9F for b in data)
    return any(b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) for b in data)


def read_articles(data: Path, limit: int | None) -> list[str]:
    """Return the distinct articles (by content) under `data`, decoded as textreuse does."""
    seen: set[bytes] = set()
    texts: list[str] = []
    for path in sorted(data.glob("*/*.txt")):
        if not path.name[0].isdigit():
            continue
        text, _ = decode(path.read_bytes())
        key = hashlib.md5(" ".join(text.split()).encode()).digest()
        if key not in seen:
            seen.add(key)
            texts.append(text)
    return texts[:limit] if limit else texts


class Score:
    """Damaged positions restored, by character, and wrong changes."""

    def __init__(self) -> None:
        self.damaged: Counter[str] = Counter()
        self.restored: Counter[str] = Counter()
        self.wrong_steps = 0
        self.docs = 0
        self.docs_exact = 0
        self.errors: list[str] = []

    def add(
        self,
        clean: str,
        offsets: list[int],
        damaged: str,
        result: Repair,
        inside: list[tuple[int, int]] | None = None,
        want_inside: bool = True,
        show: int = 0,
    ) -> None:
        """Count the positions of `clean` (within `inside` clean spans, if given) restored."""
        back = {d: k for k, d in enumerate(offsets)}
        todo = [
            k
            for k, ch in enumerate(clean)
            if not (offsets[k + 1] - offsets[k] == 1 and damaged[offsets[k]] == ch)
        ]
        # Group damaged positions and steps that overlap or touch; a group is restored when
        # replaying its steps on its damaged text gives its clean text back.
        spans = sorted(
            [(offsets[k], offsets[k + 1], -1) for k in todo]
            + [(s.start, s.end, i) for i, s in enumerate(result.steps)]
        )
        restored: set[int] = set()
        g: list[tuple[int, int, int]] = []
        for item in spans + [(len(damaged) + 2, len(damaged) + 2, -2)]:
            if g and item[0] > max(e for _, e, _ in g):
                g0, g1 = g[0][0], max(e for _, e, _ in g)
                steps = [result.steps[i] for _, _, i in g if i >= 0]
                k0, k1 = back.get(g0), back.get(g1)
                ok = (
                    k0 is not None
                    and k1 is not None
                    and apply_steps(damaged[g0:g1], [_shift(s, g0) for s in steps]) == clean[k0:k1]
                )
                if ok:
                    assert k0 is not None and k1 is not None
                    restored.update(range(k0, k1))
                else:
                    self.wrong_steps += len(steps)
                    if len(self.errors) < show:
                        self.errors.append(
                            f"wrong {[(s.rule, s.replacement) for s in steps]} for "
                            f"{damaged[g0:g1]!r} in …{damaged[max(0, g0 - 40) : g1 + 40]!r}…"
                        )
                g = []
            g.append(item)
        self.docs += 1
        self.docs_exact += result.text == clean
        for k in todo:
            if inside is not None and any(a <= k < b for a, b in inside) != want_inside:
                continue
            ch = clean[k]
            self.damaged[ch] += 1
            self.restored[ch] += k in restored

    def rows(self) -> list[str]:
        total_d = sum(self.damaged.values())
        total_r = sum(self.restored.values())
        out = [f"{_share(total_r, total_d)} ({total_r:,} of {total_d:,})"]
        return out


def _share(a: int, b: int) -> str:
    return f"{100 * a / b:.2f} %" if b else "n/a"


def _shift(step: Step, by: int) -> Step:
    return Step(step.start - by, step.end - by, step.replacement, step.rule, step.confidence)


def edited(text: str) -> str:
    """Return `text` with every 12th word deleted and every 17th replaced by "edited"."""
    out = []
    for k, m in enumerate(re.finditer(r"(\S+)(\s*)", text)):
        if k % 12 == 11:
            continue
        out.append(("edited" if k % 17 == 16 else m.group(1)) + m.group(2))
    return "".join(out)


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^\n]+", text)]


# --------------------------------------------------------------------------------------------
# house styles
# --------------------------------------------------------------------------------------------


def unspaced_em(text: str) -> str:
    """Return typographic `text` with its spaced em dashes closed up (US magazines, Chicago).

    >>> unspaced_em("the minister — facing a revolt — resigned")
    'the minister—facing a revolt—resigned'
    """
    return text.replace(" \u2014 ", "\u2014")


def spaced_en(text: str) -> str:
    """Return typographic `text` with spaced en dashes for em dashes (British style).

    >>> spaced_en("profit — up 5 % in 1990–95 — fell")
    'profit – up 5 % in 1990–95 – fell'
    """
    return text.replace(" \u2014 ", " \u2013 ")


def nested_quotes(text: str) -> str:
    """Return typographic `text` with each paragraph that quotes someone quoted as a whole.

    The paragraph's own double quotes become single ones inside the new double quote, so
    quotes open as “‘ and close as ’” (a speaker quoting someone).

    >>> nested_quotes("“We won,” he said. “It’s over.”\\n\\nNo quote here.")
    '“‘We won,’ he said. ‘It’s over.’”\\n\\nNo quote here.'
    """
    out = []
    for line in text.split("\n"):
        balanced = line.count("\u201c") == line.count("\u201d") > 0
        if balanced and "\u2018" not in line:
            line = "\u201c" + line.replace("\u201c", "\u2018").replace("\u201d", "\u2019") + "\u201d"
        out.append(line)
    return "\n".join(out)


def ellipses(text: str) -> str:
    """Return typographic `text` with every third ", " made an ellipsis, spaced three ways.

    >>> ellipses("a, b, c, d, e, f, g, h, i, j")
    'a, b, c… d, e, f … g, h, i…j'
    """
    forms = iter(["\u2026 ", " \u2026 ", "\u2026"] * len(text))
    count = iter(range(len(text)))
    return re.sub(", ", lambda m: next(forms) if next(count) % 3 == 2 else m.group(), text)


def continued_quotes(text: str) -> str:
    """Return typographic `text` with quotations that run on into the next paragraph.

    A quotation of several sentences at a paragraph's end is split after its first
    sentence into a new paragraph, which opens with a quotation mark of its own while the
    first part has no closing mark (the convention for a quotation that continues).

    >>> continued_quotes("He said: “It’s over. We lost.”\\n\\nThen he left.")
    'He said: “It’s over.\\n\\n“We lost.”\\n\\nThen he left.'
    """
    lines = text.split("\n")
    for k, line in enumerate(lines):
        opening = line.rfind("\u201c")
        if line.endswith("\u201d") and opening >= 0:
            m = re.search(r"[.!?] (?=[A-Z])", line[opening:])
            if m is not None:
                cut = opening + m.end()
                lines[k] = line[: cut - 1] + "\n\n\u201c" + line[cut:]
    return "\n".join(lines)


STYLES: dict[str, Callable[[str], str]] = {
    "spaced em (BBC, as before)": lambda t: t,
    "unspaced em (US)": unspaced_em,
    "spaced en (UK)": spaced_en,
    "nested quotes": nested_quotes,
    "ellipses": ellipses,
    "continued quotes": continued_quotes,
}
MODES = ("latin-1", "cp1252")


def read_real(data: Path, limit: int | None) -> list[str]:
    """Return the typographic article bodies of the article-extraction ground truth."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    bodies = [v["articleBody"] for _, v in sorted(truth.items())]
    # English pages: lossy decoding of Cyrillic or Hangul loses letters no rule can restore.
    bodies = [
        b
        for b in bodies
        if any(c in b for c in "\u2019\u201c\u201d\u2014\u2013\u2026")
        and sum(c.isalpha() and not c.isascii() for c in b) <= 0.01 * len(b)
    ]
    return bodies[:limit] if limit else bodies


def extracted_pages(data: Path, limit: int | None) -> list[str]:
    """Return the main texts textreuse extracts from the article-extraction pages."""
    from textreuse.ingest.read import read_html_file

    texts = []
    for path in sorted((data / "html").glob("*.html.gz"))[:limit]:
        doc = read_html_file(path, path.name)
        if isinstance(doc, Document):
            texts.append(doc.raw_text)
    return texts


@dataclass
class Run:
    """The scores of one style of text, per damage mode."""

    context: dict[str, Score] = field(default_factory=lambda: {m: Score() for m in MODES})
    styled: dict[str, Score] = field(default_factory=lambda: {m: Score() for m in MODES})
    whole: dict[str, Score] = field(default_factory=lambda: {m: Score() for m in MODES})
    aligned: dict[str, Score] = field(default_factory=lambda: {m: Score() for m in MODES})
    part_in: dict[str, Score] = field(default_factory=lambda: {m: Score() for m in MODES})
    near: dict[str, Score] = field(default_factory=lambda: {m: Score() for m in MODES})
    detected: Counter[str] = field(default_factory=Counter)
    changed_clean: int = 0
    docs: int = 0
    styles: list[tuple[str, str]] = field(default_factory=list)


def measure(articles: list[str], show: int, witness: bool = True) -> Run:
    """Damage each article both ways and score the repairs (context, then witnesses)."""
    run = Run(docs=len(articles))
    # The house style of each half, learned from its clean texts, for the other half.
    halves = [house_style(articles[0::2]), house_style(articles[1::2])]
    run.styles = [(c.spaced_dash, c.short_quote) for c in halves]
    for k, clean in enumerate(articles):
        run.changed_clean += bool(repair(clean).steps)
        for mode in MODES:
            damaged, offsets = damaged_with_map(clean, mode)
            result = repair(damaged)
            run.detected[mode] += result.lossy
            run.context[mode].add(clean, offsets, damaged, result, show=show)
            styled = repair(damaged, config=halves[1 - k % 2])
            run.styled[mode].add(clean, offsets, damaged, styled)
            if not witness:
                continue
            full = repair_with_witness(
                damaged, clean, [(0, len(damaged), 0, len(clean))], witness="clean"
            )
            run.whole[mode].add(clean, offsets, damaged, full, show=show)
            found = align_texts(damaged, clean)
            passages = [(*p.a, *p.b) for p in found]
            aligned = repair_with_witness(damaged, clean, passages, witness="clean")
            run.aligned[mode].add(
                clean, offsets, damaged, aligned, inside=[p.b for p in found], show=show
            )
            spans = _paragraph_spans(clean)[::2]
            part = repair_with_witness(
                damaged, clean, [(offsets[a], offsets[b], a, b) for a, b in spans], witness="clean"
            )
            run.part_in[mode].add(clean, offsets, damaged, part, inside=spans, show=show)
            copy = edited(clean)
            near = repair_with_witness(
                damaged, copy, [(0, len(damaged), 0, len(copy))], witness="copy"
            )
            run.near[mode].add(clean, offsets, damaged, near)
    return run


def _cell(score: Score, lost_only: bool = False, mode: str = "latin-1") -> str:
    chars = [c for c in score.damaged if not lost_only or has_lost_byte(c, mode)]
    d = sum(score.damaged[c] for c in chars)
    r = sum(score.restored[c] for c in chars)
    return f"{_share(r, d)} ({r:,} of {d:,})"


def stray_bytes(articles: list[str], seed: int = 15) -> tuple[int, int, int]:
    """Return (files, decoded as UTF-8 with strays, repaired exactly) for stray-byte copies.

    Each article's UTF-8 gets 1-3 of its non-ASCII characters (chosen with a fixed seed)
    written as their single cp1252 byte instead, as text pasted from a cp1252 or Latin-1
    source; the file is decoded as ingest does and repaired as cleaning does.
    """
    rng = random.Random(seed)
    files = utf8 = exact = 0
    for text in articles:
        spots = [k for k, c in enumerate(text) if not c.isascii() and _cp1252_byte(c) is not None]
        if not spots:
            continue
        chosen = set(rng.sample(spots, min(len(spots), rng.randint(1, 3))))
        data = b"".join(
            _cp1252_byte(c) or b"" if k in chosen else c.encode("utf-8") for k, c in enumerate(text)
        )
        decoded, encoding = decode(data)
        files += 1
        utf8 += encoding == STRAY_BYTES
        exact += repair(decoded).text == text
    return files, utf8, exact


def _cp1252_byte(ch: str) -> bytes | None:
    try:
        return ch.encode("cp1252")
    except UnicodeEncodeError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--real", type=Path, default=DEFAULT_REAL)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--styles", default="", help="comma-separated prefixes of style names")
    parser.add_argument("--show-errors", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no BBC data at {args.data}; pass --data", file=sys.stderr)
        return 1
    started = time.perf_counter()
    originals = read_articles(args.data, args.limit)
    base = [typographic(t) for t in originals]
    wanted = [w.strip() for w in args.styles.split(",") if w.strip()]
    runs: dict[str, Run] = {}
    for name, style in STYLES.items():
        if wanted and not any(name.startswith(w) for w in wanted):
            continue
        # A style is measured on the articles it changes (the first, on all of them).
        restyled = [style(t) for t in base]
        if runs:
            restyled = [r for r, t in zip(restyled, base) if r != t]
        runs[name] = measure(restyled, args.show_errors)
    real_name = "real sites (article-extraction bodies, as they are)"
    if args.real.is_dir() and (not wanted or any(real_name.startswith(w) for w in wanted)):
        runs[real_name] = measure(read_real(args.real, args.limit), args.show_errors)
    changed_orig = sum(bool(repair(t).steps) for t in originals)
    strays = stray_bytes(base)
    bbc_199 = args.data / "sports" / "199.txt"
    if bbc_199.is_file():
        text_199, encoding_199 = decode(bbc_199.read_bytes())
        fixed_199 = repair(text_199).text
    else:
        encoding_199 = fixed_199 = ""
    pages = extracted_pages(args.real, args.limit) if args.real.is_dir() else []
    changed_pages = sum(bool(repair(t).steps) for t in pages)
    seconds = time.perf_counter() - started

    print(
        f"{len(base):,} distinct BBC articles made typographic, then restyled; damaged as "
        f"Latin-1 (C1 dropped) and cp1252 (undefined bytes dropped). {seconds:.1f} s in all.\n"
    )
    print("Positions restored (Latin-1 | cp1252):\n")
    print(
        "| style | docs | detected lossy | context rules alone | context + house style of the "
        "other half | context, lost-byte positions "
        "| wrong steps (context) | witness, whole text | witness, engine alignment: inside passages "
        "| witness, every other paragraph: inside | witness with edits |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, run in runs.items():
        cells = [
            name,
            f"{run.docs:,}",
            " / ".join(f"{run.detected[m]:,}" for m in MODES),
            " \\| ".join(_cell(run.context[m]) for m in MODES),
            " \\| ".join(_cell(run.styled[m]) for m in MODES),
            " \\| ".join(_cell(run.context[m], True, m) for m in MODES),
            " / ".join(f"{run.context[m].wrong_steps:,}" for m in MODES),
            " \\| ".join(_cell(run.whole[m]) for m in MODES),
            " \\| ".join(_cell(run.aligned[m]) for m in MODES),
            " \\| ".join(_cell(run.part_in[m]) for m in MODES),
            " \\| ".join(_cell(run.near[m]) for m in MODES),
        ]
        print("| " + " | ".join(cells) + " |")
    print()
    print("House styles learned (spaced dash, short-quote mark; per half):\n")
    for name, run in runs.items():
        print(f"- {name}: {run.styles}")
    print()
    print("| clean documents (target 0) | documents changed |")
    print("|---|---:|")
    for name, run in runs.items():
        print(f"| {name}: the clean texts | {run.changed_clean} of {run.docs:,} |")
    print(f"| BBC files as they are (straight punctuation) | {changed_orig} of {len(originals):,} |")
    print(f"| article-extraction pages, as textreuse extracts them | {changed_pages} of {len(pages):,} |")
    files, utf8, exact = strays
    print()
    print("| UTF-8 with 1-3 stray cp1252 bytes (BBC articles made typographic) | files |")
    print("|---|---:|")
    print(f"| files | {files:,} |")
    print(f"| decoded as UTF-8 with stray bytes ({STRAY_BYTES}) | {utf8:,} ({_share(utf8, files)}) |")
    print(f"| decoded and repaired to the original text exactly | {exact:,} ({_share(exact, files)}) |")
    if encoding_199:
        print(
            f"| bbc-news sports/199.txt (one raw 0xA3) | {encoding_199}, "
            f"`£15.8m` {'restored' if '£15.8m' in fixed_199 else 'NOT restored'} |"
        )
    if args.show_errors:
        for name, run in runs.items():
            for mode in MODES:
                for score in (run.context[mode], run.whole[mode], run.aligned[mode]):
                    for line in score.errors:
                        print(name, mode, line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

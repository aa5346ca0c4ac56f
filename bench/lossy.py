"""Lossy mojibake restoration on BBC news text: context rules, witness, clean documents.

    python bench/lossy.py [--data ../shared/data/bbc-news] [--limit N] [--show-errors N]

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
* clean: ``repair`` on the typographic originals and on the BBC files as they are
  (changed documents and steps must be 0).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from collections import Counter
from pathlib import Path

from textreuse.clean.encoding import (
    Repair,
    Step,
    apply_steps,
    damage,
    repair,
    repair_with_witness,
)
from textreuse.ingest.decode import decode

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news"

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--show-errors", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no BBC data at {args.data}; pass --data", file=sys.stderr)
        return 1
    started = time.perf_counter()
    originals = read_articles(args.data, args.limit)
    articles = [typographic(t) for t in originals]
    modes = ("latin-1", "cp1252")
    context = {m: Score() for m in modes}
    whole = {m: Score() for m in modes}
    part_in = {m: Score() for m in modes}
    part_out = {m: Score() for m in modes}
    near = {m: Score() for m in modes}
    detected = Counter[str]()
    rules: Counter[str] = Counter()
    for clean in articles:
        for mode in modes:
            damaged, offsets = damaged_with_map(clean, mode)
            result = repair(damaged)
            detected[mode] += result.lossy
            rules.update(s.rule for s in result.steps)
            context[mode].add(clean, offsets, damaged, result, show=args.show_errors)
            full = repair_with_witness(
                damaged, clean, [(0, len(damaged), 0, len(clean))], witness="clean"
            )
            whole[mode].add(clean, offsets, damaged, full, show=args.show_errors)
            spans = _paragraph_spans(clean)[::2]
            passages = [(offsets[a], offsets[b], a, b) for a, b in spans]
            part = repair_with_witness(damaged, clean, passages, witness="clean")
            part_in[mode].add(clean, offsets, damaged, part, inside=spans, show=args.show_errors)
            part_out[mode].add(clean, offsets, damaged, part, inside=spans, want_inside=False)
            copy = edited(clean)
            near_result = repair_with_witness(
                damaged, copy, [(0, len(damaged), 0, len(copy))], witness="copy"
            )
            near[mode].add(clean, offsets, damaged, near_result)
    changed_typo = sum(bool(repair(t).steps) for t in articles)
    changed_orig = sum(bool(repair(t).steps) for t in originals)
    seconds = time.perf_counter() - started

    n = len(articles)
    print(
        f"{n:,} distinct BBC articles made typographic; damaged Latin-1 (C1 dropped) and cp1252 "
        f"(undefined bytes dropped). {seconds:.1f} s in all.\n"
    )
    print("| run | Latin-1, C1 dropped | cp1252, undefined dropped |")
    print("|---|---:|---:|")
    print(
        f"| documents detected as lossy-damaged | {detected['latin-1']:,} of {n:,} | "
        f"{detected['cp1252']:,} of {n:,} |"
    )
    for name, scores in (
        ("context rules alone", context),
        ("witness, whole text aligned", whole),
        ("witness, every other paragraph: inside passages", part_in),
        ("witness, every other paragraph: outside (context)", part_out),
        ("witness with edits (every 12th word deleted, 17th replaced)", near),
    ):
        print(
            f"| {name}: positions restored | {scores['latin-1'].rows()[0]} | "
            f"{scores['cp1252'].rows()[0]} |"
        )
    for name, scores in (("context rules alone", context), ("witness, whole text aligned", whole)):
        cells = []
        for mode in modes:
            lost = [ch for ch in scores[mode].damaged if has_lost_byte(ch, mode)]
            d = sum(scores[mode].damaged[ch] for ch in lost)
            r = sum(scores[mode].restored[ch] for ch in lost)
            cells.append(f"{_share(r, d)} ({r:,} of {d:,})")
        print(f"| {name}: positions with a lost byte restored | {cells[0]} | {cells[1]} |")
    for name, scores in (("context rules alone", context), ("witness, whole text aligned", whole)):
        print(
            f"| {name}: documents restored exactly | "
            f"{_share(scores['latin-1'].docs_exact, n)} | {_share(scores['cp1252'].docs_exact, n)} |"
        )
        print(
            f"| {name}: wrong steps | {scores['latin-1'].wrong_steps:,} | "
            f"{scores['cp1252'].wrong_steps:,} |"
        )
    print()
    print(
        "Damaged positions by character, context rules alone (restored / damaged; "
        "* = a byte is lost in that mode):\n"
    )
    print("| character | Latin-1 | cp1252 |")
    print("|---|---:|---:|")
    chars = sorted(
        set(context["latin-1"].damaged) | set(context["cp1252"].damaged),
        key=lambda c: -context["latin-1"].damaged[c],
    )
    for ch in chars:
        cells = []
        for mode in modes:
            d, r = context[mode].damaged[ch], context[mode].restored[ch]
            star = "*" if has_lost_byte(ch, mode) else ""
            cells.append(f"{_share(r, d)} ({r:,}/{d:,}){star}" if d else "—")
        print(f"| {ch} U+{ord(ch):04X} | {cells[0]} | {cells[1]} |")
    print()
    print("| clean documents | documents changed |")
    print("|---|---:|")
    print(f"| typographic originals | {changed_typo} of {n:,} |")
    print(f"| BBC files as they are (straight punctuation) | {changed_orig} of {n:,} |")
    if args.show_errors:
        for mode in modes:
            for score in (context[mode], whole[mode], part_in[mode]):
                for line in score.errors:
                    print(mode, line, file=sys.stderr)
        print(rules.most_common(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""ftfy's real-world mojibake cases: textreuse's encoding repair beside plain ftfy.

    python bench/ftfy_cases.py [--data ../shared/data/ftfy-cases]

Reads ftfy's own test cases (``repo-test-cases/*.json``, see the data's ORIGIN.md). A case
is *fixed exactly* when the output equals its expected text:

* ``textreuse`` (``repair``) and ``ftfy.fix_encoding`` against ``fixed-encoding`` (or
  ``fixed`` when absent): both repair encoding only;
* ``ftfy.fix_text`` against ``fixed``, the target ftfy's own tests hold it to (it also
  uncurls quotes and so on), and, for a like-for-like comparison with it, textreuse's
  output passed through ``fix_text``'s normalisation against ``fixed`` too.

Negative cases must come back unchanged (``fixed`` may differ from the input only by
fix_text's normalisation, so for them ``textreuse`` and ``fix_encoding`` are also checked
for returning the input as it is).

A category ``lossy (derived)`` is made from the same cases: every expected text whose
UTF-8 form has bytes that lossy decoding drops (’ “ ” – — … and the like) is damaged
twice, as UTF-8 read as Latin-1 with C1 controls dropped and as cp1252 with undefined
bytes dropped; the expected text is the undamaged one. ftfy's files hold no such
lossy damage (their "lossy" cases are ones where a lost byte became "?" or U+FFFD).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ftfy

from textreuse.clean.encoding import damage, repair

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ftfy-cases"
FILES = ("in-the-wild", "synthetic", "language-names", "known-failures", "negative")


@dataclass
class Case:
    """One test case: where it is from, its input and the expected outputs."""

    category: str
    label: str
    original: str
    fixed_encoding: str
    fixed: str


@dataclass
class Tally:
    """Cases fixed exactly per system, and the labels where the systems differ."""

    n: int = 0
    ours: int = 0
    fix_encoding: int = 0
    fix_text: int = 0
    ours_then_fix_text: int = 0
    unchanged_ours: int = 0
    unchanged_fix_encoding: int = 0
    only_ours: list[str] = field(default_factory=list)
    only_ftfy: list[str] = field(default_factory=list)


def load_cases(data: Path) -> list[Case]:
    """Return the cases of ftfy's five case files under `data`."""
    cases = []
    for name in FILES:
        for raw in json.loads(
            (data / "repo-test-cases" / f"{name}.json").read_text(encoding="utf-8")
        ):
            fixed = raw["fixed"]
            cases.append(
                Case(name, raw["label"], raw["original"], raw.get("fixed-encoding", fixed), fixed)
            )
    return cases


def derived_lossy(cases: list[Case]) -> list[Case]:
    """Return lossy-damaged versions of the expected texts that lossy decoding damages."""
    out = []
    seen: set[str] = set()
    for case in cases:
        target = case.fixed_encoding
        if target in seen:
            continue
        seen.add(target)
        for mode in ("latin-1", "cp1252"):
            damaged = damage(target, mode=mode)
            data = target.encode("utf-8", "surrogatepass")
            lossy = (
                any(0x80 <= b <= 0x9F for b in data)
                if mode == "latin-1"
                else any(b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) for b in data)
            )
            if lossy:
                # fix_text's target: what it makes of the undamaged text.
                fixed = ftfy.fix_text(target)
                out.append(
                    Case("lossy (derived)", f"{case.label} [{mode}]", damaged, target, fixed)
                )
    return out


def score(cases: list[Case], ours: Callable[[str], str]) -> dict[str, Tally]:
    """Return the tallies per category (and overall)."""
    tallies: dict[str, Tally] = {}
    for case in cases:
        t = tallies.setdefault(case.category, Tally())
        t.n += 1
        out = ours(case.original)
        enc = ftfy.fix_encoding(case.original)
        txt = ftfy.fix_text(case.original)
        t.ours += out == case.fixed_encoding
        t.fix_encoding += enc == case.fixed_encoding
        t.fix_text += txt == case.fixed
        t.ours_then_fix_text += ftfy.fix_text(out) == case.fixed
        t.unchanged_ours += out == case.original
        t.unchanged_fix_encoding += enc == case.original
        if out == case.fixed_encoding and enc != case.fixed_encoding:
            t.only_ours.append(case.label)
        if out != case.fixed_encoding and enc == case.fixed_encoding:
            t.only_ftfy.append(case.label)
    return tallies


def _cell(k: int, n: int) -> str:
    return f"{k}/{n} ({100 * k / n:.0f} %)" if n else "—"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    if not (args.data / "repo-test-cases").is_dir():
        print(f"no ftfy cases at {args.data}; pass --data", file=sys.stderr)
        return 1
    started = time.perf_counter()
    cases = load_cases(args.data)
    cases += derived_lossy(cases)
    tallies = score(cases, lambda text: repair(text).text)
    seconds = time.perf_counter() - started
    print(f"ftfy {ftfy.__version__}; {len(cases)} cases; {seconds:.1f} s.\n")
    print(
        "| category | cases | textreuse `repair` | `ftfy.fix_encoding` | `ftfy.fix_text` (vs `fixed`) "
        "| `repair`, then `fix_text` (vs `fixed`) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    total = Tally()
    for name, t in tallies.items():
        print(
            f"| {name} | {t.n} | {_cell(t.ours, t.n)} | {_cell(t.fix_encoding, t.n)} | "
            f"{_cell(t.fix_text, t.n)} | {_cell(t.ours_then_fix_text, t.n)} |"
        )
        if name != "lossy (derived)":
            total.n += t.n
            total.ours += t.ours
            total.fix_encoding += t.fix_encoding
            total.fix_text += t.fix_text
            total.ours_then_fix_text += t.ours_then_fix_text
    print(
        f"| all of ftfy's cases | {total.n} | {_cell(total.ours, total.n)} | "
        f"{_cell(total.fix_encoding, total.n)} | {_cell(total.fix_text, total.n)} | "
        f"{_cell(total.ours_then_fix_text, total.n)} |"
    )
    neg = tallies.get("negative")
    if neg:
        print(
            f"\nNegative cases returned exactly as given: textreuse {neg.unchanged_ours}/{neg.n}, "
            f"ftfy.fix_encoding {neg.unchanged_fix_encoding}/{neg.n}."
        )
    print("\nCases where textreuse and ftfy.fix_encoding differ in being exact:\n")
    for name, t in tallies.items():
        for label in t.only_ours:
            print(f"- {name}: only textreuse: {label}")
        for label in t.only_ftfy:
            print(f"- {name}: only ftfy: {label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

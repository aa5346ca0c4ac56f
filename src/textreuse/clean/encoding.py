"""Encoding repair: mojibake that ftfy can fix, and the lossy kind it cannot, with steps.

Two kinds of damage are repaired:

* **Mojibake ftfy can fix** (UTF-8 read as cp1252, Latin-1, MacRoman, cp1251, ...): ftfy
  fixes it, line by line as ``ftfy.fix_text`` does, and each changed region becomes one
  step (found by diffing the line before and after, so offsets stay in the raw text).
  This includes the C1 control characters that ingest reads a UTF-8 file's stray cp1252
  bytes as (:mod:`textreuse.ingest.decode`): each becomes its cp1252 character.
* **Lossy mojibake**: UTF-8 read as Latin-1 (or cp1252) with the C1 control characters
  U+0080-U+009F dropped. ’ “ ” ‘ – — (bytes ``E2 80 xx``) survive as a lone ``â``, the
  cp1252 ``”`` as ``â€``, ``…`` as ``â¦`` and capital accented letters as a lone ``Ã``.
  The lost byte is gone, so ftfy cannot help; the characters are restored from context
  (:mod:`textreuse.clean.lossy`), or from an aligned clean copy of the text
  (:func:`repair_with_witness`).

A document is treated as lossy-damaged only on strong evidence: several ``â`` sites in
positions where genuine ``â`` never stands (``donât``, ``1990â95``, ``said.â``, ``word â
word``), fewer ``â`` inside words that are no contraction (``pâté``, ``România``) and
few accented letters outside the damaged sites. Clean text in any script is left as it
is: without lossy damage, only ftfy may change it, and ftfy leaves clean text alone.

Every change is a :class:`Step` on the raw text; :func:`apply_steps` replays them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, replace
from functools import lru_cache
from types import ModuleType
from typing import Any

from rapidfuzz.distance import Levenshtein

from textreuse.clean.lossy import (
    WORD_RE,
    Site,
    damage,
    damaged_forms,
    find_sites,
    native_letters,
    place,
    restore_accent,
    restore_context,
    survey_style,
)

__all__ = [
    "EncodingConfig",
    "Repair",
    "Step",
    "apply_steps",
    "damage",
    "house_style",
    "repair",
    "repair_with_witness",
]


@dataclass(frozen=True)
class Step:
    """Return-type record of one change: raw span, what replaces it, the rule and its confidence.

    ``start``/``end`` are half-open code-point offsets into the raw text; ``witness`` names
    the clean document a character was taken from, if any.
    """

    start: int
    end: int
    replacement: str
    rule: str
    confidence: float
    witness: str | None = None


@dataclass(frozen=True)
class Repair:
    """Return-type of :func:`repair`: the repaired text and the steps that give it.

    ``lossy`` says whether the document was judged damaged by lossy mojibake, so that the
    context rules ran (a witness alone may repair sites of a document that was not).
    """

    text: str
    steps: tuple[Step, ...]
    lossy: bool = False


@dataclass(frozen=True)
class EncodingConfig:
    """Options of the encoding repair stage.

    * ``use_ftfy``: fix the mojibake ftfy can fix (its steps get ``ftfy_confidence``).
    * ``lossy``: repair lossy mojibake at all (context rules and witnesses).
    * ``min_evidence``: weighted count of unambiguous lossy sites a document needs before
      the context rules run (a contraction, a closing quote after punctuation, a dash
      between digits or between spaced words count 1; an opening quote before a capital or
      a closing quote after a letter 0.5; an unterminated ``â€`` 2).
    * ``spaced_dash``: what ``word â word`` becomes: the em dash, or the en dash of
      British style.
    * ``short_quote``: the mark that opens a short quoted phrase outside any quotation
      (“bumping” in American style, ‘bumping’ in British): ‘ and “ lose the same byte.
      :func:`house_style` reads both from a site's undamaged pages.
    * ``accents``: restore a lone ``Ã`` when exactly one lost capital letter makes a word
      found intact elsewhere in the document.
    * ``ocr``: the texts are OCR output: matching reads them with look-alike glyphs folded
      and hyphenated line ends joined (:mod:`textreuse.clean.ocr`); spans stay raw.
    """

    use_ftfy: bool = True
    lossy: bool = True
    min_evidence: float = 2.0
    spaced_dash: str = "\u2014"
    short_quote: str = "\u201c"
    accents: bool = True
    ftfy_confidence: float = 0.9
    ocr: bool = False


@lru_cache(maxsize=1)
def _ftfy() -> tuple[ModuleType, Any]:
    """Return ftfy and the configuration it is called with, imported on first use (it
    takes 85 ms, and a corpus without suspect text never needs it).

    Only ftfy's encoding fixes: no HTML unescaping, quote uncurling, width or ligature
    folding, NFC normalisation or control-character removal (that is not encoding repair).
    """
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=True,
        remove_control_chars=False,
        normalization=None,
        explain=True,
    )
    return ftfy, config





def apply_steps(raw: str, steps: Sequence[Step]) -> str:
    """Return `raw` with the steps applied (they must be sorted and must not overlap).

    Replaying the steps of :func:`repair` on the raw text gives the repaired text.

    >>> apply_steps("weâll", [Step(2, 3, "’", "lossy:apostrophe", 0.97)])
    'we’ll'
    """
    out: list[str] = []
    pos = 0
    for step in steps:
        if step.start < pos or step.end < step.start or step.end > len(raw):
            raise ValueError(
                f"step {step.start}-{step.end} ({step.rule}) overlaps the step before it or "
                f"lies outside the text of {len(raw)} characters; pass the steps of one "
                "repair, in order"
            )
        out.append(raw[pos : step.start])
        out.append(step.replacement)
        pos = step.end
    out.append(raw[pos:])
    return "".join(out)






# --------------------------------------------------------------------------------------------
# ftfy, with raw offsets
# --------------------------------------------------------------------------------------------


def _opcodes(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """Return the edit operations turning `a` into `b` (rapidfuzz, minimal Levenshtein)."""
    return [
        (op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end)
        for op in Levenshtein.opcodes(a, b)
    ]


def _rule_name(explanation: Sequence[tuple[str, str]] | None) -> str:
    parts = [f"{action}:{parameter}" for action, parameter in explanation or ()]
    return "ftfy:" + ("+".join(parts) if parts else "fix")


def _diff_steps(seg: str, fixed: str, offset: int, rule: str, confidence: float) -> list[Step]:
    """Return one step per changed region between `seg` and `fixed` (offsets + `offset`)."""
    steps: list[Step] = []
    region: list[int] | None = None  # [src_start, src_end, dest_start, dest_end]
    # A closing "equal" flushes the last changed region.
    end = ("equal", len(seg), len(seg), len(fixed), len(fixed))
    for tag, i1, i2, j1, j2 in [*_opcodes(seg, fixed), end]:
        if tag == "equal":
            if region is not None:
                src_start, src_end, dest_start, dest_end = region
                replacement = fixed[dest_start:dest_end]
                steps.append(Step(offset + src_start, offset + src_end, replacement, rule, confidence))
                region = None
        elif region is None:
            region = [i1, i2, j1, j2]
        else:
            region[1], region[3] = i2, j2
    return steps


@dataclass
class _Fixed:
    """ftfy's pass over a text with some spans protected: steps, the fixed text, where things went."""

    steps: list[Step]
    text: str
    site_pos: list[int]  # position in `text` of each protected span
    unchanged: list[tuple[int, int, int]]  # (start, end, raw start): copied from the raw text


def _ftfy_pass(raw: str, protected: Sequence[tuple[int, int]], config: EncodingConfig) -> _Fixed:
    """Return ftfy's fixes of `raw`, line by line, never across or inside a protected span."""
    steps: list[Step] = []
    out: list[str] = []
    site_pos: list[int] = []
    unchanged: list[tuple[int, int, int]] = []
    length = 0
    k = 0
    for line in re.finditer(r"[^\n]*\n?", raw):
        lo, hi = line.span()
        if lo == hi:
            continue
        pos = lo
        while pos < hi:
            if k < len(protected) and protected[k][0] == pos:
                s, e = protected[k]
                site_pos.append(length)
                out.append(raw[s:e])
                length += e - s
                pos = e
                k += 1
                continue
            end = min(hi, protected[k][0]) if k < len(protected) else hi
            seg = raw[pos:end]
            fixed = seg
            if config.use_ftfy and not seg.isascii():
                ftfy, ftfy_config = _ftfy()
                explained = ftfy.fix_and_explain(seg, config=ftfy_config)
                fixed = explained.text
                if fixed != seg:
                    rule = _rule_name(explained.explanation)
                    seg_steps = _diff_steps(seg, fixed, pos, rule, config.ftfy_confidence)
                    # Spans of the fixed segment left as they were, for the accent count.
                    cursor_raw, cursor_out = pos, length
                    for st in seg_steps:
                        if st.start > cursor_raw:
                            unchanged.append(
                                (cursor_out, cursor_out + st.start - cursor_raw, cursor_raw)
                            )
                        cursor_out += st.start - cursor_raw + len(st.replacement)
                        cursor_raw = st.end
                    if end > cursor_raw:
                        unchanged.append((cursor_out, cursor_out + end - cursor_raw, cursor_raw))
                    steps.extend(seg_steps)
            if fixed == seg:
                unchanged.append((length, length + len(seg), pos))
            out.append(fixed)
            length += len(fixed)
            pos = end
    return _Fixed(steps, "".join(out), site_pos, unchanged)





# --------------------------------------------------------------------------------------------
# witness
# --------------------------------------------------------------------------------------------


def _raw_to_fixed(fixed: _Fixed, raw_pos: int, *, side: str) -> int:
    """Return the position in the ftfy-fixed text of raw position `raw_pos` (snapped out of fixes)."""
    delta = 0
    for step in fixed.steps:
        if step.end <= raw_pos:
            delta += len(step.replacement) - (step.end - step.start)
        elif step.start < raw_pos:  # inside a fix: take all of it
            if side == "start":
                return step.start + delta
            return step.start + delta + len(step.replacement)
        else:
            break
    return raw_pos + delta


def _decode_region(
    source: str, target: str, units: list[tuple[int, Site]]
) -> list[tuple[Site, str]] | None:
    """Return each site of a differing region with the witness characters it stands for.

    Walks `source` (damaged) and `target` (clean) together: characters outside sites must
    be equal, and each site must be lossy mojibake of the next one or two characters of
    the target. Returns None when the region does not decode so (the witness differs).
    """
    found: list[tuple[Site, str]] = []
    at = dict(units)
    i = j = 0
    while i < len(source):
        site = at.get(i)
        if site is None:
            if j >= len(target) or source[i] != target[j]:
                return None
            i, j = i + 1, j + 1
            continue
        for width in (1, 2):
            candidate = target[j : j + width]
            if candidate and site.text in damaged_forms(candidate):
                found.append((site, candidate))
                i, j = i + len(site.text), j + width
                break
        else:
            return None
    return found if j == len(target) else None


def _anchor_sites(
    inside: list[Site], lo: int, hi: int, target: str, t_lo: int, t_hi: int
) -> list[tuple[Site, str]]:
    """Return the sites of a region the witness also edited, each read at a fixed distance.

    A site is taken from the witness character as far from the region's start as the site
    is (or as far from its end), if exactly one of the two is lossy mojibake of it.
    """
    found = []
    for site in inside:
        candidates = set()
        for j in (t_lo + site.pos - lo, t_hi - (hi - site.pos - len(site.text)) - 1):
            char = target[j] if t_lo <= j < t_hi else ""
            if char and site.text in damaged_forms(char):
                candidates.add(char)
        if len(candidates) == 1:
            found.append((site, candidates.pop()))
    return found


def _between(before: str, after: str, window: str) -> list[str]:
    """Return the character between each match of `before` + one character + `after` in
    `window`, matches taken left to right without overlapping (as ``re.finditer`` takes
    them; plain string search, since a pattern per site cost a compile per site).

    >>> _between("ab", "d", "abcd abxd abd abyyd")
    ['c', 'x']
    """
    out: list[str] = []
    nb, na = len(before), len(after)
    pos = window.find(before)
    while 0 <= pos and pos + nb < len(window):
        mid = pos + nb
        if window.startswith(after, mid + 1):
            out.append(window[mid])
            pos = window.find(before, mid + 1 + na)
        else:
            pos = window.find(before, pos + 1)
    return out


def _search_site(site: Site, text: str, target: str, t_lo: int, t_hi: int) -> str | None:
    """Return the witness character between the site's neighbours, searched near its region.

    For a site the witness edited around: its neighbouring characters (three on each side,
    else fewer, at least three in all, no other site) must stand in the witness within 40
    characters of the aligned region around exactly one character that is lossy mojibake
    of the site.
    """
    left = text[max(0, site.pos - 3) : site.pos]
    left = left[max(left.rfind("\u00e2"), left.rfind("\u00c3")) + 1 :]
    end = site.pos + len(site.text)
    right = text[end : end + 3]
    cut = [k for k in (right.find("\u00e2"), right.find("\u00c3")) if k >= 0]
    right = right[: min(cut)] if cut else right
    window = target[max(0, t_lo - 40) : t_hi + 40]
    for n_left, n_right in ((3, 3), (2, 2), (2, 1), (1, 2)):
        before, after = left[len(left) - n_left :] if n_left <= len(left) else "", right[:n_right]
        if len(before) < n_left or len(after) < n_right:
            continue
        found = {char for char in _between(before, after, window) if site.text in damaged_forms(char)}
        if len(found) == 1:
            return found.pop()
    return None


def _unchanged_at(fixed: _Fixed, lo: int, hi: int) -> int | None:
    """Return the raw offset of fixed-text span [lo, hi) if ftfy left it as it was, else None."""
    k = bisect.bisect_right([u[0] for u in fixed.unchanged], lo) - 1
    if k >= 0:
        u0, u1, raw0 = fixed.unchanged[k]
        if u0 <= lo and hi <= u1:
            return raw0 + lo - u0
    return None


def _apply_witness(
    sites: list[Site],
    fixed: _Fixed,
    clean: str,
    passages: Sequence[tuple[int, int, int, int]],
    witness: str | None,
) -> list[Site]:
    """Take what each differing region of an aligned passage lost from the clean witness.

    A region with lossy sites is decoded site by site (:func:`_decode_region`); a region
    without sites that is mojibake of the witness's text (damage ftfy left alone) becomes
    a site of its own. Returns those new sites.
    """
    extra: list[Site] = []
    positions = [s.pos for s in sites]
    for a0, a1, b0, b1 in passages:
        f0 = _raw_to_fixed(fixed, a0, side="start")
        f1 = _raw_to_fixed(fixed, a1, side="end")
        source, target = fixed.text[f0:f1], clean[b0:b1]
        if source == target:
            continue
        regions: list[list[int]] = []
        for tag, i1, i2, j1, j2 in _opcodes(source, target):
            if tag == "equal":
                continue
            if regions and regions[-1][1] == i1 and regions[-1][3] == j1:
                regions[-1][1], regions[-1][3] = i2, j2
            else:
                regions.append([i1, i2, j1, j2])
        for i1, i2, j1, j2 in regions:
            lo = bisect.bisect_left(positions, f0 + i1 - 2)
            hi = bisect.bisect_left(positions, f0 + i2)
            inside = [s for s in sites[lo:hi] if s.pos + len(s.text) > f0 + i1]
            if inside:
                # Widen the region to whole sites (an alignment may split "â¦"); what it
                # takes in on either side was aligned as equal text.
                s_lo = min(i1, inside[0].pos - f0)
                s_hi = max(i2, max(s.pos + len(s.text) for s in inside) - f0)
                if s_lo < 0 or s_hi > len(source):
                    continue
                t_lo, t_hi = j1 - (i1 - s_lo), j2 + (s_hi - i2)
                decoded = _decode_region(
                    source[s_lo:s_hi], target[t_lo:t_hi], [(s.pos - f0 - s_lo, s) for s in inside]
                )
                if decoded is None:
                    decoded = _anchor_sites(inside, f0 + s_lo, f0 + s_hi, target, t_lo, t_hi)
                    done = {id(site) for site, _ in decoded}
                    decoded += [
                        (site, char)
                        for site in inside
                        if id(site) not in done
                        and (char := _search_site(site, fixed.text, target, t_lo, t_hi)) is not None
                    ]
                for site, char in decoded:
                    site.replacement, site.rule, site.confidence, site.witness = (
                        char,
                        "witness",
                        1.0,
                        witness,
                    )
                continue
            raw0 = _unchanged_at(fixed, f0 + i1, f0 + i2)
            text = source[i1:i2]
            if (
                raw0 is not None
                and text
                and "\n" not in text
                and not text.isascii()
                and text in damaged_forms(target[j1:j2])
            ):
                extra.append(
                    Site(
                        raw0,
                        raw0 + i2 - i1,
                        "mojibake",
                        text,
                        f0 + i1,
                        replacement=target[j1:j2],
                        rule="witness",
                        confidence=1.0,
                        witness=witness,
                    )
                )
    return extra


# --------------------------------------------------------------------------------------------
# the stage
# --------------------------------------------------------------------------------------------


# The first pass over a text with lossy sites (ftfy around them, each site placed), kept
# from the index stage's repair for the witness pass, which repeats it on the same raw
# text: about half of that pass's time. Bounded by the characters kept; the scan clears it.
_FIRST_PASSES: dict[tuple[str, EncodingConfig], tuple[_Fixed, list[Site]]] = {}
_FIRST_PASS_CHARS = [0]
FIRST_PASS_LIMIT = 16 << 20  # characters of raw text


def forget_first_passes() -> None:
    """Drop the first passes kept for witness repairs (the scan calls it when done)."""
    _FIRST_PASSES.clear()
    _FIRST_PASS_CHARS[0] = 0


def _placed(raw: str, config: EncodingConfig) -> tuple[_Fixed, list[Site]] | None:
    """Return ftfy's pass around the lossy sites of `raw` and the sites placed in it (fresh
    copies, for the caller to decide), or None when `raw` has no lossy site."""
    key = (raw, config)
    kept = _FIRST_PASSES.get(key)
    if kept is None:
        sites = find_sites(raw) if config.lossy else []
        if not sites:
            return None
        fixed = _ftfy_pass(raw, [(s.start, s.end) for s in sites], config)
        for site, pos in zip(sites, fixed.site_pos):
            site.pos = pos
        place(sites, fixed.text, fixed.unchanged)
        kept = (fixed, sites)
        if _FIRST_PASS_CHARS[0] + len(raw) <= FIRST_PASS_LIMIT:
            _FIRST_PASSES[key] = kept
            _FIRST_PASS_CHARS[0] += len(raw)
    fixed, sites = kept
    return fixed, [copy(site) for site in sites]


def _repair(
    raw: str,
    config: EncodingConfig,
    clean: str | None = None,
    passages: Sequence[tuple[int, int, int, int]] = (),
    witness: str | None = None,
) -> Repair:
    placed = _placed(raw, config)
    if placed is None:
        steps = _ftfy_pass(raw, (), config).steps
        return Repair(apply_steps(raw, steps), tuple(steps))
    fixed, sites = placed
    if clean is not None:
        extra = _apply_witness(sites, fixed, clean, passages, witness)
        # Passages grown into each other may find the same stretch twice.
        unique = {(site.start, site.end): site for site in reversed(extra)}
        sites = sorted(sites + list(unique.values()), key=lambda site: site.start)
    native = native_letters(fixed.text, fixed.unchanged)
    evidence = sum(s.evidence for s in sites)
    counter = sum(s.counter for s in sites)
    lossy = evidence >= config.min_evidence and evidence >= counter and native <= evidence
    if lossy:
        lone = [site for site in sites if site.kind == "atilde" and site.replacement is None]
        if config.accents and lone:
            # The text's words, only when a lone Ã needs them (most damaged texts have none).
            words = {w.casefold() for w in WORD_RE.findall(fixed.text) if "\u00c3" not in w}
            for site in lone:
                restore_accent(site, fixed.text, words)
        restore_context(
            sites,
            fixed.text,
            native > 0,
            spaced_dash=config.spaced_dash,
            short_quote=config.short_quote,
        )
    chosen = [s for s in sites if s.replacement is not None]
    if not chosen:
        steps = _ftfy_pass(raw, (), config).steps
        return Repair(apply_steps(raw, steps), tuple(steps), False)
    if not lossy:
        # Only witnessed sites are repaired: let ftfy see the rest of the text as usual.
        fixed = _ftfy_pass(raw, [(s.start, s.end) for s in chosen], config)
    lossy_steps = [
        Step(s.start, s.end, s.replacement or "", s.rule, s.confidence, s.witness) for s in chosen
    ]
    steps = sorted(fixed.steps + lossy_steps, key=lambda st: (st.start, st.end))
    return Repair(apply_steps(raw, steps), tuple(steps), lossy)


def house_style(texts: Iterable[str], *, config: EncodingConfig = EncodingConfig()) -> EncodingConfig:
    """Return `config` with the spaced dash and short-quote mark that clean `texts` use most.

    Lossy damage erases a site's house style (‘ and “, – and — lose the same byte); pass
    the site's undamaged pages to learn it. What the texts do not show stays as it was.

    >>> style = house_style(["Profits – up a fifth – rose; the ‘bumping’ rule – and ‘chip’ and ‘pin’ cards"])
    >>> repair("Salesâ cuts â fell. Itâs âbumpingâ, weâre told.", config=style).text
    'Sales’ cuts – fell. It’s ‘bumping’, we’re told.'
    """
    dash, mark = survey_style(texts)
    return replace(config, spaced_dash=dash or config.spaced_dash, short_quote=mark or config.short_quote)


def repair(text: str, *, config: EncodingConfig = EncodingConfig()) -> Repair:
    """Return `text` with its encoding repaired, and the steps taken (raw offsets).

    Mojibake ftfy can fix is fixed by ftfy; lossy mojibake (C1 bytes dropped) is restored
    from context when the document shows strong evidence of it. Clean text comes back
    unchanged, with no steps.

    >>> r = repair("“We’ll see,” the firm’s head said.")
    >>> r.text == "“We’ll see,” the firm’s head said.", r.steps
    (True, ())
    >>> repair("âWeâll see,â the firmâs head said â and left.").text
    '“We’ll see,” the firm’s head said — and left.'
    >>> repair("The cafÃ© is open").steps[0].rule
    'ftfy:encode:latin-1+decode:utf-8'
    """
    return _repair(text, config)


def repair_with_witness(
    damaged: str,
    clean: str,
    passages: Sequence[tuple[int, int, int, int]],
    *,
    witness: str | None = None,
    config: EncodingConfig = EncodingConfig(),
) -> Repair:
    """Return `damaged` repaired, taking lost characters from the aligned `clean` witness.

    ``passages`` are aligned spans ``(a_start, a_end, b_start, b_end)``: ``a`` in the raw
    damaged text, ``b`` in the clean text. Inside them each lossy site takes the clean
    character aligned with it (if lossy mojibake of that character gives the site), and
    its step names `witness`; elsewhere the context rules of :func:`repair` apply.

    >>> clean = "Well—I’d say ‘no’."
    >>> r = repair_with_witness("WellâIâd say ânoâ.", clean, [(0, 18, 0, 18)], witness="b")
    >>> r.text == clean, {s.witness for s in r.steps}
    (True, {'b'})
    """
    for passage in passages:
        a0, a1, b0, b1 = passage
        if not (0 <= a0 <= a1 <= len(damaged) and 0 <= b0 <= b1 <= len(clean)):
            raise ValueError(
                f"passage {passage} does not fit the texts ({len(damaged)} damaged and "
                f"{len(clean)} clean characters); give (a_start, a_end, b_start, b_end) "
                "with a in the damaged raw text and b in the clean text"
            )
    widened = [_widen(damaged, clean, passage) for passage in passages]
    return _repair(damaged, config, clean, widened, witness)


def _agree(damaged: str, a: int, clean: str, b: int, limit: int) -> tuple[int, int]:
    """Return how far (damaged, clean) agree from `a`, `b` on, damage read as damage."""
    a_end, b_end = a, b
    while a_end < len(damaged) and b_end < len(clean) and b_end - b < limit:
        if damaged[a_end] == "\n" and a_end > a:
            break  # a passage grows within its paragraph
        if damaged[a_end] == clean[b_end]:
            a_end, b_end = a_end + 1, b_end + 1
            continue
        for width in (1, 2):
            # Longest form first, so a whole damaged sequence is read as one (â€ of ”,
            # not its â alone); a set's order changed with the process's hash seed.
            forms = sorted((f for f in damaged_forms(clean[b_end : b_end + width]) if f), key=lambda f: (-len(f), f))
            form = next((f for f in forms if damaged.startswith(f, a_end)), None)
            if form is not None:
                a_end, b_end = a_end + len(form), b_end + width
                break
        else:
            break
    return a_end, b_end


def _widen(damaged: str, clean: str, passage: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """Return `passage` started where the texts begin to agree, and grown while they do.

    An aligner's passage starts and ends at words both texts share, and a word the damage
    joined (``ministerâfacing`` against ``minister—facing``) is no shared word: the lost
    character beside a passage's edge would fall outside it, or one side of the passage
    would start a few words before the other. The start moves back (on either side, up
    to 200 characters) to the earliest point from which the texts agree, damage read as
    lossy mojibake of the clean characters, up to past the passage's start; the end grows
    while they agree. Neither edge crosses a line break.

    >>> _widen("The ministerâfacing a revolt", "The minister—facing a revolt", (20, 28, 20, 28))
    (0, 28, 0, 28)
    >>> _widen("The ministerâfacing a revolt", "The minister—facing a revolt", (13, 28, 0, 28))
    (0, 28, 0, 28)
    """
    a0, a1, b0, b1 = passage
    best = (a0, b0)
    a_min, b_min = damaged.rfind("\n", 0, a0) + 1, clean.rfind("\n", 0, b0) + 1
    for back in range(1, 201):
        for a, b in ((a0 - back, b0 - back), (a0 - back, b0), (a0, b0 - back)):
            if a < a_min or b < b_min or a > best[0] or b > best[1]:
                continue
            a_end, b_end = _agree(damaged, a, clean, b, limit=max(a0 - a, b0 - b) + 21)
            if a_end >= a0 + 20 or a_end == len(damaged):
                if b_end >= b0 + 20 or b_end == len(clean):
                    best = (a, b)
    a0, b0 = best
    a_end, b_end = _agree(damaged, a1, clean, b1, limit=len(clean))
    return a0, max(a1, a_end), b0, max(b1, b_end)
